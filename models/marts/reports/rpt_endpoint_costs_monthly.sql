-- One row per billing period, endpoint and model: what serving each model cost, its
-- invocations, and its cost per 1,000 invocations. A shared endpoint's idle capacity is a
-- row of its own (model '(idle)', no invocations), so the endpoint's cost and idle cost
-- are sums over its rows, never a value repeated on each of them.
with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}
    where resource_type = 'endpoint'

),

periods as (

    select * from {{ ref('int_billing_periods_paired') }}

),

variants as (

    select * from {{ ref('int_endpoint_variants_joined') }}

),

invocations as (

    select * from {{ ref('int_endpoint_invocations_resolved') }}

),

endpoint_months as (

    select
        billing_period,
        lower(resource_id) as endpoint_key,
        min(resource_name) as endpoint_name,
        model,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost,
        sum(list_cost) as list_cost,
        sum(case when allocation_method = 'idle_capacity' then effective_cost else 0 end) as idle_cost
    from costs
    group by billing_period, lower(resource_id), model

),

endpoint_kinds as (

    select
        endpoint_key,
        min(endpoint_kind) as endpoint_kind,
        min(account_id) as account_id,
        min(region) as region
    from variants
    group by endpoint_key

),

model_invocations as (

    select
        periods.billing_period,
        invocations.account_id,
        invocations.region,
        invocations.endpoint_name,
        invocations.model_name,
        sum(invocations.invocations) as invocations
    from invocations
    inner join periods
        on
            invocations.charge_date >= periods.billing_period_start
            and invocations.charge_date < periods.billing_period_end
    group by periods.billing_period, invocations.account_id, invocations.region, invocations.endpoint_name, invocations.model_name

),

final as (

    select
        endpoint_months.billing_period,
        endpoint_months.endpoint_key,
        endpoint_months.endpoint_name,
        endpoint_kinds.endpoint_kind,
        endpoint_months.model,
        endpoint_months.effective_cost,
        endpoint_months.billed_cost,
        endpoint_months.list_cost,
        endpoint_months.idle_cost,
        model_invocations.invocations,
        1000 * endpoint_months.effective_cost / nullif(model_invocations.invocations, 0) as cost_per_1000_invocations,
        periods.days_in_period,
        periods.days_with_data,
        periods.is_complete
    from endpoint_months
    inner join periods on endpoint_months.billing_period = periods.billing_period
    left join endpoint_kinds on endpoint_months.endpoint_key = endpoint_kinds.endpoint_key
    left join model_invocations
        on
            endpoint_months.billing_period = model_invocations.billing_period
            and endpoint_months.endpoint_name = model_invocations.endpoint_name
            and endpoint_months.model = model_invocations.model_name
            and endpoint_kinds.account_id = model_invocations.account_id
            and endpoint_kinds.region = model_invocations.region

)

select * from final
