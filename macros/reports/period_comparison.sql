-- noqa: disable=LT02
{#-
    Honest months (docs/explain-the-bill.md): the CTEs period_totals, period_same_days and
    period_comparison, which compare each entity's billing period with the calendar month
    before it three ways: as reported (whole previous month), on the same days of the
    previous month, and by daily run rate. `daily` is a relation with billing_period,
    charge_date, effective_cost and the entity columns; `periods` is
    int_billing_periods_paired. period_comparison has one row per billing period and entity
    present in that period (its columns are documented in models/docs/period_columns.md).
-#}
{% macro period_comparison_ctes(daily, entities, periods) %}
period_totals as (

    select
        billing_period,
        {% for entity in entities %}
            {{ entity }},
        {% endfor %}
        sum(effective_cost) as effective_cost
    from {{ daily }}
    group by
        billing_period
        {%- for entity in entities %}, {{ entity }}{% endfor %}

),

period_same_days as (

    -- the previous month's cost on the days the period has data so far
    select
        {{ periods }}.billing_period,
        {% for entity in entities %}
            previous_days.{{ entity }},
        {% endfor %}
        sum(previous_days.effective_cost) as effective_cost
    from {{ daily }} as previous_days
    inner join {{ periods }}
        on
            previous_days.billing_period = {{ periods }}.previous_billing_period
            and previous_days.charge_date < {{ periods }}.previous_same_days_end
    group by
        {{ periods }}.billing_period
        {%- for entity in entities %}, previous_days.{{ entity }}{% endfor %}

),

period_comparison as (

    select
        current_totals.billing_period,
        {% for entity in entities %}
            current_totals.{{ entity }},
        {% endfor %}
        {{ periods }}.days_in_period,
        {{ periods }}.days_with_data,
        {{ periods }}.is_complete,
        current_totals.effective_cost / nullif({{ periods }}.days_with_data, 0) as daily_run_rate,
        {{ periods }}.previous_billing_period,
        case
            when {{ periods }}.previous_billing_period is not null then coalesce(previous_totals.effective_cost, 0)
        end as previous_period_effective_cost,
        case
            when {{ periods }}.previous_billing_period is not null
                then current_totals.effective_cost - coalesce(previous_totals.effective_cost, 0)
        end as change_effective_cost,
        current_totals.effective_cost / nullif(previous_totals.effective_cost, 0) - 1 as period_over_period_growth,
        case
            when {{ periods }}.previous_billing_period is not null then coalesce(period_same_days.effective_cost, 0)
        end as previous_same_days_effective_cost,
        case
            when {{ periods }}.previous_billing_period is not null
                then current_totals.effective_cost - coalesce(period_same_days.effective_cost, 0)
        end as same_days_change_effective_cost,
        current_totals.effective_cost / nullif(period_same_days.effective_cost, 0) - 1 as same_days_growth,
        case
            when {{ periods }}.previous_billing_period is not null
                then coalesce(previous_totals.effective_cost, 0) / nullif({{ periods }}.previous_days_with_data, 0)
        end as previous_daily_run_rate,
        (current_totals.effective_cost / nullif({{ periods }}.days_with_data, 0))
        / nullif(previous_totals.effective_cost / nullif({{ periods }}.previous_days_with_data, 0), 0)
        - 1 as run_rate_growth
    from period_totals as current_totals
    inner join {{ periods }} on current_totals.billing_period = {{ periods }}.billing_period
    left join period_totals as previous_totals
        on
            previous_totals.billing_period = {{ periods }}.previous_billing_period
            {%- for entity in entities %}
                and current_totals.{{ entity }} = previous_totals.{{ entity }}
            {%- endfor %}
    left join period_same_days
        on
            current_totals.billing_period = period_same_days.billing_period
            {%- for entity in entities %}
                and current_totals.{{ entity }} = period_same_days.{{ entity }}
            {%- endfor %}

)
{%- endmacro %}
