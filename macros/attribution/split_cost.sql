{#-
    One allocation row's part of a source row's cost. A row with a single target
    keeps the cost as it is. Split rows get cost x share rounded to 1e-10 USD, and
    the remainder row gets the cost minus the other parts, so the parts of a source
    row always sum back to it (largest-remainder in spirit, at 1e-10 USD): no split
    gains or loses a cent, however many rows a billing period has.
    The sums over the source row are windows here; split_cost_from_parts takes them
    from anywhere (int_ml_charge_splits_costed sums them with a group-by per charge).
-#}
{% macro split_cost(cost, share, partition_by, is_remainder_row) -%}
    {{ split_cost_from_parts(
        cost,
        split_part(cost, share),
        'sum(' ~ split_part(cost, share) ~ ') over (partition by ' ~ partition_by ~ ')',
        'count(*) over (partition by ' ~ partition_by ~ ')',
        is_remainder_row
    ) }}
{%- endmacro %}

{#- One split row's rounded part of a cost: cost x share at 1e-10 USD. -#}
{% macro split_part(cost, share) -%}
    round({{ cost }} * {{ share }}, 10)
{%- endmacro %}

{#-
    split_cost's arithmetic, given the source row's figures however they were
    computed: its parts' sum (split_part summed over its split rows) and its number
    of split rows.
-#}
{% macro split_cost_from_parts(cost, part, parts_sum, target_count, is_remainder_row) -%}
    case
        when {{ target_count }} = 1 then {{ cost }}
        when {{ is_remainder_row }}
            then round(
                {{ cost }}
                - (
                    {{ parts_sum }}
                    - {{ part }}
                ),
                10
            )
        else {{ part }}
    end
{%- endmacro %}

{#- Share of a weight in its partition; zero or missing weights everywhere give equal shares, never a dropped cost. -#}
{% macro weight_share(weight, partition_by) -%}
    {{ share_of_weight(
        weight,
        'sum(coalesce(' ~ weight ~ ', 0)) over (partition by ' ~ partition_by ~ ')',
        'count(*) over (partition by ' ~ partition_by ~ ')'
    ) }}
{%- endmacro %}

{#- weight_share's arithmetic, given the partition's weight sum and row count however they were computed. -#}
{% macro share_of_weight(weight, weight_sum, target_count) -%}
    case
        when {{ weight_sum }} > 0
            then coalesce({{ weight }}, 0) / {{ weight_sum }}
        else 1.0 / {{ target_count }}
    end
{%- endmacro %}
