-- noqa: disable=LT02
{#-
    A summary keeps every row it sums: per `group_by`, the sums of `columns` in the model
    equal those in `to` (to the conservation tolerance), and `row_count_column` of the
    model sums to the number of rows of `to`. Returns the groups that differ.
-#}
{% test totals_match(model, to, group_by, columns, row_count_column=none) %}

    with

    model_totals as (
        select
            {{ group_by | join(', ') }},
            {% if row_count_column %}sum({{ row_count_column }}) as row_count,{% endif %}
            {% for column in columns %}
                sum({{ column }}) as {{ column }}{{ ',' if not loop.last }}
            {% endfor %}
        from {{ model }}
        group by {{ group_by | join(', ') }}
    ),

    expected_totals as (
        select
            {{ group_by | join(', ') }},
            {% if row_count_column %}count(*) as row_count,{% endif %}
            {% for column in columns %}
                sum({{ column }}) as {{ column }}{{ ',' if not loop.last }}
            {% endfor %}
        from {{ to }}
        group by {{ group_by | join(', ') }}
    )

    select
        {% for column in group_by %}
            coalesce(model_totals.{{ column }}, expected_totals.{{ column }}) as {{ column }},
        {% endfor %}
        {% if row_count_column %}
            model_totals.row_count as model_row_count,
            expected_totals.row_count as expected_row_count,
        {% endif %}
        {% for column in columns %}
            model_totals.{{ column }} as model_{{ column }},
            expected_totals.{{ column }} as expected_{{ column }}{{ ',' if not loop.last }}
        {% endfor %}
    from model_totals
    full outer join expected_totals
        on
        {% for column in group_by %}
            model_totals.{{ column }} is not distinct from expected_totals.{{ column }}{{ ' and' if not loop.last }}
        {% endfor %}
    where
        model_totals.{{ group_by[0] }} is null
        or expected_totals.{{ group_by[0] }} is null
        {% if row_count_column %}or model_totals.row_count != expected_totals.row_count{% endif %}
        {% for column in columns %}
            or abs(model_totals.{{ column }} - expected_totals.{{ column }}) > {{ var('conservation_tolerance') }}
        {% endfor %}

{% endtest %}
