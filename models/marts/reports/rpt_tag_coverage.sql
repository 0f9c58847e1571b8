-- Tag coverage per billing period, cost category, resource type and required key, by
-- resource count and by effective cost, counted three ways:
--   in_billing  (a) the key is in billing Tags (an activated cost allocation tag)
--   tagged      (b) (a) or the key is on the resource or an ancestor in the API
--   resolved    (c) any step of the attribution chain gave a value (rules included)
-- tagged but not in billing means "tag exists but is not activated for billing": the fix
-- is to activate the key in the payer account, not to tag resources.
with

measured as (

    select * from {{ ref('int_tag_coverage_measured') }}

),

periods as (

    select * from {{ ref('int_billing_periods_paired') }}

),

required as (

    -- whether the key is required of these rows (var tag_coverage_key_filters), as the gate reads it
    select
        *,
        {{ tag_key_required_condition() }} as is_required
    from measured

),

aggregated as (

    select
        billing_period,
        cost_category,
        resource_type,
        required_key,
        is_required,
        count(distinct resource_key) as resource_count,
        count(distinct case when present_in_billing then resource_key end) as resources_in_billing,
        count(distinct case when present_on_resource then resource_key end) as resources_tagged,
        count(distinct case when resolved then resource_key end) as resources_resolved,
        count(distinct case when present_on_resource and not present_in_billing then resource_key end) as resources_tagged_not_in_billing,
        sum(effective_cost) as effective_cost,
        sum(cost_in_billing) as cost_in_billing,
        sum(cost_tagged) as cost_tagged,
        sum(cost_resolved) as cost_resolved,
        sum(cost_tagged_not_in_billing) as cost_tagged_not_in_billing
    from required
    group by billing_period, cost_category, resource_type, required_key, is_required

),

found as (

    select
        *,
        resources_in_billing / nullif(resource_count, 0) as coverage_in_billing_by_count,
        resources_tagged / nullif(resource_count, 0) as coverage_tagged_by_count,
        resources_resolved / nullif(resource_count, 0) as coverage_resolved_by_count,
        cost_in_billing / nullif(effective_cost, 0) as coverage_in_billing_by_cost,
        cost_tagged / nullif(effective_cost, 0) as coverage_tagged_by_cost,
        cost_resolved / nullif(effective_cost, 0) as coverage_resolved_by_cost,
        case
            when resources_tagged > 0 and resources_in_billing = 0
                then 'tag exists but is not activated for billing: activate the key as a cost allocation tag in the payer account'
            when cost_tagged_not_in_billing > 0
                then 'tag partly missing in billing: activated recently (not retroactive) or added after the charge'
            when resources_tagged < resource_count and resources_resolved = resource_count
                then 'resources untagged but resolved by inheritance gaps or rules: tag them at creation'
            when resources_tagged < resource_count
                then 'resources untagged: see rpt_untagged_resources'
            else 'ok'
        end as finding
    from aggregated

),

final as (

    select
        found.*,
        periods.days_in_period,
        periods.days_with_data,
        periods.is_complete
    from found
    inner join periods on found.billing_period = periods.billing_period

)

select * from final
