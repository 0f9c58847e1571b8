{#- Fails (or warns, with severity warn) for every row where `column_name` holds a value: for
    columns that name a problem, such as a warning about an export delivery. -#}
{% test all_null(model, column_name) %}

    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null

{% endtest %}
