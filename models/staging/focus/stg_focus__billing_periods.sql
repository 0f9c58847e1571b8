-- One row per billing period of the latest deliveries: its bounds, the export's time
-- granularity, and what the data covers. data_through comes from what was delivered, never
-- from charge period ends alone: a MONTHLY export's rows end on the first of next month
-- while the month is open. Every "as of", window and completeness test reads it.
with

delivery_days as (

    select * from {{ ref('base_focus__delivery_days') }}

),

deliveries as (

    select * from {{ ref('stg_focus__deliveries') }}
    where is_latest_delivery

),

export_files as (

    select * from {{ ref('base_focus__export_files') }}
    where is_selected

),

delivery_times as (

    -- when each delivery was made: the time in its create-new folder name, else the newest
    -- modification time of its files (aws s3 sync keeps S3's LastModified); used for coverage
    -- only, never to order deliveries
    select
        delivery_key,
        coalesce(max(delivered_at), max(modified_at)) as delivery_time
    from export_files
    group by delivery_key

),

latest_days as (

    select
        delivery_days.billing_period,
        delivery_days.charge_date,
        delivery_days.max_charge_period_end,
        delivery_days.hourly_row_count,
        delivery_days.daily_row_count,
        delivery_days.monthly_row_count,
        delivery_times.delivery_time
    from delivery_days
    inner join deliveries
        on
            delivery_days.billing_account_id is not distinct from deliveries.billing_account_id
            and delivery_days.billing_period = deliveries.billing_period
            and delivery_days.delivery_key = deliveries.delivery_key
    left join delivery_times on delivery_days.delivery_key = delivery_times.delivery_key

),

periods as (

    select
        billing_period,
        cast({{ dbt.concat(['billing_period', "'-01'"]) }} as date) as billing_period_start_date,
        max(max_charge_period_end) as max_charge_period_end,
        max(delivery_time) as delivery_time,
        sum(hourly_row_count) as hourly_row_count,
        sum(daily_row_count) as daily_row_count,
        sum(monthly_row_count) as monthly_row_count,
        count(distinct charge_date) as charge_days
    from latest_days
    group by billing_period

),

bounded as (

    select
        *,
        cast({{ dbt.dateadd('month', 1, 'billing_period_start_date') }} as date) as billing_period_end_date,
        case
            when monthly_row_count > daily_row_count and monthly_row_count > hourly_row_count then 'MONTHLY'
            when daily_row_count > hourly_row_count then 'DAILY'
            else 'HOURLY'
        end as export_granularity
    from periods

),

covered as (

    select
        *,
        -- the end of what the data covers: the period's end at most; the rows' end for
        -- hourly and daily exports; the start of the delivery day for every export
        least(
            cast(billing_period_end_date as timestamp),
            case when export_granularity = 'MONTHLY' then cast(billing_period_end_date as timestamp) else max_charge_period_end end,
            coalesce(cast({{ dbt.date_trunc('day', 'delivery_time') }} as timestamp), cast(billing_period_end_date as timestamp))
        ) as data_through
    from bounded

),

final as (

    select
        billing_period,
        cast(billing_period_start_date as timestamp) as billing_period_start,
        cast(billing_period_end_date as timestamp) as billing_period_end,
        export_granularity,
        delivery_time,
        data_through,
        data_through >= cast(billing_period_end_date as timestamp) as is_complete,
        {{ days_between('billing_period_start_date', 'billing_period_end_date') }} as days_in_period,
        {{ days_between('billing_period_start_date', 'cast(data_through as date)') }} as days_with_data,
        charge_days
    from covered

)

select * from final
