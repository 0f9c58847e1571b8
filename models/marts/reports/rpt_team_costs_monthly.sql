with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

team_months as (

    select
        billing_period,
        team,
        {{ cost_group_columns('effective_cost') }}
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost,
        sum(list_cost) as list_cost,
        sum(case when model = 'unattributed' then effective_cost else 0 end) as model_unattributed_cost
    from costs
    group by billing_period, team

),

final as (

    select
        team_months.billing_period,
        team_months.team,
        {% for group in cost_group_names() %}
            team_months.{{ group }}_cost,
        {% endfor %}
        team_months.effective_cost,
        team_months.billed_cost,
        team_months.list_cost,
        team_months.effective_cost / nullif(sum(team_months.effective_cost) over (partition by team_months.billing_period), 0)
            as share_of_period_cost,
        sum(case when team_months.team = 'unattributed' then team_months.effective_cost else 0 end)
            over (partition by team_months.billing_period)
        / nullif(sum(team_months.effective_cost) over (partition by team_months.billing_period), 0)
            as period_unattributed_share,
        team_months.model_unattributed_cost / nullif(team_months.effective_cost, 0) as model_unattributed_share,
        lag(team_months.effective_cost) over (partition by team_months.team order by team_months.billing_period)
            as previous_period_effective_cost,
        team_months.effective_cost
        / nullif(lag(team_months.effective_cost) over (partition by team_months.team order by team_months.billing_period), 0)
        - 1 as period_over_period_growth
    from team_months

)

select * from final
