with

costs as (

    select * from {{ ref('fct_ml_costs') }}

),

model_months as (

    select
        billing_period,
        model,
        {{ cost_group_columns('effective_cost') }}
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost,
        sum(list_cost) as list_cost,
        sum(case when team = 'unattributed' then effective_cost else 0 end) as team_unattributed_cost
    from costs
    group by billing_period, model

),

model_teams as (

    select
        billing_period,
        model,
        team,
        row_number() over (
            partition by billing_period, model
            order by sum(effective_cost) desc, team asc
        ) as team_rank
    from costs
    group by billing_period, model, team

),

final as (

    select
        model_months.billing_period,
        model_months.model,
        model_teams.team,
        {% for group in cost_group_names() %}
            model_months.{{ group }}_cost,
        {% endfor %}
        model_months.effective_cost,
        model_months.billed_cost,
        model_months.list_cost,
        model_months.effective_cost / nullif(sum(model_months.effective_cost) over (partition by model_months.billing_period), 0)
            as share_of_period_cost,
        sum(case when model_months.model = 'unattributed' then model_months.effective_cost else 0 end)
            over (partition by model_months.billing_period)
        / nullif(sum(model_months.effective_cost) over (partition by model_months.billing_period), 0)
            as period_unattributed_share,
        model_months.team_unattributed_cost / nullif(model_months.effective_cost, 0) as team_unattributed_share
    from model_months
    inner join model_teams
        on
            model_months.billing_period = model_teams.billing_period
            and model_months.model = model_teams.model
            and model_teams.team_rank = 1

)

select * from final
