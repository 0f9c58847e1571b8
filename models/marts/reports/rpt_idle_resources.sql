-- The first savings, over the last var idle_days days of data:
--   idle_endpoint        endpoints with no invocation at all (all variants), with their daily
--                        cost and the cost since they were last invoked
--   always_on_notebook / always_on_studio_app
--                        billed through nights and weekends (outside var working hours, UTC)
--                        for at least var always_on_min_off_hours_share of those hours
--   underused_endpoint   invoked, but fewer than var min_invocations_per_instance_hour
--                        invocations per instance hour: right-sizing candidates
--   grain_too_coarse     notebooks and Studio apps of a DAILY or MONTHLY export: the always-on
--                        check needs hourly charge periods; the note names the export's grain
-- The window ends where the data does (data_through of stg_focus__billing_periods), and a row
-- longer than the window (a day, a month) counts for the share of its covered hours inside it.
{%- set window_start_literal = idle_window_start() %}
with

costs as {{ not_materialized() }} (

    -- the attributed rows behind fct_ml_costs, which also carry the billed quantity
    select * from {{ ref('int_ml_charges_attributed') }}

),

invocations as (

    select * from {{ ref('int_endpoint_invocations_aggregated') }}

),

periods as (

    select * from {{ ref('stg_focus__billing_periods') }}

),

as_of as (

    -- where the data ends, not where the charge periods do (a MONTHLY row of the open month
    -- ends on the first of next month)
    select
        max(data_through) as as_of_time,
        {{ dbt.dateadd('day', '-' ~ var('idle_days'), 'max(data_through)') }} as window_start
    from periods

),

covered_costs as {{ not_materialized() }} (

    select
        costs.*,
        as_of.as_of_time,
        as_of.window_start,
        periods.export_granularity,
        least(costs.charge_period_end, periods.data_through) as covered_end
    from costs
    inner join periods on costs.billing_period = periods.billing_period
    cross join as_of

),

window_costs as {{ not_materialized() }} (

    -- the share of each row's covered hours that falls inside the window
    select
        *,
        {{ hours_between('greatest(charge_period_start, window_start)', 'covered_end') }}
        / nullif({{ hours_between('charge_period_start', 'covered_end') }}, 0) as window_share
    from covered_costs
    where
        covered_end > window_start
        {%- if window_start_literal is not none %}
            -- implied by the line above (covered_end <= charge_period_end), but a constant: it
            -- reaches the scan, which skips the attributed rows' row groups before the window
            and charge_period_end > {{ window_start_literal }}
        {%- endif %}

),

window_quantities as (

    select
        window_costs.*,
        window_costs.effective_cost * window_costs.window_share as window_effective_cost,
        window_costs.allocation_share * coalesce(window_costs.pricing_quantity, 0) * window_costs.window_share as pricing_quantity_share
    from window_costs

),

{{ idle_endpoint_findings_ctes(window_quantities='window_quantities', covered_costs='covered_costs', invocations='invocations') }}

{{ always_on_findings_ctes(window_quantities='window_quantities', window_costs='window_costs') }}

coarse_findings as (

    -- notebooks and Studio apps billed in rows longer than an hour: the report says the
    -- grain is too coarse for the always-on check instead of going silent
    select
        'grain_too_coarse' as finding,
        resource_key,
        min(resource_name) as resource_name,
        min(resource_type) as resource_type,
        min(team) as team,
        cast(null as {{ dbt.type_string() }}) as models,
        sum(effective_cost) as window_cost,
        sum(effective_cost) / {{ var('idle_days') }} as daily_cost,
        cast(null as timestamp) as idle_since,
        cast(null as double) as cost_since_idle,
        cast(null as double) as invocations,
        cast(null as double) as instance_hours,
        cast(null as double) as invocations_per_instance_hour,
        cast(null as double) as off_hours,
        cast(null as double) as off_hours_cost,
        cast(null as double) as off_hours_share,
        'the always-on check needs HOURLY charge periods; this export is '
        || min(export_granularity) || ': export hourly to find notebooks and apps left running' as note
    from hourly_dev
    where not is_hourly
    group by resource_key

),

final as (

    select
        *,
        {{ var('idle_days') }} as window_days
    from endpoint_findings
    union all
    select
        *,
        {{ var('idle_days') }} as window_days
    from dev_findings
    union all
    select
        *,
        {{ var('idle_days') }} as window_days
    from coarse_findings

)

select * from final
