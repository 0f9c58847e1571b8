{#-
    One allocation row's part of a source row's cost. A row with a single target
    keeps the cost as it is. Split rows get cost x share rounded to 1e-10 USD, and
    the remainder row gets the cost minus the other parts, so the parts of a source
    row always sum back to it (largest-remainder in spirit, at 1e-10 USD): no split
    gains or loses a cent, however many rows a billing period has.
-#}
{% macro split_cost(cost, share, partition_by, is_remainder_row) -%}
    case
        when count(*) over (partition by {{ partition_by }}) = 1 then {{ cost }}
        when {{ is_remainder_row }}
            then round(
                {{ cost }}
                - (
                    sum(round({{ cost }} * {{ share }}, 10)) over (partition by {{ partition_by }})
                    - round({{ cost }} * {{ share }}, 10)
                ),
                10
            )
        else round({{ cost }} * {{ share }}, 10)
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
