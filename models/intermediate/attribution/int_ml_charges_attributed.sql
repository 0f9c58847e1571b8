{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days() }}",
        post_hook="{{ insert_attribution_batches() }}",
        partition_by=charge_days_partition(),
    )
}}
{#-
    SageMaker charge rows as allocation rows, attributed. A row billed to one resource stays
    one row (direct); a shared endpoint's row becomes its split rows (int_ml_charge_splits_costed),
    whose costs sum back to it. The charge columns are written once, here: the left join's
    hash table holds the narrow split rows. On DuckDB the model runs in batches of charge days
    sized so that a batch's split rows fit in memory (macros/incremental/attribution_batches.sql):
    this SQL is the first batch, the post-hook inserts the others.
-#}
{%- set batch_starts = attribution_batch_starts() -%}
{%- set batch_filter = attribution_batch_filter(none, batch_starts[0] if batch_starts else none) -%}
{%- set charge_columns = declared_columns('int_ml_charges_classified', except=['effective_cost', 'billed_cost', 'list_cost']) -%}
{#-
    The columns written: what the model's readers, tests and docs read. The chain also works
    on the tag set, the matched resource and its role, and the split's target model and
    resource; they are not written (a write costs per column and row: docs/performance.md
    "Columns no reader reads, not written"). Each allocation row finds them again by its
    charge_id in int_ml_charges_classified, by its charge_id and allocation_target in
    int_ml_charge_splits_costed (with the split's weight), and by its resource_id in
    int_resource_ids_matched.
-#}
{%- set allocation_columns = (charge_columns | reject('equalto', 'tag_set_id') | list) + [
    'match_method', 'allocation_target', 'allocation_method', 'variant_name', 'allocation_share', 'is_remainder_row',
    'effective_cost', 'billed_cost', 'list_cost', 'allocation_id',
] -%}
{%- set keys = attribution_keys() -%}
{#- the attribution context of an allocation row: column name -> expression -#}
{%- set context = {
    'subject_key': 'coalesce(allocations.matched_resource_key, allocations.resource_key)',
    'target_resource_key': 'allocations.target_resource_key',
    'target_model': 'allocations.target_model',
} -%}
{%- for key in keys -%}
    {%- do context.update({'billing_' ~ key.column: 'billing_keys.billing_' ~ key.column}) -%}
{%- endfor -%}
{%- for key in cost_category_keys() -%}
    {%- for suffix in ['', '_name'] -%}
        {%- set name = 'aws_cost_category_' ~ key.column ~ suffix -%}
        {%- do context.update({name: 'charge_cost_categories.' ~ name}) -%}
    {%- endfor -%}
{%- endfor -%}
{%- for link in ['user_profile', 'space', 'domain'] -%}
    {%- do context.update({'billing_' ~ link ~ '_key': 'charge_studio_links.billing_' ~ link ~ '_key'}) -%}
{%- endfor -%}
{%- for column in ['sub_account_id', 'resource_name', 'resource_role_arn', 'cost_group'] -%}
    {%- do context.update({column: 'allocations.' ~ column}) -%}
{%- endfor -%}
{%- set context_id = hash_columns(context.values() | list) -%}
{#-
    Each attribution key of each allocation row is resolved through an explicit
    chain; the first step that gives a value wins and is recorded as the key's
    source (docs/attribution.md):
      10 target_tags          tags of the split target (a variant's model, an inference component)
      20 allocation_target    the model a split assigned (variant model, TargetModel)
      30 billing_tags         billing Tags on the charge row (the value at charge time)
      40 resource_tags        the billed resource's own tags from the API
      5x inherited_<relation> tags of ancestors (tuning job, pipeline, model, endpoint,
                              user profile, space, domain), nearest first
      70 metadata_*           values the metadata implies (ExperimentConfig, trial
                              component, endpoint config ModelName, transform job model)
      75 cost_category:<name> an AWS Cost Category mapped to the key by var
                              cost_category_attribution (never a tag: coverage ignores it)
      80 rule:<rule_id>       seeds/attribution_rules.csv
      90 cost_category        environment only: training, development
         unattributed
    The chain runs once per distinct attribution context (resource, target, billing
    tag values, account, ...), not once per hourly row.
-#}

{{ attribution_batches_comment(batch_starts) }}
with

charges as {{ not_materialized() }} (

    select * from {{ ref('int_ml_charges_classified') }}
    where {{ charge_days_to_process() }} and {{ batch_filter }}

),

matches as (

    select * from {{ ref('int_resource_ids_matched') }}

),

splits as {{ not_materialized() }} (

    select * from {{ ref('int_ml_charge_splits_costed') }}
    where {{ charge_days_to_process() }} and {{ batch_filter }}

),

charge_tags as (

    select * from {{ ref('int_charge_tags_normalized') }}

),

resource_tags as (

    select * from {{ ref('int_resource_tags_normalized') }}

),

ancestors as (

    select * from {{ ref('int_ml_resource_ancestors_linked') }}

),

implied as (

    select * from {{ ref('int_ml_resource_keys_implied') }}

),

rules as (

    select * from {{ ref('attribution_rules') }}

),

run_keys as (

    select * from {{ ref('int_tracker_run_keys_resolved') }}

),

matched_charges as {{ not_materialized() }} (

    select
        charges.*,
        matches.matched_resource_key,
        coalesce(matches.match_method, case when charges.resource_id is null then 'no_resource' end) as match_method,
        matches.resource_role_arn
    from charges
    left join matches on charges.resource_id = matches.resource_id

),

allocation_rows as {{ not_materialized() }} (

    -- every charge row takes its split rows, or none: then it is one direct row with its own cost
    select
        {%- for column in charge_columns %}
            matched_charges.{{ column }},
        {%- endfor %}
        matched_charges.matched_resource_key,
        matched_charges.match_method,
        matched_charges.resource_role_arn,
        coalesce(splits.allocation_target, 'charge') as allocation_target,
        coalesce(splits.allocation_method, 'direct') as allocation_method,
        splits.variant_name,
        splits.target_model,
        splits.target_resource_key,
        coalesce(splits.allocation_share, 1.0) as allocation_share,
        coalesce(splits.is_remainder_row, true) as is_remainder_row,
        case when splits.charge_id is null then matched_charges.effective_cost else splits.effective_cost end as effective_cost,
        case when splits.charge_id is null then matched_charges.billed_cost else splits.billed_cost end as billed_cost,
        case when splits.charge_id is null then matched_charges.list_cost else splits.list_cost end as list_cost
    from matched_charges
    left join splits on matched_charges.charge_id = splits.charge_id

),

allocations as {{ not_materialized() }} (

    select
        *,
        {{ md5_hex("charge_id || '#' || allocation_target") }} as allocation_id
    from allocation_rows

),

charge_key_values as (

    select
        tag_set_id,
        attribution_key,
        tag_value,
        row_number() over (
            partition by tag_set_id, attribution_key
            order by is_canonical_key desc, tag_key asc
        ) as value_rank
    from charge_tags
    where attribution_key is not null

),

charge_studio_links as (

    select
        tag_set_id,
        max(case when tag_key = 'sagemaker:user-profile-arn' then lower(tag_value) end) as billing_user_profile_key,
        max(case when tag_key = 'sagemaker:space-arn' then lower(tag_value) end) as billing_space_key,
        max(case when tag_key = 'sagemaker:domain-arn' then lower(tag_value) end) as billing_domain_key
    from charge_tags
    where tag_key in ('sagemaker:user-profile-arn', 'sagemaker:space-arn', 'sagemaker:domain-arn')
    group by tag_set_id

),

charge_cost_categories as (

    -- AWS Cost Categories of each tag set that var cost_category_attribution maps to a key
    select
        tag_set_id,
        {%- for key in cost_category_keys() %}
            coalesce(
                {%- for name in key.names %}
                    max(case when cost_category_name = '{{ name }}' then tag_value end){{ ',' if not loop.last }}
                {%- endfor %}
            ) as aws_cost_category_{{ key.column }},
            case
                {%- for name in key.names %}
                    when max(case when cost_category_name = '{{ name }}' then tag_value end) is not null then '{{ name }}'
                {%- endfor %}
            end as aws_cost_category_{{ key.column }}_name,
        {%- endfor %}
        count(*) as cost_category_count
    from charge_tags
    where cost_category_name is not null
    group by tag_set_id

),

billing_keys as (

    select
        tag_set_id,
        {% for key in keys %}
            max(case when attribution_key = '{{ key.column }}' then tag_value end) as billing_{{ key.column }},
        {% endfor %}
        count(*) as billing_key_count
    from charge_key_values
    where value_rank = 1
    group by tag_set_id

),

contexts as (

    -- the distinct attribution contexts: the chain runs once per context, and each
    -- allocation row finds its result again by the same hash (no join on allocation_id)
    select distinct
        {% for name, expression in context.items() %}
            {{ expression }} as {{ name }},
        {% endfor %}
        {{ context_id }} as context_id
    from allocations
    left join billing_keys on allocations.tag_set_id = billing_keys.tag_set_id
    left join charge_studio_links on allocations.tag_set_id = charge_studio_links.tag_set_id
    left join charge_cost_categories on allocations.tag_set_id = charge_cost_categories.tag_set_id

),

{{ attribution_chain_ctes(
    'contexts', resource_tags='resource_tags', ancestors='ancestors', implied='implied', rules='rules', run_keys='run_keys'
) }}

attributed as (

    select
        {%- for column in allocation_columns %}
            allocations.{{ column }},
        {%- endfor %}
        {% for key in keys %}
            coalesce(resolved_contexts.{{ key.column }}, 'unattributed') as {{ key.column }},
            coalesce(resolved_contexts.{{ key.column }}_source, 'unattributed') as {{ key.column }}_source,
            resolved_contexts.{{ key.column }}_in_billing,
            resolved_contexts.{{ key.column }}_on_resource,
        {% endfor %}
        resolved_contexts.context_id
    from allocations
    left join billing_keys on allocations.tag_set_id = billing_keys.tag_set_id
    left join charge_studio_links on allocations.tag_set_id = charge_studio_links.tag_set_id
    left join charge_cost_categories on allocations.tag_set_id = charge_cost_categories.tag_set_id
    inner join resolved_contexts on {{ context_id }} = resolved_contexts.context_id

),

{% if var('savings_plan_unused_chargeback') %}
    {{ savings_plan_chargeback_ctes('attributed', allocation_columns) }}
{% endif %}

final as (

    select
        *,
        team_source as tag_source,
        case
            when team != 'unattributed' and model != 'unattributed' then null
            when cost_group = 'commitment' then 'savings plan purchase or unused commitment: not the resource of any team or model'
            when resource_id is null then 'account-level ' || cost_category || ' row without a resource, tags or matching rule'
            when match_method = 'unmatched' and team = 'unattributed'
                then 'resource not in the landed metadata, no billing tags and no matching rule'
            when team = 'unattributed' then 'no team tag on the charge, the resource or its ancestors, and no matching rule'
            else 'no model tag, no model implied by the metadata, and no matching rule'
        end as unattributed_reason,
        '{{ invocation_id }}' as built_by_invocation_id
    from {{ 'chargeback_applied' if var('savings_plan_unused_chargeback') else 'attributed' }}

)

select * from final
