-- noqa: disable=LT02
{#-
    CTE bucket_targets: the S3 rows of a bucket linked to the models whose artifacts, datasets or
    outputs are in it, equally (object sizes are not landed, so artifact bytes are unknown).
-#}
{% macro s3_bucket_targets_ctes(related, model_references) %}
    bucket_targets as (

        select distinct
            related.charge_id,
            model_references.model,
            'bucket_reference_equal_share' as allocation_method,
            1.0 as allocation_weight
        from {{ related }} as related
        inner join {{ model_references }} as model_references
            on related.related_resource_name = model_references.reference_name and model_references.reference_kind = 's3_bucket'
        where related.related_service = 's3'

    ),
{%- endmacro %}

-- noqa: disable=LT02
{#-
    CTEs repository_users and repository_targets: the ECR rows of a repository linked to the models
    whose images are in it and that had cost in the billing period (else any model using it), equally.
-#}
{% macro ecr_repository_targets_ctes(related, model_references, period_models) %}
    repository_users as (

        select distinct
            related.charge_id,
            model_references.model,
            period_models.model is not null as used_in_period
        from {{ related }} as related
        inner join {{ model_references }} as model_references
            on
                related.related_resource_name = model_references.reference_name
                and related.sub_account_id = model_references.reference_account_id
                and model_references.reference_kind = 'ecr_repository'
        left join {{ period_models }} as period_models
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
{%- endmacro %}

-- noqa: disable=LT02
{#-
    CTEs log_groups, daily_usage, log_usage and log_targets: CloudWatch rows of
    /aws/sagemaker/Endpoints/<name> linked by the models' cost on that endpoint that day, and of
    /aws/sagemaker/TrainingJobs, ProcessingJobs and TransformJobs by the models' instance hours
    of such jobs that day.
-#}
{% macro cloudwatch_log_targets_ctes(related, daily_costs) %}
    log_groups as (

        select
            charge_id,
            charge_date,
            billing_period,
            sub_account_id,
            region_id,
            split_part(related_resource_name, '/', 4) as log_kind,
            lower(split_part(related_resource_name, '/', 5)) as log_subject
        from {{ related }} as related
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
            sum(coalesce(allocated_pricing_quantity, 0)) as instance_hours
        from {{ daily_costs }} as daily_costs
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
{%- endmacro %}
