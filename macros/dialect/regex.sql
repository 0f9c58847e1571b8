{#-
    Regular expressions differ by engine: every use goes through these macros. A group that
    does not match is null on every engine (Spark's regexp_extract returns '' instead, and
    DuckDB's too, so both are wrapped in nullif).
-#}

{% macro regexp_extract_group(expr, pattern, group=1) -%}
    {{ return(adapter.dispatch('regexp_extract_group', 'ml_cost')(expr, pattern, group)) }}
{%- endmacro %}

{% macro default__regexp_extract_group(expr, pattern, group) -%}
    {{ not_supported('regexp_extract_group') }}
{%- endmacro %}

{#- Trino's regexp_extract returns null when the pattern does not match. -#}
{% macro athena__regexp_extract_group(expr, pattern, group) -%}
    regexp_extract({{ expr }}, '{{ pattern }}', {{ group }})
{%- endmacro %}

{% macro duckdb__regexp_extract_group(expr, pattern, group) -%}
    nullif(regexp_extract({{ expr }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}

{#- Spark string literals treat backslash as an escape: double it so the pattern arrives as written. -#}
{% macro spark__regexp_extract_group(expr, pattern, group) -%}
    nullif(regexp_extract({{ expr }}, '{{ pattern | replace("\\", "\\\\") }}', {{ group }}), '')
{%- endmacro %}

{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'ml_cost')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    {{ not_supported('regexp_replace_all') }}
{%- endmacro %}

{% macro athena__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern | replace("\\", "\\\\") }}', '{{ replacement }}')
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{#- pattern is SQL (a quoted literal or a column). -#}
{% macro regexp_like(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_like', 'ml_cost')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regexp_like(expr, pattern) -%}
    {{ not_supported('regexp_like') }}
{%- endmacro %}

{% macro athena__regexp_like(expr, pattern) -%}
    regexp_like({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro duckdb__regexp_like(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_like(expr, pattern) -%}
    ({{ expr }} rlike {{ pattern }})
{%- endmacro %}
