{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days() }}",
        partition_by=charge_days_partition(),
    )
}}
-- The split rows of shared endpoints' charges, with their costs: each split's costs are
-- cost x share, and the remainder row takes what floating point left over, so the splits
-- of a source row always sum back to it. Narrow rows: of the charge columns only the date,
-- by which attribution's batches filter them as they filter the charge rows
-- (macros/incremental/attribution_batches.sql). int_ml_charges_attributed joins them to the
-- charge rows, whose hash table they are.
-- A charge's sums (weights, rounded parts) are group-bys per charge on the narrow columns
-- (charge_id, target, weight), joined back to the targets' every column once, at the end:
-- not windows over charge_id. The arithmetic is split_cost's (split_cost_from_parts,
-- share_of_weight) and the rows are the same; at 50M the windows' sort spilled and took
-- 60 to 68 s, this 33 s (docs/performance.md). The remainder row's target is the highest
-- rank of the charge's target names, an integer, not the text maximum of the names: same
-- rows, and the model's peak memory at 50M fell by about 400 MB (docs/performance.md).
with

charges as (

    select
        charge_id,
        charge_date,
        effective_cost,
        billed_cost,
        list_cost
    from {{ ref('int_ml_charges_classified') }}
    where {{ charge_days_to_process() }}

),

target_names as (

    select distinct allocation_target
    from {{ ref('int_endpoint_charges_weighted') }}
    where {{ charge_days_to_process() }} and allocation_target is not null

),

target_ranks as (

    -- each target name's place in name order (a handful of names: variants, models,
    -- components), so that the remainder row's target is an integer maximum per charge:
    -- a text maximum per charge keeps a copy of a name per charge outside DuckDB's memory
    -- limit (11.5M charges at 50M FOCUS rows; docs/performance.md)
    select
        allocation_target,
        dense_rank() over (order by allocation_target) as target_rank
    from target_names

),

target_weights as (

    -- the columns a charge's sums need; the targets' other columns join once, at the end
    select
        weighted.charge_id,
        weighted.allocation_weight,
        target_ranks.target_rank
    from {{ ref('int_endpoint_charges_weighted') }} as weighted
    left join target_ranks on weighted.allocation_target = target_ranks.allocation_target
    where {{ charge_days_to_process(relation_alias='weighted') }}

),

charge_weights as (

    -- per charge: its targets' weights summed, how many targets, and the remainder row's
    -- target (the last by name, as its rank; a charge's targets are unique)
    select
        charge_id,
        sum(coalesce(allocation_weight, 0)) as charge_weight,
        count(*) as charge_target_count,
        max(target_rank) as remainder_rank
    from target_weights
    group by charge_id

),

charge_weight_costs as (

    -- a charge's targets all join or none do, so each charge is whole
    select
        charge_weights.*,
        charges.charge_date,
        charges.effective_cost as charge_effective_cost,
        charges.billed_cost as charge_billed_cost,
        charges.list_cost as charge_list_cost
    from charge_weights
    inner join charges on charge_weights.charge_id = charges.charge_id

),

target_shares as (

    select
        target_weights.charge_id,
        charge_weight_costs.charge_effective_cost,
        charge_weight_costs.charge_billed_cost,
        charge_weight_costs.charge_list_cost,
        {{ share_of_weight(
            'target_weights.allocation_weight',
            'charge_weight_costs.charge_weight',
            'charge_weight_costs.charge_target_count'
        ) }} as allocation_share
    from target_weights
    inner join charge_weight_costs on target_weights.charge_id = charge_weight_costs.charge_id

),

charge_parts as (

    -- per charge: its split rows' rounded parts summed
    select
        charge_id,
        sum({{ split_part('charge_effective_cost', 'allocation_share') }}) as effective_parts,
        sum({{ split_part('charge_billed_cost', 'allocation_share') }}) as billed_parts,
        sum({{ split_part('charge_list_cost', 'allocation_share') }}) as list_parts
    from target_shares
    group by charge_id

),

charge_totals as (

    select
        charge_weight_costs.*,
        charge_parts.effective_parts,
        charge_parts.billed_parts,
        charge_parts.list_parts
    from charge_weight_costs
    inner join charge_parts on charge_weight_costs.charge_id = charge_parts.charge_id

),

targets as (

    select
        weighted.*,
        target_ranks.target_rank
    from {{ ref('int_endpoint_charges_weighted') }} as weighted
    left join target_ranks on weighted.allocation_target = target_ranks.allocation_target
    where {{ charge_days_to_process(relation_alias='weighted') }}

),

targets_shared as (

    -- the same share as target_shares computed, now on the targets' every column
    select
        targets.*,
        charge_totals.charge_date,
        charge_totals.charge_target_count,
        charge_totals.charge_effective_cost,
        charge_totals.charge_billed_cost,
        charge_totals.charge_list_cost,
        charge_totals.effective_parts,
        charge_totals.billed_parts,
        charge_totals.list_parts,
        {{ share_of_weight(
            'targets.allocation_weight',
            'charge_totals.charge_weight',
            'charge_totals.charge_target_count'
        ) }} as allocation_share,
        targets.target_rank = charge_totals.remainder_rank as is_remainder_row
    from targets
    inner join charge_totals on targets.charge_id = charge_totals.charge_id

),

final as (

    select
        charge_id,
        billing_period,
        charge_date,
        charge_day_version,
        allocation_target,
        allocation_method,
        variant_name,
        target_model,
        target_resource_key,
        allocation_weight,
        allocation_share,
        is_remainder_row,
        {{ split_cost_from_parts(
            'charge_effective_cost',
            split_part('charge_effective_cost', 'allocation_share'),
            'effective_parts',
            'charge_target_count',
            'is_remainder_row'
        ) }} as effective_cost,
        {{ split_cost_from_parts(
            'charge_billed_cost',
            split_part('charge_billed_cost', 'allocation_share'),
            'billed_parts',
            'charge_target_count',
            'is_remainder_row'
        ) }} as billed_cost,
        {{ split_cost_from_parts(
            'charge_list_cost',
            split_part('charge_list_cost', 'allocation_share'),
            'list_parts',
            'charge_target_count',
            'is_remainder_row'
        ) }} as list_cost
    from targets_shared

)

select * from final
