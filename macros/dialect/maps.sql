{#- Key-value (tag) columns: maps in Parquet exports, JSON strings in CSV exports. -#}

{% macro json_to_string_map(expr) -%}
    {{ return(adapter.dispatch('json_to_string_map', 'ml_cost')(expr)) }}
{%- endmacro %}

{% macro default__json_to_string_map(expr) -%}
    {{ not_supported('json_to_string_map') }}
{%- endmacro %}

{% macro athena__json_to_string_map(expr) -%}
    cast(json_parse({{ expr }}) as map(varchar, varchar))
{%- endmacro %}

{% macro duckdb__json_to_string_map(expr) -%}
    cast(json({{ expr }}) as map(varchar, varchar))
{%- endmacro %}

{% macro spark__json_to_string_map(expr) -%}
    from_json({{ expr }}, 'map<string,string>')
{%- endmacro %}

{% macro string_map_type() -%}
    {{ return(adapter.dispatch('string_map_type', 'ml_cost')()) }}
{%- endmacro %}

{% macro default__string_map_type() -%}
    {{ not_supported('string_map_type') }}
{%- endmacro %}

{% macro athena__string_map_type() -%}map(varchar, varchar){%- endmacro %}

{% macro duckdb__string_map_type() -%}map(varchar, varchar){%- endmacro %}

{% macro spark__string_map_type() -%}map<string, string>{%- endmacro %}

{#- A from-clause item with one row per map entry of `map_col` (rows with an empty map vanish). -#}
{% macro map_entries_from(relation, map_col, key_alias='entry_key', value_alias='entry_value') -%}
    {{ return(adapter.dispatch('map_entries_from', 'ml_cost')(relation, map_col, key_alias, value_alias)) }}
{%- endmacro %}

{% macro default__map_entries_from(relation, map_col, key_alias, value_alias) -%}
    {{ not_supported('map_entries_from') }}
{%- endmacro %}

{% macro athena__map_entries_from(relation, map_col, key_alias, value_alias) -%}
    {{ relation }} cross join unnest({{ map_col }}) as entries ({{ key_alias }}, {{ value_alias }})
{%- endmacro %}

{% macro duckdb__map_entries_from(relation, map_col, key_alias, value_alias) -%}
    (
        select
            *,
            unnest(map_keys({{ map_col }})) as {{ key_alias }},
            unnest(map_values({{ map_col }})) as {{ value_alias }}
        from {{ relation }}
    )
{%- endmacro %}

{% macro spark__map_entries_from(relation, map_col, key_alias, value_alias) -%}
    {{ relation }} lateral view explode({{ map_col }}) entries as {{ key_alias }}, {{ value_alias }}
{%- endmacro %}

{#-
    A from-clause item with one row per element of a JSON array of strings (`json_expr`, a
    column of `relation`), the element as `alias`; rows with an empty array vanish.
-#}
{% macro json_array_elements_from(relation, json_expr, alias) -%}
    {{ return(adapter.dispatch('json_array_elements_from', 'ml_cost')(relation, json_expr, alias)) }}
{%- endmacro %}

{% macro default__json_array_elements_from(relation, json_expr, alias) -%}
    {{ not_supported('json_array_elements_from') }}
{%- endmacro %}

{% macro athena__json_array_elements_from(relation, json_expr, alias) -%}
    {{ relation }} cross join unnest(cast(json_parse({{ json_expr }}) as array(varchar))) as elements ({{ alias }})
{%- endmacro %}

{% macro duckdb__json_array_elements_from(relation, json_expr, alias) -%}
    {{ relation }} cross join unnest(cast(json({{ json_expr }}) as varchar[])) as elements ({{ alias }})
{%- endmacro %}

{% macro spark__json_array_elements_from(relation, json_expr, alias) -%}
    {{ relation }} lateral view explode(from_json({{ json_expr }}, 'array<string>')) elements as {{ alias }}
{%- endmacro %}
