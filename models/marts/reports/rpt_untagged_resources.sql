{%- set keys = attribution_keys() -%}
-- Resources missing any required key where it is required (var tag_coverage_key_filters;
-- not in billing Tags, not on the resource or an ancestor), ranked by effective cost over the last 30 days of data, with the keys
-- missing, the owner the attribution chain suggests, and hints at who created them.
with

measured as (

    select * from {{ ref('int_tag_coverage_measured') }}

),

resources as (

    select * from {{ ref('int_ml_resources_unioned') }}

),

ancestors as (

    select * from {{ ref('int_ml_resource_ancestors_linked') }}

),

periods as (

    select * from {{ ref('stg_focus__billing_periods') }}

),

as_of as (

    -- where the data ends (last_charged_at is never later than data_through)
    select max(last_charged_at) as as_of_time
    from measured

),

recent as (

    select
        measured.*,
        periods.export_granularity
    from measured
    inner join periods on measured.billing_period = periods.billing_period
    cross join as_of
    where
        measured.last_charged_at > {{ dbt.dateadd('day', -30, 'as_of.as_of_time') }}
        and {{ tag_key_required_condition() }}

),

per_resource as (

    select
        resource_key,
        min(resource_id) as resource_id,
        min(resource_type) as resource_type,
        min(resource_name) as resource_name,
        min(account_id) as account_id,
        {% for key in keys %}
            -- a key not required on this resource's rows counts as present
            coalesce(max(case when attribution_key = '{{ key.column }}' then case when present_on_resource then 1 else 0 end end), 1) = 1
                as has_{{ key.column }},
            min(case when attribution_key = '{{ key.column }}' then resolved_value end) as suggested_{{ key.column }},
        {% endfor %}
        sum(case when attribution_key = '{{ keys[0].column }}' then effective_cost else 0 end) as effective_cost_30d,
        min(case when present_on_resource then 1 else 0 end) = 1 as is_fully_tagged,
        max(last_charged_at) as last_charged_at,
        max(export_granularity) as data_granularity
    from recent
    group by resource_key

),

hints as (

    select
        resource_key,
        max(case when relation_type = 'user_profile' then split_part(ancestor_key, '/', 3) end) as creator_user_profile,
        max(case when relation_type = 'pipeline' then split_part(ancestor_key, '/', 2) end) as creator_pipeline,
        max(case when relation_type = 'tuning_job' then split_part(ancestor_key, '/', 2) end) as creator_tuning_job
    from ancestors
    group by resource_key

),

final as (

    select
        per_resource.resource_key,
        per_resource.resource_id,
        per_resource.resource_type,
        per_resource.resource_name,
        per_resource.account_id,
        concat_ws(
            ', ',
            {% for key in keys %}
                case when not per_resource.has_{{ key.column }} then '{{ key.key }}' end{{ ',' if not loop.last }}
            {% endfor %}
        ) as missing_keys,
        per_resource.effective_cost_30d,
        -- by cost to the micro-dollar, then key: costs equal but for the order of a float sum
        -- (1e-12 apart) rank the same on every engine and build
        row_number() over (order by round(per_resource.effective_cost_30d, 6) desc, per_resource.resource_key asc) as cost_rank,
        {% for key in keys %}
            per_resource.suggested_{{ key.column }},
        {% endfor %}
        resources.role_arn as creator_role_arn,
        hints.creator_user_profile,
        hints.creator_pipeline,
        hints.creator_tuning_job,
        resources.creation_time,
        {{ days_between('resources.creation_time', 'per_resource.last_charged_at') }} as days_since_creation,
        per_resource.last_charged_at,
        -- MONTHLY exports know a resource's last charge only to the billing period
        per_resource.data_granularity
    from per_resource
    left join resources on per_resource.resource_key = resources.resource_key
    left join hints on per_resource.resource_key = hints.resource_key
    where not per_resource.is_fully_tagged

)

select * from final
