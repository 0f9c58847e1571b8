"""Incremental runs (docs/performance.md "Incremental runs"): one more day, a restated billing period and a
forced reprocess each touch only their own days, keep every dollar, and end where a full
refresh of the same landing ends."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import FACT_AND_UPSTREAM, PROJECT, DbtResult, manifest_files, run_dbt, write_demo

sys.path.insert(0, str(PROJECT / "bench"))
from commit_time import commit_seconds

DATA = "focus/ml-focus-export/data"
SAGEMAKER = "x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans')"
# Columns that say what a dollar was spent on and how it was attributed; costs rounded to
# 1e-9 USD (sums of the same floats in another order may differ in the last bit).
FACT = """
    select charge_id, allocation_id, charge_date, team, model, experiment, environment, allocation_method,
        tag_source, team_source, model_source, experiment_source, environment_source, unattributed_reason,
        round(effective_cost, 9), round(billed_cost, 9), round(list_cost, 9)
    from main.fct_ml_costs
"""
# The related costs split over models (S3, ECR, CloudWatch), costs rounded as in FACT.
RELATED = """
    select related_allocation_id, charge_id, charge_date, related_service, related_resource_name, model, allocation_method,
        round(allocation_share, 9), is_linked, unlinked_reason, round(effective_cost, 9), round(billed_cost, 9), round(list_cost, 9)
    from main_intermediate.int_related_costs_linked
