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

{#- On Athena or Spark the export is a table (Glue / Hive) registered as source focus.charges. -#}
{% macro default__focus_export_select(delivery_keys) -%}
    select
    {%- for column in focus_columns() %}
        {{ column.name }} as {{ column.alias }},
    {%- endfor %}
        cast(null as varchar) as source_file,
        cast(null as varchar) as source_row_key,
        'table' as source_format,
        cast(BillingPeriodStart as varchar) as delivery_key,
        cast(null as timestamp) as delivered_at,
        cast(BillingPeriodStart as varchar) as delivery_signature
    from {{ source('focus', 'charges') }}
    {%- if delivery_keys is not none %}
    where cast(BillingPeriodStart as varchar) in ({{ "'" ~ (delivery_keys | join("', '")) ~ "'" if delivery_keys else 'null' }})
    {%- endif %}
{%- endmacro %}

{% macro duckdb__focus_export_select(delivery_keys) -%}
    {#- referenced on every parse, so dbt builds the file selection first -#}
    {%- set export_files = ref('base_focus__export_files') -%}
    {%- if not execute -%}
        {{ return('select 1 as placeholder') }}
    {%- endif -%}
    {%- set root = focus_root() -%}
    {%- set files = focus_export_files(delivery_keys) -%}
    {#- nothing to read: one file's shape, no rows (where false below) -#}
    {%- set none_selected = files | length == 0 -%}
    {%- set files = files if files else focus_export_files()[:1] -%}

    {%- set problems = [] -%}
    {#- sizes as base_focus__export_files recorded them: the files are not listed twice -#}
    {%- set sizes = run_query(
        "select file_path, size_bytes from " ~ export_files
        ~ " where file_path in (select unnest(" ~ sql_string_list(files) ~ "))") -%}
    {%- for row in sizes.rows if row[1] == 0 -%}
        {%- do problems.append(row[0] ~ ": the file is empty (0 bytes); expected a FOCUS export with a header row") -%}
    {%- endfor -%}

    {%- set wanted = {} -%}
    {%- for column in focus_columns() -%}
        {%- do wanted.update({column.name | lower: column}) -%}
    {%- endfor -%}
    {%- set required = var('focus_required_columns') | map('lower') | list -%}

    {#- file -> {lower column name: (actual name, kind)} -#}
    {%- set found = {} -%}
    {%- set parquet_files = [] -%}
    {%- set csv_files = [] -%}
    {%- for file in files -%}
        {%- do (parquet_files if file.endswith('.parquet') else csv_files).append(file) -%}
    {%- endfor -%}
    {%- if parquet_files -%}
        {%- set schema = run_query(
            "select file_name, name, coalesce(type, ''), coalesce(converted_type, ''), coalesce(logical_type, '') "
            ~ "from parquet_schema(" ~ sql_string_list(parquet_files) ~ ")") -%}
        {%- for row in schema.rows if (row[1] | lower) in wanted -%}
            {%- if row[0] not in found -%}{%- do found.update({row[0]: {}}) -%}{%- endif -%}
            {%- do found[row[0]].update({row[1] | lower: [row[1], focus_parquet_kind(row[2], row[3], row[4])]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for file in csv_files -%}
        {%- set header = run_query("describe select * from " ~ focus_read_csv([file])) -%}
        {%- do found.update({file: {}}) -%}
        {%- for row in header.rows if (row[0] | lower) in wanted -%}
            {%- do found[file].update({row[0] | lower: [row[0], 'string']}) -%}
        {%- endfor -%}
    {%- endfor -%}

    {#- Check every file, then group files of the same shape into one scan. -#}
    {%- set groups = {} -%}
    {%- for file in files if file in found or file in parquet_files -%}
        {%- set columns = found.get(file, {}) -%}
        {%- for name in required if name not in columns -%}
            {%- do problems.append(file ~ ": missing required FOCUS column " ~ wanted[name].name
                ~ " (expected " ~ wanted[name].type ~ ")") -%}
        {%- endfor -%}
        {%- for name, actual in columns.items() -%}
            {%- set expected = wanted[name].type -%}
            {%- if not focus_kind_fits(expected, actual[1]) -%}
                {%- do problems.append(file ~ ": column " ~ actual[0] ~ " has type " ~ actual[1]
                    ~ ", expected " ~ focus_kind_label(expected)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set signature = ('csv' if file in csv_files else 'parquet') ~ '|' ~ (columns.items() | sort | map('join', ':') | join(',')) -%}
        {%- if signature not in groups -%}
            {%- do groups.update({signature: {'format': 'csv' if file in csv_files else 'parquet', 'columns': columns, 'files': []}}) -%}
        {%- endif -%}
        {%- do groups[signature].files.append(file) -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error("Invalid FOCUS export under '" ~ root ~ "':\n  - " ~ (problems[:25] | join("\n  - "))
            ~ ("\n  ... and " ~ (problems | length - 25) ~ " more" if problems | length > 25 else "")) }}
    {%- endif -%}

    with

    export_files as (
        select file_path, source_file, delivery_key, delivered_at, delivery_signature
        from {{ export_files }}
        where is_selected
    ),

    export_rows as (
    {%- for group in groups.values() %}
        {{ 'union all' if not loop.first }}
        select
        {%- for column in focus_columns() %}
            {%- set expression = focus_column_expression(column, group.columns.get(column.name | lower), group.format) %}
            {%- if column.alias == 'tags' %}
                {%- set expression = tags_with_cost_categories(expression, focus_column_expression(
                    {'name': 'x_CostCategories', 'type': 'map'}, group.columns.get('x_costcategories'), group.format)) %}
            {%- endif %}
            {{ expression }} as {{ column.alias }},
        {%- endfor %}
            filename as source_path,
        {%- if group.format == 'parquet' %}
            cast(file_row_number as varchar) as source_row_key,
            {%- else %}
            {{ focus_csv_row_key(group.columns) }} as source_row_key,
        {%- endif %}
            '{{ group.format }}' as source_format
        from {{ focus_read_parquet(group.files) if group.format == 'parquet' else focus_read_csv(group.files) }}
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

{% macro focus_root() -%}
    {{ return(landing_path() ~ '/focus') }}
{%- endmacro %}

{#-
    The FOCUS files that count (of these delivery folders; base_focus__export_files, decided by the AWS Data Exports
    manifests), sorted by path. That model fails when there is none.
-#}
{% macro focus_export_files(delivery_keys=none) -%}
    {%- if delivery_keys is not none and delivery_keys | length == 0 -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query = "select file_path from " ~ ref('base_focus__export_files') ~ " where is_selected" -%}
    {%- if delivery_keys is not none -%}
        {%- set query = query ~ " and delivery_key in (select unnest(" ~ sql_string_list(delivery_keys) ~ "))" -%}
    {%- endif -%}
    {{ return(run_query(query ~ ' order by file_path').columns[0].values() | list) }}
{%- endmacro %}

{#-
    Delivery key -> signature of every selected delivery in the landing, or none where the
    export is a table (other adapters): incremental models then read every delivery.
-#}
{% macro focus_delivery_signatures() -%}
    {{ return(adapter.dispatch('focus_delivery_signatures', 'ml_cost')()) }}
{%- endmacro %}

{% macro default__focus_delivery_signatures() -%}
    {{ return(none) }}
{%- endmacro %}

{% macro duckdb__focus_delivery_signatures() -%}
    {%- set result = {} -%}
    {%- if execute -%}
        {%- set query -%}
            select distinct delivery_key, delivery_signature from {{ ref('base_focus__export_files') }} where is_selected
        {%- endset -%}
        {%- for row in run_query(query).rows -%}
            {%- do result.update({row[0]: row[1]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(result) }}
{%- endmacro %}

{% macro sql_string_list(values) -%}
    [{%- for value in values -%}'{{ value | replace("'", "''") }}'{{ ', ' if not loop.last }}{%- endfor -%}]
{%- endmacro %}

{% macro focus_read_parquet(files) -%}
    read_parquet({{ sql_string_list(files) }}, filename = true, file_row_number = true, union_by_name = true)
{%- endmacro %}

{% macro focus_read_csv(files) -%}
    read_csv({{ sql_string_list(files) }}, header = true, all_varchar = true, nullstr = ['NULL', ''], filename = true, union_by_name = true)
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

{#-
    Normalise one column of one group of files to its FOCUS type, then check it: a cost,
    price or quantity must be a finite number (NaN and infinity fail naming the file and the
    column), and the period columns FOCUS requires on every row must not be null.
-#}
{% macro focus_column_expression(column, actual, file_format) -%}
    {%- set value = focus_value_expression(column, actual) -%}
    {%- if actual is none or actual[1] == 'null' -%}
        {{ value }}
    {%- elif column.type == 'double' -%}
        case
            when isfinite({{ value }}) or {{ value }} is null then {{ value }}
            else error('FOCUS file ' || filename || ': column {{ column.name }} is ' || cast({{ value }} as varchar) || '; expected a finite number')
        end
    {%- elif column.name in ('BillingPeriodStart', 'BillingPeriodEnd', 'ChargePeriodStart', 'ChargePeriodEnd') -%}
        case
            when {{ value }} is null
                then error('FOCUS file ' || filename || ': column {{ column.name }} is null; expected a timestamp on every row (FOCUS requires it)')
            else {{ value }}
        end
    {%- else -%}
        {{ value }}
    {%- endif -%}
{%- endmacro %}

{% macro focus_value_expression(column, actual) -%}
    {%- if actual is none or actual[1] == 'null' -%}
        cast(null as {{ string_map_type() if column.type == 'map' else column.type }})
    {%- else -%}
        {%- set ref = '"' ~ actual[0] ~ '"' -%}
        {%- set kind = actual[1] -%}
        {%- if column.type == 'map' and kind == 'map' -%}
            cast({{ ref }} as {{ string_map_type() }})
        {%- elif column.type == 'map' -%}
            case
                when {{ ref }} is null or trim({{ ref }}) in ('', '{}') then cast(null as {{ string_map_type() }})
                when json_valid({{ ref }}) then {{ json_to_string_map(ref) }}
                else error({{ focus_value_error(column, ref, 'a JSON object') }})
            end
        {%- elif column.type == 'varchar' -%}
            nullif(cast({{ ref }} as varchar), '')
        {%- elif column.type == 'timestamp' and kind == 'timestamptz' -%}
            timezone('UTC', {{ ref }})
        {%- elif column.type == 'timestamp' and kind == 'string' -%}
            {#- an offset (2026-08-31T17:00:00-07:00, ...Z) is honoured: converted to UTC -#}
            case
                when {{ ref }} is null then null
                when regexp_matches(trim({{ ref }}), '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$')
                    then coalesce(timezone('UTC', try_cast(trim({{ ref }}) as timestamptz)), error({{ focus_value_error(column, ref, column.type) }}))
                else coalesce(try_cast({{ ref }} as timestamp), error({{ focus_value_error(column, ref, column.type) }}))
            end
        {%- elif kind == 'string' -%}
            case
                when {{ ref }} is null then null
                else coalesce(try_cast({{ ref }} as {{ column.type }}), error({{ focus_value_error(column, ref, column.type) }}))
            end
        {%- else -%}
            cast({{ ref }} as {{ column.type }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro focus_value_error(column, ref, expected) -%}
    'FOCUS file ' || filename || ': column {{ column.name }} expected {{ expected }}, got ''' || {{ ref }} || ''''
{%- endmacro %}

{#- CSV rows have no position: hash the row, and number identical rows of a file. -#}
{% macro focus_csv_row_key(columns) -%}
    {%- set parts = [] -%}
    {%- for name, actual in columns.items() | sort -%}
        {%- do parts.append("coalesce(\"" ~ actual[0] ~ "\", '')") -%}
    {%- endfor -%}
    {%- set content = md5_hex("concat_ws('|', " ~ parts | join(', ') ~ ")") -%}
    {{ content }} || '-' || cast(row_number() over (partition by filename, {{ content }}) as varchar)
{%- endmacro %}

{#-
    FOCUS 1.0 AWS exports carry Cost Categories in x_CostCategories; FOCUS 1.2 AWS exports carry
    them inside Tags as costCategory/<name> (AWS page table-dictionary-focus-1-2-migrating).
    Both end up in Tags as costCategory/<name>, where int_charge_tags_normalized keeps them
    apart from tags: they are never tags for coverage, only an attribution step.
-#}
{% macro tags_with_cost_categories(tags, cost_categories) -%}
    case
        when {{ cost_categories }} is null or cardinality({{ cost_categories }}) = 0 then {{ tags }}
        else map_concat(
            coalesce({{ tags }}, cast(map() as {{ string_map_type() }})),
            map_from_entries(list_transform(
                map_entries({{ cost_categories }}),
                entry -> struct_pack(key := 'costCategory/' || entry.key, value := entry.value)
            ))
        )
    end
{%- endmacro %}
