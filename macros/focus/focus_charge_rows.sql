{#-
    The FOCUS rows of the export with the keys every model groups by: billing_period
    (YYYY-MM), charge_date and usage_type (x_UsageType, else SkuMeter). base_focus__charges
    is this over every file; incremental models pass delivery_keys to open only the
    delivery folders they need (macro focus_export_select).
-#}
{% macro focus_charge_rows(delivery_keys=none) -%}
    select
        {{ year_month('billing_period_start') }} as billing_period,
        cast(charge_period_start as date) as charge_date,
        coalesce(x_usage_type, sku_meter) as usage_type,
        focus_rows.*
    from (
        {{ focus_export_select(delivery_keys) }}
    ) as focus_rows
{%- endmacro %}

{#-
    int_charges_scoped: the rows of one read (charges) on the charge days of charge_days whose
    has_repeated_contents is `repeated`, joined to their day by account, period, date and
    delivery folder, with the day's version and the content hash of charge_columns. The rows
    of unflagged days come from the first read; those of flagged days from the second.
-#}
-- noqa: disable=LT02
{% macro scoped_charge_day_rows(charges, charge_days, row_columns, charge_columns, repeated) -%}
    select
        {%- for column in row_columns %}
            charges.{{ column }},
        {%- endfor %}
        {{ charge_days }}.charge_day_version,
        {{ hash_columns(charge_columns) }} as content_hash
    from {{ charges }} as charges
    inner join {{ charge_days }}
        on
            charges.billing_account_id is not distinct from {{ charge_days }}.billing_account_id
            and charges.billing_period = {{ charge_days }}.billing_period
            and charges.charge_date = {{ charge_days }}.charge_date
            and charges.delivery_key = {{ charge_days }}.delivery_key
    where {{ '' if repeated else 'not ' }}{{ charge_days }}.has_repeated_contents
{%- endmacro %}
-- noqa: enable=LT02
