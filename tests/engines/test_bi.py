"""Show it and share it (issue 23), on the demo's DuckDB build that the engine tests share:

- the dashboards, built by `make dashboard` and opened in headless Chromium (Debian's package,
  driven by Playwright): every chart drawn, no error, and the figures and table cells the
  pages show equal the marts, recomputed here from the fact table or read from the marts;
- a BI reader holding a read-only connection to the published warehouse while `make build`
  runs: the build succeeds, the reader never gets an error and only ever sees the whole old
  state or the whole new one;
- `make publish` beside that reader, and the FOCUS 1.3 allocated dataset it writes: its
  splits sum, per origin charge, to the charge as read from the FOCUS files the manifests
  list (not from the pipeline), with ratios summing to 1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from conftest import FACT_AND_UPSTREAM, PROJECT, DbtResult, manifest_files, write_demo
from ml_cost_tools.browser import browser_page, read_page
from reference import demo_reference, published_reference

CENT = 0.005
PAGES = ("index", "teams", "models", "endpoints", "tags", "waste")


def make(targets: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "-s", *targets], cwd=PROJECT, env={**os.environ, **env}, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DbtResult]:
    return demo_reference(tmp_path_factory.getbasetemp() / "reference")


@pytest.fixture(scope="module")
def pages(reference: tuple[Path, DbtResult], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    _, duck = reference
    site = tmp_path_factory.mktemp("dashboard") / "site"
    built = make(["dashboard"], {"ML_COST_WAREHOUSE": str(duck.warehouse), "ML_COST_DASHBOARD": str(site)})
    assert built.returncode == 0, built.stdout + built.stderr
    with browser_page() as page:
        return {name: read_page(page, (site / f"{name}.html").as_uri()) for name in PAGES}


def _fact_periods(duck: DbtResult) -> tuple[str, str, str]:
    """(previous complete, last complete, open) billing periods: the demo has one open month, the newest."""
    periods = [r[0] for r in duck.query("select distinct billing_period from main.fct_ml_costs order by 1")]
    return periods[-3], periods[-2], periods[-1]


def test_every_page_draws_every_chart_without_errors(pages: dict) -> None:
    for name, view in pages.items():
        assert not view.errors, (name, view.errors)
        assert view.charts, name
        for chart, state in view.charts.items():
            assert state["rendered"] and state["rows"] > 0 and state["marks"] > 0, (name, chart, state)


def test_the_bill_shows_the_fact_table_totals(pages: dict, reference: tuple[Path, DbtResult]) -> None:
    _, duck = reference
    previous, complete, open_month = _fact_periods(duck)
    totals = dict(duck.query("select billing_period, sum(effective_cost) from main.fct_ml_costs group by 1"))
    unattributed = duck.query(
        "select sum(effective_cost) from main.fct_ml_costs where billing_period = ? and team = 'unattributed'",
        [complete],
    )[0][0]
    figures = pages["index"].figures
    assert figures["last_complete_month_cost"] == pytest.approx(totals[complete], abs=CENT)
    assert figures["open_month_cost"] == pytest.approx(totals[open_month], abs=CENT)
    assert figures["unattributed_share"] == pytest.approx((unattributed or 0) / totals[complete], abs=1e-9)
    # the movements shown are the bridge's rows for the last complete month (as reported) and
    # the open month (on the same days), and the bridge explains the whole reported change
    movements = pages["index"].tables["bridge_top_movements"]
    assert {(m["billing_period"], m["comparison_basis"]) for m in movements} == {(complete, "reported"), (open_month, "same_days")}
    for m in movements:
        bridge = duck.query(
            "select sum(change_effective_cost) from main.rpt_cost_change_bridge where billing_period = ? and comparison_basis = ?"
            " and team = ? and model = ? and driver = ? and workload_name = ?",
            [m["billing_period"], m["comparison_basis"], m["team"], m["model"], m["driver"], m["workload_name"]],
        )[0][0]
        assert float(m["change_effective_cost"]) == pytest.approx(bridge, abs=CENT), m
    reported = duck.query(
        "select sum(change_effective_cost) from main.rpt_cost_change_bridge where billing_period = ? and comparison_basis = 'reported'",
        [complete],
    )
    assert reported[0][0] == pytest.approx(totals[complete] - totals[previous], abs=0.05)


def test_team_page_cells_equal_the_fact_table(pages: dict, reference: tuple[Path, DbtResult]) -> None:
    _, duck = reference
    expected = {(p, t): c for p, t, c in duck.query("select billing_period, team, sum(effective_cost) from main.fct_ml_costs group by 1, 2")}
    shown = {(r["billing_period"], r["team"]): float(r["effective_cost"]) for r in pages["teams"].tables["team_costs"]}
    assert shown.keys() == expected.keys()
    for key, cost in expected.items():
        assert shown[key] == pytest.approx(cost, abs=CENT), key
    budgets = {r["team"]: r for r in pages["teams"].tables["team_budget_status"]}
    for team, budget, actual in duck.query(
        "select team, budget_amount, actual_cost from main.rpt_budget_forecast"
        " where billing_period = (select max(billing_period) from main.rpt_budget_forecast)"
    ):
        assert float(budgets[team]["budget_amount"]) == pytest.approx(budget, abs=CENT)
        assert float(budgets[team]["actual_cost"]) == pytest.approx(actual, abs=CENT)


def test_model_and_endpoint_pages_equal_their_marts(pages: dict, reference: tuple[Path, DbtResult]) -> None:
    _, duck = reference
    _, complete, open_month = _fact_periods(duck)
    models = dict(
        duck.query(
            "select model, sum(fully_loaded_cost) from main.rpt_model_costs_monthly where billing_period = ? group by 1",
            [complete],
        )
    )
    shown = {r["model"]: float(r["fully_loaded_cost"]) for r in pages["models"].tables["model_costs"]}
    assert shown.keys() == models.keys()
    assert all(shown[m] == pytest.approx(c, abs=CENT) for m, c in models.items())
    endpoint_rows = pages["endpoints"].tables["endpoint_costs"]
    assert endpoint_rows, "the demo has shared endpoints"
    expected = {
        (e, m): c
        for e, m, c in duck.query(
            "select endpoint_name, model, effective_cost from main.rpt_endpoint_costs_monthly where billing_period = ?", [open_month]
        )
    }
    for row in endpoint_rows:
        assert float(row["effective_cost"]) == pytest.approx(expected[(row["endpoint_name"], row["model"])], abs=CENT)
    assert any(row["model"] == "(idle)" for row in endpoint_rows), "idle capacity is shown as its own part"


def test_tag_and_waste_pages_equal_their_marts(pages: dict, reference: tuple[Path, DbtResult]) -> None:
    _, duck = reference
    _, complete, _ = _fact_periods(duck)
    waste = duck.query("select sum(waste_cost) from main.rpt_waste_monthly where billing_period = ?", [complete])[0][0]
    assert pages["waste"].figures["waste_last_complete_month"] == pytest.approx(waste, abs=CENT)
    untagged = duck.query(
        "select resource_name, effective_cost_30d from main.rpt_untagged_resources order by effective_cost_30d desc nulls last limit 25"
    )
    shown = pages["tags"].tables["whom_to_chase"]
    assert len(shown) == len(untagged) > 0
    assert [float(r["effective_cost_30d"]) for r in shown] == pytest.approx([u[1] for u in untagged], abs=CENT)
    coverage = duck.query(
        "select sum(cost_tagged) / sum(effective_cost) from main.rpt_tag_coverage"
        " where is_required and billing_period = (select max(billing_period) from main.rpt_tag_coverage)"
    )[0][0]
    assert pages["tags"].figures["tagged_in_billing_share"] == pytest.approx(coverage, abs=1e-9)


READER = r"""
import json, os, sys, time, duckdb
warehouse, mode, stop, out = sys.argv[1:5]
SQL = "select round(sum(effective_cost), 2), count(*) from main.fct_ml_costs"
# held: one connection for the whole build, like an open BI session; fresh: connect, read and
# close for every query, like a BI tool's new query (its own process: DuckDB shares one open
# database per file within a process, so a held connection would serve the fresh ones too)
held = duckdb.connect(warehouse, read_only=True) if mode == "held" else None
seen, errors = [], []
while not os.path.exists(stop):
    try:
        if held is not None:
            seen.append(held.execute(SQL).fetchone())
        else:
            with duckdb.connect(warehouse, read_only=True) as fresh:
                seen.append(fresh.execute(SQL).fetchone())
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    time.sleep(0.05)
json.dump({"seen": seen, "errors": errors}, open(out, "w"))
"""


def test_a_reader_never_breaks_the_build_and_never_sees_partial_totals(reference: tuple[Path, DbtResult], tmp_path: Path) -> None:
    """The published warehouse starts as the demo's build; `make build` then runs on the demo
    with one more day (incremental) while a reader holds a read-only connection to it and
    another connects for every query. Before issue 23 the build failed within 3 s."""
    _, duck = reference
    # the same file name: dbt-duckdb's views name their catalog, which DuckDB takes from it
    published = tmp_path / "warehouse" / duck.warehouse.name
    published.parent.mkdir()
    shutil.copy(duck.warehouse, published)
    landing_next = write_demo(tmp_path / "landing113", "--days", "113")
    old = duckdb.connect(str(published), read_only=True).execute("select round(sum(effective_cost), 2), count(*) from main.fct_ml_costs").fetchone()

    stop = tmp_path / "stop"
    readers = {
        mode: subprocess.Popen([sys.executable, "-c", READER, str(published), mode, str(stop), str(tmp_path / f"{mode}.json")])
        for mode in ("held", "fresh")
    }
    try:
        time.sleep(1.0)
        env = {
            "ML_COST_LANDING": str(landing_next),
            "ML_COST_WAREHOUSE": str(published),
            "ML_COST_DUCKDB_TEMP_DIR": str(tmp_path / "tmp"),
            "DBT_TARGET_PATH": str(tmp_path / "target"),
            "DBT_LOG_PATH": str(tmp_path / "logs"),
            # the models only: this test is about the swap (the data tests run in every other build)
            "DBT_ARGS": " ".join([*FACT_AND_UPSTREAM, "--exclude", "test_type:unit", "test_type:data"]),
        }
        build = make(["build"], env)
        time.sleep(1.0)  # the reader's fresh connections now see the new file
    finally:
        stop.touch()
        for reader in readers.values():
            reader.wait(timeout=60)
    assert build.returncode == 0, (build.stdout + build.stderr)[-5000:]
    seen = {mode: json.loads((tmp_path / f"{mode}.json").read_text()) for mode in readers}
    new = duckdb.connect(str(published), read_only=True).execute("select round(sum(effective_cost), 2), count(*) from main.fct_ml_costs").fetchone()

    assert seen["held"]["errors"] == seen["fresh"]["errors"] == []
    assert len(seen["held"]["seen"]) > 20 and len(seen["fresh"]["seen"]) > 20
    assert new != old, "the build added a day"
    assert {tuple(t) for t in seen["held"]["seen"]} == {tuple(old)}, "a connection held through the build keeps the old state"
    fresh = [tuple(t) for t in seen["fresh"]["seen"]]
    assert set(fresh) == {tuple(old), tuple(new)}, "new connections see the old state, then the new one, nothing between"
    assert fresh == sorted(fresh, key=lambda t: t != tuple(old)), "and never the old one again once the new one is published"
    # the published totals are the files' totals: a plain sum of what the manifests list
    files = [str(f) for f in manifest_files(landing_next)]
    expected = (
        duckdb.connect()
        .execute(
            f"select round(sum(EffectiveCost), 2) from read_parquet({files})"
            " where x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans')"
        )
        .fetchone()[0]
    )
    assert new[0] == pytest.approx(expected, abs=0.01)
    assert not (published.parent / ".building" / published.name).exists()


def test_a_failed_build_leaves_the_published_warehouse_untouched(reference: tuple[Path, DbtResult], tmp_path: Path) -> None:
    _, duck = reference
    published = tmp_path / duck.warehouse.name
    shutil.copy(duck.warehouse, published)
    before = published.read_bytes()
    breaks_then_fails = "import duckdb, os, sys; duckdb.connect(os.environ['ML_COST_WAREHOUSE']).execute('drop view main.fct_ml_costs'); sys.exit(3)"
    failing = [sys.executable, "-c", breaks_then_fails]
    command = [sys.executable, "-m", "ml_cost_tools.warehouse", "build", "--warehouse", str(published), "--", *failing]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 3 and "is unchanged" in done.stderr
    assert published.read_bytes() == before


def test_publish_beside_a_reader_writes_focus_1_3_splits_that_sum_to_their_origin_charges(
    reference: tuple[Path, DbtResult], tmp_path_factory: pytest.TempPathFactory
) -> None:
    landing, _ = reference
    out = published_reference(tmp_path_factory.getbasetemp() / "reference")  # make publish, a reader holding the warehouse
    con = duckdb.connect()
    con.execute(f"create view allocated as select * from read_parquet('{out}/fct_focus_allocated_charges/*.parquet')")
    files = manifest_files(landing)
    focus_root = landing / "focus"
    con.execute(
        "create view origin as select EffectiveCost, BilledCost, ListCost, filename, cast(file_row_number as varchar) as row_key "
        f"from read_parquet({[str(f) for f in files]}, filename = true, file_row_number = true)"
        " where x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans')"
    )
    joined = con.execute(
        f"""
        select a.x_ChargeId, any_value(o.EffectiveCost), sum(a.EffectiveCost), any_value(o.BilledCost), sum(a.BilledCost),
               any_value(o.ListCost), sum(a.ListCost), count(o.EffectiveCost)
        from allocated as a
        left join origin as o on o.filename = '{focus_root}/' || a.x_SourceFile and o.row_key = a.x_SourceRowKey
        group by a.x_ChargeId
        """
    ).fetchall()
    assert len(joined) > 30_000
    for charge, origin_effective, effective, origin_billed, billed, origin_list, listed, matched in joined:
        assert matched > 0, f"{charge}: its origin row is not in a file the manifests list"
        assert effective == pytest.approx(origin_effective, abs=1e-6), charge
        assert billed == pytest.approx(origin_billed, abs=1e-6), charge
        assert listed == pytest.approx(origin_list or 0.0, abs=1e-6), charge
    # every SageMaker row of the files is the origin charge of some splits
    assert con.execute("select count(*) from origin").fetchone()[0] == len(joined)
    # FOCUS 1.3 allocation columns: ratios per split charge sum to 1, idle splits have no AllocatedResourceId
    ratios: dict[str, float] = defaultdict(float)
    rows = con.execute(
        "select x_ChargeId, AllocatedMethodId, AllocatedMethodDetails, AllocatedResourceId, AllocatedTags, x_AllocationMethod from allocated"
    ).fetchall()
    split_charges = set()
    for charge, method, details, resource, tags, allocation_method in rows:
        if allocation_method == "direct":
            assert method is None and details is None and resource is None and tags is None
            continue
        split_charges.add(charge)
        assert method == allocation_method
        elements = json.loads(details)["Elements"]
        ratios[charge] += sum(e["AllocatedRatio"] for e in elements)
        assert (resource is None) == (allocation_method == "idle_capacity")
        assert isinstance(json.loads(tags), dict)
    assert len(split_charges) > 1000
    assert all(abs(total - 1) < 1e-9 for total in ratios.values()), [c for c, t in ratios.items() if abs(t - 1) >= 1e-9][:5]
