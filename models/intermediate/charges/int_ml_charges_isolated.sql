{{ config(materialized='view') }}
-- A view over int_charges_scoped (materialised once, incrementally).
with

charges as (

    select * from {{ ref('int_charges_scoped') }}
    where is_sagemaker

),

isolated as (

    select
        charge_id,
        billing_period,
        billing_period_start,
        billing_period_end,
        charge_period_start,
        charge_period_end,
        charge_date,
        billing_account_id,
        sub_account_id,
        sub_account_name,
        region_id,
        resource_id,
        resource_name as focus_resource_name,
        service_name,
        x_service_code,
        usage_type,
        charge_category,
        charge_class,
        charge_description,
        pricing_category as focus_pricing_category,
        pricing_unit,
        pricing_quantity,
        consumed_quantity,
        commitment_discount_id,
        commitment_discount_status,
        billing_currency,
        billed_cost,
        effective_cost,
        list_cost,
        tags,
        tag_set_id,
        charge_day_version,
        case
            when x_service_code is not null then 'x_service_code'
            when lower(service_name) like '%sagemaker%' then 'service_name'
            when lower(service_name) like '%machine learning savings plan%' then 'service_name'
            else 'resource_arn'
        end as isolated_by
    from charges

)

select * from isolated
