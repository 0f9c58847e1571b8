-- Why the bill changed: for each billing period and the one before it, the change in
-- effective cost by team, model, cost category and driver (docs/explain-the-bill.md).
--   A workload is what persists from month to month: a long-lived resource (endpoint,
--   notebook, app, ...), or for jobs, which get a new ARN each run, the family of jobs of one
--   experiment on one instance type; rows without a resource by usage type.
--   Per workload and pricing unit: new_resources (nothing the month before),
--   resources_gone (nothing this month), idle_capacity (shared endpoints' idle rows),
--   credits_refunds_tax and commitment_purchases (by FOCUS ChargeCategory); otherwise
--   usage_change = (quantity now - quantity before) * the rate before, and rate_change the
--   rest (prices, spot or on-demand, Savings Plan coverage). Quantities are per cost category,
--   the rate before per workload, so moving a workload off spot is a rate change.
-- Two comparison bases: 'reported' (the whole previous month) and 'same_days' (the previous
-- month's first days_with_data days: the honest one for the open month). The rows of a
-- period and basis sum to its change exactly.
with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

periods as (

    select * from {{ ref('int_billing_periods_paired') }}
    where previous_billing_period is not null

),

comparison_bases as (

    select 'reported' as comparison_basis
    union all
    select 'same_days' as comparison_basis

),

workload_days as (

    select
        billing_period,
        charge_date,
        team,
        model,
        cost_category,
        charge_category,
        charge_class,
        allocation_method,
        coalesce(pricing_unit, '-') as pricing_unit,
        case
            when resource_type in ('training-job', 'processing-job', 'transform-job')
                then resource_type || '|' || experiment || '|' || coalesce(instance_type, '-')
            when resource_id is not null then lower(resource_id)
            else coalesce(usage_type, charge_category)
        end as workload_key,
        case
            when resource_type in ('training-job', 'processing-job', 'transform-job')
                then resource_type || 's of experiment ' || experiment || coalesce(' on ' || instance_type, ' (' || usage_type || ')', '')
            when resource_id is not null then coalesce(resource_name, resource_id)
            else coalesce(usage_type, charge_category)
        end as workload_name,
        allocated_pricing_quantity,
        effective_cost
    from costs

),

period_sides as (

    -- each period compared with itself (the current side) and with the month before
    select
        billing_period,
        billing_period as workload_period,
        previous_same_days_end,
        true as is_current
    from periods
    union all
    select
        billing_period,
        previous_billing_period as workload_period,
        previous_same_days_end,
        false as is_current
    from periods

),

both_sides as (

    -- the previous month on the same days only for the same_days basis
    select
        period_sides.billing_period,
        basis.comparison_basis,
        workload_days.team,
        workload_days.model,
        workload_days.workload_key,
        workload_days.pricing_unit,
        workload_days.cost_category,
        workload_days.charge_category,
        workload_days.charge_class,
        workload_days.allocation_method,
        workload_days.workload_name,
        case when period_sides.is_current then workload_days.allocated_pricing_quantity else 0 end as allocated_pricing_quantity,
        case when period_sides.is_current then workload_days.effective_cost else 0 end as effective_cost,
        case when period_sides.is_current then 0 else workload_days.allocated_pricing_quantity end as previous_quantity,
        case when period_sides.is_current then 0 else workload_days.effective_cost end as previous_cost
    from workload_days
    inner join period_sides on workload_days.billing_period = period_sides.workload_period
    cross join comparison_bases as basis
    where
        period_sides.is_current
        or basis.comparison_basis = 'reported'
        or workload_days.charge_date < period_sides.previous_same_days_end

),

categories as (

    -- one row per period, basis, workload, pricing unit and cost category, now and before
    select
        billing_period,
        comparison_basis,
        team,
        model,
        workload_key,
        pricing_unit,
        cost_category,
        max(workload_name) as workload_name,
        max(case when charge_category in ('Credit', 'Adjustment', 'Tax') then 1 else 0 end) as is_credit_or_tax,
        max(case when charge_category = 'Purchase' then 1 else 0 end) as is_purchase,
        max(case when charge_class = 'Correction' then 1 else 0 end) as is_correction,
        max(case when allocation_method = 'idle_capacity' then 1 else 0 end) as is_idle_capacity,
        coalesce(sum(allocated_pricing_quantity), 0) as current_quantity,
        sum(effective_cost) as current_cost,
        coalesce(sum(previous_quantity), 0) as previous_quantity,
        sum(previous_cost) as previous_cost,
        sum(case when effective_cost != 0 or allocated_pricing_quantity != 0 then 1 else 0 end) as current_rows,
        sum(case when previous_cost != 0 or previous_quantity != 0 then 1 else 0 end) as previous_rows
    from both_sides
    group by billing_period, comparison_basis, team, model, workload_key, pricing_unit, cost_category

),

workloads as (

    -- the workload as a whole: did it exist before and now, and its rate before
    select
        *,
        sum(current_rows) over (partition by billing_period, comparison_basis, team, model, workload_key, pricing_unit)
            as workload_current_rows,
        sum(previous_rows) over (partition by billing_period, comparison_basis, team, model, workload_key, pricing_unit)
            as workload_previous_rows,
        sum(previous_cost) over (partition by billing_period, comparison_basis, team, model, workload_key, pricing_unit)
        / nullif(
            sum(previous_quantity) over (partition by billing_period, comparison_basis, team, model, workload_key, pricing_unit),
            0
        ) as previous_rate
    from categories

),

classified as (

    select
        *,
        case
            when is_idle_capacity = 1 then 'idle_capacity'
            when is_correction = 1 then 'corrections'
            when is_credit_or_tax = 1 then 'credits_refunds_tax'
            when is_purchase = 1 then 'commitment_purchases'
            when workload_previous_rows = 0 then 'new_resources'
            when workload_current_rows = 0 then 'resources_gone'
        end as single_driver,
        (current_quantity - previous_quantity) * coalesce(previous_rate, 0) as usage_effect
    from workloads

),

drivers as (

    select
        billing_period,
        comparison_basis,
        team,
        model,
        cost_category,
        workload_key,
        workload_name,
        pricing_unit,
        single_driver as driver,
        current_cost - previous_cost as change_effective_cost
    from classified
    where single_driver is not null
    union all
    select
        billing_period,
        comparison_basis,
        team,
        model,
        cost_category,
        workload_key,
        workload_name,
        pricing_unit,
        'usage_change' as driver,
        usage_effect as change_effective_cost
    from classified
    where single_driver is null
    union all
    select
        billing_period,
        comparison_basis,
        team,
        model,
        cost_category,
        workload_key,
        workload_name,
        pricing_unit,
        'rate_change' as driver,
        current_cost - previous_cost - usage_effect as change_effective_cost
    from classified
    where single_driver is null

),

final as (

    select
        {{ md5_hex(
            "drivers.billing_period || '#' || drivers.comparison_basis || '#' || drivers.team || '#' || drivers.model"
            ~ " || '#' || drivers.cost_category || '#' || drivers.workload_key || '#' || drivers.pricing_unit"
            ~ " || '#' || drivers.driver"
        ) }} as bridge_row_id,
        drivers.billing_period,
        periods.previous_billing_period,
        drivers.comparison_basis,
        periods.is_complete,
        periods.days_with_data,
        drivers.team,
        drivers.model,
        drivers.cost_category,
        drivers.driver,
        drivers.workload_key,
        drivers.workload_name,
        drivers.pricing_unit,
        drivers.change_effective_cost
    from drivers
    inner join periods on drivers.billing_period = periods.billing_period
    -- what is left of a continuing workload's usage and rate after floating-point sums
    where abs(drivers.change_effective_cost) > 0.0000005

)

select * from final
