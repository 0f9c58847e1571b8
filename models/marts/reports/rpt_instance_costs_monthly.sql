-- One row per billing period, instance type, purchase option and cost group: SageMaker
-- spend and unit cost by instance family and type, on-demand, spot or committed (Savings
-- Plans): what the AWS CUDOS dashboard's AI/ML tab shows as "SageMaker Spend and Unit Cost
-- by Instance Family" and "SageMaker ML instance Hourly Spend by Purchase Option" (CUDOS 5.3
-- changelog, aws-solutions-library-samples/cloud-intelligence-dashboards-framework), here
-- per team-free grain that adds up to the bill: cost without an instance is '(no instance)'.
with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

periods as (

    select * from {{ ref('int_billing_periods_paired') }}

),

instance_months as (

    select
        billing_period,
        coalesce({{ instance_family('instance_type') }}, '(no instance)') as instance_family,
        coalesce(instance_type, '(no instance)') as instance_type,
        pricing_category as purchase_option,
        cost_group,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost,
        sum(list_cost) as list_cost,
        sum(case when instance_type is not null and pricing_unit = 'Hours' then allocated_pricing_quantity end) as instance_hours
    from costs
    group by
        billing_period,
        coalesce({{ regexp_extract_group('instance_type', '^(ml\\.[a-z0-9-]+)\\.', 1) }}, '(no instance)'),
        coalesce(instance_type, '(no instance)'),
        pricing_category,
        cost_group

),

final as (

    select
        instance_months.billing_period,
        instance_months.instance_family,
        instance_months.instance_type,
        instance_months.purchase_option,
        instance_months.cost_group,
        instance_months.effective_cost,
        instance_months.billed_cost,
        instance_months.list_cost,
        instance_months.instance_hours,
        instance_months.effective_cost / nullif(instance_months.instance_hours, 0) as effective_cost_per_instance_hour,
        1 - instance_months.effective_cost / nullif(instance_months.list_cost, 0) as discount_from_list,
        periods.days_in_period,
        periods.days_with_data,
        periods.is_complete
    from instance_months
    inner join periods on instance_months.billing_period = periods.billing_period

)

select * from final
