{{ config(materialized="table") }}

with

export_rows as (

    select * from {{ ref('base_focus__charges') }}

),

deliveries as (

    select
        billing_account_id,
        billing_period,
        delivery_key,
        max(delivery_modified_at) as delivery_modified_at,
        count(*) as row_count,
        sum(billed_cost) as billed_cost,
        sum(effective_cost) as effective_cost,
        sum(list_cost) as list_cost
    from export_rows
    group by billing_account_id, billing_period, delivery_key

),

ranked as (

    select
        *,
        row_number() over (
            partition by billing_account_id, billing_period
            order by delivery_modified_at desc, delivery_key desc
        ) as delivery_rank
    from deliveries

),

final as (

    select
        billing_account_id,
        billing_period,
        delivery_key,
        delivery_modified_at,
        row_count,
        billed_cost,
        effective_cost,
        list_cost,
        delivery_rank,
        delivery_rank = 1 as is_latest_delivery
    from ranked

)

select * from final
