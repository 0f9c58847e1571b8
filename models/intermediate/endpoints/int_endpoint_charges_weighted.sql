{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days() }}",
    )
}}
{%- set idle_policy = validate_var_choice('shared_idle_policy', ['separate', 'proportional']) -%}
{%- set ic_split = validate_var_choice('inference_component_split', ['reserved_capacity', 'invocations']) -%}
-- Allocation targets and weights for the charge rows of shared endpoints:
--   A/B (multi-variant): variants by instance hours (hosting rows by the row's instance type)
--   multi-model: models by InvocationsPerModel in the row's charge period
--   inference components: components by reserved capacity (copies x accelerators,
--     else CPU cores, else memory), or by invocations (var inference_component_split)
-- A charge period without traffic (or capacity nobody reserved) is idle: under
-- var shared_idle_policy = 'separate' it stays a '(idle)' target; under 'proportional'
-- it goes to the endpoint's models by their share of the billing period.
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

    select * from {{ ref('int_endpoint_invocations_hourly') }}

),

components as (

    select * from {{ ref('stg_sagemaker__inference_components') }}

),

instance_types as (

    select * from {{ ref('ml_instance_types') }}

),

periods as (

    select * from {{ ref('stg_focus__billing_periods') }}

),

endpoints as (

    select
        endpoint_key,
        min(endpoint_name) as endpoint_name,
        min(account_id) as account_id,
        min(region) as region,
        min(endpoint_kind) as endpoint_kind,
        min(instance_type) as instance_type,
        sum(current_instance_count) as instance_count
    from variants
    group by endpoint_key

),

endpoint_charges as (

    select
        charges.charge_id,
        charges.billing_period,
        charges.charge_period_start,
        charges.charge_period_end,
        -- the part of the charge period the data covers (a MONTHLY row of the open month
        -- ends on the first of next month)
        least(charges.charge_period_end, periods.data_through) as covered_end,
        charges.instance_type as row_instance_type,
        charges.cost_category,
        endpoints.endpoint_key,
        endpoints.endpoint_name,
        endpoints.account_id,
        endpoints.region,
        endpoints.endpoint_kind,
        endpoints.instance_type,
        endpoints.instance_count,
        charges.charge_day_version
    from charges
    inner join matches on charges.resource_id = matches.resource_id
    inner join endpoints on coalesce(matches.matched_resource_key, matches.resource_key) = endpoints.endpoint_key
    inner join periods on charges.billing_period = periods.billing_period
    where
        charges.resource_type = 'endpoint'
        and endpoints.endpoint_kind in ('multi_variant', 'multi_model', 'inference_components')

),

-- A/B endpoints ------------------------------------------------------------------------------
variant_candidates as (

    select
        endpoint_charges.charge_id,
        variants.variant_name,
        variants.model_name,
        variants.model_key,
        variants.current_instance_count,
        endpoint_charges.cost_category = 'endpoint_hosting' as is_hosting_row,
        variants.instance_type = endpoint_charges.row_instance_type as runs_row_instance_type
    from endpoint_charges
    inner join variants on endpoint_charges.endpoint_key = variants.endpoint_key
    where endpoint_charges.endpoint_kind = 'multi_variant'

),

variant_charges_with_type_match as (

    select distinct charge_id
    from variant_candidates
    where runs_row_instance_type

),

variant_targets as (

    select
        variant_candidates.charge_id,
        'variant:' || variant_candidates.variant_name as allocation_target,
        'variant_instance_hours' as allocation_method,
        variant_candidates.variant_name,
        variant_candidates.model_name as target_model,
        variant_candidates.model_key as target_resource_key,
        cast(variant_candidates.current_instance_count as double) as allocation_weight
    from variant_candidates
    left join variant_charges_with_type_match
        on variant_candidates.charge_id = variant_charges_with_type_match.charge_id
    -- a hosting row goes to the variants running its instance type; other rows
    -- (data processed, transfer) and rows no variant's type matches to all variants
    where
        variant_candidates.runs_row_instance_type
        or not variant_candidates.is_hosting_row
        or variant_charges_with_type_match.charge_id is null

),

-- Multi-model endpoints ----------------------------------------------------------------------
model_invocations as (

    select
        endpoint_charges.charge_id,
        invocations.target_model_name,
        sum(invocations.invocations) as invocations
    from endpoint_charges
    inner join invocations
        on
            endpoint_charges.endpoint_name = invocations.endpoint_name
            and endpoint_charges.account_id = invocations.account_id
            and endpoint_charges.region = invocations.region
            and endpoint_charges.charge_period_start <= invocations.period_start
            and endpoint_charges.charge_period_end > invocations.period_start
    where
        endpoint_charges.endpoint_kind = 'multi_model'
        and invocations.target_kind = 'model'
        and invocations.invocations > 0
    group by endpoint_charges.charge_id, invocations.target_model_name

),

