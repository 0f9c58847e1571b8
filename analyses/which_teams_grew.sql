-- Which teams grew month over month? The last billing period against the one before, as
-- reported and normalised: when the last period is the open month, compare the same days
-- of the previous month (same_days_growth) or the daily run rate (run_rate_growth), never
-- the month-to-date total with a whole month.
with

teams as (

    select * from {{ ref('rpt_team_costs_monthly') }}

),

last_period as (

    select max(billing_period) as billing_period
    from teams

),

final as (

    select
        team,
        billing_period,
        is_complete,
        days_with_data,
        effective_cost,
        previous_period_effective_cost,
        change_effective_cost,
        period_over_period_growth,
        previous_same_days_effective_cost,
        same_days_change_effective_cost,
        same_days_growth,
        daily_run_rate,
        previous_daily_run_rate,
        run_rate_growth
    from teams
    where billing_period = (select last_period.billing_period from last_period)
    order by same_days_change_effective_cost desc nulls last

)

select * from final
