{#-
    A from-clause item: `relation` with one row per day from start_expr (inclusive) to
    end_expr (exclusive), the day as `alias` (a date). Used to spread a cost over the days
    its charge period covers.
-#}
{% macro days_from(relation, start_expr, end_expr, alias='spread_date') -%}
    {{ return(adapter.dispatch('days_from', 'ml_cost')(relation, start_expr, end_expr, alias)) }}
{%- endmacro %}

{% macro default__days_from(relation, start_expr, end_expr, alias) -%}
    {{ not_supported('days_from') }}
{%- endmacro %}

{#- The days of start, start + 1 day, ... while before end (DuckDB's range), on every engine. -#}
{% macro athena__days_from(relation, start_expr, end_expr, alias) -%}
    {{ relation }}
    cross join unnest(
        if(
            cast({{ end_expr }} as timestamp) > cast({{ start_expr }} as timestamp),
            transform(
                sequence(cast({{ start_expr }} as timestamp), cast({{ end_expr }} as timestamp) - interval '0.001' second, interval '1' day),
                day_start -> cast(day_start as date)
            ),
            cast(array[] as array(date))
        )
    ) as days ({{ alias }})
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
    {{ relation }} lateral view explode(
        case when cast({{ end_expr }} as timestamp) > cast({{ start_expr }} as timestamp) then transform(
            sequence(cast({{ start_expr }} as timestamp), cast({{ end_expr }} as timestamp) - interval 1 microsecond, interval 1 day),
            day_start -> cast(day_start as date)
        ) end
    ) days as {{ alias }}
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

{#-
    A from-clause item with one row per hour from start_expr (inclusive) to end_expr
    (exclusive), the hour as `alias` (a timestamp); `relation` gives start and end.
-#}
{% macro hours_from(relation, start_expr, end_expr, alias='hour_start') -%}
    {{ return(adapter.dispatch('hours_from', 'ml_cost')(relation, start_expr, end_expr, alias)) }}
{%- endmacro %}

{% macro default__hours_from(relation, start_expr, end_expr, alias) -%}
    {{ not_supported('hours_from') }}
{%- endmacro %}

{% macro athena__hours_from(relation, start_expr, end_expr, alias) -%}
    {{ relation }} as hour_bounds
    cross join unnest(sequence({{ start_expr }}, date_add('hour', -1, {{ end_expr }}), interval '1' hour)) as hours ({{ alias }})
{%- endmacro %}

{% macro duckdb__hours_from(relation, start_expr, end_expr, alias) -%}
    (
        select unnest(range(cast({{ start_expr }} as timestamp), cast({{ end_expr }} as timestamp), interval 1 hour)) as {{ alias }}
        from {{ relation }} as hour_bounds
    ) as hours
{%- endmacro %}

{% macro spark__hours_from(relation, start_expr, end_expr, alias) -%}
    {{ relation }} as hour_bounds
    lateral view explode(sequence({{ start_expr }}, {{ end_expr }} - interval 1 hour, interval 1 hour)) hours as {{ alias }}
{%- endmacro %}

{#- Whether a timestamp falls on a Saturday or Sunday. -#}
{% macro is_weekend(expr) -%}
    {{ return(adapter.dispatch('is_weekend', 'ml_cost')(expr)) }}
{%- endmacro %}

{% macro default__is_weekend(expr) -%}
    {{ not_supported('is_weekend') }}
{%- endmacro %}

{% macro duckdb__is_weekend(expr) -%}
    (extract(isodow from {{ expr }}) in (6, 7))
{%- endmacro %}

{% macro athena__is_weekend(expr) -%}
    (day_of_week({{ expr }}) in (6, 7))
{%- endmacro %}

{% macro spark__is_weekend(expr) -%}
    (dayofweek({{ expr }}) in (1, 7))
{%- endmacro %}
