-- A regular expression that does not match gives null on every engine, never ''. Spark's
-- regexp_extract returns '' where DuckDB returns null: before macro regexp_extract_group
-- wrapped it, every ARN was classified as a Savings Plan and instance_type was '' (issue 16).
with

resource_ids as (

    select * from {{ ref('int_resource_ids_parsed') }}

),

usage_types as (

    select * from {{ ref('int_usage_types_classified') }}

),

resource_problems as (

    select
        resource_id as value_checked,
        'int_resource_ids_parsed' as model_name
    from resource_ids
    where
        arn_region = ''
        or arn_account_id = ''
        or arn_resource_type = ''
        or arn_resource_path = ''
        or (arn_resource_type = 'savings-plan' and resource_id not like 'arn:%:savingsplans:%')

),

usage_type_problems as (

    select
        usage_type as value_checked,
        'int_usage_types_classified' as model_name
    from usage_types
    where region_code = '' or instance_type = ''

),

final as (

    select * from resource_problems
    union all
    select * from usage_type_problems

)

select * from final
