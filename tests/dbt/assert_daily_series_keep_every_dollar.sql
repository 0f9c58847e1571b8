-- The daily team and model series (int_ml_cost_series_spread) keep every dollar of the attributed
-- cost, also where a MONTHLY export's rows are spread over the days the data covers.
with

series as (

    select * from {{ ref('int_ml_cost_series_spread') }}

),

summarized as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

series_totals as (

    select
        entity_type,
        sum(effective_cost) as effective_cost
    from series
    group by entity_type

),

expected as (

    select sum(effective_cost) as effective_cost
    from summarized

),

final as (

    select
        series_totals.entity_type,
        series_totals.effective_cost,
        expected.effective_cost as expected_effective_cost
    from series_totals
    cross join expected
    where abs(series_totals.effective_cost - expected.effective_cost) > {{ var('conservation_tolerance') }}

)

select * from final
