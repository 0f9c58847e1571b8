{%- set keys = attribution_keys() -%}

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
        case normalized_key
            {% for key in keys %}
                when '{{ key.normalized }}' then '{{ key.column }}'
            {% endfor %}
        end as attribution_key,
        tag_key in (
            {% for key in keys %}
                '{{ key.key }}'{{ ',' if not loop.last }}
            {% endfor %}
        ) as is_canonical_key
    from normalized

)

select * from final
