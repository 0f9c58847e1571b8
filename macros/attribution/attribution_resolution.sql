-- noqa: disable=LT02
{#-
    The end of the attribution chain: every step's candidates, the winner per context and key
    (lowest precedence), whether a key was present in billing or on the resource, and
    resolved_contexts: one row per context with <key>, <key>_source, <key>_in_billing and
    <key>_on_resource.
-#}
{% macro attribution_resolution(contexts) %}
    {%- set keys = attribution_keys() -%}
    candidates as (

        select * from target_tag_candidates
        union all
        select * from allocation_target_candidates
        union all
        select * from billing_tag_candidates
        union all
        select * from resource_tag_candidates
        union all
        select * from tracker_run_candidates
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
        from (
            select
                context_id,
                attribution_key,
                attribution_value,
                attribution_source,
                row_number() over (
                    partition by context_id, attribution_key
                    order by precedence asc, attribution_source asc, attribution_value asc
                ) as candidate_rank
            from candidates
            where attribution_value is not null and trim(attribution_value) != ''
        ) as ranked_candidates
        where candidate_rank = 1

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
