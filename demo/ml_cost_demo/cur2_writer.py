"""The demo's charges as an AWS CUR 2.0 export (the same account, the same money as its FOCUS export).

CUR 2.0 is the fixed-schema Cost and Usage Report of AWS Data Exports (table
``COST_AND_USAGE_REPORT``; AWS Data Exports user guide, "CUR 2.0 table dictionary",
docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html and its pages
``table-dictionary-cur2-{bill,line-item,pricing,product,reservation,savings-plan,resource-tags,
cost-category}``). This module writes the columns the project reads and a few more of that
dictionary; nothing else is invented.

How one FOCUS row of the demo becomes CUR 2.0 line items (the reverse of what the reader does,
macro cur2_focus_columns; docs/exports.md "CUR 2.0"):

- usage (on-demand or spot): ``Usage``; ``line_item_unblended_cost`` = BilledCost,
  ``pricing_public_on_demand_cost`` = ListCost, ``pricing_term`` OnDemand or Spot;
- usage a Savings Plan covers: ``SavingsPlanCoveredUsage`` at the on-demand cost with
  ``savings_plan_savings_plan_effective_cost``, and a ``SavingsPlanNegation`` line that takes the
  on-demand cost off the bill (so billed = 0 in all, as the FOCUS row says);
- the plan's hourly fee and its unused part (two FOCUS rows): one ``SavingsPlanRecurringFee`` line
  with ``savings_plan_total_commitment_to_date`` and ``savings_plan_used_commitment``;
- credits: ``Credit``; a correction of an earlier period (FOCUS ChargeClass Correction): ``Refund``;
  tax: ``Tax``.

Tags: ``resource_tags`` keys are ``user_`` and the key with every character other than a letter
or digit as ``_`` (the form public CUR 2.0 queries use, for example ``resource_tags['user_costcenter']``;
the exact rule is not in the table dictionary, and the reader accepts ``user_``, ``user:`` and bare
keys alike). ``costCategory/<name>`` tags go to the ``cost_category`` map.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

STR = pa.string()
TS = pa.timestamp("us")
F64 = pa.float64()
STR_MAP = pa.map_(pa.string(), pa.string())

CUR2_EXPORT_NAME = "ml-cur2-export"

CUR2_SCHEMA = pa.schema(
    [
        ("identity_line_item_id", STR),
        ("identity_time_interval", STR),
        ("bill_bill_type", STR),
        ("bill_billing_entity", STR),
        ("bill_billing_period_end_date", TS),
        ("bill_billing_period_start_date", TS),
        ("bill_invoice_id", STR),
        ("bill_invoicing_entity", STR),
        ("bill_payer_account_id", STR),
        ("bill_payer_account_name", STR),
        ("cost_category", STR_MAP),
        ("line_item_availability_zone", STR),
        ("line_item_currency_code", STR),
        ("line_item_legal_entity", STR),
        ("line_item_line_item_description", STR),
        ("line_item_line_item_type", STR),
        ("line_item_net_unblended_cost", F64),
        ("line_item_operation", STR),
        ("line_item_product_code", STR),
        ("line_item_resource_id", STR),
        ("line_item_unblended_cost", F64),
        ("line_item_unblended_rate", STR),
        ("line_item_usage_account_id", STR),
        ("line_item_usage_account_name", STR),
        ("line_item_usage_amount", F64),
        ("line_item_usage_end_date", TS),
        ("line_item_usage_start_date", TS),
        ("line_item_usage_type", STR),
        ("pricing_public_on_demand_cost", F64),
        ("pricing_public_on_demand_rate", STR),
        ("pricing_term", STR),
        ("pricing_unit", STR),
        ("product", STR_MAP),
        ("product_region_code", STR),
        ("product_servicecode", STR),
        ("product_sku", STR),
        ("reservation_effective_cost", F64),
        ("reservation_reservation_a_r_n", STR),
        ("reservation_unused_amortized_upfront_fee_for_billing_period", F64),
        ("reservation_unused_recurring_fee", F64),
        ("resource_tags", STR_MAP),
        ("savings_plan_offering_type", STR),
        ("savings_plan_savings_plan_a_r_n", STR),
        ("savings_plan_savings_plan_effective_cost", F64),
        ("savings_plan_total_commitment_to_date", F64),
        ("savings_plan_used_commitment", F64),
    ]
)

# one FOCUS row -> its CUR 2.0 line item(s); see the module docstring
_LINE_ITEMS = """
with

focus as (
    select
        *,
        row_number() over () as focus_row,
        case
            when ChargeCategory = 'Purchase' and CommitmentDiscountId is not null then 'fee'
            when CommitmentDiscountStatus = 'Unused' then 'unused'
            when CommitmentDiscountStatus = 'Used' then 'covered'
            when ChargeCategory = 'Credit' then 'Credit'
            when ChargeCategory = 'Tax' then 'Tax'
            when ChargeClass = 'Correction' then 'Refund'
            else 'Usage'
        end as kind
    from focus_rows
),

unused as (
    select CommitmentDiscountId, ChargePeriodStart, sum(EffectiveCost) as unused_commitment
    from focus
    where kind = 'unused'
    group by all
),

