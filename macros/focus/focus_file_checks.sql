{#-
    Checks of the FOCUS files before anything is read: a problem names the file, the column and
    what was expected, and all problems fail compilation together (focus_raise_problems).
-#}

{#- Files of 0 bytes, from the sizes base_focus__export_files recorded (not listed twice). -#}
{% macro focus_empty_file_problems(files) -%}
    {%- set problems = [] -%}
    {%- set sizes = run_query(
        "select file_path, size_bytes from " ~ ref('base_focus__export_files')
        ~ " where file_path in (" ~ sql_in_list(files) ~ ")") -%}
    {%- for row in sizes.rows if row['size_bytes'] == 0 -%}
        {%- do problems.append(row['file_path'] ~ ": the file is empty (0 bytes); expected a FOCUS export with a header row") -%}
    {%- endfor -%}
    {{ return(problems) }}
{%- endmacro %}

{#- Required columns that are missing and columns of a kind their FOCUS type cannot take. -#}
{% macro focus_file_problems(columns_by_file) -%}
    {%- set wanted = focus_wanted_columns() -%}
    {%- set required = var('focus_required_columns') | map('lower') | list -%}
    {%- set problems = [] -%}
    {%- for file, found in columns_by_file.items() -%}
        {%- set cur = cur_export_kind(found.get('names', [])) -%}
        {%- if cur -%}
            {%- do problems.append(file ~ ": " ~ cur) -%}
        {%- else -%}
            {%- do problems.extend(focus_column_problems(file, found, wanted, required, 'FOCUS')) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(problems) }}
{%- endmacro %}

{#-
    The problems of one file's columns: each required column that is missing, each column of a
    kind its type cannot take; hints: lower name -> what to add to a missing column's line.
-#}
{% macro focus_column_problems(file, found, wanted, required, what, hints=none) -%}
    {%- set problems = [] -%}
    {%- for name in required if name not in found.columns -%}
        {%- do problems.append(file ~ ": missing required " ~ what ~ " column " ~ wanted[name].name
            ~ " (expected " ~ wanted[name].type ~ ")" ~ (hints or {}).get(name, '')) -%}
    {%- endfor -%}
    {%- for name, actual in found.columns.items() if not focus_kind_fits(wanted[name].type, actual.kind) -%}
        {%- do problems.append(file ~ ": column " ~ actual.name ~ " has type " ~ actual.kind
            ~ ", expected " ~ focus_kind_label(wanted[name].type)) -%}
    {%- endfor -%}
    {{ return(problems) }}
{%- endmacro %}

{#-
    A Cost and Usage Report file where a FOCUS file was expected: one problem saying which format
    it is and what to export instead, rather than a "missing required FOCUS column" per column.
    CUR 2.0 (AWS Data Exports): snake_case columns such as line_item_line_item_type, tags in one
    map column resource_tags. Legacy CUR: CSV headers such as lineItem/UsageType, or in Parquet
    (the Athena integration) the same snake_case names with a column per tag
    (resource_tags_user_<key>). Sources: AWS Data Exports user guide, "Migrating from CUR to
    Data Exports CUR 2.0" (dataexports-migrate) and "Resource tags columns"
    (table-dictionary-cur2-resource-tags). Empty when the file is not a CUR file.
-#}
{% macro cur_export_kind(names) -%}
    {%- set lower = names | map('lower') | list -%}
    {%- set instead = "ml-cost reads FOCUS exports: in AWS Data Exports create an export of type "
        ~ "'FOCUS 1.2 with AWS columns' (or 1.0) to S3 and sync it under focus/<export-name>/ (docs/exports.md)" -%}
    {%- set flattened_tags = [] -%}
    {%- for name in lower if name.startswith('resource_tags_') -%}{%- do flattened_tags.append(name) -%}{%- endfor -%}
    {%- if 'lineitem/lineitemtype' in lower or 'lineitem/usagetype' in lower or 'lineitem/unblendedcost' in lower -%}
        {{ return("this is a legacy AWS Cost and Usage Report (CUR) file (columns lineItem/LineItemType, "
            ~ "lineItem/UsageType, ...), not FOCUS. Legacy CUR is not read; " ~ instead) }}
    {%- elif 'line_item_line_item_type' in lower or 'line_item_usage_type' in lower -%}
        {%- if flattened_tags -%}
            {{ return("this is a legacy AWS Cost and Usage Report (CUR) file in Parquet (columns line_item_line_item_type, "
                ~ "resource_tags_user_..., one per tag), not FOCUS. Legacy CUR is not read; " ~ instead) }}
        {%- else -%}
            {{ return("this is an AWS CUR 2.0 file (columns line_item_line_item_type, line_item_usage_type, "
                ~ "resource_tags, ...), not FOCUS. CUR 2.0 exports are read from cur2/<export-name>/, not focus/: "
                ~ "move the export there (docs/exports.md \"CUR 2.0\")") }}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{% macro focus_raise_problems(problems, what='FOCUS') -%}
    {%- if problems -%}
        {%- set root = landing_path() ~ ('/cur2' if what == 'CUR 2.0' else '/focus') -%}
        {{ exceptions.raise_compiler_error("Invalid " ~ what ~ " export under '" ~ root ~ "':\n  - " ~ (problems[:25] | join("\n  - "))
            ~ ("\n  ... and " ~ (problems | length - 25) ~ " more" if problems | length > 25 else "")) }}
    {%- endif -%}
{%- endmacro %}

{% macro focus_kind_fits(expected, kind) -%}
    {%- set fits = {
        'double': ['number', 'string', 'null'],
        'timestamp': ['timestamp', 'timestamptz', 'date', 'string', 'null'],
        'varchar': ['string', 'number', 'boolean', 'null'],
        'map': ['map', 'string', 'null'],
    } -%}
    {{ return(kind in fits[expected]) }}
{%- endmacro %}

{% macro focus_kind_label(expected) -%}
    {{ return({
        'double': 'a number (DOUBLE or DECIMAL, or text holding one)',
        'timestamp': 'a timestamp (or text such as 2024-09-01T00:00:00Z)',
        'varchar': 'text',
        'map': 'a map<string,string> (or a JSON object as text)',
    }[expected]) }}
{%- endmacro %}
