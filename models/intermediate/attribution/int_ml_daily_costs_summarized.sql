{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days() }}",
        partition_by=charge_days_partition(),
    )
}}
{%- set keys = attribution_keys() -%}
{%- set dimensions = [
    'billing_period', 'billing_period_end', 'charge_date', 'billing_account_id', 'sub_account_id', 'region_id', 'resource_id',
    'resource_type', 'resource_name', 'usage_type', 'cost_category', 'cost_group', 'charge_category', 'charge_class',
    'pricing_category', 'instance_type', 'pricing_unit', 'allocation_method', 'match_method',
] -%}
{%- for key in keys -%}
    {%- do dimensions.extend([key.column, key.column ~ '_source', key.column ~ '_in_billing', key.column ~ '_on_resource']) -%}
{%- endfor -%}
-- The attributed cost per charge day, resource and attribution: what the dimension, monthly
-- and tag coverage models read instead of the hourly fact rows (about ten times fewer rows).
-- Incremental by charge day like the rows it sums. billing_period_end and where each key's tag
-- was found (in billing, on the resource) are the same for the rows of a group in practice,
-- so they add columns, not rows.
with

attributed as (

    select * from {{ ref('int_ml_charges_attributed') }}
    where {{ charge_days_to_process() }}

),

periods as (

    select * from {{ ref('stg_focus__billing_periods') }}

),

covered as (

    -- charge periods end no later than the data does: last_charge_period_end is never in the
    -- future (a MONTHLY export's open-month rows end on the first of next month)
    select
        attributed.*,
        periods.data_through
    from attributed
    inner join periods on attributed.billing_period = periods.billing_period

),

final as (

    select
        {% for dimension in dimensions %}
            {{ dimension }},
        {% endfor %}
        charge_day_version,
        min(charge_period_start) as first_charge_period_start,
        max(least(charge_period_end, data_through)) as last_charge_period_end,
        count(*) as allocation_row_count,
        sum(pricing_quantity * allocation_share) as allocated_pricing_quantity,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost,
        sum(list_cost) as list_cost
    from covered
    group by
        {% for dimension in dimensions %}
            {{ dimension }},
        {% endfor %}
        charge_day_version

)

select * from final
