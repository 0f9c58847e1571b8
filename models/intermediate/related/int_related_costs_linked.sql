{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days('period') }}",
    )
}}
-- Related charges (S3, ECR, CloudWatch) linked to models, each with its allocation method:
--   s3: the models whose artifacts, datasets or outputs are in the bucket, equally
--       (object sizes are not landed, so artifact bytes are unknown)
--   ecr: the models whose images are in the repository and that had cost in the billing
--        period (else any model using it), equally
--   cloudwatch: /aws/sagemaker/Endpoints/<name> by the models' cost on that endpoint that
--        day; /aws/sagemaker/TrainingJobs, ProcessingJobs, TransformJobs by the models'
--        instance hours of such jobs that day
-- A row that reaches no model stays as one '(unlinked)' row with a reason. Splits sum back
-- to the related row, so each related row is counted once.
with

related as {{ not_materialized() }} (

    select * from {{ ref('int_related_charges_isolated') }}
    where {{ charge_days_to_process('period') }}

),

period_versions as (

    select distinct
        billing_period,
        billing_period_version
    from {{ ref('stg_focus__charge_days') }}

),

model_references as (

    select * from {{ ref('int_ml_model_references_collected') }}
    where model != 'unattributed'

),

attributed as {{ not_materialized() }} (

    select * from {{ ref('int_ml_charges_attributed') }}
    where model != 'unattributed' and {{ charge_days_to_process('period') }}

),

period_models as (

    select distinct
        billing_period,
        model
    from attributed

),

bucket_targets as (

    select distinct
        related.charge_id,
        model_references.model,
        'bucket_reference_equal_share' as allocation_method,
        1.0 as allocation_weight
    from related
    inner join model_references
        on related.related_resource_name = model_references.reference_name and model_references.reference_kind = 's3_bucket'
    where related.related_service = 's3'

),

repository_users as (

    select distinct
        related.charge_id,
        model_references.model,
        period_models.model is not null as used_in_period
    from related
    inner join model_references
        on
            related.related_resource_name = model_references.reference_name
            and related.sub_account_id = model_references.reference_account_id
            and model_references.reference_kind = 'ecr_repository'
    left join period_models
        on related.billing_period = period_models.billing_period and model_references.model = period_models.model
    where related.related_service = 'ecr'

),

repository_targets as (

    select
        charge_id,
        model,
        'repository_user_equal_share' as allocation_method,
        1.0 as allocation_weight
    from repository_users
    where
        used_in_period
        or charge_id not in (
            select used.charge_id
            from repository_users as used
            where used.used_in_period
        )

),

log_groups as (

    select
        charge_id,
        charge_date,
        billing_period,
        sub_account_id,
        region_id,
        split_part(related_resource_name, '/', 4) as log_kind,
        lower(split_part(related_resource_name, '/', 5)) as log_subject
    from related
    where related_service = 'cloudwatch'

),

daily_usage as (

    -- per account, region, day and model: endpoint cost, and instance hours of each job kind
    select
        sub_account_id,
        region_id,
        charge_date,
        model,
        case when resource_type = 'endpoint' then lower(resource_name) end as endpoint_name,
        case
            when resource_type = 'endpoint' then 'Endpoints'
            when resource_type = 'training-job' and cost_group = 'training' then 'TrainingJobs'
            when resource_type = 'processing-job' then 'ProcessingJobs'
            when resource_type = 'transform-job' then 'TransformJobs'
        end as log_kind,
        sum(effective_cost) as effective_cost,
        sum(coalesce(pricing_quantity, 0) * allocation_share) as instance_hours
    from attributed
    where resource_type in ('endpoint', 'training-job', 'processing-job', 'transform-job')
    group by
        sub_account_id,
        region_id,
        charge_date,
        model,
        case when resource_type = 'endpoint' then lower(resource_name) end,
        case
            when resource_type = 'endpoint' then 'Endpoints'
            when resource_type = 'training-job' and cost_group = 'training' then 'TrainingJobs'
            when resource_type = 'processing-job' then 'ProcessingJobs'
            when resource_type = 'transform-job' then 'TransformJobs'
        end

),

log_usage as (

    -- a log group lives in the account and region of the resources that write to it
    select
        log_groups.charge_id,
        daily_usage.model,
        case log_groups.log_kind
            when 'Endpoints' then 'endpoint_cost_share'
            else lower(replace(log_groups.log_kind, 'Jobs', '')) || '_runtime_share'
        end as allocation_method,
        case log_groups.log_kind
            when 'Endpoints' then daily_usage.effective_cost
            else daily_usage.instance_hours
        end as allocation_weight
    from log_groups
    inner join daily_usage
        on
            log_groups.charge_date = daily_usage.charge_date
            and log_groups.sub_account_id = daily_usage.sub_account_id
            and log_groups.region_id = daily_usage.region_id
            and log_groups.log_kind = daily_usage.log_kind
            and (log_groups.log_kind != 'Endpoints' or log_groups.log_subject = daily_usage.endpoint_name)

),

log_targets as (

    select
        charge_id,
        model,
        min(allocation_method) as allocation_method,
        sum(allocation_weight) as allocation_weight
    from log_usage
    group by charge_id, model

),

linked_targets as (

    select * from bucket_targets
    union all
    select * from repository_targets
    union all
    select * from log_targets

),

all_targets as (

    select
        charge_id,
        model,
        allocation_method,
        allocation_weight,
        true as is_linked,
        cast(null as varchar) as unlinked_reason
    from linked_targets
    union all
    select
        related.charge_id,
        '(unlinked)' as model,
        'unlinked' as allocation_method,
        1.0 as allocation_weight,
        false as is_linked,
        case related.related_service
            when 's3' then 'bucket referenced only by resources without a model'
            when 'ecr' then 'repository used only by resources without a model'
            else 'no model used this SageMaker log group that day'
        end as unlinked_reason
    from related
    where related.charge_id not in (select linked_targets.charge_id from linked_targets)

),

weighted as (

    select
        related.*,
        period_versions.billing_period_version,
        all_targets.model,
        all_targets.allocation_method,
        all_targets.is_linked,
        all_targets.unlinked_reason,
        {{ weight_share('all_targets.allocation_weight', 'all_targets.charge_id') }} as allocation_share,
        row_number() over (partition by all_targets.charge_id order by all_targets.model desc) = 1 as is_remainder_row
    from all_targets
    inner join related on all_targets.charge_id = related.charge_id
    inner join period_versions on related.billing_period = period_versions.billing_period

),

final as (

    select
        {{ md5_hex("charge_id || '#' || model") }} as related_allocation_id,
        charge_id,
        billing_period,
        charge_date,
        sub_account_id,
        region_id,
        related_service,
        related_category,
        related_resource_name,
        resource_id,
        usage_type,
        model,
        allocation_method,
        allocation_share,
        is_linked,
        unlinked_reason,
        {{ split_cost('effective_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as effective_cost,
        {{ split_cost('billed_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as billed_cost,
        {{ split_cost('list_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as list_cost,
        billing_period_version
    from weighted

)

select * from final
