-- Why each model got what it got: per endpoint, model and charge day, the invocations that
-- weighed the split, the share and cost each model received, and the method. The
-- endpoint's idle cost is its '(idle)' row (rpt_endpoint_costs_monthly sums it per
-- month). For a MONTHLY export the "day" is the billing period's
-- first day, and the invocations are the whole period's, like its cost rows.
with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

variants as (

    select * from {{ ref('int_endpoint_variants_joined') }}

),

model_invocations as (

    select * from {{ ref('int_endpoint_invocations_resolved') }}

),

endpoint_costs as (

    select
        lower(costs.resource_id) as endpoint_key,
        costs.resource_name as endpoint_name,
        costs.charge_date,
        costs.model,
        costs.team,
        costs.environment,
        costs.allocation_method,
        sum(costs.effective_cost) as effective_cost,
        sum(costs.billed_cost) as billed_cost
    from costs
    where costs.resource_type = 'endpoint'
    group by
        lower(costs.resource_id), costs.resource_name, costs.charge_date, costs.model, costs.team,
        costs.environment, costs.allocation_method

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

final as (

    select
        endpoint_costs.endpoint_key,
        endpoint_costs.endpoint_name,
        endpoint_kinds.endpoint_kind,
        endpoint_costs.charge_date,
        endpoint_costs.model,
        endpoint_costs.team,
        endpoint_costs.environment,
        endpoint_costs.allocation_method,
        model_invocations.invocations,
        model_invocations.invocations
        / nullif(sum(model_invocations.invocations) over (partition by endpoint_costs.endpoint_key, endpoint_costs.charge_date), 0)
            as invocation_share,
        endpoint_costs.effective_cost,
        endpoint_costs.effective_cost
        / nullif(sum(endpoint_costs.effective_cost) over (partition by endpoint_costs.endpoint_key, endpoint_costs.charge_date), 0)
            as cost_share,
        endpoint_costs.billed_cost
    from endpoint_costs
    left join endpoint_kinds on endpoint_costs.endpoint_key = endpoint_kinds.endpoint_key
    left join model_invocations
        on
            endpoint_costs.endpoint_name = model_invocations.endpoint_name
            and endpoint_costs.charge_date = model_invocations.charge_date
            and endpoint_costs.model = model_invocations.model_name
            and endpoint_kinds.account_id = model_invocations.account_id
            and endpoint_kinds.region = model_invocations.region

)

select * from final
