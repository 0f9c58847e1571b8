{#-
    DuckDB's memory limit in bytes, for macros that size batches to it. sizing_var, the var that
    overrides the sizing, is named in the error when the setting cannot be read.
-#}
{% macro duckdb_memory_limit_bytes(sizing_var) -%}
    {#- current_setting gives the limit as DuckDB prints it, such as '2.7 GiB' -#}
    {%- set setting = query_values("select current_setting('memory_limit')")[0] -%}
    {%- set units = {
        'bytes': 1, 'KiB': 1024, 'MiB': 1024 ** 2, 'GiB': 1024 ** 3, 'TiB': 1024 ** 4,
        'KB': 1000, 'MB': 1000 ** 2, 'GB': 1000 ** 3, 'TB': 1000 ** 4,
    } -%}
    {%- set parts = setting.split(' ') -%}
    {%- if parts | length != 2 or parts[1] not in units -%}
        {{ exceptions.raise_compiler_error(
            sizing_var ~ ": DuckDB's memory_limit is '" ~ setting
            ~ "', expected '<number> <unit>' with a unit in " ~ (units.keys() | list | join(', '))
            ~ "; set var " ~ sizing_var ~ " instead"
        ) }}
    {%- endif -%}
    {{ return((parts[0] | float) * units[parts[1]]) }}
{%- endmacro %}
