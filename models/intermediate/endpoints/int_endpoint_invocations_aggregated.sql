{{
    config(
        materialized=landing_days_materialization(),
        pre_hook="{{ delete_stale_landing_days('period_start') }}",
        post_hook="{{ insert_landing_day_batches('period_start') }}",
    )
}}
-- Hourly invocations per endpoint and target: per variant (AWS/SageMaker Invocations),
-- per inference component, and per model of a multi-model endpoint (the custom
-- InvocationsPerModel metric, TargetModel without its .tar.gz). On DuckDB, incremental by
-- day: only the days whose landed rows changed are rebuilt (macros/incremental/landing_days.sql),
-- in batches of days sized to the memory limit (macro landing_day_batches): this SQL holds the
-- first, the post-hook inserts the others.
{%- set plan = landing_days_plan('cloudwatch', 'invocations', 'period_start') %}
{%- set batches = landing_day_batches(plan) %}
{{ landing_day_batches_comment(batches) }}
with

invocations as (

    select * from {{ ref('stg_cloudwatch__invocations') }}
    where {{ landing_days_to_process(plan, 'period_start', batches) }}

),

aggregated as (

    select
        account_id,
        region,
        endpoint_name,
        case
            when metric_name = 'InvocationsPerModel' then 'model'
            when inference_component_name is not null then 'inference_component'
            else 'variant'
        end as target_kind,
        variant_name,
        inference_component_name,
        target_model,
        {{ regexp_replace_all('target_model', '\\.tar\\.gz$', '') }} as target_model_name,
        period_start,
        sum(invocations) as invocations
    from invocations
    where metric_name in ('Invocations', 'InvocationsPerModel')
    group by
        account_id, region, endpoint_name, metric_name, variant_name, inference_component_name, target_model, period_start

),

final as (

    select
        *,
        {{ landing_day_version_lookup('period_start', plan) }} as landing_day_version
    from aggregated

)

select * from final
