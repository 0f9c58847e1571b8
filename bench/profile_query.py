"""Profile one compiled model with DuckDB's profiler (what EXPLAIN ANALYZE prints), run by bench/run.py.

Usage: python bench/profile_query.py WAREHOUSE COMPILED_SQL OUT_JSON
Runs the model's compiled select against a read-only copy of the built warehouse's catalog, with
the memory limit and spill folder of the build (ML_COST_DUCKDB_MEMORY_LIMIT, ML_COST_DUCKDB_TEMP_DIR),
and writes the profiler's JSON tree to OUT_JSON.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb


def profile(warehouse: Path, compiled: Path, out: Path) -> None:
    sql = compiled.read_text()
    con = duckdb.connect(str(warehouse), read_only=True, config={"temp_directory": os.environ.get("ML_COST_DUCKDB_TEMP_DIR", "/tmp")})
    con.execute(f"set memory_limit = '{os.environ.get('ML_COST_DUCKDB_MEMORY_LIMIT', '3GB')}'")
    con.execute("set preserve_insertion_order = false")
    con.execute("set TimeZone = 'UTC'")
    con.execute("set enable_profiling = 'json'")
    con.execute(f"set profiling_output = '{out}'")
    # materialised as dbt does (a table), into the session's temporary catalog: same plan, and
    # the built warehouse is not touched
    con.execute(f"create temp table profiled_model as\n{sql}\n")
    con.close()


if __name__ == "__main__":
    profile(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
