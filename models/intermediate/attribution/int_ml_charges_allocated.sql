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
-- source row always sum back to it. The shares and split costs are computed on the narrow
-- target rows; the charge rows then take their split rows in one left join, whose hash
-- table holds the narrow split rows, never the charge columns.
{%- set charge_columns = declared_columns('int_ml_charges_classified', except=['effective_cost', 'billed_cost', 'list_cost']) %}
with

charges as {{ not_materialized() }} (

    select * from {{ ref('int_ml_charges_classified') }}
    where {{ charge_days_to_process() }}

),

matches as (

    select * from {{ ref('int_resource_ids_matched') }}

),

matched_charges as (

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

    -- shares and the remainder row from the narrow target rows
    select
        *,
        {{ weight_share('allocation_weight', 'charge_id') }} as allocation_share,
        row_number() over (
            partition by charge_id
            order by allocation_target desc
        ) = 1 as is_remainder_row
    from targets

),

target_costs as (

    -- the costs of the split charges, narrow: a charge's targets all join or none do
    select
        targets_shared.*,
        charges.effective_cost,
        charges.billed_cost,
        charges.list_cost
    from targets_shared
    inner join charges on targets_shared.charge_id = charges.charge_id

),

split_costs as (

    -- only the narrow split rows pay for the window functions of the split costs
    select
        charge_id,
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
    from target_costs

),

allocation_rows as (

    -- every charge row joins its split rows, or none: then it is one direct row with its own cost
    select
        {%- for column in charge_columns %}
            matched_charges.{{ column }},
        {%- endfor %}
        matched_charges.matched_resource_key,
        matched_charges.match_method,
        matched_charges.resource_role_arn,
        coalesce(split_costs.allocation_target, 'charge') as allocation_target,
        coalesce(split_costs.allocation_method, 'direct') as allocation_method,
        split_costs.variant_name,
        split_costs.target_model,
        split_costs.target_resource_key,
        coalesce(split_costs.allocation_weight, 1.0) as allocation_weight,
        coalesce(split_costs.allocation_share, 1.0) as allocation_share,
        coalesce(split_costs.is_remainder_row, true) as is_remainder_row,
        case when split_costs.charge_id is null then matched_charges.effective_cost else split_costs.effective_cost end as effective_cost,
        case when split_costs.charge_id is null then matched_charges.billed_cost else split_costs.billed_cost end as billed_cost,
        case when split_costs.charge_id is null then matched_charges.list_cost else split_costs.list_cost end as list_cost
    from matched_charges
    left join split_costs on matched_charges.charge_id = split_costs.charge_id

),

final as (

    select
        *,
        {{ md5_hex("charge_id || '#' || allocation_target") }} as allocation_id
    from allocation_rows

)

select * from final
