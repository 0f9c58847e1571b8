-- SageMaker Savings Plans per commitment and billing period (docs/optimisation.md): the
-- commitment (the amortised hourly fee, used plus unused), what the plan's covered usage used
-- of it and what was left unused, its utilisation, the on-demand cost of what it covered and
-- the net saving against paying on-demand. purchase_billed_cost is the fee as invoiced (equal
-- to the commitment for a No Upfront plan). A plan is too_small in a period it used in full
-- while eligible usage still ran on demand (Savings Plans apply across the organisation's
-- accounts, so that usage is the period's total: with several plans, each sees all of it).
with

plan_charges as (

    select * from {{ ref('int_savings_plan_charges_summarized') }}
    where plan_role in ('purchase', 'used', 'unused')

),

on_demand_usage as (

    select
        billing_period,
        sum(effective_cost) as eligible_on_demand_cost
    from {{ ref('int_savings_plan_charges_summarized') }}
    where plan_role = 'on_demand'
    group by billing_period

),

summarized as (

    select
        commitment_discount_id,
        billing_period,
        min(charge_period_start) as first_charge_period_start,
        max(charge_period_end) as last_charge_period_end,
        sum(case when plan_role = 'purchase' then billed_cost else 0 end) as purchase_billed_cost,
        sum(case when plan_role = 'used' then effective_cost else 0 end) as used_commitment,
        sum(case when plan_role = 'unused' then effective_cost else 0 end) as unused_commitment,
        sum(case when plan_role = 'used' then list_cost else 0 end) as covered_on_demand_cost,
        count(distinct case when plan_role = 'used' then team end) as teams_covered
    from plan_charges
    group by
        commitment_discount_id,
        billing_period

),

final as (

    select
        summarized.commitment_discount_id,
        summarized.billing_period,
        summarized.first_charge_period_start,
        summarized.last_charge_period_end,
        summarized.used_commitment + summarized.unused_commitment as commitment,
        summarized.purchase_billed_cost,
        summarized.used_commitment,
        summarized.unused_commitment,
        case
            when summarized.used_commitment + summarized.unused_commitment > 0
                then 100 * summarized.used_commitment / (summarized.used_commitment + summarized.unused_commitment)
        end as utilization_pct,
        summarized.covered_on_demand_cost,
        summarized.covered_on_demand_cost - (summarized.used_commitment + summarized.unused_commitment) as net_savings,
        summarized.teams_covered,
        coalesce(on_demand_usage.eligible_on_demand_cost, 0) as eligible_on_demand_cost,
        case
            when summarized.unused_commitment > 0.005 then 'under_used'
            when summarized.used_commitment > 0 and coalesce(on_demand_usage.eligible_on_demand_cost, 0) > 0.005 then 'too_small'
            when summarized.used_commitment > 0 then 'fully_used'
            else 'no_usage'
        end as plan_status
    from summarized
    left join on_demand_usage on summarized.billing_period = on_demand_usage.billing_period

)

select * from final
