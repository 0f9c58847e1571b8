-- noqa: disable=LT02
{#-
    Steps 70-90 of the attribution chain: values the metadata implies, AWS Cost Categories mapped
    to a key, the rules of seeds/attribution_rules, and the cost group as environment.
-#}
{% macro attribution_rule_candidates(contexts, implied, rules) %}
    {%- set keys = attribution_keys() -%}
    implied_candidates as (

        select
            contexts.context_id,
            implied.attribution_key,
            implied.attribution_value,
            implied.attribution_source,
            70.0 as precedence
        from {{ contexts }} as contexts
        inner join {{ implied }} as implied on contexts.subject_key = implied.resource_key

    ),

    -- A rule's patterns are matched against the distinct role ARNs and resource names of the
    -- contexts, not against every context: a pattern that is a column, not a constant, is
    -- compiled for each row it is tested on. A 10M demo build has 175,488 contexts but 1,536
    -- role ARNs and 313 names; testing every context took 4.2 s of CPU in attribution's profile,
    -- and grows with the contexts times the rules (docs/performance.md "Rules matched on
    -- distinct values").
    {%- for cte, column, pattern in [
        ('rule_role_matches', 'resource_role_arn', 'role_arn_pattern'),
        ('rule_name_matches', 'resource_name', 'resource_name_pattern'),
    ] %}
    {{ cte }} as (

        select distinct
            rules.rule_id,
            subject_values.{{ column }}
        from (select distinct {{ column }} from {{ contexts }}) as subject_values
        inner join {{ rules }} as rules
            on rules.{{ pattern }} is not null and {{ regexp_like('subject_values.' ~ column, 'rules.' ~ pattern) }}

    ),
    {% endfor %}

    matching_rules as (

        -- a context matches a rule when each condition the rule sets holds: the account, and
        -- the patterns by the matches above (a null role ARN or name matches no pattern);
        -- rule_id is unique (the seed's data test), so a match names one rule
        select
            contexts.context_id,
            rules.rule_id,
            rules.priority,
            rules.team,
            rules.model,
            rules.environment
        from {{ contexts }} as contexts
        cross join {{ rules }} as rules
        left join rule_role_matches
            on
                rules.rule_id = rule_role_matches.rule_id
                and contexts.resource_role_arn = rule_role_matches.resource_role_arn
        left join rule_name_matches
            on
                rules.rule_id = rule_name_matches.rule_id
                and contexts.resource_name = rule_name_matches.resource_name
        where
            coalesce(rules.account_id, rules.role_arn_pattern, rules.resource_name_pattern) is not null
            and (rules.account_id is null or contexts.sub_account_id = rules.account_id)
            and (rules.role_arn_pattern is null or rule_role_matches.rule_id is not null)
            and (rules.resource_name_pattern is null or rule_name_matches.rule_id is not null)

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

{%- endmacro %}
