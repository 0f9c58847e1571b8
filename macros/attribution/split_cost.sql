{#-
    One allocation row's part of a source row's cost: cost x share, and on the
    row flagged as the remainder row, whatever the shares left over (floating
    point), so the parts of a source row always sum back to it exactly.
-#}
{% macro split_cost(cost, share, partition_by, is_remainder_row) -%}
    {{ cost }} * {{ share }}
    + case
        when {{ is_remainder_row }} then {{ cost }} - sum({{ cost }} * {{ share }}) over (partition by {{ partition_by }})
        else 0
    end
{%- endmacro %}

{#- Share of a weight in its partition; zero or missing weights everywhere give equal shares, never a dropped cost. -#}
{% macro weight_share(weight, partition_by) -%}
    case
        when sum(coalesce({{ weight }}, 0)) over (partition by {{ partition_by }}) > 0
            then coalesce({{ weight }}, 0) / sum(coalesce({{ weight }}, 0)) over (partition by {{ partition_by }})
        else 1.0 / count(*) over (partition by {{ partition_by }})
    end
{%- endmacro %}
