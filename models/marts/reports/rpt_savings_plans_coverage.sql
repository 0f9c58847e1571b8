-- Coverage of Savings Plans-eligible SageMaker usage per billing period, team and instance
-- family (docs/optimisation.md), in on-demand terms: what the plans covered (the on-demand
-- cost of covered usage) plus what ran on demand is the eligible usage. savings_plan_cost is
-- the team's amortised share of the plans (the effective cost of its covered usage), and
-- savings what that share saved against on-demand.
with

eligible as (

    select * from {{ ref('int_savings_plan_charges_summarized') }}
    where plan_role in ('used', 'on_demand')

),

summarized as (

    select
        billing_period,
        team,
        instance_family,
        sum(case when plan_role = 'used' then list_cost else 0 end) as covered_on_demand_cost,
        sum(case when plan_role = 'on_demand' then effective_cost else 0 end) as on_demand_cost,
        sum(case when plan_role = 'used' then effective_cost else 0 end) as savings_plan_cost
    from eligible
    group by
        billing_period,
        team,
        instance_family

),

final as (

    select
        billing_period,
        team,
        instance_family,
        covered_on_demand_cost + on_demand_cost as eligible_on_demand_cost,
        covered_on_demand_cost,
        on_demand_cost,
        case
            when covered_on_demand_cost + on_demand_cost > 0
                then 100 * covered_on_demand_cost / (covered_on_demand_cost + on_demand_cost)
        end as coverage_pct,
        savings_plan_cost,
        covered_on_demand_cost - savings_plan_cost as savings
    from summarized

)

select * from final
