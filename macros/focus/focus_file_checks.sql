{#-
    Checks of the FOCUS files before anything is read: a problem names the file, the column and
    what was expected, and all problems fail compilation together (focus_raise_problems).
-#}

{#- Files of 0 bytes, from the sizes base_focus__export_files recorded (not listed twice). -#}
{% macro focus_empty_file_problems(files) -%}
    {%- set problems = [] -%}
    {%- set sizes = run_query(
        "select file_path, size_bytes from " ~ ref('base_focus__export_files')
        ~ " where file_path in (" ~ sql_in_list(files) ~ ")") -%}
    {%- for row in sizes.rows if row['size_bytes'] == 0 -%}
        {%- do problems.append(row['file_path'] ~ ": the file is empty (0 bytes); expected a FOCUS export with a header row") -%}
    {%- endfor -%}
    {{ return(problems) }}
{%- endmacro %}

{#- Required columns that are missing and columns of a kind their FOCUS type cannot take. -#}
{% macro focus_file_problems(columns_by_file) -%}
    {%- set wanted = focus_wanted_columns() -%}
    {%- set required = var('focus_required_columns') | map('lower') | list -%}
    {%- set problems = [] -%}
    {%- for file, found in columns_by_file.items() -%}
        {%- for name in required if name not in found.columns -%}
            {%- do problems.append(file ~ ": missing required FOCUS column " ~ wanted[name].name
                ~ " (expected " ~ wanted[name].type ~ ")") -%}
        {%- endfor -%}
        {%- for name, actual in found.columns.items() if not focus_kind_fits(wanted[name].type, actual.kind) -%}
            {%- do problems.append(file ~ ": column " ~ actual.name ~ " has type " ~ actual.kind
                ~ ", expected " ~ focus_kind_label(wanted[name].type)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(problems) }}
{%- endmacro %}

{% macro focus_raise_problems(problems) -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error("Invalid FOCUS export under '" ~ focus_root() ~ "':\n  - " ~ (problems[:25] | join("\n  - "))
            ~ ("\n  ... and " ~ (problems | length - 25) ~ " more" if problems | length > 25 else "")) }}
    {%- endif -%}
{%- endmacro %}

{% macro focus_kind_fits(expected, kind) -%}
    {%- set fits = {
        'double': ['number', 'string', 'null'],
        'timestamp': ['timestamp', 'timestamptz', 'date', 'string', 'null'],
        'varchar': ['string', 'number', 'boolean', 'null'],
        'map': ['map', 'string', 'null'],
    } -%}
    {{ return(kind in fits[expected]) }}
{%- endmacro %}

{% macro focus_kind_label(expected) -%}
    {{ return({
        'double': 'a number (DOUBLE or DECIMAL, or text holding one)',
        'timestamp': 'a timestamp (or text such as 2024-09-01T00:00:00Z)',
        'varchar': 'text',
        'map': 'a map<string,string> (or a JSON object as text)',
    }[expected]) }}
{%- endmacro %}
