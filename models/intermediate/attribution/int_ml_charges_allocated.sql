{{ config(materialized='view') }}
-- SageMaker charge rows as allocation rows. A row billed to one resource stays one row
-- (direct); a shared endpoint's row becomes its split rows (int_ml_charge_splits_costed),
-- whose costs sum back to it. A view: int_ml_charges_attributed reads it, so the charge
-- columns are never written twice; the left join's hash table holds the narrow split rows.
{%- set charge_columns = declared_columns('int_ml_charges_classified', except=['effective_cost', 'billed_cost', 'list_cost']) %}
with

charges as (

    select * from {{ ref('int_ml_charges_classified') }}

),

matches as (

    select * from {{ ref('int_resource_ids_matched') }}

),

splits as (

    select * from {{ ref('int_ml_charge_splits_costed') }}

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

allocation_rows as (

    -- every charge row takes its split rows, or none: then it is one direct row with its own cost
    select
        {%- for column in charge_columns %}
            matched_charges.{{ column }},
        {%- endfor %}
        matched_charges.matched_resource_key,
        matched_charges.match_method,
        matched_charges.resource_role_arn,
        coalesce(splits.allocation_target, 'charge') as allocation_target,
        coalesce(splits.allocation_method, 'direct') as allocation_method,
        splits.variant_name,
        splits.target_model,
        splits.target_resource_key,
        coalesce(splits.allocation_weight, 1.0) as allocation_weight,
        coalesce(splits.allocation_share, 1.0) as allocation_share,
        coalesce(splits.is_remainder_row, true) as is_remainder_row,
        case when splits.charge_id is null then matched_charges.effective_cost else splits.effective_cost end as effective_cost,
        case when splits.charge_id is null then matched_charges.billed_cost else splits.billed_cost end as billed_cost,
        case when splits.charge_id is null then matched_charges.list_cost else splits.list_cost end as list_cost
    from matched_charges
    left join splits on matched_charges.charge_id = splits.charge_id

),

final as (

    select
        *,
        {{ md5_hex("charge_id || '#' || allocation_target") }} as allocation_id
    from allocation_rows

)

select * from final
