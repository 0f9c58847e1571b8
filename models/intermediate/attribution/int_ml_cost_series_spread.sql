-- Daily effective cost per team and per model: the series the budget forecast and the
-- anomaly detection read (both dbt Python models work on this small aggregate).
-- A day-level series needs day-level rows. HOURLY and DAILY exports have them. A MONTHLY
-- export's row covers its billing period, so its cost is spread evenly over the days the
-- data covers (from the period's start to data_through), and those days say so
-- (source_granularity MONTHLY): the totals stay, the shape within the month is not known.
with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

periods as (

    select * from {{ ref('stg_focus__billing_periods') }}

),

entity_days as (

    select
        'team' as entity_type,
        team as entity,
        billing_period,
        charge_date,
        sum(effective_cost) as effective_cost
    from costs
    group by team, billing_period, charge_date
    union all
    select
        'model' as entity_type,
        model as entity,
        billing_period,
        charge_date,
        sum(effective_cost) as effective_cost
    from costs
    group by model, billing_period, charge_date

),

with_grain as (

    select
        entity_days.*,
        periods.export_granularity,
        periods.billing_period_start,
        -- at least the period's first day, so a delivery on the 1st still has a day to hold it
        greatest(periods.data_through, {{ dbt.dateadd('day', 1, 'periods.billing_period_start') }}) as spread_end
    from entity_days
    inner join periods on entity_days.billing_period = periods.billing_period

),

spread as (

    select
        entity_type,
        entity,
        spread_date as charge_date,
        export_granularity as source_granularity,
        effective_cost / {{ days_between('billing_period_start', 'spread_end') }} as effective_cost
    from {{ days_from('with_grain', 'billing_period_start', 'spread_end') }}
    where export_granularity = 'MONTHLY'

),

kept as (

    select
        entity_type,
        entity,
        charge_date,
        export_granularity as source_granularity,
        effective_cost
    from with_grain
    where export_granularity != 'MONTHLY'

),

final as (

    select
        entity_type,
        entity,
        charge_date,
        source_granularity,
        sum(effective_cost) as effective_cost
    from (
        select * from kept
        union all
        select * from spread
    ) as series_days
    group by entity_type, entity, charge_date, source_granularity

)

select * from final
