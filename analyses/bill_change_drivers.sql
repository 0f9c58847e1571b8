-- Why did the bill change? One sentence per team and period, from rpt_cost_change_bridge:
-- "recsys +$5105 (2026-09 against 2026-08, reported): new recsys-embed-v2-prod +$5105; ...".
-- A complete month is compared with the whole previous month, the open month with the same
-- days of the previous month. The three largest movements of each team are named.
with

bridge as (

    select * from {{ ref('rpt_cost_change_bridge') }}

),

chosen as (

    select *
    from bridge
    where comparison_basis = case when is_complete then 'reported' else 'same_days' end

),

movements as (

    select
        billing_period,
        previous_billing_period,
        comparison_basis,
        team,
        driver,
        workload_name,
        sum(change_effective_cost) as change_effective_cost
    from chosen
    group by billing_period, previous_billing_period, comparison_basis, team, driver, workload_name

),

ranked as (

    select
        *,
        sum(change_effective_cost) over (partition by billing_period, team) as team_change,
        row_number() over (partition by billing_period, team order by abs(change_effective_cost) desc, workload_name asc) as movement_rank
    from movements

),

phrased as (

    select
        billing_period,
        previous_billing_period,
        comparison_basis,
        team,
        team_change,
        movement_rank,
        case driver
            when 'new_resources' then 'new '
            when 'resources_gone' then 'gone: '
            when 'usage_change' then case when change_effective_cost >= 0 then 'more usage of ' else 'less usage of ' end
            when 'rate_change' then 'rate change of '
            when 'idle_capacity' then 'idle capacity of '
            when 'corrections' then 'corrections of '
            when 'credits_refunds_tax' then 'credits, refunds and tax: '
            when 'commitment_purchases' then 'commitment purchases: '
        end
        || workload_name
        || case when change_effective_cost >= 0 then ' +$' else ' -$' end
        || cast(cast(round(abs(change_effective_cost), 0) as bigint) as {{ dbt.type_string() }}) as phrase
    from ranked
    where movement_rank <= 3 and abs(change_effective_cost) >= 0.5

),

final as (

    select
        billing_period,
        team,
        team_change,
        team
        || case when team_change >= 0 then ' +$' else ' -$' end
        || cast(cast(round(abs(team_change), 0) as bigint) as {{ dbt.type_string() }})
        || ' (' || billing_period || ' against ' || previous_billing_period || ', ' || comparison_basis || '): '
        || {{ dbt.listagg('phrase', "'; '", 'order by movement_rank') }} as sentence
    from phrased
    group by billing_period, previous_billing_period, comparison_basis, team, team_change
    order by billing_period asc, abs(team_change) desc

)

select * from final
