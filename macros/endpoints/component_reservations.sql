-- noqa: disable=LT02
{#-
    CTEs component_capacity, component_basis and component_reservations: for each charge row of
    an inference-component endpoint and each component that existed in its covered period, the
    capacity the component reserved (copies x accelerators, else CPU cores, else memory, times
    the share of the period it existed) and the instance capacity on the same basis.
-#}
{% macro component_reservations_ctes(endpoint_charges, components, instance_types) %}
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
        from {{ endpoint_charges }} as endpoint_charges
        inner join {{ components }} as components
            on
                endpoint_charges.endpoint_name = components.endpoint_name
                and endpoint_charges.account_id = components.account_id
                and endpoint_charges.region = components.region
                and coalesce(components.creation_time, endpoint_charges.charge_period_start) < endpoint_charges.covered_end
        left join {{ instance_types }} as instance_types on endpoint_charges.instance_type = instance_types.instance_type
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
{%- endmacro %}
