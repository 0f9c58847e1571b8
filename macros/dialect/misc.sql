{#-
    Every macro in this folder is dispatched: DuckDB, Spark and Athena (Trino) each have their
    own implementation, and another adapter gets a compile error naming the macro and the
    adapter (never another engine's SQL).
-#}

{#- Compile error: `name` has no implementation for the current adapter. -#}
{% macro not_supported(name) -%}
    {{ exceptions.raise_compiler_error(
        "ml_cost: " ~ name ~ " is not supported on adapter '" ~ adapter.type()
        ~ "' (implemented for duckdb, spark and athena; see docs/engines.md)"
    ) }}
{%- endmacro %}

{% macro md5_hex(expr) -%}
    {{ return(adapter.dispatch('md5_hex', 'ml_cost')(expr)) }}
{%- endmacro %}

{% macro default__md5_hex(expr) -%}
    {{ not_supported('md5_hex') }}
{%- endmacro %}

{% macro duckdb__md5_hex(expr) -%}
    md5({{ expr }})
{%- endmacro %}

{% macro spark__md5_hex(expr) -%}
    md5({{ expr }})
{%- endmacro %}

{% macro athena__md5_hex(expr) -%}
    lower(to_hex(md5(to_utf8({{ expr }}))))
{%- endmacro %}

{% macro days_between(start_expr, end_expr) -%}
    {{ return(adapter.dispatch('days_between', 'ml_cost')(start_expr, end_expr)) }}
{%- endmacro %}

{% macro default__days_between(start_expr, end_expr) -%}
    {{ not_supported('days_between') }}
{%- endmacro %}

{% macro duckdb__days_between(start_expr, end_expr) -%}
    date_diff('day', {{ start_expr }}, {{ end_expr }})
{%- endmacro %}

{% macro athena__days_between(start_expr, end_expr) -%}
    date_diff('day', {{ start_expr }}, {{ end_expr }})
{%- endmacro %}

{% macro spark__days_between(start_expr, end_expr) -%}
    datediff({{ end_expr }}, {{ start_expr }})
{%- endmacro %}

{% macro hours_between(start_expr, end_expr) -%}
    {{ return(adapter.dispatch('hours_between', 'ml_cost')(start_expr, end_expr)) }}
{%- endmacro %}

{% macro default__hours_between(start_expr, end_expr) -%}
    {{ not_supported('hours_between') }}
{%- endmacro %}

{% macro duckdb__hours_between(start_expr, end_expr) -%}
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
    {{ not_supported('string_agg_distinct') }}
{%- endmacro %}

{% macro duckdb__string_agg_distinct(expr, separator) -%}
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
    {{ not_supported('year_month') }}
{%- endmacro %}

{% macro duckdb__year_month(expr) -%}
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
    {{ not_supported('hash_columns') }}
{%- endmacro %}

{#- Spark and Athena: an md5 of the columns as text ('|'-separated, nulls as ''). -#}
{% macro hash_columns_as_text(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    {{ md5_hex("concat_ws('|', " ~ parts | join(", ") ~ ")") }}
{%- endmacro %}

{% macro spark__hash_columns(columns) -%}
    {{ hash_columns_as_text(columns) }}
{%- endmacro %}

{% macro athena__hash_columns(columns) -%}
    {{ hash_columns_as_text(columns) }}
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

{#- Only DuckDB needs the hint; other engines write nothing. -#}
{% macro default__not_materialized() -%}{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}

{#- The median (the mean of the two middle values of an even count, like numpy), nulls ignored. -#}
{% macro median(expr) -%}
    {{ return(adapter.dispatch('median', 'ml_cost')(expr)) }}
{%- endmacro %}

{% macro default__median(expr) -%}
    {{ not_supported('median') }}
{%- endmacro %}

{% macro duckdb__median(expr) -%}
    quantile_cont({{ expr }}, 0.5)
{%- endmacro %}

{% macro spark__median(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}

{#- Athena (Trino) has no exact median: approx_percentile is within about 1% of the rank. -#}
{% macro athena__median(expr) -%}
    approx_percentile({{ expr }}, 0.5)
{%- endmacro %}

{#-
    The values of the first column of a query's result, as a list ([] when the result has no
    column: what a mocked engine, such as Athena on the moto server in CI, returns).
-#}
{% macro query_values(query) -%}
    {%- set result = run_query(query) -%}
    {{ return(result.columns[0].values() | list if result.columns | length > 0 else []) }}
{%- endmacro %}
