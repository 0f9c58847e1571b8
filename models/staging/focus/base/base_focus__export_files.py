"""Every file of the billing exports under <landing>/focus/ (FOCUS) and <landing>/cur2/ (CUR 2.0),
whether it counts and why (ml_cost_exports.sources and .selection). Only one export is read
(var billing_export; FOCUS when both are landed, with a warning).

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
from ml_cost_exports.selection import ExportSelectionError
from ml_cost_exports.sources import EXPORTS, select_billing_export


def model(dbt, session):  # noqa: ANN001, ANN201 - dbt's entry point
    dbt.config(materialized="table")
    landing = Path(dbt.config.get("landing_path")).absolute()
    try:
        choice = select_billing_export(landing, dbt.config.get("billing_export"))
    except ExportSelectionError as exc:
        raise RuntimeError(str(exc)) from None
    for warning in choice.selection.warnings:
        print(f"WARNING [{EXPORTS[choice.export_format]}] {warning}", file=sys.stderr, flush=True)
    return selection_table(choice)
