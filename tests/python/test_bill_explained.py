"""Explain the bill (issue 22): honest months, the change bridge, grains that add up, the semantic layer.

Expected figures come from the demo's own constants (prices, the planted hours) or from an
independent reading of the landed FOCUS files, never from the pipeline's output."""

from __future__ import annotations

import csv
import itertools
import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import BIN, PROJECT, DbtResult, _dbt_env, manifest_files, run_dbt
from ml_cost_demo.account import PRICES, SPOT_RATE
from ml_cost_demo.growth import FINE_TUNE, GNN_LARGE_HOURS


def _raw_period_totals(landing: Path) -> dict[str, float]:
    """SageMaker effective cost per billing period, summed straight from the files the manifests list."""
    files = [str(f) for f in manifest_files(landing)]
    rows = duckdb.sql(
        "select strftime(BillingPeriodStart, '%Y-%m'), sum(EffectiveCost) from read_parquet($files, union_by_name=true)"
        " where x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans') group by 1",
        params={"files": files},
    ).fetchall()
    return {p: float(v) for p, v in rows}


def _days(first: date, last_exclusive: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last_exclusive - first).days)]


def test_the_bridge_sums_to_each_period_change_read_from_the_files(demo_build: DbtResult, demo_landing: Path) -> None:
    raw = _raw_period_totals(demo_landing)
    fact = dict(demo_build.query("select billing_period, sum(effective_cost) from main.fct_ml_costs group by 1"))
    assert fact.keys() == raw.keys() and all(fact[p] == pytest.approx(raw[p], abs=0.01) for p in raw)
    sql = "select billing_period, comparison_basis, sum(change_effective_cost) from main.rpt_cost_change_bridge group by 1, 2"
    bridge = {(p, b): v for p, b, v in demo_build.query(sql)}
    periods = sorted(raw)
    assert {p for p, _ in bridge} == set(periods[1:])  # every period with a month before it
    for previous, period in itertools.pairwise(periods):
        assert bridge[(period, "reported")] == pytest.approx(raw[period] - raw[previous], abs=0.01), period
    # same days: the previous month's first days_with_data days, read from the files too
    days_with_data = dict(demo_build.query("select billing_period, days_with_data from main_staging.stg_focus__billing_periods"))
    files = [str(f) for f in manifest_files(demo_landing)]
    for previous, period in itertools.pairwise(periods):
        end = date.fromisoformat(previous + "-01") + timedelta(days=min(days_with_data[period], days_with_data[previous]))
        (same_days,) = duckdb.sql(
            "select sum(EffectiveCost) from read_parquet($files, union_by_name=true)"
            " where x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans')"
            " and strftime(BillingPeriodStart, '%Y-%m') = $p and ChargePeriodStart < $end",
            params={"files": files, "p": previous, "end": end},
        ).fetchone() or (None,)
        assert bridge[(period, "same_days")] == pytest.approx(raw[period] - float(same_days or 0), abs=0.01), period


def _driver(build: DbtResult, period: str, basis: str, driver: str, workload_like: str, category: str | None = None) -> float:
    """The bridge's change for one driver of the workloads named like `workload_like`, in instance hours."""
    sql = (
        "select coalesce(sum(change_effective_cost), 0) from main.rpt_cost_change_bridge"
        " where billing_period = ? and comparison_basis = ? and driver = ? and workload_name like ? and pricing_unit = 'Hours'"
    )
    params: list[object] = [period, basis, driver, workload_like]
    if category:
        sql += " and cost_category = ?"
        params.append(category)
    return float(build.query(sql, params)[0][0])


def test_the_bridge_names_the_causes_the_demo_planted(demo_build: DbtResult) -> None:
    p4d, g5 = PRICES["ml.p4d.24xlarge"], PRICES["ml.g5.12xlarge"]
    # September: recsys's new always-on endpoint, one instance all month
    assert _driver(demo_build, "2026-09", "reported", "new_resources", "recsys-embed-v2-prod") == pytest.approx(g5 * 24 * 30, abs=0.01)
    # September: fraud's GNN training off spot: its on-demand hours each weekday now cost (1 - spot rate) more
    off_spot = _driver(demo_build, "2026-09", "reported", "rate_change", "training-jobs of experiment gnn-large on ml.p4d.24xlarge%", "training")
    weekdays = sum(1 for d in _days(date(2026, 9, 1), date(2026, 10, 1)) if d.weekday() < 5)
    assert off_spot == pytest.approx(p4d * GNN_LARGE_HOURS * weekdays * (1 - SPOT_RATE), abs=0.01)
    # October: nlp's large fine-tune on p4d
    assert _driver(demo_build, "2026-10", "reported", "new_resources", "training-jobs of experiment llm-ft-full on ml.p4d.24xlarge") == pytest.approx(
        p4d * FINE_TUNE[0] * FINE_TUNE[1], abs=0.01
    )
    # October: recsys's GPU notebooks left running: all October's hours against September's working hours
    working = sum(10 for d in _days(date(2026, 9, 1), date(2026, 10, 1)) if d.weekday() < 5)
    for user in ("dan", "erin", "femi"):
        more = _driver(demo_build, "2026-10", "reported", "usage_change", f"recsys-gpu-{user}-nb")
        assert more == pytest.approx(PRICES["ml.g5.2xlarge"] * (24 * 31 - working), abs=0.01), user
    # November (open): the endpoint's second instance, on the same 20 days of October
    assert _driver(demo_build, "2026-11", "same_days", "usage_change", "recsys-embed-v2-prod") == pytest.approx(g5 * 24 * 20, abs=0.01)


