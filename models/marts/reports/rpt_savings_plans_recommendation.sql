-- A SageMaker Savings Plans purchase recommendation (docs/optimisation.md): for each rate
-- option (seeds/savings_plans_rates.csv, and the rate observed on the bill when a plan covered
-- usage in the window), the hourly commitment that would have saved the most over the last
-- savings_plan_lookback_days of eligible usage still paid on demand (on top of the plans
-- already held). A commitment c at rate r (share of on-demand) covers up to c / r of on-demand
-- spend an hour and costs c every hour, used or not: over the window it saves
--   sum over hours of least(on-demand spend, c / r) - c x hours in the window,
-- a concave function of c whose best value is r x the spend of one of the hours (or 0), so each
-- of those is tried. Rows of daily or monthly exports count as an even spend over their hours.
-- The commitment breaks even at utilisation r; the fields follow Cost Optimization Hub's
-- SageMakerSavingsPlansConfiguration (term, payment option, hourly commitment).
with

plan_charges as (

    select * from {{ ref('int_savings_plan_charges_summarized') }}
    where plan_role in ('on_demand', 'used')

),

rates as (

    select * from {{ ref('savings_plans_rates') }}

),

window_bounds as (

    select
        {{ dbt.dateadd('day', '-' ~ var('savings_plan_lookback_days'), 'max(charge_period_end)') }} as window_start,
        max(charge_period_end) as window_end
    from plan_charges

),

in_window as (

    select plan_charges.*
    from plan_charges
    cross join window_bounds
    where plan_charges.charge_period_start >= window_bounds.window_start

),

spend_periods as (

    -- eligible on-demand spend per charge period, as a rate per hour
    select
        charge_period_start,
        max(period_hours) as period_hours,
        sum(effective_cost) / max(period_hours) as hourly_on_demand_cost
    from in_window
    where plan_role = 'on_demand' and period_hours > 0
    group by charge_period_start

),

observed_rates as (

    select sum(effective_cost) / sum(list_cost) as rate_share_of_on_demand
    from in_window
    where plan_role = 'used'
    having sum(list_cost) > 0

),

options as (

    select
        cast(cast(term_years as integer) as {{ dbt.type_string() }}) || ' year ' || payment_option as option_name,
        term_years,
        payment_option,
        'seed' as rate_basis,
        rate_share_of_on_demand
    from rates
    union all
    select
        'rate observed on the bill' as option_name,
        cast(null as {{ dbt.type_float() }}) as term_years,
        cast(null as {{ dbt.type_string() }}) as payment_option,
        'observed_on_bill' as rate_basis,
        rate_share_of_on_demand
    from observed_rates

),

candidates as (

    select distinct
        options.option_name,
        options.rate_share_of_on_demand,
        options.rate_share_of_on_demand * spend_periods.hourly_on_demand_cost as hourly_commitment
    from options
    cross join spend_periods
    union all
    select
        option_name,
        rate_share_of_on_demand,
        0.0 as hourly_commitment
    from options

),

evaluated as (

    select
        candidates.option_name,
        candidates.rate_share_of_on_demand,
        candidates.hourly_commitment,
        sum(spend_periods.period_hours * spend_periods.hourly_on_demand_cost) as eligible_on_demand_cost,
        sum(
            spend_periods.period_hours
            * least(spend_periods.hourly_on_demand_cost, candidates.hourly_commitment / candidates.rate_share_of_on_demand)
        ) as covered_on_demand_cost
    from candidates
    cross join spend_periods
    group by
        candidates.option_name,
        candidates.rate_share_of_on_demand,
        candidates.hourly_commitment

),

scored as (

    select
        evaluated.*,
        window_bounds.window_start,
        window_bounds.window_end,
        {{ dbt.datediff('window_bounds.window_start', 'window_bounds.window_end', 'hour') }} as window_hours,
        evaluated.hourly_commitment
        * {{ dbt.datediff('window_bounds.window_start', 'window_bounds.window_end', 'hour') }} as commitment_cost
    from evaluated
    cross join window_bounds

),

ranked as (

    select
        *,
        covered_on_demand_cost - commitment_cost as net_savings,
        row_number() over (
            partition by option_name
            order by covered_on_demand_cost - commitment_cost desc, hourly_commitment asc
        ) as candidate_rank
    from scored

),

final as (

    select
        ranked.option_name,
        options.rate_basis,
        options.term_years,
        options.payment_option,
        ranked.rate_share_of_on_demand,
        {{ var('savings_plan_lookback_days') }} as lookback_days,
        ranked.window_start,
        ranked.window_end,
        ranked.eligible_on_demand_cost,
        ranked.hourly_commitment as recommended_hourly_commitment,
        ranked.commitment_cost as expected_commitment_cost,
        ranked.covered_on_demand_cost as expected_covered_on_demand_cost,
        ranked.net_savings as expected_net_savings,
        ranked.net_savings * {{ var('hours_per_month') }} / ranked.window_hours as expected_monthly_savings,
        case
            when ranked.eligible_on_demand_cost > 0
                then 100 * ranked.covered_on_demand_cost / ranked.eligible_on_demand_cost
        end as expected_coverage_pct,
        case
            when ranked.commitment_cost > 0
                then 100 * ranked.covered_on_demand_cost * ranked.rate_share_of_on_demand / ranked.commitment_cost
        end as expected_utilization_pct,
        100 * ranked.rate_share_of_on_demand as break_even_utilization_pct
    from ranked
    inner join options on ranked.option_name = options.option_name
    where ranked.candidate_rank = 1

)

select * from final
