-- The parents of what serves models: the model of a single-variant endpoint, an inference
-- component's model and endpoint.
with

resources as (

    select * from {{ ref('int_ml_resources_unioned') }}

),

endpoints as (

    select * from {{ ref('stg_sagemaker__endpoints') }}

),

endpoint_configs as (

    select * from {{ ref('stg_sagemaker__endpoint_configs') }}

),

inference_components as (

    select * from {{ ref('stg_sagemaker__inference_components') }}

),

models as (

    select
        resource_key,
        lower(resource_name) as model_name_key,
        account_id,
        region
    from resources
    where resource_type = 'model'

),

single_variant_endpoints as (

    select
        endpoint_arn,
        min(endpoint_config_name) as endpoint_config_name,
        min(account_id) as account_id,
        min(region) as region
    from endpoints
    group by endpoint_arn
    having count(*) = 1

),

endpoint_to_model as (

    select
        lower(single_variant_endpoints.endpoint_arn) as resource_key,
        models.resource_key as ancestor_key,
        'model' as relation_type,
        1 as inheritance_depth
    from single_variant_endpoints
    inner join endpoint_configs
        on
            single_variant_endpoints.endpoint_config_name = endpoint_configs.endpoint_config_name
            and single_variant_endpoints.account_id = endpoint_configs.account_id
            and single_variant_endpoints.region = endpoint_configs.region
    inner join models
        on
            lower(endpoint_configs.model_name) = models.model_name_key
            and endpoint_configs.account_id = models.account_id
            and endpoint_configs.region = models.region

),

component_to_model as (

    select
        lower(inference_components.inference_component_arn) as resource_key,
        models.resource_key as ancestor_key,
        'model' as relation_type,
        1 as inheritance_depth
    from inference_components
    inner join models
        on
            lower(inference_components.model_name) = models.model_name_key
            and inference_components.account_id = models.account_id
            and inference_components.region = models.region

),

component_to_endpoint as (

    select
        lower(inference_components.inference_component_arn) as resource_key,
        lower(endpoints.endpoint_arn) as ancestor_key,
        'endpoint' as relation_type,
        2 as inheritance_depth
    from inference_components
    inner join endpoints
        on
            inference_components.endpoint_name = endpoints.endpoint_name
            and inference_components.account_id = endpoints.account_id
            and inference_components.region = endpoints.region
    group by lower(inference_components.inference_component_arn), lower(endpoints.endpoint_arn)

),

unioned as (

    select * from endpoint_to_model
    union all
    select * from component_to_model
    union all
    select * from component_to_endpoint

),

final as (

    select
        resource_key,
        ancestor_key,
        relation_type,
        min(inheritance_depth) as inheritance_depth
    from unioned
    where resource_key != ancestor_key
    group by resource_key, ancestor_key, relation_type

)

select * from final