def test_every_monthly_report_flags_the_open_month(demo_build: DbtResult) -> None:
    tables = [
        r[0]
        for r in demo_build.query(
            "select table_name from information_schema.columns"
            " where table_schema = 'main' and column_name = 'is_complete' and table_name like 'rpt_%'"
        )
    ]
    monthly = {"rpt_team_costs_monthly", "rpt_model_costs_monthly", "rpt_endpoint_costs_monthly", "rpt_instance_costs_monthly", "rpt_waste_monthly"}
    monthly |= {"rpt_tag_coverage", "rpt_cost_change_bridge", "rpt_budget_forecast", "rpt_spot_opportunities"}
    assert monthly | {"rpt_unlinked_related_costs", "rpt_unclassified_usage_types"} <= set(tables)
    truth = dict(demo_build.query("select billing_period, is_complete from main_staging.stg_focus__billing_periods"))
    assert truth["2026-11"] is False and all(truth[p] for p in ("2026-08", "2026-09", "2026-10"))
    for table in tables:  # every report with is_complete says what the exports say
        flags = dict(demo_build.query(f"select distinct billing_period, is_complete from main.{table}"))
        assert flags == {p: truth[p] for p in flags}, table
        assert "2026-11" in flags or table not in monthly, table


def test_the_normalised_change_shows_the_open_months_growth(demo_build: DbtResult) -> None:
    row = demo_build.query(
        "select days_with_data, daily_run_rate, period_over_period_growth, same_days_growth, run_rate_growth"
        " from main.rpt_team_costs_monthly where billing_period = '2026-11' and team = 'recsys'"
    )[0]
    days, run_rate, reported, same_days, by_run_rate = row
    assert days == 20
    assert reported < 0  # 20 days against October's 31: a false drop
    assert same_days > 0.2 and by_run_rate > 0.2  # per day, recsys grew (the second instance)
    october = demo_build.query("select effective_cost from main.rpt_team_costs_monthly where billing_period = '2026-10' and team = 'recsys'")[0][0]
    assert by_run_rate == pytest.approx(run_rate / (october / 31) - 1)


def test_grains_add_up(demo_build: DbtResult) -> None:
    by_team = demo_build.query(
        "select t.billing_period, t.team, t.effective_cost, coalesce(sum(m.effective_cost), 0) from main.rpt_team_costs_monthly t"
        " left join main.rpt_model_costs_monthly m using (billing_period, team) group by 1, 2, 3"
    )
    assert by_team and all(a == pytest.approx(b, abs=0.01) for _, _, a, b in by_team)
    idle = demo_build.query("select count(*) from main.rpt_model_costs_monthly where model = '(idle)'")[0][0]
    assert idle > 0  # idle capacity is a row of its own
    fact = dict(demo_build.query("select billing_period, sum(effective_cost) from main.fct_ml_costs group by 1"))
    for table in ("rpt_instance_costs_monthly", "rpt_waste_monthly"):
        sums = dict(demo_build.query(f"select billing_period, sum(effective_cost) from main.{table} group by 1"))
        assert sums.keys() == fact.keys() and all(sums[p] == pytest.approx(fact[p], abs=0.01) for p in fact), table
    endpoints = dict(demo_build.query("select billing_period, sum(effective_cost) from main.rpt_endpoint_costs_monthly group by 1"))
    endpoint_sql = "select billing_period, sum(effective_cost) from main.fct_ml_costs where resource_type = 'endpoint' group by 1"
    endpoint_fact = dict(demo_build.query(endpoint_sql))
    assert all(endpoints[p] == pytest.approx(endpoint_fact[p], abs=0.01) for p in endpoint_fact)
    idle_fact = demo_build.query("select sum(effective_cost) from main.fct_ml_costs where allocation_method = 'idle_capacity'")[0][0]
    idle_report = demo_build.query("select sum(idle_cost) from main.rpt_endpoint_costs_monthly")[0][0]
    assert idle_report == pytest.approx(idle_fact, abs=0.01)
    columns = {r[0] for r in demo_build.query("select column_name from information_schema.columns where table_name = 'rpt_endpoint_model_shares'")}
    assert "endpoint_idle_cost" not in columns  # a per-endpoint value repeated on every model row is gone
    experiment = demo_build.query(
        "select sum(cost_tagged) / sum(effective_cost), sum(cost_tagged) filter (where is_required) / sum(effective_cost) filter (where is_required)"
        " from main.rpt_tag_coverage where required_key = 'ml:experiment' and billing_period = '2026-10'"
    )[0]
    assert experiment[1] > experiment[0]  # ml:experiment is required of training only
    p4d_spot = (
        "select count(*) from main.rpt_instance_costs_monthly where purchase_option = 'spot' and instance_family = 'ml.p4d' and billing_period = ?"
    )
    assert demo_build.query(p4d_spot, ["2026-08"])[0][0] > 0 and demo_build.query(p4d_spot, ["2026-09"])[0][0] == 0  # off spot


