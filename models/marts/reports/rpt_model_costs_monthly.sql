-- One row per billing period and model: SageMaker effective cost per cost group, and the
-- fully-loaded view that adds the model's linked S3, ECR and CloudWatch costs
-- (int_related_costs_linked). hidden_cost_share = those non-SageMaker costs / SageMaker cost.
with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

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

model_keys as (

    -- a model with linked related cost but no SageMaker cost that month still shows
    select
        billing_period,
        model
    from model_months
    union
    select
        billing_period,
        model
    from related_months

),

combined as (

    select
        model_keys.billing_period,
        model_keys.model,
        model_teams.team,
        {% for group in cost_group_names() %}
            coalesce(model_months.{{ group }}_cost, 0) as {{ group }}_cost,
        {% endfor %}
        coalesce(model_months.effective_cost, 0) as effective_cost,
        coalesce(model_months.billed_cost, 0) as billed_cost,
        coalesce(model_months.list_cost, 0) as list_cost,
        coalesce(model_months.team_unattributed_cost, 0) as team_unattributed_cost,
        coalesce(related_months.s3_storage_cost, 0) as s3_storage_cost,
        coalesce(related_months.registry_cost, 0) as registry_cost,
        coalesce(related_months.logging_cost, 0) as logging_cost,
        coalesce(related_months.related_cost, 0) as related_cost
    from model_keys
    left join model_months
        on model_keys.billing_period = model_months.billing_period and model_keys.model = model_months.model
    left join related_months
        on model_keys.billing_period = related_months.billing_period and model_keys.model = related_months.model
    left join model_teams
        on
            model_keys.billing_period = model_teams.billing_period
            and model_keys.model = model_teams.model
            and model_teams.team_rank = 1

),

final as (

    select
        billing_period,
        model,
        team,
        training_cost + inference_cost + processing_cost + development_cost as compute_cost,
        storage_cost + s3_storage_cost as fully_loaded_storage_cost,
        s3_storage_cost,
        registry_cost,
        logging_cost,
        data_transfer_cost as fully_loaded_data_transfer_cost,
        effective_cost + related_cost as fully_loaded_cost,
        related_cost / nullif(effective_cost, 0) as hidden_cost_share,
        {% for group in cost_group_names() %}
            {{ group }}_cost,
        {% endfor %}
        effective_cost,
        billed_cost,
        list_cost,
        effective_cost / nullif(sum(effective_cost) over (partition by billing_period), 0) as share_of_period_cost,
        sum(case when model = 'unattributed' then effective_cost else 0 end) over (partition by billing_period)
        / nullif(sum(effective_cost) over (partition by billing_period), 0) as period_unattributed_share,
        team_unattributed_cost / nullif(effective_cost, 0) as team_unattributed_share
    from combined

)

select * from final
