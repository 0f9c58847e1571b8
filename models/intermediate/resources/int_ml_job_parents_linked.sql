-- The parents of jobs: the tuning job that launched a training job, the training job a
-- processing job evaluates, the pipeline whose step ran a job, the model a transform job ran.
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

steps as (

    select * from {{ ref('stg_sagemaker__pipeline_execution_steps') }}

),

executions as (

    select * from {{ ref('stg_sagemaker__pipeline_executions') }}

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

unioned as (

    select * from training_to_tuning
    union all
    select * from processing_to_training
    union all
    select * from job_to_pipeline
    union all
    select * from transform_to_model

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
