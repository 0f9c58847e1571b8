-- Tag coverage at its finest grain: billing period x resource x cost category x required
-- key. The CI gate (generic test tag_coverage) runs on this model, which no other model
-- reads, so a failing gate fails the build without stopping any other mart.
with

measured as (

    select * from {{ ref('int_tag_coverage_measured') }}

),

periods as (

    -- a billing period is complete when the data reaches its end
    select
        billing_period,
        max(max(last_charged_at)) over () >= max(billing_period_end) as is_complete_period
    from measured
    group by billing_period

),

final as (

    select
        measured.*,
        periods.is_complete_period,
        {{ tag_key_required_condition() }} as is_required
    from measured
    inner join periods on measured.billing_period = periods.billing_period

)

select * from final
