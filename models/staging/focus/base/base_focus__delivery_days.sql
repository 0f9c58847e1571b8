{{
    config(
        materialized='incremental',
        incremental_strategy=charge_days_strategy(),
        partition_by=charge_days_partition('delivery'),
        on_schema_change='fail',
        pre_hook="{{ delete_stale_deliveries() }}",
    )
}}
-- One aggregate pass over the FOCUS files: per billing account, billing period, delivery
-- and charge day, the row count and cost sums (all services) and a fingerprint of the
-- rows in scope (SageMaker and the related services). Deliveries and the incremental
-- day versions are rolled up from here, so the raw files are read once for both.
-- Incremental by delivery folder: a run reads only the folders it has not read (new or
-- rewritten ones, by their signature); the pre-hook drops folders that are gone.
with

export_rows as (

    select
        *,
        {{ is_sagemaker_charge() }} or {{ is_related_service_charge() }} as is_in_scope,
        {{ hours_between('charge_period_start', 'charge_period_end') }} as charge_hours
    from ({{ focus_charge_rows(delivery_keys_to_read()) }}) as focus_rows

),

final as (

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
        sum(case when is_in_scope then 1 else 0 end) as in_scope_row_count,
        -- fewer distinct contents than rows: some rows in scope are identical (int_charges_scoped)
        count(distinct case when is_in_scope then {{ hash_columns(charge_content_columns()) }} end) as in_scope_content_count,
        -- what the rows cover and at which time granularity the export was made
        max(charge_period_end) as max_charge_period_end,
        sum(case when charge_hours <= 1 then 1 else 0 end) as hourly_row_count,
        sum(case when charge_hours > 1 and charge_hours <= 24 then 1 else 0 end) as daily_row_count,
        sum(case when charge_hours > 24 then 1 else 0 end) as monthly_row_count,
        {{ content_fingerprint_agg(charge_content_columns(), 'is_in_scope') }} as in_scope_fingerprint
    from export_rows
    group by billing_account_id, billing_period, delivery_key, charge_date

)

select * from final
