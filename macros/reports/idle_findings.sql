-- noqa: disable=LT02
{#-
    CTEs endpoint_usage, endpoint_invocations, endpoint_cost_since and endpoint_findings of
    rpt_idle_resources: endpoints with no invocation in the window (idle_endpoint, with the cost
    since they were last invoked) or fewer than var min_invocations_per_instance_hour invocations
    per instance hour (underused_endpoint).
-#}
{% macro idle_endpoint_findings_ctes(window_quantities, covered_costs, invocations) %}
    endpoint_usage as (

        select
            lower(resource_id) as resource_key,
            min(resource_id) as resource_id,
            min(resource_name) as resource_name,
            min(team) as team,
            {{ string_agg_distinct('model') }} as models,
            min(sub_account_id) as account_id,
            min(region_id) as region_id,
            sum(window_effective_cost) as window_cost,
            sum(case when cost_category in ('endpoint_hosting', 'async_inference') then pricing_quantity_share else 0 end) as instance_hours,
            min(window_start) as window_start,
            min(as_of_time) as as_of_time
        from {{ window_quantities }} as window_quantities
        where resource_type = 'endpoint' and cost_category in ('endpoint_hosting', 'async_inference', 'data_processed', 'data_transfer')
        group by lower(resource_id)

    ),

    endpoint_invocations as (

        select
            endpoint_usage.resource_key,
            sum(
                case when invocations.period_start >= endpoint_usage.window_start then invocations.invocations else 0 end
            ) as window_invocations,
            max(case when invocations.invocations > 0 then invocations.period_start end) as last_invoked_at
        from endpoint_usage
        inner join {{ invocations }} as invocations
            on
                endpoint_usage.resource_name = invocations.endpoint_name
                and endpoint_usage.account_id = invocations.account_id
                and endpoint_usage.region_id = invocations.region
        group by endpoint_usage.resource_key

    ),

    endpoint_cost_since as (

        -- the cost of the covered hours since the endpoint was last invoked; only for the
        -- endpoints without an invocation in the window, the only ones it is reported for (an
        -- endpoint invoked in the window has a last_invoked_at, so idle_since needs no
        -- first_charged_at either)
        select
            endpoint_usage.resource_key,
            {%- set since = 'coalesce(endpoint_invocations.last_invoked_at, covered_costs.charge_period_start)' %}
            sum(
                covered_costs.effective_cost
                * {{ hours_between('greatest(covered_costs.charge_period_start, ' ~ since ~ ')', 'covered_costs.covered_end') }}
                / nullif({{ hours_between('covered_costs.charge_period_start', 'covered_costs.covered_end') }}, 0)
            ) as cost_since_idle,
            min(covered_costs.charge_period_start) as first_charged_at
        from endpoint_usage
        left join endpoint_invocations on endpoint_usage.resource_key = endpoint_invocations.resource_key
        inner join {{ covered_costs }} as covered_costs
            on
                endpoint_usage.resource_key = lower(covered_costs.resource_id)
                and covered_costs.covered_end > coalesce(endpoint_invocations.last_invoked_at, timestamp '1970-01-01')
        where coalesce(endpoint_invocations.window_invocations, 0) = 0
        group by endpoint_usage.resource_key

    ),

    endpoint_findings as (

        select
            case when coalesce(endpoint_invocations.window_invocations, 0) = 0 then 'idle_endpoint' else 'underused_endpoint' end as finding,
            endpoint_usage.resource_key,
            endpoint_usage.resource_name,
            'endpoint' as resource_type,
            endpoint_usage.team,
            endpoint_usage.models,
            endpoint_usage.window_cost,
            endpoint_usage.window_cost / {{ var('idle_days') }} as daily_cost,
            coalesce(endpoint_invocations.last_invoked_at, endpoint_cost_since.first_charged_at) as idle_since,
            case when coalesce(endpoint_invocations.window_invocations, 0) = 0 then endpoint_cost_since.cost_since_idle end as cost_since_idle,
            coalesce(endpoint_invocations.window_invocations, 0) as invocations,
            endpoint_usage.instance_hours,
            coalesce(endpoint_invocations.window_invocations, 0) / nullif(endpoint_usage.instance_hours, 0) as invocations_per_instance_hour,
            cast(null as double) as off_hours,
            cast(null as double) as off_hours_cost,
            cast(null as double) as off_hours_share,
            cast(null as {{ dbt.type_string() }}) as note
        from endpoint_usage
        left join endpoint_invocations on endpoint_usage.resource_key = endpoint_invocations.resource_key
        left join endpoint_cost_since on endpoint_usage.resource_key = endpoint_cost_since.resource_key
        where
            coalesce(endpoint_invocations.window_invocations, 0) = 0
            or coalesce(endpoint_invocations.window_invocations, 0) / nullif(endpoint_usage.instance_hours, 0)
            < {{ var('min_invocations_per_instance_hour') }}

    ),
{%- endmacro %}

-- noqa: disable=LT02
{#-
    CTEs hourly_dev, off_hours_in_window, dev_usage and dev_findings of rpt_idle_resources:
    notebooks and Studio apps billed through nights and weekends (outside var working hours,
    UTC) for at least var always_on_min_off_hours_share of those hours (hourly exports).
-#}
{% macro always_on_findings_ctes(window_quantities, window_costs) %}
    hourly_dev as (

        select
            lower(resource_id) as resource_key,
            resource_name,
            resource_type,
            team,
            charge_period_start,
            window_effective_cost as effective_cost,
            extract(hour from charge_period_start) not between {{ var('working_hours_start') }} and {{ var('working_hours_end') }} - 1
            or {{ is_weekend('charge_period_start') }} as is_off_hours,
            {{ hours_between('charge_period_start', 'charge_period_end') }} <= 1 as is_hourly,
            export_granularity
        from {{ window_quantities }} as window_quantities
        where cost_category in ('notebook', 'studio_apps') and usage_type not like '%VolumeUsage%'

    ),

    off_hours_in_window as (

        -- how many off-hours the window has, to compare a resource's off-hours against
        select count(*) as off_hours_available
        from {{ hours_from(
            '(select ' ~ dbt.dateadd('day', -var('idle_days'), 'min(as_of_time)') ~ ' as window_start, min(as_of_time) as window_end from '
            ~ window_costs ~ ')',
            'window_start', 'window_end', 'hour_start'
        ) }}
        where
            extract(hour from hour_start) not between {{ var('working_hours_start') }} and {{ var('working_hours_end') }} - 1
            or {{ is_weekend('hour_start') }}

    ),

    dev_usage as (

        select
            resource_key,
            min(resource_name) as resource_name,
            min(resource_type) as resource_type,
            min(team) as team,
            sum(effective_cost) as window_cost,
            count(distinct case when is_off_hours then charge_period_start end) as off_hours,
            sum(case when is_off_hours then effective_cost else 0 end) as off_hours_cost
        from hourly_dev
        where is_hourly
        group by resource_key

    ),

    dev_findings as (

        select
            case when dev_usage.resource_type = 'app' then 'always_on_studio_app' else 'always_on_notebook' end as finding,
            dev_usage.resource_key,
            dev_usage.resource_name,
            dev_usage.resource_type,
            dev_usage.team,
            cast(null as {{ dbt.type_string() }}) as models,
            dev_usage.window_cost,
            dev_usage.window_cost / {{ var('idle_days') }} as daily_cost,
            cast(null as timestamp) as idle_since,
            cast(null as double) as cost_since_idle,
            cast(null as double) as invocations,
            cast(null as double) as instance_hours,
            cast(null as double) as invocations_per_instance_hour,
            cast(dev_usage.off_hours as double) as off_hours,
            dev_usage.off_hours_cost,
            dev_usage.off_hours / nullif(off_hours_in_window.off_hours_available, 0) as off_hours_share,
            cast(null as {{ dbt.type_string() }}) as note
        from dev_usage
        cross join off_hours_in_window
        where dev_usage.off_hours / nullif(off_hours_in_window.off_hours_available, 0) >= {{ var('always_on_min_off_hours_share') }}

    ),
{%- endmacro %}

{#-
    The start of rpt_idle_resources' window, max(data_through) of stg_focus__billing_periods less
    var idle_days, as a timestamp literal read when the model compiles (in a run, after that
    view's inputs were built); none when nothing is delivered. The model keeps its exact filter
    and adds this one as a constant, which reaches the scan of the attributed rows, so their row
    groups before the window are skipped by their statistics.
-#}
{% macro idle_window_start() -%}
    {%- set periods = ref('stg_focus__billing_periods') -%}
    {#- not built yet (a dbt compile before the first run): no constant, the exact filter alone -#}
    {%- if not execute or load_relation(periods) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select cast({{ dbt.dateadd('day', '-' ~ var('idle_days'), 'max(data_through)') }} as {{ dbt.type_string() }})
        from {{ periods }}
    {%- endset -%}
    {%- set values = query_values(query) -%}
    {%- if values | length > 0 and values[0] is not none -%}
        {{ return('cast(' ~ sql_quote(values[0]) ~ ' as timestamp)') }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}
