{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days() }}",
        partition_by=charge_days_partition(),
    )
}}
{#-
    The SageMaker charge rows with the columns the taxonomy adds. Written once per charge day
    and read by the splits, the endpoint weightings and attribution, so it keeps only the
    columns they read. The billing period's start, the charge description, the region code,
    the ARN's account and the isolation rule stay in int_ml_charges_isolated and its sources
    (int_usage_types_classified, int_resource_ids_parsed), one join on charge_id, usage_type
    or resource_id away (docs/performance.md "Columns no reader reads, not written").
-#}
with

charges as (

    select * from {{ ref('int_ml_charges_isolated') }}
    where {{ charge_days_to_process() }}

),

usage_types as (

    select * from {{ ref('int_usage_types_classified') }}

),

resources as (

    select * from {{ ref('int_resource_ids_parsed') }}

),

arn_categories as (

    select * from {{ ref('arn_resource_categories') }}

),

joined as (

    select
        charges.*,
        usage_types.cost_category as usage_cost_category,
        usage_types.cost_group as usage_cost_group,
        usage_types.instance_type,
        resources.resource_key,
        resources.arn_region,
        resources.arn_resource_type,
        resources.arn_resource_name,
        arn_categories.cost_category as arn_cost_category,
        arn_categories.cost_group as arn_cost_group
    from charges
    left join usage_types on charges.usage_type = usage_types.usage_type
    left join resources on charges.resource_id = resources.resource_id
    left join arn_categories on resources.arn_resource_type = arn_categories.arn_resource_type

),

categorised as (

    select
        *,
        case
            when charge_category = 'Purchase' then 'savings_plan_purchase'
            when commitment_discount_status = 'Unused' then 'savings_plan_unused'
            when charge_category = 'Credit' then 'credit'
            when charge_category = 'Tax' then 'tax'
            when usage_cost_category is not null then usage_cost_category
            when arn_cost_category is not null then arn_cost_category
            when charge_category = 'Adjustment' or charge_class = 'Correction' then 'adjustment'
            else 'other'
        end as cost_category,
        case
            when charge_category = 'Purchase' or commitment_discount_status = 'Unused' then 'commitment'
            when charge_category = 'Credit' then 'credit'
            when charge_category = 'Tax' then 'tax'
            when usage_cost_group is not null then usage_cost_group
            when arn_cost_group is not null then arn_cost_group
            when charge_category = 'Adjustment' or charge_class = 'Correction' then 'adjustment'
            else 'other'
        end as cost_group,
        case
            when commitment_discount_status = 'Used' or focus_pricing_category = 'Committed' then 'committed'
            when focus_pricing_category = 'Dynamic' or usage_cost_category = 'spot_training' then 'spot'
            when focus_pricing_category = 'Standard' then 'on_demand'
            when focus_pricing_category is null then 'none'
            else lower(focus_pricing_category)
        end as pricing_category
    from joined

),

final as (

    select
        charge_id,
        billing_period,
        billing_period_end,
        charge_period_start,
        charge_period_end,
        charge_date,
        billing_account_id,
        sub_account_id,
        coalesce(region_id, arn_region) as region_id,
        resource_id,
        resource_key,
        coalesce(arn_resource_type, case when resource_id is null then 'none' else 'non_arn' end) as resource_type,
        coalesce(arn_resource_name, focus_resource_name, resource_id) as resource_name,
        service_name,
        usage_type,
        charge_category,
        charge_class,
        cost_category,
        cost_group,
        instance_type,
        pricing_category,
        pricing_unit,
        pricing_quantity,
        commitment_discount_id,
        commitment_discount_status,
        billing_currency,
        billed_cost,
        effective_cost,
        list_cost,
        tag_set_id,
        charge_day_version
    from categorised

)

select * from final
