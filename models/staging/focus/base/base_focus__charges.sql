with

export_rows as (

    {{ focus_export_select() }}

),

renamed as (

    select
        {{ year_month('billing_period_start') }} as billing_period,
        cast(charge_period_start as date) as charge_date,
        coalesce(x_usage_type, sku_meter) as usage_type,
        *
    from export_rows

)

select * from renamed
