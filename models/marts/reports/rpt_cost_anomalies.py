"""Days on which a team's or a model's cost departs from its own recent behaviour.

For each day with at least 14 days of history: the expected cost is the median of the same
weekday over the previous 4 weeks (weekday-aware; the median of the whole 28-day window when
fewer than 3 same weekdays exist), the scale is the window's median absolute deviation x 1.4826
(with a floor, so a flat series does not turn every cent into an anomaly), and the robust
z-score is (cost - expected) / scale. A day is an anomaly when |z| >= anomaly_z (default 3.5)
and the deviation is at least anomaly_min_usd (default 25 USD).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

WINDOW = 28
MIN_HISTORY = 14


def score_series(days: list[dt.date], costs: list[float], z_threshold: float = 3.5, min_usd: float = 25.0) -> list[dict]:
    """Expected value, deviation, robust z and the flag for each day of one entity's series."""
    if not days:
        return []
    series: dict[dt.date, float] = {}
    for day, cost in zip(days, costs, strict=True):  # a day exported at two grains counts both
        series[day] = series.get(day, 0.0) + cost
    first, last = min(days), max(days)
    calendar = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    # to the micro-dollar: a sum's last bits depend on the order it was added in, and a
    # deviation of exactly min_usd must not flip with them
    values = np.round(np.array([series.get(d, 0.0) for d in calendar]), 6)
    out = []
    for i in range(MIN_HISTORY, len(calendar)):
        window = values[max(0, i - WINDOW) : i]
        days_window = calendar[max(0, i - WINDOW) : i]
        same = [v for v, d in zip(window, days_window, strict=True) if d.weekday() == calendar[i].weekday()]
        expected = float(np.median(same)) if len(same) >= 3 else float(np.median(window))
        mad = float(np.median(np.abs(window - np.median(window)))) * 1.4826
        scale = max(mad, 0.05 * abs(expected), 1.0)
        deviation = round(float(values[i] - expected), 6)
        z = deviation / scale
        out.append(
            {
                "charge_date": calendar[i],
                "effective_cost": float(values[i]),
                "expected_cost": expected,
                "deviation": deviation,
                "robust_z": z,
                "is_anomaly": abs(z) >= z_threshold and abs(deviation) >= min_usd,
            }
        )
    return out


COARSE_NOTE = "not scored: a {grain} export has no day-level costs (its cost is spread evenly); daily anomalies need HOURLY or DAILY exports"


def build(daily: pa.Table, z_threshold: float, min_usd: float) -> pa.Table:
    d = daily.to_pydict()
    groups: dict[tuple[str, str], tuple[list[dt.date], list[float]]] = {}
    coarse: dict[tuple[str, str, dt.date], str] = {}
    grains = d.get("source_granularity") or ["HOURLY"] * len(d["charge_date"])
    for kind, entity, day, cost, grain in zip(d["entity_type"], d["entity"], d["charge_date"], d["effective_cost"], grains, strict=True):
        days, costs = groups.setdefault((kind, entity), ([], []))
        days.append(day)
        costs.append(float(cost or 0.0))
        if grain == "MONTHLY":
            coarse[(kind, entity, day)] = grain
    names = ("entity_type", "entity", "charge_date", "effective_cost", "expected_cost", "deviation", "robust_z", "is_anomaly", "scoring_note")
    rows: dict[str, list] = {k: [] for k in names}
    for (kind, entity), (days, costs) in sorted(groups.items()):
        for scored in score_series(days, costs, z_threshold, min_usd):
            grain = coarse.get((kind, entity, scored["charge_date"]))
            if grain:  # the report says the grain is too coarse rather than flag month starts
                scored.update(expected_cost=None, deviation=None, robust_z=None, is_anomaly=False)
            scored["scoring_note"] = COARSE_NOTE.format(grain=grain) if grain else None
            rows["entity_type"].append(kind)
            rows["entity"].append(entity)
            for key, value in scored.items():
                rows[key].append(value)
    return pa.table(
        rows,
        schema=pa.schema(
            [
                ("entity_type", pa.string()),
                ("entity", pa.string()),
                ("charge_date", pa.date32()),
                ("effective_cost", pa.float64()),
                ("expected_cost", pa.float64()),
                ("deviation", pa.float64()),
                ("robust_z", pa.float64()),
                ("is_anomaly", pa.bool_()),
                ("scoring_note", pa.string()),
            ]
        ),
    )


def model(dbt, session):  # noqa: ANN001, ANN201 - dbt's entry point
    dbt.config(materialized="table")
    daily = dbt.ref("int_ml_cost_series_spread").to_arrow_table()
    return build(daily, float(dbt.config.get("anomaly_z") or 3.5), float(dbt.config.get("anomaly_min_usd") or 25.0))
