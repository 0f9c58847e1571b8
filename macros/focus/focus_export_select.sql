{#-
    Every row of every FOCUS export file under <landing>/focus/ (any depth;
    *.parquet, *.csv, *.csv.gz), as one typed relation in the columns of
    focus_columns() plus:
      source_file           path of the file, relative to <landing>/focus/
      source_row_key        position of the row in its file (Parquet) or a content hash (CSV)
      source_format         parquet or csv
      delivery_key          folder of the file: one delivery of an export
      delivered_at          when AWS delivered it (create-new folder name), else null
      delivery_signature    hash of the delivery's selected file names, sizes and modification
                            times: a delivery that is rewritten gets a new signature
    Only the files that base_focus__export_files selects are read (the AWS Data Exports
    manifests decide; see ml_cost_exports.selection).

    delivery_keys: only the files of these delivery folders (relative to <landing>/focus/)
    are opened; none means every file. Incremental models use it so that on a daily run
    only the new delivery is read (docs/performance.md "Incremental runs").

    Files are checked before anything is read: a missing required column or a
    column of the wrong kind fails compilation with the file, the column and
    what was expected. Values that do not parse (a bad timestamp in a CSV) fail
    at run time with the file, the column and the value.
-#}
{% macro focus_export_select(delivery_keys=none) -%}
    {{ return(adapter.dispatch('focus_export_select', 'ml_cost')(delivery_keys)) }}
{%- endmacro %}

{% macro duckdb__focus_export_select(delivery_keys) -%}
    {#- referenced on every parse, so dbt builds the file selection first -#}
    {%- set export_files = ref('base_focus__export_files') -%}
    {%- if not execute -%}
        {{ return('select 1 as placeholder') }}
    {%- endif -%}
    {%- set files = focus_export_files(delivery_keys) -%}
    {#- nothing to read: one file's shape, no rows (where false below) -#}
    {%- set none_selected = files | length == 0 -%}
    {%- set files = files if files else focus_export_files()[:1] -%}
    {%- set export_format = billing_export_format() -%}
    {%- if export_format == 'cur2' -%}
        {%- set columns_by_file = focus_file_columns(files, cur2_wanted_columns()) -%}
        {%- do focus_raise_problems(focus_empty_file_problems(files) + cur2_file_problems(columns_by_file), 'CUR 2.0') -%}
    {%- else -%}
        {%- set columns_by_file = focus_file_columns(files) -%}
        {%- do focus_raise_problems(focus_empty_file_problems(files) + focus_file_problems(columns_by_file)) -%}
    {%- endif -%}
    {{ focus_rows_sql(focus_file_groups(columns_by_file), export_files, none_selected, export_format) }}
{%- endmacro %}

{#-
    The rows of every group of files (focus_file_groups) in the columns of focus_columns(),
    with the file, row key and delivery of each row (see focus_export_select).
-#}
{% macro focus_rows_sql(groups, export_files, none_selected, export_format='focus') -%}
    with

    export_files as (
        select file_path, source_file, delivery_key, delivered_at, delivery_signature
        from {{ export_files }}
        where is_selected
    ),

    export_rows as (
    {%- for group in groups %}
        {#- CUR 2.0: the line items as FOCUS columns first (macro cur2_rows_sql) -#}
        {%- set columns = cur2_focus_column_kinds() if export_format == 'cur2' else group.columns %}
        {{ 'union all' if not loop.first }}
        select
        {%- for column in focus_columns() %}
            {%- set expression = focus_column_expression(column, columns.get(column.name | lower), group.format) %}
            {%- if column.alias == 'tags' %}
                {%- set expression = tags_with_cost_categories(expression, focus_column_expression(
                    {'name': 'x_CostCategories', 'type': 'map'}, columns.get('x_costcategories'), group.format)) %}
            {%- endif %}
            {{ expression }} as {{ column.alias }},
        {%- endfor %}
            filename as source_path,
        {%- if export_format == 'cur2' %}
            file_row_key as source_row_key,
        {%- elif group.format == 'parquet' %}
            cast(file_row_number as varchar) as source_row_key,
            {%- else %}
            {{ focus_csv_row_key(group.columns) }} as source_row_key,
        {%- endif %}
            '{{ group.format }}' as source_format
        {%- if export_format == 'cur2' %}
        from {{ cur2_rows_sql(group) }} as cur2_rows
        {%- else %}
        from {{ focus_read_parquet(group.files) if group.format == 'parquet' else focus_read_csv(group.files) }}
        {%- endif %}
    {%- endfor %}
    )

    select
        export_rows.* exclude (source_path),
        export_files.source_file,
        export_files.delivery_key,
        export_files.delivered_at,
        export_files.delivery_signature
    from export_rows
    inner join export_files on export_rows.source_path = export_files.file_path
    {%- if none_selected %}
    where false
    {%- endif %}
{%- endmacro %}
