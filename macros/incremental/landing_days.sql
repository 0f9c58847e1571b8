-- noqa: disable=LT02
{#-
    Incremental processing of a landed metric table by the day of its time column
    (docs/performance.md "CloudWatch days rebuilt when their rows change").

    The extractor lands CloudWatch metrics in snapshot folders (extract/ml_cost_extract/landing.py):
    each run re-reads a look-back window, so a day's rows can change after the day has been
    built, in a later snapshot, a rerun that rewrites a file, a file copied in late or one
    removed. What decides is the landed rows, not the files' names or times: each day of the time
    column gets a version, a sum of the hashes of the day's rows in every landed file with their
    count (a plain scan with 61 groups, about 0.1 s for 5.4M rows). A model built this way stores
    the version of each row's day (landing_day_version). On each run one plan, read once when the
    model compiles (landing_days_plan), holds the current version of each day, the days whose
    current version the model does not hold (to build) and the days it holds with a version no
    longer current or no longer landed (to delete); a model that keeps only a look-back window
    passes its first day, and the days before it are never built and always deleted; then
      1. a pre-hook deletes the rows of the days to delete, read back from the compiled SQL, so
         files landing during the run cannot make it delete a day the model does not rebuild;
      2. the model builds the days to build, filtering its source with constant time ranges,
         which DuckDB takes into the Parquet scan (files and row groups of other days are
         skipped by their statistics), and stamps each row with its day's version from the plan
         (a constant map). A file landing after the plan was read can only make a day's rows
         newer than the version they carry; the next run sees the version change and rebuilds
         that day.
    The latest snapshot of each entity is chosen within its time period, so a day can be built
    from its own rows alone. DuckDB only: elsewhere these models are tables, rebuilt on each run.
-#}

{#- Model config materialized: incremental on DuckDB, a table elsewhere. -#}
{% macro landing_days_materialization() -%}
    {{ return('incremental' if target.type == 'duckdb' else 'table') }}
{%- endmacro %}

{#-
    A select of landing_date, landing_day_version and landing_rows (the day's landed rows, every
    snapshot): one row per day of a landed table.
-#}
{% macro landing_day_versions(source_name, table_name, time_column, first_day=none) -%}
    {{ return(adapter.dispatch('landing_day_versions', 'ml_cost')(source_name, table_name, time_column, first_day)) }}
{%- endmacro %}

{#- Engines other than DuckDB rebuild the models as tables: no versions. -#}
{% macro default__landing_day_versions(source_name, table_name, time_column, first_day=none) -%}
    select
        cast(null as date) as landing_date,
        cast(null as {{ dbt.type_bigint() }}) as landing_day_version,
        cast(null as {{ dbt.type_bigint() }}) as landing_rows
    where 1 = 0
{%- endmacro %}

{#-
    The hash of the day's content fingerprint (content_fingerprint_agg, as the FOCUS charge days:
    a sum of the rows' hashes, so two copies of a file change it) and its row count. A number,
    not a text: the version is stored on every row, and a text column costs about 1 s per 10M
    rows to write.
-#}
{% macro duckdb__landing_day_versions(source_name, table_name, time_column, first_day=none) -%}
    {%- if not execute -%}
        {{ return(default__landing_day_versions(source_name, table_name, time_column, first_day)) }}
    {%- endif -%}
    {%- set node = landing_source_node(source_name, table_name) -%}
    select
        cast(cast({{ time_column }} as timestamp) as date) as landing_date,
        hash({{ content_fingerprint_agg(node.columns.keys() | list) }}, count(*)) as landing_day_version,
        count(*) as landing_rows
    from {{ landing_source(source_name, table_name) }} as landed
    {%- if first_day is not none %}
    -- a model keeping a look-back window: its days only (a constant the Parquet scan takes)
    where cast({{ time_column }} as timestamp) >= cast({{ sql_quote(first_day) }} as timestamp)
    {%- endif %}
    group by cast(cast({{ time_column }} as timestamp) as date)
{%- endmacro %}

{#-
    A row's landing_day_version: the version of its day (time_expression) in a landing_days_plan.
    DuckDB looks the day up in a map of constants, which costs less than joining millions of
    rows to a few dozen days; elsewhere there are no versions.
-#}
{% macro landing_day_version_lookup(time_expression, plan) -%}
    {{ return(adapter.dispatch('landing_day_version_lookup', 'ml_cost')(time_expression, plan)) }}
{%- endmacro %}

{% macro default__landing_day_version_lookup(time_expression, plan) -%}
    cast(null as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- Map keys cannot be null: a row without a time has no version, so every run rebuilds it (staging tests reject it). -#}
{% macro duckdb__landing_day_version_lookup(time_expression, plan) -%}
    {%- set days = plan['versions'].keys() | reject('equalto', 'null') | sort | list -%}
    {%- if days | length == 0 -%}
        cast(null as ubigint)
    {%- else -%}
        map(
            [{% for day in days %}cast({{ sql_quote(day) }} as date){{ ', ' if not loop.last }}{% endfor %}],
            [{% for day in days %}cast({{ plan['versions'][day] }} as ubigint){{ ', ' if not loop.last }}{% endfor %}]
        )[cast({{ time_expression }} as date)]
    {%- endif -%}
{%- endmacro %}

{#-
    What a run does, read once at compile time: the current landing_day_version of each landed
    day (versions) and its landed rows (rows, which size landing_day_batches), the days (ISO
    dates; 'null' for rows without a time) whose current version the model does not hold
    (to_build) and the days it holds with a version that is no longer current, or that are no
    longer landed (to_delete). On a full build every landed day is to build. With first_day (an
    ISO date, a model that keeps a look-back window), only the days from first_day get versions
    and are to build, and the days the model holds before it are to delete; the model filters
    its source from first_day itself (a full build reads every day otherwise). Fails with a
    clear message when the model was built before it had landing_day_version. Empty on engines
    other than DuckDB, where these models are tables.
-#}
{% macro landing_days_plan(source_name, table_name, time_column, first_day=none) -%}
    {%- set plan = {'versions': {}, 'rows': {}, 'to_build': [], 'to_delete': []} -%}
    {%- if not execute or target.type != 'duckdb' -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- if is_incremental() -%}
        {%- set built_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {%- if 'landing_day_version' not in built_columns -%}
            {{ exceptions.raise_compiler_error(
                this ~ ' has no column landing_day_version: it was built before it was incremental by day. '
                ~ 'Run dbt once with --full-refresh (docs/performance.md "Incremental runs").'
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- set query -%}
        with versions as (
            {{ landing_day_versions(source_name, table_name, time_column, first_day) }}
        )
        {%- if is_incremental() %},
        built as (
            select distinct
                cast({{ time_column }} as date) as landing_date,
                landing_day_version
            from {{ this }}
        )
        {%- endif %}
        select
            'versions' as action,
            coalesce(cast(landing_date as varchar), 'null') as landing_date,
            cast(landing_day_version as varchar) as landing_day_version,
            landing_rows
        from versions
        {%- if is_incremental() %}
        union
        select 'to_build' as action, coalesce(cast(landing_date as varchar), 'null') as landing_date, null as landing_day_version, null as landing_rows
        from versions
        where
            landing_day_version not in (select built.landing_day_version from built where built.landing_day_version is not null)
            {%- if first_day is not none %}
            and landing_date >= cast({{ sql_quote(first_day) }} as date)
            {%- endif %}
        union
        select 'to_delete' as action, coalesce(cast(landing_date as varchar), 'null') as landing_date, null as landing_day_version, null as landing_rows
        from built
        where
            landing_day_version is null
            or landing_day_version not in (select versions.landing_day_version from versions)
            {%- if first_day is not none %}
            or landing_date < cast({{ sql_quote(first_day) }} as date)
            {%- endif %}
        {%- endif %}
        order by 1, 2
    {%- endset -%}
    {%- set result = run_query(query) -%}
    {%- for action, day, version, rows in (result.rows if result is not none else []) -%}
        {%- if action == 'versions' -%}
            {%- do plan['versions'].update({day: version}) -%}
            {%- do plan['rows'].update({day: rows | int}) -%}
            {%- if not is_incremental() and (first_day is none or (day != 'null' and day >= first_day)) -%}
                {%- do plan['to_build'].append(day) -%}
            {%- endif -%}
        {%- else -%}
            {%- do plan[action].append(day) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(plan) }}
{%- endmacro %}

{#- SQL condition: `time_column` on one of `days` (ISO dates or 'null'), consecutive days as one range of constants. -#}
{% macro landing_days_condition(time_column, days) -%}
    {%- set ranges = [] -%}
    {%- for iso_day in days if iso_day != 'null' -%}
        {%- set day = modules.datetime.date.fromisoformat(iso_day) -%}
        {%- if ranges and ranges[-1][1] == day -%}
            {%- set lower = ranges.pop()[0] -%}
            {%- do ranges.append([lower, day + modules.datetime.timedelta(days=1)]) -%}
        {%- else -%}
            {%- do ranges.append([day, day + modules.datetime.timedelta(days=1)]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set conditions = [] -%}
    {%- for lower, upper in ranges -%}
        {%- do conditions.append(
            '(' ~ time_column ~ ' >= cast(' ~ sql_quote(lower.isoformat()) ~ ' as timestamp) and '
            ~ time_column ~ ' < cast(' ~ sql_quote(upper.isoformat()) ~ ' as timestamp))'
        ) -%}
    {%- endfor -%}
    {%- if 'null' in days -%}
        {%- do conditions.append(time_column ~ ' is null') -%}
    {%- endif -%}
    {{ return('(' ~ (conditions | join(' or ')) ~ ')' if conditions else '1 = 0') }}
{%- endmacro %}

{#-
    Filter on the model's source: the days to build of a landing_days_plan (with several
    landing_day_batches, the first batch's days) as ranges of constant timestamps, which DuckDB
    takes into the Parquet scan; true on a full build in one batch or on engines without
    versions. On an incremental run it carries the plan's days to delete as a comment, which the pre-hook reads
    back: both lists come from the one compile-time plan, so files landing during the run cannot
    make the pre-hook delete a day the model does not rebuild (that day waits for the next run).
-#}
{% macro landing_days_to_process(plan, time_column, batches=none) -%}
    {%- if target.type != 'duckdb' -%}
        {{ return('true') }}
    {%- endif -%}
    {%- if batches is not none and batches | length > 1 -%}
        {%- set days = batches[0] -%}
    {%- elif is_incremental() -%}
        {%- set days = plan['to_build'] -%}
    {%- else -%}
        {{ return('true') }}
    {%- endif -%}
    {%- if not is_incremental() -%}
        {{ return(landing_days_condition(time_column, days)) }}
    {%- endif -%}
    {{ return(
        landing_days_condition(time_column, days)
        ~ ' /* landing days to delete: ' ~ (plan['to_delete'] | join(' ') if plan['to_delete'] else 'none') ~ ' */'
    ) }}
{%- endmacro %}

{#-
    The days to build of a landing_days_plan in batches: lists of ISO days in date order ('null'
    last), sized by the landed rows of their days (every snapshot: what a batch's scan and
    ranking read) against landing_day_batch_rows(): as few batches as that allows, of about
    equal rows (a day is never split, so a batch passes the limit when one day does). One batch
    on engines other than DuckDB. Run as one statement, a model's aggregations spill once the
    window's rows pass the memory limit: at 50M FOCUS rows (20M landed utilisation rows in the
    14-day window, 3GB) int_endpoint_utilization_pivoted took 33 s in one statement and 7.0 +
    9.1 s in two halves (docs/performance.md "Landed days in batches").
-#}
{% macro landing_day_batches(plan) -%}
    {%- set days = plan['to_build'] | sort -%}
    {%- if target.type != 'duckdb' or days | length == 0 -%}
        {{ return([days]) }}
    {%- endif -%}
    {%- set total = namespace(rows=0) -%}
    {%- for day in days -%}
        {%- set total.rows = total.rows + plan['rows'].get(day, 0) -%}
    {%- endfor -%}
    {#- as few batches as the limit allows, of about equal rows: a day goes to the batch its preceding rows fall in -#}
    {%- set count = [1, (total.rows / landing_day_batch_rows()) | round(0, 'ceil') | int] | max -%}
    {%- set size = [total.rows / count, 1] | max -%}
    {%- set batches = [] -%}
    {%- set before = namespace(rows=0) -%}
    {%- for day in days -%}
        {%- set index = [(before.rows / size) | int, count - 1] | min -%}
        {%- if batches | length <= index -%}
            {%- do batches.append([]) -%}
        {%- endif -%}
        {%- do batches[-1].append(day) -%}
        {%- set before.rows = before.rows + plan['rows'].get(day, 0) -%}
    {%- endfor -%}
    {{ return(batches) }}
{%- endmacro %}

{#-
    The landed rows one batch of a model incremental by landed day may read: var
    landing_day_batch_rows, else DuckDB's memory limit / 300 bytes (10M rows at 3GB: in the
    measurement above, a batch of about 10M rows ran without spilling, 20M did not).
-#}
{% macro landing_day_batch_rows() -%}
    {%- if var('landing_day_batch_rows', none) -%}
        {{ return(var('landing_day_batch_rows') | int) }}
    {%- endif -%}
    {{ return((duckdb_memory_limit_bytes('landing_day_batch_rows') / 300) | int) }}
{%- endmacro %}

{#- The line of the compiled SQL that names the batches (read back by the post-hook): days joined by commas, batches by spaces. -#}
{% macro landing_day_batches_comment(batches) -%}
    -- landing day batches: {{ batches | map('join', ',') | join(' ') if batches | length > 1 else 'one' }}
{%- endmacro %}

{#-
    Post-hook: insert the batches after the first, each with the model's compiled SQL (`sql`)
    and its days' condition in place of the first batch's. Fails loudly if the SQL does not
    hold the first batch's condition exactly once.
-#}
{% macro insert_landing_day_batches(time_column) -%}
    {%- set found = modules.re.search('-- landing day batches: ([0-9a-z, -]+)\n', sql or '') -%}
    {%- if not execute or target.type != 'duckdb' or found is none or found.group(1).strip() == 'one' -%}
        select 1 as one_batch
    {%- else -%}
        {%- set batches = [] -%}
        {%- for batch in found.group(1).strip().split(' ') -%}
            {%- do batches.append(batch.split(',')) -%}
        {%- endfor -%}
        {%- set others = [] -%}
        {%- for batch in batches[1:] -%}
            {%- do others.append({
                'filter': landing_days_condition(time_column, batch),
                'label': 'landing day batch ' ~ (loop.index + 1) ~ ' of ' ~ (batches | length)
                    ~ ', days ' ~ batch[0] ~ ' to ' ~ batch[-1],
            }) -%}
        {%- endfor -%}
        {{ insert_batches_after_first('insert_landing_day_batches', landing_days_condition(time_column, batches[0]), 1, others) }}
    {%- endif -%}
{%- endmacro %}

{#-
    Pre-hook: delete the rows of the days the compile-time plan names (changed or no longer
    landed), read back from the model's compiled SQL (`sql`). Fails loudly when an incremental
    DuckDB run's SQL does not name them.
-#}
{% macro delete_stale_landing_days(time_column) -%}
    {%- if execute and target.type == 'duckdb' and is_incremental() -%}
        {%- set found = modules.re.search('/\* landing days to delete: ([0-9a-z -]+) \*/', sql or '') -%}
        {%- if found is none -%}
            {{ exceptions.raise_compiler_error(this ~ ': the compiled SQL does not name the landing days to delete') }}
        {%- endif -%}
        {%- set days = found.group(1).split() -%}
        {%- if days == ['none'] -%}
            select 1 as nothing_to_delete
        {%- else -%}
            delete from {{ this }} where {{ landing_days_condition(time_column, days) }}
        {%- endif -%}
    {%- else -%}
        select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}
