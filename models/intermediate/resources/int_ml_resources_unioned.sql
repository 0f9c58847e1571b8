-- Every SageMaker resource known from the landed metadata, one row per resource
-- (latest snapshot), keyed by lower(ARN) since ARN case differs between billing and API.
with

training_jobs as (

    select * from {{ ref('stg_sagemaker__training_jobs') }}

),

tuning_jobs as (

    select * from {{ ref('stg_sagemaker__tuning_jobs') }}

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

models as (

    select * from {{ ref('stg_sagemaker__models') }}

),

inference_components as (

    select * from {{ ref('stg_sagemaker__inference_components') }}

),

notebook_instances as (

    select * from {{ ref('stg_sagemaker__notebook_instances') }}

),

domains as (

    select * from {{ ref('stg_sagemaker__domains') }}

),

user_profiles as (

    select * from {{ ref('stg_sagemaker__user_profiles') }}

),

spaces as (

    select * from {{ ref('stg_sagemaker__spaces') }}

),

apps as (

    select * from {{ ref('stg_sagemaker__apps') }}

),

pipelines as (

    select * from {{ ref('stg_sagemaker__pipelines') }}

),

unioned as (

    select
        training_job_arn as resource_arn,
        'training-job' as resource_type,
        training_job_name as resource_name,
        account_id,
        region,
        creation_time,
        role_arn,
        instance_type,
        snapshot_date
    from training_jobs
    union all
    select
        tuning_job_arn as resource_arn,
        'hyper-parameter-tuning-job' as resource_type,
        tuning_job_name as resource_name,
        account_id,
        region,
        creation_time,
        cast(null as {{ dbt.type_string() }}) as role_arn,
        cast(null as {{ dbt.type_string() }}) as instance_type,
        snapshot_date
    from tuning_jobs
    union all
    select
        processing_job_arn as resource_arn,
        'processing-job' as resource_type,
        processing_job_name as resource_name,
        account_id,
        region,
        creation_time,
        role_arn,
        instance_type,
        snapshot_date
    from processing_jobs
    union all
    select
        transform_job_arn as resource_arn,
        'transform-job' as resource_type,
        transform_job_name as resource_name,
        account_id,
        region,
        creation_time,
        cast(null as {{ dbt.type_string() }}) as role_arn,
        instance_type,
        snapshot_date
    from transform_jobs
    union all
    select distinct
        endpoint_arn as resource_arn,
        'endpoint' as resource_type,
        endpoint_name as resource_name,
        account_id,
        region,
        creation_time,
        cast(null as {{ dbt.type_string() }}) as role_arn,
        cast(null as {{ dbt.type_string() }}) as instance_type,
        snapshot_date
    from endpoints
    union all
    select
        model_arn as resource_arn,
        'model' as resource_type,
        model_name as resource_name,
        account_id,
        region,
        creation_time,
        execution_role_arn as role_arn,
        cast(null as {{ dbt.type_string() }}) as instance_type,
        snapshot_date
    from models
    union all
    select
        inference_component_arn as resource_arn,
        'inference-component' as resource_type,
        inference_component_name as resource_name,
        account_id,
        region,
        creation_time,
        cast(null as {{ dbt.type_string() }}) as role_arn,
        cast(null as {{ dbt.type_string() }}) as instance_type,
        snapshot_date
    from inference_components
    union all
    select
        notebook_instance_arn as resource_arn,
        'notebook-instance' as resource_type,
        notebook_instance_name as resource_name,
        account_id,
        region,
        creation_time,
        role_arn,
        instance_type,
        snapshot_date
    from notebook_instances
    union all
    select
        domain_arn as resource_arn,
        'domain' as resource_type,
        domain_id as resource_name,
        account_id,
        region,
        creation_time,
        cast(null as {{ dbt.type_string() }}) as role_arn,
        cast(null as {{ dbt.type_string() }}) as instance_type,
        snapshot_date
    from domains
    union all
    select
        user_profile_arn as resource_arn,
        'user-profile' as resource_type,
        user_profile_name as resource_name,
        account_id,
        region,
        creation_time,
        cast(null as {{ dbt.type_string() }}) as role_arn,
        cast(null as {{ dbt.type_string() }}) as instance_type,
        snapshot_date
    from user_profiles
    union all
    select
        space_arn as resource_arn,
        'space' as resource_type,
        space_name as resource_name,
        account_id,
        region,
        creation_time,
        cast(null as {{ dbt.type_string() }}) as role_arn,
        cast(null as {{ dbt.type_string() }}) as instance_type,
        snapshot_date
    from spaces
    union all
    select
        app_arn as resource_arn,
        'app' as resource_type,
        app_name as resource_name,
        account_id,
        region,
        creation_time,
        cast(null as {{ dbt.type_string() }}) as role_arn,
        instance_type,
        snapshot_date
    from apps
    union all
    select
        pipeline_arn as resource_arn,
        'pipeline' as resource_type,
        pipeline_name as resource_name,
        account_id,
        region,
        creation_time,
        role_arn,
        cast(null as {{ dbt.type_string() }}) as instance_type,
        snapshot_date
    from pipelines

),

final as (

    select
        lower(resource_arn) as resource_key,
        resource_arn,
        resource_type,
        resource_name,
        account_id,
        region,
        creation_time,
        role_arn,
        instance_type,
        snapshot_date as last_seen_snapshot_date,
        resource_type || '/'
        || lower({{ regexp_extract_group('resource_arn', ':[a-z-]+/(.+)$', 1) }})
        || '@' || region || ':' || account_id as natural_key
    from unioned
    where resource_arn is not null

)

select * from final
