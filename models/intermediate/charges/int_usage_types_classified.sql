with

charges as (

    select * from {{ ref('int_ml_charges_isolated') }}

),

usage_types as (

    select * from {{ ref('sagemaker_usage_types') }}

),

distinct_usage_types as (

    select distinct usage_type
    from charges
    where usage_type is not null

),

matches as (

    select
        distinct_usage_types.usage_type,
        usage_types.cost_category,
        usage_types.cost_group,
        usage_types.usage_type_pattern,
        usage_types.source as taxonomy_source,
        row_number() over (
            partition by distinct_usage_types.usage_type
            order by usage_types.priority
        ) as match_rank
    from distinct_usage_types
    inner join usage_types
        on {{ regexp_like('lower(distinct_usage_types.usage_type)', 'usage_types.usage_type_pattern') }}

),

final as (

    select
        usage_type,
        cost_category,
        cost_group,
        usage_type_pattern,
        taxonomy_source,
        {{ regexp_extract_group('usage_type', '^([A-Z]{2,4}[0-9]?)-', 1) }} as region_code,
        {{ regexp_extract_group('lower(usage_type)', '(ml\\.[a-z0-9-]+\\.[a-z0-9]+)', 1) }} as instance_type
    from matches
    where match_rank = 1

)

select * from final
