"""Every file under <landing>/focus/, whether it counts and why (ml_cost_exports.selection).

The AWS Data Exports manifests decide which files count: only the files a billing period's
latest manifest lists; without manifests, the latest create-new delivery folder by its
timestamped name, or every overwrite-mode chunk (with a warning). Files that do not count are
kept here with the reason (rpt_ignored_export_files). A listed file that is absent falls back to
the earlier complete delivery with a warning, or fails this model naming the period and file.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa
from ml_cost_exports.selection import ExportSelectionError, select_export_files

SCHEMA = pa.schema(
    [
        ("file_path", pa.string()),
        ("source_file", pa.string()),
        ("file_format", pa.string()),
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


def model(dbt, session):  # noqa: ANN001, ANN201 - dbt's entry point
    dbt.config(materialized="table")
    root = Path(dbt.config.get("landing_path")).absolute() / "focus"
    try:
        selection = select_export_files(root)
    except ExportSelectionError as exc:
        raise RuntimeError(f"FOCUS export under '{root}': {exc}") from None
    for warning in selection.warnings:
        print(f"WARNING [FOCUS export] {warning}", file=sys.stderr, flush=True)
    return pa.Table.from_pylist([asdict(f) for f in selection.files], schema=SCHEMA)
