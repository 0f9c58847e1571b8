-- One row per billing period, model and team: SageMaker effective cost per cost group, the
-- honest comparison with the month before, and the fully-loaded view that adds the model's linked S3, ECR and CloudWatch costs
-- (int_related_costs_linked). Idle capacity (model '(idle)') and unattributed cost are rows
-- of their own, so summing by team gives rpt_team_costs_monthly exactly.
with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

periods as (

    select * from {{ ref('int_billing_periods_paired') }}

),

related as (

    select * from {{ ref('int_related_costs_linked') }}
    where is_linked

),

models as (

    select * from {{ ref('dim_ml_models') }}

),

{{ period_comparison_ctes('costs', ['model', 'team'], 'periods') }},

model_months as (

    select
        billing_period,
        model,
        team,
        {{ cost_group_columns('effective_cost') }}
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost,
        sum(list_cost) as list_cost
    from costs
    group by billing_period, model, team

),

model_team_shares as (

    -- how a model's linked related cost is shared between its teams: by SageMaker cost
    select
        billing_period,
        model,
        team,
        effective_cost / nullif(sum(effective_cost) over (partition by billing_period, model), 0) as team_share
    from model_months
    where effective_cost > 0

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

related_shared as (

    -- a month with related cost but no SageMaker cost goes to the model's team (dim_ml_models)
    select
        related_months.billing_period,
        related_months.model,
        coalesce(model_team_shares.team, models.team, 'unattributed') as team,
        related_months.s3_storage_cost * coalesce(model_team_shares.team_share, 1) as s3_storage_cost,
        related_months.registry_cost * coalesce(model_team_shares.team_share, 1) as registry_cost,
        related_months.logging_cost * coalesce(model_team_shares.team_share, 1) as logging_cost,
        related_months.related_cost * coalesce(model_team_shares.team_share, 1) as related_cost
    from related_months
    left join model_team_shares
        on related_months.billing_period = model_team_shares.billing_period and related_months.model = model_team_shares.model
    left join models on related_months.model = models.model

),

model_keys as (

    select
        billing_period,
        model,
        team
    from model_months
    union
    select
        billing_period,
        model,
        team
    from related_shared

),

combined as (

    select
        model_keys.billing_period,
        model_keys.model,
        model_keys.team,
        {% for group in cost_group_names() %}
            coalesce(model_months.{{ group }}_cost, 0) as {{ group }}_cost,
        {% endfor %}
        coalesce(model_months.effective_cost, 0) as effective_cost,
        coalesce(model_months.billed_cost, 0) as billed_cost,
        coalesce(model_months.list_cost, 0) as list_cost,
        coalesce(related_shared.s3_storage_cost, 0) as s3_storage_cost,
        coalesce(related_shared.registry_cost, 0) as registry_cost,
        coalesce(related_shared.logging_cost, 0) as logging_cost,
        coalesce(related_shared.related_cost, 0) as related_cost
    from model_keys
    left join model_months
        on
            model_keys.billing_period = model_months.billing_period
            and model_keys.model = model_months.model
            and model_keys.team = model_months.team
    left join related_shared
        on
            model_keys.billing_period = related_shared.billing_period
            and model_keys.model = related_shared.model
            and model_keys.team = related_shared.team

),

final as (

    select
        combined.billing_period,
        combined.model,
        combined.team,
        combined.training_cost + combined.inference_cost + combined.processing_cost + combined.development_cost as compute_cost,
        combined.storage_cost + combined.s3_storage_cost as fully_loaded_storage_cost,
        combined.s3_storage_cost,
        combined.registry_cost,
        combined.logging_cost,
        combined.data_transfer_cost as fully_loaded_data_transfer_cost,
        combined.effective_cost + combined.related_cost as fully_loaded_cost,
        combined.related_cost / nullif(combined.effective_cost, 0) as hidden_cost_share,
        {% for group in cost_group_names() %}
            combined.{{ group }}_cost,
        {% endfor %}
        combined.effective_cost,
        combined.billed_cost,
        combined.list_cost,
        combined.effective_cost / nullif(sum(combined.effective_cost) over (partition by combined.billing_period), 0)
            as share_of_period_cost,
        periods.days_in_period,
        periods.days_with_data,
        periods.is_complete,
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
    from combined
    inner join periods on combined.billing_period = periods.billing_period
    left join period_comparison
        on
            combined.billing_period = period_comparison.billing_period
            and combined.model = period_comparison.model
            and combined.team = period_comparison.team

)

select * from final
