"""Benchmark: the pipeline against the least any pipeline must do, on two workloads, in one run.
Writes bench/results.md (and results.json); docs/performance.md explains the figures.

Workloads (both from the demo generator, ``ml-cost-demo --scale N``):
  sagemaker     the demo organisation copied N times: almost every row is SageMaker or a related
                service (the pipeline keeps about 89% of the rows);
  all-services  the same organisation plus the rest of a payer's bill in every copy (EC2, EBS,
                RDS, Lambda, DynamoDB, data transfer, NAT, S3 requests: ``--other-services``), so
                that SageMaker and its related services are about 5% of the rows.
For each size, each step in its own child process (wall seconds, peak RSS of the child):
  aggregate floor    one DuckDB query: SageMaker effective cost per resource per day, to a table;
  materialise floor  one DuckDB statement that keeps what the pipeline keeps: the in-scope rows
                     (SageMaker, ML Savings Plans, S3, ECR, CloudWatch) of the latest delivery of
                     each billing period, with the columns the pipeline keeps, the source file and
                     row, and a content hash, written to a table. On the all-services workload this
                     is the filtered scan of the files: its floor;
  full build         dbt run --full-refresh (models only), then dbt's per-model timings and
                     DuckDB's profile (EXPLAIN ANALYZE's operators) of the slowest SQL models (five; --profile-top);
  tests              dbt test (data tests), in a target folder of its own;
  one more day       dbt run after the next morning's delivery of the open month arrives.
The full build and the one-more-day run both start from dbt's saved parse of the unchanged
project (the seed step makes it), as a scheduled run on the same machine does.
Usage: python bench/run.py [--sizes 1000000,10000000] [--all-services-sizes 10000000] [--keep]
BENCH_FULL=1 adds 50M SageMaker rows and 100M all-services rows (the issue's target sizes).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from commit_time import commit_seconds
from ml_cost_exports.selection import select_export_files

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
WORK = HERE / "work"
BIN = Path(sys.executable).parent
DAYS = 60  # the history; the incremental step adds day 61 (a new delivery of the open month)
OTHER_SHARE = 0.95  # the all-services workload: rows of services that are not ML or related
IN_SCOPE_SERVICES = "('AmazonSageMaker', 'MachineLearningSavingsPlans', 'AmazonS3', 'AmazonECR', 'AmazonCloudWatch')"
# the FOCUS columns int_charges_scoped keeps (macro charge_content_columns), as the files name them
KEPT_COLUMNS = (
    "BillingAccountId, BillingPeriodStart, BillingPeriodEnd, ChargePeriodStart, ChargePeriodEnd, SubAccountId, SubAccountName, "
    "RegionId, ResourceId, ResourceName, ServiceName, x_ServiceCode, SkuMeter, ChargeCategory, ChargeClass, ChargeDescription, "
    "PricingCategory, PricingUnit, PricingQuantity, ConsumedQuantity, CommitmentDiscountId, CommitmentDiscountStatus, "
    "BillingCurrency, BilledCost, EffectiveCost, ListCost, Tags"
)


def storage_version() -> str:
    """The DuckDB storage format the builds write: ML_COST_DUCKDB_STORAGE_VERSION, else the default of
    profiles.yml.example. The floors' files are written in the same format, so a faster format speeds
    the floors as much as the build and cannot flatter the ratios."""
    if version := os.environ.get("ML_COST_DUCKDB_STORAGE_VERSION"):
        return version
    profile = PROJECT / "profiles.yml.example"
    found = re.search(r"env_var\('ML_COST_DUCKDB_STORAGE_VERSION', '([^']+)'\)", profile.read_text())
    if not found:
        raise SystemExit(f"{profile}: no default for ML_COST_DUCKDB_STORAGE_VERSION (storage_compatibility_version) found")
    return found.group(1)


AGGREGATE_FLOOR_SQL = """
create or replace table aggregate_floor as
select ResourceId as resource_id, cast(ChargePeriodStart as date) as charge_date, sum(EffectiveCost) as effective_cost
from read_parquet({files})
where x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans')
group by all
"""
MATERIALISE_FLOOR_SQL = f"""
create or replace table materialise_floor as
select {KEPT_COLUMNS}, filename as source_file, file_row_number as source_row,
    hash({KEPT_COLUMNS}) as content_hash
