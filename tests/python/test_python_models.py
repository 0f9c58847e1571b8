"""The dbt Python models' core functions: budget forecast and anomaly scoring."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

MARTS = Path(__file__).resolve().parents[2] / "models" / "marts" / "reports"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, MARTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


forecast = load("rpt_budget_forecast")
anomalies = load("rpt_cost_anomalies")


def days(start: str, n: int) -> list[dt.date]:
    first = dt.date.fromisoformat(start)
    return [first + dt.timedelta(days=i) for i in range(n)]


def test_flat_series_forecasts_the_run_rate() -> None:
    series = days("2026-09-01", 50)  # to 2026-10-20
    result = forecast.forecast_month_end(series, [100.0] * 50, "2026-10", dt.date(2026, 10, 20))
    assert result["actual_cost"] == pytest.approx(2000.0)
    assert result["forecast_cost"] == pytest.approx(3100.0)  # 31 days x 100
    assert result["days_elapsed"] == 20 and result["days_in_month"] == 31


def test_weekday_pattern_is_respected() -> None:
    series = days("2026-09-01", 50)
    costs = [200.0 if d.weekday() < 5 else 0.0 for d in series]  # weekday-only jobs
    result = forecast.forecast_month_end(series, costs, "2026-10", dt.date(2026, 10, 20))
    remaining = [d for d in days("2026-10-21", 11)]
    weekday_only = 200.0 * sum(1 for d in remaining if d.weekday() < 5)
    run_rate = result["run_rate_daily"] * len(remaining)
    assert result["forecast_cost"] == pytest.approx(result["actual_cost"] + 0.5 * run_rate + 0.5 * weekday_only, rel=0.05)


def test_growing_series_forecasts_above_the_run_rate() -> None:
    series = days("2026-09-01", 50)
    costs = [50.0 + 2.0 * i for i in range(50)]
    result = forecast.forecast_month_end(series, costs, "2026-10", dt.date(2026, 10, 20))
    assert result["weekly_growth"] > 0
    assert result["forecast_cost"] > result["actual_cost"] + costs[-1] * 11 * 0.9


def test_finished_month_forecast_is_the_actual() -> None:
    series = days("2026-09-01", 50)
    result = forecast.forecast_month_end(series, [10.0] * 50, "2026-09", dt.date(2026, 10, 20))
    assert result["forecast_cost"] == pytest.approx(result["actual_cost"]) == pytest.approx(300.0)


@pytest.mark.parametrize(
    ("actual", "forecast_cost", "expected"),
    [
        (1300, 1400, "ALERT: actual over threshold"),
        (900, 1300, "ALERT: forecast over threshold"),
        (900, 1000, "WARN: over warning threshold"),
        (500, 800, "OK"),
    ],
)
def test_budget_status_like_aws_budgets(actual: float, forecast_cost: float, expected: str) -> None:
    assert forecast.budget_status(actual, forecast_cost, 1200.0, 0.8, 1.0) == expected


def test_injected_spike_is_an_anomaly() -> None:
    series = days("2026-08-01", 60)
    costs = [100.0 + (5.0 if i % 7 == 0 else 0.0) for i in range(60)]
    costs[45] = 400.0
    flagged = [r for r in anomalies.score_series(series, costs) if r["is_anomaly"]]
    assert [r["charge_date"] for r in flagged] == [series[45]]
    assert flagged[0]["expected_cost"] == pytest.approx(100.0, abs=5.0)
    assert flagged[0]["deviation"] == pytest.approx(300.0, abs=5.0)


def test_flat_series_has_no_anomaly() -> None:
    series = days("2026-08-01", 60)
    assert not [r for r in anomalies.score_series(series, [42.0] * 60) if r["is_anomaly"]]


def test_small_wobbles_below_the_dollar_floor_are_not_anomalies() -> None:
    series = days("2026-08-01", 60)
    costs = [1.0] * 60
    costs[50] = 10.0  # 10x, but only 9 USD
    assert not [r for r in anomalies.score_series(series, costs) if r["is_anomaly"]]


def test_weekday_rhythm_is_not_an_anomaly() -> None:
    series = days("2026-08-01", 63)
    costs = [500.0 if d.weekday() == 2 else 20.0 for d in series]  # a weekly Wednesday job
    assert not [r for r in anomalies.score_series(series, costs)[14:] if r["is_anomaly"] and r["charge_date"] >= series[35]]
