{#-
    A monthly report says honestly how much of each month it covers: per row, is_complete
    and days_with_data equal stg_focus__billing_periods for the row's billing period.
    Returns the rows that differ or whose period the exports do not hold.
-#}
{% test period_flags_match_billing_periods(model) %}

    with

    report_periods as (
        select distinct
            billing_period,
            is_complete,
            days_with_data
        from {{ model }}
    ),

    periods as (
        select * from {{ ref('stg_focus__billing_periods') }}
    )

    select report_periods.*
    from report_periods
    left join periods on report_periods.billing_period = periods.billing_period
    where
        periods.billing_period is null
        or report_periods.is_complete != periods.is_complete
        or report_periods.days_with_data != periods.days_with_data

{% endtest %}
