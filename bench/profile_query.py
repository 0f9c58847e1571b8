"""Profile one compiled model with DuckDB's profiler (what EXPLAIN ANALYZE prints), run by bench/run.py.

Usage: python bench/profile_query.py WAREHOUSE COMPILED_SQL OUT_JSON
Runs the model's compiled select against the built warehouse, opened read-only, with the memory
limit and spill folder of the build (ML_COST_DUCKDB_MEMORY_LIMIT, ML_COST_DUCKDB_TEMP_DIR), and
writes the profiler's JSON tree to OUT_JSON.

The select is written as dbt writes it, into a table of a database file: a scratch file beside
the warehouse, in the warehouse's storage format (bench/run.py storage_version()), removed
afterwards. Not into a temporary table: that stays in memory, uncompressed, and spills raw
blocks, and at 10M rows it wrote the wide models in about half the time a table of the file
takes (docs/performance.md "The profile writes into a file, as the build does").
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb
from run import storage_version


def scratch_file(warehouse: Path) -> Path:
    """The database file the profiled select is written into, beside the warehouse."""
    return warehouse.with_name(warehouse.stem + ".profiled.duckdb")


def remove_database_file(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def profile(warehouse: Path, compiled: Path, out: Path) -> None:
    sql = compiled.read_text()
    scratch = scratch_file(warehouse)
    remove_database_file(scratch)
    con = duckdb.connect(str(warehouse), read_only=True, config={"temp_directory": os.environ.get("ML_COST_DUCKDB_TEMP_DIR", "/tmp")})
    try:
        con.execute(f"set memory_limit = '{os.environ.get('ML_COST_DUCKDB_MEMORY_LIMIT', '3GB')}'")
        con.execute("set preserve_insertion_order = false")
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{scratch}' as profiled (read_only false, storage_version '{storage_version()}')")
        con.execute("set enable_profiling = 'json'")
        con.execute(f"set profiling_output = '{out}'")
        # the compiled select names the warehouse's tables by database and schema, so it reads
        # them wherever the table it fills lives; the built warehouse is not touched
        con.execute(f"create table profiled.main.profiled_model as\n{sql}\n")
    finally:
        con.close()
        remove_database_file(scratch)


if __name__ == "__main__":
    profile(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