"""
# What FACT_AND_UPSTREAM builds, and the related costs (incremental by day, ECR rows by period).
WITH_RELATED = [*FACT_AND_UPSTREAM[:-2], "+int_related_costs_linked", *FACT_AND_UPSTREAM[-2:]]


def _raw_totals(landing: Path) -> dict[str, float]:
    files = [str(f) for f in manifest_files(landing)]
    rows = (
        duckdb.connect()
        .execute(f"select strftime(BillingPeriodStart, '%Y-%m'), sum(EffectiveCost) from read_parquet({files}) where {SAGEMAKER} group by 1")
        .fetchall()
    )
    return dict(rows)


def _fact_totals(build: DbtResult) -> dict[str, float]:
    return dict(build.query("select billing_period, sum(effective_cost) from main.fct_ml_costs group by 1"))


def _invocations_by_period(build: DbtResult) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for period, invocation in build.query("select distinct billing_period, built_by_invocation_id from main_intermediate.int_ml_charges_attributed"):
        out.setdefault(period, set()).add(invocation)
    return out


def _last_invocation(build: DbtResult) -> str:
    return build.query("select max_by(built_by_invocation_id, charge_date) from main_intermediate.int_charges_scoped")[0][0]


def _folders_opened(workdir: Path, model: str) -> set[str]:
    """The delivery folders whose Parquet files the last run of `model` read."""
    compiled = next((workdir / "target" / "compiled").rglob(f"{model}.sql")).read_text()
    scans = re.findall(r"read_parquet\((\[[^\]]*\])", compiled)
    return {re.sub(r".*/data/", "", f.rsplit("/", 1)[0]) for scan in scans for f in re.findall(r"'([^']+)'", scan)}


def _related_counted_once(build: DbtResult) -> None:
    """Every related charge is in int_related_costs_linked once: its split rows sum back to it."""
    wrong = build.query(
        """
        select count(*)
        from main_intermediate.int_related_charges_isolated as charges
        full outer join (
            select charge_id, sum(effective_cost) as effective_cost
            from main_intermediate.int_related_costs_linked
            group by charge_id
        ) as splits on charges.charge_id = splits.charge_id
        where charges.charge_id is null or splits.charge_id is null or abs(charges.effective_cost - splits.effective_cost) > 1e-6
        """
    )[0][0]
    assert wrong == 0


def _copy_build(build: DbtResult, workdir: Path) -> None:
    workdir.mkdir(parents=True)
    shutil.copy(build.warehouse, workdir / "warehouse.duckdb")


def _assert_conserved(landing: Path, build: DbtResult) -> None:
    expected, actual = _raw_totals(landing), _fact_totals(build)
    assert actual.keys() == expected.keys()
    for period, cost in expected.items():
        assert actual[period] == pytest.approx(cost, abs=0.01), period


def test_one_more_day_adds_only_that_day_and_matches_a_full_refresh(demo_build: DbtResult, demo_landing: Path, tmp_path: Path) -> None:
    landing_next = write_demo(tmp_path / "landing113", "--days", "113")  # the same organisation, one more day
    _copy_build(demo_build, tmp_path / "incremental")
    before = _invocations_by_period(demo_build)

    incremental = run_dbt(["build", *WITH_RELATED], landing_next, tmp_path / "incremental")
    assert incremental.returncode == 0, incremental.output[-5000:]  # includes the conservation tests

    new_days = incremental.query(
        "select distinct charge_date from main_intermediate.int_ml_charges_attributed where built_by_invocation_id = ?",
        [_last_invocation(incremental)],
    )
    assert [str(d[0]) for d in new_days] == ["2026-11-21"]  # only the new day was built
    after = _invocations_by_period(incremental)
    assert all(after[p] == before[p] for p in ("2026-08", "2026-09", "2026-10"))
    _assert_conserved(landing_next, incremental)
    # only the open month's final delivery was opened: the early one is superseded by its manifest
    open_month = sorted(p.relative_to(landing_next / DATA).as_posix() for p in (landing_next / DATA / "BILLING_PERIOD=2026-11").iterdir())
    assert _folders_opened(tmp_path / "incremental", "base_focus__delivery_days") == {open_month[-1]}
    assert _folders_opened(tmp_path / "incremental", "int_charges_scoped") == {open_month[-1]}
    # the related costs: the new day, and the open month's ECR rows (their split reads the month's
    # models), read from the month's first day on (the constant bound of related_costs_to_process)
    related_sql = next((tmp_path / "incremental" / "target" / "compiled").rglob("int_related_costs_linked.sql")).read_text()
    assert "charge_date >= cast('2026-11-01' as date)" in related_sql

    full = run_dbt(["build", "--full-refresh", *WITH_RELATED], landing_next, tmp_path / "full")
    assert full.returncode == 0, full.output[-5000:]
    incremental_rows, full_rows = set(incremental.query(FACT)), set(full.query(FACT))
    assert len(incremental_rows) == len(full_rows) > 30_000
    assert incremental_rows == full_rows
    incremental_related, full_related = Counter(incremental.query(RELATED)), Counter(full.query(RELATED))
    assert sum(full_related.values()) > 5_000 and {row[3] for row in full_related} == {"s3", "ecr", "cloudwatch"}
    assert incremental_related == full_related

    # The new day withdrawn: the open month's version is the first build's again, while the S3 and
    # CloudWatch rows of its other days still hold it from that build. Its ECR rows, rebuilt in
    # between, must be rebuilt again (a test on any row's period version would find it current).
    back = run_dbt(["build", *WITH_RELATED], demo_landing, tmp_path / "incremental")
    assert back.returncode == 0, back.output[-5000:]
    _assert_conserved(demo_landing, back)
    assert Counter(back.query(RELATED)) == Counter(demo_build.query(RELATED))


def test_restated_period_replaces_its_rows_and_leaves_older_periods(demo_landing: Path, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(demo_landing, landing)  # copy2 keeps modification times: the delivery order
    open_month = sorted((landing / DATA / "BILLING_PERIOD=2026-11").iterdir())
    assert len(open_month) == 2, "the demo delivers the open month twice"
    final = open_month[-1]
    held_back = tmp_path / "held_back"
    shutil.move(final, held_back)  # first only the early, partial open-month delivery has arrived

    work = tmp_path / "work"
    early = run_dbt(["build", *WITH_RELATED], landing, work)
    assert early.returncode == 0, early.output[-5000:]
    _assert_conserved(landing, early)
    early_related = Counter(early.query(RELATED))
    before = _invocations_by_period(early)
    early_open_month = _fact_totals(early)["2026-11"]

    shutil.move(held_back, final)  # the restated delivery arrives (prices differ on every day)
    restated = run_dbt(["build", *WITH_RELATED], landing, work)
    assert restated.returncode == 0, restated.output[-5000:]
    _assert_conserved(landing, restated)
    after = _invocations_by_period(restated)
    assert all(after[p] == before[p] for p in ("2026-08", "2026-09", "2026-10"))
    assert after["2026-11"] == {_last_invocation(restated)}  # every open-month row was rebuilt
    assert abs(_fact_totals(restated)["2026-11"] - early_open_month) > 1.0

    # Force a reprocess from a date (after fixing tags, say): those days are rebuilt, totals stay.
    forced = run_dbt(["run", "--vars", '{"reprocess_from": "2026-09-15"}', *WITH_RELATED], landing, work)
    assert forced.returncode == 0, forced.output[-5000:]
    rebuilt = forced.query(
        "select min(charge_date), count(distinct built_by_invocation_id) from main_intermediate.int_ml_charges_attributed"
        " where built_by_invocation_id = ?",
        [_last_invocation(forced)],
    )[0]
    assert str(rebuilt[0]) == "2026-09-15"
    _assert_conserved(landing, forced)
    _related_counted_once(forced)  # a run: no data tests

    # The final delivery is withdrawn: its rows go, the early one is the latest again.
    shutil.rmtree(final)
    withdrawn = run_dbt(["build", *WITH_RELATED], landing, work)
    assert withdrawn.returncode == 0, withdrawn.output[-5000:]
    _assert_conserved(landing, withdrawn)
    keys = {k for (k,) in withdrawn.query("select distinct delivery_key from main_staging.base_focus__delivery_days")}
    assert not any(k.endswith(final.name) for k in keys) and any(k.endswith(open_month[0].name) for k in keys)
    assert _fact_totals(withdrawn)["2026-11"] == pytest.approx(early_open_month, abs=0.01)
    # the open month went back to the early delivery's versions: its related rows are the early ones
    assert Counter(withdrawn.query(RELATED)) == early_related


# The attribution rows with what says how each was attributed, costs rounded as in FACT.
ATTRIBUTED = """
    select allocation_id, charge_id, charge_date, allocation_target, allocation_method, match_method, context_id,
        team, team_source, model, model_source, experiment, experiment_source, environment, environment_source,
        unattributed_reason, round(effective_cost, 9), round(billed_cost, 9), round(list_cost, 9)
    from main_intermediate.int_ml_charges_attributed