model_targets as (

    select
        charge_id,
        'model:' || target_model_name as allocation_target,
        'invocation_share' as allocation_method,
        cast(null as varchar) as variant_name,
        target_model_name as target_model,
        cast(null as varchar) as target_resource_key,
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

-- Inference-component endpoints --------------------------------------------------------------
component_capacity as (

    select
        endpoint_charges.charge_id,
        components.inference_component_name,
        lower(components.inference_component_arn) as component_key,
        components.model_name,
        -- a component weighs by the share of the covered charge period in which it existed
        coalesce(components.current_copy_count, 0) * coalesce(components.accelerators_per_copy, 0)
        * {{ existence_share('components.creation_time', 'endpoint_charges.charge_period_start', 'endpoint_charges.covered_end') }}
            as reserved_accelerators,
        coalesce(components.current_copy_count, 0) * coalesce(components.cpu_cores_per_copy, 0)
        * {{ existence_share('components.creation_time', 'endpoint_charges.charge_period_start', 'endpoint_charges.covered_end') }}
            as reserved_cpu,
        coalesce(components.current_copy_count, 0) * coalesce(components.memory_mb_per_copy, 0) / 1024.0
        * {{ existence_share('components.creation_time', 'endpoint_charges.charge_period_start', 'endpoint_charges.covered_end') }}
            as reserved_memory_gib,
        endpoint_charges.instance_count * instance_types.accelerators as capacity_accelerators,
        endpoint_charges.instance_count * instance_types.vcpu as capacity_cpu,
        endpoint_charges.instance_count * instance_types.memory_gib as capacity_memory_gib
    from endpoint_charges
    inner join components
        on
            endpoint_charges.endpoint_name = components.endpoint_name
            and endpoint_charges.account_id = components.account_id
            and endpoint_charges.region = components.region
            and coalesce(components.creation_time, endpoint_charges.charge_period_start) < endpoint_charges.covered_end
    left join instance_types on endpoint_charges.instance_type = instance_types.instance_type
    where endpoint_charges.endpoint_kind = 'inference_components'

),

component_basis as (

    select
        *,
        case
            when sum(reserved_accelerators) over (partition by charge_id) > 0 then 'accelerators'
            when sum(reserved_cpu) over (partition by charge_id) > 0 then 'cpu'
            else 'memory'
        end as capacity_basis
    from component_capacity

),

component_reservations as (

    select
        charge_id,
        inference_component_name,
        component_key,
        model_name,
        case capacity_basis
            when 'accelerators' then reserved_accelerators
            when 'cpu' then reserved_cpu
            else reserved_memory_gib
        end as reserved,
        case capacity_basis
            when 'accelerators' then capacity_accelerators
            when 'cpu' then capacity_cpu
            else capacity_memory_gib
        end as capacity
    from component_basis

),

{% if ic_split == 'invocations' %}
    component_invocations as (

        select
            endpoint_charges.charge_id,
            invocations.inference_component_name,
            sum(invocations.invocations) as invocations
        from endpoint_charges
        inner join invocations
            on
                endpoint_charges.endpoint_name = invocations.endpoint_name
                and endpoint_charges.account_id = invocations.account_id
                and endpoint_charges.region = invocations.region
                and endpoint_charges.charge_period_start <= invocations.period_start
                and endpoint_charges.charge_period_end > invocations.period_start
        where invocations.target_kind = 'inference_component' and invocations.invocations > 0
        group by endpoint_charges.charge_id, invocations.inference_component_name

    ),

    component_targets as (

        select
            component_reservations.charge_id,
            'component:' || component_reservations.inference_component_name as allocation_target,
            'invocation_share' as allocation_method,
            cast(null as varchar) as variant_name,
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
            cast(null as varchar) as variant_name,
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

-- Idle -------------------------------------------------------------------------------------
{% if idle_policy == 'separate' %}
    idle_targets as (

        select
            charge_id,
            '(idle)' as allocation_target,
            'idle_capacity' as allocation_method,
            cast(null as varchar) as variant_name,
            '(idle)' as target_model,
            cast(null as varchar) as target_resource_key,
            1.0 as allocation_weight
        from idle_model_charges
        union all
        select
            charge_id,
            '(idle)' as allocation_target,
            'idle_capacity' as allocation_method,
            null as variant_name,
            '(idle)' as target_model,
            null as target_resource_key,
            idle_weight as allocation_weight
        from component_idle

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
            cast(null as varchar) as variant_name,
            coalesce(model_period_invocations.target_model_name, '(idle)') as target_model,
            cast(null as varchar) as target_resource_key,
            coalesce(model_period_invocations.invocations, 0) as allocation_weight
        from idle_model_charges
        left join model_period_invocations
            on
                idle_model_charges.endpoint_key = model_period_invocations.endpoint_key
                and idle_model_charges.billing_period = model_period_invocations.billing_period

    ),

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
            null as variant_name,
            '(idle)' as target_model,
            null as target_resource_key,
            component_idle.idle_weight as allocation_weight
        from component_idle
        where component_idle.charge_id not in (select component_targets.charge_id from component_targets)

    ),

    idle_targets as (

        select * from idle_model_targets
        union all
        select * from idle_component_targets

    ),
{% endif %}

targets as (

    select * from variant_targets
    union all
    select * from model_targets
    union all
    select * from component_targets
    union all
    select * from idle_targets

),

charge_versions as (

    select distinct
        charge_id,
        charge_day_version
    from endpoint_charges

),

final as (

    select
        targets.*,
        charge_versions.charge_day_version
    from targets
    inner join charge_versions on targets.charge_id = charge_versions.charge_id

)

select * from final
