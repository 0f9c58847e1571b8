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

    Spark has no `delete` on Parquet tables: there the models are partitioned by billing_period,
    the pre-hook drops the partitions of every period with a changed day (or period) version,
    and the run rebuilds those whole periods with insert_overwrite. A partition per period, not
    per day: registering a partition in the Hive metastore takes about a second, and AWS
    re-delivers the whole current period on each refresh anyway (docs/engines.md).
    Athena uses Iceberg tables, which take `delete`, so it runs as DuckDB does.
-#}

{#- Incremental strategy: append after the pre-hook's delete; Spark overwrites the partitions it rebuilds. -#}
{% macro charge_days_strategy() -%}
    {{ return('insert_overwrite' if target.type == 'spark' else 'append') }}
{%- endmacro %}

{#-
    Model config partition_by: on Spark billing_period (grain day or period), or delivery_key
    (grain delivery, base_focus__delivery_days); none elsewhere.
-#}
{% macro charge_days_partition(grain='day') -%}
    {%- if target.type == 'spark' -%}
        {{ return(['delivery_key'] if grain == 'delivery' else ['billing_period']) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- Pre-hook: delete the rows of restated or vanished days (or periods). -#}
{% macro delete_stale_charge_days(grain='day') -%}
    {{ return(adapter.dispatch('delete_stale_charge_days', 'ml_cost')(grain)) }}
{%- endmacro %}

{% macro default__delete_stale_charge_days(grain) -%}
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

{#- Spark: drop the partitions of the billing periods whose versions changed (charge_days_stale_keys). -#}
{% macro spark__delete_stale_charge_days(grain) -%}
    {%- set keys = charge_days_stale_keys(grain) if is_incremental() else [] -%}
    {{ drop_partitions(this, 'billing_period', keys) }}
{%- endmacro %}

{#-
    Spark: the billing periods whose set of versions in this model (charge_day_version, or
    billing_period_version for grain 'period') differs from the current one in
    stg_focus__charge_days (a restated, new or vanished day), and with var reprocess_from
    every period from then on. Computed when the model compiles and again in its pre-hook;
    nothing is written between the two, so both see the same set.
-#}
{% macro charge_days_stale_keys(grain='day') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set column = 'billing_period_version' if grain == 'period' else 'charge_day_version' -%}
    {%- set query -%}
        with
        current_versions as (
            select distinct billing_period, {{ column }} as version
            from {{ ref('stg_focus__charge_days') }}
        ),
        built_versions as (
            select distinct billing_period, {{ column }} as version
            from {{ this }}
        )
        select distinct coalesce(current_versions.billing_period, built_versions.billing_period) as billing_period
        from current_versions
        full outer join built_versions
            on current_versions.billing_period = built_versions.billing_period and current_versions.version = built_versions.version
        where current_versions.version is null or built_versions.version is null
        {%- if var('reprocess_from', none) %}
        union
        select distinct billing_period
        from {{ ref('stg_focus__charge_days') }}
        where charge_date >= cast('{{ var("reprocess_from") }}' as date)
        {%- endif %}
    {%- endset -%}
    {{ return(query_values(query) | sort) }}
{%- endmacro %}

{#- Spark: `alter table ... drop partition` for each value of the partition column (or a no-op). -#}
{% macro drop_partitions(relation, column, values) -%}
    {%- if values | length == 0 -%}
        select 1 as nothing_to_drop
    {%- else -%}
        alter table {{ relation }} drop if exists
        {%- for value in values %}
            partition ({{ column }} = {{ sql_quote(value) }}){{ ',' if not loop.last }}
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}

{#- Filter on an upstream relation: only the days (or periods) this model does not hold yet. -#}
{% macro charge_days_to_process(grain='day', relation_alias=none) -%}
    {{ return(adapter.dispatch('charge_days_to_process', 'ml_cost')(grain, relation_alias)) }}
{%- endmacro %}

{#-
    Spark: whole billing periods, as literals: insert_overwrite replaces a period's partition,
    so every day of a changed period is rebuilt, and the model's SQL never reads the table it
    overwrites (Spark refuses that).
-#}
{% macro spark__charge_days_to_process(grain, relation_alias) -%}
    {%- set charge_days = ref('stg_focus__charge_days') -%}
    {%- set p = (relation_alias ~ '.') if relation_alias else '' -%}
    {%- if not is_incremental() -%}
        true
    {%- else -%}
        {%- set keys = charge_days_stale_keys(grain) -%}
        {%- if keys | length == 0 -%}
            1 = 0
        {%- else -%}
            {{ p }}billing_period in ({{ sql_in_list(keys) }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#-
    `select distinct` of the held versions: the subquery is then a few hundred versions, not a
    version per row of the model. Without it DuckDB built its `not in` hash table from every row:
    0.8 to 0.9 s against 0.16 s on the 10M demo's attributed rows, five times that at 50M, in
    each incremental model's run.
-#}
{% macro default__charge_days_to_process(grain, relation_alias) -%}
    {#- referenced on every run, so dbt knows the dependency when it parses the model -#}
    {%- set charge_days = ref('stg_focus__charge_days') -%}
    {%- set p = (relation_alias ~ '.') if relation_alias else '' -%}
    {%- if not is_incremental() -%}
        true
    {%- elif grain == 'period' -%}
        {{ p }}billing_period in (
            select charge_days.billing_period
            from {{ charge_days }} as charge_days
            where charge_days.billing_period_version not in (select distinct built.billing_period_version from {{ this }} as built)
        )
    {%- else -%}
        {{ p }}charge_day_version in (
            select charge_days.charge_day_version
            from {{ charge_days }} as charge_days
            where charge_days.charge_day_version not in (select distinct built.charge_day_version from {{ this }} as built)
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
    {{ return(charge_day_delivery_keys()) }}
{%- endmacro %}

{#-
    The delivery folders of the charge days to process (every day on a full refresh) where
    stg_focus__charge_days.has_repeated_contents: the only folders int_charges_scoped reads
    a second time, to number identical rows. Usually none.
-#}
{% macro delivery_keys_with_repeated_contents() -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {{ return(charge_day_delivery_keys('charge_days.has_repeated_contents')) }}
{%- endmacro %}

{#-
    Predicate on stg_focus__charge_days (alias charge_days) for a query run when the model
    compiles: the charge days to process. Compiled before the pre-hook deletes the days from
    var reprocess_from on, so those days are added.
-#}
{% macro charge_days_to_process_at_compile() -%}
    (
        {{ charge_days_to_process(relation_alias='charge_days') }}
        {%- if is_incremental() and var('reprocess_from', none) %}
            or charge_days.charge_date >= cast('{{ var("reprocess_from") }}' as date)
        {%- endif %}
    )
{%- endmacro %}

{#- The delivery folders of the charge days to process where condition holds (a query, at compile time). -#}
{% macro charge_day_delivery_keys(condition='true') -%}
    {%- set query -%}
        select distinct charge_days.delivery_key
        from {{ ref('stg_focus__charge_days') }} as charge_days
        where ({{ condition }}) and {{ charge_days_to_process_at_compile() }}
    {%- endset -%}
    {{ return(query_values(query) | sort) }}
{%- endmacro %}

{#-
    Pre-hook of base_focus__delivery_days: delete the rows of delivery folders that are
    gone or were rewritten (their signature changed); the model then reads the folders
    whose signature it does not hold (macro delivery_keys_to_read). On Spark the table is
    partitioned by delivery_key and those partitions are dropped.
-#}
{% macro delete_stale_deliveries() -%}
    {{ return(adapter.dispatch('delete_stale_deliveries', 'ml_cost')()) }}
{%- endmacro %}

{% macro spark__delete_stale_deliveries() -%}
    {%- set keys = [] -%}
    {%- if is_incremental() -%}
        {%- set signatures = focus_delivery_signatures() -%}
        {%- for row in run_query('select distinct delivery_key, delivery_signature from ' ~ this).rows
            if signatures.get(row[0]) != row[1] -%}
            {%- do keys.append(row[0]) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ drop_partitions(this, 'delivery_key', keys | unique | list) }}
{%- endmacro %}

{% macro default__delete_stale_deliveries() -%}
    {%- if is_incremental() -%}
        {#- no selected delivery at all: not in ('') deletes every row, as it should -#}
        {%- set signatures = focus_delivery_signatures() -%}
        delete from {{ this }}
        where delivery_signature not in ({{ "'" ~ (signatures.values() | join("', '")) ~ "'" }})
    {%- endif -%}
{%- endmacro %}

{#- The delivery folders base_focus__delivery_days has not read yet (none: all of them). -#}
{% macro delivery_keys_to_read() -%}
    {%- if not is_incremental() or not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set signatures = focus_delivery_signatures() -%}
    {%- set known = query_values('select distinct delivery_signature from ' ~ this) -%}
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

{#-
    What content_fingerprint_agg gives for a group none of whose rows meets the condition:
    the fingerprint of a day with no rows in scope, whose rows are aggregated elsewhere.
-#}
{% macro empty_content_fingerprint() -%}
    {{ return(adapter.dispatch('empty_content_fingerprint', 'ml_cost')()) }}
{%- endmacro %}

{% macro default__empty_content_fingerprint() -%}
    {{ md5_hex("''") }}
{%- endmacro %}

{% macro duckdb__empty_content_fingerprint() -%}
    cast(0 as hugeint)
{%- endmacro %}

{#- Order-independent fingerprint of the day versions of a period, as a window over partition_by. -#}
{% macro period_fingerprint_window(version_column, partition_by) -%}
    {{ return(adapter.dispatch('period_fingerprint_window', 'ml_cost')(version_column, partition_by)) }}
{%- endmacro %}

{% macro default__period_fingerprint_window(version_column, partition_by) -%}
    {{ not_supported('period_fingerprint_window') }}
{%- endmacro %}

{% macro spark__period_fingerprint_window(version_column, partition_by) -%}
    array_join(array_sort(collect_list({{ version_column }}) over (partition by {{ partition_by }})), ',')
{%- endmacro %}

{% macro athena__period_fingerprint_window(version_column, partition_by) -%}
    array_join(array_sort(array_agg({{ version_column }}) over (partition by {{ partition_by }})), ',')
{%- endmacro %}

{% macro duckdb__period_fingerprint_window(version_column, partition_by) -%}
    sum(cast({{ version_column }} as hugeint)) over (partition by {{ partition_by }})
{%- endmacro %}
