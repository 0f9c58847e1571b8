"""Savings Plans and rightsizing (issue 19, docs/optimisation.md) on the demo: the planted cases
are found with the savings their figures imply, and every Savings Plans figure is checked against
a plain reading of the export's files or a brute-force search, not the pipeline's own staging."""

from __future__ import annotations

import csv
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import PROJECT, DbtResult, manifest_files, run_dbt
from ml_cost_demo.account import PRICES, SP_COMMITMENT, SP_FULL_FROM, SP_RATE, START
from ml_cost_demo.rightsizing import LEVELS, PEAK_FACTOR, STAGING_NIGHTLY_INVOCATIONS

VARS = yaml.safe_load((PROJECT / "dbt_project.yml").read_text())["vars"]


def _seed(name: str) -> list[dict[str, str]]:
    with (PROJECT / "seeds" / f"{name}.csv").open() as f:
        return list(csv.DictReader(f))


def _raw_plan_rows(landing: Path) -> dict[tuple[str, str], tuple[float, float, float]]:
    """Per billing period and role (Purchase, Used, Unused): billed, effective and list cost of the
    Savings Plan rows, read straight from the files the manifests list."""
    files = [str(f) for f in manifest_files(landing)]
    rows = duckdb.sql(
        "select strftime(BillingPeriodStart, '%Y-%m'), "
        "case when ChargeCategory = 'Purchase' then 'Purchase' else CommitmentDiscountStatus end, "
        "sum(BilledCost), sum(EffectiveCost), sum(ListCost) from read_parquet($files, union_by_name=true) "
        "where CommitmentDiscountId is not null group by 1, 2",
        params={"files": files},
    ).fetchall()
    return {(p, role): (b, e, li) for p, role, b, e, li in rows}


def test_savings_plan_used_plus_unused_is_the_commitment_of_the_files(demo_build: DbtResult, demo_landing: Path) -> None:
    raw = _raw_plan_rows(demo_landing)
    plans = {
        r[0]: r[1:]
        for r in demo_build.query(
            "select billing_period, commitment, purchase_billed_cost, used_commitment, unused_commitment, utilization_pct, "
            "covered_on_demand_cost, plan_status from main.rpt_savings_plans"
        )
    }
    assert set(plans) == {p for p, _ in raw}
    for period, (commitment, billed, used, unused, utilization, covered, _) in plans.items():
        # the No Upfront fee as billed (Purchase rows) is what covered usage used plus what was left
        assert used + unused == pytest.approx(commitment, abs=1e-6)
        assert commitment == pytest.approx(raw[(period, "Purchase")][0], abs=0.005) == pytest.approx(billed, abs=0.005)
        assert used == pytest.approx(raw[(period, "Used")][1], abs=0.005)
        assert unused == pytest.approx(raw.get((period, "Unused"), (0, 0, 0))[1], abs=0.005)
        assert covered == pytest.approx(raw[(period, "Used")][2], abs=0.005)
        assert utilization == pytest.approx(100 * used / commitment)
    # the demo's plan: 0.32 an hour; two ml.m5.xlarge use 0.2944 of it until October (under-used),
    # three from 2026-10-01 would use 0.4416 (the plan is used in full and too small)
    august = plans["2026-08"]
    assert august[0] == pytest.approx(SP_COMMITMENT * 31 * 24) and august[-1] == "under_used"
    assert august[3] == pytest.approx((SP_COMMITMENT - 2 * PRICES["ml.m5.xlarge"] * SP_RATE) * 31 * 24)
    october = plans["2026-10"]
    assert october[3] == 0 and october[4] == pytest.approx(100) and october[-1] == "too_small"
    assert october[5] == pytest.approx(SP_COMMITMENT / SP_RATE * 31 * 24)  # covered at on-demand prices


