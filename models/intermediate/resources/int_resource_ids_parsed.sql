with

charges as (

    select * from {{ ref('int_ml_charges_isolated') }}

),

distinct_resources as (

    select distinct resource_id
    from charges
    where resource_id is not null

),

parsed as (

    select
        resource_id,
        lower(resource_id) as resource_key,
        {{ regexp_extract_group('resource_id', '^arn:[^:]+:[^:]+:([^:]*):', 1) }} as arn_region,
        {{ regexp_extract_group('resource_id', '^arn:[^:]+:[^:]+:[^:]*:([0-9]*):', 1) }} as arn_account_id,
        {{ regexp_extract_group('resource_id', '^arn:[^:]+:sagemaker:[^:]*:[^:]*:([^/]+)/', 1) }} as arn_resource_type,
        {{ regexp_extract_group('resource_id', '^arn:[^:]+:sagemaker:[^:]*:[^:]*:[^/]+/(.+)$', 1) }} as arn_resource_path,
        {{ regexp_extract_group('resource_id', '^arn:[^:]+:savingsplans:', 0) }} is not null as is_savings_plan
    from distinct_resources

),

final as (

    select
        resource_id,
        resource_key,
        arn_region,
        arn_account_id,
        case
            when is_savings_plan then 'savings-plan'
            else arn_resource_type
        end as arn_resource_type,
        arn_resource_path,
        case
            -- Studio apps, spaces and profiles are only unique with their domain (and owner)
            when arn_resource_type in ('app', 'space', 'user-profile') then arn_resource_path
            else {{ regexp_extract_group('arn_resource_path', '([^/]+)$', 1) }}
        end as arn_resource_name,
        arn_resource_type || '/' || lower(arn_resource_path) || '@' || arn_region || ':' || arn_account_id as natural_key
    from parsed

)

select * from final
