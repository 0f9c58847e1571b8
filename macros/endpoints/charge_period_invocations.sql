{#-
    The invocation rows of each shared-endpoint charge row that fall in its charge period: one
    row per charge row and invocation row, with the charge id, the invocation's `columns` and
    its invocations; the caller filters with `condition` and sums.
    Joined on the endpoint (name, account, region) and the period's range. A hash join on the
    endpoint alone tests every invocation hour of the endpoint against every charge row of it
    (the range is checked after the keys: at 50M the multi-model statement took 66.7 s that way
    and 10.5 s joined by day, docs/performance.md "Endpoint invocations joined by day"), so a
    charge period within one day (hourly and daily exports) also joins on that day; a longer one
    (a monthly row) on the endpoint and the range only. Each charge row is in exactly one of the
    two branches, and the day adds no condition the range does not imply, so the rows are those
    of the range join alone.
-#}
{% macro charge_period_invocations(endpoint_charges, invocations, columns, condition) -%}
    {%- set within_day -%}
        {{ endpoint_charges }}.charge_period_end
        <= {{ dbt.dateadd('day', 1, 'cast(cast(' ~ endpoint_charges ~ '.charge_period_start as date) as ' ~ dbt.type_timestamp() ~ ')') }}
    {%- endset -%}
    {%- for same_day in [true, false] %}
        select
            {{ endpoint_charges }}.charge_id,
            {%- for column in columns %}
                {{ invocations }}.{{ column }},
            {%- endfor %}
            {{ invocations }}.invocations
        from {{ endpoint_charges }}
        inner join {{ invocations }}
            on
                {{ endpoint_charges }}.endpoint_name = {{ invocations }}.endpoint_name
                and {{ endpoint_charges }}.account_id = {{ invocations }}.account_id
                and {{ endpoint_charges }}.region = {{ invocations }}.region
                {%- if same_day %}
                    and cast({{ endpoint_charges }}.charge_period_start as date) = cast({{ invocations }}.period_start as date)
                {%- endif %}
                and {{ endpoint_charges }}.charge_period_start <= {{ invocations }}.period_start
                and {{ endpoint_charges }}.charge_period_end > {{ invocations }}.period_start
        where
            ({{ condition }})
            and {{ '' if same_day else 'not ' }}({{ within_day }})
        {{ 'union all' if same_day }}
    {%- endfor %}
{%- endmacro %}
