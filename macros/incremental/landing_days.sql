-- noqa: disable=LT02
{#-
    Incremental processing of a landed metric table by the day of its time column
    (docs/performance.md "CloudWatch days rebuilt when their rows change").

    The extractor lands CloudWatch metrics in snapshot folders (extract/ml_cost_extract/landing.py):
    each run re-reads a look-back window, so a day's rows can change after the day has been
    built, in a later snapshot, a rerun that rewrites a file, a file copied in late or one
    removed. What decides is the landed rows, not the files' names or times: each day of the time
    column gets a version, a sum of the hashes of the day's rows in every landed file with their
    count (a plain scan with 61 groups, about 0.1 s for 5.4M rows). A model built this way stores
    the version of each row's day (landing_day_version) and on each run
      1. deletes the rows of days whose version is no longer current (a pre-hook);
      2. builds the days whose current version it does not hold, filtering its source with
         constant time ranges, which DuckDB takes into the Parquet scan (files and row groups
         of other days are skipped by their statistics).
    The latest snapshot of each entity is chosen within its time period, so a day can be built
    from its own rows alone. DuckDB only: elsewhere these models are tables, rebuilt on each run.
-#}

{#- Model config materialized: incremental on DuckDB, a table elsewhere. -#}
{% macro landing_days_materialization() -%}
    {{ return('incremental' if target.type == 'duckdb' else 'table') }}
{%- endmacro %}

{#- A select of landing_date and landing_day_version: one row per day of a landed table. -#}
{% macro landing_day_versions(source_name, table_name, time_column) -%}
    {{ return(adapter.dispatch('landing_day_versions', 'ml_cost')(source_name, table_name, time_column)) }}
{%- endmacro %}

{#- Engines other than DuckDB rebuild the models as tables: no versions. -#}
{% macro default__landing_day_versions(source_name, table_name, time_column) -%}
    select
        cast(null as date) as landing_date,
        cast(null as {{ dbt.type_bigint() }}) as landing_day_version
    where 1 = 0
{%- endmacro %}

{#-
    The hash of the day's content fingerprint (content_fingerprint_agg, as the FOCUS charge days:
    a sum of the rows' hashes, so two copies of a file change it) and its row count. A number,
    not a text: the version is stored on every row, and a text column costs about 1 s per 10M
    rows to write.
-#}
{% macro duckdb__landing_day_versions(source_name, table_name, time_column) -%}
    {%- if not execute -%}
        {{ return(default__landing_day_versions(source_name, table_name, time_column)) }}
    {%- endif -%}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | first -%}
    select
        cast(cast({{ time_column }} as timestamp) as date) as landing_date,
        hash({{ content_fingerprint_agg(node.columns.keys() | list) }}, count(*)) as landing_day_version
    from {{ landing_source(source_name, table_name) }} as landed
    group by cast(cast({{ time_column }} as timestamp) as date)
{%- endmacro %}

{#-
    A row's landing_day_version: the version of its day (time_expression) in the relation
    `versions` (landing_day_versions). DuckDB looks the day up in a map built once, which costs
    less than joining millions of rows to a few dozen days (at 10M, 6.3 s against 8.4 s for the
    whole model); elsewhere there are no versions.
-#}
{% macro landing_day_version_lookup(time_expression, versions) -%}
    {{ return(adapter.dispatch('landing_day_version_lookup', 'ml_cost')(time_expression, versions)) }}
{%- endmacro %}

{% macro default__landing_day_version_lookup(time_expression, versions) -%}
    cast(null as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- Map keys cannot be null: a row without a time has no version, so every run rebuilds it (staging tests reject it). -#}
{% macro duckdb__landing_day_version_lookup(time_expression, versions) -%}
    (
        select map(list(landing_date), list(landing_day_version))
        from {{ versions }}
        where landing_date is not null
    )[cast({{ time_expression }} as date)]
{%- endmacro %}

{#-
    The days of a landed table whose current version this model does not hold yet (every day
    on a full build), read at compile time. A null day (rows without a time) is the string 'null'.
-#}
{% macro landing_days_to_build(source_name, table_name, time_column) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- if is_incremental() -%}
        {%- set built_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {%- if 'landing_day_version' not in built_columns -%}
            {{ exceptions.raise_compiler_error(
                this ~ ' has no column landing_day_version: it was built before it was incremental by day. '
                ~ 'Run dbt once with --full-refresh (docs/performance.md "Incremental runs").'
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- set query -%}
        select coalesce(cast(landing_date as varchar), 'null') as landing_date
        from ({{ landing_day_versions(source_name, table_name, time_column) }}) as versions
        {%- if is_incremental() %}
        where landing_day_version not in (
            select built.landing_day_version from {{ this }} as built where built.landing_day_version is not null
        )
        {%- endif %}
        order by 1
    {%- endset -%}
    {{ return(query_values(query)) }}
{%- endmacro %}

{#-
    Filter on the model's source: the days to build, as ranges of constant timestamps
    (consecutive days in one range); true on a full build or on engines without versions.
-#}
{% macro landing_days_to_process(source_name, table_name, time_column) -%}
    {%- if target.type != 'duckdb' or not is_incremental() -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set days = landing_days_to_build(source_name, table_name, time_column) -%}
    {%- set ranges = [] -%}
    {%- set dated = [] -%}
    {%- for day in days if day != 'null' -%}
        {%- do dated.append(modules.datetime.date.fromisoformat(day)) -%}
    {%- endfor -%}
    {%- for day in dated -%}
        {%- if ranges and ranges[-1][1] == day -%}
            {%- set lower = ranges.pop()[0] -%}
            {%- do ranges.append([lower, day + modules.datetime.timedelta(days=1)]) -%}
        {%- else -%}
            {%- do ranges.append([day, day + modules.datetime.timedelta(days=1)]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set conditions = [] -%}
    {%- for lower, upper in ranges -%}
        {%- do conditions.append(
            '(' ~ time_column ~ ' >= cast(' ~ sql_quote(lower.isoformat()) ~ ' as timestamp) and '
            ~ time_column ~ ' < cast(' ~ sql_quote(upper.isoformat()) ~ ' as timestamp))'
        ) -%}
    {%- endfor -%}
    {%- if 'null' in days -%}
        {%- do conditions.append(time_column ~ ' is null') -%}
    {%- endif -%}
    {{ return('(' ~ (conditions | join(' or ')) ~ ')' if conditions else '1 = 0') }}
{%- endmacro %}

{#- Pre-hook: delete the rows of days whose version is no longer current (changed or gone). -#}
{% macro delete_stale_landing_days(source_name, table_name, time_column) -%}
    {%- if target.type == 'duckdb' and is_incremental() -%}
        delete from {{ this }}
        where
            landing_day_version is null
            or landing_day_version not in (
                select versions.landing_day_version
                from ({{ landing_day_versions(source_name, table_name, time_column) }}) as versions
            )
    {%- else -%}
        select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}
