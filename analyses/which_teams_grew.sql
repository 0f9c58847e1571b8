-- Which teams grew month over month? Last billing period against the one before.
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
        previous_period_effective_cost,
        effective_cost,
        effective_cost - previous_period_effective_cost as growth_usd,
        period_over_period_growth
    from teams
    where billing_period = (select last_period.billing_period from last_period)
    order by growth_usd desc nulls last

)

select * from final