"""


def _attributed_totals(build: DbtResult) -> dict[str, float]:
    return dict(build.query("select billing_period, sum(effective_cost) from main_intermediate.int_ml_charges_attributed group by 1"))


def test_attribution_in_batches_of_charge_days_gives_the_rows_of_one_statement(demo_build: DbtResult, demo_landing: Path, tmp_path: Path) -> None:
    """int_ml_charges_attributed in batches (docs/performance.md): the demo fits one batch, so
    force about four with var attribution_batch_split_rows, on a full refresh and on a reprocess
    that starts inside a batch; both give the rows of the one-statement build and the plain sums
    of the manifests' files."""
    one_statement = Counter(demo_build.query(ATTRIBUTED))
    compiled = next((Path(demo_build.warehouse).parent / "target" / "compiled").rglob("int_ml_charges_attributed.sql")).read_text()
    assert compiled.startswith("-- attribution batches after the first start on: none (one batch)")
    split_rows = demo_build.query("select count(*) from main_intermediate.int_ml_charge_splits_costed")[0][0]
    batch_vars = f'{{"attribution_batch_split_rows": {split_rows // 4 + 1}}}'
    _copy_build(demo_build, tmp_path / "work")

    full = run_dbt(["run", "--full-refresh", "--select", "int_ml_charges_attributed", "--vars", batch_vars], demo_landing, tmp_path / "work")
    assert full.returncode == 0, full.output[-5000:]
    batches = re.findall(r"int_ml_charges_attributed: batch (\d+) of (\d+), charge days from (\S+)", full.output)
    assert len(batches) >= 3 and batches[-1][0] == batches[-1][1], full.output[-3000:]
    assert Counter(full.query(ATTRIBUTED)) == one_statement
    expected = _raw_totals(demo_landing)
    assert _attributed_totals(full) == pytest.approx(expected, abs=0.01)

    # a reprocess from a day inside the second batch: the days before it stay, the rest is rebuilt in batches
    second_batch_day = "select min(charge_date) + 3 from main_intermediate.int_ml_charges_attributed where charge_date >= ?"
    reprocess_from = str(full.query(second_batch_day, [batches[0][2]])[0][0])
    reprocess_vars = batch_vars[:-1] + f', "reprocess_from": "{reprocess_from}"}}'
    forced = run_dbt(["run", "--select", "int_ml_charges_attributed", "--vars", reprocess_vars], demo_landing, tmp_path / "work")
    assert forced.returncode == 0, forced.output[-5000:]
    assert re.search(r"int_ml_charges_attributed: batch 2 of", forced.output), forced.output[-3000:]
    rebuilt = forced.query(
        "select min(charge_date) from main_intermediate.int_ml_charges_attributed where built_by_invocation_id = ?",
        [forced.query("select max_by(built_by_invocation_id, charge_date) from main_intermediate.int_ml_charges_attributed")[0][0]],
    )[0][0]
    assert str(rebuilt) == reprocess_from
    assert Counter(forced.query(ATTRIBUTED)) == one_statement
    assert _attributed_totals(forced) == pytest.approx(expected, abs=0.01)


