"""Build FOCUS 1.2 rows (AWS Data Exports flavour) and write them in the Data Exports layout."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .granularity import to_granularity

STR = pa.string()
TS = pa.timestamp("us")  # AWS writes UTC timestamps
F64 = pa.float64()
TAGS = pa.map_(pa.string(), pa.string())

FOCUS_12_SCHEMA = pa.schema(
    [
        ("AvailabilityZone", STR),
        ("BilledCost", F64),
        ("BillingAccountId", STR),
        ("BillingAccountName", STR),
        ("BillingAccountType", STR),
        ("BillingCurrency", STR),
        ("BillingPeriodEnd", TS),
        ("BillingPeriodStart", TS),
        ("CapacityReservationId", STR),
        ("CapacityReservationStatus", STR),
        ("ChargeCategory", STR),
        ("ChargeClass", STR),
        ("ChargeDescription", STR),
        ("ChargeFrequency", STR),
        ("ChargePeriodEnd", TS),
        ("ChargePeriodStart", TS),
        ("CommitmentDiscountCategory", STR),
        ("CommitmentDiscountId", STR),
        ("CommitmentDiscountName", STR),
        ("CommitmentDiscountQuantity", F64),
        ("CommitmentDiscountStatus", STR),
        ("CommitmentDiscountType", STR),
        ("CommitmentDiscountUnit", STR),
        ("ConsumedQuantity", F64),
        ("ConsumedUnit", STR),
        ("ContractedCost", F64),
        ("ContractedUnitPrice", F64),
        ("EffectiveCost", F64),
        ("InvoiceId", STR),
        ("InvoiceIssuerName", STR),
        ("ListCost", F64),
        ("ListUnitPrice", F64),
        ("PricingCategory", STR),
        ("PricingCurrency", STR),
        ("PricingCurrencyContractedUnitPrice", F64),
        ("PricingCurrencyEffectiveCost", F64),
        ("PricingCurrencyListUnitPrice", F64),
        ("PricingQuantity", F64),
        ("PricingUnit", STR),
        ("ProviderName", STR),
        ("PublisherName", STR),
        ("RegionId", STR),
        ("RegionName", STR),
        ("ResourceId", STR),
        ("ResourceName", STR),
        ("ResourceType", STR),
        ("ServiceCategory", STR),
        ("ServiceName", STR),
        ("ServiceSubcategory", STR),
        ("SkuId", STR),
        ("SkuMeter", STR),
        ("SkuPriceDetails", TAGS),
        ("SkuPriceId", STR),
        ("SubAccountId", STR),
        ("SubAccountName", STR),
        ("SubAccountType", STR),
        ("Tags", TAGS),
        ("x_Discounts", pa.map_(pa.string(), pa.float64())),
        ("x_Operation", STR),
        ("x_ServiceCode", STR),
    ]
)

REGION_NAMES = {"us-east-1": "US East (N. Virginia)", "eu-west-1": "Europe (Ireland)"}
SERVICES = {
    # x_ServiceCode: (ServiceName, ServiceCategory, ServiceSubcategory)
    "AmazonSageMaker": ("Amazon SageMaker", "AI and Machine Learning", "Machine Learning"),
    "MachineLearningSavingsPlans": ("Machine Learning Savings Plans", "AI and Machine Learning", "Machine Learning"),
    "AmazonS3": ("Amazon Simple Storage Service", "Storage", "Object Storage"),
    "AmazonECR": ("Amazon EC2 Container Registry (ECR)", "Compute", "Containers"),
    "AmazonCloudWatch": ("AmazonCloudWatch", "Management and Governance", "Observability"),
    "AmazonEC2": ("Amazon Elastic Compute Cloud", "Compute", "Virtual Machines"),
    # the rest of a payer's bill (module other_services, the benchmark's all-services workload)
    "AmazonRDS": ("Amazon Relational Database Service", "Databases", "Relational Databases"),
    "AWSLambda": ("AWS Lambda", "Compute", "Serverless Compute"),
    "AmazonDynamoDB": ("Amazon DynamoDB", "Databases", "NoSQL Databases"),
    "AWSDataTransfer": ("AWS Data Transfer", "Networking", "Network Connectivity"),
}


def month_start(ts: datetime) -> datetime:
    return ts.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month(ts: datetime) -> datetime:
    return (month_start(ts) + timedelta(days=32)).replace(day=1)


def _where_and_what(
    sub_account: tuple[str, str],
    region: str,
    service_code: str,
    usage_type: str | None,
    description: str,
    resource_id: str | None,
    resource_type: str | None,
) -> dict[str, Any]:
    """The account, region, service, SKU and resource columns of a series of rows."""
    name, category, subcategory = SERVICES[service_code]
    return {
        "SubAccountId": sub_account[0],
        "SubAccountName": sub_account[1],
        "RegionId": region,
        "RegionName": REGION_NAMES.get(region, region),
        "ServiceName": name,
        "ServiceCategory": category,
        "ServiceSubcategory": subcategory,
        "x_ServiceCode": service_code,
        "SkuMeter": usage_type,
        "SkuId": None if usage_type is None else f"SKU{abs(hash_str(usage_type)) % 10**8:08d}",
        "ChargeDescription": description,
        "ResourceId": resource_id,
        "ResourceName": None if resource_id is None else resource_id.rsplit("/", 1)[-1],
        "ResourceType": resource_type,
    }


def _commitment_columns(commitment_id: str, status: str | None) -> dict[str, Any]:
    """The FOCUS commitment discount columns of rows a Machine Learning Savings Plan covers."""
    return {
        "CommitmentDiscountId": commitment_id,
        "CommitmentDiscountStatus": status,
        "CommitmentDiscountCategory": "Spend",
        "CommitmentDiscountType": "Machine Learning Savings Plan",
        "CommitmentDiscountName": commitment_id.rsplit("/", 1)[-1],
    }


@dataclass
class FocusRows:
    """Accumulates hourly (or longer) charge series; each ``add`` is one resource x usage type."""

    start: datetime
    billing_account_id: str
    billing_account_name: str
    parts: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    # billing periods that start before this are closed and invoiced: they carry an InvoiceId
    closed_before: datetime | None = None

    def add(
        self,
        *,
        hours: np.ndarray,
        quantity: np.ndarray | float,
        unit_price: float,
        sub_account: tuple[str, str],
        region: str,
        service_code: str,
        usage_type: str | None,
        description: str,
        unit: str | None = "Hours",
        resource_id: str | None = None,
        resource_type: str | None = None,
        tags: dict[str, str] | None = None,
        pricing_category: str = "Standard",
        billed_factor: float = 1.0,
        effective_factor: float | None = None,
        charge_category: str = "Usage",
        charge_class: str | None = None,
        commitment: tuple[str, str | None] | None = None,  # (id, status)
        duration_hours: int = 1,
        operation: str | None = None,
    ) -> None:
        hours = np.asarray(hours, dtype=np.int64)
        n = len(hours)
        if n == 0:
            return
        qty = np.broadcast_to(np.asarray(quantity, dtype=np.float64), (n,)).copy()
        list_cost = np.round(qty * unit_price, 10)
        billed = np.round(list_cost * billed_factor, 10)
        effective = billed if effective_factor is None else np.round(list_cost * effective_factor, 10)
        consumes = charge_category == "Usage" and (commitment is None or commitment[1] != "Unused")
        cols: dict[str, object] = {
            "_hour": hours,
            "_duration": duration_hours,
            "BilledCost": billed,
            "EffectiveCost": effective,
            "ListCost": list_cost,
            "ContractedCost": list_cost,
            "ListUnitPrice": unit_price,
            "ContractedUnitPrice": unit_price,
            "PricingQuantity": qty,
            # FOCUS: consumed quantity and unit describe usage; an unused commitment consumed nothing
            "ConsumedQuantity": qty if consumes else None,
            "ConsumedUnit": unit if consumes else None,
            "PricingUnit": unit,
            **_where_and_what(sub_account, region, service_code, usage_type, description, resource_id, resource_type),
            "Tags": None if not tags else list(tags.items()),
            "PricingCategory": pricing_category,
            "ChargeCategory": charge_category,
            "ChargeClass": charge_class,
            "ChargeFrequency": "Recurring" if charge_category == "Purchase" else "Usage-Based",
            "x_Operation": operation,
        }
        if commitment is not None:
            cols.update(_commitment_columns(*commitment))
        self.parts.append((n, cols))

    def _invoice_ids(self, period_start: np.ndarray) -> pa.Array:
        """InvoiceId of each row: set for closed billing periods, null for the open one (FOCUS:
        the invoice a charge is on; an open period is not invoiced yet)."""
        closed = None if self.closed_before is None else np.datetime64(self.closed_before, "M")
        ids = {p: _invoice_id(self.billing_account_id, p) for p in np.unique(period_start) if closed is None or p < closed}
        return pa.array([ids.get(p) for p in period_start], type=STR)

    def to_table(self) -> pa.Table:
        """All rows as a FOCUS 1.2 Arrow table, sorted for determinism."""
        arrays: dict[str, list[pa.Array]] = {f.name: [] for f in FOCUS_12_SCHEMA}
        for n, cols in self.parts:
            hours = cols["_hour"]
            starts = np.datetime64(self.start, "us") + hours.astype("timedelta64[h]")
            ends = starts + np.timedelta64(int(cols["_duration"]), "h")
            period_start = starts.astype("datetime64[M]")
            computed = {
                "ChargePeriodStart": starts,
                "ChargePeriodEnd": ends,
                "BillingPeriodStart": period_start.astype("datetime64[us]"),
                "BillingPeriodEnd": (period_start + 1).astype("datetime64[us]"),
                "BillingAccountId": self.billing_account_id,
                "BillingAccountName": self.billing_account_name,
                "BillingAccountType": "Billing Account",
                "SubAccountType": "Linked Account",
                "BillingCurrency": "USD",
                "PricingCurrency": "USD",
                "ProviderName": "AWS",
                "PublisherName": "Amazon Web Services, Inc.",
                "InvoiceIssuerName": "Amazon Web Services, Inc.",
                "InvoiceId": self._invoice_ids(period_start),
            }
            for f in FOCUS_12_SCHEMA:
                value = computed.get(f.name, cols.get(f.name))
                if f.name == "PricingCurrencyEffectiveCost":
                    value = cols["EffectiveCost"]
                elif f.name == "PricingCurrencyListUnitPrice":
                    value = cols["ListUnitPrice"]
                elif f.name == "PricingCurrencyContractedUnitPrice":
                    value = cols["ContractedUnitPrice"]
                arrays[f.name].append(_column(value, n, f.type))
        table = pa.table({name: pa.concat_arrays(chunks) for name, chunks in arrays.items()}, schema=FOCUS_12_SCHEMA)
        return table.sort_by([("ChargePeriodStart", "ascending"), ("ResourceId", "ascending"), ("SkuMeter", "ascending")])


def _invoice_id(account: str, period: np.datetime64) -> str:
    """A deterministic invoice number for a closed billing period (digits, as AWS invoices)."""
    return f"{hash_str(f'{account}/{period}') % 10**10:010d}"


def hash_str(text: str) -> int:
    """A stable (process-independent) hash for synthetic SKU ids."""
    value = 0
    for ch in text:
        value = (value * 131 + ord(ch)) % (2**61 - 1)
    return value


def _column(value: object, n: int, typ: pa.DataType) -> pa.Array:
    if isinstance(value, pa.Array):
        return value
    if isinstance(value, np.ndarray):
        return pa.array(value, type=typ)
    if value is None:
        return pa.nulls(n, type=typ)
    if pa.types.is_map(typ):
        return pa.array([value] * n, type=typ)
    return pa.array(np.full(n, value) if isinstance(value, (int, float)) else [value] * n, type=typ)


@dataclass(frozen=True)
class Delivery:
    """One delivery of one billing period: rows before ``cutoff`` (exclusive), delivered at ``at``."""

    period: str  # YYYY-MM
    at: datetime
    cutoff: datetime | None = None
    cost_factor: float = 1.0


def _delivery_part(table: pa.Table, d: Delivery) -> pa.Table:
    import pyarrow.compute as pc

    start = datetime.strptime(d.period, "%Y-%m")
    mask = pc.equal(table["BillingPeriodStart"], pa.scalar(start, type=TS))
    if d.cutoff is not None:
        mask = pc.and_(mask, pc.less(table["ChargePeriodStart"], pa.scalar(d.cutoff, type=TS)))
    part = table.filter(mask)
    if d.cost_factor != 1.0:
        for name in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingCurrencyEffectiveCost"):
            idx = part.schema.get_field_index(name)
            part = part.set_column(idx, name, pc.multiply(part[name], d.cost_factor))
    return part


EXPORT_MODES = ("create-new", "overwrite")
# Manifest column types as Athena/Glue spells them (the manifest reference lists "columns" with a
# name and a type; the exact type spelling AWS writes is not verified and nothing here reads it).
_MANIFEST_TYPES = {"string": "string", "double": "double", "timestamp[us]": "timestamp"}
DEMO_BUCKET = "s3://demo-billing-exports/cur"


def delivery_folder(d: Delivery, export_name: str) -> str:
    """A create-new-version delivery folder: ``<timestamp>-<execution-id>`` (facts.md section 7)."""
    return f"{d.at.strftime('%Y%m%dT%H%M%SZ')}-{execution_id(d, export_name)}"


def execution_id(d: Delivery, export_name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{export_name}/{d.period}/{d.at.isoformat()}"))


def manifest_body(d: Delivery, export_name: str, account_id: str, data_files: list[str], schema: pa.Schema = FOCUS_12_SCHEMA) -> dict[str, object]:
    """The top-level fields of the AWS Data Exports manifest reference
    (docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html); dataFiles are full S3 URIs."""
    return {
        "executionId": execution_id(d, export_name),
        "exportArn": f"arn:aws:bcm-data-exports:us-east-1:{account_id}:export/{export_name}",
        "columns": [{"name": f.name, "type": _MANIFEST_TYPES.get(str(f.type), str(f.type).replace(" ", ""))} for f in schema],
        "dataFiles": [f"{DEMO_BUCKET}/{export_name}/{name}" for name in data_files],
        "additionalOutputFiles": [],
    }


def write_export(
    chunks: pa.Table | Iterable[pa.Table],
    root: Path,
    export_name: str,
    deliveries: list[Delivery],
    *,
    rows_per_file: int = 2_000_000,
    mode: str = "create-new",
    account_id: str = "111111111111",
    granularity: str = "hourly",
    convert: Callable[[pa.Table], pa.Table] | None = None,
    schema: pa.Schema = FOCUS_12_SCHEMA,
) -> list[Path]:
    """Write deliveries in the AWS Data Exports layout, each with its manifest.

    ``mode`` is the export's "file versioning" setting: ``create-new`` writes every delivery into
    ``data/BILLING_PERIOD=P/<timestamp>-<execution-id>/`` with its manifest in the same folder
    under ``metadata/``; ``overwrite`` writes ``data/BILLING_PERIOD=P/<export>-<part>`` and
    ``metadata/BILLING_PERIOD=P/<export>-Manifest.json`` in place, so only each period's last
    delivery remains (what a sync with ``--delete`` leaves).
    ``chunks`` may be one table or an iterable of tables (streamed: memory stays flat however many
    rows). The files' modification time is the delivery time (as ``aws s3 sync`` keeps S3's
    LastModified). ``granularity`` is the export's TIME_GRANULARITY: hourly rows are summed to
    daily or monthly charge periods (module granularity). ``convert`` turns the FOCUS rows of a
    delivery into another export's rows in ``schema`` (CUR 2.0: cur2_writer.focus_to_cur2).
    """
    ordered = _deliveries_to_write(deliveries, mode)
    writers: dict[int, tuple[Path, pq.ParquetWriter, int]] = {}
    files: dict[int, list[Path]] = {i: [] for i in range(len(ordered))}

    def folder(d: Delivery, area: str = "data") -> Path:
        period = root / export_name / area / f"BILLING_PERIOD={d.period}"
        return period if mode == "overwrite" else period / delivery_folder(d, export_name)

    def open_writer(i: int) -> None:
        path = folder(ordered[i]) / f"{export_name}-{len(files[i]) + 1:05d}.snappy.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        writers[i] = (path, pq.ParquetWriter(tmp, schema, compression="snappy"), 0)
        files[i].append(path)

    def close_writer(i: int) -> None:
        path, writer, _ = writers.pop(i)
        writer.close()
        path.with_name(f".{path.name}.tmp").replace(path)

    for chunk in [chunks] if isinstance(chunks, pa.Table) else chunks:
        for i, d in enumerate(ordered):
            part = to_granularity(_delivery_part(chunk, d), granularity)
            if part.num_rows == 0:
                continue
            if convert is not None:
                part = convert(part)
            if i not in writers:
                open_writer(i)
            path, writer, count = writers[i]
            writer.write_table(part)
            writers[i] = (path, writer, count + part.num_rows)
            if count + part.num_rows >= rows_per_file:
                close_writer(i)
    for i in list(writers):
        close_writer(i)
    written: list[Path] = []
    for i, d in enumerate(ordered):
        _write_manifest(root, export_name, d, folder(d, "metadata"), files[i], account_id, schema)
        written.extend(files[i])
    return written


def _deliveries_to_write(deliveries: list[Delivery], mode: str) -> list[Delivery]:
    """Deliveries in time order; in overwrite mode only each period's last remains."""
    if mode not in EXPORT_MODES:
        raise ValueError(f"export mode {mode!r}: expected one of {EXPORT_MODES}")
    ordered = sorted(deliveries, key=lambda d: d.at)
    if mode == "overwrite":
        last = {d.period: d for d in ordered}
        ordered = [d for d in ordered if last[d.period] is d]
    return ordered


