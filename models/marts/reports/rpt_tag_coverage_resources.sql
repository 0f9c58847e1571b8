-- Tag coverage at its finest grain: billing period x resource x cost category x required
-- key. The CI gate (generic test tag_coverage) runs on this model, which no other model
-- reads, so a failing gate fails the build without stopping any other mart.
with

measured as (

    select * from {{ ref('int_tag_coverage_measured') }}

),

periods as (

    -- a billing period is complete when what was delivered covers its end (not when its
    -- rows' charge periods do: a MONTHLY export's open month ends on the first of next month)
    select
        billing_period,
        is_complete as is_complete_period
    from {{ ref('stg_focus__billing_periods') }}

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
