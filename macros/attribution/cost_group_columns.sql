{#- One summed column per cost group, e.g. training_cost, inference_cost, ... -#}
{% macro cost_group_names() -%}
    {{ return([
        'training', 'inference', 'processing', 'development', 'storage', 'data_transfer',
        'labeling', 'commitment', 'credit', 'tax', 'adjustment', 'other',
    ]) }}
{%- endmacro %}

{% macro cost_group_columns(cost_column='effective_cost') -%}
    {%- for group in cost_group_names() %}
        sum(case when cost_group = '{{ group }}' then {{ cost_column }} else 0 end) as {{ group }}_cost,
    {%- endfor %}
{%- endmacro %}
