-- Who a resource inherits attribution from: one row per resource and ancestor,
-- with the relation and its depth (1 = nearest). Tags propagate only at creation
-- time in AWS, so inheritance is how jobs launched by tuning jobs, pipelines or
-- Studio, apps, variants and components find their owner.
with

resources as (

    select * from {{ ref('int_ml_resources_unioned') }}

),

training_jobs as (

    select * from {{ ref('stg_sagemaker__training_jobs') }}

),

processing_jobs as (

    select * from {{ ref('stg_sagemaker__processing_jobs') }}

),

transform_jobs as (

    select * from {{ ref('stg_sagemaker__transform_jobs') }}

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

apps as (

    select * from {{ ref('stg_sagemaker__apps') }}

),

user_profiles as (

    select * from {{ ref('stg_sagemaker__user_profiles') }}

),

spaces as (

    select * from {{ ref('stg_sagemaker__spaces') }}

),

domains as (

    select * from {{ ref('stg_sagemaker__domains') }}

),

steps as (

    select * from {{ ref('stg_sagemaker__pipeline_execution_steps') }}

),

executions as (

    select * from {{ ref('stg_sagemaker__pipeline_executions') }}

),

tags as (

    select * from {{ ref('stg_sagemaker__tags') }}

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

training_to_tuning as (

    select
        lower(training_job_arn) as resource_key,
        lower(tuning_job_arn) as ancestor_key,
        'tuning_job' as relation_type,
        1 as inheritance_depth
    from training_jobs
    where tuning_job_arn is not null

),

processing_to_training as (

    select
        lower(processing_job_arn) as resource_key,
        lower(training_job_arn) as ancestor_key,
        'training_job' as relation_type,
        1 as inheritance_depth
    from processing_jobs
    where training_job_arn is not null

),

job_to_pipeline as (

    select distinct
        lower(steps.job_arn) as resource_key,
        lower(executions.pipeline_arn) as ancestor_key,
        'pipeline' as relation_type,
        2 as inheritance_depth
    from steps
    inner join executions on steps.pipeline_execution_arn = executions.pipeline_execution_arn
    where steps.job_arn is not null

),

transform_to_model as (

    select
        lower(transform_jobs.transform_job_arn) as resource_key,
        models.resource_key as ancestor_key,
        'model' as relation_type,
        1 as inheritance_depth
    from transform_jobs
    inner join models
        on
            lower(transform_jobs.model_name) = models.model_name_key
            and transform_jobs.account_id = models.account_id
            and transform_jobs.region = models.region

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

app_to_owner as (

    select
        lower(apps.app_arn) as resource_key,
        lower(coalesce(user_profiles.user_profile_arn, spaces.space_arn)) as ancestor_key,
        case when user_profiles.user_profile_arn is not null then 'user_profile' else 'space' end as relation_type,
        1 as inheritance_depth
    from apps
    left join user_profiles
        on
            apps.domain_id = user_profiles.domain_id
            and apps.user_profile_name = user_profiles.user_profile_name
            and apps.account_id = user_profiles.account_id
    left join spaces
        on
            apps.domain_id = spaces.domain_id
            and apps.space_name = spaces.space_name
            and apps.account_id = spaces.account_id
    where coalesce(user_profiles.user_profile_arn, spaces.space_arn) is not null

),

studio_to_domain as (

    select
        lower(apps.app_arn) as resource_key,
        lower(domains.domain_arn) as ancestor_key,
        'domain' as relation_type,
        2 as inheritance_depth
    from apps
    inner join domains on apps.domain_id = domains.domain_id and apps.account_id = domains.account_id
    union all
    select
        lower(user_profiles.user_profile_arn) as resource_key,
        lower(domains.domain_arn) as ancestor_key,
        'domain' as relation_type,
        1 as inheritance_depth
    from user_profiles
    inner join domains on user_profiles.domain_id = domains.domain_id and user_profiles.account_id = domains.account_id
    union all
    select
        lower(spaces.space_arn) as resource_key,
        lower(domains.domain_arn) as ancestor_key,
        'domain' as relation_type,
        1 as inheritance_depth
    from spaces
    inner join domains on spaces.domain_id = domains.domain_id and spaces.account_id = domains.account_id

),

studio_tags as (

    select
        lower(resource_arn) as resource_key,
        lower(tag_value) as ancestor_key,
        case tag_key
            when 'sagemaker:user-profile-arn' then 'user_profile'
            when 'sagemaker:space-arn' then 'space'
            else 'domain'
        end as relation_type,
        case tag_key when 'sagemaker:domain-arn' then 4 else 3 end as inheritance_depth
    from tags
    where tag_key in ('sagemaker:user-profile-arn', 'sagemaker:space-arn', 'sagemaker:domain-arn')

),

unioned as (

    select * from training_to_tuning
    union all
    select * from processing_to_training
    union all
    select * from job_to_pipeline
    union all
    select * from transform_to_model
    union all
    select * from endpoint_to_model
    union all
    select * from component_to_model
    union all
    select * from component_to_endpoint
    union all
    select * from app_to_owner
    union all
    select * from studio_to_domain
    union all
    select * from studio_tags

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
