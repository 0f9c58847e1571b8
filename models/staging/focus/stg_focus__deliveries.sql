with

delivery_days as (

    select * from {{ ref('base_focus__delivery_days') }}

),

deliveries as (

    select
        billing_account_id,
        billing_period,
        delivery_key,
        max(delivered_at) as delivered_at,
        sum(row_count) as row_count,
        sum(billed_cost) as billed_cost,
        sum(effective_cost) as effective_cost,
        sum(list_cost) as list_cost
    from delivery_days
    group by billing_account_id, billing_period, delivery_key

),

ranked as (

    select
        *,
        row_number() over (
            partition by billing_account_id, billing_period
            order by delivered_at desc nulls last, delivery_key desc
        ) as delivery_rank
    from deliveries

),

final as (

    select
        billing_account_id,
        billing_period,
        delivery_key,
        delivered_at,
        row_count,
        billed_cost,
        effective_cost,
        list_cost,
        delivery_rank,
        delivery_rank = 1 as is_latest_delivery
    from ranked

)

select * from final
