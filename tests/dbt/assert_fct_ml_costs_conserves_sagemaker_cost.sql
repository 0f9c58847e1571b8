-- Money is conserved: per billing period, effective, billed and list cost in
-- fct_ml_costs equal the SageMaker rows of the latest FOCUS deliveries, to the
-- tolerance (0.01 USD by default). Returns one row per period that differs.
with

source_rows as (

    select * from {{ ref('stg_focus__charges') }}
    where {{ is_sagemaker_charge() }}

),

source_totals as (

    select
        billing_period,
        count(*) as source_rows,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost,
        sum(list_cost) as list_cost
    from source_rows
    group by billing_period

),

fact_totals as (

    select
        billing_period,
        count(distinct charge_id) as fact_charges,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost,
        sum(list_cost) as list_cost
    from {{ ref('fct_ml_costs') }}
    group by billing_period

),

compared as (

    select
        coalesce(source_totals.billing_period, fact_totals.billing_period) as billing_period,
        coalesce(source_totals.source_rows, 0) as source_rows,
        coalesce(fact_totals.fact_charges, 0) as fact_charges,
        coalesce(source_totals.effective_cost, 0) - coalesce(fact_totals.effective_cost, 0) as effective_cost_gap,
        coalesce(source_totals.billed_cost, 0) - coalesce(fact_totals.billed_cost, 0) as billed_cost_gap,
        coalesce(source_totals.list_cost, 0) - coalesce(fact_totals.list_cost, 0) as list_cost_gap
    from source_totals
    full outer join fact_totals on source_totals.billing_period = fact_totals.billing_period

)

select * from compared
where
    source_rows != fact_charges
    or abs(effective_cost_gap) > {{ var('conservation_tolerance') }}
    or abs(billed_cost_gap) > {{ var('conservation_tolerance') }}
    or abs(list_cost_gap) > {{ var('conservation_tolerance') }}
