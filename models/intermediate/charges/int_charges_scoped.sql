{{
    config(
        materialized='incremental',
        pre_hook="{{ delete_stale_charge_days() }}",
        partition_by=charge_days_partition(),
    )
}}
-- depends_on: {{ ref('base_focus__export_files') }}
{%- set content_columns = charge_content_columns() -%}
{%- set charge_columns = [] -%}
{%- for column in content_columns -%}
    {%- do charge_columns.append('charges.' ~ column) -%}
{%- endfor -%}
{%- set row_columns = content_columns + ['billing_period', 'charge_date', 'source_file', 'source_row_key'] -%}
{%- set repeated_keys = delivery_keys_with_repeated_contents() -%}
-- The one read of the FOCUS rows themselves: the rows in scope (SageMaker and the related
-- services) of the latest deliveries, for the charge days this table does not hold yet
-- (all of them on a full refresh). Both isolation models are views over this table.
-- Identical rows of a day are numbered so that each keeps its own id. The days where
-- that can happen (stg_focus__charge_days.has_repeated_contents, usually none) are read
-- again from their own delivery folders and numbered with a window; every other row is
-- unique in its day and read once.
with

charges as {{ not_materialized() }} (

    {% if is_incremental() -%}
        -- a daily run opens only the delivery folders that hold the days to process
        select * from ({{ focus_charge_rows(delivery_keys_to_process()) }}) as focus_rows
    {%- else -%}
        select * from {{ ref('stg_focus__charges') }}
    {%- endif %}
    where {{ is_sagemaker_charge() }} or {{ is_related_service_charge() }}

),

charge_days as (

    select * from {{ ref('stg_focus__charge_days') }}
    where {{ charge_days_to_process() }}

),

unique_day_charges as (

    {{ scoped_charge_day_rows('charges', 'charge_days', row_columns, charge_columns, repeated=false) }}

),

repeated_charges as (

    {% if repeated_keys -%}
        -- the delivery folders of the flagged days, read a second time
        select * from ({{ focus_charge_rows(repeated_keys) }}) as focus_rows
        where {{ is_sagemaker_charge() }} or {{ is_related_service_charge() }}
    {%- else -%}
        -- no flagged day: no rows, and no file opened
        select * from charges
        where false
    {%- endif %}

),

repeated_day_charges as (

    {{ scoped_charge_day_rows('repeated_charges', 'charge_days', row_columns, charge_columns, repeated=true) }}

),

repeated_day_charges_numbered as (

    select
        *,
        row_number() over (
            partition by billing_account_id, charge_date, content_hash
            order by source_file, source_row_key
        ) as content_occurrence
    from repeated_day_charges

),

numbered as (

    select
        *,
        1 as content_occurrence
    from unique_day_charges

    union all

    select * from repeated_day_charges_numbered

),

final as (

    select
        {{ md5_hex(
            "concat_ws('|', coalesce(billing_account_id, ''), cast(charge_date as " ~ dbt.type_string() ~ "), "
            ~ "cast(content_hash as " ~ dbt.type_string() ~ "), cast(content_occurrence as " ~ dbt.type_string() ~ "))"
        ) }} as charge_id,
        {% for column in content_columns %}
            {{ column }},
        {% endfor %}
        billing_period,
        charge_date,
        case when tags is not null then {{ hash_columns(['tags']) }} end as tag_set_id,
        {{ is_sagemaker_charge() }} as is_sagemaker,
        {{ is_related_service_charge() }} as is_related_service,
        source_file,
        source_row_key,
        charge_day_version,
        '{{ invocation_id }}' as built_by_invocation_id
    from numbered

)

select * from final
