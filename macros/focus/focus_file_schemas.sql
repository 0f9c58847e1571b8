{#- What each FOCUS file holds: its columns and their kinds, read from the file headers. -#}

{#-
    file path -> {lower column name: {'name': column name in the file, 'kind': kind}} for the
    FOCUS columns (focus_columns(); or the `wanted` ones, the CUR 2.0 reader's) of each file, with the file's format and all its column
    names ('names', to recognise a CUR file); Parquet kinds from parquet_schema(), CSV columns
    are text.
-#}
{% macro focus_file_columns(files, wanted=none) -%}
    {%- set wanted = wanted if wanted is not none else focus_wanted_columns() -%}
    {%- set found = {} -%}
    {%- set parquet_files = [] -%}
    {%- for file in files -%}
        {%- do found.update({file: {'format': 'parquet' if file.endswith('.parquet') else 'csv', 'columns': {}}}) -%}
        {%- if file.endswith('.parquet') -%}{%- do parquet_files.append(file) -%}{%- endif -%}
    {%- endfor -%}
    {%- if parquet_files -%}
        {%- set schema = run_query(
            "select file_name, name, coalesce(type, '') as physical, coalesce(converted_type, '') as converted, "
            ~ "coalesce(logical_type, '') as logical from parquet_schema(" ~ sql_string_list(parquet_files) ~ ")") -%}
        {%- for row in schema.rows -%}
            {%- do found[row['file_name']].setdefault('names', []).append(row['name']) -%}
            {%- if (row['name'] | lower) in wanted -%}
                {%- do found[row['file_name']].columns.update({row['name'] | lower: {
                    'name': row['name'], 'kind': focus_parquet_kind(row['physical'], row['converted'], row['logical'])}}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for file in files if file not in parquet_files -%}
        {%- set header = run_query("describe select * from " ~ focus_read_csv([file])) -%}
        {%- do found[file].update({'names': header.columns['column_name'].values() | list}) -%}
        {%- for row in header.rows if (row['column_name'] | lower) in wanted -%}
            {%- do found[file].columns.update({row['column_name'] | lower: {'name': row['column_name'], 'kind': 'string'}}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}

{#- lower column name -> column of focus_columns(). -#}
{% macro focus_wanted_columns() -%}
    {%- set wanted = {} -%}
    {%- for column in focus_columns() -%}
        {%- do wanted.update({column.name | lower: column}) -%}
    {%- endfor -%}
    {{ return(wanted) }}
{%- endmacro %}

{#- The kind of a Parquet column, from parquet_schema(). -#}
{% macro focus_parquet_kind(physical, converted, logical) -%}
    {%- if logical.startswith('Null') or logical.startswith('Unknown') -%}{{ return('null') }}
    {%- elif converted in ('MAP', 'MAP_KEY_VALUE') or logical.startswith('Map') -%}{{ return('map') }}
    {%- elif logical.startswith('Timestamp') and 'isAdjustedToUTC=1' in logical -%}{{ return('timestamptz') }}
    {%- elif logical.startswith('Timestamp') or converted.startswith('TIMESTAMP') or physical == 'INT96' -%}{{ return('timestamp') }}
    {%- elif converted == 'DATE' or logical.startswith('Date') -%}{{ return('date') }}
    {%- elif converted in ('UTF8', 'JSON', 'ENUM') or logical.startswith('String') or logical.startswith('Json') or (physical == 'BYTE_ARRAY' and converted == '') -%}{{ return('string') }}
    {%- elif converted == 'DECIMAL' or logical.startswith('Decimal') or physical in ('DOUBLE', 'FLOAT', 'INT32', 'INT64') -%}{{ return('number') }}
    {%- elif physical == 'BOOLEAN' -%}{{ return('boolean') }}
    {%- else -%}{{ return((physical or converted or logical or 'nested') | lower) }}
    {%- endif -%}
{%- endmacro %}
