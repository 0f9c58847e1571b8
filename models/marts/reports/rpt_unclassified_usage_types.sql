-- SageMaker usage types that no pattern of seeds/sagemaker_usage_types classifies (cost
-- category other), with their cost and share of the period's SageMaker cost, so that new AWS
-- usage types surface instead of hiding in other. A warn-level test fires above 1%.
with

charges as (

    select * from {{ ref('int_ml_charges_classified') }}

),

period_totals as (

    select
        billing_period,
        sum(effective_cost) as period_effective_cost
    from charges
    group by billing_period

),

unclassified as (

    select
        billing_period,
        usage_type,
        count(*) as charge_rows,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from charges
    where cost_category = 'other' and usage_type is not null
    group by billing_period, usage_type

),

periods as (

    select * from {{ ref('int_billing_periods_paired') }}

),

final as (

    select
        unclassified.billing_period,
        unclassified.usage_type,
        unclassified.charge_rows,
        unclassified.effective_cost,
        unclassified.billed_cost,
        unclassified.effective_cost / nullif(period_totals.period_effective_cost, 0) as share_of_period_cost,
        periods.days_in_period,
        periods.days_with_data,
        periods.is_complete
    from unclassified
    inner join period_totals on unclassified.billing_period = period_totals.billing_period
    inner join periods on unclassified.billing_period = periods.billing_period

)

select * from final
