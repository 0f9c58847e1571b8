-- One row per billing period and model: SageMaker effective cost per cost group, and the
-- fully-loaded view that adds the model's linked S3, ECR and CloudWatch costs
-- (int_related_costs_linked). hidden_cost_share = those non-SageMaker costs / SageMaker cost.
with

costs as (

    select * from {{ ref('fct_ml_costs') }}

),

related as (

    select * from {{ ref('int_related_costs_linked') }}
    where is_linked

),

related_months as (

    select
        billing_period,
        model,
        sum(case when related_category = 'storage' then effective_cost else 0 end) as s3_storage_cost,
        sum(case when related_category = 'registry' then effective_cost else 0 end) as registry_cost,
        sum(case when related_category = 'logging' then effective_cost else 0 end) as logging_cost,
        sum(effective_cost) as related_cost
    from related
    group by billing_period, model

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
        model_months.training_cost + model_months.inference_cost + model_months.processing_cost + model_months.development_cost
            as compute_cost,
        model_months.storage_cost + coalesce(related_months.s3_storage_cost, 0) as fully_loaded_storage_cost,
        coalesce(related_months.s3_storage_cost, 0) as s3_storage_cost,
        coalesce(related_months.registry_cost, 0) as registry_cost,
        coalesce(related_months.logging_cost, 0) as logging_cost,
        model_months.data_transfer_cost as fully_loaded_data_transfer_cost,
        model_months.effective_cost + coalesce(related_months.related_cost, 0) as fully_loaded_cost,
        coalesce(related_months.related_cost, 0) / nullif(model_months.effective_cost, 0) as hidden_cost_share,
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
    left join related_months
        on model_months.billing_period = related_months.billing_period and model_months.model = related_months.model
    inner join model_teams
        on
            model_months.billing_period = model_teams.billing_period
            and model_months.model = model_teams.model
            and model_teams.team_rank = 1

)

select * from final
