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
