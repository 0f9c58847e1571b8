with

tags as (

    select * from {{ ref('stg_sagemaker__tags') }}

),

normalized as (

    select
        lower(resource_arn) as resource_key,
        resource_arn,
        account_id,
        tag_key,
        tag_value,
        {{ normalize_tag_key('tag_key') }} as normalized_key
    from tags

),

final as (

    select
        resource_key,
        resource_arn,
        account_id,
        tag_key,
        tag_value,
        normalized_key,
        {{ attribution_key_columns('normalized_key', 'tag_key') }}
    from normalized

)

select * from final
