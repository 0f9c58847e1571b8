-- One row per endpoint variant with instance utilisation metrics in the look-back window (var
-- rightsizing_lookback_days, ending at the newest landed hour): the peak of the hourly Maximum
-- and the mean of the hourly Average of each metric, as SageMaker publishes them (CPU summed
-- over vCPUs, GPU metrics over GPUs), and the hours and days the window has metrics for.
{%- set last_hour = landed_last_hour('cloudwatch', 'instance_utilization', '/aws/sagemaker/Endpoints') %}
-- The window's end is read from the landed rows at compile time (macro landed_last_hour), so the
-- window is a constant the staging view's filter and sort can take: only its days are ranked.
with

utilization as (

    select * from {{ ref('stg_cloudwatch__instance_utilization') }}
    where namespace = '/aws/sagemaker/Endpoints'

),

in_window as (

    select * from utilization
    where period_start > {{ dbt.dateadd('day', '-' ~ var('rightsizing_lookback_days'), last_hour) }}

),

summarized as (

    select
        account_id,
        region,
        endpoint_name,
        variant_name,
        min(period_start) as first_hour,
        max(period_start) as last_hour,
        count(distinct period_start) as hours_observed,
        {% for metric, column in [
            ('CPUUtilization', 'cpu'),
            ('MemoryUtilization', 'memory'),
            ('GPUUtilization', 'gpu'),
            ('GPUMemoryUtilization', 'gpu_memory'),
            ('DiskUtilization', 'disk'),
        ] %}
            max(case when metric_name = '{{ metric }}' then maximum end) as {{ column }}_peak_pct,
            avg(case when metric_name = '{{ metric }}' then average end) as {{ column }}_mean_pct,
        {% endfor %}
        count(distinct metric_name) as metric_count
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
