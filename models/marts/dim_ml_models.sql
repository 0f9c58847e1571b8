with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

model_costs as (

    select
        model,
        team,
        environment,
        resource_type,
        resource_name,
        first_charge_period_start,
        last_charge_period_end,
        cost_group,
        effective_cost
    from costs
    where model not in ('unattributed', '(idle)')

),

team_ranked as (

    select
        model,
        team,
        row_number() over (partition by model order by sum(effective_cost) desc, team asc) as team_rank
    from model_costs
    group by model, team

),

environment_ranked as (

    select
        model,
        environment,
        row_number() over (partition by model order by sum(effective_cost) desc, environment asc) as environment_rank
    from model_costs
    group by model, environment

),

model_totals as (

    select
        model,
        count(distinct resource_name) as resource_count,
        count(distinct case when cost_group = 'training' then resource_name end) as training_resource_count,
        count(distinct case when cost_group = 'inference' then resource_name end) as serving_resource_count,
        {{ string_agg_distinct("case when resource_type = 'endpoint' then resource_name end") }} as served_by,
        min(first_charge_period_start) as first_seen_at,
        max(last_charge_period_end) as last_seen_at,
        sum(effective_cost) as effective_cost,
        sum(case when cost_group = 'training' then effective_cost else 0 end) as training_cost,
        sum(case when cost_group = 'inference' then effective_cost else 0 end) as inference_cost
    from model_costs
    group by model

),

final as (

    select
        model_totals.model,
        team_ranked.team,
        environment_ranked.environment,
        model_totals.resource_count,
        model_totals.training_resource_count,
        model_totals.serving_resource_count,
        model_totals.served_by,
        model_totals.first_seen_at,
        model_totals.last_seen_at,
        model_totals.effective_cost,
        model_totals.training_cost,
        model_totals.inference_cost
    from model_totals
    inner join team_ranked on model_totals.model = team_ranked.model and team_ranked.team_rank = 1
    inner join environment_ranked
        on model_totals.model = environment_ranked.model and environment_ranked.environment_rank = 1

)

select * from final
