-- noqa: disable=LT02
{#-
    The FOCUS reader where the export is a registered table (Spark, Athena): source
    focus.charges over every Parquet file under <landing>/focus/ (macro register_sources),
    joined by file path to the files the export catalog selected. The same rules as on
    DuckDB: only the files the AWS Data Exports manifests (or delivery folders) select count,
    a missing required column or a column of the wrong kind fails compilation naming the file,
    a non-finite cost or a null period fails the run naming the file, absent columns are
    typed nulls. CSV exports are read on DuckDB only.
-#}

{% macro spark__focus_export_select(delivery_keys) -%}
    {{ focus_table_select(delivery_keys) }}
{%- endmacro %}

{% macro athena__focus_export_select(delivery_keys) -%}
    {{ focus_table_select(delivery_keys) }}
{%- endmacro %}

{% macro default__focus_export_select(delivery_keys) -%}
    {{ not_supported('focus_export_select') }}
{%- endmacro %}

{% macro focus_table_select(delivery_keys) -%}
    {%- set export_files = ref('base_focus__export_files') -%}
    {%- set charges = source('focus', 'charges') -%}
    {%- if not execute -%}
        {{ return('select 1 as placeholder') }}
    {%- endif -%}
    {%- if billing_export_format() == 'cur2' -%}
        {{ exceptions.raise_compiler_error("The landed billing export is CUR 2.0 (" ~ landing_path() ~ "/cur2/): on "
            ~ adapter.type() ~ " only FOCUS exports are read for now; CUR 2.0 is read on DuckDB (docs/engines.md, docs/exports.md). "
            ~ "Export 'FOCUS 1.2 with AWS columns' too, or build on DuckDB.") }}
    {%- endif -%}
    {%- set files = focus_export_files(delivery_keys) -%}
    {%- set all_files = files if files else focus_export_files()[:1] -%}
    {%- set csv_problems = [] -%}
    {%- for file in all_files if not file.lower().endswith('.parquet') -%}
        {%- do csv_problems.append(file ~ ": a CSV export file; on " ~ adapter.type()
            ~ " only Parquet exports are read (CSV exports are read on DuckDB, docs/engines.md)") -%}
    {%- endfor -%}
    {%- do focus_raise_problems(csv_problems) -%}
    {%- do focus_raise_problems(focus_empty_file_problems(all_files) + focus_file_problems(focus_catalog_file_columns(all_files))) -%}
    {%- set path = focus_table_file_path() -%}
    with

    export_files as (
        select file_path, source_file, delivery_key, delivered_at, delivery_signature
        from {{ export_files }}
        where is_selected
        {%- if delivery_keys is not none %}
            and delivery_key in ({{ sql_in_list(delivery_keys) if delivery_keys else "''" }})
        {%- endif %}
    ),

    export_rows as (
        select
        {%- for column in focus_columns() %}
            {%- set expression = focus_table_column_expression(column) %}
            {%- if column.alias == 'tags' %}
                {%- set expression = focus_tags_with_cost_categories('Tags', 'x_CostCategories') %}
            {%- endif %}
            {{ expression }} as {{ column.alias }},
        {%- endfor %}
            {{ path }} as source_path,
            cast({{ focus_table_row_index() }} as {{ dbt.type_string() }}) as source_row_key,
            'parquet' as source_format
        {#- only the selected files are opened: the filter on the file path prunes the rest #}
        from {{ charges }}
        where {{ path }} in ({{ sql_in_list(files) if files else "''" }})
    )

    select
    {%- for column in focus_columns() %}
        export_rows.{{ column.alias }},
    {%- endfor %}
        export_rows.source_row_key,
        export_rows.source_format,
        export_files.source_file,
        export_files.delivery_key,
        export_files.delivered_at,
        export_files.delivery_signature
    from export_rows
    inner join export_files on export_rows.source_path = export_files.file_path
{%- endmacro %}

{#- file path -> {'format', 'columns'} as focus_file_columns builds it, from the export catalog. -#}
{% macro focus_catalog_file_columns(files) -%}
    {%- set wanted = focus_wanted_columns() -%}
    {%- set found = {} -%}
    {%- for file in files -%}
        {%- do found.update({file: {'format': 'parquet', 'columns': {}}}) -%}
    {%- endfor -%}
    {%- if files -%}
        {%- set rows = run_query(
            "select file_path, column_name, kind from " ~ export_catalog_relation('export_file_columns')
            ~ " where file_path in (" ~ sql_in_list(files) ~ ")").rows -%}
        {%- for row in rows -%}
            {%- do found[row['file_path']].setdefault('names', []).append(row['column_name']) -%}
            {%- if (row['column_name'] | lower) in wanted -%}
                {%- set column = {'name': row['column_name'], 'kind': row['kind']} -%}
                {%- do found[row['file_path']].columns.update({row['column_name'] | lower: column}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found) }}
{%- endmacro %}

{#- The local path of the file a row of focus.charges came from, as the export catalog writes it. -#}
{% macro focus_table_file_path() -%}
    {{ return(adapter.dispatch('focus_table_file_path', 'ml_cost')()) }}
{%- endmacro %}

{% macro default__focus_table_file_path() -%}
    {{ not_supported('focus_table_file_path') }}
{%- endmacro %}

{#- Spark: a URI (file:/path, percent-encoded); '+' is kept as it is. -#}
{% macro spark__focus_table_file_path() -%}
    url_decode(replace(regexp_replace(_metadata.file_path, '^file:', ''), '+', '%2B'))
{%- endmacro %}

{#- Athena: the S3 URI of the object; the export catalog must then hold S3 URIs (docs/engines.md). -#}
{% macro athena__focus_table_file_path() -%}
    "$path"
{%- endmacro %}

{% macro focus_table_row_index() -%}
    {{ return(adapter.dispatch('focus_table_row_index', 'ml_cost')()) }}
{%- endmacro %}

{% macro default__focus_table_row_index() -%}
    {{ not_supported('focus_table_row_index') }}
{%- endmacro %}

{% macro spark__focus_table_row_index() -%}
    _metadata.row_index
{%- endmacro %}

{#-
    Athena has no row position: rows are numbered within their file. Only identical rows of a
    file share a content hash (int_charges_scoped), so which of them gets which number does
    not change any charge_id.
-#}
{% macro athena__focus_table_row_index() -%}
    row_number() over (partition by "$path")
{%- endmacro %}

{#- One FOCUS column of the table, normalised and checked (see focus_column_expression on DuckDB). -#}
{% macro focus_table_column_expression(column) -%}
    {%- set ref = column.name -%}
    {%- if column.type == 'double' -%}
        case
            when {{ ref }} is null or not ({{ is_not_finite(ref) }}) then {{ ref }}
            else {{ focus_raise("'FOCUS file ' || " ~ focus_table_file_path() ~ " || ': column " ~ column.name ~ " is ' || cast(" ~ ref ~ " as " ~ dbt.type_string() ~ ") || '; expected a finite number'", 'double') }}
        end
    {%- elif column.name in ('BillingPeriodStart', 'BillingPeriodEnd', 'ChargePeriodStart', 'ChargePeriodEnd') -%}
        case
            when {{ ref }} is null
                then {{ focus_raise("'FOCUS file ' || " ~ focus_table_file_path() ~ " || ': column " ~ column.name ~ " is null; expected a timestamp on every row (FOCUS requires it)'", 'timestamp') }}
            else cast({{ ref }} as timestamp)
        end
    {%- elif column.type == 'varchar' -%}
        nullif({{ ref }}, '')
    {%- else -%}
        {{ ref }}
    {%- endif -%}
{%- endmacro %}

{% macro is_not_finite(expr) -%}
    {{ return(adapter.dispatch('is_not_finite', 'ml_cost')(expr)) }}
{%- endmacro %}

{% macro default__is_not_finite(expr) -%}
    {{ not_supported('is_not_finite') }}
{%- endmacro %}

{% macro spark__is_not_finite(expr) -%}
    isnan({{ expr }}) or abs({{ expr }}) = double('infinity')
{%- endmacro %}

{% macro athena__is_not_finite(expr) -%}
    not is_finite({{ expr }})
{%- endmacro %}

{#- Fail the query with `message_sql` (SQL text); typed so it fits a case branch of `type`. -#}
{% macro focus_raise(message_sql, type) -%}
    {{ return(adapter.dispatch('focus_raise', 'ml_cost')(message_sql, type)) }}
{%- endmacro %}

{% macro default__focus_raise(message_sql, type) -%}
    {{ not_supported('focus_raise') }}
{%- endmacro %}

{% macro spark__focus_raise(message_sql, type) -%}
    cast(raise_error({{ message_sql }}) as {{ type }})
{%- endmacro %}

{#- Trino has no raise function: a failing cast carries the message into the error. -#}
{% macro athena__focus_raise(message_sql, type) -%}
    cast(cast({{ message_sql }} as integer) as {{ type }})
{%- endmacro %}

{#- Tags plus x_CostCategories as costCategory/<name> (see tags_with_cost_categories on DuckDB). -#}
{% macro focus_tags_with_cost_categories(tags, cost_categories) -%}
    {{ return(adapter.dispatch('focus_tags_with_cost_categories', 'ml_cost')(tags, cost_categories)) }}
{%- endmacro %}

{% macro default__focus_tags_with_cost_categories(tags, cost_categories) -%}
    {{ not_supported('focus_tags_with_cost_categories') }}
{%- endmacro %}

{% macro spark__focus_tags_with_cost_categories(tags, cost_categories) -%}
    case
        when {{ cost_categories }} is null or cardinality({{ cost_categories }}) = 0 then {{ tags }}
        else map_concat(
            coalesce({{ tags }}, cast(map() as map<string, string>)),
            transform_keys({{ cost_categories }}, (category, category_value) -> concat('costCategory/', category))
        )
    end
{%- endmacro %}

{% macro athena__focus_tags_with_cost_categories(tags, cost_categories) -%}
    case
        when {{ cost_categories }} is null or cardinality({{ cost_categories }}) = 0 then {{ tags }}
        else map_concat(
            coalesce({{ tags }}, cast(map() as map(varchar, varchar))),
            transform_keys({{ cost_categories }}, (category, category_value) -> concat('costCategory/', category))
        )
    end
{%- endmacro %}
