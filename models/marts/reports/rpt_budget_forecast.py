"""Team budgets like AWS Budgets: actual and forecast month-end spend against seeds/team_budgets.csv.

Forecast of a month's end, as of the last day with data: the actual so far plus the remaining
days at a blend of two daily rates, half each:
  run rate      the mean daily cost of the last 7 days (reacts to what is running now);
  weekday trend for each remaining day, the mean cost of that weekday over the last 4 weeks,
                scaled by the 28-day linear trend (clipped to +-50% a week), so a team that is
                growing or that runs jobs on weekdays only is not mis-forecast.
A finished month's forecast is its actual. Status follows AWS Budgets alerts: ALERT when the
actual or the forecast reaches the alert threshold, WARN at the warn threshold, else OK.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa


def month_bounds(period: str) -> tuple[dt.date, dt.date]:
    start = dt.date.fromisoformat(period + "-01")
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, end


def forecast_month_end(days: list[dt.date], costs: list[float], period: str, as_of: dt.date) -> dict[str, float]:
    """Actual to date and forecast month-end cost of ``period`` from a daily series."""
    series: dict[dt.date, float] = {}
    for day, cost in zip(days, costs, strict=True):  # a day exported at two grains counts both
        series[day] = series.get(day, 0.0) + cost
    start, end = month_bounds(period)
    last = min(as_of, end - dt.timedelta(days=1))
    actual = sum(v for d, v in series.items() if start <= d <= last)
    remaining = [start + dt.timedelta(days=i) for i in range((end - start).days) if start + dt.timedelta(days=i) > last]
    history = [last - dt.timedelta(days=i) for i in range(27, -1, -1)]
    values = np.array([series.get(d, 0.0) for d in history])
    run_rate = float(values[-7:].mean())
    x = np.arange(len(values), dtype=float)
    slope = float(np.polyfit(x, values, 1)[0]) if values.any() else 0.0
    weekly_growth = float(np.clip(slope * 7 / max(values.mean(), 1e-9), -0.5, 0.5)) if values.any() else 0.0
    trend_total = 0.0
    for i, day in enumerate(remaining, start=1):
        same_weekday = [series.get(d, 0.0) for d in history if d.weekday() == day.weekday()]
        base = float(np.mean(same_weekday)) if same_weekday else run_rate
        trend_total += base * (1 + weekly_growth * i / 7)
    trend_total = max(trend_total, 0.0)
    forecast = actual + 0.5 * run_rate * len(remaining) + 0.5 * trend_total
    return {
        "actual_cost": actual,
        "forecast_cost": forecast,
        "run_rate_daily": run_rate,
        "weekly_growth": weekly_growth,
        "days_elapsed": (last - start).days + 1 if last >= start else 0,
        "days_in_month": (end - start).days,
    }


def budget_status(actual: float, forecast: float, budget: float, warn: float, alert: float) -> str:
    if budget <= 0:
        return "NO BUDGET"
    if actual >= budget * alert:
        return "ALERT: actual over threshold"
    if forecast >= budget * alert:
        return "ALERT: forecast over threshold"
    if max(actual, forecast) >= budget * warn:
        return "WARN: over warning threshold"
    return "OK"


def build(daily: pa.Table, budgets: pa.Table, complete: dict[str, bool] | None = None) -> pa.Table:
    """One row per budget month up to the last day with data; ``complete`` says which billing
    periods the exports hold whole (int_billing_periods_paired.is_complete)."""
    complete = complete or {}
    d = daily.to_pydict()
    by_team: dict[str, tuple[list[dt.date], list[float]]] = {}
    for team, day, cost in zip(d["entity"], d["charge_date"], d["effective_cost"], strict=True):
        days, costs = by_team.setdefault(team, ([], []))
        days.append(day)
        costs.append(float(cost or 0.0))
    as_of = max(d["charge_date"]) if d["charge_date"] else dt.date.today()
    rows: dict[str, list] = {
        k: []
        for k in (
            "team",
            "billing_period",
            "budget_amount",
            "warn_threshold",
            "alert_threshold",
            "actual_cost",
            "forecast_cost",
            "run_rate_daily",
            "weekly_growth",
            "days_elapsed",
            "days_in_month",
            "is_complete",
            "actual_share_of_budget",
            "forecast_share_of_budget",
            "status",
            "as_of_date",
        )
    }
    b = budgets.to_pydict()
    for team, period, amount, warn, alert in zip(
        b["team"], b["billing_period"], b["budget_amount"], b["warn_threshold"], b["alert_threshold"], strict=True
    ):
        start, _ = month_bounds(period)
        if start > as_of:
            continue  # a future month: nothing to say yet
        days, costs = by_team.get(team, ([], []))
        f = forecast_month_end(days, costs, period, as_of)
        for key, value in (
            ("team", team),
            ("billing_period", period),
            ("budget_amount", amount),
            ("warn_threshold", warn),
            ("alert_threshold", alert),
            ("as_of_date", as_of),
        ):
            rows[key].append(value)
        for key in ("actual_cost", "forecast_cost", "run_rate_daily", "weekly_growth", "days_elapsed", "days_in_month"):
            rows[key].append(f[key])
        rows["is_complete"].append(complete.get(period))
        rows["actual_share_of_budget"].append(f["actual_cost"] / amount if amount else None)
        rows["forecast_share_of_budget"].append(f["forecast_cost"] / amount if amount else None)
        rows["status"].append(budget_status(f["actual_cost"], f["forecast_cost"], amount, warn, alert))
    return pa.table(rows)


def model(dbt, session):  # noqa: ANN001, ANN201 - dbt's entry point
    dbt.config(materialized="table")
    daily = dbt.ref("int_ml_cost_series_spread").filter("entity_type = 'team'").to_arrow_table()
    budgets = dbt.ref("team_budgets").to_arrow_table()
    periods = dbt.ref("int_billing_periods_paired").to_arrow_table().to_pydict()
    return build(daily, budgets, dict(zip(periods["billing_period"], periods["is_complete"], strict=True)))
