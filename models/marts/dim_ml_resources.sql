{%- set keys = attribution_keys() -%}

with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

metadata_resources as (

    select * from {{ ref('int_ml_resources_attributed') }}

),

billed_keys as (

    -- the attribution a billed resource's charges got, weighted by cost; a shared
    -- endpoint whose cost went to several models says '(shared)'
    select
        lower(resource_id) as resource_key,
        {% for key in keys %}
            case
                when count(distinct {{ key.column }}) > 1 then '(shared)'
                else min({{ key.column }})
            end as {{ key.column }},
            case
                when count(distinct {{ key.column }}) > 1 then 'allocation'
                else min({{ key.column }}_source)
            end as {{ key.column }}_source,
        {% endfor %}
        min(resource_id) as resource_id,
        min(resource_type) as resource_type,
        min(resource_name) as resource_name,
        min(sub_account_id) as account_id,
        min(region_id) as region_id,
        min(match_method) as match_method,
        min(first_charge_period_start) as first_charged_at,
        max(last_charge_period_end) as last_charged_at,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost,
        sum(list_cost) as list_cost
    from costs
    where resource_id is not null and cost_group != 'commitment'
    group by lower(resource_id)

),

final as (

    select
        coalesce(billed_keys.resource_key, metadata_resources.resource_key) as resource_key,
        coalesce(metadata_resources.resource_arn, billed_keys.resource_id) as resource_id,
        coalesce(metadata_resources.resource_type, billed_keys.resource_type) as resource_type,
        coalesce(metadata_resources.resource_name, billed_keys.resource_name) as resource_name,
        coalesce(metadata_resources.account_id, billed_keys.account_id) as account_id,
        coalesce(metadata_resources.region, billed_keys.region_id) as region_id,
        metadata_resources.creation_time,
        metadata_resources.role_arn,
        metadata_resources.instance_type,
        metadata_resources.last_seen_snapshot_date,
        metadata_resources.resource_key is not null as in_metadata,
        billed_keys.resource_key is not null as in_billing,
        billed_keys.match_method,
        {% for key in keys %}
            coalesce(billed_keys.{{ key.column }}, metadata_resources.{{ key.column }}) as {{ key.column }},
            coalesce(billed_keys.{{ key.column }}_source, metadata_resources.{{ key.column }}_source) as {{ key.column }}_source,
        {% endfor %}
        billed_keys.first_charged_at,
        billed_keys.last_charged_at,
        coalesce(billed_keys.effective_cost, 0) as effective_cost,
        coalesce(billed_keys.billed_cost, 0) as billed_cost,
        coalesce(billed_keys.list_cost, 0) as list_cost
    from billed_keys
    full outer join metadata_resources on billed_keys.resource_key = metadata_resources.resource_key

)

select * from final
