"""Which billing export is read: FOCUS under ``<landing>/focus/`` or CUR 2.0 under ``<landing>/cur2/``.

Both are AWS Data Exports in the same layout (``<export>/data/BILLING_PERIOD=YYYY-MM/`` and
``<export>/metadata/...Manifest.json``), so the same rules pick their files
(ml_cost_exports.selection). One payer's charges are in both when both exports exist: only one
is ever read, so nothing is counted twice. The choice (dbt var ``billing_export``):

- ``auto`` (default): FOCUS when a FOCUS export is landed, else CUR 2.0; with both, FOCUS and a
  warning naming the var;
- ``focus`` or ``cur2``: that export, which must be landed.

The files of the export not read are listed too, not selected, with the reason, so
``rpt_ignored_export_files`` shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ml_cost_exports.selection import DATA_SUFFIXES, ExportSelectionError, Selection, select_export_files

EXPORTS = {"focus": "FOCUS export", "cur2": "CUR 2.0 export"}
CHOICES = ("auto", *EXPORTS)


@dataclass(frozen=True)
class ExportChoice:
    """The export that is read, and the selection of every landed export's files."""

    export_format: str
    selection: Selection
    formats: dict[str, str]  # file_path -> export format (focus, cur2)


def _has_data(root: Path) -> bool:
    if not root.is_dir():
        return False
    return any(p.is_file() and p.name.endswith(DATA_SUFFIXES) and not p.name.startswith((".", "_")) for p in root.rglob("*"))


def choose_export(landing: Path, choice: str = "auto") -> str:
    """The export format to read (focus or cur2) for var billing_export = choice."""
    if choice not in CHOICES:
        raise ExportSelectionError(f"var billing_export is {choice!r}; expected one of {', '.join(CHOICES)}")
    if choice != "auto":
        return choice
    return "cur2" if not _has_data(landing / "focus") and _has_data(landing / "cur2") else "focus"


def select_billing_export(landing: Path, choice: str = "auto") -> ExportChoice:
    """Select the files of the chosen export; list the other export's files as not read."""
    landing = landing.absolute()
    chosen = choose_export(landing, choice)
    try:
        selection = select_export_files(landing / chosen, EXPORTS[chosen])
    except ExportSelectionError as exc:
        raise ExportSelectionError(f"{EXPORTS[chosen]} under '{landing / chosen}': {exc}") from None
    formats = {f.file_path: chosen for f in selection.files}
    for other in (name for name in EXPORTS if name != chosen):
        if not _has_data(landing / other):
            continue
        why = (
            f"{EXPORTS[other]} not read: var billing_export is '{choice}', which reads the {EXPORTS[chosen]} "
            f"(both are landed; one payer's charges are in both, so only one is counted)"
        )
        selection.warnings.append(
            f"both a {EXPORTS['focus']} (focus/) and a {EXPORTS['cur2']} (cur2/) are landed: reading the {EXPORTS[chosen]}; "
            f"set var billing_export to '{other}' to read the other. Never both: one payer's charges are in each."
        )
        try:
            others = select_export_files(landing / other, EXPORTS[other]).files
        except ExportSelectionError:
            others = []
        for f in others:
            selection.files.append(replace(f, is_selected=False, reason=why, warning=None, delivery_signature=None))
            formats[f.file_path] = other
    return ExportChoice(chosen, selection, formats)
