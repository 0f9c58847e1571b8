{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days() }}",
        partition_by=charge_days_partition(),
    )
}}
{%- set idle_policy = validate_var_choice('shared_idle_policy', ['separate', 'proportional']) -%}
{%- set ic_split = validate_var_choice('inference_component_split', ['reserved_capacity', 'invocations']) -%}
-- depends_on: {{ ref('int_endpoint_invocations_aggregated') }}
-- Allocation targets and weights for the charge rows of inference-component endpoints: the
-- components by reserved capacity (copies x accelerators, else CPU cores, else memory, for the
-- share of the covered charge period each existed), or by invocations (var
-- inference_component_split). Capacity nobody reserved is idle: under var shared_idle_policy =
-- 'separate' it stays a '(idle)' target; under 'proportional' it goes to the components by
-- their reservations.
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

{% if ic_split == 'invocations' %}
    -- used in the invocations branch below (sqlfluff lints the branches apart)
    invocations as (  -- noqa: ST03

        select * from {{ ref('int_endpoint_invocations_aggregated') }}

    ),
{% endif %}

components as (

    select * from {{ ref('stg_sagemaker__inference_components') }}

),

instance_types as (

    select * from {{ ref('ml_instance_types') }}

),

periods as (

    select * from {{ ref('stg_focus__billing_periods') }}

),

{{ shared_endpoint_charges_ctes('inference_components', charges='charges', matches='matches', variants='variants', periods='periods') }}

{{ component_reservations_ctes(endpoint_charges='endpoint_charges', components='components', instance_types='instance_types') }}

{% if ic_split == 'invocations' %}
    component_invocations as (

        select
            charge_id,
            inference_component_name,
            sum(invocations) as invocations
        from (
            {{ charge_period_invocations(
                'endpoint_charges', 'invocations', ['inference_component_name'],
                "invocations.target_kind = 'inference_component' and invocations.invocations > 0"
            ) }}
        ) as charge_invocations
        group by charge_id, inference_component_name

    ),

    component_targets as (

        select
            component_reservations.charge_id,
            'component:' || component_reservations.inference_component_name as allocation_target,
            'invocation_share' as allocation_method,
            cast(null as {{ dbt.type_string() }}) as variant_name,
            component_reservations.model_name as target_model,
            component_reservations.component_key as target_resource_key,
            component_invocations.invocations as allocation_weight
        from component_reservations
        inner join component_invocations
            on
                component_reservations.charge_id = component_invocations.charge_id
                and component_reservations.inference_component_name = component_invocations.inference_component_name

    ),

    component_idle as (

        select
            endpoint_charges.charge_id,
            1.0 as idle_weight
        from endpoint_charges
        where
            endpoint_charges.endpoint_kind = 'inference_components'
            and endpoint_charges.charge_id not in (select component_targets.charge_id from component_targets)

    ),
{% else %}
    component_targets as (

        select
            charge_id,
            'component:' || inference_component_name as allocation_target,
            'reserved_capacity' as allocation_method,
            cast(null as {{ dbt.type_string() }}) as variant_name,
            model_name as target_model,
            component_key as target_resource_key,
            reserved as allocation_weight
        from component_reservations
        where reserved > 0

    ),

    component_idle as (

    -- capacity nobody reserved (or a period with no component at all)
        select
            endpoint_charges.charge_id,
            coalesce(
                greatest(max(component_reservations.capacity) - sum(component_reservations.reserved), 0),
                1.0
            ) as idle_weight
        from endpoint_charges
        left join component_reservations on endpoint_charges.charge_id = component_reservations.charge_id
        where endpoint_charges.endpoint_kind = 'inference_components'
        group by endpoint_charges.charge_id
        having
            coalesce(sum(component_reservations.reserved), 0) = 0
            or coalesce(max(component_reservations.capacity) - sum(component_reservations.reserved), 0) > 0

    ),
{% endif %}

{% if idle_policy == 'separate' %}
    idle_targets as (

        select
            charge_id,
            '(idle)' as allocation_target,
            'idle_capacity' as allocation_method,
            cast(null as {{ dbt.type_string() }}) as variant_name,
            '(idle)' as target_model,
            cast(null as {{ dbt.type_string() }}) as target_resource_key,
            idle_weight as allocation_weight
        from component_idle

    ),
{% else %}
    idle_component_targets as (

    -- unreserved capacity goes to the components by their reservations
        select
            component_targets.charge_id,
            component_targets.allocation_target || '#idle' as allocation_target,
            'idle_proportional' as allocation_method,
            component_targets.variant_name,
            component_targets.target_model,
            component_targets.target_resource_key,
            component_targets.allocation_weight / sum(component_targets.allocation_weight) over (partition by component_targets.charge_id)
            * component_idle.idle_weight as allocation_weight
        from component_targets
        inner join component_idle on component_targets.charge_id = component_idle.charge_id
        union all
        select
            component_idle.charge_id,
            '(idle)' as allocation_target,
            'idle_capacity' as allocation_method,
            cast(null as {{ dbt.type_string() }}) as variant_name,
            '(idle)' as target_model,
            cast(null as {{ dbt.type_string() }}) as target_resource_key,
            component_idle.idle_weight as allocation_weight
        from component_idle
        where component_idle.charge_id not in (select component_targets.charge_id from component_targets)

    ),

    idle_targets as (

        select * from idle_component_targets

    ),
{% endif %}

targets as (

    select * from component_targets
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
