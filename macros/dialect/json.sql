{#-
    JSON text for the FOCUS 1.3 allocation columns (fct_focus_allocated_charges): FOCUS
    KeyValueFormat and JsonObjectFormat columns are JSON objects serialised as strings.
    Each engine serialises with its own JSON writer, so quotes and backslashes in tag
    values are escaped correctly everywhere.
-#}

{#- A JSON object of literal keys to string expressions; pairs whose value is null are left out. -#}
{% macro json_object_text(pairs) -%}
    {{ return(adapter.dispatch('json_object_text', 'ml_cost')(pairs)) }}
{%- endmacro %}

{% macro default__json_object_text(pairs) -%}
    {{ not_supported('json_object_text') }}
{%- endmacro %}

{% macro duckdb__json_object_text(pairs) -%}
    cast(to_json(map_from_entries(list_filter(
        [{% for key, value in pairs %}{'k': {{ sql_quote(key) }}, 'v': {{ value }}}{{ ', ' if not loop.last }}{% endfor %}],
        lambda entry: entry.v is not null
    ))) as varchar)
{%- endmacro %}

{% macro spark__json_object_text(pairs) -%}
    to_json(map_filter(
        map({% for key, value in pairs %}{{ sql_quote(key) }}, {{ value }}{{ ', ' if not loop.last }}{% endfor %}),
        (k, v) -> v is not null
    ))
{%- endmacro %}

{% macro athena__json_object_text(pairs) -%}
    json_format(cast(map_filter(
        map(
            array[{% for key, value in pairs %}{{ sql_quote(key) }}{{ ', ' if not loop.last }}{% endfor %}],
            array[{% for key, value in pairs %}cast({{ value }} as varchar){{ ', ' if not loop.last }}{% endfor %}]
        ),
        (k, v) -> v is not null
    ) as json))
{%- endmacro %}

{#- FOCUS 1.3 AllocatedMethodDetails: {"Elements": [{"AllocatedRatio": ratio, "UsageUnit": unit}]}. -#}
{% macro allocated_method_details_text(ratio_expr, unit_expr) -%}
    {{ return(adapter.dispatch('allocated_method_details_text', 'ml_cost')(ratio_expr, unit_expr)) }}
{%- endmacro %}

{% macro default__allocated_method_details_text(ratio_expr, unit_expr) -%}
    {{ not_supported('allocated_method_details_text') }}
{%- endmacro %}

{% macro duckdb__allocated_method_details_text(ratio_expr, unit_expr) -%}
    cast(to_json({'Elements': [{'AllocatedRatio': cast({{ ratio_expr }} as double), 'UsageUnit': {{ unit_expr }}}]}) as varchar)
{%- endmacro %}

{% macro spark__allocated_method_details_text(ratio_expr, unit_expr) -%}
    to_json(named_struct('Elements', array(named_struct(
        'AllocatedRatio', cast({{ ratio_expr }} as double), 'UsageUnit', {{ unit_expr }}
    ))))
{%- endmacro %}

{% macro athena__allocated_method_details_text(ratio_expr, unit_expr) -%}
    json_format(cast(map(
        array['Elements'],
        array[cast(array[map(
            array['AllocatedRatio', 'UsageUnit'],
            array[cast(cast({{ ratio_expr }} as double) as json), cast({{ unit_expr }} as json)]
        )] as json)]
    ) as json))
{%- endmacro %}

{#- A FOCUS column name (PascalCase), quoted for the engine so its case is kept. -#}
{% macro focus_name(name) -%}
    {{ return(adapter.quote(name)) }}
{%- endmacro %}

{#-
    (key, value) pairs for AllocatedTags: the attribution keys (ml:team, ...) a split row
    resolved from something other than the charge's own billing tags, which FOCUS already
    carries in Tags ("AllocatedTags MUST NOT include resource tags already present in Tags");
    the placeholders 'unattributed' and '(idle)' are not tags and are left out.
-#}
{% macro allocated_tag_pairs(keys, relation_alias) -%}
    {%- set pairs = [] -%}
    {%- for key in keys -%}
        {%- set column = relation_alias ~ "." ~ key.column -%}
        {%- do pairs.append((key.key,
            "case when " ~ column ~ "_source not in ('billing_tags', 'unattributed')"
            ~ " and " ~ column ~ " not in ('unattributed', '(idle)') then " ~ column ~ " end")) -%}
    {%- endfor -%}
    {{ return(pairs) }}
{%- endmacro %}
