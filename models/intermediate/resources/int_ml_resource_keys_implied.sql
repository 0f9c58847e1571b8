-- Attribution values the metadata implies, when no tag says them: the experiment
-- of a job (ExperimentConfig, else its trial component) and the model of a
-- single-model endpoint, a transform job or an inference component.
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

trial_components as (

    select * from {{ ref('stg_sagemaker__trial_components') }}

),

ancestors as (

    select * from {{ ref('int_ml_resource_ancestors_linked') }}

),

job_experiments as (

    select
        lower(training_job_arn) as resource_key,
        'experiment' as attribution_key,
        experiment_name as attribution_value,
        'metadata_experiment_config' as attribution_source,
        1 as rank_within_source
    from training_jobs
    where experiment_name is not null
    union all
    select
        lower(processing_job_arn) as resource_key,
        'experiment' as attribution_key,
        experiment_name as attribution_value,
        'metadata_experiment_config' as attribution_source,
        1 as rank_within_source
    from processing_jobs
    where experiment_name is not null
    union all
    select
        lower(transform_job_arn) as resource_key,
        'experiment' as attribution_key,
        experiment_name as attribution_value,
        'metadata_experiment_config' as attribution_source,
        1 as rank_within_source
    from transform_jobs
    where experiment_name is not null

),

trial_component_experiments as (

    select
        lower(source_arn) as resource_key,
        'experiment' as attribution_key,
        experiment_name as attribution_value,
        'metadata_trial_component' as attribution_source,
        2 as rank_within_source
    from trial_components
    where source_arn is not null and experiment_name is not null

),

model_names as (

    select
        ancestors.resource_key,
        'model' as attribution_key,
        models.resource_name as attribution_value,
        case children.resource_type
            when 'endpoint' then 'metadata_endpoint_config'
            when 'transform-job' then 'metadata_transform_job'
            when 'inference-component' then 'metadata_inference_component'
            else 'metadata_model'
        end as attribution_source,
        3 as rank_within_source
    from ancestors
    inner join resources as models on ancestors.ancestor_key = models.resource_key
    inner join resources as children on ancestors.resource_key = children.resource_key
    where ancestors.relation_type = 'model' and ancestors.inheritance_depth = 1

),

unioned as (

    select * from job_experiments
    union all
    select * from trial_component_experiments
    union all
    select * from model_names

),

ranked as (

    select
        *,
        row_number() over (
            partition by resource_key, attribution_key
            order by rank_within_source asc, attribution_value asc
        ) as value_rank
    from unioned

),

final as (

    select
        resource_key,
        attribution_key,
        attribution_value,
        attribution_source
    from ranked
    where value_rank = 1

)

select * from final
