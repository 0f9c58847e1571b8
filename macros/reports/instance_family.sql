{#- The family of an ML instance type (ml.g5 for ml.g5.2xlarge): null when the text is not one. -#}
{% macro instance_family(instance_type) -%}
    {{ regexp_extract_group(instance_type, '^(ml\\.[a-z0-9-]+)\\.', 1) }}
{%- endmacro %}
