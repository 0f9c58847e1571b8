{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days() }}",
        partition_by=charge_days_partition(),
    )
}}
-- SageMaker charge rows split into allocation rows. A row billed to one resource
-- stays one row (direct); a shared endpoint's row is split by the targets and
-- weights of int_endpoint_charges_weighted. Each split's costs are cost x share,
-- and the remainder row takes what floating point left over, so the splits of a
-- source row always sum back to it.
{%- set charge_columns = declared_columns('int_ml_charges_classified', except=['effective_cost', 'billed_cost', 'list_cost']) %}
with

charges as {{ not_materialized() }} (

    select * from {{ ref('int_ml_charges_classified') }}
    where {{ charge_days_to_process() }}

),

matches as (

    select * from {{ ref('int_resource_ids_matched') }}

),

matched_charges as {{ not_materialized() }} (

    select
        charges.*,
        matches.matched_resource_key,
        coalesce(matches.match_method, case when charges.resource_id is null then 'no_resource' end) as match_method,
        matches.resource_role_arn
    from charges
    left join matches on charges.resource_id = matches.resource_id

),

targets as (

    select * from {{ ref('int_endpoint_charges_weighted') }}
    where {{ charge_days_to_process() }}

),

targets_shared as (

    -- shares and the remainder row from the narrow target rows, before the charge columns
    -- join: a charge's targets all join or none do, so the partitions are the same
    select
        *,
        {{ weight_share('allocation_weight', 'charge_id') }} as allocation_share,
        row_number() over (
            partition by charge_id
            order by allocation_target desc
        ) = 1 as is_remainder_row
    from targets

),

split_charge_ids as (

    select distinct charge_id
    from targets

),

split_weighted as (

    -- only split rows pay for the window functions of the split costs
    select
        matched_charges.*,
        targets_shared.allocation_target,
        targets_shared.allocation_method,
        targets_shared.variant_name,
        targets_shared.target_model,
        targets_shared.target_resource_key,
        targets_shared.allocation_weight,
        targets_shared.allocation_share,
        targets_shared.is_remainder_row
    from targets_shared
    inner join matched_charges on targets_shared.charge_id = matched_charges.charge_id

),

split_rows as (

    select
        {%- for column in charge_columns %}
            {{ column }},
        {%- endfor %}
        matched_resource_key,
        match_method,
        resource_role_arn,
        allocation_target,
        allocation_method,
        variant_name,
        target_model,
        target_resource_key,
        allocation_weight,
        allocation_share,
        is_remainder_row,
        {{ split_cost('effective_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as effective_cost,
        {{ split_cost('billed_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as billed_cost,
        {{ split_cost('list_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as list_cost
    from split_weighted

),

direct_rows as (

    -- a row billed to one resource keeps its cost as it is
    select
        {%- for column in charge_columns %}
            matched_charges.{{ column }},
        {%- endfor %}
        matched_charges.matched_resource_key,
        matched_charges.match_method,
        matched_charges.resource_role_arn,
        'charge' as allocation_target,
        'direct' as allocation_method,
        cast(null as {{ dbt.type_string() }}) as variant_name,
        cast(null as {{ dbt.type_string() }}) as target_model,
        cast(null as {{ dbt.type_string() }}) as target_resource_key,
        1.0 as allocation_weight,
        1.0 as allocation_share,
        true as is_remainder_row,
        matched_charges.effective_cost,
        matched_charges.billed_cost,
        matched_charges.list_cost
    from matched_charges
    left join split_charge_ids on matched_charges.charge_id = split_charge_ids.charge_id
    where split_charge_ids.charge_id is null

),

unioned as (

    select * from split_rows
    union all
    select * from direct_rows

),

final as (

    select
        *,
        {{ md5_hex("charge_id || '#' || allocation_target") }} as allocation_id
    from unioned

)

select * from final
