-- noqa: disable=LT02
{#-
    The attribution chain (docs/attribution.md), as CTEs over a relation of
    contexts with the columns context_id, subject_key, target_resource_key,
    target_model, billing_<key> for each attribution key, billing_user_profile_key,
    billing_space_key, billing_domain_key, sub_account_id, resource_name,
    resource_role_arn and cost_group, and for each attribution key that an AWS Cost Category
    feeds (macro cost_category_keys) aws_cost_category_<key> and its _name. Ends with the CTE
    resolved_contexts: one row per
    context with <key>, <key>_source, <key>_in_billing and <key>_on_resource.
    Expects CTEs resource_tags, ancestors, implied and rules.
-#}
{% macro attribution_chain_ctes(contexts) %}
    {%- set keys = attribution_keys() -%}
    resource_key_values as (

        select
            resource_key,
            attribution_key,
            tag_value
        from resource_tags
        where attribution_key is not null
        qualify row_number() over (
                partition by resource_key, attribution_key
                order by is_canonical_key desc, tag_key asc
            ) = 1

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

    context_ancestors as (

        select
            contexts.context_id,
            ancestors.ancestor_key,
            ancestors.relation_type,
            ancestors.inheritance_depth
        from {{ contexts }} as contexts
        inner join ancestors on contexts.subject_key = ancestors.resource_key
        union all
        select
            contexts.context_id,
            ancestors.ancestor_key,
            ancestors.relation_type,
            ancestors.inheritance_depth
        from {{ contexts }} as contexts
        inner join ancestors on contexts.target_resource_key = ancestors.resource_key
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

    implied_candidates as (

        select
            contexts.context_id,
            implied.attribution_key,
            implied.attribution_value,
            implied.attribution_source,
            70.0 as precedence
        from {{ contexts }} as contexts
        inner join implied on contexts.subject_key = implied.resource_key

    ),

    matching_rules as (

        select
            contexts.context_id,
            rules.rule_id,
            rules.priority,
            rules.team,
            rules.model,
            rules.environment
        from {{ contexts }} as contexts
        inner join rules
            on
                (rules.account_id is null or contexts.sub_account_id = rules.account_id)
                and (
                    rules.role_arn_pattern is null or coalesce({{ regexp_like('contexts.resource_role_arn', 'rules.role_arn_pattern') }}, false)
                )
                and (
                    rules.resource_name_pattern is null
                    or coalesce({{ regexp_like('contexts.resource_name', 'rules.resource_name_pattern') }}, false)
                )
        where coalesce(rules.account_id, rules.role_arn_pattern, rules.resource_name_pattern) is not null

    ),

    rule_candidates as (

        select
            context_id,
            'team' as attribution_key,
            team as attribution_value,
            'rule:' || rule_id as attribution_source,
            80.0 + priority / 1000000.0 as precedence
        from matching_rules
        where team is not null
        union all
        select
            context_id,
            'model' as attribution_key,
            model as attribution_value,
            'rule:' || rule_id as attribution_source,
            80.0 + priority / 1000000.0 as precedence
        from matching_rules
        where model is not null
        union all
        select
            context_id,
            'environment' as attribution_key,
            environment as attribution_value,
            'rule:' || rule_id as attribution_source,
            80.0 + priority / 1000000.0 as precedence
        from matching_rules
        where environment is not null

    ),

    aws_cost_category_candidates as (

        {%- for key in cost_category_keys() %}
        {{ 'union all' if not loop.first }}
        select
            context_id,
            '{{ key.column }}' as attribution_key,
            aws_cost_category_{{ key.column }} as attribution_value,
            'cost_category:' || aws_cost_category_{{ key.column }}_name as attribution_source,
            75.0 as precedence
        from {{ contexts }} as contexts
        where aws_cost_category_{{ key.column }} is not null
        {%- else %}
        select
            context_id,
            cast(null as {{ dbt.type_string() }}) as attribution_key,
            cast(null as {{ dbt.type_string() }}) as attribution_value,
            cast(null as {{ dbt.type_string() }}) as attribution_source,
            75.0 as precedence
        from {{ contexts }} as contexts
        where 1 = 0
        {%- endfor %}

    ),

    cost_category_candidates as (

        select
            context_id,
            'environment' as attribution_key,
            cost_group as attribution_value,
            'cost_category' as attribution_source,
            90.0 as precedence
        from {{ contexts }} as contexts
        where cost_group in ('training', 'development')

    ),

    candidates as (

        select * from target_tag_candidates
        union all
        select * from allocation_target_candidates
        union all
        select * from billing_tag_candidates
        union all
        select * from resource_tag_candidates
        union all
        select * from inherited_candidates
        union all
        select * from implied_candidates
        union all
        select * from aws_cost_category_candidates
        union all
        select * from rule_candidates
        union all
        select * from cost_category_candidates

    ),

    winners as (

        select
            context_id,
            attribution_key,
            attribution_value,
            attribution_source
        from candidates
        where attribution_value is not null and trim(attribution_value) != ''
        qualify row_number() over (
                partition by context_id, attribution_key
                order by precedence asc, attribution_source asc, attribution_value asc
            ) = 1

    ),

    presence as (

        -- whether a key exists at all in billing tags, and on the resource or an ancestor
        -- (API), whichever step won: the two ways of counting tag coverage. The model a
        -- split assigns (a variant's model, a multi-model endpoint's TargetModel) counts as
        -- present: a model inside a shared endpoint is no resource that could carry a tag.
        select
            context_id,
            {% for key in keys %}
                max(
                    case when attribution_key = '{{ key.column }}' and attribution_source = 'billing_tags' then 1 else 0 end
                ) = 1 as {{ key.column }}_in_billing,
                max(
                    case
                        when
                            attribution_key = '{{ key.column }}'
                            and (attribution_source in ('target_tags', 'allocation_target', 'resource_tags') or attribution_source like 'inherited_%')
                            then 1
                        else 0
                    end
                ) = 1 as {{ key.column }}_on_resource,
            {% endfor %}
            count(*) as candidate_count
        from candidates
        where attribution_value is not null and trim(attribution_value) != ''
        group by context_id

    ),

    resolved_contexts as (

        select
            contexts.context_id,
            {% for key in keys %}
                max(case when winners.attribution_key = '{{ key.column }}' then winners.attribution_value end) as {{ key.column }},
                max(case when winners.attribution_key = '{{ key.column }}' then winners.attribution_source end) as {{ key.column }}_source,
                coalesce(max(case when presence.{{ key.column }}_in_billing then 1 else 0 end) = 1, false) as {{ key.column }}_in_billing,
                coalesce(max(case when presence.{{ key.column }}_on_resource then 1 else 0 end) = 1, false) as {{ key.column }}_on_resource,
            {% endfor %}
            count(winners.attribution_key) as resolved_key_count
        from {{ contexts }} as contexts
        left join winners on contexts.context_id = winners.context_id
        left join presence on contexts.context_id = presence.context_id
        group by contexts.context_id

    ),

{%- endmacro %}

{#-
    The attribution keys AWS Cost Categories feed, from var cost_category_attribution
    ({"<Cost Category name>": "<attribution key>"}, default none):
    [{'column': 'team', 'names': ['Team', ...]}, ...] in the order of the attribution keys.
-#}
{% macro cost_category_keys() -%}
    {%- set mapping = var('cost_category_attribution', {}) or {} -%}
    {%- set keys = [] -%}
    {%- for key in attribution_keys() -%}
        {%- set names = [] -%}
        {%- for name, target in mapping.items() if normalize_tag_key_text(target) == key.normalized -%}
            {%- do names.append(name) -%}
        {%- endfor -%}
        {%- if names -%}
            {%- do keys.append({'column': key.column, 'names': names}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(keys) }}
{%- endmacro %}
