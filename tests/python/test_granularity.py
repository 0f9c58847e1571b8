"""Issue 21: the demo built from HOURLY, DAILY and MONTHLY FOCUS exports (the same charges summed
over longer charge periods) gives the same totals and right reports at every grain, or a report
that says the grain is too coarse."""

from __future__ import annotations

import pytest
from conftest import DbtResult, run_dbt, write_demo

GRAINS = ["daily", "monthly"]
# what the tests read and everything upstream, with their data tests (the conservation tests among them)
READ = [
    "--select",
    *("+" + m for m in ("fct_ml_costs", "int_ml_daily_costs_summarized", "dim_ml_models", "rpt_budget_forecast", "rpt_cost_anomalies")),
    *("+" + m for m in ("rpt_endpoint_model_shares", "rpt_idle_resources", "rpt_tag_coverage_resources", "rpt_untagged_resources")),
    "--indirect-selection",
    "cautious",
]


@pytest.fixture(scope="module")
def builds(demo_build: DbtResult, tmp_path_factory: pytest.TempPathFactory) -> dict[str, DbtResult]:
    out = {"hourly": demo_build}
    for grain in GRAINS:
        landing = write_demo(tmp_path_factory.mktemp(grain) / "landing", "--granularity", grain)
        build = run_dbt(["build", *READ], landing, tmp_path_factory.mktemp(f"{grain}_build"))
        assert build.returncode == 0, build.output[-5000:]  # includes the conservation tests
        out[grain] = build
    return out


def _rows(build: DbtResult, sql: str) -> list[tuple]:
    return sorted(build.query(sql))


@pytest.mark.parametrize("grain", GRAINS)
def test_the_export_granularity_is_recognised_and_data_ends_where_it_was_delivered(builds: dict[str, DbtResult], grain: str) -> None:
    periods = _rows(
        builds[grain],
        "select billing_period, export_granularity, cast(data_through as varchar), is_complete from main_staging.stg_focus__billing_periods",
    )
    assert periods == [
        ("2026-08", grain.upper(), "2026-09-01 00:00:00", True),
        ("2026-09", grain.upper(), "2026-10-01 00:00:00", True),
        ("2026-10", grain.upper(), "2026-11-01 00:00:00", True),
        ("2026-11", grain.upper(), "2026-11-21 00:00:00", False),  # the open month ends where the data does
    ]


TOTALS = {
    "period": (
        "select billing_period, round(sum(effective_cost), 2), round(sum(billed_cost), 2), round(sum(list_cost), 2) from main.fct_ml_costs group by 1"
    ),
    "team": "select billing_period, team, round(sum(effective_cost), 2) from main.fct_ml_costs group by 1, 2",
    "cost category": "select billing_period, cost_category, round(sum(effective_cost), 2) from main.fct_ml_costs group by 1, 2",
    # outside shared endpoints (whose splits follow the charge period) and inside them too:
    # the inference-component endpoint's split is prorated the same way at every grain
    "model": (
        "select billing_period, model, round(sum(effective_cost), 2) from main.fct_ml_costs where resource_name not in ('nlp-mme') group by 1, 2"
    ),
}


@pytest.mark.parametrize("grain", GRAINS)
@pytest.mark.parametrize("name", list(TOTALS))
def test_totals_equal_the_hourly_build(builds: dict[str, DbtResult], grain: str, name: str) -> None:
    expected = _rows(builds["hourly"], TOTALS[name])
    actual = _rows(builds[grain], TOTALS[name])
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected, strict=True):
        assert a[:-1] == e[:-1] and a[-1] == pytest.approx(e[-1], abs=0.011), (a, e)


@pytest.mark.parametrize("grain", GRAINS)
def test_a_component_created_mid_period_gets_a_prorated_share(builds: dict[str, DbtResult], grain: str) -> None:
    sql = (
        "select model, round(sum(effective_cost), 2) from main.fct_ml_costs"
        " where resource_name = 'shared-ic-endpoint' and billing_period = '2026-09' group by 1"
    )
    hourly, other = dict(builds["hourly"].query(sql)), dict(builds[grain].query(sql))
    # fraud-gnn-ic (1 of 4 GPUs) exists from 2026-09-20 12:00: 10.5 of 30 days of its quarter
    assert other["fraud-gnn"] == pytest.approx(hourly["fraud-gnn"], abs=0.01)
    quarter = sum(hourly.values()) / 4
    assert other["fraud-gnn"] == pytest.approx(quarter * 10.5 / 30, rel=0.02)


