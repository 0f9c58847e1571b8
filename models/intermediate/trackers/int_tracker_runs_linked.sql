-- Every tracker run and the SageMaker job or endpoint it names (docs/trackers.md "Linking
-- rules"), one row per run and linked resource; a run that names none is one row with the
-- reason. Rules, most trusted first: 1 the training job reports the run (DescribeTrainingJob
-- MlflowDetails on the same managed MLflow server), 2 a tag or param holds the resource's ARN,
-- 3 a name key (var tracker_job_name_keys) holds its name, 4 the run is named like exactly
-- one landed training job.
with

runs as (

    select * from {{ ref('stg_trackers__runs') }}

),

run_tags as (

    select * from {{ ref('stg_trackers__run_tags') }}

),

training_jobs as (

    select * from {{ ref('stg_sagemaker__training_jobs') }}

),

resources as (

    select * from {{ ref('int_ml_resources_unioned') }}

),

linkable_resources as (

    select
        resource_key,
        resource_type,
        lower(resource_name) as resource_name_key
    from resources
    where resource_type in ('training-job', 'processing-job', 'transform-job', 'endpoint')

),

-- Rules 3 and 4 link by name only when exactly one resource has it, so names are counted
-- once here rather than joined to every resource that has them: a name shared by many
-- accounts would multiply the runs (docs/performance.md "Names counted before they are joined").
resource_names as (

    select
        resource_type,
        resource_name_key,
        count(*) as resource_count,
        min(resource_key) as resource_key
    from linkable_resources
    group by resource_type, resource_name_key

),

job_reported_links as (

    select
        runs.tracker,
        runs.tracking_server,
        runs.run_id,
        lower(training_jobs.training_job_arn) as resource_key,
        'job_mlflow_details' as link_method,
        1 as link_precedence
    from runs
    inner join training_jobs
        on
            runs.run_id = training_jobs.mlflow_run_id
            and lower(runs.tracking_server) = lower(training_jobs.mlflow_resource_arn)
    where runs.tracker = 'mlflow'

),

named_arns as (

    select
        tracker,
        tracking_server,
        run_id,
        lower(trim(tag_value)) as named_arn
    from run_tags
    where
        lower(trim(tag_value)) like 'arn:aws%:sagemaker:%:training-job/%'
        or lower(trim(tag_value)) like 'arn:aws%:sagemaker:%:processing-job/%'
        or lower(trim(tag_value)) like 'arn:aws%:sagemaker:%:transform-job/%'
        or lower(trim(tag_value)) like 'arn:aws%:sagemaker:%:endpoint/%'

),

arn_links as (

    select distinct
        named_arns.tracker,
        named_arns.tracking_server,
        named_arns.run_id,
        linkable_resources.resource_key,
        'run_names_arn' as link_method,
        2 as link_precedence
    from named_arns
    inner join linkable_resources on named_arns.named_arn = linkable_resources.resource_key

),

name_keys as (

    {{ tracker_job_name_keys_relation() }}

),

named_jobs as (

    select distinct
        run_tags.tracker,
        run_tags.tracking_server,
        run_tags.run_id,
        name_keys.resource_type,
        lower(trim(run_tags.tag_value)) as resource_name_key
    from run_tags
    inner join name_keys on {{ tracker_tag_key_text('run_tags.tag_key') }} = name_keys.normalized_key
    where trim(run_tags.tag_value) != ''

),

named_job_matches as (

    select
        named_jobs.tracker,
        named_jobs.tracking_server,
        named_jobs.run_id,
        named_jobs.resource_type,
        named_jobs.resource_name_key,
        resource_names.resource_key,
        coalesce(resource_names.resource_count, 0) as match_count
    from named_jobs
    left join resource_names
        on
            named_jobs.resource_type = resource_names.resource_type
            and named_jobs.resource_name_key = resource_names.resource_name_key

),

name_links as (

    select distinct
        tracker,
        tracking_server,
        run_id,
        resource_key,
        'run_names_job' as link_method,
        3 as link_precedence
    from named_job_matches
    where match_count = 1

),

run_name_matches as (

    select
        runs.tracker,
        runs.tracking_server,
        runs.run_id,
        resource_names.resource_key,
        resource_names.resource_count as match_count
    from runs
    inner join resource_names
        on
            lower(runs.run_name) = resource_names.resource_name_key
            and resource_names.resource_type = 'training-job'

),

run_name_links as (

    select
        tracker,
        tracking_server,
        run_id,
        resource_key,
        'run_name_is_job_name' as link_method,
        4 as link_precedence
    from run_name_matches
    where match_count = 1

),

all_links as (

    select * from job_reported_links
    union all
    select * from arn_links
    union all
    select * from name_links
    union all
    select * from run_name_links

),

best_links as (

    select
        tracker,
        tracking_server,
        run_id,
        resource_key,
        link_method,
        link_precedence
    from (
        select
            *,
            row_number() over (
                partition by tracker, tracking_server, run_id, resource_key
                order by link_precedence asc
            ) as link_rank
        from all_links
    ) as ranked_links
    where link_rank = 1

),

unmatched_arns as (

    select
        named_arns.tracker,
        named_arns.tracking_server,
        named_arns.run_id,
        min(named_arns.named_arn) as named_arn
    from named_arns
    left join linkable_resources on named_arns.named_arn = linkable_resources.resource_key
    where linkable_resources.resource_key is null
    group by named_arns.tracker, named_arns.tracking_server, named_arns.run_id

),

unmatched_names as (

    select
        tracker,
        tracking_server,
        run_id,
        min(case when match_count = 0 then resource_type || ' ' || resource_name_key end) as missing_name,
        min(case when match_count > 1 then resource_type || ' ' || resource_name_key end) as ambiguous_name,
        max(match_count) as max_match_count
    from named_job_matches
    where match_count != 1
    group by tracker, tracking_server, run_id

),

run_links as (

    select
        runs.*,
        runs.tracker || '|' || runs.tracking_server || '|' || runs.run_id as run_key,
        best_links.resource_key,
        best_links.link_method,
        best_links.link_precedence,
        unmatched_arns.named_arn as unmatched_arn,
        unmatched_names.missing_name,
        unmatched_names.ambiguous_name,
        unmatched_names.max_match_count
    from runs
    left join best_links
        on
            runs.tracker = best_links.tracker
            and runs.tracking_server = best_links.tracking_server
            and runs.run_id = best_links.run_id
    left join unmatched_arns
        on
            runs.tracker = unmatched_arns.tracker
            and runs.tracking_server = unmatched_arns.tracking_server
            and runs.run_id = unmatched_arns.run_id
    left join unmatched_names
        on
            runs.tracker = unmatched_names.tracker
            and runs.tracking_server = unmatched_names.tracking_server
            and runs.run_id = unmatched_names.run_id

),

final as (

    select
        run_links.run_key || '|' || coalesce(run_links.resource_key, '') as run_link_id,
        run_links.run_key,
        run_links.tracker,
        run_links.tracking_server,
        run_links.run_id,
        run_links.run_name,
        run_links.experiment_id,
        run_links.experiment_name,
        run_links.user_id,
        run_links.status,
        run_links.start_time,
        run_links.end_time,
        run_links.parent_run_id,
        run_links.resource_key,
        resources.resource_arn,
        resources.resource_type,
        resources.resource_name,
        resources.account_id,
        resources.region,
        run_links.link_method,
        run_links.link_precedence,
        run_links.resource_key is not null as is_linked,
        case
            when run_links.resource_key is not null then null
            when run_links.unmatched_arn is not null
                then 'names ' || run_links.unmatched_arn
                    || ', which is not in the landed SageMaker metadata (extract its account and region)'
            when run_links.ambiguous_name is not null
                then 'the name ' || run_links.ambiguous_name
                    || ' matches ' || cast(run_links.max_match_count as {{ dbt.type_string() }})
                    || ' landed resources (several accounts or regions): tag the run with the ARN'
            when run_links.missing_name is not null
                then 'names ' || run_links.missing_name || ', which is not in the landed SageMaker metadata'
            else 'names no SageMaker job or endpoint: no job reports the run, and no tag or param holds a job ARN or a job name key'
        end as unlinked_reason
    from run_links
    left join resources on run_links.resource_key = resources.resource_key

)

select * from final
