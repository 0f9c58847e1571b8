{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days() }}",
        partition_by=charge_days_partition(),
    )
}}
-- Allocation targets and weights for the charge rows of A/B (multi-variant) endpoints: the
-- variants by instance hours; a hosting row goes to the variants running its instance type.
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

periods as (

    select * from {{ ref('stg_focus__billing_periods') }}

),

{{ shared_endpoint_charges_ctes('multi_variant', charges='charges', matches='matches', variants='variants', periods='periods') }}

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

targets as (

    select * from variant_targets

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
