-- One row per billing period and team: the monthly history of idle capacity and waste,
-- where rpt_idle_resources is a snapshot of the last days. Each column is a part of the
-- team's effective cost (they do not overlap):
--   idle_capacity_cost          shared endpoints' capacity no model used (model '(idle)')
--   unused_commitment_cost      Savings Plan commitment nobody used (savings_plan_unused)
--   endpoint_no_traffic_cost    other endpoint cost on days the endpoint had no invocation
--                               (only when CloudWatch invocations are landed at all); an
--                               endpoint is its name in its account and region, as the
--                               endpoint split and rpt_idle_resources match it
--   off_hours_development_cost  notebook and Studio app hours at night and at weekends
--                               (vars working_hours_start/end; hourly exports only, else null)
with

facts as (

    select * from {{ ref('fct_ml_costs') }}

),

periods as (

    select * from {{ ref('int_billing_periods_paired') }}

),

invocations as (

    select * from {{ ref('int_endpoint_invocations_resolved') }}

),

endpoint_invocation_days as (

    select distinct
        account_id,
        region,
        lower(endpoint_name) as endpoint_name,
        charge_date
    from invocations
    where invocations > 0

),

metrics_landed as (

    select count(*) > 0 as is_landed
    from invocations

),

classified as (

    select
        facts.billing_period,
        facts.team,
        facts.effective_cost,
        case
            when facts.allocation_method = 'idle_capacity' then 'idle_capacity'
            when facts.cost_category = 'savings_plan_unused' then 'unused_commitment'
            when
                facts.resource_type = 'endpoint'
                and facts.cost_category = 'endpoint_hosting'
                and metrics_landed.is_landed
                and endpoint_invocation_days.endpoint_name is null
                then 'endpoint_no_traffic'
            when
                facts.cost_category in ('notebook', 'studio_apps')
                and facts.usage_type not like '%VolumeUsage%'
                and {{ hours_between('facts.charge_period_start', 'facts.charge_period_end') }} <= 1
                and (
                    extract(hour from facts.charge_period_start) not between {{ var('working_hours_start') }}
                    and {{ var('working_hours_end') }} - 1
                    or {{ is_weekend('facts.charge_period_start') }}
                )
                then 'off_hours_development'
        end as waste_type
    from facts
    cross join metrics_landed
    left join endpoint_invocation_days
        on
            lower(facts.resource_name) = endpoint_invocation_days.endpoint_name
            and facts.sub_account_id = endpoint_invocation_days.account_id
            and facts.region_id = endpoint_invocation_days.region
            and facts.charge_date = endpoint_invocation_days.charge_date

),

team_months as (

    select
        billing_period,
        team,
        sum(effective_cost) as effective_cost,
        sum(case when waste_type = 'idle_capacity' then effective_cost else 0 end) as idle_capacity_cost,
        sum(case when waste_type = 'unused_commitment' then effective_cost else 0 end) as unused_commitment_cost,
        sum(case when waste_type = 'endpoint_no_traffic' then effective_cost else 0 end) as endpoint_no_traffic_cost,
        sum(case when waste_type = 'off_hours_development' then effective_cost else 0 end) as off_hours_development_cost
    from classified
    group by billing_period, team

),

final as (

    select
        team_months.billing_period,
        team_months.team,
        team_months.effective_cost,
        team_months.idle_capacity_cost,
        team_months.unused_commitment_cost,
        team_months.endpoint_no_traffic_cost,
        case when periods.export_granularity = 'HOURLY' then team_months.off_hours_development_cost end
            as off_hours_development_cost,
        team_months.idle_capacity_cost
        + team_months.unused_commitment_cost
        + team_months.endpoint_no_traffic_cost
        + case when periods.export_granularity = 'HOURLY' then team_months.off_hours_development_cost else 0 end
            as waste_cost,
        (
            team_months.idle_capacity_cost
            + team_months.unused_commitment_cost
            + team_months.endpoint_no_traffic_cost
            + case when periods.export_granularity = 'HOURLY' then team_months.off_hours_development_cost else 0 end
        ) / nullif(team_months.effective_cost, 0) as waste_share,
        periods.days_in_period,
        periods.days_with_data,
        periods.is_complete
    from team_months
    inner join periods on team_months.billing_period = periods.billing_period

)

select * from final
