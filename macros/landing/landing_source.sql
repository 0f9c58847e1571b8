{#- The landing folder: --vars landing_path, else env ML_COST_LANDING, else data/landing. -#}
{% macro landing_path() -%}
    {{ return((var('landing_path', env_var('ML_COST_LANDING', 'data/landing')) | string | trim).rstrip('/')) }}
{%- endmacro %}

{#-
    A landed metadata table, or an empty relation with its declared column types
    when nothing has been landed yet (billing-only mode: the FOCUS layer works on
    its own and metadata-based steps find nothing).
-#}
{% macro landing_source(source_name, table_name) -%}
    {{ return(adapter.dispatch('landing_source', 'ml_cost')(source_name, table_name)) }}
{%- endmacro %}

{% macro default__landing_source(source_name, table_name) -%}
    {{ return(source(source_name, table_name)) }}
{%- endmacro %}

{% macro duckdb__landing_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set pattern = landing_path() ~ '/' ~ source_name ~ '/' ~ table_name ~ '/**/*.parquet' -%}
    {%- set found = run_query("select count(*) from glob(" ~ sql_quote(pattern) ~ ")").columns[0].values()[0] -%}
    {%- if found > 0 -%}
        {{ return("read_parquet(" ~ sql_quote(pattern) ~ ", union_by_name = true)") }}
    {%- endif -%}
    {{ return('(' ~ empty_typed_relation(source_name, table_name) ~ ')') }}
{%- endmacro %}

{#- The graph node of a declared source table (models/staging/*/_*__sources.yml); a compile error naming it when it is not declared. -#}
{% macro landing_source_node(source_name, table_name) -%}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | first -%}
    {%- if node is not defined or node is none -%}
        {{ exceptions.raise_compiler_error(
            'no source ' ~ source_name ~ '.' ~ table_name ~ ' is declared (models/staging/*/_*__sources.yml)'
        ) }}
    {%- endif -%}
    {{ return(node) }}
{%- endmacro %}

{% macro empty_typed_relation(source_name, table_name) -%}
    {%- set node = landing_source_node(source_name, table_name) -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() -%}
        {%- do columns.append('cast(null as ' ~ api.Column.translate_type(column.data_type) ~ ') as ' ~ column.name) -%}
    {%- endfor -%}
    select {{ columns | join(', ') }} where 1 = 0
{%- endmacro %}

{#-
    Keep the latest extraction of each entity (`key`), and within it one row per
    `grain` value. An entity that vanished from the API (a finished job) keeps
    its last snapshot, so old charges still match.
-#}
{% macro latest_snapshot(relation, key, grain=[]) -%}
    {{ return(adapter.dispatch('latest_snapshot', 'ml_cost')(relation, key, grain)) }}
{%- endmacro %}

{#-
    Without a grain, the latest extraction of an entity is its first row by extracted_at
    descending: one window and one sort instead of two (at 10M FOCUS rows the hourly
    invocations model went from 10.5 to 9.4 s, docs/performance.md). Ties keep one row,
    as the two-window form does.
-#}
{% macro duckdb__latest_snapshot(relation, key, grain) -%}
    {%- if grain | length == 0 %}
    select *
    from {{ relation }}
    qualify row_number() over (partition by {{ key | join(', ') }} order by extracted_at desc) = 1
    {%- else %}
    select * exclude (_latest_extracted_at, _row_in_grain)
    from ({{ latest_snapshot_ranked(relation, key, grain) }}) as snapshots
    where extracted_at = _latest_extracted_at and _row_in_grain = 1
    {%- endif %}
{%- endmacro %}

{#- Engines without `exclude` keep the two helper columns. -#}
{% macro default__latest_snapshot(relation, key, grain) -%}
    select *
    from ({{ latest_snapshot_ranked(relation, key, grain) }}) as snapshots
    where extracted_at = _latest_extracted_at and _row_in_grain = 1
{%- endmacro %}

{% macro latest_snapshot_ranked(relation, key, grain) -%}
        select
            *,
            max(extracted_at) over (partition by {{ key | join(', ') }}) as _latest_extracted_at,
            row_number() over (
                partition by {{ (key + grain) | join(', ') }}
                order by extracted_at desc
            ) as _row_in_grain
        from {{ relation }}
{%- endmacro %}

{#-
    The newest hour of a landed CloudWatch table in one namespace, read at compile time from
    the landed rows, as text (YYYY-MM-DD HH:MM:SS); none when nothing is landed. The staging
    view's latest snapshot keeps a row of every landed hour, so this is its newest hour, found
    without ranking every snapshot.
-#}
{% macro landed_last_hour_value(source_name, table_name, namespace) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select cast(max(cast(period_start as timestamp)) as {{ dbt.type_string() }})
        from {{ landing_source(source_name, table_name) }} as landed
        where namespace = {{ sql_quote(namespace) }}
    {%- endset -%}
    {%- set values = query_values(query) -%}
    {{ return(values[0] if values | length > 0 else none) }}
{%- endmacro %}

{#-
    The first day (ISO date) of a look-back window of `days` days that ends at the newest landed
    hour of landed_last_hour_value (the window is the hours after that hour minus `days` days), or none
    when nothing is landed.
-#}
{% macro landed_window_first_day(source_name, table_name, namespace, days) -%}
    {%- set value = landed_last_hour_value(source_name, table_name, namespace) -%}
    {%- if value is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set last = modules.datetime.datetime.fromisoformat(value | string) -%}
    {{ return((last - modules.datetime.timedelta(days=days | int)).date().isoformat()) }}
{%- endmacro %}

{#- A string literal: quotes doubled, so a landing path like "Bob's exports" works. -#}
{% macro sql_quote(value) -%}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{#-
    The folder ml-cost-export-catalog writes the export catalog to (var export_catalog_path,
    else env ML_COST_EXPORT_CATALOG, else warehouse/export_catalog).
-#}
{% macro export_catalog_path() -%}
    {{ return((var('export_catalog_path', env_var('ML_COST_EXPORT_CATALOG', 'warehouse/export_catalog')) | string | trim).rstrip('/')) }}
{%- endmacro %}

{#- A table of the export catalog (export_files or export_file_columns): a file on DuckDB, a registered table elsewhere. -#}
{% macro export_catalog_relation(table_name) -%}
    {{ return(adapter.dispatch('export_catalog_relation', 'ml_cost')(table_name)) }}
{%- endmacro %}

{% macro default__export_catalog_relation(table_name) -%}
    {{ return(source('focus', table_name)) }}
{%- endmacro %}

{% macro duckdb__export_catalog_relation(table_name) -%}
    {%- set relation = source('focus', table_name) -%}
    {{ return("read_parquet(" ~ sql_quote(export_catalog_path() ~ '/' ~ table_name ~ '/*.parquet') ~ ")") }}
{%- endmacro %}

{#-
    Config `enabled` of the SQL twins of the Python models: on where dbt cannot run Python
    models (any engine but DuckDB), or on DuckDB with var python_models false.
-#}
{% macro python_twin_enabled() -%}
    {{ return(target.type != 'duckdb' or not var('python_models')) }}
{%- endmacro %}

{#- A model's config value (set in its yml), or the default. -#}
{% macro model_config(name, default) -%}
    {{ return(config.get(name, default)) }}
{%- endmacro %}
