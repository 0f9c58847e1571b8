{#- SQL that turns one column of one group of FOCUS files into its FOCUS type (DuckDB). -#}

{#-
    Normalise one column of one group of files to its FOCUS type, then check it: a cost,
    price or quantity must be a finite number (NaN and infinity fail naming the file and the
    column), and the period columns FOCUS requires on every row must not be null. The CUR 2.0
    reader types its columns with it too (label 'CUR 2.0 file', its own period columns).
-#}
{% macro focus_column_expression(column, actual, file_format, label='FOCUS file', periods=none) -%}
    {%- set periods = periods if periods is not none
        else ['BillingPeriodStart', 'BillingPeriodEnd', 'ChargePeriodStart', 'ChargePeriodEnd'] -%}
    {%- set value = focus_value_expression(column, actual, label) -%}
    {%- if actual is none or actual.kind == 'null' -%}
        {{ value }}
    {%- elif column.type == 'double' -%}
        case
            when isfinite({{ value }}) or {{ value }} is null then {{ value }}
            else error('{{ label }} ' || filename || ': column {{ column.name }} is ' || cast({{ value }} as varchar) || '; expected a finite number')
        end
    {%- elif column.name in periods -%}
        case
            when {{ value }} is null
                then error('{{ label }} ' || filename || ': column {{ column.name }} is null; expected a timestamp on every row{{ ' (FOCUS requires it)' if label == 'FOCUS file' }}')
            else {{ value }}
        end
    {%- else -%}
        {{ value }}
    {%- endif -%}
{%- endmacro %}

{% macro focus_value_expression(column, actual, label='FOCUS file') -%}
    {%- if actual is none or actual.kind == 'null' -%}
        cast(null as {{ string_map_type() if column.type == 'map' else column.type }})
    {%- else -%}
        {%- set ref = '"' ~ actual.name ~ '"' -%}
        {%- set kind = actual.kind -%}
        {%- if column.type == 'map' and kind == 'map' -%}
            cast({{ ref }} as {{ string_map_type() }})
        {%- elif column.type == 'map' -%}
            case
                when {{ ref }} is null or trim({{ ref }}) in ('', '{}') then cast(null as {{ string_map_type() }})
                when json_valid({{ ref }}) then {{ json_to_string_map(ref) }}
                else error({{ focus_value_error(column, ref, 'a JSON object', label) }})
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
                    then coalesce(timezone('UTC', try_cast(trim({{ ref }}) as timestamptz)), error({{ focus_value_error(column, ref, column.type, label) }}))
                else coalesce(try_cast({{ ref }} as timestamp), error({{ focus_value_error(column, ref, column.type, label) }}))
            end
        {%- elif kind == 'string' -%}
            case
                when {{ ref }} is null then null
                else coalesce(try_cast({{ ref }} as {{ column.type }}), error({{ focus_value_error(column, ref, column.type, label) }}))
            end
        {%- else -%}
            cast({{ ref }} as {{ column.type }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro focus_value_error(column, ref, expected, label='FOCUS file') -%}
    '{{ label }} ' || filename || ': column {{ column.name }} expected {{ expected }}, got ''' || {{ ref }} || ''''
{%- endmacro %}

{#- CSV rows have no position: hash the row, and number identical rows of a file. -#}
{% macro focus_csv_row_key(columns) -%}
    {%- set parts = [] -%}
    {%- for name, actual in columns | dictsort -%}
        {%- do parts.append("coalesce(\"" ~ actual.name ~ "\", '')") -%}
    {%- endfor -%}
    {%- set content = md5_hex("concat_ws('|', " ~ parts | join(', ') ~ ")") -%}
    {{ content }} || '-' || cast(row_number() over (partition by filename, {{ content }}) as varchar)
{%- endmacro %}

{#-
    FOCUS 1.0 AWS exports carry Cost Categories in x_CostCategories; FOCUS 1.2 AWS exports carry
    them inside Tags as costCategory/<name> (AWS page table-dictionary-focus-1-2-migrating).
    Both end up in Tags as costCategory/<name>, where int_charge_tags_normalized keeps them
    apart from tags: they are never tags for coverage, only an attribution step.
    The lambda is written `lambda x: ...`: DuckDB's lambda page (duckdb.org/docs/lts/sql/functions/lambda)
    says 1.3.0 introduced it and deprecated `x -> ...`, 2.0.0 disables the arrow by default and 2.1.0
    removes it; DuckDB 2.0.1 refused this model with the arrow (docs/performance.md "DuckDB 2.0.1").
-#}
{% macro tags_with_cost_categories(tags, cost_categories) -%}
    case
        when {{ cost_categories }} is null or cardinality({{ cost_categories }}) = 0 then {{ tags }}
        else map_concat(
            coalesce({{ tags }}, cast(map() as {{ string_map_type() }})),
            map_from_entries(list_transform(
                map_entries({{ cost_categories }}),
                lambda entry: struct_pack(key := 'costCategory/' || entry.key, value := entry.value)
            ))
        )
    end
{%- endmacro %}
