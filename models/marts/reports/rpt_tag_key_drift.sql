-- Tag hygiene: raw keys that normalise to a required key but are spelt differently
-- (Environment, ml-team, ML:Team), and values outside seeds/tag_allowed_values.csv,
-- in billing Tags and in the API, with how many resources and how much cost carry them.
with

charge_tags as (

    select * from {{ ref('int_charge_tags_normalized') }}
    where attribution_key is not null

),

resource_tags as (

    select * from {{ ref('int_resource_tags_normalized') }}
    where attribution_key is not null

),

charges as {{ not_materialized() }} (

    select * from {{ ref('int_ml_charges_classified') }}

),

allowed as (

    select * from {{ ref('tag_allowed_values') }}

),

required_keys as (

    select
        keys_list.attribution_key,
        keys_list.required_key
    from (
        values
        {% for key in attribution_keys() %}
            ('{{ key.column }}', '{{ key.key }}'){{ ',' if not loop.last }}
        {% endfor %}
    ) as keys_list (attribution_key, required_key)

),

resource_costs as (

    select
        resource_key,
        sum(effective_cost) as effective_cost
    from charges
    group by resource_key

),

tag_set_costs as (

    -- one row per tag set and resource, so each tag joins once per set, not per charge
    select
        tag_set_id,
        resource_key,
        sum(effective_cost) as effective_cost
    from charges
    where tag_set_id is not null
    group by tag_set_id, resource_key

),

billing_observations as (

    select
        'billing' as tag_source,
        charge_tags.attribution_key,
        charge_tags.tag_key,
        charge_tags.tag_value,
        charge_tags.is_canonical_key,
        tag_set_costs.resource_key,
        tag_set_costs.effective_cost
    from charge_tags
    inner join tag_set_costs on charge_tags.tag_set_id = tag_set_costs.tag_set_id

),

api_observations as (

    select
        'api' as tag_source,
        resource_tags.attribution_key,
        resource_tags.tag_key,
        resource_tags.tag_value,
        resource_tags.is_canonical_key,
        resource_tags.resource_key,
        coalesce(resource_costs.effective_cost, 0) as effective_cost
    from resource_tags
    left join resource_costs on resource_tags.resource_key = resource_costs.resource_key

),

observations as (

    select * from billing_observations
    union all
    select * from api_observations

),

key_drift as (

    select
        'key_spelling' as issue,
        observations.tag_source,
        required_keys.required_key,
        observations.tag_key,
        cast(null as {{ dbt.type_string() }}) as tag_value,
        count(*) as occurrences,
        count(distinct observations.resource_key) as resource_count,
        sum(observations.effective_cost) as effective_cost
    from observations
    inner join required_keys on observations.attribution_key = required_keys.attribution_key
    where not observations.is_canonical_key
    group by observations.tag_source, required_keys.required_key, observations.tag_key

),

value_drift as (

    select
        'value_not_allowed' as issue,
        observations.tag_source,
        required_keys.required_key,
        observations.tag_key,
        observations.tag_value,
        count(*) as occurrences,
        count(distinct observations.resource_key) as resource_count,
        sum(observations.effective_cost) as effective_cost
    from observations
    inner join required_keys on observations.attribution_key = required_keys.attribution_key
    where
        required_keys.required_key in (select allowed.tag_key from allowed)
        and not exists (
            select 1
            from allowed
            where allowed.tag_key = required_keys.required_key and allowed.allowed_value = observations.tag_value
        )
    group by observations.tag_source, required_keys.required_key, observations.tag_key, observations.tag_value

),

final as (

    select * from key_drift
    union all
    select * from value_drift

)

select * from final
