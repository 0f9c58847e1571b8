-- The day calendar MetricFlow needs to aggregate metrics over time (dbt semantic layer
-- "time spine"): one row per day from 2020 to 2035, from the project's portable day series
-- (macro days_from; dbt's date_spine costs 12 s of planning a build on Spark).
with

bounds as (

    select
        cast('2020-01-01' as date) as spine_start,
        cast('2036-01-01' as date) as spine_end

),

final as (

    select cast(date_day as date) as date_day
    from {{ days_from('bounds', 'spine_start', 'spine_end', 'date_day') }}

)

select * from final
