"""The benchmark's profiler (bench/profile_query.py, docs/performance.md "The profile writes into a
file, as the build does"): the compiled select is written into a table of a database file in the
warehouse's storage format, as dbt writes it, not into a temporary table; the warehouse is left as
it was and the scratch file is removed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT

sys.path.insert(0, str(PROJECT / "bench"))
from profile_query import profile, scratch_file
from run import operators


def test_the_profile_writes_the_select_into_a_file_table_and_leaves_the_warehouse_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema main_intermediate")
    con.execute(
        "create table main_intermediate.charges as "
        "select range as row_number, 'usage type ' || (range % 7) as usage_type, range * 0.01 as cost from range(200000)"
    )
    con.close()
    before = warehouse.read_bytes()
    compiled = tmp_path / "model.sql"
    # as dbt compiles it: the tables named by database and schema
    compiled.write_text('select usage_type, sum(cost) as cost from "warehouse"."main_intermediate"."charges" group by usage_type')
    out = tmp_path / "profile.json"
    monkeypatch.setenv("ML_COST_DUCKDB_TEMP_DIR", str(tmp_path / "spill"))
    monkeypatch.setenv("ML_COST_DUCKDB_MEMORY_LIMIT", "500MB")
    monkeypatch.setenv("ML_COST_DUCKDB_STORAGE_VERSION", "v1.4.0")

    seen: list[str] = []
    real_connect = duckdb.connect

    def connect_and_record(*args, **kwargs):  # type: ignore[no-untyped-def]
        connection = real_connect(*args, **kwargs)
        original_execute = connection.execute

        class Recording:
            def execute(self, sql: str, *a, **k):  # type: ignore[no-untyped-def]
                seen.append(sql)
                if sql.startswith("create table profiled."):
                    # while the table is written, the scratch file is a database of the given format
                    original_execute(sql, *a, **k)
                    path, version = original_execute(
                        "select path, tags['storage_version'] from duckdb_databases() where database_name = 'profiled'"
                    ).fetchone()
                    seen.append(f"written into {path}, storage version {version}")
                    seen.append(f"rows {original_execute('select count(*) from profiled.main.profiled_model').fetchone()[0]}")
                    return connection
                return original_execute(sql, *a, **k)

            def close(self) -> None:
                connection.close()

        return Recording()

    monkeypatch.setattr(duckdb, "connect", connect_and_record)
    profile(warehouse, compiled, out)

    creates = [s for s in seen if s.lstrip().lower().startswith("create")]
    assert len(creates) == 1 and creates[0].startswith("create table profiled.main.profiled_model as"), creates
    assert not any("temp" in s.lower().split("(")[0] for s in creates)
    assert any(s.startswith("attach") and str(scratch_file(warehouse)) in s and "v1.4.0" in s for s in seen), seen
    assert f"written into {scratch_file(warehouse)}, storage version v1.4.0+" in seen, seen
    assert "rows 7" in seen, seen
    tree = json.loads(out.read_text())
    assert "CREATE_TABLE_AS" in [o["operator"] for o in operators(tree)]
    assert warehouse.read_bytes() == before
    assert not scratch_file(warehouse).exists()
    assert not Path(str(scratch_file(warehouse)) + ".wal").exists()
