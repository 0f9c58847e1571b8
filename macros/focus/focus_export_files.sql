{#- Which FOCUS files count (every engine) and how DuckDB opens them. -#}

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
        {%- set query = query ~ " and delivery_key in (" ~ sql_in_list(delivery_keys) ~ ")" -%}
    {%- endif -%}
    {{ return(query_values(query ~ ' order by file_path')) }}
{%- endmacro %}

{#-
    The billing export the selected files belong to: focus or cur2 (AWS CUR 2.0); one export is
    read at a time (var billing_export, ml_cost_exports.sources). Every engine.
-#}
{% macro billing_export_format() -%}
    {%- set formats = query_values("select distinct export_format from " ~ ref('base_focus__export_files') ~ " where is_selected") -%}
    {{ return(formats[0] if formats else 'focus') }}
{%- endmacro %}

{#- Delivery key -> signature of every selected delivery in the landing (every engine). -#}
{% macro focus_delivery_signatures() -%}
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

{#- Quoted, comma-separated string literals for `in (...)` (every engine). -#}
{% macro sql_in_list(values) -%}
    {%- for value in values -%}{{ sql_quote(value) }}{{ ', ' if not loop.last }}{%- endfor -%}
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
