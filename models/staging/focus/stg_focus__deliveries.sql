with

delivery_days as (

    select * from {{ ref('base_focus__delivery_days') }}

),

deliveries as (

    select
        billing_account_id,
        billing_period,
        delivery_key,
        max(delivery_modified_at) as delivery_modified_at,
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
