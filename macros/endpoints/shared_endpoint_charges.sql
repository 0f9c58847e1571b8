{#-
    CTEs endpoints (one row per endpoint: kind, instance type and count) and endpoint_charges
    (the charge rows of the endpoints of one kind, with the endpoint's attributes and the part
    of the charge period the data covers), the start of every shared-endpoint split model.
    kind: multi_variant, multi_model or inference_components. charges, matches, variants and
    periods name the relations of int_ml_charges_classified, int_resource_ids_matched,
    int_endpoint_variants_joined and stg_focus__billing_periods.
-#}
{% macro shared_endpoint_charges_ctes(kind, charges, matches, variants, periods) %}
    endpoints as (

        select
            endpoint_key,
            min(endpoint_name) as endpoint_name,
            min(account_id) as account_id,
            min(region) as region,
            min(endpoint_kind) as endpoint_kind,
            min(instance_type) as instance_type,
            sum(current_instance_count) as instance_count
        from {{ variants }}
        group by endpoint_key

    ),

    endpoint_charges as (

        select
            charges.charge_id,
            charges.billing_period,
            charges.charge_period_start,
            charges.charge_period_end,
            -- the part of the charge period the data covers (a MONTHLY row of the open month
            -- ends on the first of next month)
            least(charges.charge_period_end, periods.data_through) as covered_end,
            charges.instance_type as row_instance_type,
            charges.cost_category,
            endpoints.endpoint_key,
            endpoints.endpoint_name,
            endpoints.account_id,
            endpoints.region,
            endpoints.endpoint_kind,
            endpoints.instance_type,
            endpoints.instance_count,
            charges.charge_day_version
        from {{ charges }} as charges
        inner join {{ matches }} as matches on charges.resource_id = matches.resource_id
        inner join endpoints on coalesce(matches.matched_resource_key, matches.resource_key) = endpoints.endpoint_key
        inner join {{ periods }} as periods on charges.billing_period = periods.billing_period
        where
            charges.resource_type = 'endpoint'
            and endpoints.endpoint_kind = '{{ kind }}'

    ),
{%- endmacro %}
