-- The FOCUS 1.3 allocated charges sum to their origin charges: per origin charge
-- (x_ChargeId), the splits' EffectiveCost, BilledCost and ListCost sum to the charge as
-- isolated from the FOCUS files (int_ml_charges_isolated, before any attribution), the splits of a
-- charge split by a method have shares summing to 1, and every SageMaker charge has
-- splits. Returns the charges that differ.
with

allocated as (

    select * from {{ ref('fct_focus_allocated_charges') }}

),

origin_charges as (

    select * from {{ ref('int_ml_charges_isolated') }}

),

allocated_by_charge as (

    select
        {{ focus_name('x_ChargeId') }} as charge_id,
        sum({{ focus_name('EffectiveCost') }}) as effective_cost,
        sum({{ focus_name('BilledCost') }}) as billed_cost,
        sum({{ focus_name('ListCost') }}) as list_cost,
        sum(case when {{ focus_name('AllocatedMethodId') }} is not null then {{ focus_name('x_AllocationShare') }} end) as split_ratio,
        count({{ focus_name('AllocatedMethodId') }}) as split_rows
    from allocated
    group by {{ focus_name('x_ChargeId') }}

),

sagemaker_charges as (

    select
        charge_id,
        effective_cost,
        billed_cost,
        list_cost
    from origin_charges

),

compared as (

    select
        coalesce(sagemaker_charges.charge_id, allocated_by_charge.charge_id) as charge_id,
        sagemaker_charges.effective_cost as origin_effective_cost,
        allocated_by_charge.effective_cost as allocated_effective_cost,
        sagemaker_charges.billed_cost as origin_billed_cost,
        allocated_by_charge.billed_cost as allocated_billed_cost,
        sagemaker_charges.list_cost as origin_list_cost,
        allocated_by_charge.list_cost as allocated_list_cost,
        allocated_by_charge.split_ratio,
        allocated_by_charge.split_rows
    from sagemaker_charges
    full outer join allocated_by_charge
        on sagemaker_charges.charge_id = allocated_by_charge.charge_id

),

final as (

    select * from compared
    where
        origin_effective_cost is null
        or allocated_effective_cost is null
        or abs(origin_effective_cost - allocated_effective_cost) > 1e-6
        or abs(coalesce(origin_billed_cost, 0) - coalesce(allocated_billed_cost, 0)) > 1e-6
        or abs(coalesce(origin_list_cost, 0) - coalesce(allocated_list_cost, 0)) > 1e-6
        or (split_rows > 0 and abs(split_ratio - 1) > 1e-9)

)

select * from final
