{#- A projection of int_ml_charges_attributed, where the heavy work is materialised once. -#}
{{ config(materialized='view') }}

{%- set keys = attribution_keys() -%}

with

attributed as (

    select * from {{ ref('int_ml_charges_attributed') }}

),

final as (

    select
        allocation_id,
        charge_id,
        billing_period,
        charge_period_start,
        charge_period_end,
        charge_date,
        billing_account_id,
        sub_account_id,
        region_id,
        resource_id,
        resource_type,
        resource_name,
        service_name,
        usage_type,
        charge_category,
        charge_class,
        cost_category,
        cost_group,
        instance_type,
        pricing_category,
        {% for key in keys %}
            {{ key.column }},
        {% endfor %}
        {% for key in keys %}
            {{ key.column }}_source,
        {% endfor %}
        allocation_method,
        tag_source,
        match_method,
        variant_name,
        unattributed_reason,
        allocation_share,
        pricing_unit,
        pricing_quantity * allocation_share as allocated_pricing_quantity,
        billing_currency,
        effective_cost,
        billed_cost,
        list_cost
    from attributed

)

select * from final
