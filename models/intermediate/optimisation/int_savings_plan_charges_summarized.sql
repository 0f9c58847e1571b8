{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days() }}",
        partition_by=charge_days_partition(),
    )
}}
-- The Savings Plans rows (int_savings_plan_charges_classified) summed per charge period,
-- commitment, role, instance family and team: all the three Savings Plans reports group by,
-- about a fortieth of the allocation rows. Incremental by charge day, so a daily run sums the
-- new day's rows only, where each report used to read every attributed row of every period.
with

classified as (

    select * from {{ ref('int_savings_plan_charges_classified') }}
    where {{ charge_days_to_process() }}

),

final as (

    select
        billing_period,
        charge_date,
        charge_period_start,
        charge_period_end,
        period_hours,
        commitment_discount_id,
        plan_role,
        instance_family,
        team,
        charge_day_version,
        count(*) as allocation_row_count,
        sum(billed_cost) as billed_cost,
        sum(effective_cost) as effective_cost,
        sum(list_cost) as list_cost
    from classified
    group by
        billing_period,
        charge_date,
        charge_period_start,
        charge_period_end,
        period_hours,
        commitment_discount_id,
        plan_role,
        instance_family,
        team,
        charge_day_version

)

select * from final
