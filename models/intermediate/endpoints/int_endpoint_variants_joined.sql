-- One row per endpoint and production variant (latest snapshot): the variant's
-- instance type, count and model from the endpoint config, and what kind of
-- endpoint it is, which decides how its cost is split.
with

endpoints as (

    select * from {{ ref('stg_sagemaker__endpoints') }}

),

endpoint_configs as (

    select * from {{ ref('stg_sagemaker__endpoint_configs') }}

),

models as (

    select * from {{ ref('stg_sagemaker__models') }}

),

inference_components as (

    select * from {{ ref('stg_sagemaker__inference_components') }}

),

variants as (

    select
        lower(endpoints.endpoint_arn) as endpoint_key,
        endpoints.endpoint_arn,
        endpoints.endpoint_name,
        endpoints.account_id,
        endpoints.region,
        endpoints.variant_name,
        endpoints.current_instance_count,
        endpoints.current_weight,
        coalesce(endpoints.serverless_memory_mb, endpoint_configs.serverless_memory_mb) as serverless_memory_mb,
        endpoint_configs.instance_type,
        endpoint_configs.model_name,
        coalesce(endpoint_configs.is_async, false) as is_async,
        lower(models.model_arn) as model_key,
        models.container_mode
    from endpoints
    left join endpoint_configs
        on
            endpoints.endpoint_config_name = endpoint_configs.endpoint_config_name
            and endpoints.variant_name = endpoint_configs.variant_name
            and endpoints.account_id = endpoint_configs.account_id
            and endpoints.region = endpoint_configs.region
    left join models
        on
            endpoint_configs.model_name = models.model_name
            and endpoint_configs.account_id = models.account_id
            and endpoint_configs.region = models.region

),

component_endpoints as (

    select distinct
        endpoint_name,
        account_id,
        region
    from inference_components

),

final as (

    select
        variants.*,
        count(*) over (partition by variants.endpoint_key) as variant_count,
        case
            when component_endpoints.endpoint_name is not null then 'inference_components'
            when variants.container_mode = 'MultiModel' then 'multi_model'
            when variants.serverless_memory_mb is not null then 'serverless'
            when count(*) over (partition by variants.endpoint_key) > 1 then 'multi_variant'
            else 'single_model'
        end as endpoint_kind
    from variants
    left join component_endpoints
        on
            variants.endpoint_name = component_endpoints.endpoint_name
            and variants.account_id = component_endpoints.account_id
            and variants.region = component_endpoints.region

)

select * from final
