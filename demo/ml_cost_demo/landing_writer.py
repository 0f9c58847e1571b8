"""Write the demo landing folder: the FOCUS export's deliveries and the metadata tables, for any number of copies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
from ml_cost_extract.landing import TABLES_BY_NAME, rows_to_arrow, table_path, write_table

from .account import DEFAULT_DAYS, EXPORT_NAME, PAYER, REGION, START, Account
from .cur2_writer import CUR2_EXPORT_NAME, CUR2_SCHEMA, focus_to_cur2
from .focus_writer import FOCUS_12_SCHEMA, Delivery, month_start, next_month, replicate, write_export
from .organisation import build
from .other_services import add_other_services

EXPORTS = ("focus", "cur2", "both")


def deliveries_for(hours: int) -> list[Delivery]:
    """One delivery per closed billing period two days after it closes. The open period (the
    last) is delivered the morning after its last day of data, and also a week earlier,
    partially and at slightly different prices (a restatement)."""
    out: list[Delivery] = []
    end = START + timedelta(hours=hours)
    period = month_start(START)
    while period < end:
        closes = next_month(period)
        if closes >= end:
            early = end - timedelta(days=7)
            out.append(Delivery(period.strftime("%Y-%m"), end + timedelta(hours=5, minutes=45)))
            out.append(Delivery(period.strftime("%Y-%m"), early + timedelta(hours=6, minutes=12), cutoff=early, cost_factor=1.03))
        else:
            out.append(Delivery(period.strftime("%Y-%m"), closes + timedelta(days=2, hours=5, minutes=45)))
        period = closes
    return out


def _copies(scale: int) -> list[dict[str, str]]:
    """Account-id substitutions for each copy of the organisation (copy 0 is the original)."""
    return [{"222222222222": f"{222222222222 + c * 1000:012d}", "333333333333": f"{333333333333 + c * 1000:012d}"} if c else {} for c in range(scale)]


def _replicated(table: pa.Table, copies: list[dict[str, str]]) -> pa.Table:
    return pa.concat_tables([replicate(table, m) if m else table for m in copies])


def write_landing(
    landing: Path,
    scale: int = 1,
    days: int = DEFAULT_DAYS,
    billing_tags: bool = True,
    copies_per_chunk: int = 16,
    export_mode: str = "create-new",
    granularity: str = "hourly",
    exports: str = "focus",
    other_services: int = 0,
) -> dict[str, int]:
    """Write the demo landing folder; returns row counts per table.

    ``scale`` copies of the organisation, each in its own two accounts (every ARN, bucket and
    log group carries the account id), streamed in chunks so memory stays flat at 50M rows.
    ``billing_tags=False`` empties every billing ``Tags`` value (tags then exist only in the API).
    ``export_mode`` is the export's file versioning: ``create-new`` (a folder per delivery) or
    ``overwrite`` (chunks rewritten in place). ``granularity`` is the export's TIME_GRANULARITY
    (hourly, daily or monthly charge periods; the same charges summed). ``exports``: which billing
    exports of the account are written: ``focus`` (``focus/``), ``cur2`` (CUR 2.0, ``cur2/``, the
    same charges as CUR 2.0 line items, module cur2_writer) or ``both``. ``other_services``: hourly
    series of services that are not ML in each copy (module other_services: the rest of a payer's
    bill, for the benchmark's all-services workload; 0 in the demo).
    """
    if exports not in EXPORTS:
        raise ValueError(f"exports {exports!r}: expected one of {EXPORTS}")
    counts: dict[str, int] = {}
    hours = days * 24
    acct = Account(copy=0, hours=hours)
    build(acct)
    add_other_services(acct, other_services)
    focus = acct.focus.to_table()
    if not billing_tags:
        idx = focus.schema.get_field_index("Tags")
        focus = focus.set_column(idx, "Tags", pa.nulls(focus.num_rows, type=focus.schema.field("Tags").type))
    copies = _copies(scale)
    batches = [copies[i : i + copies_per_chunk] for i in range(0, len(copies), copies_per_chunk)]
    # the billing rows of a copy can be large (the all-services workload): about 1M rows a chunk
    per_chunk = max(1, min(copies_per_chunk, 1_000_000 // max(1, focus.num_rows)))
    focus_batches = [copies[i : i + per_chunk] for i in range(0, len(copies), per_chunk)]
    written = {
        # folder: (export name, conversion of the FOCUS rows, file schema)
        "focus": (EXPORT_NAME, None, FOCUS_12_SCHEMA),
        "cur2": (CUR2_EXPORT_NAME, focus_to_cur2, CUR2_SCHEMA),
    }
    for folder, (export_name, convert, schema) in written.items():
        if exports not in (folder, "both"):
            continue
        files = write_export(
            (_replicated(focus, batch) for batch in focus_batches),
            landing / folder,
            export_name,
            deliveries_for(hours),
            mode=export_mode,
            account_id=PAYER[0],
            granularity=granularity,
            convert=convert,
            schema=schema,
        )
        counts[f"{folder}_files"] = len(files)
    counts["focus_rows"] = focus.num_rows * scale
    tables = {name: rows for name, rows in acct.meta.items()}
    tables["invocations"] = _metric_rows(acct, acct.metrics)
    tables["instance_utilization"] = _metric_rows(acct, acct.utilization)
    for name, rows in sorted(tables.items()):
        table = TABLES_BY_NAME[name]
        by_snapshot: dict[date, list[dict[str, Any]]] = {}
        for row in rows:
            by_snapshot.setdefault(row["snapshot_date"], []).append(row)
        for snap, part in sorted(by_snapshot.items()):
            arrow = rows_to_arrow(table, part)
            for b, batch in enumerate(batches):
                stem = f"demo-{REGION}-copies-{b * copies_per_chunk:05d}"
                counts[name] = counts.get(name, 0) + write_table(table_path(landing, table, snap.isoformat(), stem), table, _replicated(arrow, batch))
    return counts


def _metric_rows(acct: Account, metrics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hourly metric rows as the weekly extractor run after each hour landed them (in the
    production account unless a row names its own)."""
    rows = []
    for m in metrics:
        metric = dict(m)
        when = acct.ts(metric.pop("hour"))
        snap = when.date() + timedelta(days=7 - when.weekday())
        rows.append(
            {
                "account_id": acct.prod[0],
                "region": REGION,
                "snapshot_date": snap,
                "extracted_at": datetime(snap.year, snap.month, snap.day, 6, 0),
                "period_start": when,
                **metric,
            }
        )
    return rows
