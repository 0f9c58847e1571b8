"""Every file under <landing>/focus/, whether it counts and why (ml_cost_exports.selection).

The AWS Data Exports manifests decide which files count: only the files a billing period's
latest manifest lists; without manifests, the latest create-new delivery folder by its
timestamped name, or every overwrite-mode chunk (with a warning). Files that do not count are
kept here with the reason (rpt_ignored_export_files). A listed file that is absent falls back to
the earlier complete delivery with a warning, or fails this model naming the period and file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ml_cost_exports.catalog import selection_table
from ml_cost_exports.selection import ExportSelectionError, select_export_files


def model(dbt, session):  # noqa: ANN001, ANN201 - dbt's entry point
    dbt.config(materialized="table")
    root = Path(dbt.config.get("landing_path")).absolute() / "focus"
    try:
        selection = select_export_files(root)
    except ExportSelectionError as exc:
        raise RuntimeError(f"FOCUS export under '{root}': {exc}") from None
    for warning in selection.warnings:
        print(f"WARNING [FOCUS export] {warning}", file=sys.stderr, flush=True)
    return selection_table(selection)
