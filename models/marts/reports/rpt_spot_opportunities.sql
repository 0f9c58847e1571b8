-- Spot training, per billing period, team and model: what on-demand training cost and
-- would save at the usual managed-spot discount (var spot_discount), and what spot already
-- saved: billing's list minus effective cost of spot rows, and the metadata's share of
-- training time not billed (1 - billable seconds / training seconds).
with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}
    where cost_category in ('training', 'spot_training') and charge_class is null

),

training_jobs as (

    select * from {{ ref('stg_sagemaker__training_jobs') }}

),

job_models as (

    select * from {{ ref('int_ml_resources_attributed') }}
    where resource_type = 'training-job'

),

billed as (

    select
        billing_period,
        team,
        model,
        sum(case when pricing_category = 'on_demand' then effective_cost else 0 end) as on_demand_training_cost,
        sum(case when pricing_category = 'spot' then effective_cost else 0 end) as spot_training_cost,
        sum(case when pricing_category = 'spot' then list_cost else 0 end) as spot_training_list_cost,
        count(distinct case when pricing_category = 'on_demand' then resource_id end) as on_demand_jobs,
        count(distinct case when pricing_category = 'spot' then resource_id end) as spot_jobs
    from costs
    group by billing_period, team, model

),

managed_spot as (

    select
        {{ year_month('training_jobs.training_end_time') }} as billing_period,
        job_models.model,
        sum(training_jobs.training_time_seconds * training_jobs.instance_count) as spot_training_seconds,
        sum(training_jobs.billable_time_seconds * training_jobs.instance_count) as spot_billable_seconds
    from training_jobs
    inner join job_models on lower(training_jobs.training_job_arn) = job_models.resource_key
    where training_jobs.is_managed_spot and training_jobs.training_time_seconds > 0
    group by {{ year_month('training_jobs.training_end_time') }}, job_models.model

),

periods as (

    select * from {{ ref('int_billing_periods_paired') }}

),

final as (

    select
        billed.billing_period,
        billed.team,
        billed.model,
        billed.on_demand_jobs,
        billed.on_demand_training_cost,
        billed.on_demand_training_cost * {{ var('spot_discount') }} as estimated_spot_savings,
        billed.spot_jobs,
        billed.spot_training_cost,
        billed.spot_training_list_cost,
        billed.spot_training_list_cost - billed.spot_training_cost as realised_spot_savings,
        1 - managed_spot.spot_billable_seconds / nullif(managed_spot.spot_training_seconds, 0) as managed_spot_unbilled_share,
        periods.days_in_period,
        periods.days_with_data,
        periods.is_complete
    from billed
    inner join periods on billed.billing_period = periods.billing_period
    left join managed_spot
        on billed.billing_period = managed_spot.billing_period and billed.model = managed_spot.model

)

select * from final
