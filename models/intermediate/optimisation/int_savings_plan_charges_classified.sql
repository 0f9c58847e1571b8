-- The charge rows a SageMaker Savings Plan view needs (docs/optimisation.md), one row per
-- allocation row of int_ml_charges_attributed with its role:
--   purchase   the plan's fee (ChargeCategory Purchase, billed cost = the commitment invoiced)
--   used       usage the plan covered (CommitmentDiscountStatus Used): effective cost at the
--              plan's rate, list cost at on-demand
--   unused     the commitment nothing used (CommitmentDiscountStatus Unused)
--   on_demand  eligible usage (seeds/savings_plans_eligibility.csv) paid at on-demand rates
-- Spot, free and ineligible usage have no role and are left out.
-- A view: almost every attributed row has a role, so a table copied them all on every run
-- (docs/performance.md); int_savings_plan_charges_summarized sums it by charge day for the
-- three Savings Plans reports.
{{ config(materialized='view') }}
with

charges as (

    select * from {{ ref('int_ml_charges_attributed') }}

),

eligibility as (

    select * from {{ ref('savings_plans_eligibility') }}

),

classified as (

    select
        charges.allocation_id,
        charges.charge_id,
        charges.billing_period,
        charges.charge_period_start,
        charges.charge_period_end,
        charges.charge_date,
        charges.sub_account_id,
        charges.commitment_discount_id,
        charges.cost_category,
        charges.instance_type,
        coalesce({{ instance_family('charges.instance_type') }}, '(no instance)') as instance_family,
        charges.team,
        charges.model,
        case
            when charges.cost_category = 'savings_plan_purchase' and charges.commitment_discount_id is not null then 'purchase'
            when charges.cost_category = 'savings_plan_unused' then 'unused'
            when charges.commitment_discount_status = 'Used' then 'used'
            when
                charges.pricing_category = 'on_demand'
                and charges.charge_category = 'Usage'
                and coalesce(eligibility.is_eligible, false)
                then 'on_demand'
        end as plan_role,
        {{ dbt.datediff('charges.charge_period_start', 'charges.charge_period_end', 'hour') }} as period_hours,
        charges.billed_cost,
        charges.effective_cost,
        charges.list_cost,
        charges.charge_day_version
    from charges
    left join eligibility on charges.cost_category = eligibility.cost_category

),

final as (

    select * from classified
    where plan_role is not null

)

select * from final
