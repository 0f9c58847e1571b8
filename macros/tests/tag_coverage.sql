-- noqa: disable=LT02
{#-
    CI gate on tag coverage, for a model at the grain of rpt_tag_coverage_resources.
    A key counts as present when it is in billing Tags, on the resource, or inherited
    (a rule does not make a resource tagged). Fails (returns rows) for every key whose
    coverage in the chosen billing period is below the minimum, and prints each failing
    key with its measured coverage, the threshold and the top offenders by cost.

    arguments:
      keys       required keys to check (default: var attribution_keys)
      basis      'cost' (effective cost) or 'count' (resources); default var tag_coverage_basis
      min_share  minimum coverage; default var tag_coverage_<level>_min
      level      'error' or 'warn': which default threshold (pair it with config severity)
      filter     extra SQL condition on the rows (e.g. "environment = 'production'")
      period     'last_complete' (default: the last billing period the data reaches the end
                 of, else the last one), 'last' or 'all'
-#}
{% test tag_coverage(model, keys=none, basis=none, min_share=none, level='error', filter=none, period='last_complete', offenders=5) %}
    {%- set sql = tag_coverage_sql(model, keys, basis, min_share, level, filter, period, offenders) -%}
    {%- if execute and not api_tags_landed() and var('tag_coverage_gate_needs_metadata') -%}
        {#- Billing-only mode: way (b), tags on resources, cannot be measured; report, do not fail. -#}
        {{ log("tag_coverage " ~ level ~ ": no SageMaker metadata landed, so tags on resources (way b) cannot be measured; "
            ~ "the gate reports only (see rpt_tag_coverage). Land metadata with ml-cost-extract, or set var "
            ~ "tag_coverage_gate_needs_metadata: false to enforce it on billing tags alone.", info=true) }}
        {%- set sql = sql ~ "\n    limit 0" -%}
    {%- endif -%}
    {%- if execute and flags.WHICH in ('build', 'test') -%}
        {#- dbt prints no failing rows: the gate's message comes from the test's own rows (one query) -#}
        {%- for row in run_query(sql).rows -%}
            {{ log("tag_coverage " ~ level ~ ": " ~ row['required_key'] ~ " coverage " ~ '%.2f' | format(row['measured_coverage'] or 0)
                ~ " (" ~ row['basis'] ~ "-weighted, billing period " ~ row['billing_period'] ~ ") is below the threshold "
                ~ '%.2f' | format(row['threshold']) ~ "; top offenders by cost: " ~ row['top_offenders'], info=true) }}
        {%- endfor -%}
    {%- endif -%}
    {{ sql }}
{% endtest %}

{% macro tag_coverage_settings(keys, basis, min_share, level) -%}
    {%- set key_list = var('attribution_keys') if keys is none else ([keys] if keys is string else keys) -%}
    {%- set chosen_basis = basis or var('tag_coverage_basis') -%}
    {%- if chosen_basis not in ('cost', 'count') -%}
        {{ exceptions.raise_compiler_error("tag_coverage: basis must be 'cost' or 'count', got '" ~ chosen_basis ~ "'") }}
    {%- endif -%}
    {%- set threshold = min_share if min_share is not none else var('tag_coverage_' ~ level ~ '_min') -%}
    {{ return({'keys': key_list, 'basis': chosen_basis, 'threshold': threshold | float}) }}
{%- endmacro %}

{% macro tag_coverage_scope(model, filter, period) -%}
    scoped_rows as (
        select *
        from {{ model }}
        where
            {{ tag_key_required_condition() }}
            and ({{ filter or 'true' }})
    ),

    chosen_period as (
        select
            {% if period == 'last_complete' %}
                coalesce(max(case when is_complete_period then billing_period end), max(billing_period))
            {% else %}
                max(billing_period)
            {% endif %} as billing_period
        from scoped_rows
    ),

    period_rows as (
        select scoped_rows.*
        from scoped_rows
        {% if period != 'all' %}
            inner join chosen_period on scoped_rows.billing_period = chosen_period.billing_period
        {% endif %}
    )
{%- endmacro %}

{% macro tag_coverage_sql(model, keys, basis, min_share, level, filter, period, offenders=5) -%}
    {%- set s = tag_coverage_settings(keys, basis, min_share, level) -%}
    with

    {{ tag_coverage_scope(model, filter, period) }},

    coverage as (
        select
            required_key,
            {% if s.basis == 'cost' %}
                sum(cost_tagged) / nullif(sum(effective_cost), 0)
            {% else %}
                count(distinct case when present_on_resource then resource_key end) * 1.0 / nullif(count(distinct resource_key), 0)
            {% endif %} as measured_coverage,
            {{ s.threshold }} as threshold,
            {% if period == 'all' %}'all'{% else %}max(billing_period){% endif %} as billing_period,
            '{{ s.basis }}' as basis
        from period_rows
        where required_key in ({% for k in s['keys'] %}'{{ k }}'{{ ', ' if not loop.last }}{% endfor %})
        group by required_key
    ),

    offender_costs as (
        select
            required_key,
            resource_name,
            sum(effective_cost - cost_tagged) as untagged_cost
        from period_rows
        group by required_key, resource_name
        having sum(effective_cost - cost_tagged) > 0
    ),

    offender_lists as (
        select
            required_key,
            {{ dbt.listagg(
                "resource_name || ' ($' || cast(cast(untagged_cost as decimal(18, 2)) as " ~ dbt.type_string() ~ ") || ')'",
                "', '", "order by untagged_cost desc, resource_name", offenders) }} as top_offenders
        from offender_costs
        group by required_key
    )

    select
        coverage.required_key,
        coverage.measured_coverage,
        coverage.threshold,
        coverage.billing_period,
        coverage.basis,
        coalesce(offender_lists.top_offenders, 'none') as top_offenders
    from coverage
    left join offender_lists on coverage.required_key = offender_lists.required_key
    where coalesce(coverage.measured_coverage, 0) < coverage.threshold
{%- endmacro %}

{#- Which rows each required key is required on (var tag_coverage_key_filters); true for keys not listed. -#}
{% macro tag_key_required_condition() -%}
    {%- set key_filters = var('tag_coverage_key_filters', {}) -%}
    {%- if key_filters -%}
        (case required_key
            {%- for key, condition in key_filters.items() %}
            when '{{ key }}' then ({{ condition }})
            {%- endfor %}
            else true
        end)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- True when API tags have been landed (the extractor or the demo wrote sagemaker/tags). -#}
{% macro api_tags_landed() -%}
    {{ return(adapter.dispatch('api_tags_landed', 'ml_cost')()) }}
{%- endmacro %}

{#- Other engines: the registered sagemaker.tags table has rows. -#}
{% macro default__api_tags_landed() -%}
    {%- set counted = query_values("select count(*) from " ~ landing_source('sagemaker', 'tags')) -%}
    {{ return((counted[0] if counted else 0) > 0) }}
{%- endmacro %}

{% macro duckdb__api_tags_landed() -%}
    {%- set found = run_query("select count(*) from glob(" ~ sql_quote(landing_path() ~ "/sagemaker/tags/**/*.parquet") ~ ")") -%}
    {{ return(found.columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- The text columns of every seed of this project ({'seed', 'column'}), from their column_types. -#}
{% macro seed_text_columns() -%}
    {%- set checks = [] -%}
    {%- if execute -%}
        {%- for seed in graph.nodes.values() if seed.resource_type == 'seed' and seed.package_name == 'ml_cost' -%}
            {%- for column, type in (seed.config.column_types or {}).items() if type == 'string' -%}
                {%- do checks.append({'seed': seed.name, 'column': column}) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(checks) }}
{%- endmacro %}
