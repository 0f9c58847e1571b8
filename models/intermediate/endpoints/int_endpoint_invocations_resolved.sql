-- Which model each invocation of a shared endpoint counts for, per charge day: the
-- InvocationsPerModel target, an inference component's model, or a variant's model. The
-- invocations are bucketed like the cost rows: per day for HOURLY and DAILY exports, per
-- billing period (dated its first day) for a MONTHLY one.
with

variants as (

    select * from {{ ref('int_endpoint_variants_joined') }}

),

invocations as (

    select * from {{ ref('int_endpoint_invocations_aggregated') }}

),

components as (

    select * from {{ ref('stg_sagemaker__inference_components') }}

),

periods as (

    select * from {{ ref('stg_focus__billing_periods') }}

),

invocation_buckets as (

    -- the invocations of the same charge period as the cost rows: the day for HOURLY and
    -- DAILY exports, the whole billing period for a MONTHLY one (whose rows start on the 1st)
    select
        invocations.*,
        case
            when periods.export_granularity = 'MONTHLY' then cast(periods.billing_period_start as date)
            else cast(invocations.period_start as date)
        end as charge_date
    from invocations
    inner join periods
        on
            invocations.period_start >= periods.billing_period_start
            and invocations.period_start < periods.billing_period_end

),

final as (

    -- invocations per model: InvocationsPerModel, components' models, variants' models
    select
        invocations.endpoint_name,
        invocations.account_id,
        invocations.region,
        invocations.charge_date,
        coalesce(invocations.target_model_name, components.model_name, variants.model_name) as model_name,
        sum(invocations.invocations) as invocations
    from invocation_buckets as invocations
    left join components
        on
            invocations.inference_component_name = components.inference_component_name
            and invocations.account_id = components.account_id
            and invocations.region = components.region
    -- only variant invocations take a variant's model; the test on the invocation side is inside
    -- an equality, so the left join stays a hash join (a condition on the left side alone made
    -- it a nested loop over every invocation and every variant)
    left join variants
        on
            invocations.endpoint_name = variants.endpoint_name
            and case when invocations.target_kind = 'variant' then invocations.variant_name end = variants.variant_name
            and invocations.account_id = variants.account_id
            and invocations.region = variants.region
    group by
        invocations.endpoint_name,
        invocations.account_id,
        invocations.region,
        invocations.charge_date,
        coalesce(invocations.target_model_name, components.model_name, variants.model_name)

)

select * from final
