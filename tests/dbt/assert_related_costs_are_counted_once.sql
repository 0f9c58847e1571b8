-- Fully-loaded conservation: every related row (S3, ECR, CloudWatch used by ML) is split
-- into linked and unlinked parts that sum back to it, so related costs attributed to
-- models plus unlinked related costs equal the related rows' total, per billing period.
with

related_rows as (

    select
        billing_period,
        count(*) as source_rows,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from {{ ref('int_related_charges_isolated') }}
    group by billing_period

),

linked as (

    select
        billing_period,
        count(distinct charge_id) as linked_rows,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from {{ ref('int_related_costs_linked') }}
    group by billing_period

)

select
    related_rows.billing_period,
    related_rows.source_rows,
    linked.linked_rows,
    related_rows.effective_cost - coalesce(linked.effective_cost, 0) as effective_cost_gap
from related_rows
left join linked on related_rows.billing_period = linked.billing_period
where
    related_rows.source_rows != coalesce(linked.linked_rows, 0)
    or abs(related_rows.effective_cost - coalesce(linked.effective_cost, 0)) > {{ var('conservation_tolerance') }}
    or abs(related_rows.billed_cost - coalesce(linked.billed_cost, 0)) > {{ var('conservation_tolerance') }}
