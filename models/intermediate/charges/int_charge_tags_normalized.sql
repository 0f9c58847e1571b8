{{ config(materialized='incremental', incremental_strategy='append') }}
-- One row per distinct billing Tags map (tag set) and raw key: thousands of sets stand for
-- millions of charge rows, which join by tag_set_id. Incremental: new sets are appended, on
-- every engine (Spark's insert_overwrite, the intermediate default there, would replace the
-- whole unpartitioned table with the new sets alone: the reconciliation caught it).
with

charges as (

    select
        tag_set_id,
        any_value(tags) as tags
    from {{ ref('int_ml_charges_isolated') }}
    where
        tags is not null
        {% if is_incremental() %}
            and tag_set_id not in (select built.tag_set_id from {{ this }} as built)
        {% endif %}
    group by tag_set_id

),

entries as (

    select
        tag_set_id,
        entry_key as tag_key,
        entry_value as tag_value
    from {{ map_entries_from('charges', 'tags') }}

),

normalized as (

    select
        tag_set_id,
        tag_key,
        tag_value,
        {{ normalize_tag_key('tag_key') }} as normalized_key
    from entries

),

final as (

    select
        tag_set_id,
        tag_key,
        tag_value,
        normalized_key,
        {{ attribution_key_columns('normalized_key', 'tag_key') }},
        -- an AWS Cost Category (costCategory/<name>), not a tag: never counts as tagged
        case when lower(tag_key) like 'costcategory/%' then substr(tag_key, 14) end as cost_category_name
    from normalized

)

select * from final
