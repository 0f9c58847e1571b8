-- One row per endpoint variant with instance utilisation metrics in the look-back window (var
-- rightsizing_lookback_days, ending at the newest landed hour): the peak of the hourly Maximum
-- and the mean of the hourly Average of each metric, as SageMaker publishes them (CPU summed
-- over vCPUs, GPU metrics over GPUs), and the hours and days the window has metrics for.
-- Read from the hourly rows of int_endpoint_utilization_pivoted, which holds the window's
-- days (incremental by landed day): the window ends at their newest hour, the newest landed
-- hour of the endpoints when that model was built, so both read one landing.
with

hourly as (

    select * from {{ ref('int_endpoint_utilization_pivoted') }}

),

window_end as (

    select max(period_start) as window_last_hour
    from hourly

),

in_window as (

    select hourly.*
    from hourly
    cross join window_end
    where hourly.period_start > {{ dbt.dateadd('day', '-' ~ var('rightsizing_lookback_days'), 'window_end.window_last_hour') }}

),

summarized as (

    select
        account_id,
        region,
        endpoint_name,
        variant_name,
        min(period_start) as first_hour,
        max(period_start) as last_hour,
        count(*) as hours_observed,
        {% for metric, column in utilization_metrics() %}
            max({{ column }}_maximum) as {{ column }}_peak_pct,
            sum({{ column }}_average_sum) / nullif(sum({{ column }}_average_count), 0) as {{ column }}_mean_pct,
        {% endfor %}
        {% for metric, column in utilization_metrics() %}
            max(case when has_{{ column }} then 1 else 0 end){{ ' +' if not loop.last }}
        {% endfor %} as metric_count
    from in_window
    group by
        account_id,
        region,
        endpoint_name,
        variant_name

),

final as (

    select
        *,
        {{ dbt.datediff('first_hour', 'last_hour', 'hour') }} / 24.0 + 1.0 / 24 as days_observed
    from summarized

)

select * from final