def _write_manifest(root: Path, export_name: str, d: Delivery, manifest_dir: Path, files: list[Path], account_id: str, schema: pa.Schema) -> None:
    """The delivery's manifest; the files' and the manifest's modification time is the delivery time."""
    manifest_dir.mkdir(parents=True, exist_ok=True)
    names = [f.relative_to(root / export_name).as_posix() for f in files]
    manifest = manifest_dir / f"{export_name}-Manifest.json"
    manifest.write_text(json.dumps(manifest_body(d, export_name, account_id, names, schema), indent=2))
    stamp = d.at.timestamp()
    for f in [*files, manifest]:
        os.utime(f, (stamp, stamp))


def replicate(table: pa.Table, replacements: dict[str, str]) -> pa.Table:
    """The same rows for another copy of the organisation: every string (and map value) with the
    account ids replaced, so ARNs, bucket names and log groups are the copy's own."""
    import pyarrow.compute as pc

    def swap(array: pa.Array) -> pa.Array:
        for old, new in replacements.items():
            array = pc.replace_substring(array, old, new)
        return array

    columns = []
    for name in table.column_names:
        column = table[name].combine_chunks() if table[name].num_chunks != 1 else table[name].chunk(0)
        if pa.types.is_string(column.type):
            column = swap(column)
        elif pa.types.is_map(column.type) and pa.types.is_string(column.type.item_type):
            column = pa.MapArray.from_arrays(column.offsets, column.keys, swap(column.items), mask=column.is_null())
        columns.append(column)
    return pa.table(columns, names=table.column_names)
