{#- Fail compilation when a dbt var is not one of the allowed values. -#}
{% macro validate_var_choice(name, allowed) -%}
    {%- set value = var(name) -%}
    {%- if value not in allowed -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be one of " ~ (allowed | join(', ')) ~ ", got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
