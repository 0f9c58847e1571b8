"""Benchmark: the pipeline against the least any pipeline must do, at 1M and 10M FOCUS rows
(50M with BENCH_FULL=1), in one run. Writes bench/results.md.

For each size it measures, each step in its own child process (wall seconds, peak RSS of the
child from getrusage):
  floor        one DuckDB query over the same FOCUS files: SageMaker effective cost per
               resource per day, written to a table;
  full build   dbt run --full-refresh (models only);
  tests        dbt test (separately);
  incremental  dbt run after one more day of data arrives (a new delivery of the open month).
Usage: python bench/run.py [--sizes 1000000,10000000] [--keep]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
WORK = HERE / "work"
BIN = Path(sys.executable).parent
DAYS = 60  # the history; the incremental step adds day 61 (a new delivery of the open month)

FLOOR_SQL = """
create or replace table floor_result as
select ResourceId as resource_id, cast(ChargePeriodStart as date) as charge_date, sum(EffectiveCost) as effective_cost
from read_parquet('{focus}/**/*.parquet')
where x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans')
group by all
"""


def measure(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run ``cmd`` in a child of a fresh Python process: wall seconds and the child's peak RSS."""
    probe = (
        "import json, resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        "rc = subprocess.run(json.loads(sys.argv[1])).returncode;"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'max_rss_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,"
        " 'returncode': rc}))"
    )
    out = subprocess.run([sys.executable, "-c", probe, json.dumps(cmd)], env=env, capture_output=True, text=True, check=False)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["returncode"] != 0:
        raise SystemExit(f"bench step failed: {' '.join(cmd)}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return result


def generate(landing: Path, scale: int, days: int) -> float:
    if landing.exists():
        shutil.rmtree(landing)
    started = datetime.now()
    subprocess.run(
        [str(BIN / "ml-cost-demo"), "--landing", str(landing), "--scale", str(scale), "--days", str(days)], check=True, capture_output=True
    )
    return (datetime.now() - started).total_seconds()


def focus_rows_of(landing: Path) -> int:
    """FOCUS rows of the latest delivery of each period plus superseded ones: every row dbt reads."""
    return int(
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import duckdb; print(duckdb.sql(\"select count(*) from read_parquet('{landing}/focus/**/*.parquet')\").fetchone()[0])",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


def rows_per_copy() -> int:
    """FOCUS rows of one copy of the demo organisation over DAYS days."""
    probe = WORK / "probe"
    generate(probe, 1, DAYS)
    rows = focus_rows_of(probe)
    shutil.rmtree(probe)
    return rows


def run_size(rows: int, keep: bool, per_copy: int) -> dict:
    scale = max(1, math.ceil(rows / per_copy))
    base = WORK / f"{rows}"
    base.mkdir(parents=True, exist_ok=True)
    landing, landing_next = base / "landing", base / "landing_next"
    gen_seconds = generate(landing, scale, DAYS)
    generate(landing_next, scale, DAYS + 1)  # the same organisation, one more day delivered
    warehouse = base / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    profiles = base / "profiles"
    profiles.mkdir(exist_ok=True)
    shutil.copy(PROJECT / "profiles.yml.example", profiles / "profiles.yml")
    env = {
        **os.environ,
        "ML_COST_LANDING": str(landing),
        "ML_COST_WAREHOUSE": str(warehouse),
        "ML_COST_DUCKDB_TEMP_DIR": str(base / "tmp"),
        "ML_COST_DUCKDB_MEMORY_LIMIT": os.environ.get("ML_COST_DUCKDB_MEMORY_LIMIT", "3GB"),
        # one model at a time: DuckDB already uses every core per query, and two concurrent
        # models would share (and exhaust) one memory limit
        "ML_COST_THREADS": os.environ.get("ML_COST_THREADS", "1"),
        "DBT_PROFILES_DIR": str(profiles),
        "DBT_TARGET_PATH": str(base / "target"),
        "DBT_LOG_PATH": str(base / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    focus_rows = focus_rows_of(landing)
    floor_db = base / "floor.duckdb"
    floor_db.unlink(missing_ok=True)
    floor = measure(
        [sys.executable, "-c", f'import duckdb; duckdb.connect(\'{floor_db}\').execute("""{FLOOR_SQL.format(focus=landing / "focus")}""")'], env
    )
    dbt = str(BIN / "dbt")
    seeds = measure([dbt, "seed", "--quiet"], {**env})
    full = measure([dbt, "run", "--full-refresh", "--quiet"], env)
    tests = measure([dbt, "test", "--quiet", "--exclude", "test_type:unit", "--vars", '{"tag_coverage_error_min": 0}'], env)
    incremental = measure([dbt, "run", "--quiet"], {**env, "ML_COST_LANDING": str(landing_next)})
    if not keep:  # the next size needs the disk (the 50M warehouse and DuckDB's spill take tens of GB)
        for path in (landing, landing_next, base / "tmp"):
            shutil.rmtree(path, ignore_errors=True)
        warehouse.unlink(missing_ok=True)
        floor_db.unlink(missing_ok=True)
    return {
        "rows": focus_rows,
        "scale": scale,
        "generate_seconds": gen_seconds,
        "floor": floor,
        "seeds": seeds,
        "full": full,
        "tests": tests,
        "incremental": incremental,
    }


def report(results: list[dict]) -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` on {os.cpu_count()} cores, {mem:.0f} GiB memory, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}, DuckDB memory limit "
        f"{os.environ.get('ML_COST_DUCKDB_MEMORY_LIMIT', '3GB')}, dbt threads {os.environ.get('ML_COST_THREADS', '1')}. "
        "Each step runs in its own process; peak RSS is that process's.",
        "",
        "| FOCUS rows | step | seconds | peak RSS (MB) | rows/s | ratio |",
        "| ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        floor, full, inc = r["floor"]["seconds"], r["full"]["seconds"], r["incremental"]["seconds"]
        for step, label, ratio in (
            ("floor", "floor (one DuckDB query)", ""),
            ("full", "dbt run --full-refresh", f"full/floor = {full / floor:.1f}"),
            ("tests", "dbt test (data tests)", ""),
            ("incremental", "dbt run, one more day", f"incremental/full = {inc / full:.2f}"),
        ):
            m = r[step]
            lines.append(f"| {r['rows']:,} | {label} | {m['seconds']:.1f} | {m['max_rss_mb']:.0f} | {r['rows'] / m['seconds']:,.0f} | {ratio} |")
    lines += [
        "",
        "Generation of the landing folders is not timed above ("
        + ", ".join(f"{r['rows']:,} rows: {r['generate_seconds']:.0f} s" for r in results)
        + ").",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = "1000000,10000000" + (",50000000" if os.environ.get("BENCH_FULL") == "1" else "")
    parser.add_argument("--sizes", default=default)
    parser.add_argument("--keep", action="store_true", help="keep the landing folders and warehouses")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args(argv)
    per_copy = rows_per_copy()
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"bench: {size:,} rows ...", flush=True)
        results.append(run_size(size, args.keep, per_copy))
        print(json.dumps(results[-1], default=str), flush=True)
    args.out.write_text(report(results))
    (HERE / "results.json").write_text(json.dumps(results, indent=2, default=str))
    print(args.out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
