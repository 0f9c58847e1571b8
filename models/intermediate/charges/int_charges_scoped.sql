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
-- The one read of the FOCUS rows themselves: the rows in scope (SageMaker and the related
-- services) of the latest deliveries, for the charge days this table does not hold yet
-- (all of them on a full refresh). Both isolation models are views over this table.
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

day_charges as {{ not_materialized() }} (

    select
        charges.*,
        charge_days.charge_day_version,
        {{ hash_columns(charge_columns) }} as content_hash
    from charges
    inner join charge_days
        on
            charges.billing_account_id is not distinct from charge_days.billing_account_id
            and charges.billing_period = charge_days.billing_period
            and charges.charge_date = charge_days.charge_date
            and charges.delivery_key = charge_days.delivery_key

),

repeated_contents as (

    -- the contents that more than one row of a day carries (few: most rows are unique)
    select
        billing_account_id,
        charge_date,
        content_hash
    from day_charges
    group by billing_account_id, charge_date, content_hash
    having count(*) > 1

),

flagged as {{ not_materialized() }} (

    select
        day_charges.*,
        repeated_contents.content_hash is not null as is_repeated
    from day_charges
    left join repeated_contents
        on
            day_charges.billing_account_id is not distinct from repeated_contents.billing_account_id
            and day_charges.charge_date = repeated_contents.charge_date
            and day_charges.content_hash = repeated_contents.content_hash

),

numbered as (

    -- identical rows of a day are numbered, so each keeps its own id; only the repeated
    -- contents go through the window, which would otherwise sort every wide row
    select
        *,
        1 as content_occurrence
    from flagged
    where not is_repeated

    union all

    select
        *,
        row_number() over (
            partition by billing_account_id, charge_date, content_hash
            order by source_file, source_row_key
        ) as content_occurrence
    from flagged
    where is_repeated

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
