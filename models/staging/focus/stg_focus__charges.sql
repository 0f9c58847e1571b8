with

export_rows as (

    select * from {{ ref('base_focus__charges') }}

),

latest_deliveries as (

    select * from {{ ref('stg_focus__deliveries') }}
    where is_latest_delivery

),

final as (

    select export_rows.*
    from export_rows
    inner join latest_deliveries
        on
            export_rows.billing_account_id is not distinct from latest_deliveries.billing_account_id
            and export_rows.billing_period is not distinct from latest_deliveries.billing_period
            and export_rows.delivery_key = latest_deliveries.delivery_key

)

select * from final