def test_coverage_plus_on_demand_is_the_eligible_usage(demo_build: DbtResult, demo_landing: Path) -> None:
    raw = _raw_plan_rows(demo_landing)
    eligible = tuple(r["cost_category"] for r in _seed("savings_plans_eligibility") if r["is_eligible"] == "true")
    on_demand = dict(
        demo_build.query(
            f"select billing_period, sum(effective_cost) from main.fct_ml_costs where pricing_category = 'on_demand' "
            f"and charge_category = 'Usage' and cost_category in {eligible} group by 1"
        )
    )
    coverage = demo_build.query(
        "select billing_period, sum(eligible_on_demand_cost), sum(covered_on_demand_cost), sum(on_demand_cost), "
        "sum(savings_plan_cost) from main.rpt_savings_plans_coverage group by 1"
    )
    assert {r[0] for r in coverage} == set(on_demand)
    for period, total, covered, paid_on_demand, plan_cost in coverage:
        assert covered + paid_on_demand == pytest.approx(total, abs=1e-6)
        assert covered == pytest.approx(raw[(period, "Used")][2], abs=0.005)  # list cost of the covered rows
        assert plan_cost == pytest.approx(raw[(period, "Used")][1], abs=0.005)
        assert paid_on_demand == pytest.approx(on_demand[period], abs=0.005)
    # the plan benefits fraud only, on ml.m5
    benefits = demo_build.query("select distinct team, instance_family from main.rpt_savings_plans_coverage where savings_plan_cost > 0")
    assert benefits == [("fraud", "ml.m5")]


def _net_savings(spend: list[tuple[float, float]], window_hours: float, commitment: float, rate: float) -> float:
    return sum(hours * min(hourly, commitment / rate) for hours, hourly in spend) - commitment * window_hours


def test_recommendation_is_the_commitment_a_brute_force_search_finds(demo_build: DbtResult) -> None:
    recs = demo_build.query(
        "select option_name, rate_share_of_on_demand, window_start, window_end, recommended_hourly_commitment, "
        "expected_net_savings, expected_utilization_pct, break_even_utilization_pct from main.rpt_savings_plans_recommendation"
    )
    assert {r[0] for r in recs} >= {"1 year No Upfront", "3 year All Upfront", "rate observed on the bill"}
    eligible = tuple(r["cost_category"] for r in _seed("savings_plans_eligibility") if r["is_eligible"] == "true")
    for name, rate, start, end, commitment, savings, utilization, break_even in recs:
        # eligible on-demand spend per charge period in the window, read from the fact table
        spend = [
            (float(h), float(c) / float(h))
            for h, c in demo_build.query(
                "select date_diff('hour', charge_period_start, charge_period_end), sum(effective_cost) from main.fct_ml_costs "
                f"where pricing_category = 'on_demand' and charge_category = 'Usage' and cost_category in {eligible} "
                "and charge_period_start >= ? group by charge_period_start, charge_period_end",
                [start],
            )
        ]
        window = (end - start).total_seconds() / 3600
        assert window == VARS["savings_plan_lookback_days"] * 24
        found = _net_savings(spend, window, commitment, rate)
        assert savings == pytest.approx(found, rel=1e-9), name
        hourly = sorted({c for _, c in spend})
        grid = [rate * h for h in hourly] + [rate * hourly[-1] * i / 400 for i in range(401)]
        assert max(_net_savings(spend, window, c, rate) for c in grid) <= found + 1e-6, name
        assert commitment > 0 and savings > 0 and break_even == pytest.approx(100 * rate)
        assert utilization >= break_even  # a commitment that saves is used beyond its break-even
    observed = next(r for r in recs if r[0] == "rate observed on the bill")
    assert observed[1] == pytest.approx(SP_RATE)


def _level(endpoint: str, variant: str) -> tuple[str, tuple[float, float, float, float]]:
    return next((instance, levels) for _, e, v, instance, _, levels in LEVELS if (e, v) == (endpoint, variant))


