-- noqa: disable=LT02
{#-
    Incremental processing by billing period and charge day (docs/performance.md "Incremental runs").

    stg_focus__charge_days holds one row per billing account, billing period and charge
    day of the latest deliveries, with a version: a hash of the day's in-scope rows
    (SageMaker and related services). A restated day gets a new version; an untouched day
    keeps its version however many times its period is re-delivered.

    Each incremental model stores the version of the rows it built, and on each run
      1. deletes its rows whose version is no longer current (a restated day or period, a
         day that disappeared, or everything from var reprocess_from on), as a pre-hook;
      2. appends rows for the current versions it does not hold yet.
    Day-grain models carry charge_day_version; period-grain models (aggregates over a
    billing period) carry billing_period_version. Older, unchanged days are not touched.
-#}

{#- Pre-hook: delete the rows of restated or vanished days (or periods). -#}
{% macro delete_stale_charge_days(grain='day') -%}
    {%- if is_incremental() -%}
        {%- set column = 'billing_period_version' if grain == 'period' else 'charge_day_version' -%}
        delete from {{ this }}
        where
            {{ column }} not in (select charge_days.{{ column }} from {{ ref('stg_focus__charge_days') }} as charge_days)
            {%- if var('reprocess_from', none) %}
                or {{ column }} in (
                    select charge_days.{{ column }}
                    from {{ ref('stg_focus__charge_days') }} as charge_days
                    where charge_days.charge_date >= cast('{{ var("reprocess_from") }}' as date)
                )
            {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- Filter on an upstream relation: only the days (or periods) this model does not hold yet. -#}
{% macro charge_days_to_process(grain='day', relation_alias=none) -%}
    {#- referenced on every run, so dbt knows the dependency when it parses the model -#}
    {%- set charge_days = ref('stg_focus__charge_days') -%}
    {%- set p = (relation_alias ~ '.') if relation_alias else '' -%}
    {%- if not is_incremental() -%}
        true
    {%- elif grain == 'period' -%}
        {{ p }}billing_period in (
            select charge_days.billing_period
            from {{ charge_days }} as charge_days
            where charge_days.billing_period_version not in (select built.billing_period_version from {{ this }} as built)
        )
    {%- else -%}
        {{ p }}charge_day_version in (
            select charge_days.charge_day_version
            from {{ charge_days }} as charge_days
            where charge_days.charge_day_version not in (select built.charge_day_version from {{ this }} as built)
        )
    {%- endif -%}
{%- endmacro %}

{#-
    The delivery folders that hold the charge days this model does not hold yet (and, with
    var reprocess_from, the days from then on): all a daily run has to open. none on a
    full refresh (read everything through the staging view).
-#}
{% macro delivery_keys_to_process() -%}
    {%- if not is_incremental() or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {#- compiled before the pre-hook deletes the days from reprocess_from on, so add them -#}
    {%- set query -%}
        select distinct charge_days.delivery_key
        from {{ ref('stg_focus__charge_days') }} as charge_days
        where
            {{ charge_days_to_process(relation_alias='charge_days') }}
            {%- if var('reprocess_from', none) %}
                or charge_days.charge_date >= cast('{{ var("reprocess_from") }}' as date)
            {%- endif %}
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{#-
    Pre-hook of base_focus__delivery_days: delete the rows of delivery folders that are
    gone or were rewritten (their signature changed); the model then reads the folders
    whose signature it does not hold (macro delivery_keys_to_read).
-#}
{% macro delete_stale_deliveries() -%}
    {%- if is_incremental() -%}
        {%- set signatures = focus_delivery_signatures() -%}
        delete from {{ this }}
        {%- if signatures is not none %}
        where delivery_signature not in ({{ "'" ~ (signatures.values() | join("', '")) ~ "'" }})
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- The delivery folders base_focus__delivery_days has not read yet (none: all of them). -#}
{% macro delivery_keys_to_read() -%}
    {%- if not is_incremental() or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set signatures = focus_delivery_signatures() -%}
    {%- if signatures is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set known = run_query('select distinct delivery_signature from ' ~ this).columns[0].values() | list -%}
    {%- set keys = [] -%}
    {%- for key, signature in signatures.items() if signature not in known -%}
        {%- do keys.append(key) -%}
    {%- endfor -%}
    {{ return(keys) }}
{%- endmacro %}

{#- The columns of a FOCUS row that the pipeline reads: their hash is the row's content. -#}
{% macro charge_content_columns() -%}
    {{ return([
        'billing_account_id', 'billing_period_start', 'billing_period_end', 'charge_period_start', 'charge_period_end',
        'sub_account_id', 'sub_account_name', 'region_id', 'resource_id', 'resource_name', 'service_name',
        'x_service_code', 'usage_type', 'charge_category', 'charge_class', 'charge_description', 'pricing_category',
        'pricing_unit', 'pricing_quantity', 'consumed_quantity', 'commitment_discount_id', 'commitment_discount_status',
        'billing_currency', 'billed_cost', 'effective_cost', 'list_cost', 'tags',
    ]) }}
{%- endmacro %}

{#- Order-independent fingerprint of the rows of a group where condition holds. -#}
{% macro content_fingerprint_agg(columns, condition='true') -%}
    {{ return(adapter.dispatch('content_fingerprint_agg', 'ml_cost')(columns, condition)) }}
{%- endmacro %}

{% macro default__content_fingerprint_agg(columns, condition) -%}
    {#- distinct: the day's row count, part of its version, catches duplicated rows -#}
    {{ md5_hex("coalesce(" ~ string_agg_distinct("case when " ~ condition ~ " then " ~ hash_columns(columns) ~ " end", ',') ~ ", '')") }}
{%- endmacro %}

{% macro duckdb__content_fingerprint_agg(columns, condition) -%}
    sum(case when {{ condition }} then cast({{ hash_columns(columns) }} as hugeint) else 0 end)
{%- endmacro %}
