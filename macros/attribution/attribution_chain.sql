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
    resource_tags, ancestors, implied, rules and run_keys name the relations (import CTEs or
    refs) of int_resource_tags_normalized, int_ml_resource_ancestors_linked,
    int_ml_resource_keys_implied, seeds/attribution_rules and int_tracker_run_keys_resolved.
    The steps are macros of their own, in precedence order.
-#}
{% macro attribution_chain_ctes(contexts, resource_tags, ancestors, implied, rules, run_keys) %}
    {{ attribution_tag_candidates(contexts, resource_tags) }}
    {{ attribution_run_candidates(contexts, run_keys) }}
    {{ attribution_inherited_candidates(contexts, ancestors) }}
    {{ attribution_rule_candidates(contexts, implied, rules) }}
    {{ attribution_resolution(contexts) }}
{%- endmacro %}
