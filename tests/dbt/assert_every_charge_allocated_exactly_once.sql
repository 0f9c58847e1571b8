-- Every SageMaker charge row is split into shares that add up to exactly one,
-- and each split's costs add back to the source row (to 0.01 USD).
with

allocations as (

    select
        charge_id,
        sum(allocation_share) as total_share,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from {{ ref('fct_ml_costs') }}
    group by charge_id

),

source_rows as (

    select
        charge_id,
        effective_cost,
        billed_cost
    from {{ ref('int_ml_charges_classified') }}

)

select
    source_rows.charge_id,
    allocations.total_share,
    source_rows.effective_cost - coalesce(allocations.effective_cost, 0) as effective_cost_gap,
    source_rows.billed_cost - coalesce(allocations.billed_cost, 0) as billed_cost_gap
from source_rows
left join allocations on source_rows.charge_id = allocations.charge_id
where
    allocations.charge_id is null
    or abs(allocations.total_share - 1) > 1e-9
    or abs(source_rows.effective_cost - allocations.effective_cost) > {{ var('conservation_tolerance') }}
    or abs(source_rows.billed_cost - allocations.billed_cost) > {{ var('conservation_tolerance') }}