def test_rightsizing_finds_the_planted_cases_with_their_savings(demo_build: DbtResult) -> None:
    rows = {
        (r[0], r[1]): r[2:]
        for r in demo_build.query(
            "select endpoint_name, variant_name, recommendation, recommended_instance_type, recommended_instance_count, "
            "recommended_serverless_memory_mb, monthly_saving, instance_count from main.rpt_rightsizing"
        )
    }
    types = {r["instance_type"]: r for r in _seed("ml_instance_types")}
    month, target = VARS["hours_per_month"], VARS["rightsizing_target_utilization_pct"] / 100
    # over-sized: the cheapest instance of the family with room for the peak (1.1 x the level)
    instance, (cpu, memory, _, _) = _level("recsys-ab", "ranker-v1")
    current = types[instance]
    family = instance.rsplit(".", 1)[0]
    fits = [
        t
        for t in types.values()
        if t["instance_type"].rsplit(".", 1)[0] == family
        and t["on_demand_usd_per_hour"]
        and float(t["vcpu"]) * target >= PEAK_FACTOR * cpu * float(current["vcpu"])
        and float(t["memory_gib"]) * target >= PEAK_FACTOR * memory * float(current["memory_gib"])
    ]
    best = min(fits, key=lambda t: float(t["on_demand_usd_per_hour"]))
    assert best["instance_type"] == "ml.c5.xlarge"
    count = rows[("recsys-ab", "ranker-v1")][-1]
    saving = (float(current["on_demand_usd_per_hour"]) - float(best["on_demand_usd_per_hour"])) * count * month
    assert rows[("recsys-ab", "ranker-v1")][:5] == ("smaller_instance", "ml.c5.xlarge", count, None, pytest.approx(saving))
    # serverless: nightly test traffic on an ml.m5.large; memory peak 1.1 x 30% of 8 GiB
    instance, (_, memory, _, _) = _level("fraud-xgb-staging", "AllTraffic")
    needed_mb = PEAK_FACTOR * memory * float(types[instance]["memory_gib"]) * 1024 / target
    sizes = {float(r["memory_size_mb"]): float(r["usd_per_second"]) for r in _seed("sagemaker_serverless_prices")}
    size = min(s for s in sizes if s >= needed_mb)
    last_hour = START + timedelta(hours=demo_build_hours(demo_build) - 1)
    first = last_hour - timedelta(days=VARS["rightsizing_lookback_days"])
    nights = [
        h
        for h in (first + timedelta(hours=i) for i in range(1, VARS["rightsizing_lookback_days"] * 24 + 1))
        if h.hour == 2 and h.weekday() < 5 and h >= START + timedelta(hours=SP_FULL_FROM)
    ]
    invocations = STAGING_NIGHTLY_INVOCATIONS * len(nights)
    serverless = invocations * month / (VARS["rightsizing_lookback_days"] * 24) * VARS["serverless_seconds_per_invocation"] * sizes[size]
    saving = float(types[instance]["on_demand_usd_per_hour"]) * month - serverless
    assert rows[("fraud-xgb-staging", "AllTraffic")][:5] == ("serverless", None, 0, size, pytest.approx(saving))
    # idle: the forgotten staging endpoint has no traffic at all
    assert rows[("recsys-legacy-staging", "AllTraffic")][0] == "idle"
    # nothing else: every other variant with metrics is busy enough
    planted = {("recsys-ab", "ranker-v1"), ("fraud-xgb-staging", "AllTraffic"), ("recsys-legacy-staging", "AllTraffic")}
    others = {k: v[0] for k, v in rows.items() if k not in planted and any(k == (e, v) for _, e, v, *_ in LEVELS)}
    assert others and set(others.values()) == {"keep"}, others


