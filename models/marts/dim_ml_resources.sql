with

charges as (

    select * from {{ ref('fct_ml_costs') }}

),

billed_resources as (

    select
        lower(resource_id) as resource_key,
        min(resource_id) as resource_id,
        min(resource_type) as resource_type,
        min(resource_name) as resource_name,
        min(sub_account_id) as account_id,
        min(region_id) as region_id,
        min(charge_period_start) as first_charged_at,
        max(charge_period_end) as last_charged_at,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from charges
    where resource_id is not null
    group by lower(resource_id)

),

final as (

    select
        resource_key,
        resource_id,
        resource_type,
        resource_name,
        account_id,
        region_id,
        first_charged_at,
        last_charged_at,
        effective_cost,
        billed_cost
    from billed_resources

)

select * from final
