-- Related costs (S3 buckets, ECR repositories, SageMaker log groups that ML resources use)
-- that reached no model: out of the fully-loaded view, listed here, never dropped.
with

related as (

    select * from {{ ref('int_related_costs_linked') }}
    where not is_linked

),

periods as (

    select * from {{ ref('int_billing_periods_paired') }}

),

period_rows as (

    select
        billing_period,
        related_service,
        related_category,
        related_resource_name,
        unlinked_reason,
        count(*) as charge_rows,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from related
    group by billing_period, related_service, related_category, related_resource_name, unlinked_reason

),

final as (

    select
        period_rows.*,
        periods.days_in_period,
        periods.days_with_data,
        periods.is_complete
    from period_rows
    inner join periods on period_rows.billing_period = periods.billing_period

)

select * from final
