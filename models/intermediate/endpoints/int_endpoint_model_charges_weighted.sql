{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days() }}",
        partition_by=charge_days_partition(),
    )
}}
{%- set idle_policy = validate_var_choice('shared_idle_policy', ['separate', 'proportional']) -%}
-- Allocation targets and weights for the charge rows of multi-model endpoints: the models by
-- InvocationsPerModel in the row's charge period. A charge period without invocations is idle:
-- under var shared_idle_policy = 'separate' it stays a '(idle)' target; under 'proportional'
-- it goes to the endpoint's models by their share of the billing period's invocations.
with

charges as (

    select * from {{ ref('int_ml_charges_classified') }}
    where {{ charge_days_to_process() }}

),

matches as (

    select * from {{ ref('int_resource_ids_matched') }}

),

variants as (

    select * from {{ ref('int_endpoint_variants_joined') }}

),

invocations as (

    select * from {{ ref('int_endpoint_invocations_aggregated') }}

),

periods as (

    select * from {{ ref('stg_focus__billing_periods') }}

),

{{ shared_endpoint_charges_ctes('multi_model', charges='charges', matches='matches', variants='variants', periods='periods') }}

model_invocations as (

    select
        charge_id,
        target_model_name,
        sum(invocations) as invocations
    from (
        {{ charge_period_invocations(
            'endpoint_charges', 'invocations', ['target_model_name'],
            "endpoint_charges.endpoint_kind = 'multi_model' and invocations.target_kind = 'model' and invocations.invocations > 0"
        ) }}
    ) as charge_invocations
    group by charge_id, target_model_name

),

model_targets as (

    select
        charge_id,
        'model:' || target_model_name as allocation_target,
        'invocation_share' as allocation_method,
        cast(null as {{ dbt.type_string() }}) as variant_name,
        target_model_name as target_model,
        cast(null as {{ dbt.type_string() }}) as target_resource_key,
        invocations as allocation_weight
    from model_invocations

),

idle_model_charges as (

    select endpoint_charges.*
    from endpoint_charges
    where
        endpoint_charges.endpoint_kind = 'multi_model'
        and endpoint_charges.charge_id not in (select model_invocations.charge_id from model_invocations)

),

{% if idle_policy == 'separate' %}
    idle_targets as (

        select
            charge_id,
            '(idle)' as allocation_target,
            'idle_capacity' as allocation_method,
            cast(null as {{ dbt.type_string() }}) as variant_name,
            '(idle)' as target_model,
            cast(null as {{ dbt.type_string() }}) as target_resource_key,
            1.0 as allocation_weight
        from idle_model_charges

    ),
{% else %}
    model_period_invocations as (

        select
            endpoint_charges.endpoint_key,
            endpoint_charges.billing_period,
            invocations.target_model_name,
            sum(invocations.invocations) as invocations
        from (
            select distinct
                endpoint_key,
                endpoint_name,
                account_id,
                region,
                billing_period
            from endpoint_charges
            where endpoint_kind = 'multi_model'
        ) as endpoint_charges
        inner join invocations
            on
                endpoint_charges.endpoint_name = invocations.endpoint_name
                and endpoint_charges.account_id = invocations.account_id
                and endpoint_charges.region = invocations.region
                and {{ year_month('invocations.period_start') }} = endpoint_charges.billing_period
        where invocations.target_kind = 'model'
        group by endpoint_charges.endpoint_key, endpoint_charges.billing_period, invocations.target_model_name

    ),

    idle_model_targets as (

    -- each model's share of the endpoint's billing-period invocations; equal shares
    -- when the period had none; '(idle)' when the endpoint never served a model
        select
            idle_model_charges.charge_id,
            coalesce('model:' || model_period_invocations.target_model_name, '(idle)') as allocation_target,
            case when model_period_invocations.target_model_name is null then 'idle_capacity' else 'idle_proportional' end
                as allocation_method,
            cast(null as {{ dbt.type_string() }}) as variant_name,
            coalesce(model_period_invocations.target_model_name, '(idle)') as target_model,
            cast(null as {{ dbt.type_string() }}) as target_resource_key,
            coalesce(model_period_invocations.invocations, 0) as allocation_weight
        from idle_model_charges
        left join model_period_invocations
            on
                idle_model_charges.endpoint_key = model_period_invocations.endpoint_key
                and idle_model_charges.billing_period = model_period_invocations.billing_period

    ),

    idle_targets as (

        select * from idle_model_targets

    ),
{% endif %}

targets as (

    select * from model_targets
    union all
    select * from idle_targets

),

charge_versions as (

    select distinct
        charge_id,
        billing_period,
        charge_day_version
    from endpoint_charges

),

final as (

    select
        targets.*,
        charge_versions.billing_period,
        charge_versions.charge_day_version
    from targets
    inner join charge_versions on targets.charge_id = charge_versions.charge_id

)

select * from final
