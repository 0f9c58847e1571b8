{%- set keys = attribution_keys() -%}

with

charges as (

    select * from {{ ref('int_ml_charges_classified') }}

),

charge_tags as (

    select * from {{ ref('int_charge_tags_normalized') }}
    where attribution_key is not null

),

billing_keys_ranked as (

    select
        charge_id,
        attribution_key,
        tag_value,
        row_number() over (
            partition by charge_id, attribution_key
            order by is_canonical_key desc, tag_key asc
        ) as key_rank
    from charge_tags

),

billing_keys as (

    select
        charge_id,
        {% for key in keys %}
            max(case when attribution_key = '{{ key.column }}' then tag_value end) as billing_{{ key.column }},
        {% endfor %}
        count(*) as billing_key_count
    from billing_keys_ranked
    where key_rank = 1
    group by charge_id

),

resolved as (

    select
        charges.*,
        {% for key in keys %}
            coalesce(billing_keys.billing_{{ key.column }}, 'unattributed') as {{ key.column }},
            case
                when billing_keys.billing_{{ key.column }} is not null then 'billing_tags'
                else 'unattributed'
            end as {{ key.column }}_source,
        {% endfor %}
        'direct' as allocation_method,
        1.0 as allocation_share
    from charges
    left join billing_keys on charges.charge_id = billing_keys.charge_id

),

final as (

    select
        *,
        {{ md5_hex("charge_id || '#direct'") }} as allocation_id,
        team_source as tag_source,
        case
            when team != 'unattributed' then null
            when cost_group = 'commitment' then 'commitment purchase or unused commitment: not a resource of any team'
            when cost_category in ('credit', 'tax') and resource_id is null then 'account-level ' || cost_category || ' without a resource'
            when resource_id is null then 'no resource id and no attribution tags on the charge'
            else 'no attribution tags on the charge'
        end as unattributed_reason
    from resolved

)

select * from final
