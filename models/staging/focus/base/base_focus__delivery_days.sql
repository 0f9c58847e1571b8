{{
    config(
        materialized='incremental',
        incremental_strategy=charge_days_strategy(),
        partition_by=charge_days_partition('delivery'),
        on_schema_change='fail',
        pre_hook="{{ delete_stale_deliveries() }}",
    )
}}
{%- set focus_rows = focus_charge_rows(delivery_keys_to_read()) -%}
-- Per billing account, billing period, delivery and charge day: the row count and cost sums
-- (all services) and a fingerprint of the rows in scope (SageMaker and the related
-- services). Deliveries and the incremental day versions are rolled up from here.
-- Two reads of the files in one statement: the totals need a few narrow columns of every
-- row, the fingerprint every content column of the rows in scope only, so the wide columns
-- of the other services' rows are never hashed (docs/performance.md "Delivery days: the
-- wide columns of the rows in scope only").
-- Incremental by delivery folder: a run reads only the folders it has not read (new or
-- rewritten ones, by their signature); the pre-hook drops folders that are gone.
with

export_rows as (

    select
        *,
        {{ hours_between('charge_period_start', 'charge_period_end') }} as charge_hours
    from ({{ focus_rows }}) as focus_rows

),

in_scope_rows as (

    select * from ({{ focus_rows }}) as focus_rows
    where {{ is_sagemaker_charge() }} or {{ is_related_service_charge() }}

),

day_totals as (

    select
        billing_account_id,
        billing_period,
        delivery_key,
        charge_date,
        max(delivered_at) as delivered_at,
        max(delivery_signature) as delivery_signature,
        count(*) as row_count,
        sum(billed_cost) as billed_cost,
        sum(effective_cost) as effective_cost,
        sum(list_cost) as list_cost,
        -- what the rows cover and at which time granularity the export was made
        max(charge_period_end) as max_charge_period_end,
        sum(case when charge_hours <= 1 then 1 else 0 end) as hourly_row_count,
        sum(case when charge_hours > 1 and charge_hours <= 24 then 1 else 0 end) as daily_row_count,
        sum(case when charge_hours > 24 then 1 else 0 end) as monthly_row_count
    from export_rows
    group by billing_account_id, billing_period, delivery_key, charge_date

),

in_scope_day_contents as (

    select
        billing_account_id,
        billing_period,
        delivery_key,
        charge_date,
        count(*) as in_scope_row_count,
        -- fewer distinct contents than rows: some rows in scope are identical (int_charges_scoped)
        count(distinct {{ hash_columns(charge_content_columns()) }}) as in_scope_content_count,
        {{ content_fingerprint_agg(charge_content_columns()) }} as in_scope_fingerprint
    from in_scope_rows
    group by billing_account_id, billing_period, delivery_key, charge_date

),

final as (

    -- a day without rows in scope has none of them: counts 0, the empty fingerprint
    select
        day_totals.billing_account_id,
        day_totals.billing_period,
        day_totals.delivery_key,
        day_totals.charge_date,
        day_totals.delivered_at,
        day_totals.delivery_signature,
        day_totals.row_count,
        day_totals.billed_cost,
        day_totals.effective_cost,
        day_totals.list_cost,
        coalesce(in_scope_day_contents.in_scope_row_count, 0) as in_scope_row_count,
        coalesce(in_scope_day_contents.in_scope_content_count, 0) as in_scope_content_count,
        day_totals.max_charge_period_end,
        day_totals.hourly_row_count,
        day_totals.daily_row_count,
        day_totals.monthly_row_count,
        coalesce(in_scope_day_contents.in_scope_fingerprint, {{ empty_content_fingerprint() }}) as in_scope_fingerprint
    from day_totals
    left join in_scope_day_contents
        on
            day_totals.billing_account_id is not distinct from in_scope_day_contents.billing_account_id
            and day_totals.billing_period = in_scope_day_contents.billing_period
            and day_totals.delivery_key = in_scope_day_contents.delivery_key
            and day_totals.charge_date = in_scope_day_contents.charge_date

)

select * from final
