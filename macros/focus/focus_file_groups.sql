{#-
    Files of the same format and columns (names and kinds) are read by one scan: a list of
    {'format', 'columns', 'files'}, in the order of the first file of each group.
-#}
{% macro focus_file_groups(columns_by_file) -%}
    {%- set groups = {} -%}
    {%- for file, found in columns_by_file.items() -%}
        {%- set shape = [found.format] -%}
        {%- for name, actual in found.columns | dictsort -%}
            {%- do shape.append(name ~ ':' ~ actual.name ~ ':' ~ actual.kind) -%}
        {%- endfor -%}
        {%- set signature = shape | join('|') -%}
        {%- if signature not in groups -%}
            {%- do groups.update({signature: {'format': found.format, 'columns': found.columns, 'files': [], 'order': loop.index}}) -%}
        {%- endif -%}
        {%- do groups[signature].files.append(file) -%}
    {%- endfor -%}
    {{ return(groups.values() | sort(attribute='order') | list) }}
{%- endmacro %}
