-- One row per billing period and team: effective cost per cost group, billed and list
-- cost, shares, and the honest comparison with the month before (macro
-- period_comparison_ctes: as reported, the same days of the previous month, run rate).
with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

periods as (

    select * from {{ ref('int_billing_periods_paired') }}

),

{{ period_comparison_ctes('costs', ['team'], 'periods') }},

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
        period_comparison.days_in_period,
        period_comparison.days_with_data,
        period_comparison.is_complete,
        period_comparison.daily_run_rate,
        period_comparison.previous_billing_period,
        period_comparison.previous_period_effective_cost,
        period_comparison.change_effective_cost,
        period_comparison.period_over_period_growth,
        period_comparison.previous_same_days_effective_cost,
        period_comparison.same_days_change_effective_cost,
        period_comparison.same_days_growth,
        period_comparison.previous_daily_run_rate,
        period_comparison.run_rate_growth
    from team_months
    inner join period_comparison
        on
            team_months.billing_period = period_comparison.billing_period
            and team_months.team = period_comparison.team

)

select * from final
