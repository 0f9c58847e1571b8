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

targets as (

    select * from {{ ref('int_endpoint_charges_weighted') }}
    where {{ charge_days_to_process() }}

),

targets_shared as (

    -- the share of each target and the remainder row of each charge
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

    -- a charge's targets all join or none do, so the partitions stay whole
    select
        targets_shared.*,
        charges.charge_date,
        charges.effective_cost,
        charges.billed_cost,
        charges.list_cost
    from targets_shared
    inner join charges on targets_shared.charge_id = charges.charge_id

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
        {{ split_cost('effective_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as effective_cost,
        {{ split_cost('billed_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as billed_cost,
        {{ split_cost('list_cost', 'allocation_share', 'charge_id', 'is_remainder_row') }} as list_cost
    from target_costs

)

select * from final
