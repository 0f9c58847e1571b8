"""Which files of an AWS Data Exports landing count, decided by AWS's own records.

Layout (AWS Data Exports user guide, "Understanding export delivery",
docs.aws.amazon.com/cur/latest/userguide/dataexports-export-delivery.html):

- data files under ``<prefix>/<export-name>/data/BILLING_PERIOD=YYYY-MM/``;
- ``Manifest.json`` under ``<prefix>/<export-name>/metadata/BILLING_PERIOD=YYYY-MM/``, named
  ``<export-name>-Manifest.json`` and updated on every refresh;
- overwrite mode rewrites the chunks ``<export-name>-<part>.<ext>`` in place (a sync without
  ``--delete`` can leave old chunks behind); create-new-version mode writes each execution into
  its own folder ``<timestamp>-<execution-id>/`` below the period.

Manifest (AWS Data Exports user guide, "Data Exports manifest file reference",
docs.aws.amazon.com/cur/latest/userguide/dataexports-manifest.html): top-level fields
``executionId``, ``exportArn``, ``columns``, ``dataFiles`` (the full S3 URIs of the data files;
"We recommend identifying which files to ingest by programmatically reading this list") and
``additionalOutputFiles``.

Not verified, so both forms are accepted: the exact spelling of the timestamp in a
create-new folder name (``20261023T054500Z`` and ``2026-10-23T05:45:00Z`` both parse), and where
a create-new manifest sits (directly in ``metadata/BILLING_PERIOD=P/`` or in a sub-folder of it).
The manifest reference names no delivery-time field, so deliveries are ordered by the timestamp
of their folder name, never by file modification times; manifests of one period that cannot be
ordered that way fail loudly.

Rules (docs/landing.md, docs/exports.md):

1. With manifests, only the files of a period's latest manifest count. A data file that no
   current manifest lists is ignored, with the reason.
2. The latest manifest lists a file that is absent: the latest earlier delivery whose files are
   all present is used, with a warning naming the missing file; with none, selection fails
   naming the period and the file.
3. Without manifests: create-new folders are ordered by their timestamped names and the latest
   counts; in overwrite mode every chunk counts and a warning says stale chunks cannot be seen.
4. Files outside the Data Exports layout (a single CSV, a folder of Parquet files) all count.
5. Hidden and marker files (``._*``, ``.DS_Store``, ``_SUCCESS``, ``*.tmp``, ``*.crc``) and
   files that are not data (.parquet, .csv, .csv.gz) are ignored, with the reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

DATA_SUFFIXES = (".parquet", ".csv", ".csv.gz")
MARKER_SUFFIXES = (".tmp", ".crc", ".part", ".partial")
PERIOD = re.compile(r"^BILLING_PERIOD=(\d{4}-\d{2})$")
FOLDER_TIMESTAMP = re.compile(
    r"^(?P<y>\d{4})-?(?P<mo>\d{2})-?(?P<d>\d{2})"
    r"(?:[T_ -]?(?P<h>\d{2})[:\-]?(?P<mi>\d{2})(?:[:\-]?(?P<s>\d{2}))?(?:\.\d+)?Z?)?"
)
SYNC_ADVICE = "sync metadata/ as well as data/, with `aws s3 sync --delete`"


class ExportSelectionError(Exception):
    """The landing cannot be read without losing or double counting money."""


@dataclass(frozen=True)
class ExportFile:
    """One file found under the export root, and whether it counts."""

    file_path: str
    source_file: str
    file_format: str | None
    export_name: str | None
    billing_period: str | None
    delivery_key: str
    execution_id: str | None
    delivered_at: datetime | None
    manifest_file: str | None
    is_selected: bool
    reason: str
    warning: str | None
    size_bytes: int
    modified_at: datetime
    delivery_signature: str | None = None


@dataclass(frozen=True)
class Manifest:
    path: str  # relative to the root
    execution_id: str | None
    delivered_at: datetime | None
    listed: tuple[str, ...]  # data files, relative to the root


@dataclass
class Selection:
    files: list[ExportFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def selected(self) -> list[ExportFile]:
        return [f for f in self.files if f.is_selected]


@dataclass(frozen=True)
class _Found:
    rel: PurePosixPath
    size: int
    mtime_ns: int


def file_format(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(".parquet"):
        return "parquet"
    if lower.endswith((".csv", ".csv.gz")):
        return "csv"
    return None


def is_hidden_or_marker(rel: PurePosixPath) -> bool:
    """macOS resource forks (``._x``), ``.DS_Store``, Hadoop/Spark markers (``_SUCCESS``,
    ``_temporary/``), partial downloads (``*.tmp``, ``*.part``) and checksum files (``*.crc``)."""
    return any(p.startswith((".", "_")) for p in rel.parts) or rel.name.lower().endswith(MARKER_SUFFIXES)


def is_manifest(rel: PurePosixPath) -> bool:
    return rel.name.lower().endswith("manifest.json")


def folder_timestamp(name: str) -> tuple[datetime | None, str | None]:
    """The delivery time and execution id of a create-new folder name ``<timestamp>-<id>``."""
    match = FOLDER_TIMESTAMP.match(name)
    if not match:
        return None, None
    parts = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    try:
        at = datetime(parts["y"], parts["mo"], parts["d"], parts["h"], parts["mi"], parts["s"])
    except ValueError:
        return None, None
    rest = name[match.end() :].lstrip("-_")
    return at, rest or None


def _walk(root: Path) -> list[_Found]:
    found: list[_Found] = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            full = Path(folder) / name
            stat = full.stat()
            found.append(_Found(PurePosixPath(full.relative_to(root).as_posix()), stat.st_size, stat.st_mtime_ns))
    return found


def _period_index(parts: tuple[str, ...], anchor: str) -> int | None:
    """Index of ``BILLING_PERIOD=P`` right after an ``anchor`` folder (data or metadata)."""
    for i in range(len(parts) - 1, 0, -1):
        if PERIOD.match(parts[i]) and parts[i - 1] == anchor:
            return i
    return None


def _read_manifest(root: Path, rel: PurePosixPath, export_root: tuple[str, ...]) -> Manifest:
    where = f"Data Exports manifest {rel}"
    try:
        body = json.loads((root / rel).read_text())
    except (OSError, ValueError) as exc:
        raise ExportSelectionError(f"{where}: not readable JSON ({exc}); expected the Manifest.json AWS delivers") from exc
    data_files = body.get("dataFiles") if isinstance(body, dict) else None
    if not isinstance(data_files, list) or not all(isinstance(f, str) for f in data_files):
        raise ExportSelectionError(f"{where}: field dataFiles is missing or not a list of strings; expected the S3 URIs of the data files")
    listed = []
    for uri in data_files:
        cut = uri.rfind("/data/BILLING_PERIOD=")
        if cut < 0:
            raise ExportSelectionError(f"{where}: dataFiles entry '{uri}' is not under <export-name>/data/BILLING_PERIOD=YYYY-MM/")
        listed.append(str(PurePosixPath(*export_root, uri[cut + 1 :])))
    # The delivery time: the timestamp of the manifest's own folder (create new version), else
    # of the folder its data files sit in; none for an overwrite-mode manifest.
    period_at = _period_index(rel.parts, "metadata")
    below = rel.parts[(period_at or 0) + 1 : -1]
    candidates = [below[0]] if below else []
    candidates += [PurePosixPath(f).parent.name for f in listed if not PERIOD.match(PurePosixPath(f).parent.name)]
    delivered_at, folder_id = None, None
    for name in candidates:
        delivered_at, folder_id = folder_timestamp(name)
        if delivered_at is not None:
            break
    execution_id = body.get("executionId") if isinstance(body.get("executionId"), str) else folder_id
    return Manifest(str(rel), execution_id, delivered_at, tuple(listed))


def _row(
    root: Path,
    f: _Found,
    *,
    selected: bool,
    reason: str,
    export_name: str | None = None,
    period: str | None = None,
    manifest: Manifest | None = None,
    delivered_at: datetime | None = None,
    execution_id: str | None = None,
    warning: str | None = None,
) -> ExportFile:
    return ExportFile(
        file_path=str(root / f.rel),
        source_file=str(f.rel),
        file_format=file_format(f.rel.name),
        export_name=export_name,
        billing_period=period,
        delivery_key=str(f.rel.parent),
        execution_id=manifest.execution_id if manifest else execution_id,
        delivered_at=manifest.delivered_at if manifest else delivered_at,
        manifest_file=manifest.path if manifest else None,
        is_selected=selected,
        reason=reason,
        warning=warning,
        size_bytes=f.size,
        modified_at=datetime.fromtimestamp(f.mtime_ns / 1e9, tz=UTC).replace(tzinfo=None),
    )


def _with_manifests(root: Path, key: tuple[tuple[str, ...], str], files: list[_Found], manifests: list[Manifest], out: Selection) -> None:
    export_root, period = key
    export_name = export_root[-1] if export_root else None
    if len(manifests) > 1:
        unordered = [m.path for m in manifests if m.delivered_at is None]
        times = [m.delivered_at for m in manifests]
        if unordered or len(set(times)) < len(times):
            raise ExportSelectionError(
                f"BILLING_PERIOD={period} of export '{export_name}': {len(manifests)} manifests and no way to tell the latest "
                f"(their delivery folders carry no distinct timestamp): {', '.join(sorted(m.path for m in manifests))}. "
                "Keep only the manifest AWS delivered last."
            )
    ordered = sorted(manifests, key=lambda m: m.delivered_at or datetime.min, reverse=True)
    present = {str(f.rel) for f in files}
    chosen, warning = None, None
    for manifest in ordered:
        missing = [f for f in manifest.listed if f not in present]
        if not missing:
            chosen = manifest
            break
        if manifest is ordered[0]:
            warning = f"BILLING_PERIOD={period}: the latest manifest {manifest.path} lists {missing[0]}, which is absent"
            if len(missing) > 1:
                warning += f" (and {len(missing) - 1} more)"
    if chosen is None:
        raise ExportSelectionError(
            f"{warning}, and no earlier complete delivery of BILLING_PERIOD={period} exists. The sync is incomplete: {SYNC_ADVICE}, then build again."
        )
    if warning:
        warning += f"; using the earlier complete delivery {chosen.path}"
        out.warnings.append(warning)
    listed_by = {f: m for m in ordered for f in m.listed}
    chosen_files = set(chosen.listed)
    for f in files:
        rel = str(f.rel)
        if rel in chosen_files:
            out.files.append(
                _row(
                    root,
                    f,
                    selected=True,
                    reason="listed by the latest complete manifest",
                    export_name=export_name,
                    period=period,
                    manifest=chosen,
                    warning=warning,
                )
            )
        elif rel in listed_by:
            other = listed_by[rel]
            newer = (other.delivered_at or datetime.min) > (chosen.delivered_at or datetime.min)
            why = "listed by a newer manifest whose delivery is incomplete" if newer else "superseded: listed by an older manifest"
            out.files.append(_row(root, f, selected=False, reason=f"{why} ({other.path})", export_name=export_name, period=period, manifest=other))
        else:
            out.files.append(
                _row(
                    root,
                    f,
                    selected=False,
                    reason=f"not listed by any manifest of BILLING_PERIOD={period}: a stale chunk or a stray copy",
                    export_name=export_name,
                    period=period,
                )
            )


def _without_manifests(root: Path, key: tuple[tuple[str, ...], str], files: list[_Found], has_metadata: bool, out: Selection) -> None:
    export_root, period = key
    export_name = export_root[-1] if export_root else None
    period_depth = len(export_root) + 2  # <export>/data/BILLING_PERIOD=P
    chunks = [f for f in files if len(f.rel.parts) == period_depth + 1]
    folders = sorted({f.rel.parts[period_depth] for f in files if len(f.rel.parts) > period_depth + 1})
    where = "/".join((*export_root, "data", f"BILLING_PERIOD={period}"))
    if chunks and folders:
        raise ExportSelectionError(
            f"{where}: holds both chunk files ({chunks[0].rel.name}) and delivery folders ({folders[0]}/); expected one export mode "
            "(overwrite: chunks only; create new version: one folder per delivery). Remove what AWS no longer delivers."
        )
    lacking = "no manifest for this period under metadata/" if has_metadata else "no metadata/ folder (manifests) was synced"
    if chunks:
        warning = f"{where}: overwrite-mode export with {lacking}: every chunk counts and stale chunks cannot be detected; {SYNC_ADVICE}"
        out.warnings.append(warning)
        for f in files:
            out.files.append(
                _row(
                    root,
                    f,
                    selected=True,
                    reason="overwrite-mode chunk (no manifest: every chunk counts)",
                    export_name=export_name,
                    period=period,
                    warning=warning,
                )
            )
        return

    # create new version: the latest folder by its timestamped name (then by name)
    def order(name: str) -> tuple[datetime, str]:
        return folder_timestamp(name)[0] or datetime.min, name

    latest = max(folders, key=order)
    for f in files:
        folder = f.rel.parts[period_depth]
        at, execution_id = folder_timestamp(folder)
        if folder == latest:
            out.files.append(
                _row(
                    root,
                    f,
                    selected=True,
                    reason="latest delivery folder by its timestamped name (no manifest)",
                    export_name=export_name,
                    period=period,
                    delivered_at=at,
                    execution_id=execution_id,
                )
            )
        else:
            out.files.append(
                _row(
                    root,
                    f,
                    selected=False,
                    reason=f"superseded: an older delivery folder than {latest} (no manifest)",
                    export_name=export_name,
                    period=period,
                    delivered_at=at,
                    execution_id=execution_id,
                )
            )


def _signed(files: Iterable[ExportFile], found: dict[str, _Found]) -> list[ExportFile]:
    """Each selected file with its delivery's signature: a hash of the selected files' names,
    sizes and modification times, so an incremental run re-reads a delivery that changed."""
    parts: dict[str, list[str]] = {}
    for f in files:
        if f.is_selected:
            meta = found[f.source_file]
            parts.setdefault(f.delivery_key, []).append(f"{f.source_file}:{meta.size}:{meta.mtime_ns}")
    signatures = {k: hashlib.md5(",".join(sorted(v)).encode()).hexdigest() for k, v in parts.items()}
    return [replace(f, delivery_signature=signatures[f.delivery_key]) if f.is_selected else f for f in files]


def select_export_files(root: Path, what: str = "FOCUS export") -> Selection:
    """Every file under ``root`` with whether it counts and why (see the module docstring)."""
    if not root.is_dir():
        raise ExportSelectionError(
            f"No {what} found: '{root}' is not a folder. Set ML_COST_LANDING to the landing folder, or run `make demo` for demo data."
        )
    out = Selection()
    found = _walk(root)
    groups: dict[tuple[tuple[str, ...], str], list[_Found]] = {}
    manifests: dict[tuple[tuple[str, ...], str], list[Manifest]] = {}
    metadata_roots: set[tuple[str, ...]] = set()
    for f in found:
        parts = f.rel.parts
        if is_hidden_or_marker(f.rel):
            out.files.append(_row(root, f, selected=False, reason="hidden or marker file (._*, .DS_Store, _SUCCESS, *.tmp, *.crc): not data"))
            continue
        if is_manifest(f.rel):
            at = _period_index(parts, "metadata")
            if at is None:
                out.files.append(_row(root, f, selected=False, reason="manifest outside <export>/metadata/BILLING_PERIOD=YYYY-MM/: not used"))
                continue
            export_root = parts[: at - 1]
            metadata_roots.add(export_root)
            period = PERIOD.match(parts[at]).group(1)  # type: ignore[union-attr]
            manifests.setdefault((export_root, period), []).append(_read_manifest(root, f.rel, export_root))
            continue
        if file_format(f.rel.name) is None:
            out.files.append(_row(root, f, selected=False, reason="not a data file: expected .parquet, .csv or .csv.gz"))
            continue
        at = _period_index(parts, "data")
        if at is None:
            out.files.append(_row(root, f, selected=True, reason="outside the Data Exports layout (data/BILLING_PERIOD=YYYY-MM/): every file counts"))
            continue
        groups.setdefault((parts[: at - 1], PERIOD.match(parts[at]).group(1)), []).append(f)  # type: ignore[union-attr]
    for key in sorted(set(groups) | set(manifests)):
        if key in manifests:
            _with_manifests(root, key, groups.get(key, []), manifests[key], out)
        else:
            _without_manifests(root, key, groups[key], key[0] in metadata_roots, out)
    if not any(f.is_selected for f in out.files):
        raise ExportSelectionError(
            f"No {what} found: expected *.parquet, *.csv or *.csv.gz files (at any depth) under '{root}'. "
            "Set ML_COST_LANDING to the landing folder, or run `make demo` for demo data."
        )
    out.files = sorted(_signed(out.files, {str(f.rel): f for f in found}), key=lambda f: f.source_file)
    return out
