-- Charges of the services around SageMaker that make a model's fully-loaded cost: S3
-- buckets, ECR repositories and CloudWatch log groups that ML resources use. A bucket or
-- repository counts when the landed metadata model_references it; a log group when it is one
-- of SageMaker's (/aws/sagemaker/...). Everything else stays out.
{{ config(materialized='view') }}
with

charges as (

    select * from {{ ref('int_charges_scoped') }}
    where is_related_service

),

model_references as (

    select distinct
        reference_kind,
        reference_name
    from {{ ref('int_ml_model_references_collected') }}

),

services as (

    select
        charge_id,
        billing_period,
        charge_period_start,
        charge_date,
        sub_account_id,
        region_id,
        resource_id,
        service_name,
        usage_type,
        effective_cost,
        billed_cost,
        list_cost,
        charge_day_version,
        {{ related_service_of() }} as related_service
    from charges

),

named as (

    select
        *,
        case related_service
            when 's3' then resource_id
            when 'ecr' then {{ regexp_extract_group('resource_id', ':repository/(.+)$', 1) }}
            when 'cloudwatch' then {{ regexp_extract_group('resource_id', ':log-group:([^:]+)', 1) }}
        end as related_resource_name
    from services

),

final as (

    select
        named.*,
        case named.related_service
            when 's3' then 'storage'
            when 'ecr' then 'registry'
            else 'logging'
        end as related_category
    from named
    left join model_references
        on
            named.related_resource_name = model_references.reference_name
            and model_references.reference_kind = case named.related_service when 's3' then 's3_bucket' else 'ecr_repository' end
    where
        (named.related_service in ('s3', 'ecr') and model_references.reference_name is not null)
        or (named.related_service = 'cloudwatch' and named.related_resource_name like '/aws/sagemaker/%')

)

select * from final
