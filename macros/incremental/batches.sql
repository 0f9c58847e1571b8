{#-
    The part the batch post-hooks share (insert_attribution_batches, insert_landing_day_batches):
    insert each batch after the first with the model's compiled SQL (`sql`), the first batch's
    filter replaced by the batch's. Fails loudly, naming the caller, when the SQL does not hold
    the first batch's filter exactly `expected` times: a replace that matched nothing would
    insert the first batch again, one that matched a different count would filter only one side.
    `others` is a list of {'filter': ..., 'label': ...}, the label logged before the insert.
-#}
{% macro insert_batches_after_first(caller_name, first, expected, others) -%}
    {%- set found = sql.count(first) -%}
    {%- if found != expected -%}
        {{ exceptions.raise_compiler_error(
            caller_name ~ ": the compiled SQL of " ~ this ~ " holds the first batch's filter "
            ~ found ~ " times, expected " ~ expected
        ) }}
    {%- endif -%}
    {%- for batch in others -%}
        {{ log(this.identifier ~ ": " ~ batch.label, info=True) }}
        {%- do run_query('insert into ' ~ this ~ '\n' ~ sql.replace(first, batch.filter)) -%}
    {%- endfor -%}
    select {{ others | length + 1 }} as batches_inserted
{%- endmacro %}
