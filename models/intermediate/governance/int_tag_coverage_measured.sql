{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days('period') }}",
        partition_by=charge_days_partition('period'),
    )
}}
{%- set keys = attribution_keys() -%}
-- For each billing period, tagged resource, cost category and required key: the cost,
-- and whether the key was (a) in billing Tags, (b) on the resource or inherited (API),
-- (c) resolved by any means. Rows without a resource (credits, commitments) cannot be
-- tagged and are left out. Read from the attributed cost per charge day
-- (int_ml_daily_costs_summarized, a tenth of the attributed rows), whose
-- last_charge_period_end already ends no later than the data does (a MONTHLY export's
-- open-month rows end on the first of next month): last_charged_at is never in the future.
with

charges as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}
    where
        resource_id is not null
        and cost_group not in ('commitment', 'credit', 'tax')
        and {{ charge_days_to_process('period') }}

),

period_versions as (

    select distinct
        billing_period,
        billing_period_version
    from {{ ref('stg_focus__charge_days') }}

),

charge_groups as (

    -- the rows of a resource share few attributions: group them first, so the unpivot
    -- below works on thousands of rows, not millions
    select
        billing_period,
        lower(resource_id) as resource_key,
        cost_category,
        {% for key in keys %}
            {{ key.column }},
            {{ key.column }}_in_billing,
            {{ key.column }}_on_resource,
        {% endfor %}
        min(resource_id) as resource_id,
        min(resource_type) as resource_type,
        min(resource_name) as resource_name,
        min(sub_account_id) as sub_account_id,
        min(cost_group) as cost_group,
        max(last_charge_period_end) as charge_period_end,
        max(billing_period_end) as billing_period_end,
        sum(effective_cost) as effective_cost
    from charges
    group by
        {% for key in keys %}
            {{ key.column }},
            {{ key.column }}_in_billing,
            {{ key.column }}_on_resource,
        {% endfor %}
        billing_period,
        lower(resource_id),
        cost_category

),

unpivoted as (

    select
        charge_groups.billing_period,
        charge_groups.resource_key,
        charge_groups.cost_category,
        charge_groups.charge_period_end,
        charge_groups.billing_period_end,
        required_keys.attribution_key,
        required_keys.required_key,
        charge_groups.effective_cost,
        case required_keys.attribution_key
            {% for key in keys %}
                when '{{ key.column }}' then charge_groups.{{ key.column }}_in_billing
            {% endfor %}
        end as in_billing,
        case required_keys.attribution_key
            {% for key in keys %}
                when '{{ key.column }}' then charge_groups.{{ key.column }}_on_resource
            {% endfor %}
        end as on_resource,
        case required_keys.attribution_key
            {% for key in keys %}
                when '{{ key.column }}' then charge_groups.{{ key.column }} != 'unattributed'
            {% endfor %}
        end as resolved,
        case required_keys.attribution_key
            {% for key in keys %}
                when '{{ key.column }}' then charge_groups.{{ key.column }}
            {% endfor %}
        end as resolved_value
    from charge_groups
    cross join (
        values
        {% for key in keys %}
            ('{{ key.column }}', '{{ key.key }}'){{ ',' if not loop.last }}
        {% endfor %}
    ) as required_keys (attribution_key, required_key)

),

resource_attributes as (

    -- a resource's names, once per resource and cost category, not once per required key:
    -- five text minima over millions of groups took the 50M build's peak memory 600 MB past
    -- the rest of the build, above DuckDB's limit (docs/performance.md)
    select
        billing_period,
        resource_key,
        cost_category,
        min(resource_id) as resource_id,
        min(resource_type) as resource_type,
        min(resource_name) as resource_name,
        min(sub_account_id) as account_id,
        min(cost_group) as cost_group
    from charge_groups
    group by billing_period, resource_key, cost_category

),

measured as (

    select
        billing_period,
        resource_key,
        cost_category,
        required_key,
        attribution_key,
        max(charge_period_end) as last_charged_at,
        max(billing_period_end) as billing_period_end,
        sum(effective_cost) as effective_cost,
        max(case when in_billing then 1 else 0 end) = 1 as present_in_billing,
        max(case when in_billing or on_resource then 1 else 0 end) = 1 as present_on_resource,
        max(case when resolved then 1 else 0 end) = 1 as resolved,
        sum(case when in_billing then effective_cost else 0 end) as cost_in_billing,
        sum(case when in_billing or on_resource then effective_cost else 0 end) as cost_tagged,
        sum(case when on_resource and not in_billing then effective_cost else 0 end) as cost_tagged_not_in_billing,
        sum(case when resolved then effective_cost else 0 end) as cost_resolved,
        min(case when resolved then resolved_value end) as resolved_value
    from unpivoted
    group by billing_period, resource_key, cost_category, required_key, attribution_key

),

final as (

    select
        measured.billing_period,
        measured.resource_key,
        resource_attributes.resource_id,
        resource_attributes.resource_type,
        resource_attributes.resource_name,
        resource_attributes.account_id,
        measured.cost_category,
        resource_attributes.cost_group,
        measured.required_key,
        measured.attribution_key,
        measured.last_charged_at,
        measured.billing_period_end,
        measured.effective_cost,
        measured.present_in_billing,
        measured.present_on_resource,
        measured.resolved,
        measured.cost_in_billing,
        measured.cost_tagged,
        measured.cost_tagged_not_in_billing,
        measured.cost_resolved,
        measured.resolved_value,
        period_versions.billing_period_version
    from measured
    inner join resource_attributes
        on
            measured.billing_period = resource_attributes.billing_period
            and measured.resource_key = resource_attributes.resource_key
            and measured.cost_category = resource_attributes.cost_category
    inner join period_versions on measured.billing_period = period_versions.billing_period

)

select * from final
