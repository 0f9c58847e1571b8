"""Re-aggregate hourly FOCUS rows to the DAILY or MONTHLY time granularity of an AWS export.

AWS FOCUS 1.2 exports take a table setting TIME_GRANULARITY of HOURLY, DAILY or MONTHLY
(shared facts section 1; AWS page table-dictionary-focus-1-2-aws). A coarser export has the
same rows summed over longer charge periods: DAILY rows span [day, next day), MONTHLY rows
span the billing period [month start, next month start), also while the month is still open.
Costs and quantities are summed; every other column (unit prices included) stays a grouping key.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

GRANULARITIES = ("hourly", "daily", "monthly")
SUMMED = (
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "PricingQuantity",
    "ConsumedQuantity",
    "CommitmentDiscountQuantity",
    "PricingCurrencyEffectiveCost",
)


def to_granularity(table: pa.Table, granularity: str) -> pa.Table:
    """``table`` (hourly rows) at ``granularity``, in the same schema and a stable order."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity {granularity!r}: expected one of {GRANULARITIES}")
    if granularity == "hourly" or table.num_rows == 0:
        return table
    start = "date_trunc('day', ChargePeriodStart)" if granularity == "daily" else "BillingPeriodStart"
    end = "date_trunc('day', ChargePeriodStart) + interval 1 day" if granularity == "daily" else "BillingPeriodEnd"
    keys = [f'"{n}"' for n in table.column_names if n not in (*SUMMED, "ChargePeriodStart", "ChargePeriodEnd")]
    selected = []
    for name in table.column_names:
        if name == "ChargePeriodStart":
            selected.append(f"{start} as ChargePeriodStart")
        elif name == "ChargePeriodEnd":
            selected.append(f"{end} as ChargePeriodEnd")
        elif name in SUMMED:
            selected.append(f'sum("{name}") as "{name}"')
        else:
            selected.append(f'"{name}"')
    con = duckdb.connect()
    con.register("hourly_rows", table)
    query = (
        f"select {', '.join(selected)} from hourly_rows "
        f"group by {', '.join([start, end, *keys])} "
        "order by ChargePeriodStart, ResourceId nulls first, SkuMeter nulls first, ChargeDescription, SubAccountId, cast(Tags as varchar), BilledCost"
    )
    result = con.execute(query).fetch_arrow_table()
    return result.cast(table.schema)
