"""Which files of an AWS Data Exports landing count (ml_cost_exports.selection), on layouts the
demo does not make: touched and copied files, stale chunks, partial syncs, landings without
manifests, hidden files, manifests that cannot be ordered."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from ml_cost_exports.selection import ExportSelectionError, folder_timestamp, select_export_files

EXPORT = "focus-export"


def _file(path: Path, body: bytes = b"x", mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def _delivery(root: Path, period: str, folder: str | None, chunks: int = 2, mtime: float = 1_000_000) -> list[Path]:
    """One delivery: its data files and its manifest (documented top-level fields)."""
    data = root / EXPORT / "data" / f"BILLING_PERIOD={period}"
    meta = root / EXPORT / "metadata" / f"BILLING_PERIOD={period}"
    if folder:
        data, meta = data / folder, meta / folder
    files = [_file(data / f"{EXPORT}-{i:05d}.snappy.parquet", mtime=mtime) for i in range(1, chunks + 1)]
    manifest = {
        "executionId": folder.split("-", 1)[1] if folder else "exec",
        "exportArn": f"arn:aws:bcm-data-exports:us-east-1:111111111111:export/{EXPORT}",
        "columns": [{"name": "BilledCost", "type": "double"}],
        "dataFiles": [f"s3://bucket/prefix/{EXPORT}/data/{f.relative_to(root / EXPORT / 'data').as_posix()}" for f in files],
        "additionalOutputFiles": [],
    }
    _file(meta / f"{EXPORT}-Manifest.json", json.dumps(manifest).encode(), mtime=mtime)
    return files


def _selected(root: Path) -> set[str]:
    return {f.source_file for f in select_export_files(root).selected}


def _rel(root: Path, files: list[Path]) -> set[str]:
    return {f.relative_to(root).as_posix() for f in files}


EARLY, LATE = "20261014T061200Z-aaaa", "20261103T054500Z-bbbb"


def test_latest_manifest_decides_even_when_old_files_are_touched_later(tmp_path: Path) -> None:
    early = _delivery(tmp_path, "2026-10", EARLY, mtime=2_000_000_000)  # touched after the late one arrived
    late = _delivery(tmp_path, "2026-10", LATE, mtime=1_000_000_000)
    assert _selected(tmp_path) == _rel(tmp_path, late)
    ignored = {f.source_file: f.reason for f in select_export_files(tmp_path).files if not f.is_selected}
    assert set(ignored) == _rel(tmp_path, early)
    assert all(r.startswith("superseded: listed by an older manifest") for r in ignored.values())


def test_chunk_no_manifest_lists_is_ignored_with_its_reason(tmp_path: Path) -> None:
    listed = _delivery(tmp_path, "2026-09", None)  # overwrite mode
    stale = _file(listed[0].with_name(f"{EXPORT}-00003.snappy.parquet"), mtime=3_000_000_000)
    selection = select_export_files(tmp_path)
    assert {f.source_file for f in selection.selected} == _rel(tmp_path, listed)
    (row,) = [f for f in selection.files if f.source_file == _rel(tmp_path, [stale]).pop()]
    assert not row.is_selected and "not listed by any manifest of BILLING_PERIOD=2026-09" in row.reason


def test_absent_listed_file_falls_back_to_the_earlier_complete_delivery_with_a_warning(tmp_path: Path) -> None:
    early = _delivery(tmp_path, "2026-10", EARLY)
    late = _delivery(tmp_path, "2026-10", LATE)
    late[1].unlink()  # a sync interrupted after one of two chunks
    selection = select_export_files(tmp_path)
    assert {f.source_file for f in selection.selected} == _rel(tmp_path, early)
    (warning,) = selection.warnings
    assert late[1].relative_to(tmp_path).as_posix() in warning and "BILLING_PERIOD=2026-10" in warning and EARLY in warning
    assert all(f.warning == warning for f in selection.selected)


@pytest.mark.parametrize("folder", [None, LATE], ids=["overwrite", "create-new"])
def test_absent_listed_file_without_an_earlier_delivery_fails_naming_period_and_file(tmp_path: Path, folder: str | None) -> None:
    files = _delivery(tmp_path, "2026-09", folder)
    _delivery(tmp_path, "2026-08", folder)
    files[0].unlink()
    with pytest.raises(ExportSelectionError) as error:
        select_export_files(tmp_path)
    assert "BILLING_PERIOD=2026-09" in str(error.value) and files[0].relative_to(tmp_path).as_posix() in str(error.value)


def test_without_manifests_create_new_folders_are_ordered_by_name_not_mtime(tmp_path: Path) -> None:
    period = tmp_path / EXPORT / "data/BILLING_PERIOD=2026-10"
    _file(period / EARLY / "part-1.parquet", mtime=2_000_000_000)
    late = _file(period / LATE / "part-1.parquet", mtime=1_000_000_000)
    selection = select_export_files(tmp_path)
    assert {f.source_file for f in selection.selected} == _rel(tmp_path, [late])
    assert selection.warnings == []


def test_without_manifests_overwrite_chunks_all_count_and_a_warning_says_why(tmp_path: Path) -> None:
    period = tmp_path / EXPORT / "data/BILLING_PERIOD=2026-10"
    chunks = [_file(period / f"{EXPORT}-0000{i}.snappy.parquet") for i in (1, 2)]
    selection = select_export_files(tmp_path)
    assert {f.source_file for f in selection.selected} == _rel(tmp_path, chunks)
    (warning,) = selection.warnings
    assert "stale chunks cannot be detected" in warning and "--delete" in warning and "metadata/" in warning


def test_hidden_and_marker_files_are_ignored(tmp_path: Path) -> None:
    files = _delivery(tmp_path, "2026-10", None)
    folder = files[0].parent
    for name in ("._ml-focus-00001.snappy.parquet", ".DS_Store", "_SUCCESS", "part-9.parquet.tmp", ".part-1.parquet.crc"):
        _file(folder / name)
    _file(tmp_path / EXPORT / "data" / "_temporary" / "0" / "part-0.parquet")
    selection = select_export_files(tmp_path)
    assert {f.source_file for f in selection.selected} == _rel(tmp_path, files)
    hidden = [f for f in selection.files if "hidden or marker" in f.reason]
    assert len(hidden) == 6 and not any(f.is_selected for f in hidden)


def test_paths_with_quotes_and_spaces_are_kept_as_they_are(tmp_path: Path) -> None:
    root = tmp_path / "Bob's exports" / "focus"
    files = _delivery(root, "2026-10", LATE)
    assert {f.file_path for f in select_export_files(root).selected} == {str(f) for f in files}


def test_manifests_that_cannot_be_ordered_fail_loudly(tmp_path: Path) -> None:
    _delivery(tmp_path, "2026-10", None)
    copy = tmp_path / EXPORT / "metadata/BILLING_PERIOD=2026-10/restored-from-backup/x-Manifest.json"
    _file(copy, (tmp_path / EXPORT / f"metadata/BILLING_PERIOD=2026-10/{EXPORT}-Manifest.json").read_bytes())
    with pytest.raises(ExportSelectionError, match="no way to tell the latest"):
        select_export_files(tmp_path)


def test_unreadable_manifest_names_the_file_and_what_was_expected(tmp_path: Path) -> None:
    _delivery(tmp_path, "2026-10", None)
    manifest = tmp_path / EXPORT / f"metadata/BILLING_PERIOD=2026-10/{EXPORT}-Manifest.json"
    manifest.write_text(json.dumps({"executionId": "x", "dataFiles": "s3://bucket/file.parquet"}))
    with pytest.raises(ExportSelectionError, match=r"Manifest.json: field dataFiles is missing or not a list of strings"):
        select_export_files(tmp_path)


def test_files_outside_the_data_exports_layout_all_count(tmp_path: Path) -> None:
    sample = _file(tmp_path / "focus_sample.csv")
    assert _selected(tmp_path) == {sample.name}


def test_an_empty_landing_fails_with_the_folder_named(tmp_path: Path) -> None:
    with pytest.raises(ExportSelectionError, match="No FOCUS export found"):
        select_export_files(tmp_path)


def test_delivery_signature_changes_when_a_selected_file_changes_and_not_when_an_ignored_one_does(tmp_path: Path) -> None:
    early = _delivery(tmp_path, "2026-10", EARLY)
    late = _delivery(tmp_path, "2026-10", LATE)
    before = {f.delivery_signature for f in select_export_files(tmp_path).selected}
    os.utime(early[0], (5e9, 5e9))
    assert {f.delivery_signature for f in select_export_files(tmp_path).selected} == before
    os.utime(late[0], (5e9, 5e9))
    assert {f.delivery_signature for f in select_export_files(tmp_path).selected} != before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("20261103T054500Z-f87f0213", ("2026-11-03 05:45:00", "f87f0213")),
        ("2026-11-03T05:45:00Z-abc", ("2026-11-03 05:45:00", "abc")),
        ("20261103", ("2026-11-03 00:00:00", None)),
        ("exec-123", (None, None)),
    ],
)
def test_folder_timestamps_in_either_spelling(name: str, expected: tuple[str | None, str | None]) -> None:
    at, execution = folder_timestamp(name)
    assert (str(at) if at else None, execution) == expected
