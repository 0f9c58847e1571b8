-- Which models drive spend? Effective cost per model over the last three billing
-- periods, with team and share of the total.
with

costs as (

    select * from {{ ref('rpt_model_costs_monthly') }}

),

recent_periods as (

    select distinct billing_period
    from costs
    order by billing_period desc
    limit 3

),

recent as (

    select
        costs.model,
        costs.team,
        costs.effective_cost
    from costs
    inner join recent_periods on costs.billing_period = recent_periods.billing_period

),

final as (

    select
        model,
        min(team) as team,
        sum(effective_cost) as effective_cost,
        sum(effective_cost) / sum(sum(effective_cost)) over () as share_of_spend
    from recent
    group by model
    order by effective_cost desc

)

select * from final
