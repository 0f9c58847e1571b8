{#-
    The attributed SageMaker costs as a FOCUS 1.3 dataset with allocated charges: one row per
    split (fct_ml_costs row), FOCUS column names, the origin charge's columns, the allocated
    costs and quantities, and the 1.3 allocation columns (AllocatedMethodId,
    AllocatedMethodDetails, AllocatedResourceId, AllocatedTags), set on the rows of charges
    split by a method (shared endpoints) and null on charges that went whole to one target,
    as the FOCUS 1.3 columns require. x_ columns keep the attribution and the lineage.
    Source: FOCUS_Spec specification/datasets/cost_and_usage/columns/allocated*.md (1.3).
    A view, like fct_ml_costs: a table would rewrite every allocation row on every daily run
    (the slowest model of a one-more-day run when it was one); make publish writes it as Parquet.
-#}
{{ config(materialized='view') }}
{%- set keys = attribution_keys() -%}

with

allocations as (

    select * from {{ ref('fct_ml_costs') }}

),

origin_charges as (

    select * from {{ ref('int_charges_scoped') }}

),

split_rows as (

    select
        allocations.*,
        allocations.allocation_method != 'direct' as is_split,
        case allocations.allocation_method
            when 'variant_instance_hours' then 'Instance Hours'
            when 'invocation_share' then 'Invocations'
            when 'idle_proportional' then 'Invocations'
            when 'reserved_capacity' then 'Reserved Capacity'
            when 'idle_capacity' then 'Instance Hours'
        end as allocation_usage_unit
    from allocations

),

final as (

    select
        split_rows.billing_account_id as {{ focus_name('BillingAccountId') }},
        origin_charges.billing_period_start as {{ focus_name('BillingPeriodStart') }},
        origin_charges.billing_period_end as {{ focus_name('BillingPeriodEnd') }},
        split_rows.charge_period_start as {{ focus_name('ChargePeriodStart') }},
        split_rows.charge_period_end as {{ focus_name('ChargePeriodEnd') }},
        split_rows.sub_account_id as {{ focus_name('SubAccountId') }},
        origin_charges.sub_account_name as {{ focus_name('SubAccountName') }},
        split_rows.region_id as {{ focus_name('RegionId') }},
        split_rows.resource_id as {{ focus_name('ResourceId') }},
        origin_charges.resource_name as {{ focus_name('ResourceName') }},
        split_rows.service_name as {{ focus_name('ServiceName') }},
        split_rows.charge_category as {{ focus_name('ChargeCategory') }},
        split_rows.charge_class as {{ focus_name('ChargeClass') }},
        origin_charges.charge_description as {{ focus_name('ChargeDescription') }},
        origin_charges.pricing_category as {{ focus_name('PricingCategory') }},
        split_rows.pricing_unit as {{ focus_name('PricingUnit') }},
        split_rows.allocated_pricing_quantity as {{ focus_name('PricingQuantity') }},
        origin_charges.consumed_quantity * split_rows.allocation_share as {{ focus_name('ConsumedQuantity') }},
        origin_charges.commitment_discount_id as {{ focus_name('CommitmentDiscountId') }},
        origin_charges.commitment_discount_status as {{ focus_name('CommitmentDiscountStatus') }},
        split_rows.billing_currency as {{ focus_name('BillingCurrency') }},
        split_rows.billed_cost as {{ focus_name('BilledCost') }},
        split_rows.effective_cost as {{ focus_name('EffectiveCost') }},
        split_rows.list_cost as {{ focus_name('ListCost') }},
        origin_charges.tags as {{ focus_name('Tags') }},
        case when split_rows.is_split then split_rows.allocation_method end as {{ focus_name('AllocatedMethodId') }},
        case
            when split_rows.is_split
                then {{ allocated_method_details_text('split_rows.allocation_share', 'split_rows.allocation_usage_unit') }}
        end as {{ focus_name('AllocatedMethodDetails') }},
        case
            when split_rows.is_split and split_rows.allocation_method != 'idle_capacity'
                then coalesce(split_rows.model, split_rows.variant_name, split_rows.resource_id)
        end as {{ focus_name('AllocatedResourceId') }},
        case
            when split_rows.is_split and split_rows.allocation_method != 'idle_capacity'
                then coalesce(split_rows.variant_name, split_rows.model)
        end as {{ focus_name('AllocatedResourceName') }},
        case
            when split_rows.is_split
                then {{ json_object_text(allocated_tag_pairs(keys, 'split_rows')) }}
        end as {{ focus_name('AllocatedTags') }},
        origin_charges.x_service_code as {{ focus_name('x_ServiceCode') }},
        split_rows.usage_type as {{ focus_name('x_UsageType') }},
        split_rows.charge_id as {{ focus_name('x_ChargeId') }},
        split_rows.allocation_id as {{ focus_name('x_AllocationId') }},
        split_rows.allocation_method as {{ focus_name('x_AllocationMethod') }},
        split_rows.allocation_share as {{ focus_name('x_AllocationShare') }},
        {% for key in keys %}
            split_rows.{{ key.column }} as {{ focus_name('x_Attributed' ~ key.column | capitalize) }},
        {% endfor %}
        split_rows.unattributed_reason as {{ focus_name('x_UnattributedReason') }},
        split_rows.cost_category as {{ focus_name('x_CostCategory') }},
        split_rows.billing_period as {{ focus_name('x_BillingPeriod') }},
        origin_charges.source_file as {{ focus_name('x_SourceFile') }},
        origin_charges.source_row_key as {{ focus_name('x_SourceRowKey') }}
    from split_rows
    inner join origin_charges
        on split_rows.charge_id = origin_charges.charge_id

)

select * from final
