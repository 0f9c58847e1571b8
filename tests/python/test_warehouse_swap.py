"""The atomic swaps of `make build` and `make publish` (issue 23), with stand-in commands:
what is published only ever changes by one rename, and never when the command fails. The
same with dbt, a reader process and the demo: tests/engines/test_bi.py."""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

import duckdb
import pytest
from ml_cost_tools.warehouse import WarehouseError, build, publish_folder

WRITE_TABLE = "import duckdb, os, sys; duckdb.connect(os.environ['ML_COST_WAREHOUSE']).execute('create or replace table t as select {n} as n')"
WRITE_FILES = "import os, pathlib; p = pathlib.Path(os.environ['ML_COST_PUBLISH']) / 'mart'; p.mkdir(); (p / 'part.parquet').write_text('{n}')"


def _read(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select n from t").fetchone()[0]  # type: ignore[index]


def test_a_build_publishes_only_when_it_succeeds(tmp_path: Path) -> None:
    published = tmp_path / "ml_cost.duckdb"
    assert build(published, [sys.executable, "-c", WRITE_TABLE.format(n=1)]) == 0
    assert _read(published) == 1 and not published.with_name("ml_cost.duckdb.wal").exists()
    assert build(published, [sys.executable, "-c", WRITE_TABLE.format(n=2) + "; sys.exit(4)"]) == 4
    assert _read(published) == 1, "a failed build publishes nothing"
    inode = published.stat().st_ino
    assert build(published, [sys.executable, "-c", WRITE_TABLE.format(n=3)]) == 0
    assert _read(published) == 3 and published.stat().st_ino != inode, "a new file, renamed into place"


def test_a_build_starts_from_the_published_state(tmp_path: Path) -> None:
    published = tmp_path / "ml_cost.duckdb"
    build(published, [sys.executable, "-c", WRITE_TABLE.format(n=5)])
    add_one = (
        "import duckdb, os; c = duckdb.connect(os.environ['ML_COST_WAREHOUSE']); c.execute('create or replace table t as select n + 1 as n from t')"
    )
    assert build(published, [sys.executable, "-c", add_one]) == 0
    assert _read(published) == 6


def test_a_left_over_write_ahead_log_stops_the_build(tmp_path: Path) -> None:
    published = tmp_path / "ml_cost.duckdb"
    build(published, [sys.executable, "-c", WRITE_TABLE.format(n=1)])
    (tmp_path / "ml_cost.duckdb.wal").write_bytes(b"x")
    with pytest.raises(WarehouseError, match=r"ml_cost\.duckdb: a write-ahead log ml_cost\.duckdb\.wal lies beside it"):
        build(published, [sys.executable, "-c", WRITE_TABLE.format(n=2)])
    assert _read_after_removing_wal(published) == 1


def _read_after_removing_wal(published: Path) -> int:
    published.with_name(published.name + ".wal").unlink()
    return _read(published)


def test_two_builds_at_once_are_refused(tmp_path: Path) -> None:
    published = tmp_path / "ml_cost.duckdb"
    (tmp_path / ".building").mkdir()
    with open(tmp_path / ".building" / "lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(WarehouseError, match=r"another build of .*ml_cost\.duckdb is running"):
            build(published, [sys.executable, "-c", WRITE_TABLE.format(n=1)])


def test_publish_swaps_a_link_keeps_the_previous_version_and_prunes_older(tmp_path: Path) -> None:
    out = tmp_path / "published"
    out.mkdir()
    (out / "old-mart").mkdir()  # a folder from before versions: moved aside, not lost
    assert publish_folder(out, [sys.executable, "-c", WRITE_FILES.format(n=1)]) == 0
    assert out.is_symlink() and (out / "mart" / "part.parquet").read_text() == "1"
    versions = tmp_path / ".published.versions"
    assert (versions / "000000-before-versions" / "old-mart").is_dir()
    first = out.resolve()
    with open(first / "mart" / "part.parquet") as held:  # a reader in the middle of the first version
        assert publish_folder(out, [sys.executable, "-c", WRITE_FILES.format(n=2)]) == 0
        assert (out / "mart" / "part.parquet").read_text() == "2"
        assert first.exists() and held.read() == "1", "the previous version stays for readers still on it"
    assert publish_folder(out, [sys.executable, "-c", WRITE_FILES.format(n=3)]) == 0
    assert not first.exists(), "older versions are removed"
    assert len([v for v in versions.iterdir() if v.is_dir()]) == 2
    assert publish_folder(out, [sys.executable, "-c", "import sys; sys.exit(5)"]) == 5
    assert (out / "mart" / "part.parquet").read_text() == "3", "a failed publish changes nothing"
    assert len([v for v in versions.iterdir() if v.is_dir()]) == 2
    assert os.readlink(out).startswith(".published.versions/")
