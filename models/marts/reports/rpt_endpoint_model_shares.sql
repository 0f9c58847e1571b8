-- Why each model got what it got: per endpoint, model and charge day, the invocations that
-- weighed the split, the share and cost each model received, the method, and the
-- endpoint's idle cost that day. For a MONTHLY export the "day" is the billing period's
-- first day, and the invocations are the whole period's, like its cost rows.
with

costs as (

    select * from {{ ref('int_ml_daily_costs_summarized') }}

),

variants as (

    select * from {{ ref('int_endpoint_variants_joined') }}

),

invocations as (

    select * from {{ ref('int_endpoint_invocations_hourly') }}

),

components as (

    select * from {{ ref('stg_sagemaker__inference_components') }}

),

periods as (

    select * from {{ ref('stg_focus__billing_periods') }}

),

invocation_buckets as (

    -- the invocations of the same charge period as the cost rows: the day for HOURLY and
    -- DAILY exports, the whole billing period for a MONTHLY one (whose rows start on the 1st)
    select
        invocations.*,
        case
            when periods.export_granularity = 'MONTHLY' then cast(periods.billing_period_start as date)
            else cast(invocations.period_start as date)
        end as charge_date
    from invocations
    inner join periods
        on
            invocations.period_start >= periods.billing_period_start
            and invocations.period_start < periods.billing_period_end

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

model_invocations as (

    -- invocations per model: InvocationsPerModel, components' models, variants' models
    select
        invocations.endpoint_name,
        invocations.account_id,
        invocations.region,
        invocations.charge_date,
        coalesce(invocations.target_model_name, components.model_name, variants.model_name) as model_name,
        sum(invocations.invocations) as invocations
    from invocation_buckets as invocations
    left join components
        on
            invocations.inference_component_name = components.inference_component_name
            and invocations.account_id = components.account_id
            and invocations.region = components.region
    left join variants
        on
            invocations.endpoint_name = variants.endpoint_name
            and invocations.variant_name = variants.variant_name
            and invocations.account_id = variants.account_id
            and invocations.region = variants.region
            and invocations.target_kind = 'variant'
    group by
        invocations.endpoint_name,
        invocations.account_id,
        invocations.region,
        invocations.charge_date,
        coalesce(invocations.target_model_name, components.model_name, variants.model_name)

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
        endpoint_costs.billed_cost,
        sum(case when endpoint_costs.allocation_method = 'idle_capacity' then endpoint_costs.effective_cost else 0 end)
            over (partition by endpoint_costs.endpoint_key, endpoint_costs.charge_date) as endpoint_idle_cost
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
