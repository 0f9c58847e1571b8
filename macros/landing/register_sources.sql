-- noqa: disable=LT02
{#-
    `dbt run-operation register_sources`: make the landing folder and the export catalog
    tables of the engine (docs/engines.md "Sources"). No Hub packages: plain DDL.

      focus.charges               every *.parquet under <landing>/focus/ (recursive), declared
                                  with every FOCUS column of focus_columns() so that columns an
                                  export lacks read as typed nulls
      focus.export_files          the export catalog written by ml-cost-export-catalog (which
      focus.export_file_columns   files count, and their columns)
      <area>.<table>              each landed table (sources with meta.landing_glob), with the
                                  column types its yml declares; one with no file (billing-only
                                  mode) is an empty typed view, so no folder is created

    Spark: the tables are external (LOCATION), so dropping one never touches the files; they
    are dropped and created again on each call, so new columns and new files are seen.
    Athena: the Glue DDL is printed (var register_sources_execute: true runs it), over
    var athena_landing_uri (s3://bucket/prefix of the landing folder).
    DuckDB reads the files directly: nothing to register.
-#}
{% macro register_sources() -%}
    {{ return(adapter.dispatch('register_sources', 'ml_cost')()) }}
{%- endmacro %}

{% macro default__register_sources() -%}
    {{ not_supported('register_sources') }}
{%- endmacro %}

{% macro duckdb__register_sources() -%}
    {{ log("DuckDB reads " ~ landing_path() ~ " directly: nothing to register", info=true) }}
{%- endmacro %}

{% macro spark__register_sources() -%}
    {%- set landing = landing_path_absolute() -%}
    {%- set catalog = export_catalog_path_absolute() -%}
    {%- set landed = [] -%}
    {%- for row in run_query("select area, table_name from parquet.`" ~ catalog ~ "/landed_tables`").rows -%}
        {%- do landed.append(row[0] ~ '.' ~ row[1]) -%}
    {%- endfor -%}
    {%- for schema in ['focus'] + landed_source_tables() | map(attribute='source_name') | unique | list -%}
        {%- do run_query('create database if not exists ' ~ schema) -%}
    {%- endfor -%}
    {%- set tables = [
        {'schema': 'focus', 'name': 'charges', 'columns': focus_table_columns(), 'location': landing ~ '/focus'},
        {'schema': 'focus', 'name': 'export_files', 'columns': none, 'location': catalog ~ '/export_files'},
        {'schema': 'focus', 'name': 'export_file_columns', 'columns': none, 'location': catalog ~ '/export_file_columns'},
    ] -%}
    {%- for node in landed_source_tables() -%}
        {%- do tables.append({
            'schema': node.source_name,
            'name': node.name,
            'columns': declared_source_columns(node),
            'location': landing ~ '/' ~ node.source_name ~ '/' ~ node.name,
            'empty': (node.source_name ~ '.' ~ node.name) not in landed,
        }) -%}
    {%- endfor -%}
    {%- for table in tables -%}
        {%- set existing = adapter.get_relation(database=none, schema=table.schema, identifier=table.name) -%}
        {%- if existing is not none -%}
            {%- do adapter.drop_relation(existing) -%}
        {%- endif -%}
        {%- if table.get('empty') -%}
            {#- nothing landed (billing-only): an empty typed view; Spark would create a missing LOCATION -#}
            {%- do run_query('create view ' ~ table.schema ~ '.' ~ table.name ~ ' as ' ~ empty_typed_relation(table.schema, table.name)) -%}
            {{ log("registered " ~ table.schema ~ "." ~ table.name ~ " as an empty view (nothing landed under " ~ table.location ~ ")", info=true) }}
        {%- else -%}
            {%- set ddl -%}
                create table {{ table.schema }}.{{ table.name }}
                {%- if table.columns %} ({{ table.columns | join(', ') }}){% endif %}
                using parquet
                options (recursiveFileLookup 'true', pathGlobFilter '*.parquet')
                location {{ sql_quote(table.location) }}
            {%- endset -%}
            {%- do run_query(ddl) -%}
            {{ log("registered " ~ table.schema ~ "." ~ table.name ~ " over " ~ table.location, info=true) }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{% macro athena__register_sources() -%}
    {%- set base = var('athena_landing_uri', 's3://CHANGE-ME/landing') | string | trim -%}
    {%- set statements = ['create database if not exists focus'] -%}
    {%- do statements.append(
        "create external table if not exists focus.charges (" ~ focus_table_columns() | join(', ')
        ~ ") stored as parquet location '" ~ base ~ "/focus/'") -%}
    {%- for node in landed_source_tables() -%}
        {%- do statements.append('create database if not exists ' ~ node.source_name) -%}
        {%- do statements.append(
            "create external table if not exists " ~ node.source_name ~ "." ~ node.name ~ " ("
            ~ declared_source_columns(node) | join(', ') ~ ") stored as parquet location '"
            ~ base ~ "/" ~ node.source_name ~ "/" ~ node.name ~ "/'") -%}
    {%- endfor -%}
    {%- for statement in statements | unique -%}
        {%- if var('register_sources_execute', false) -%}
            {%- do run_query(statement) -%}
        {%- endif -%}
        {{ log(statement ~ ';', info=true) }}
    {%- endfor -%}
{%- endmacro %}

{#- Source tables of the landing folder (those with meta.landing_glob), sorted. -#}
{% macro landed_source_tables() -%}
    {%- set nodes = [] -%}
    {%- for node in graph.sources.values() if node.meta.get('landing_glob') -%}
        {%- do nodes.append(node) -%}
    {%- endfor -%}
    {{ return(nodes | sort(attribute='unique_id')) }}
{%- endmacro %}

{#- "name type" for each declared column of a source table, in the engine's DDL types. -#}
{% macro declared_source_columns(node) -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() -%}
        {%- do columns.append(column.name ~ ' ' ~ ddl_type(column.data_type)) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- "Name type" for each FOCUS column the reader reads, in the engine's DDL types. -#}
{% macro focus_table_columns() -%}
    {%- set types = {'varchar': 'string', 'double': 'double', 'timestamp': 'timestamp', 'map': 'map'} -%}
    {%- set columns = [] -%}
    {%- for column in focus_columns() -%}
        {%- do columns.append(column.name ~ ' ' ~ ddl_type(types[column.type])) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{#- A yml type (string, bigint, double, boolean, date, timestamp, map) in the engine's DDL. -#}
{% macro ddl_type(data_type) -%}
    {{ return(adapter.dispatch('ddl_type', 'ml_cost')(data_type)) }}
{%- endmacro %}

{% macro default__ddl_type(data_type) -%}
    {{ return('map<string,string>' if data_type == 'map' else data_type) }}
{%- endmacro %}

{#- Glue DDL is Hive DDL: string, map<string,string>. -#}
{% macro athena__ddl_type(data_type) -%}
    {{ return('map<string,string>' if data_type == 'map' else data_type) }}
{%- endmacro %}

{% macro landing_path_absolute() -%}
    {{ return(absolute_path(landing_path())) }}
{%- endmacro %}

{% macro export_catalog_path_absolute() -%}
    {{ return(absolute_path(export_catalog_path())) }}
{%- endmacro %}

{#- Spark resolves a relative LOCATION against its warehouse folder: only absolute paths are registered. -#}
{% macro absolute_path(path) -%}
    {%- if not (path.startswith('/') or '://' in path) -%}
        {{ exceptions.raise_compiler_error("register_sources: '" ~ path ~ "' is a relative path; expected an absolute one "
            ~ "(set ML_COST_LANDING and ML_COST_EXPORT_CATALOG to absolute paths, as the Makefile does)") }}
    {%- endif -%}
    {{ return(path) }}
{%- endmacro %}
