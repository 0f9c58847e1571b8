{{ config(enabled=python_twin_enabled()) }}
-- The SQL twin of rpt_budget_forecast.py (docs/engines.md "Python models"): the same rows,
-- for engines where dbt cannot run Python models. tests/python/test_python_twins.py builds
-- both on DuckDB and compares them row by row.
with

series as (

    select * from {{ ref('int_ml_cost_series_spread') }}
    where entity_type = 'team'

),

budgets as (

    select * from {{ ref('team_budgets') }}

),

periods as (

    select * from {{ ref('int_billing_periods_paired') }}

),

team_days as (

    select
        entity as team,
        charge_date,
        sum(effective_cost) as effective_cost
    from series
    group by entity, charge_date

),

as_of as (

    select max(charge_date) as as_of_date
    from team_days

),

budget_starts as (

    select
        budgets.team,
        budgets.billing_period,
        budgets.budget_amount,
        budgets.warn_threshold,
        budgets.alert_threshold,
        as_of.as_of_date,
        cast(concat(budgets.billing_period, '-01') as date) as period_start
    from budgets
    cross join as_of

),

budget_months as (

    -- a future month has nothing to say yet
    select
        *,
        cast({{ dbt.dateadd('month', 1, 'period_start') }} as date) as period_end,
        least(as_of_date, cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'period_start')) }} as date)) as last_date
    from budget_starts
    where period_start <= as_of_date

),

history_days as (

    -- the 28 days up to the last day with data
    select
        team,
        billing_period,
        last_date,
        history_date
    from {{ days_from(
        'budget_months',
        dbt.dateadd('day', -27, 'last_date'),
        dbt.dateadd('day', 1, 'last_date'),
        'history_date'
    ) }}

),

history as (

    -- 0 where nothing was charged; day_index 0 to 27, 27 the last day
    select
        history_days.team,
        history_days.billing_period,
        history_days.history_date,
        {{ days_between('history_days.last_date', 'history_days.history_date') }} + 27 as day_index,
        coalesce(team_days.effective_cost, 0) as effective_cost
    from history_days
    left join team_days
        on history_days.team = team_days.team and history_days.history_date = team_days.charge_date

),

history_stats as (

    -- run rate: the last 7 days; trend: the least-squares slope over the 28 days
    -- (x = 0..27, sum of (x - 13.5)^2 = 1827), as a weekly growth clipped to +-50%
    select
        team,
        billing_period,
        avg(case when day_index >= 21 then effective_cost end) as run_rate_daily,
        avg(effective_cost) as mean_daily,
        sum((day_index - 13.5) * effective_cost) / 1827.0 as slope,
        max(abs(effective_cost)) > 0 as has_cost
    from history
    group by team, billing_period

),

growth as (

    select
        team,
        billing_period,
        run_rate_daily,
        case
            when has_cost
                then least(greatest(slope * 7 / greatest(mean_daily, 1e-9), -0.5), 0.5)
            else 0.0
        end as weekly_growth
    from history_stats

),

weekday_means as (

    select
        team,
        billing_period,
        day_index % 7 as weekday_slot,
        avg(effective_cost) as weekday_mean
    from history
    group by team, billing_period, day_index % 7

),

remaining as (

    -- the days of the month after the last day with data, numbered from 1
    select
        team,
        billing_period,
        {{ days_between('last_date', 'remaining_date') }} as days_ahead
    from {{ days_from('budget_months', dbt.dateadd('day', 1, 'last_date'), 'period_end', 'remaining_date') }}

),

trend as (

    select
        remaining.team,
        remaining.billing_period,
        count(*) as remaining_days,
        sum(weekday_means.weekday_mean * (1 + growth.weekly_growth * remaining.days_ahead / 7.0)) as trend_total
    from remaining
    inner join growth
        on remaining.team = growth.team and remaining.billing_period = growth.billing_period
    inner join weekday_means
        on
            remaining.team = weekday_means.team
            and remaining.billing_period = weekday_means.billing_period
            and (27 + remaining.days_ahead) % 7 = weekday_means.weekday_slot
    group by remaining.team, remaining.billing_period

),

actuals as (

    select
        budget_months.team,
        budget_months.billing_period,
        coalesce(sum(team_days.effective_cost), 0) as actual_cost
    from budget_months
    left join team_days
        on
            budget_months.team = team_days.team
            and team_days.charge_date between budget_months.period_start and budget_months.last_date
    group by budget_months.team, budget_months.billing_period

),

forecasts as (

    select
        budget_months.team,
        budget_months.billing_period,
        budget_months.budget_amount,
        budget_months.warn_threshold,
        budget_months.alert_threshold,
        actuals.actual_cost,
        actuals.actual_cost
        + 0.5 * growth.run_rate_daily * coalesce(trend.remaining_days, 0)
        + 0.5 * greatest(coalesce(trend.trend_total, 0), 0) as forecast_cost,
        growth.run_rate_daily,
        growth.weekly_growth,
        {{ days_between('budget_months.period_start', 'budget_months.last_date') }} + 1 as days_elapsed,
        {{ days_between('budget_months.period_start', 'budget_months.period_end') }} as days_in_month,
        periods.is_complete,
        budget_months.as_of_date
    from budget_months
    inner join actuals
        on budget_months.team = actuals.team and budget_months.billing_period = actuals.billing_period
    inner join growth
        on budget_months.team = growth.team and budget_months.billing_period = growth.billing_period
    left join trend
        on budget_months.team = trend.team and budget_months.billing_period = trend.billing_period
    left join periods on budget_months.billing_period = periods.billing_period

),

final as (

    -- status follows AWS Budgets alerts
    select
        team,
        billing_period,
        budget_amount,
        warn_threshold,
        alert_threshold,
        actual_cost,
        forecast_cost,
        run_rate_daily,
        weekly_growth,
        days_elapsed,
        days_in_month,
        is_complete,
        case when budget_amount != 0 then actual_cost / budget_amount end as actual_share_of_budget,
        case when budget_amount != 0 then forecast_cost / budget_amount end as forecast_share_of_budget,
        case
            when budget_amount <= 0 then 'NO BUDGET'
            when actual_cost >= budget_amount * alert_threshold then 'ALERT: actual over threshold'
            when forecast_cost >= budget_amount * alert_threshold then 'ALERT: forecast over threshold'
            when greatest(actual_cost, forecast_cost) >= budget_amount * warn_threshold then 'WARN: over warning threshold'
            else 'OK'
        end as status,
        as_of_date
    from forecasts

)

select * from final