INVOCATIONS = "cloudwatch/invocations"
AGGREGATED = """
    select account_id, region, endpoint_name, variant_name, inference_component_name, target_model, period_start, round(invocations, 6)
    from main_intermediate.int_endpoint_invocations_aggregated
"""


def _invocations_read_directly(landing: Path) -> Counter:
    """The model's rows read straight from the landed files, not through the pipeline: per series
    and hour the row of the latest extraction, summed over namespaces."""
    rows = (
        duckdb.connect()
        .execute(
            f"""
            with latest as (
                select * from read_parquet('{landing / INVOCATIONS}/**/*.parquet', union_by_name = true)
                qualify row_number() over (
                    partition by account_id, region, namespace, metric_name, endpoint_name, variant_name,
                        inference_component_name, target_model, period_start
                    order by extracted_at desc
                ) = 1
            )
            select account_id, region, endpoint_name, variant_name, inference_component_name, target_model, period_start,
                round(sum(invocations), 6)
            from latest
            where metric_name in ('Invocations', 'InvocationsPerModel')
            group by all
            """
        )
        .fetchall()
    )
    return Counter(rows)


def _compiled_invocations(workdir: Path) -> str:
    return next((workdir / "target" / "compiled").rglob("int_endpoint_invocations_aggregated.sql")).read_text()


def _days_built(workdir: Path) -> list[str]:
    """The days of period_start the last run of the model built, from the constants of its compiled filter."""
    compiled = _compiled_invocations(workdir)
    days: list[str] = []
    for lower, upper in re.findall(r"period_start >= cast\('([0-9-]+)' as timestamp\) and period_start < cast\('([0-9-]+)' as timestamp\)", compiled):
        days += [str(d[0]) for d in duckdb.sql(f"select * from range(date '{lower}', date '{upper}', interval 1 day)").fetchall()]
    return sorted(d[:10] for d in days)


def _days_deleted(workdir: Path) -> list[str]:
    """The days the last run's pre-hook deleted, as the compiled SQL names them for it."""
    found = re.search(r"/\* landing days to delete: ([0-9a-z -]+) \*/", _compiled_invocations(workdir))
    assert found, "the compiled SQL names no days to delete"
    return [] if found.group(1) == "none" else found.group(1).split()


def _rewrite(source: Path, target: Path, days: list[str], invocations_delta: float, extracted_at: str) -> None:
    """Write to `target` the rows of `source` whose period_start falls on `days`, with the
    invocations changed and another extraction time (pyarrow, as the extractor writes)."""
    con = duckdb.connect()
    table = con.execute(
        f"""
        select * replace (invocations + {invocations_delta} as invocations, timestamp '{extracted_at}' as extracted_at)
        from read_parquet('{source}')
        where strftime(period_start, '%Y-%m-%d') in ({", ".join(f"'{d}'" for d in days)})
        """
    ).to_arrow_table()
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table.cast(pq.read_schema(source)), target)


