{{ config(enabled=python_twin_enabled()) }}
-- The SQL twin of rpt_cost_anomalies.py (docs/engines.md "Python models"): the same rows,
-- for engines where dbt cannot run Python models. tests/python/test_python_twins.py builds
-- both on DuckDB and compares them row by row.
{%- set z_threshold = model_config('anomaly_z', 3.5) %}
{%- set min_usd = model_config('anomaly_min_usd', 25) %}
with

series as (

    select * from {{ ref('int_ml_cost_series_spread') }}

),

entity_days as (

    -- to the micro-dollar, as the Python model rounds: a deviation of exactly
    -- anomaly_min_usd must not flip with the last bits of a sum
    select
        entity_type,
        entity,
        charge_date,
        round(sum(effective_cost), 6) as effective_cost,
        max(case when source_granularity = 'MONTHLY' then 1 else 0 end) = 1 as is_coarse
    from series
    group by entity_type, entity, charge_date

),

entity_bounds as (

    select
        entity_type,
        entity,
        min(charge_date) as first_date,
        max(charge_date) as last_date
    from entity_days
    group by entity_type, entity

),

calendar as (

    select
        entity_type,
        entity,
        first_date,
        calendar_date
    from {{ days_from('entity_bounds', 'first_date', dbt.dateadd('day', 1, 'last_date'), 'calendar_date') }}

),

filled as (

    -- every day from an entity's first to its last, 0 where nothing was charged
    select
        calendar.entity_type,
        calendar.entity,
        calendar.calendar_date as charge_date,
        {{ days_between('calendar.first_date', 'calendar.calendar_date') }} as day_index,
        coalesce(entity_days.effective_cost, 0) as effective_cost,
        coalesce(entity_days.is_coarse, false) as is_coarse
    from calendar
    left join entity_days
        on
            calendar.entity_type = entity_days.entity_type
            and calendar.entity = entity_days.entity
            and calendar.calendar_date = entity_days.charge_date

),

window_days as (

    -- each scored day (at least 14 days of history) with the 28 days before it
    select
        scored.entity_type,
        scored.entity,
        scored.charge_date,
        history.effective_cost as history_cost,
        (scored.day_index - history.day_index) % 7 = 0 as is_same_weekday
    from filled as scored
    inner join filled as history
        on
            scored.entity_type = history.entity_type
            and scored.entity = history.entity
            and history.day_index between scored.day_index - 28 and scored.day_index - 1
    where scored.day_index >= 14

),

window_medians as (

    select
        entity_type,
        entity,
        charge_date,
        {{ median('history_cost') }} as window_median,
        {{ median('case when is_same_weekday then history_cost end') }} as weekday_median,
        sum(case when is_same_weekday then 1 else 0 end) as same_weekday_days
    from window_days
    group by entity_type, entity, charge_date

),

window_spread as (

    -- the medians, and the scaled median absolute deviation around the window's median
    select
        window_days.entity_type,
        window_days.entity,
        window_days.charge_date,
        window_medians.window_median,
        window_medians.weekday_median,
        window_medians.same_weekday_days,
        {{ median('abs(window_days.history_cost - window_medians.window_median)') }} * 1.4826 as scaled_mad
    from window_days
    inner join window_medians
        on
            window_days.entity_type = window_medians.entity_type
            and window_days.entity = window_medians.entity
            and window_days.charge_date = window_medians.charge_date
    group by
        window_days.entity_type,
        window_days.entity,
        window_days.charge_date,
        window_medians.window_median,
        window_medians.weekday_median,
        window_medians.same_weekday_days

),

expected as (

    select
        filled.entity_type,
        filled.entity,
        filled.charge_date,
        filled.effective_cost,
        filled.is_coarse,
        case
            when window_spread.same_weekday_days >= 3 then window_spread.weekday_median
            else window_spread.window_median
        end as expected_cost,
        window_spread.scaled_mad
    from filled
    inner join window_spread
        on
            filled.entity_type = window_spread.entity_type
            and filled.entity = window_spread.entity
            and filled.charge_date = window_spread.charge_date

),

scored as (

    select
        entity_type,
        entity,
        charge_date,
        effective_cost,
        is_coarse,
        expected_cost,
        round(effective_cost - expected_cost, 6) as deviation,
        round(effective_cost - expected_cost, 6)
        / greatest(scaled_mad, 0.05 * abs(expected_cost), 1.0) as robust_z
    from expected

),

final as (

    -- a MONTHLY export has no day-level costs: the report says so rather than flag month starts
    select
        entity_type,
        entity,
        charge_date,
        effective_cost,
        case when not is_coarse then expected_cost end as expected_cost,
        case when not is_coarse then deviation end as deviation,
        case when not is_coarse then robust_z end as robust_z,
        not is_coarse and abs(robust_z) >= {{ z_threshold }} and abs(deviation) >= {{ min_usd }} as is_anomaly,
        case
            when is_coarse
                then 'not scored: a MONTHLY export has no day-level costs (its cost is spread evenly); '
                    || 'daily anomalies need HOURLY or DAILY exports'
        end as scoring_note
    from scored

)

select * from final
