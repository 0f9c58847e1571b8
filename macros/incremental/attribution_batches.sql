-- noqa: disable=LT02
{#-
    int_ml_charges_attributed in batches of charge days (docs/performance.md "Attribution in
    batches of charge days").

    The model's left join of the charge rows to the split rows holds the split rows in a hash
    table. When they do not fit in memory DuckDB spills the join, and the model takes most of
    a large build: at 50M FOCUS rows, 472 of 1,301 s. Run over a few charge days at a time,
    each batch's split rows fit: on a 10M demo build at a memory limit of 600MB, 4 batches took
    34 s where one statement took 49 s (same rows, same hash); at 3GB, where one batch fits,
    4 took 27.7 s against 22.6 s. So the batch count comes from the split rows and the memory:
    about 600 bytes of memory per split row of a batch (1M split rows fitted 600MB), overridden
    by var attribution_batch_split_rows.

    The model's SQL holds the first batch: its charge rows and its split rows both filtered to
    the batch's charge dates (attribution_batch_filter; filtering the charge rows alone does not
    reach the split rows' hash table). Its post-hook (insert_attribution_batches) inserts the
    other batches with the same SQL, the first batch's filter replaced by each batch's. The
    batches are ranges of charge dates whose ends are written in the compiled SQL, open at both
    ends: every charge day falls in exactly one, whatever the sizing query saw.

    DuckDB only. Spark and Athena run the model as one statement (their joins spread over
    executors or workers rather than one process's memory).
-#}

{#-
    The charge dates on which the second, third, ... batch start ([]: one batch), from the
    split rows per charge day of the days to process and the rows a batch may hold.
-#}
{% macro attribution_batch_starts() -%}
    {{ return(adapter.dispatch('attribution_batch_starts', 'ml_cost')()) }}
{%- endmacro %}

{% macro default__attribution_batch_starts() -%}
    {{ not_supported('attribution_batch_starts') }}
{%- endmacro %}

{#- Spark and Athena: one batch (their joins spread over executors or workers, not one process's memory). -#}
{% macro spark__attribution_batch_starts() -%}
    {{ return([]) }}
{%- endmacro %}

{% macro athena__attribution_batch_starts() -%}
    {{ return([]) }}
{%- endmacro %}

{% macro duckdb__attribution_batch_starts() -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set batch_rows = attribution_batch_split_rows() -%}
    {%- set query -%}
        select
            cast(charge_days.charge_date as varchar) as charge_date,
            count(splits.charge_id) as split_rows
        from {{ ref('stg_focus__charge_days') }} as charge_days
        left join {{ ref('int_ml_charge_splits_costed') }} as splits
            on charge_days.charge_day_version = splits.charge_day_version
        where {{ charge_days_to_process_at_compile() }}
        group by charge_days.charge_date
        order by charge_days.charge_date
    {%- endset -%}
    {%- set starts = [] -%}
    {%- set held = namespace(rows=0) -%}
    {%- for row in run_query(query).rows -%}
        {%- if held.rows > 0 and held.rows + row[1] > batch_rows -%}
            {%- do starts.append(row[0]) -%}
            {%- set held.rows = 0 -%}
        {%- endif -%}
        {%- set held.rows = held.rows + row[1] -%}
    {%- endfor -%}
    {{ return(starts) }}
{%- endmacro %}

{#- The split rows one batch may hold: var attribution_batch_split_rows, else DuckDB's memory limit / 600 bytes. -#}
{% macro attribution_batch_split_rows() -%}
    {%- if var('attribution_batch_split_rows', none) -%}
        {{ return(var('attribution_batch_split_rows') | int) }}
    {%- endif -%}
    {{ return((duckdb_memory_limit_bytes('attribution_batch_split_rows') / 600) | int) }}
{%- endmacro %}

{#-
    The rows of one batch, on a relation with charge_date (the charge rows and the split
    rows): charge dates from lower (none: all before upper) to before upper (none: all from
    lower on). Constants only, not a subquery: the charge rows stay a plain filtered scan. The
    subquery this replaced (charge_day_version in the batch's days) made each filtered scan a
    join, and DuckDB's common_subplan optimizer then materialised the batch's charge rows, every
    column, for the model's two readers of them (the contexts and the rows). At 50M FOCUS rows,
    5 batches: the model took 494 s that way, 387 s with constants (docs/performance.md).
-#}
{% macro attribution_batch_filter(lower, upper) -%}
    {%- if lower is none and upper is none -%}
        true
    {%- else -%}
        (
            {%- if lower is not none %}charge_date >= cast('{{ lower }}' as date){% endif %}
            {%- if lower is not none and upper is not none %} and {% endif %}
            {%- if upper is not none %}charge_date < cast('{{ upper }}' as date){% endif -%}
        )
    {%- endif -%}
{%- endmacro %}

{#- The line of the compiled SQL that names the batches' starts (read back by the post-hook). -#}
{% macro attribution_batches_comment(starts) -%}
    -- attribution batches after the first start on: {{ starts | join(' ') if starts else 'none (one batch)' }}
{%- endmacro %}

{#-
    Post-hook: insert the batches after the first, each with the model's compiled SQL (`sql`)
    and its own filter in place of the first batch's. Fails loudly if the SQL does not hold
    the first batch's filter on both the charge rows and the split rows.
-#}
{% macro insert_attribution_batches() -%}
    {%- set found = modules.re.search('-- attribution batches after the first start on: ([0-9 -]+)\n', sql or '') -%}
    {%- if not execute or found is none -%}
        select 1 as one_batch
    {%- else -%}
        {%- set starts = found.group(1).strip().split(' ') -%}
        {%- set others = [] -%}
        {%- for lower in starts -%}
            {%- set upper = starts[loop.index] if not loop.last else none -%}
            {%- do others.append({
                'filter': attribution_batch_filter(lower, upper),
                'label': 'batch ' ~ (loop.index + 1) ~ ' of ' ~ (starts | length + 1)
                    ~ ', charge days from ' ~ lower ~ (' to before ' ~ upper if upper else ' on'),
            }) -%}
        {%- endfor -%}
        {#- twice: the charge rows and the split rows -#}
        {{ insert_batches_after_first('insert_attribution_batches', attribution_batch_filter(none, starts[0]), 2, others) }}
    {%- endif -%}
{%- endmacro %}
