-- The bridge explains the whole change: for every billing period with a previous month,
-- and both comparison bases, its rows sum to the period's effective cost in fct_ml_costs
-- minus the previous month's (whole, or its first days_with_data days), to the tolerance.
-- Read from the fact rows, not from the daily summary the bridge is built on. Returns the
-- periods and bases that differ, or are missing from the bridge while their cost changed.
with

facts as (

    select * from {{ ref('fct_ml_costs') }}

),

periods as (

    select * from {{ ref('stg_focus__billing_periods') }}

),

bridge as (

    select * from {{ ref('rpt_cost_change_bridge') }}

),

comparison_bases as (

    select 'reported' as comparison_basis
    union all
    select 'same_days' as comparison_basis

),

pairs as (

    select
        periods.billing_period,
        previous_periods.billing_period as previous_billing_period,
        {{ dbt.dateadd('day', 'least(periods.days_with_data, previous_periods.days_with_data)', 'previous_periods.billing_period_start') }}
            as previous_same_days_end
    from periods
    inner join periods as previous_periods on periods.billing_period_start = previous_periods.billing_period_end

),

expected as (

    select
        pairs.billing_period,
        basis.comparison_basis,
        sum(
            case
                when facts.billing_period = pairs.billing_period then facts.effective_cost
                when basis.comparison_basis = 'reported' or facts.charge_date < pairs.previous_same_days_end
                    then -facts.effective_cost
                else 0
            end
        ) as expected_change
    from pairs
    cross join comparison_bases as basis
    inner join facts on facts.billing_period in (pairs.billing_period, pairs.previous_billing_period)
    group by pairs.billing_period, basis.comparison_basis

),

explained as (

    select
        billing_period,
        comparison_basis,
        sum(change_effective_cost) as bridge_change
    from bridge
    group by billing_period, comparison_basis

),

final as (

    select
        expected.billing_period,
        expected.comparison_basis,
        expected.expected_change,
        explained.bridge_change
    from expected
    left join explained
        on expected.billing_period = explained.billing_period and expected.comparison_basis = explained.comparison_basis
    where abs(expected.expected_change - coalesce(explained.bridge_change, 0)) > {{ var('conservation_tolerance') }}

)

select * from final
