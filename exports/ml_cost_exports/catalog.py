"""The export catalog: which FOCUS files count (the selection) and what columns each holds.

On DuckDB the dbt model ``base_focus__export_files`` (a Python model) builds the selection
table in the warehouse and the FOCUS reader reads each file's columns with ``parquet_schema``.
Engines that cannot run dbt Python models (Spark in session mode, Athena) get the same two
tables from ``ml-cost-export-catalog``, which writes them as Parquet for ``dbt run-operation
register_sources`` to register (docs/engines.md). Both paths call the same functions here, so
the rules of ml_cost_exports.selection hold on every engine.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ml_cost_exports.selection import ExportSelectionError, Selection
from ml_cost_exports.sources import EXPORTS, ExportChoice, select_billing_export

SELECTION_SCHEMA = pa.schema(
    [
        ("file_path", pa.string()),
        ("source_file", pa.string()),
        ("file_format", pa.string()),
        ("export_format", pa.string()),
        ("export_name", pa.string()),
        ("billing_period", pa.string()),
        ("delivery_key", pa.string()),
        ("execution_id", pa.string()),
        ("delivered_at", pa.timestamp("us")),
        ("manifest_file", pa.string()),
        ("is_selected", pa.bool_()),
        ("reason", pa.string()),
        ("warning", pa.string()),
        ("size_bytes", pa.int64()),
        ("modified_at", pa.timestamp("us")),
        ("delivery_signature", pa.string()),
    ]
)

COLUMNS_SCHEMA = pa.schema([("file_path", pa.string()), ("column_name", pa.string()), ("kind", pa.string())])

LANDED_SCHEMA = pa.schema([("area", pa.string()), ("table_name", pa.string()), ("file_count", pa.int64())])


def selection_table(choice: ExportChoice) -> pa.Table:
    """Every file found under the export roots, its export format, whether it counts and why."""
    rows = [{**asdict(f), "export_format": choice.formats[f.file_path]} for f in choice.selection.files]
    return pa.Table.from_pylist(rows, schema=SELECTION_SCHEMA)


KINDS: tuple[tuple[str, Callable[[pa.DataType], bool]], ...] = (
    ("null", pa.types.is_null),
    ("map", pa.types.is_map),
    ("date", pa.types.is_date),
    ("string", lambda t: pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t)),
    ("number", lambda t: pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t)),
    ("boolean", pa.types.is_boolean),
)


def arrow_kind(t: pa.DataType) -> str:
    """The kind of a Parquet column as the FOCUS file checks name it (macro focus_parquet_kind)."""
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz is not None else "timestamp"
    for kind, test in KINDS:
        if test(t):
            return kind
    return str(t)


def file_columns_table(selection: Selection) -> pa.Table:
    """The columns of every selected Parquet file, read from its footer (no data is read)."""
    rows: list[dict[str, str]] = []
    for f in selection.selected:
        if f.file_format != "parquet":
            continue
        try:
            schema = pq.read_schema(f.file_path)
        except (OSError, pa.ArrowInvalid) as exc:
            raise ExportSelectionError(f"{f.file_path}: not a readable Parquet file ({exc}); expected a FOCUS export file") from None
        rows += [{"file_path": f.file_path, "column_name": field.name, "kind": arrow_kind(field.type)} for field in schema]
    return pa.Table.from_pylist(rows, schema=COLUMNS_SCHEMA)


def landed_tables_table(landing: Path) -> pa.Table:
    """The landed metadata tables that hold Parquet files (<landing>/<area>/<table>/**/*.parquet).

    register_sources registers these as tables and the others as empty typed views, so that
    registering never creates a folder in the landing (Spark creates a missing LOCATION).
    """
    rows = []
    exports = set(EXPORTS)  # the billing exports' folders are not metadata
    for area in sorted(p for p in landing.absolute().iterdir() if p.is_dir() and p.name not in exports and not p.name.startswith((".", "_"))):
        for table in sorted(p for p in area.iterdir() if p.is_dir()):
            count = sum(1 for f in table.rglob("*.parquet") if not f.name.startswith((".", "_")))
            if count:
                rows.append({"area": area.name, "table_name": table.name, "file_count": count})
    return pa.Table.from_pylist(rows, schema=LANDED_SCHEMA)


def write_catalog(landing: Path, out: Path, billing_export: str = "auto") -> Selection:
    """Select the files of the billing export (ml_cost_exports.sources); write <out>/export_files/,
    export_file_columns/, landed_tables/.

    Each table is one Parquet file in its own folder (a table location on Spark), replaced
    whole: a file is written under a temporary name and renamed, so a reader never sees half.
    """
    choice = select_billing_export(landing, billing_export)
    selection = choice.selection
    tables = {
        "export_files": selection_table(choice),
        "export_file_columns": file_columns_table(selection),
        "landed_tables": landed_tables_table(landing),
    }
    for name, table in tables.items():
        folder = out.absolute() / name
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{name}.parquet.tmp"
        pq.write_table(table, partial)
        partial.replace(folder / f"{name}.parquet")
    return selection


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ml-cost-export-catalog", description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True, help="landing folder (its focus/ sub-folder is read)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the export_files/ and export_file_columns/ tables")
    parser.add_argument("--billing-export", default="auto", help="auto (default), focus or cur2: the dbt var billing_export")
    args = parser.parse_args(argv)
    print(f"[export catalog] listing the billing exports under {args.landing.absolute()}", file=sys.stderr, flush=True)
    try:
        selection = write_catalog(args.landing, args.out, args.billing_export)
    except ExportSelectionError as exc:
        print(f"ERROR [FOCUS export] {exc}", file=sys.stderr)
        return 2
    for warning in selection.warnings:
        print(f"WARNING [FOCUS export] {warning}", file=sys.stderr, flush=True)
    print(
        f"[export catalog] {len(selection.selected)} of {len(selection.files)} files count; written to {args.out}",
        file=sys.stderr,
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
