{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_related_costs() }}",
        partition_by=charge_days_partition('period'),
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
-- to the related row, so each related row is counted once. Incremental by charge day, and by
-- billing period for the ECR rows (macro related_costs_to_process).
with

related as (

    -- read once: every CTE below takes its rows from here
    select * from {{ ref('int_related_charges_isolated') }}
    where {{ related_costs_to_process() }}

),

period_versions as (

    select distinct
        billing_period,
        billing_period_version
    from {{ ref('stg_focus__charge_days') }}

),

model_references as (

    -- one row per bucket or repository and model: a model refers to its repository from each
    -- of its jobs and versions (ten rows per pair in the demo), and the splits are per model
    select distinct
        reference_kind,
        reference_name,
        reference_account_id,
        model
    from {{ ref('int_ml_model_references_collected') }}
    where model != 'unattributed'

),

daily_costs as (

    -- the attributed cost per day and resource (about a tenth of the attributed rows), with
    -- the same models and sums, in the periods of the related rows processed (the ECR split
    -- needs the whole period's models)
    select * from {{ ref('int_ml_daily_costs_summarized') }}
    where
        model != 'unattributed'
        and billing_period in (select related.billing_period from related)

),

period_models as (

    select distinct
        billing_period,
        model
    from daily_costs

),

{{ s3_bucket_targets_ctes(related='related', model_references='model_references') }}

{{ ecr_repository_targets_ctes(related='related', model_references='model_references', period_models='period_models') }}

{{ cloudwatch_log_targets_ctes(related='related', daily_costs='daily_costs') }}

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
        cast(null as {{ dbt.type_string() }}) as unlinked_reason
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

related_costs as (

    select
        charge_id,
        effective_cost,
        billed_cost,
        list_cost
    from related

),

weighted as (

    -- shares on the narrow split rows; the related charge's other columns join after
    select
        all_targets.charge_id,
        all_targets.model,
        all_targets.allocation_method,
        all_targets.is_linked,
        all_targets.unlinked_reason,
        related_costs.effective_cost,
        related_costs.billed_cost,
        related_costs.list_cost,
        {{ weight_share('all_targets.allocation_weight', 'all_targets.charge_id') }} as allocation_share,
        row_number() over (partition by all_targets.charge_id order by all_targets.model desc) = 1 as is_remainder_row
    from all_targets
    inner join related_costs on all_targets.charge_id = related_costs.charge_id

),

costed as (

    select
        charge_id,
        model,
        allocation_method,
        allocation_share,
        is_linked,
        unlinked_reason,
        {{ split_cost('effective_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as effective_cost,
        {{ split_cost('billed_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as billed_cost,
        {{ split_cost('list_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as list_cost
    from weighted

),

final as (

    select
        {{ md5_hex("costed.charge_id || '#' || costed.model") }} as related_allocation_id,
        costed.charge_id,
        related.billing_period,
        related.charge_date,
        related.sub_account_id,
        related.region_id,
        related.related_service,
        related.related_category,
        related.related_resource_name,
        related.resource_id,
        related.usage_type,
        costed.model,
        costed.allocation_method,
        costed.allocation_share,
        costed.is_linked,
        costed.unlinked_reason,
        costed.effective_cost,
        costed.billed_cost,
        costed.list_cost,
        related.charge_day_version,
        period_versions.billing_period_version
    from costed
    inner join related on costed.charge_id = related.charge_id
    inner join period_versions on related.billing_period = period_versions.billing_period

)

select * from final
