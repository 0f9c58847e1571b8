-- Hourly invocations per endpoint and target: per variant (AWS/SageMaker Invocations),
-- per inference component, and per model of a multi-model endpoint (the custom
-- InvocationsPerModel metric, TargetModel without its .tar.gz).
with

invocations as (

    select * from {{ ref('stg_cloudwatch__invocations') }}

),

final as (

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

)

select * from final
