-- noqa: disable=LT02
{#-
    Step 5x of the attribution chain: tags of ancestors (tuning job, pipeline, model, endpoint,
    and the user profile, space and domain a Studio row names), nearest first.
-#}
{% macro attribution_inherited_candidates(contexts, ancestors) %}
    context_ancestors as (

        select
            contexts.context_id,
            ancestors.ancestor_key,
            ancestors.relation_type,
            ancestors.inheritance_depth
        from {{ contexts }} as contexts
        inner join {{ ancestors }} as ancestors on contexts.subject_key = ancestors.resource_key
        union all
        select
            contexts.context_id,
            ancestors.ancestor_key,
            ancestors.relation_type,
            ancestors.inheritance_depth
        from {{ contexts }} as contexts
        inner join {{ ancestors }} as ancestors on contexts.target_resource_key = ancestors.resource_key
        union all
        select
            context_id,
            billing_user_profile_key as ancestor_key,
            'user_profile' as relation_type,
            3 as inheritance_depth
        from {{ contexts }} as contexts
        where billing_user_profile_key is not null
        union all
        select
            context_id,
            billing_space_key as ancestor_key,
            'space' as relation_type,
            3 as inheritance_depth
        from {{ contexts }} as contexts
        where billing_space_key is not null
        union all
        select
            context_id,
            billing_domain_key as ancestor_key,
            'domain' as relation_type,
            4 as inheritance_depth
        from {{ contexts }} as contexts
        where billing_domain_key is not null

    ),

    inherited_candidates as (

        select
            context_ancestors.context_id,
            resource_key_values.attribution_key,
            resource_key_values.tag_value as attribution_value,
            'inherited_' || context_ancestors.relation_type as attribution_source,
            50.0 + context_ancestors.inheritance_depth as precedence
        from context_ancestors
        inner join resource_key_values on context_ancestors.ancestor_key = resource_key_values.resource_key

    ),

{%- endmacro %}
