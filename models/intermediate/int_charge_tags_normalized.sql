with

charges as (

    select
        charge_id,
        tags
    from {{ ref('int_ml_charges_isolated') }}
    where tags is not null

),

entries as (

    select
        charge_id,
        entry_key as tag_key,
        entry_value as tag_value
    from {{ map_entries_from('charges', 'tags') }}

),

normalized as (

    select
        charge_id,
        tag_key,
        tag_value,
        {{ normalize_tag_key('tag_key') }} as normalized_key
    from entries

),

final as (

    select
        charge_id,
        tag_key,
        tag_value,
        normalized_key,
        {{ attribution_key_columns('normalized_key', 'tag_key') }}
    from normalized

)

select * from final
