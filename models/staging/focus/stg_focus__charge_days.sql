-- The charge days of the latest deliveries, each with the version the incremental models
-- compare against (docs/performance.md "Incremental runs"): a day's version changes when its rows in
-- scope change, a period's when any of its days does.
with

delivery_days as (

    select * from {{ ref('base_focus__delivery_days') }}

),

latest_deliveries as (

    select * from {{ ref('stg_focus__deliveries') }}
    where is_latest_delivery

),

latest_days as (

    select delivery_days.*
    from delivery_days
    inner join latest_deliveries
        on
            delivery_days.billing_account_id is not distinct from latest_deliveries.billing_account_id
            and delivery_days.billing_period is not distinct from latest_deliveries.billing_period
            and delivery_days.delivery_key = latest_deliveries.delivery_key

),

versioned as (

    select
        billing_account_id,
        billing_period,
        charge_date,
        delivery_key,
        in_scope_row_count,
        -- int_charges_scoped numbers the identical rows of an account's day: a day with
        -- repeated contents, or whose account and date another billing period also holds
        in_scope_content_count < in_scope_row_count
        or count(*) over (partition by billing_account_id, charge_date) > 1 as has_repeated_contents,
        {{ hash_columns(['billing_account_id', 'billing_period', 'charge_date', 'in_scope_row_count', 'in_scope_fingerprint']) }}
            as charge_day_version
    from latest_days

),

final as (

    select
        *,
        {{ hash_columns(['billing_period', period_fingerprint_window('charge_day_version', 'billing_period')]) }}
            as billing_period_version
    from versioned

)

select * from final
