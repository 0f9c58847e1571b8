-- noqa: disable=LT02
{#-
    Steps 10-40 of the attribution chain (docs/attribution.md): tags of the split target, the
    model a split assigned, billing Tags on the row, the billed resource's own tags. Also defines
    resource_key_values (one value per resource and key), which inheritance reads.
-#}
{% macro attribution_tag_candidates(contexts, resource_tags) %}
    {%- set keys = attribution_keys() -%}
    resource_key_values as (

        select
            resource_key,
            attribution_key,
            tag_value
        from (
            select
                resource_key,
                attribution_key,
                tag_value,
                row_number() over (
                    partition by resource_key, attribution_key
                    order by is_canonical_key desc, tag_key asc
                ) as key_rank
            from {{ resource_tags }} as resource_tags
            where attribution_key is not null
        ) as ranked_key_values
        where key_rank = 1

    ),

    target_tag_candidates as (

        select
            contexts.context_id,
            resource_key_values.attribution_key,
            resource_key_values.tag_value as attribution_value,
            'target_tags' as attribution_source,
            10.0 as precedence
        from {{ contexts }} as contexts
        inner join resource_key_values on contexts.target_resource_key = resource_key_values.resource_key

    ),

    allocation_target_candidates as (

        select
            context_id,
            'model' as attribution_key,
            target_model as attribution_value,
            'allocation_target' as attribution_source,
            20.0 as precedence
        from {{ contexts }} as contexts
        where target_model is not null

    ),

    billing_tag_candidates as (

        select
            contexts.context_id,
            attribution_keys.attribution_key,
            case attribution_keys.attribution_key
                {% for key in keys %}
                    when '{{ key.column }}' then contexts.billing_{{ key.column }}
                {% endfor %}
            end as attribution_value,
            'billing_tags' as attribution_source,
            30.0 as precedence
        from {{ contexts }} as contexts
        cross join (
            values
            {% for key in keys %}
                ('{{ key.column }}'){{ ',' if not loop.last }}
            {% endfor %}
        ) as attribution_keys (attribution_key)

    ),

    resource_tag_candidates as (

        select
            contexts.context_id,
            resource_key_values.attribution_key,
            resource_key_values.tag_value as attribution_value,
            'resource_tags' as attribution_source,
            40.0 as precedence
        from {{ contexts }} as contexts
        inner join resource_key_values on contexts.subject_key = resource_key_values.resource_key

    ),

{%- endmacro %}
