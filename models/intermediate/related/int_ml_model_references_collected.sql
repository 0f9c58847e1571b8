-- Which S3 buckets and ECR repositories each model uses: SageMaker models (ModelDataUrl,
-- container image), training jobs (output path, input channels, training image) and
-- processing jobs (image), each under the model the attribution chain resolved for it.
with

resources as (

    select * from {{ ref('int_ml_resources_attributed') }}

),

models as (

    select * from {{ ref('stg_sagemaker__models') }}

),

training_jobs as (

    select * from {{ ref('stg_sagemaker__training_jobs') }}

),

processing_jobs as (

    select * from {{ ref('stg_sagemaker__processing_jobs') }}

),

uris as (

    select
        lower(model_arn) as resource_key,
        model_data_url as uri,
        'artifact' as uri_kind
    from models
    union all
    select
        lower(model_arn) as resource_key,
        image_uri as uri,
        'image' as uri_kind
    from models
    union all
    select
        lower(training_job_arn) as resource_key,
        output_s3_uri as uri,
        'artifact' as uri_kind
    from training_jobs
    union all
    select
        lower(training_job_arn) as resource_key,
        image_uri as uri,
        'image' as uri_kind
    from training_jobs
    union all
    select
        lower(training_job_arn) as resource_key,
        uri,
        'dataset' as uri_kind
    from {{ json_array_elements_from('training_jobs', "coalesce(input_s3_uris_json, '[]')", 'uri') }}
    union all
    select
        lower(processing_job_arn) as resource_key,
        image_uri as uri,
        'image' as uri_kind
    from processing_jobs

),

parsed as (

    select
        resource_key,
        uri_kind,
        case
            when uri like 's3://%' then 's3_bucket'
            when uri like '%.dkr.ecr.%' then 'ecr_repository'
        end as reference_kind,
        case
            when uri like 's3://%' then {{ regexp_extract_group('uri', '^s3://([^/]+)', 1) }}
            when uri like '%.dkr.ecr.%' then {{ regexp_extract_group('uri', '^[^/]+/([^:@]+)', 1) }}
        end as reference_name,
        -- an ECR repository name is unique only within its registry (account): <account>.dkr.ecr...
        case when uri like '%.dkr.ecr.%' then {{ regexp_extract_group('uri', '^([0-9]+)[.]', 1) }} end as reference_account_id
    from uris
    where uri is not null

),

final as (

    select distinct
        parsed.reference_kind,
        parsed.reference_name,
        parsed.reference_account_id,
        parsed.uri_kind,
        parsed.resource_key,
        resources.resource_type,
        case
            when resources.model != 'unattributed' then resources.model
            when resources.resource_type = 'model' then resources.resource_name
            else 'unattributed'
        end as model,
        resources.team
    from parsed
    inner join resources on parsed.resource_key = resources.resource_key
    where parsed.reference_kind is not null and parsed.reference_name is not null

)

select * from final
