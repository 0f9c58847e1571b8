-- Daily effective cost per team and per model: the series the budget forecast and the
-- anomaly detection read (both dbt Python models work on this small aggregate).
with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

final as (

    select
        'team' as entity_type,
        team as entity,
        charge_date,
        sum(effective_cost) as effective_cost
    from costs
    group by team, charge_date
    union all
    select
        'model' as entity_type,
        model as entity,
        charge_date,
        sum(effective_cost) as effective_cost
    from costs
    group by model, charge_date

)

select * from final
