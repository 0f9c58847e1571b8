-- noqa: disable=LT02
{#-
    The AWS CUR 2.0 reader: CUR 2.0 line items as FOCUS rows, so everything after the reader
    (staging, attribution, marts) is the same for both exports (docs/exports.md "CUR 2.0").

    Sources for the CUR 2.0 columns: AWS Data Exports user guide, CUR 2.0 table dictionary
    (table-dictionary-cur2-bill, -line-item, -pricing, -product, -savings-plan, -reservation,
    -resource-tags, -cost-category). Effective (amortised) cost is AWS's own formula, as the
    AWS Well-Architected Labs CUR query library writes it for every query
    (awslabs/aws-well-architected-labs, static/Cost/300_CUR_Queries/Code/Global/spendaccount.sql):
    SavingsPlanCoveredUsage -> savings_plan_savings_plan_effective_cost; SavingsPlanRecurringFee
    -> savings_plan_total_commitment_to_date - savings_plan_used_commitment (the unused part);
    SavingsPlanNegation, SavingsPlanUpfrontFee -> 0; DiscountedUsage -> reservation_effective_cost;
    RIFee -> reservation_unused_amortized_upfront_fee_for_billing_period +
    reservation_unused_recurring_fee; Fee of a reservation -> 0; everything else
    line_item_unblended_cost. A recurring commitment fee (SavingsPlanRecurringFee, RIFee) becomes
    two FOCUS rows, as FOCUS models it: the purchase (billed, effective 0) and its unused part
    (ChargeCategory Usage, CommitmentDiscountStatus Unused, effective and list = the unused
    amount); the two sum to AWS's amortised cost of the line.
    Split cost allocation data (optional export setting; AWS computes it for ECS, EKS and Batch,
    not SageMaker) is passed through: split_line_item_parent_resource_id, split_line_item_split_cost
    and split_line_item_unused_cost (the CUR 2.0 form of the legacy CUR's splitLineItem/ParentResourceId,
    SplitCost, UnusedCost; optional columns, not checked against a CUR 2.0 file) become
    x_SplitParentResourceId, x_SplitCost, x_SplitUnusedCost.
-#}

{#- The CUR 2.0 columns read, lower name -> {'name', 'type'}; var('cur2_required_columns') must be in every file. -#}
{% macro cur2_wanted_columns() -%}
    {%- set columns = {
        'bill_bill_type': 'varchar',
        'bill_billing_period_end_date': 'timestamp',
        'bill_billing_period_start_date': 'timestamp',
        'bill_invoice_id': 'varchar',
        'bill_invoicing_entity': 'varchar',
        'bill_payer_account_id': 'varchar',
        'bill_payer_account_name': 'varchar',
        'cost_category': 'map',
        'line_item_availability_zone': 'varchar',
        'line_item_currency_code': 'varchar',
        'line_item_legal_entity': 'varchar',
        'line_item_line_item_description': 'varchar',
        'line_item_line_item_type': 'varchar',
        'line_item_operation': 'varchar',
        'line_item_product_code': 'varchar',
        'line_item_resource_id': 'varchar',
        'line_item_unblended_cost': 'double',
        'line_item_usage_account_id': 'varchar',
        'line_item_usage_account_name': 'varchar',
        'line_item_usage_amount': 'double',
        'line_item_usage_end_date': 'timestamp',
        'line_item_usage_start_date': 'timestamp',
        'line_item_usage_type': 'varchar',
        'pricing_public_on_demand_cost': 'double',
        'pricing_public_on_demand_rate': 'varchar',
        'pricing_term': 'varchar',
        'pricing_unit': 'varchar',
        'product': 'map',
        'product_region_code': 'varchar',
        'product_sku': 'varchar',
        'reservation_effective_cost': 'double',
        'reservation_reservation_a_r_n': 'varchar',
        'reservation_unused_amortized_upfront_fee_for_billing_period': 'double',
        'reservation_unused_recurring_fee': 'double',
        'resource_tags': 'map',
        'savings_plan_offering_type': 'varchar',
        'savings_plan_savings_plan_a_r_n': 'varchar',
        'savings_plan_savings_plan_effective_cost': 'double',
        'savings_plan_total_commitment_to_date': 'double',
        'savings_plan_used_commitment': 'double',
        'split_line_item_parent_resource_id': 'varchar',
        'split_line_item_split_cost': 'double',
        'split_line_item_unused_cost': 'double',
    } -%}
    {%- set wanted = {} -%}
    {%- for name, type in columns.items() -%}
        {%- do wanted.update({name: {'name': name, 'type': type}}) -%}
    {%- endfor -%}
    {{ return(wanted) }}
{%- endmacro %}

{#- Missing required CUR 2.0 columns, columns of the wrong kind, and files that are not CUR 2.0. -#}
{% macro cur2_file_problems(columns_by_file) -%}
    {%- set wanted = cur2_wanted_columns() -%}
    {%- set required = var('cur2_required_columns') | map('lower') | list -%}
    {%- set problems = [] -%}
    {%- for file, found in columns_by_file.items() -%}
        {%- set names = found.get('names', []) | map('lower') | list -%}
        {%- set kind = cur_export_kind(found.get('names', [])) -%}
        {%- if 'billedcost' in names or 'chargeperiodstart' in names -%}
            {%- do problems.append(file ~ ": this is a FOCUS file (BilledCost, ChargePeriodStart, ...), not CUR 2.0; "
                ~ "land FOCUS exports under focus/<export-name>/ (docs/exports.md)") -%}
        {%- elif kind and 'legacy' in kind -%}
            {%- do problems.append(file ~ ": " ~ kind) -%}
        {%- else -%}
            {%- do problems.extend(focus_column_problems(file, found, wanted, required, 'CUR 2.0',
                {'line_item_resource_id': "; create the export with 'Include resource IDs' (docs/exports.md)"})) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(problems) }}
{%- endmacro %}

{#-
    One group of CUR 2.0 files (same format and columns) as FOCUS-named, typed columns plus
    filename and file_row_key (DuckDB). Every CUR column is typed and checked first, naming the
    CUR 2.0 file and column (a number that does not parse, NaN, a null period).
-#}
{% macro cur2_rows_sql(group) -%}
    {%- set wanted = cur2_wanted_columns() -%}
    {%- set periods = ['bill_billing_period_start_date', 'bill_billing_period_end_date',
        'line_item_usage_start_date', 'line_item_usage_end_date'] -%}
    (
        with

        typed as (
            select
            {%- for name, column in wanted.items() %}
                {{ focus_column_expression(column, group.columns.get(name), group.format, 'CUR 2.0 file', periods) }} as {{ name }},
            {%- endfor %}
                filename,
            {%- if group.format == 'parquet' %}
                cast(file_row_number as varchar) as row_key
            {%- else %}
                {{ focus_csv_row_key(group.columns) }} as row_key
            {%- endif %}
            from {{ focus_read_parquet(group.files) if group.format == 'parquet' else focus_read_csv(group.files) }}
        ),

        line_items as (
            select typed.*, false as is_unused_part from typed
            union all
            {#- the unused part of a recurring commitment fee: its own FOCUS row #}
            select typed.*, true as is_unused_part from typed
            where line_item_line_item_type in ('SavingsPlanRecurringFee', 'RIFee')
        )

        select
            {{ cur2_focus_columns() }},
            filename,
            row_key || case when is_unused_part then '-unused' else '' end as file_row_key
        from line_items
    )
{%- endmacro %}

{#- The FOCUS columns of one CUR 2.0 line item (or of the unused part of a commitment fee). -#}
{% macro cur2_focus_columns() -%}
    {%- set t = 'line_item_line_item_type' -%}
    {%- set unused_amount -%}
        case {{ t }}
            when 'SavingsPlanRecurringFee' then savings_plan_total_commitment_to_date - savings_plan_used_commitment
            else reservation_unused_amortized_upfront_fee_for_billing_period + reservation_unused_recurring_fee
        end
    {%- endset -%}
    {%- set commitment_types = "('SavingsPlanCoveredUsage', 'SavingsPlanNegation', 'SavingsPlanRecurringFee', "
        ~ "'SavingsPlanUpfrontFee', 'DiscountedUsage', 'RIFee')" -%}
    line_item_availability_zone as "AvailabilityZone",
    case when is_unused_part then 0 else line_item_unblended_cost end as "BilledCost",
    bill_payer_account_id as "BillingAccountId",
    bill_payer_account_name as "BillingAccountName",
    line_item_currency_code as "BillingCurrency",
    bill_billing_period_end_date as "BillingPeriodEnd",
    bill_billing_period_start_date as "BillingPeriodStart",
    case
        when is_unused_part then 'Usage'
        when {{ t }} in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage', 'SavingsPlanNegation') then 'Usage'
        when {{ t }} in ('SavingsPlanRecurringFee', 'SavingsPlanUpfrontFee', 'RIFee', 'Fee') then 'Purchase'
        when {{ t }} = 'Tax' then 'Tax'
        when {{ t }} = 'Credit' or {{ t }} like '%Discount' then 'Credit'
        else 'Adjustment'
    end as "ChargeCategory",
    case when not is_unused_part and {{ t }} = 'Refund' then 'Correction' end as "ChargeClass",
    case
        when is_unused_part then 'Unused commitment: ' || coalesce(line_item_line_item_description, {{ t }})
        else line_item_line_item_description
    end as "ChargeDescription",
    case
        when is_unused_part then 'Usage-Based'
        when {{ t }} in ('SavingsPlanRecurringFee', 'RIFee') then 'Recurring'
        when {{ t }} in ('SavingsPlanUpfrontFee', 'Fee') then 'One-Time'
        else 'Usage-Based'
    end as "ChargeFrequency",
    line_item_usage_end_date as "ChargePeriodEnd",
    line_item_usage_start_date as "ChargePeriodStart",
    case
        when {{ t }} in {{ commitment_types }} and nullif(savings_plan_savings_plan_a_r_n, '') is not null then 'Spend'
        when {{ t }} in {{ commitment_types }} and nullif(reservation_reservation_a_r_n, '') is not null then 'Usage'
    end as "CommitmentDiscountCategory",
    case
        when {{ t }} in {{ commitment_types }}
            then coalesce(nullif(savings_plan_savings_plan_a_r_n, ''), nullif(reservation_reservation_a_r_n, ''))
    end as "CommitmentDiscountId",
    case
        when is_unused_part then 'Unused'
        when {{ t }} in ('SavingsPlanCoveredUsage', 'SavingsPlanNegation', 'DiscountedUsage') then 'Used'
    end as "CommitmentDiscountStatus",
    case
        when {{ t }} in {{ commitment_types }} and nullif(savings_plan_savings_plan_a_r_n, '') is not null
            then nullif(savings_plan_offering_type, '')
        when {{ t }} in {{ commitment_types }} and nullif(reservation_reservation_a_r_n, '') is not null then 'Reserved Instance'
    end as "CommitmentDiscountType",
    case
        when not is_unused_part and {{ t }} in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage') then line_item_usage_amount
    end as "ConsumedQuantity",
    case
        when not is_unused_part and {{ t }} in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage') then pricing_unit
    end as "ConsumedUnit",
    case
        when is_unused_part then {{ unused_amount }}
        when {{ t }} = 'SavingsPlanCoveredUsage' then savings_plan_savings_plan_effective_cost
        when {{ t }} = 'DiscountedUsage' then reservation_effective_cost
        when {{ t }} in ('SavingsPlanNegation', 'SavingsPlanUpfrontFee', 'SavingsPlanRecurringFee', 'RIFee') then 0
        when {{ t }} = 'Fee' and nullif(reservation_reservation_a_r_n, '') is not null then 0
        else line_item_unblended_cost
    end as "EffectiveCost",
    bill_invoice_id as "InvoiceId",
    bill_invoicing_entity as "InvoiceIssuerName",
    case when is_unused_part then {{ unused_amount }} else pricing_public_on_demand_cost end as "ListCost",
    case when not is_unused_part then try_cast(nullif(pricing_public_on_demand_rate, '') as double) end as "ListUnitPrice",
    case
        when is_unused_part or {{ t }} in ('SavingsPlanCoveredUsage', 'SavingsPlanNegation', 'DiscountedUsage') then 'Committed'
        when lower(pricing_term) = 'spot' then 'Dynamic'
        when lower(replace(pricing_term, ' ', '')) = 'ondemand' then 'Standard'
    end as "PricingCategory",
    line_item_currency_code as "PricingCurrency",
    {#- a negation re-prices usage its covered line already counts: its hours are not counted twice -#}
    case when {{ t }} = 'SavingsPlanNegation' then 0 else line_item_usage_amount end as "PricingQuantity",
    pricing_unit as "PricingUnit",
    'AWS' as "ProviderName",
    line_item_legal_entity as "PublisherName",
    nullif(product_region_code, '') as "RegionId",
    nullif(line_item_resource_id, '') as "ResourceId",
    coalesce(product['product_name'], line_item_product_code) as "ServiceName",
    nullif(product_sku, '') as "SkuId",
    line_item_usage_type as "SkuMeter",
    line_item_usage_account_id as "SubAccountId",
    line_item_usage_account_name as "SubAccountName",
    {{ tags_with_cost_categories('resource_tags', 'cost_category') }} as "Tags",
    nullif(line_item_operation, '') as "x_Operation",
    line_item_product_code as "x_ServiceCode",
    line_item_usage_type as "x_UsageType",
    {#- split cost allocation data, passed through (ECS, EKS and Batch; not SageMaker) #}
    nullif(split_line_item_parent_resource_id, '') as "x_SplitParentResourceId",
    split_line_item_split_cost as "x_SplitCost",
    split_line_item_unused_cost as "x_SplitUnusedCost"
{%- endmacro %}

{#- The kind of each FOCUS column cur2_focus_columns() makes (for the FOCUS reader's expressions). -#}
{% macro cur2_focus_column_kinds() -%}
    {%- set kinds = {} -%}
    {%- for column in focus_columns() -%}
        {%- if column.name not in ('BillingAccountType', 'CapacityReservationId', 'CapacityReservationStatus',
                'CommitmentDiscountName', 'CommitmentDiscountQuantity', 'CommitmentDiscountUnit', 'ContractedCost',
                'ContractedUnitPrice', 'RegionName', 'ResourceName', 'ResourceType', 'ServiceCategory',
                'ServiceSubcategory', 'SkuPriceId', 'SubAccountType', 'x_CostCategories') -%}
            {%- set kind = {'double': 'number', 'timestamp': 'timestamp', 'varchar': 'string', 'map': 'map'}[column.type] -%}
            {%- do kinds.update({column.name | lower: {'name': column.name, 'kind': kind}}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(kinds) }}
{%- endmacro %}