@pytest.mark.parametrize("grain", GRAINS)
def test_budget_forecasts_are_as_of_the_last_day_of_data(builds: dict[str, DbtResult], grain: str) -> None:
    sql = (
        "select team, cast(as_of_date as varchar), days_elapsed, round(actual_cost, 2), status"
        " from main.rpt_budget_forecast where billing_period = '2026-11'"
    )
    hourly, other = _rows(builds["hourly"], sql), _rows(builds[grain], sql)
    assert [r[:4] for r in other] == [r[:4] for r in hourly]
    assert all(r[1] == "2026-11-20" and r[2] == 20 for r in other)
    assert [r[4] for r in other] == [r[4] for r in hourly]  # the same statuses


def test_anomalies_daily_match_hourly_and_monthly_says_the_grain_is_too_coarse(builds: dict[str, DbtResult]) -> None:
    # teams and models alike, but the multi-model endpoint's idle capacity, which a daily
    # export folds into each day's rows (split by that day's invocations)
    flags = "select entity_type, entity, charge_date from main.rpt_cost_anomalies where is_anomaly and entity != '(idle)'"
    hourly = _rows(builds["hourly"], flags)
    assert any(r[1] == "recsys" and str(r[2]) == "2026-10-20" for r in hourly)  # the planted spike
    assert _rows(builds["daily"], flags) == hourly
    monthly = builds["monthly"]
    assert monthly.query("select count(*) from main.rpt_cost_anomalies where is_anomaly")[0][0] == 0
    notes = {r[0] for r in monthly.query("select distinct scoring_note from main.rpt_cost_anomalies")}
    assert len(notes) == 1 and "MONTHLY" in notes.pop()


@pytest.mark.parametrize("grain", GRAINS)
def test_idle_findings_are_right_or_say_the_grain_is_too_coarse(builds: dict[str, DbtResult], grain: str) -> None:
    endpoints = "select finding, resource_name, cast(idle_since as varchar) from main.rpt_idle_resources where resource_type = 'endpoint'"
    assert _rows(builds[grain], endpoints) == _rows(builds["hourly"], endpoints)
    assert ("idle_endpoint", "recsys-legacy-staging") in {r[:2] for r in _rows(builds[grain], endpoints)}
    hourly_dev = {r[1] for r in _rows(builds["hourly"], "select finding, resource_name from main.rpt_idle_resources where finding like 'always_on%'")}
    coarse = _rows(builds[grain], "select resource_name, note from main.rpt_idle_resources where finding = 'grain_too_coarse'")
    assert hourly_dev and hourly_dev <= {r[0] for r in coarse}
    assert all(grain.upper() in note and "HOURLY" in note for _, note in coarse)
    assert not builds[grain].query("select count(*) from main.rpt_idle_resources where finding like 'always_on%'")[0][0]


@pytest.mark.parametrize("grain", GRAINS)
def test_endpoint_shares_count_invocations_over_the_whole_charge_period(builds: dict[str, DbtResult], grain: str) -> None:
    sql = (
        "select endpoint_name, model, strftime(charge_date, '%Y-%m'), sum(invocations) from main.rpt_endpoint_model_shares"
        " where model != '(idle)' group by 1, 2, 3"
    )
    assert _rows(builds[grain], sql) == _rows(builds["hourly"], sql)
    cost_without_invocations = (
        "select count(*) from main.rpt_endpoint_model_shares where endpoint_kind = 'multi_model' and model != '(idle)' and invocations is null"
    )
    assert builds[grain].query(cost_without_invocations)[0][0] == 0


@pytest.mark.parametrize("grain", GRAINS)
def test_the_gate_and_the_untagged_window_follow_what_the_data_covers(builds: dict[str, DbtResult], grain: str) -> None:
    gate = "select billing_period, is_complete_period from main.rpt_tag_coverage_resources group by all"
    periods = [("2026-08", True), ("2026-09", True), ("2026-10", True), ("2026-11", False)]
    assert _rows(builds[grain], gate) == _rows(builds["hourly"], gate) == periods
    as_of = "select cast(max(last_charged_at) as varchar) from main.rpt_untagged_resources"
    assert builds[grain].query(as_of) == builds["hourly"].query(as_of) == [("2026-11-21 00:00:00",)]
    assert {r[0] for r in builds[grain].query("select distinct data_granularity from main.rpt_untagged_resources")} == {grain.upper()}
    last_seen = "select cast(max(last_seen_at) as varchar) from main.dim_ml_models"
    assert builds[grain].query(last_seen) == [("2026-11-21 00:00:00",)]
