-- One row per billing period with what is needed to compare it honestly with the month
-- before: how many of its days have data, whether it is complete, and where "the same
-- days of the previous month" end (the previous month's first days_with_data days).
with

periods as (

    select * from {{ ref('stg_focus__billing_periods') }}

),

paired as (

    select
        periods.billing_period,
        periods.billing_period_start,
        periods.billing_period_end,
        periods.export_granularity,
        periods.data_through,
        periods.is_complete,
        periods.days_in_period,
        periods.days_with_data,
        previous_periods.billing_period as previous_billing_period,
        previous_periods.billing_period_start as previous_billing_period_start,
        previous_periods.days_in_period as previous_days_in_period,
        previous_periods.days_with_data as previous_days_with_data,
        previous_periods.is_complete as is_previous_complete
    from periods
    -- the calendar month before, when the exports hold it (never an older one)
    left join periods as previous_periods
        on periods.billing_period_start = previous_periods.billing_period_end

),

final as (

    select
        *,
        case
            when previous_billing_period is not null
                then {{ dbt.dateadd('day', 'least(days_with_data, previous_days_with_data)', 'previous_billing_period_start') }}
        end as previous_same_days_end
    from paired

)

select * from final