def test_the_analyses_tell_the_story(demo_build: DbtResult, demo_landing: Path, tmp_path: Path) -> None:
    compiled = run_dbt(["compile", "--select", "bill_change_drivers", "production_inference_vs_experimentation"], demo_landing, tmp_path)
    assert compiled.returncode == 0, compiled.output[-3000:]
    root = tmp_path / "target" / "compiled" / "ml_cost" / "analyses"
    sentences = demo_build.query((root / "bill_change_drivers.sql").read_text())
    by_key = {(r[0], r[1]): r[3] for r in sentences}
    assert "new recsys-embed-v2-prod +$" in by_key[("2026-09", "recsys")]
    assert "rate change of training-jobs of experiment gnn-large" in by_key[("2026-09", "fraud")]
    assert "new training-jobs of experiment llm-ft-full" in by_key[("2026-10", "nlp")]
    assert "same_days" in by_key[("2026-11", "recsys")] and "more usage of recsys-embed-v2-prod" in by_key[("2026-11", "recsys")]
    spend = demo_build.query((root / "production_inference_vs_experimentation.sql").read_text())
    idle = demo_build.query("select billing_period, sum(effective_cost) from main.fct_ml_costs where allocation_method = 'idle_capacity' group by 1")
    by_type = {(p, t): c for p, t, c, _ in spend}
    assert all(by_type[(p, "idle capacity")] == pytest.approx(c, abs=0.01) for p, c in idle)


def _shadow_project(workdir: Path, semantic_manifest: Path) -> Path:
    """MetricFlow reads <project>/target/semantic_manifest.json: a project folder of links with its own target."""
    shadow = workdir / "project"
    shadow.mkdir()
    for item in PROJECT.iterdir():
        if item.name not in {"target", "logs", ".venv", ".venv-spark", ".venv-athena", "warehouse", "data", ".git"}:
            (shadow / item.name).symlink_to(item)
    (shadow / "target").mkdir()
    shutil.copy(semantic_manifest, shadow / "target" / "semantic_manifest.json")
    return shadow


def test_mf_query_equals_the_team_report(demo_build: DbtResult, demo_landing: Path, tmp_path: Path) -> None:
    manifest = demo_build.warehouse.parent / "target" / "semantic_manifest.json"
    assert {m["name"] for m in json.loads(manifest.read_text())["metrics"]} >= {
        "effective_cost",
        "billed_cost",
        "list_cost",
        "idle_cost",
        "unattributed_share",
        "hidden_cost_share",
        "tag_coverage",
        "cost_per_1000_invocations",
    }
    shadow = _shadow_project(tmp_path, manifest)
    # read-only: the demo build is shared with the other pytest process under make test
    env = _dbt_env(
        demo_landing, tmp_path, tmp_path, {"ML_COST_WAREHOUSE": str(demo_build.warehouse.resolve()), "ML_COST_DUCKDB_ACCESS_MODE": "read_only"}
    )
    out = tmp_path / "mf.csv"
    command = [str(BIN / "mf"), "query", "--metrics", "effective_cost", "--group-by", "team,metric_time__month", "--csv", str(out)]
    proc = subprocess.run(command, cwd=shadow, env={**env, "DBT_PROJECT_DIR": str(shadow)}, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and out.exists(), proc.stdout + proc.stderr
    with out.open() as f:
        rows = {(r["metric_time__month"][:7], r["team"]): float(r["effective_cost"]) for r in csv.DictReader(f)}
    report = {(p, t): c for p, t, c in demo_build.query("select billing_period, team, effective_cost from main.rpt_team_costs_monthly")}
    assert rows.keys() == report.keys()
    assert all(rows[k] == pytest.approx(report[k], abs=0.01) for k in report)
