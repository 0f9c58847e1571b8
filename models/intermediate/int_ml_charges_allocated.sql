-- SageMaker charge rows split into allocation rows. A row billed to one resource
-- stays one row (direct); a shared endpoint's row is split by the targets and
-- weights of int_endpoint_charges_weighted. Each split's costs are cost x share,
-- and the remainder row takes what floating point left over, so the splits of a
-- source row always sum back to it.
with

charges as (

    select * from {{ ref('int_ml_charges_classified') }}

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

),

direct_targets as (

    select
        charge_id,
        'charge' as allocation_target,
        'direct' as allocation_method,
        cast(null as varchar) as variant_name,
        cast(null as varchar) as target_model,
        cast(null as varchar) as target_resource_key,
        1.0 as allocation_weight
    from matched_charges
    where charge_id not in (select targets.charge_id from targets)

),

all_targets as (

    select * from targets
    union all
    select * from direct_targets

),

weighted as (

    select
        matched_charges.*,
        all_targets.allocation_target,
        all_targets.allocation_method,
        all_targets.variant_name,
        all_targets.target_model,
        all_targets.target_resource_key,
        all_targets.allocation_weight,
        {{ weight_share('all_targets.allocation_weight', 'all_targets.charge_id') }} as allocation_share,
        row_number() over (
            partition by all_targets.charge_id
            order by all_targets.allocation_target desc
        ) = 1 as is_remainder_row
    from all_targets
    inner join matched_charges on all_targets.charge_id = matched_charges.charge_id

),

final as (

    select
        * exclude (effective_cost, billed_cost, list_cost),
        {{ md5_hex("charge_id || '#' || allocation_target") }} as allocation_id,
        {{ split_cost('effective_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as effective_cost,
        {{ split_cost('billed_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as billed_cost,
        {{ split_cost('list_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as list_cost
    from weighted

)

select * from final
