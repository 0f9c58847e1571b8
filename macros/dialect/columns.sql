-- noqa: disable=LT02
{#-
    The columns a model declares in its yml, in order, less `except`: the portable form of
    DuckDB's `select * exclude (...)` (tests/python/test_structure.py checks that every
    built column is declared and every declared column built). In a unit test dbt gives no
    graph: the columns are then read from the built table (`model_name` in the intermediate
    schema, where every model that calls this reads from; unit tests need their inputs built).
-#}
{% macro declared_columns(model_name, except=[]) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- if graph.get('nodes') -%}
        {%- set node = graph.nodes.values()
            | selectattr('resource_type', 'equalto', 'model')
            | selectattr('name', 'equalto', model_name)
            | first -%}
        {%- for column in node.columns.values() if column.name not in except -%}
            {%- do names.append(column.name) -%}
        {%- endfor -%}
    {%- else -%}
        {%- set schema = generate_schema_name('intermediate', none) | trim -%}
        {%- set relation = adapter.get_relation(database=target.database, schema=schema, identifier=model_name) -%}
        {%- if relation is none -%}
            {{ exceptions.raise_compiler_error(
                "declared_columns: " ~ model_name ~ " is not built in " ~ schema ~ " (a unit test needs its inputs built)"
            ) }}
        {%- endif -%}
        {%- for column in adapter.get_columns_in_relation(relation) if column.name not in except -%}
            {%- do names.append(column.name) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names) }}
{%- endmacro %}
