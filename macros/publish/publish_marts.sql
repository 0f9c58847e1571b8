-- noqa: disable=LT02
{#-
    `dbt run-operation publish_marts` (make publish): every mart (the models under
    models/marts/: fct_, dim_, rpt_) as Parquet, a folder per mart under `out` (var
    publish_path, else env ML_COST_PUBLISH, else warehouse/published), the same layout on
    every engine: <out>/<mart>/*.parquet, replaced whole on each call. BI tools and other
    engines read the folders; the column names and types are the marts' own.
-#}
{% macro publish_marts() -%}
    {%- set out = (var('publish_path', env_var('ML_COST_PUBLISH', 'warehouse/published')) | string).rstrip('/') -%}
    {%- set marts = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.original_file_path.startswith('models/marts/') and node.config.enabled -%}
        {%- do marts.append(node) -%}
    {%- endfor -%}
    {%- for node in marts | sort(attribute='name') -%}
        {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- if relation is none -%}
            {{ exceptions.raise_compiler_error(
                "publish_marts: mart " ~ node.name ~ " is not built in " ~ target.name ~ "; run the build first"
            ) }}
        {%- endif -%}
        {%- do run_query(publish_mart_sql(relation, out ~ '/' ~ node.name)) -%}
        {{ log("published " ~ node.name ~ " to " ~ out ~ "/" ~ node.name ~ "/", info=true) }}
    {%- endfor -%}
    {{ log(marts | length ~ " marts published under " ~ out, info=true) }}
{%- endmacro %}

{% macro publish_mart_sql(relation, folder) -%}
    {{ return(adapter.dispatch('publish_mart_sql', 'ml_cost')(relation, folder)) }}
{%- endmacro %}

{% macro default__publish_mart_sql(relation, folder) -%}
    {{ not_supported('publish_mart_sql') }}
{%- endmacro %}

{% macro duckdb__publish_mart_sql(relation, folder) -%}
    copy (select * from {{ relation }}) to {{ sql_quote(folder) }} (format parquet, per_thread_output true, overwrite true)
{%- endmacro %}

{% macro spark__publish_mart_sql(relation, folder) -%}
    insert overwrite directory {{ sql_quote(folder) }} using parquet select * from {{ relation }}
{%- endmacro %}

{#- Athena writes query results to S3 with UNLOAD (folder: an s3:// URI). -#}
{% macro athena__publish_mart_sql(relation, folder) -%}
    unload (select * from {{ relation }}) to {{ sql_quote(folder ~ '/') }} with (format = 'PARQUET')
{%- endmacro %}
