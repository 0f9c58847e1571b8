{% macro md5_hex(expr) -%}
    {{ return(adapter.dispatch('md5_hex', 'ml_cost')(expr)) }}
{%- endmacro %}

{% macro default__md5_hex(expr) -%}
    md5({{ expr }})
{%- endmacro %}

{% macro athena__md5_hex(expr) -%}
    lower(to_hex(md5(to_utf8({{ expr }}))))
{%- endmacro %}

{% macro days_between(start_expr, end_expr) -%}
    {{ return(adapter.dispatch('days_between', 'ml_cost')(start_expr, end_expr)) }}
{%- endmacro %}

{% macro default__days_between(start_expr, end_expr) -%}
    date_diff('day', {{ start_expr }}, {{ end_expr }})
{%- endmacro %}

{% macro spark__days_between(start_expr, end_expr) -%}
    datediff({{ end_expr }}, {{ start_expr }})
{%- endmacro %}

{% macro hours_between(start_expr, end_expr) -%}
    {{ return(adapter.dispatch('hours_between', 'ml_cost')(start_expr, end_expr)) }}
{%- endmacro %}

{% macro default__hours_between(start_expr, end_expr) -%}
    (epoch({{ end_expr }}) - epoch({{ start_expr }})) / 3600.0
{%- endmacro %}

{% macro athena__hours_between(start_expr, end_expr) -%}
    (to_unixtime({{ end_expr }}) - to_unixtime({{ start_expr }})) / 3600.0
{%- endmacro %}

{% macro spark__hours_between(start_expr, end_expr) -%}
    (unix_timestamp({{ end_expr }}) - unix_timestamp({{ start_expr }})) / 3600.0
{%- endmacro %}

{% macro string_agg_distinct(expr, separator=', ') -%}
    {{ return(adapter.dispatch('string_agg_distinct', 'ml_cost')(expr, separator)) }}
{%- endmacro %}

{% macro default__string_agg_distinct(expr, separator) -%}
    string_agg(distinct {{ expr }}, '{{ separator }}' order by {{ expr }})
{%- endmacro %}

{% macro athena__string_agg_distinct(expr, separator) -%}
    array_join(array_sort(array_agg(distinct {{ expr }})), '{{ separator }}')
{%- endmacro %}

{% macro spark__string_agg_distinct(expr, separator) -%}
    array_join(array_sort(collect_set({{ expr }})), '{{ separator }}')
{%- endmacro %}

{% macro year_month(expr) -%}
    {{ return(adapter.dispatch('year_month', 'ml_cost')(expr)) }}
{%- endmacro %}

{% macro default__year_month(expr) -%}
    strftime({{ expr }}, '%Y-%m')
{%- endmacro %}

{% macro athena__year_month(expr) -%}
    date_format({{ expr }}, '%Y-%m')
{%- endmacro %}

{% macro spark__year_month(expr) -%}
    date_format({{ expr }}, 'yyyy-MM')
{%- endmacro %}

{#- A fast row key over several columns, for grouping (not a stable public id). -#}
{% macro hash_columns(columns) -%}
    {{ return(adapter.dispatch('hash_columns', 'ml_cost')(columns)) }}
{%- endmacro %}

{% macro default__hash_columns(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as varchar), '')") -%}
    {%- endfor -%}
    {{ md5_hex("concat_ws('|', " ~ parts | join(", ") ~ ")") }}
{%- endmacro %}

{% macro duckdb__hash_columns(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#-
    A CTE that only filters a table and is read more than once: DuckDB would otherwise
    materialise it, copying every column of every row (no projection pushdown), which at
    tens of millions of rows spills gigabytes. Read the table again instead.
-#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'ml_cost')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}