line_items as (
    select focus.*, 'Usage' as line_item_type, BilledCost as unblended, ListCost as on_demand, null as sp_effective,
        null::double as commitment_total, null::double as commitment_used, 0 as part
    from focus where kind = 'Usage'
    union all
    select focus.*, kind, BilledCost, ListCost, null, null, null, 0 from focus where kind in ('Credit', 'Tax', 'Refund')
    union all
    select focus.*, 'SavingsPlanCoveredUsage', ListCost, ListCost, EffectiveCost, null, null, 0 from focus where kind = 'covered'
    union all
    select focus.*, 'SavingsPlanNegation', -ListCost, 0, 0, null, null, 1 from focus where kind = 'covered'
    union all
    select focus.*, 'SavingsPlanRecurringFee', BilledCost, ListCost, null,
        BilledCost, BilledCost - coalesce(unused.unused_commitment, 0), 0
    from focus
    left join unused using (CommitmentDiscountId, ChargePeriodStart)
    where kind = 'fee'
)

select
    md5(focus_row::varchar || '/' || part::varchar) as identity_line_item_id,
    strftime(ChargePeriodStart, '%Y-%m-%dT%H:%M:%SZ') || '/' || strftime(ChargePeriodEnd, '%Y-%m-%dT%H:%M:%SZ')
        as identity_time_interval,
    'Anniversary' as bill_bill_type,
    'AWS' as bill_billing_entity,
    BillingPeriodEnd as bill_billing_period_end_date,
    BillingPeriodStart as bill_billing_period_start_date,
    InvoiceId as bill_invoice_id,
    InvoiceIssuerName as bill_invoicing_entity,
    BillingAccountId as bill_payer_account_id,
    BillingAccountName as bill_payer_account_name,
    map_from_entries(list_transform(
        list_filter(map_entries(coalesce(Tags, map())), lambda e: starts_with(e.key, 'costCategory/')),
        lambda e: struct_pack(key := substr(e.key, 14), value := e.value)
    )) as cost_category,
    AvailabilityZone as line_item_availability_zone,
    BillingCurrency as line_item_currency_code,
    PublisherName as line_item_legal_entity,
    ChargeDescription as line_item_line_item_description,
    line_item_type as line_item_line_item_type,
    unblended as line_item_net_unblended_cost,
    x_Operation as line_item_operation,
    x_ServiceCode as line_item_product_code,
    ResourceId as line_item_resource_id,
    unblended as line_item_unblended_cost,
    cast(ListUnitPrice as varchar) as line_item_unblended_rate,
    SubAccountId as line_item_usage_account_id,
    SubAccountName as line_item_usage_account_name,
    case when line_item_type = 'SavingsPlanNegation' then 0 else PricingQuantity end as line_item_usage_amount,
    ChargePeriodEnd as line_item_usage_end_date,
    ChargePeriodStart as line_item_usage_start_date,
    SkuMeter as line_item_usage_type,
    on_demand as pricing_public_on_demand_cost,
    cast(ListUnitPrice as varchar) as pricing_public_on_demand_rate,
    case PricingCategory when 'Dynamic' then 'Spot' when 'Standard' then 'OnDemand' else '' end as pricing_term,
    PricingUnit as pricing_unit,
    map(['product_name'], [ServiceName]) as product,
    RegionId as product_region_code,
    x_ServiceCode as product_servicecode,
    SkuId as product_sku,
    0.0 as reservation_effective_cost,
    '' as reservation_reservation_a_r_n,
    0.0 as reservation_unused_amortized_upfront_fee_for_billing_period,
    0.0 as reservation_unused_recurring_fee,
    map_from_entries(list_transform(
        list_filter(map_entries(coalesce(Tags, map())), lambda e: not starts_with(e.key, 'costCategory/')),
        lambda e: struct_pack(key := 'user_' || regexp_replace(e.key, '[^A-Za-z0-9]', '_', 'g'), value := e.value)
    )) as resource_tags,
    case when CommitmentDiscountId is not null then 'MachineLearningSavingsPlans' else '' end as savings_plan_offering_type,
    coalesce(CommitmentDiscountId, '') as savings_plan_savings_plan_a_r_n,
    coalesce(sp_effective, 0) as savings_plan_savings_plan_effective_cost,
    coalesce(commitment_total, 0) as savings_plan_total_commitment_to_date,
    coalesce(commitment_used, 0) as savings_plan_used_commitment
from line_items
order by line_item_usage_start_date, line_item_resource_id nulls first, line_item_usage_type nulls first, identity_line_item_id
"""


def focus_to_cur2(table: pa.Table) -> pa.Table:
    """The CUR 2.0 line items of the demo's FOCUS rows (module docstring), in CUR2_SCHEMA."""
    con = duckdb.connect()
    con.execute("set threads = 1")  # row_number() over () in the order of the rows: the same ids every run
    con.register("focus_rows", table)
    result = con.execute(_LINE_ITEMS).fetch_arrow_table()
    return result.select(CUR2_SCHEMA.names).cast(CUR2_SCHEMA)
