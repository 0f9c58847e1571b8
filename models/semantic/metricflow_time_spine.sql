-- The day calendar MetricFlow needs to aggregate metrics over time (dbt semantic layer
-- "time spine"): one row per day from 2020 to 2035, built with dbt's own date_spine.
with

days as (

    {{ dbt.date_spine('day', "cast('2020-01-01' as date)", "cast('2036-01-01' as date)") }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
