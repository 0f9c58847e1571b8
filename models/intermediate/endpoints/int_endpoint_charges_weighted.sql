{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days() }}",
        partition_by=charge_days_partition(),
    )
}}
-- Allocation targets and weights for the charge rows of shared endpoints, one model per split
-- method (docs/shared-endpoints.md):
--   int_endpoint_variant_charges_weighted    A/B (multi-variant): variants by instance hours
--   int_endpoint_model_charges_weighted      multi-model: models by InvocationsPerModel
--   int_endpoint_component_charges_weighted  inference components: reserved capacity or invocations
-- each with its idle policy (var shared_idle_policy).
with

variant_targets as (

    select * from {{ ref('int_endpoint_variant_charges_weighted') }}
    where {{ charge_days_to_process() }}

),

model_targets as (

    select * from {{ ref('int_endpoint_model_charges_weighted') }}
    where {{ charge_days_to_process() }}

),

component_targets as (

    select * from {{ ref('int_endpoint_component_charges_weighted') }}
    where {{ charge_days_to_process() }}

),

final as (

    select * from variant_targets
    union all
    select * from model_targets
    union all
    select * from component_targets

)

select * from final
