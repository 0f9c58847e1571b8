{#-
    The attribution keys AWS Cost Categories feed, from var cost_category_attribution
    ({"<Cost Category name>": "<attribution key>"}, default none):
    [{'column': 'team', 'names': ['Team', ...]}, ...] in the order of the attribution keys.
-#}
{% macro cost_category_keys() -%}
    {%- set mapping = var('cost_category_attribution', {}) or {} -%}
    {%- set keys = [] -%}
    {%- for key in attribution_keys() -%}
        {%- set names = [] -%}
        {%- for name, target in mapping.items() if normalize_tag_key_text(target) == key.normalized -%}
            {%- do names.append(name) -%}
        {%- endfor -%}
        {%- if names -%}
            {%- do keys.append({'column': key.column, 'names': names}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(keys) }}
{%- endmacro %}
