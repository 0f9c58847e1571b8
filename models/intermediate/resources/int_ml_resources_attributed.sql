-- Every resource in the landed metadata attributed through the same chain as the
-- charges, without billing tags (steps b to e): what the API alone says.
with

resources as (

    select * from {{ ref('int_ml_resources_unioned') }}

),

arn_categories as (

    select * from {{ ref('arn_resource_categories') }}

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

contexts as (

    select
        resources.resource_key as context_id,
        resources.resource_key as subject_key,
        cast(null as {{ dbt.type_string() }}) as target_resource_key,
        cast(null as {{ dbt.type_string() }}) as target_model,
        {% for key in attribution_keys() %}
            cast(null as {{ dbt.type_string() }}) as billing_{{ key.column }},
        {% endfor %}
        cast(null as {{ dbt.type_string() }}) as billing_user_profile_key,
        cast(null as {{ dbt.type_string() }}) as billing_space_key,
        cast(null as {{ dbt.type_string() }}) as billing_domain_key,
        {% for key in cost_category_keys() %}
            cast(null as {{ dbt.type_string() }}) as aws_cost_category_{{ key.column }},
            cast(null as {{ dbt.type_string() }}) as aws_cost_category_{{ key.column }}_name,
        {% endfor %}
        resources.account_id as sub_account_id,
        resources.resource_name,
        resources.role_arn as resource_role_arn,
        arn_categories.cost_group
    from resources
    left join arn_categories on resources.resource_type = arn_categories.arn_resource_type

),

{{ attribution_chain_ctes(
    'contexts', resource_tags='resource_tags', ancestors='ancestors', implied='implied', rules='rules', run_keys='run_keys'
) }}

final as (

    select
        resources.*,
        {% for key in attribution_keys() %}
            coalesce(resolved_contexts.{{ key.column }}, 'unattributed') as {{ key.column }},
            coalesce(resolved_contexts.{{ key.column }}_source, 'unattributed') as {{ key.column }}_source,
            resolved_contexts.{{ key.column }}_on_resource,
        {% endfor %}
        resolved_contexts.resolved_key_count
    from resources
    inner join resolved_contexts on resources.resource_key = resolved_contexts.context_id

)

select * from final