from read_parquet({{files}}, filename = true, file_row_number = true)
where x_ServiceCode in {IN_SCOPE_SERVICES}
"""
TARGETS = {
    # workload: (size the issue sets the target at, [(label, measured key, limit)])
    "sagemaker": (
        50_000_000,
        [
            ("full build / materialise floor", "full_over_materialise", 2.0),
            ("one more day / full build", "incremental_over_full", 0.05),
            ("peak RSS of the full build (GiB)", "full_rss_gib", 4.0),
        ],
    ),
    "all-services": (100_000_000, [("full build / scan floor", "full_over_materialise", 3.0)]),
}


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
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    if result["returncode"] != 0:
        raise SystemExit(f"bench step failed: {' '.join(cmd)}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return result


def generate(landing: Path, scale: int, days: int, other_series: int) -> float:
    if landing.exists():
        shutil.rmtree(landing)
    started = datetime.now()
    cmd = [str(BIN / "ml-cost-demo"), "--landing", str(landing), "--scale", str(scale), "--days", str(days), "--other-services", str(other_series)]
    subprocess.run(cmd, check=True, capture_output=True)
    return (datetime.now() - started).total_seconds()


def latest_files(landing: Path) -> list[str]:
    """The data files the pipeline reads: the project's own export-file selection (each billing
    period's latest complete delivery, by its manifest; superseded deliveries are not read)."""
    return sorted(f.file_path for f in select_export_files(landing / "focus").selected)


def duck(sql: str) -> Any:
    code = f"import duckdb; print(duckdb.sql({sql!r}).fetchall()[0][0])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def count_rows(files: list[str], where: str = "true") -> int:
    return int(duck(f"select count(*) from read_parquet({files!r}) where {where}"))


def probe_rows(other_series: int) -> int:
    """FOCUS rows (latest deliveries) of one copy of the organisation over DAYS days."""
    probe = WORK / "probe"
    generate(probe, 1, DAYS, other_series)
    rows = count_rows(latest_files(probe))
    shutil.rmtree(probe)
    return rows


def workload_shapes() -> dict[str, tuple[int, int]]:
    """Per workload: (other-service series per copy, FOCUS rows per copy)."""
    ml = probe_rows(0)
    per_series = (probe_rows(100) - ml) / 100
    series = round(ml * OTHER_SHARE / (1 - OTHER_SHARE) / per_series)
    return {"sagemaker": (0, ml), "all-services": (series, ml + round(series * per_series))}


