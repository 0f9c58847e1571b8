{{
    config(
        materialized=landing_days_materialization(),
        pre_hook="{{ delete_stale_landing_days('period_start') }}",
        post_hook="{{ insert_landing_day_batches('period_start') }}",
    )
}}
-- One row per endpoint variant and hour with its instance utilisation metrics side by side
-- (namespace /aws/sagemaker/Endpoints): for each of the five metrics whether the hour has a
-- row of it, the hour's Maximum, and the sum and count of its Average, so a window's mean is
-- the mean of the hourly Average rows. Only the days of the look-back window of
-- int_endpoint_utilization_summarized are kept (var rightsizing_lookback_days, ending at the
-- newest landed hour, read at compile time: macro landed_window_first_day). On DuckDB,
-- incremental by day of period_start: only the window's days whose landed rows changed are
-- built, and days that left the window are deleted (macros/incremental/landing_days.sql), so
-- the window is not ranked from the landed snapshots on every run. The days are built in
-- batches sized to the memory limit (macro landing_day_batches): this SQL holds the first,
-- the post-hook inserts the others.
{%- set first_day = landed_window_first_day(
    'cloudwatch', 'instance_utilization', '/aws/sagemaker/Endpoints', var('rightsizing_lookback_days')
) %}
{%- set plan = landing_days_plan('cloudwatch', 'instance_utilization', 'period_start', first_day) %}
{%- set batches = landing_day_batches(plan) %}
{{ landing_day_batches_comment(batches) }}
with

utilization as (

    select * from {{ ref('stg_cloudwatch__instance_utilization') }}
    where
        namespace = '/aws/sagemaker/Endpoints'
        {%- if first_day is not none %}
            and period_start >= cast({{ sql_quote(first_day) }} as timestamp)
        {%- endif %}
        and {{ landing_days_to_process(plan, 'period_start', batches) }}

),

pivoted as (

    select
        account_id,
        region,
        endpoint_name,
        variant_name,
        period_start,
        {% for metric, column in utilization_metrics() %}
            max(case when metric_name = '{{ metric }}' then 1 else 0 end) = 1 as has_{{ column }},
            max(case when metric_name = '{{ metric }}' then maximum end) as {{ column }}_maximum,
            sum(case when metric_name = '{{ metric }}' then average end) as {{ column }}_average_sum,
            count(case when metric_name = '{{ metric }}' then average end) as {{ column }}_average_count,
        {% endfor %}
        count(*) as metric_rows
    from utilization
    group by
        account_id,
        region,
        endpoint_name,
        variant_name,
        period_start

),

final as (

    select
        *,
        {{ landing_day_version_lookup('period_start', plan) }} as landing_day_version
    from pivoted

)

select * from final
