{#-
    A from-clause item: `relation` with one row per day from start_expr (inclusive) to
    end_expr (exclusive), the day as `alias` (a date). Used to spread a cost over the days
    its charge period covers.
-#}
{% macro days_from(relation, start_expr, end_expr, alias='spread_date') -%}
    {{ return(adapter.dispatch('days_from', 'ml_cost')(relation, start_expr, end_expr, alias)) }}
{%- endmacro %}

{% macro default__days_from(relation, start_expr, end_expr, alias) -%}
    {{ relation }}
    cross join unnest(sequence(cast({{ start_expr }} as date), date_add('day', -1, cast({{ end_expr }} as date)), interval '1' day)) as days ({{ alias }})
{%- endmacro %}

{% macro duckdb__days_from(relation, start_expr, end_expr, alias) -%}
    (
        select
            *,
            cast(unnest(range(cast({{ start_expr }} as timestamp), cast({{ end_expr }} as timestamp), interval 1 day)) as date) as {{ alias }}
        from {{ relation }}
    )
{%- endmacro %}

{% macro spark__days_from(relation, start_expr, end_expr, alias) -%}
    {{ relation }} lateral view explode(sequence(cast({{ start_expr }} as date), date_sub(cast({{ end_expr }} as date), 1))) days as {{ alias }}
{%- endmacro %}

{#-
    The share (0 to 1) of the period [period_start, period_end) after created_at: how much of
    a charge period a resource created during it existed for (1 when created before it or
    when the creation time is unknown).
-#}
{% macro existence_share(created_at, period_start, period_end) -%}
    coalesce(
        {{ hours_between('greatest(' ~ created_at ~ ', ' ~ period_start ~ ')', period_end) }}
        / nullif({{ hours_between(period_start, period_end) }}, 0),
        1.0
    )
{%- endmacro %}