def dbt_env(base: Path, landing: Path) -> dict[str, str]:
    profiles = base / "profiles"
    profiles.mkdir(exist_ok=True)
    shutil.copy(PROJECT / "profiles.yml.example", profiles / "profiles.yml")
    return {
        **os.environ,
        "ML_COST_LANDING": str(landing),
        "ML_COST_WAREHOUSE": str(base / "warehouse.duckdb"),
        "ML_COST_DUCKDB_TEMP_DIR": str(base / "tmp"),
        "ML_COST_DUCKDB_MEMORY_LIMIT": os.environ.get("ML_COST_DUCKDB_MEMORY_LIMIT", "3GB"),
        # one model at a time: DuckDB already uses every core per query, and two concurrent
        # models would share (and exhaust) one memory limit
        "ML_COST_THREADS": os.environ.get("ML_COST_THREADS", "1"),
        "ML_COST_DUCKDB_STORAGE_VERSION": storage_version(),
        "DBT_PROFILES_DIR": str(profiles),
        "DBT_TARGET_PATH": str(base / "target"),
        "DBT_LOG_PATH": str(base / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def model_timings(target: Path, log: Path) -> list[dict[str, Any]]:
    """dbt's per-model seconds of the last run (run_results.json), slowest first, with each
    model's language and compiled file (manifest.json), and the seconds of it that were commits
    (DuckDB's checkpoints land there: bench/commit_time.py, from dbt.log)."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    commits = commit_seconds(log) if log.exists() else {}
    timings = []
    for r in results:
        node = nodes.get(r["unique_id"], {})
        name = r["unique_id"].rsplit(".", 1)[-1]
        timings.append(
            {
                "model": name,
                "seconds": r["execution_time"],
                "commit_seconds": commits.get(name, 0.0),
                "language": node.get("language", "sql"),
                "compiled": str(target / "compiled" / node.get("package_name", "ml_cost") / node.get("original_file_path", "")),
            }
        )
    return sorted(timings, key=lambda t: -t["seconds"])


def parsed_whole_project(log: Path, offset: int) -> bool:
    """Whether the dbt command logged past byte ``offset`` of dbt's debug log parsed the whole
    project rather than reusing the saved parse of its target folder: dbt logs "Unable to do
    partial parsing" then (with the reason: no saved parse, other vars, a changed profile)."""
    if not log.exists():
        return False
    with log.open("rb") as f:
        f.seek(offset)
        return b"Unable to do partial parsing" in f.read()


def log_size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0


def operators(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operator of a DuckDB JSON profile tree."""
    out = []
    if "operator_type" in node:
        out.append(
            {
                "operator": node.get("operator_name") or node["operator_type"],
                "seconds": node.get("operator_timing", 0.0),
                "rows": node.get("operator_cardinality", 0),
            }
        )
    for child in node.get("children", []):
        out += operators(child)
    return out


def profile_slowest(base: Path, env: dict[str, str], timings: list[dict[str, Any]], top: int) -> list[dict[str, Any]]:
    """DuckDB's profile of the ``top`` slowest SQL models of the full build: each compiled select
    re-run against the built warehouse into a table of a scratch database file, as dbt writes it
    (bench/profile_query.py)."""
    profiles = []
    folder = base / "profile"
    folder.mkdir(exist_ok=True)
    for t in [t for t in timings if t["language"] == "sql"][:top]:
        out = folder / f"{t['model']}.json"
        m = measure([sys.executable, str(HERE / "profile_query.py"), str(base / "warehouse.duckdb"), t["compiled"], str(out)], env)
        tree = json.loads(out.read_text())
        ops = sorted(operators(tree), key=lambda o: -o["seconds"])
        profiles.append(
            {
                "model": t["model"],
                "build_seconds": t["seconds"],
                "profiled_seconds": m["seconds"],
                "cpu_seconds": tree.get("cpu_time", 0.0),
                "peak_spill_mb": tree.get("system_peak_temp_dir_size", 0) / 2**20,
                "top_operators": ops[:4],
            }
        )
    return profiles


def run_size(workload: str, rows: int, shape: tuple[int, int], keep: bool, top: int) -> dict[str, Any]:
    other_series, per_copy = shape
    scale = max(1, math.ceil(rows / per_copy))
    base = WORK / f"{workload}-{rows}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    landing, landing_next = base / "landing", base / "landing_next"
    print(f"bench: {workload} {rows:,} rows: generating {scale} copies ...", flush=True)
    gen_seconds = generate(landing, scale, DAYS, other_series)
    generate(landing_next, scale, DAYS + 1, other_series)  # the same organisation, one more day delivered
    env = dbt_env(base, landing)
    files = latest_files(landing)
    focus_rows = count_rows(files)
    in_scope_rows = count_rows(files, f"x_ServiceCode in {IN_SCOPE_SERVICES}")
    floor_db = base / "floor.duckdb"
    floors = {}
    for name, sql in (("aggregate", AGGREGATE_FLOOR_SQL), ("materialise", MATERIALISE_FLOOR_SQL)):
        floor_db.unlink(missing_ok=True)
        statement = sql.format(files=repr(files))
        # the format dbt_env gave the builds
        connect = f"duckdb.connect({str(floor_db)!r}, config={{'storage_compatibility_version': {env['ML_COST_DUCKDB_STORAGE_VERSION']!r}}})"
        floors[name] = measure([sys.executable, "-c", f"import duckdb; {connect}.execute({statement!r})"], env)
        print(f"bench: {name} floor {floors[name]['seconds']:.1f} s", flush=True)
    dbt = str(BIN / "dbt")
    log = base / "logs" / "dbt.log"
    seeds = measure([dbt, "seed", "--quiet"], env)
    # what a run without a saved parse (a fresh CI checkout) spends before its first model
    cold_parse = measure([dbt, "parse", "--quiet", "--no-partial-parse"], {**env, "DBT_TARGET_PATH": str(base / "target_parse")})
    print("bench: full build ...", flush=True)
    mark = log_size(log)
    full = measure([dbt, "run", "--full-refresh", "--quiet"], env)
    full_parsed = parsed_whole_project(log, mark)
    full_models = model_timings(base / "target", log)
    print(f"bench: full build {full['seconds']:.1f} s; profiling the {top} slowest models ...", flush=True)
    profiles = profile_slowest(base, env, full_models, top)
    # in a target folder of their own: their --vars would make the one-more-day run below parse
    # the whole project again, which the full build above did not (dbt keeps one saved parse per
    # target folder, valid for the vars it was made with): docs/performance.md "One parse for both runs"
    tests = measure(
        [dbt, "test", "--quiet", "--exclude", "test_type:unit", "--vars", '{"tag_coverage_error_min": 0}'],
        {**env, "DBT_TARGET_PATH": str(base / "target_tests")},
    )
    print("bench: one more day ...", flush=True)
    mark = log_size(log)
    incremental = measure([dbt, "run", "--quiet"], {**env, "ML_COST_LANDING": str(landing_next)})
    incremental_parsed = parsed_whole_project(log, mark)
    incremental_models = model_timings(base / "target", log)
    if not keep:  # the next size needs the disk (the 50M warehouse and DuckDB's spill take tens of GB)
        for path in (landing, landing_next, base / "tmp"):
            shutil.rmtree(path, ignore_errors=True)
        (base / "warehouse.duckdb").unlink(missing_ok=True)
        floor_db.unlink(missing_ok=True)
    return {
        "workload": workload,
        "rows": focus_rows,
        "in_scope_rows": in_scope_rows,
        "scale": scale,
        "other_series_per_copy": other_series,
        "generate_seconds": gen_seconds,
        "aggregate_floor": floors["aggregate"],
        "materialise_floor": floors["materialise"],
        "seeds": seeds,
        "full": full,
        "tests": tests,
        "incremental": incremental,
        "cold_parse": cold_parse,
        "full_parsed_whole_project": full_parsed,
        "incremental_parsed_whole_project": incremental_parsed,
        "full_models_seconds": sum(t["seconds"] for t in full_models),
        "incremental_models_seconds": sum(t["seconds"] for t in incremental_models),
        "full_commit_seconds": sum(t["commit_seconds"] for t in full_models),
        "incremental_commit_seconds": sum(t["commit_seconds"] for t in incremental_models),
        "full_models": [{k: v for k, v in t.items() if k != "compiled"} for t in full_models[:12]],
        "incremental_models": [{k: v for k, v in t.items() if k != "compiled"} for t in incremental_models[:8]],
        "profiles": profiles,
        "ratios": ratios(floors, full, incremental),
    }


def ratios(floors: dict[str, dict[str, float]], full: dict[str, float], incremental: dict[str, float]) -> dict[str, float]:
    return {
        "full_over_materialise": full["seconds"] / floors["materialise"]["seconds"],
        "full_over_aggregate": full["seconds"] / floors["aggregate"]["seconds"],
        "incremental_over_full": incremental["seconds"] / full["seconds"],
        "full_rss_gib": full["max_rss_mb"] / 1024,
    }


def parse_sentence(r: dict[str, Any]) -> str:
    """How each timed run began: from dbt's saved parse of the project, or parsing all of it."""

    def how(key: str) -> str:
        return "parsed the whole project" if r.get(key) else "reused dbt's saved parse of the project"

    cold = r.get("cold_parse", {}).get("seconds")
    tail = ""
    if cold:
        tail = f"; a command without a saved parse (a fresh CI checkout) parses it first: `dbt parse --no-partial-parse` took {cold:.1f} s"
    return f"The full build {how('full_parsed_whole_project')}, the one-more-day run {how('incremental_parsed_whole_project')}{tail}."


def report(results: list[dict[str, Any]]) -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` on {os.cpu_count()} cores, {mem:.0f} GiB memory, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}, DuckDB memory limit "
        f"{os.environ.get('ML_COST_DUCKDB_MEMORY_LIMIT', '3GB')}, DuckDB storage version {storage_version()} (the builds' and the floors' "
        f"files), dbt threads {os.environ.get('ML_COST_THREADS', '1')}. "
        "Each step runs in its own process; peak RSS is that process's. What the steps are and why: "
        "[docs/performance.md](../docs/performance.md).",
        "",
        "## Floors, builds and ratios",
        "",
        "| workload | FOCUS rows | in scope | aggregate floor (s) | materialise floor (s) | full build (s) | full / materialise | full / aggregate "
        "| peak RSS full (MB) | data tests (s) | one more day (s) | one more day / full |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        q = r["ratios"]
        lines.append(
            f"| {r['workload']} | {r['rows']:,} | {r['in_scope_rows'] / r['rows']:.1%} | {r['aggregate_floor']['seconds']:.1f} "
            f"| {r['materialise_floor']['seconds']:.1f} | {r['full']['seconds']:.1f} | {q['full_over_materialise']:.1f} "
            f"| {q['full_over_aggregate']:.0f} | {r['full']['max_rss_mb']:.0f} | {r['tests']['seconds']:.1f} "
            f"| {r['incremental']['seconds']:.1f} | {q['incremental_over_full']:.2f} |"
        )
    lines += ["", "## Targets (issue 20)", "", "| workload | at | target | measured | met |", "| --- | ---: | --- | ---: | --- |"]
    for workload, (size, checks) in TARGETS.items():
        runs = [r for r in results if r["workload"] == workload]
        at_size = [r for r in runs if r["rows"] >= size * 0.95]
        shown = at_size[-1:] or runs[-1:]
        for r in shown:
            for label, key, limit in checks:
                value = r["ratios"][key]
                verdict = ("yes" if value <= limit else "no") if r in at_size else "target size not run"
                lines.append(f"| {workload} | {r['rows']:,} | {label} <= {limit:g} | {value:.2f} | {verdict} |")
        if not shown:
            lines.append(f"| {workload} | {size:,} | (not run) |  |  |")
    lines += ["", "## Where the time goes", ""]
    for r in results:
        full_s = r["full"]["seconds"]
        lines += [
            f"### {r['workload']}, {r['rows']:,} rows",
            "",
            f"The models' own seconds add up to {r['full_models_seconds']:.0f} s of the full build's {full_s:.0f} s and "
            f"{r['incremental_models_seconds']:.0f} s of the one-more-day run's {r['incremental']['seconds']:.0f} s; the rest is dbt's own "
            "work (start, parsing the project, a fixed cost per model). Of the models' seconds, "
            f"{r.get('full_commit_seconds', 0.0):.0f} s (full build) and {r.get('incremental_commit_seconds', 0.0):.0f} s (one more day) "
            "were commits: DuckDB checkpoints its log into the file when a commit finds it past 16 MB, so that time lands on "
            f"whichever model commits then (column commit). {parse_sentence(r)} Slowest models of the full build (dbt's per-model "
            "seconds; share of the build's wall time):",
            "",
            "| model | seconds | commit | share |",
            "| --- | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {t['model']} | {t['seconds']:.1f} | {t.get('commit_seconds', 0.0):.1f} | {t['seconds'] / full_s:.0%} |" for t in r["full_models"][:8]
        ]
        lines += ["", "Slowest models of the one-more-day run:", "", "| model | seconds | commit |", "| --- | ---: | ---: |"]
        lines += [f"| {t['model']} | {t['seconds']:.1f} | {t.get('commit_seconds', 0.0):.1f} |" for t in r["incremental_models"][:5]]
        lines += [
            "",
            f"DuckDB's profile of the {len(r['profiles'])} slowest SQL models "
            "(the compiled select re-run into a table of a scratch database file, as the build writes it, "
            "of a model built in batches its first batch only; operators by their own time, as EXPLAIN ANALYZE shows them):",
            "",
            "| model | build (s) | profiled (s) | CPU (s) | peak spill (MB) | top operators (s, rows) |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for p in r["profiles"]:
            ops = "; ".join(f"{o['operator']} {o['seconds']:.1f} s, {o['rows']:,}" for o in p["top_operators"])
            lines.append(
                f"| {p['model']} | {p['build_seconds']:.1f} | {p['profiled_seconds']:.1f} | {p['cpu_seconds']:.1f} "
                f"| {p['peak_spill_mb']:.0f} | {ops} |"
            )
        lines.append("")
    lines += [
        "Generation of the landing folders is not timed above ("
        + ", ".join(f"{r['workload']} {r['rows']:,} rows: {r['generate_seconds']:.0f} s" for r in results)
        + ").",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    full = os.environ.get("BENCH_FULL") == "1"
    parser.add_argument("--sizes", default="1000000,10000000" + (",50000000" if full else ""), help="SageMaker-heavy workload sizes")
    parser.add_argument("--all-services-sizes", default="100000000" if full else "10000000", help="all-services workload sizes ('' for none)")
    parser.add_argument("--profile-top", type=int, default=5, help="profile this many of the slowest SQL models")
    parser.add_argument("--keep", action="store_true", help="keep the landing folders and warehouses")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args(argv)
    shapes = workload_shapes()
    print(f"bench: rows per copy {json.dumps(shapes)}", flush=True)
    results = []
    for workload, sizes in (("sagemaker", args.sizes), ("all-services", args.all_services_sizes)):
        for size in (int(s) for s in sizes.split(",") if s):
            results.append(run_size(workload, size, shapes[workload], args.keep, args.profile_top))
            brief = {k: v for k, v in results[-1].items() if k not in ("full_models", "incremental_models", "profiles")}
            print(json.dumps(brief, default=str), flush=True)
            args.out.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str))
            args.out.write_text(report(results))  # after each size: a long run that stops keeps what it measured
    print(args.out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