def demo_build_hours(build: DbtResult) -> int:
    """Hours of utilisation data the demo wrote: up to its last landed hour."""
    (last,) = build.query("select max(period_start) from main_staging.stg_cloudwatch__instance_utilization")[0]
    return int((last - START).total_seconds() // 3600) + 1


def test_unused_commitment_charged_back_keeps_every_dollar(demo_build: DbtResult, demo_landing: Path, tmp_path: Path) -> None:
    """With savings_plan_unused_chargeback on, the unused commitment goes to the teams the plan
    covered in the same hour, in proportion to what they used, and every total stays."""
    work = tmp_path / "chargeback"
    work.mkdir()
    shutil.copy(demo_build.warehouse, work / "warehouse.duckdb")
    result = run_dbt(
        [
            "run",
            "--select",
            "int_ml_charges_attributed",
            "int_savings_plan_charges_classified",
            "int_savings_plan_charges_summarized",
            "rpt_savings_plans",
            "--full-refresh",
            "--vars",
            '{"savings_plan_unused_chargeback": true}',
        ],
        demo_landing,
        work,
    )
    assert result.returncode == 0, result.output[-3000:]
    charged = DbtResult(0, "", work / "warehouse.duckdb")
    files = [str(f) for f in manifest_files(demo_landing)]
    (raw,) = duckdb.sql(
        "select sum(EffectiveCost) from read_parquet($files, union_by_name=true) "
        "where x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans')",
        params={"files": files},
    ).fetchone() or (None,)
    total = "select sum(effective_cost), sum(billed_cost), sum(list_cost) from main.fct_ml_costs"
    before, after = demo_build.query(total)[0], charged.query(total)[0]
    assert after[0] == pytest.approx(raw, abs=0.005) and after == pytest.approx(before, abs=1e-6)
    # each unused row's parts sum back to it; none is left where the plan covered usage that hour
    unused = dict(demo_build.query("select charge_id, effective_cost from main.fct_ml_costs where cost_category = 'savings_plan_unused'"))
    parts = dict(
        charged.query("select charge_id, sum(effective_cost) from main.fct_ml_costs where allocation_method = 'savings_plan_chargeback' group by 1")
    )
    assert parts and set(parts) == set(unused)
    assert all(parts[c] == pytest.approx(unused[c], abs=1e-9) for c in unused)
    keys = charged.query(
        "select distinct team, team_source, model, unattributed_reason from main.fct_ml_costs where allocation_method = 'savings_plan_chargeback'"
    )
    assert keys == [("fraud", "savings_plan_chargeback", "fraud-xgb", None)]
    # fraud takes on exactly what unattributed gave up
    teams = "select team, sum(effective_cost) from main.fct_ml_costs group by 1"
    was, now = dict(demo_build.query(teams)), dict(charged.query(teams))
    moved = sum(unused.values())
    assert moved > 0
    assert now["fraud"] - was["fraud"] == pytest.approx(moved, abs=1e-6)
    assert was["unattributed"] - now["unattributed"] == pytest.approx(moved, abs=1e-6)
    plan = charged.query("select sum(unused_commitment) from main.rpt_savings_plans")[0][0]
    assert plan == pytest.approx(moved, abs=1e-6)  # rebuilt on the charged-back rows: their status still says Unused


def test_utilization_window_ends_at_the_newest_endpoint_hour_and_takes_the_latest_extraction(tmp_path: Path) -> None:
    """The look-back window's end is read from the landed files at compile time. Shapes the demo
    does not make: a newer snapshot, landed after the first build, that re-extracts the last day
    with other values, an hour of a training job (another namespace) after the endpoints' last
    hour, in a file of its own beside the re-extracted day; then a day after the last, which
    moves the window on. The hourly rows are incremental by landed day and keep the window's days
    only: each run is checked against a plain reading of the rows, which days it built, which it
    deleted, and against a full build."""
    end = datetime(2026, 9, 20, 23)
    first_extract, second_extract = datetime(2026, 9, 21, 1), datetime(2026, 9, 22, 1)
    rows: list[dict[str, object]] = []

    def add(extracted: datetime, namespace: str, endpoint: str | None, host: str | None, hour: datetime, value: float) -> None:
        for metric in ("CPUUtilization", "MemoryUtilization"):
            rows.append(
                {
                    "account_id": "123456789012",
                    "region": "us-east-1",
                    "snapshot_date": extracted.date(),
                    "extracted_at": extracted,
                    "namespace": namespace,
                    "metric_name": metric,
                    "endpoint_name": endpoint,
                    "variant_name": "AllTraffic" if endpoint else None,
                    "job_host": host,
                    "period_start": hour,
                    "average": value,
                    "maximum": value * 2,
                }
            )

    for h in range(30 * 24):  # 30 days of hourly metrics, the first extraction
        hour = end - timedelta(hours=h)
        add(first_extract, "/aws/sagemaker/Endpoints", "recsys", None, hour, 10.0 + h % 7)
    for h in range(24):  # the last day extracted again, with other values: these win
        add(second_extract, "/aws/sagemaker/Endpoints", "recsys", None, end - timedelta(hours=h), 50.0 + h)
    for h in range(1, 49):  # a training job two days after the endpoints' last hour: not the window's end
        add(second_extract, "/aws/sagemaker/TrainingJobs", None, "algo-1", end + timedelta(hours=h), 99.0)

    landing = tmp_path / "landing"

    def land(extracted: datetime) -> None:
        for namespace in ("/aws/sagemaker/Endpoints", "/aws/sagemaker/TrainingJobs"):
            part = [r for r in rows if r["extracted_at"] == extracted and r["namespace"] == namespace]
            if part:
                folder = landing / "cloudwatch" / "instance_utilization" / f"snapshot_date={extracted.date()}"
                folder.mkdir(parents=True, exist_ok=True)
                pq.write_table(pa.Table.from_pylist(part), folder / f"{namespace.rsplit('/', 1)[1].lower()}.parquet")

    # the first extraction is built; the second lands after, and the next run is incremental
    # (int_endpoint_utilization_pivoted, by landed day): it must rebuild the re-extracted day
    land(first_extract)
    first = run_dbt(["build", "--select", "+int_endpoint_utilization_summarized"], landing, tmp_path / "work")
    assert first.returncode == 0, first.output[-5000:]
    land(second_extract)
    build = run_dbt(["build", "--select", "+int_endpoint_utilization_summarized"], landing, tmp_path / "work")
    assert build.returncode == 0, build.output[-5000:]
    pivoted = next((tmp_path / "work" / "target" / "compiled").rglob("int_endpoint_utilization_pivoted.sql")).read_text()
    built = re.findall(r"period_start >= cast\('([0-9-]+)' as timestamp\) and period_start < cast\('([0-9-]+)' as timestamp\)", pivoted)
    # only the re-extracted day and the training job's two days (their landed rows are new; the
    # model keeps no job rows, but the day's version is of every landed row)
    assert built == [(end.date().isoformat(), (end + timedelta(days=3)).date().isoformat())], built

    def plain_reading(landed: set[datetime]) -> tuple[datetime, list[object]]:
        """The latest extraction of each hour among the landed ones, the window ending at the
        endpoints' newest hour: its last hour and the CPU summary row."""
        latest: dict[tuple[object, ...], dict[str, object]] = {}
        for row in rows:
            key = (row["namespace"], row["metric_name"], row["endpoint_name"], row["job_host"], row["period_start"])
            if row["extracted_at"] in landed and (key not in latest or row["extracted_at"] > latest[key]["extracted_at"]):  # type: ignore[operator]
                latest[key] = row
        endpoint_rows = [r for r in latest.values() if r["namespace"] == "/aws/sagemaker/Endpoints"]
        last_hour: datetime = max(r["period_start"] for r in endpoint_rows)  # type: ignore[type-var,assignment]
        window = [r for r in endpoint_rows if r["period_start"] > last_hour - timedelta(days=VARS["rightsizing_lookback_days"])]  # type: ignore[operator]
        cpu = [r for r in window if r["metric_name"] == "CPUUtilization"]
        return last_hour, [
            min(r["period_start"] for r in cpu),  # type: ignore[type-var]
            last_hour,
            len(cpu),
            max(r["maximum"] for r in cpu),  # type: ignore[type-var]
            pytest.approx(sum(r["average"] for r in cpu) / len(cpu)),  # type: ignore[misc]
        ]

    summary = (
        "select first_hour, last_hour, hours_observed, cpu_peak_pct, cpu_mean_pct, endpoint_name "
        "from main_intermediate.int_endpoint_utilization_summarized"
    )
    last_hour, expected = plain_reading({first_extract, second_extract})
    assert last_hour == end
    assert expected[3] == 2 * (50.0 + 23)  # the re-extracted day is in the window, with its new values
    got = build.query(summary)
    assert [list(g[:5]) for g in got] == [expected]
    assert got[0][5] == "recsys"

    # a third extraction with a day and six hours after the last: the window moves on, the day
    # that left it is deleted from the hourly rows, and the summary is the plain reading's again
    third_extract = end + timedelta(days=2, hours=2)
    for h in range(1, 31):
        add(third_extract, "/aws/sagemaker/Endpoints", "recsys", None, end + timedelta(hours=h), 30.0 + h % 5)
    land(third_extract)
    # in batches of one landed day: the pre-hook deletes every changed day, the model's SQL
    # builds the first and its post-hook inserts the others
    one_day = ["--vars", '{"landing_day_batch_rows": 1}']
    build = run_dbt(["build", "--select", "+int_endpoint_utilization_summarized", *one_day], landing, tmp_path / "work")
    assert build.returncode == 0, build.output[-5000:]
    second_batch = r"int_endpoint_utilization_pivoted: landing day batch 2 of \d+, days " + (end + timedelta(hours=30)).date().isoformat()
    assert re.search(second_batch, build.output), build.output[-3000:]
    last_hour, expected = plain_reading({first_extract, second_extract, third_extract})
    assert last_hour == end + timedelta(hours=30)
    assert [list(g[:5]) for g in build.query(summary)] == [expected]
    first_kept = (last_hour - timedelta(days=VARS["rightsizing_lookback_days"])).date()
    held = build.query("select min(period_start), max(period_start) from main_intermediate.int_endpoint_utilization_pivoted")[0]
    assert (held[0].date(), held[1]) == (first_kept, last_hour)  # the window's days, from its first day on

    # a full build of the same landing gives the same rows, with the same day versions
    full = run_dbt(["build", "--select", "+int_endpoint_utilization_summarized", "--full-refresh"], landing, tmp_path / "full")
    assert full.returncode == 0, full.output[-5000:]
    for model in ("int_endpoint_utilization_summarized", "int_endpoint_utilization_pivoted"):
        every_column = f"select * from main_intermediate.{model} order by all"
        assert full.query(every_column) == build.query(every_column), model

    # and so does a full build in batches of one landed day each (macro landing_day_batches),
    # the first day in the model's SQL and each other one inserted by its post-hook
    batched = run_dbt(
        ["build", "--select", "+int_endpoint_utilization_summarized", "--full-refresh", *one_day],
        landing,
        tmp_path / "batched",
    )
    assert batched.returncode == 0, batched.output[-5000:]
    # a batch for each landed day from the window's first on (the day versions are read from
    # every namespace's rows, so a day after the last endpoint hour can count too)
    inserted = [int(n) for n in re.findall(r"int_endpoint_utilization_pivoted: landing day batch (\d+) of \d+", batched.output)]
    assert inserted == list(range(2, len(inserted) + 2)) and len(inserted) + 1 >= (last_hour.date() - first_kept).days + 1, inserted
    for model in ("int_endpoint_utilization_summarized", "int_endpoint_utilization_pivoted"):
        every_column = f"select * from main_intermediate.{model} order by all"
        assert batched.query(every_column) == build.query(every_column), model