def test_invocations_rebuild_only_the_days_whose_landed_rows_changed(demo_landing: Path, tmp_path: Path) -> None:
    """int_endpoint_invocations_aggregated on DuckDB is incremental by day of period_start
    (macros/incremental/landing_days.sql). Against rows read straight from the files, through
    shapes the demo does not make: a file touched (nothing rebuilt), a later snapshot re-extracting
    two days, an older snapshot copied in late (its rows lose to the newer ones), a file rewritten
    in place keeping its modification time, files removed (a day no longer landed is deleted);
    then a full refresh gives the same rows and versions."""
    landing = tmp_path / "landing"
    shutil.copytree(demo_landing / INVOCATIONS, landing / INVOCATIONS)
    select = ["run", "--select", "stg_cloudwatch__invocations", "int_endpoint_invocations_aggregated"]
    work = tmp_path / "work"

    def run(workdir: Path = work, *extra: str) -> Counter:
        result = run_dbt([*select, *extra], landing, workdir)
        assert result.returncode == 0, result.output[-5000:]
        rows = Counter(result.query(AGGREGATED))
        assert rows == _invocations_read_directly(landing)
        return rows

    first_build = run()
    assert re.search(r"where true\s", _compiled_invocations(work))  # the first build reads every day
    files = sorted((landing / INVOCATIONS).rglob("*.parquet"))
    day_query = "select distinct cast(period_start as date) from read_parquet('{}')"
    days_of = {f: sorted({str(d[0]) for d in duckdb.sql(day_query.format(f)).fetchall()}) for f in files}
    first, last = files[0], files[-1]

    # a file touched: its rows are the same, so nothing is rebuilt
    os.utime(last)
    assert run() == first_build
    assert _days_built(work) == [] and _days_deleted(work) == []

    # a later snapshot re-extracts the last two days with other values; an older snapshot of an
    # early day is copied in late: it is read, but its rows lose to the newer extraction
    late_days, early_day = days_of[last][-2:], days_of[first][0]
    rerun = landing / INVOCATIONS / "snapshot_date=2099-01-01" / "rerun.parquet"
    _rewrite(last, rerun, late_days, 1000.0, "2099-01-01 06:00:00")
    _rewrite(first, landing / INVOCATIONS / "snapshot_date=2000-01-01" / "copied-late.parquet", [early_day], -1.0, "2000-01-01 06:00:00")
    second_build = run()
    assert _days_built(work) == _days_deleted(work) == sorted([*late_days, early_day])
    changed = {row[6].date().isoformat() for row in (second_build - first_build)}
    assert changed == set(late_days)  # the late copy changed nothing

    # a file rewritten in place with other values and its old modification time; the rerun and
    # the last snapshot removed, so the last snapshot's days are no longer landed at all
    stat = first.stat()
    rewritten = tmp_path / "rewritten.parquet"
    _rewrite(first, rewritten, days_of[first], 7.0, "2026-08-03 06:00:00")
    shutil.move(rewritten, first)
    os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    rerun.unlink()
    last.unlink()
    vanished = set(days_of[last]) - {day for f in files[:-1] for day in days_of[f]}
    third_build = run()
    assert _days_built(work) == days_of[first]
    assert _days_deleted(work) == sorted({*days_of[first], *vanished}) and vanished >= set(late_days)
    assert {row[6].date().isoformat() for row in (third_build - first_build)} == set(days_of[first])
    assert {row[6].date().isoformat() for row in (first_build - third_build)} == {*days_of[first], *vanished}

    # a full refresh of the same landing: the same rows, with the same day versions
    run(tmp_path / "full", "--full-refresh")
    every_column = "select * from main_intermediate.int_endpoint_invocations_aggregated"
    incremental = DbtResult(0, "", work / "warehouse.duckdb").query(every_column)
    full = DbtResult(0, "", tmp_path / "full" / "warehouse.duckdb").query(every_column)
    assert Counter(incremental) == Counter(full)
    _assert_commit_seconds_read(work)


def _assert_commit_seconds_read(workdir: Path) -> None:
    """The benchmark's reading of dbt's log (bench/commit_time.py), on the log of this test's
    runs: per model of the last invocation, the seconds of its commits, where DuckDB's
    checkpoints land. Every model commits, and that time is part of dbt's seconds for it."""
    log = workdir / "logs" / "dbt.log"
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    executed = {r["unique_id"].rsplit(".", 1)[-1]: r["execution_time"] for r in results}
    seconds = commit_seconds(log)
    assert set(seconds) == set(executed) == {"stg_cloudwatch__invocations", "int_endpoint_invocations_aggregated"}
    assert all(0 <= seconds[m] <= executed[m] for m in executed)
    last = log.read_text(encoding="utf-8", errors="replace").rsplit("Running with dbt=", 1)[1]
    statuses = [float(s) for s in re.findall(r"SQL status: \S+ in ([0-9.]+) seconds", last)]
    assert sum(seconds.values()) <= sum(statuses)
