"""Print a short summary of the warehouse: what `make demo` shows after `dbt build`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import duckdb


def _money(value: float | None) -> str:
    return f"${value:,.2f}" if value is not None else "-"


def _table(rows: list[tuple[Any, ...]], headers: tuple[str, ...]) -> str:
    cells = [headers, *[tuple("" if v is None else str(v) for v in row) for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in cells]
    lines.insert(1, "  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    """The single value a query returns."""
    row = con.execute(sql, params or []).fetchone()
    assert row is not None, sql
    return row[0]


def _exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(_one(con, "select count(*) from information_schema.tables where table_name = ?", [name]))


def _period_flags(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, tuple[bool, int, int]]:
    """billing period -> (is_complete, days_with_data, days_in_period), as the monthly reports say."""
    if not _exists(con, "int_billing_periods_paired"):
        return {}
    rows = con.execute(
        f"select billing_period, is_complete, days_with_data, days_in_period from {schema}_intermediate.int_billing_periods_paired"
    ).fetchall()
    return {p: (bool(c), int(d), int(n)) for p, c, d, n in rows}


def _partial_note(con: duckdb.DuckDBPyConnection, schema: str, period: str) -> str:
    flags = _period_flags(con, schema).get(period)
    if flags is None or flags[0]:
        return ""
    return f" (partial month: {flags[1]} of {flags[2]} days so far, do not compare it with a whole month)"


def _monthly_trend(con: duckdb.DuckDBPyConnection, schema: str) -> str:
    rows = con.execute(
        f"""select billing_period, sum(effective_cost), max(days_with_data), bool_and(is_complete)
            from {schema}.rpt_team_costs_monthly group by billing_period order by billing_period"""
    ).fetchall()
    parts = [f"{p} {_money(c)}" + ("" if complete else f" (partial, {d} days: {_money(c / d if d else None)} a day)") for p, c, d, complete in rows]
    return "Monthly: " + " -> ".join(parts)


def _bridge_drivers(con: duckdb.DuckDBPyConnection, schema: str, top: int = 6) -> list[str]:
    """The bridge's largest movements for the last complete period and for the open one (same days)."""
    out: list[str] = []
    periods = con.execute(
        f"""select billing_period, previous_billing_period, comparison_basis, max(days_with_data)
            from {schema}.rpt_cost_change_bridge
            where comparison_basis = case when is_complete then 'reported' else 'same_days' end
            group by all order by billing_period desc limit 2"""
    ).fetchall()
    for period, previous, basis, days in reversed(periods):
        against = f"the same {days} days of {previous}" if basis == "same_days" else previous
        total = _one(
            con,
            f"select sum(change_effective_cost) from {schema}.rpt_cost_change_bridge where billing_period = ? and comparison_basis = ?",
            [period, basis],
        )
        rows = con.execute(
            f"""select team, driver, workload_name, sum(change_effective_cost) as change
                from {schema}.rpt_cost_change_bridge where billing_period = ? and comparison_basis = ?
                group by all order by abs(change) desc limit {top}""",
            [period, basis],
        ).fetchall()
        out.append(
            f"\nWhy {period} changed against {against}: {'+' if (total or 0) >= 0 else '-'}{_money(abs(total or 0))} (rpt_cost_change_bridge)\n"
            + _table(
                [(t, d.replace("_", " "), w, f"{'+' if c >= 0 else '-'}{_money(abs(c))}") for t, d, w, c in rows],
                ("team", "driver", "workload", "change"),
            )
        )
    return out


def summarise(con: duckdb.DuckDBPyConnection, schema: str = "main") -> str:
    """The summary text: spend by cost category and team for the last billing period, share unattributed, tag coverage."""
    out: list[str] = []
    period = _one(con, f"select max(billing_period) from {schema}.fct_ml_costs")
    if period is None:
        return "No SageMaker charges in the landing folder's billing export (SageMaker spend is $0.00)."
    total = _one(con, f"select sum(effective_cost) from {schema}.fct_ml_costs where billing_period = ?", [period])
    out.append(f"SageMaker spend, billing period {period} (effective cost): {_money(total)}{_partial_note(con, schema, period)}")
    if _exists(con, "rpt_team_costs_monthly"):
        out.append(_monthly_trend(con, schema))
    if _exists(con, "rpt_cost_change_bridge"):
        out.extend(_bridge_drivers(con, schema))
    rows = con.execute(
        f"""select cost_category, sum(effective_cost) as cost from {schema}.fct_ml_costs
            where billing_period = ? group by cost_category order by cost desc""",
        [period],
    ).fetchall()
    out.append(
        "\nBy cost category:\n"
        + _table([(c, _money(v), f"{(v or 0) / total:.1%}" if total else "-") for c, v in rows], ("cost_category", "effective_cost", "share"))
    )
    rows = con.execute(
        f"""select team, sum(effective_cost) as cost from {schema}.fct_ml_costs
            where billing_period = ? group by team order by cost desc""",
        [period],
    ).fetchall()
    out.append(
        "\nBy team:\n" + _table([(t, _money(v), f"{(v or 0) / total:.1%}" if total else "-") for t, v in rows], ("team", "effective_cost", "share"))
    )
    unattributed = con.execute(
        f"""select coalesce(sum(effective_cost) filter (where team = 'unattributed'), 0),
                   coalesce(sum(effective_cost) filter (where model = 'unattributed'), 0)
            from {schema}.fct_ml_costs where billing_period = ?""",
        [period],
    ).fetchone() or (0, 0)
    if total:
        out.append(
            f"\nUnattributed: team {unattributed[0] / total:.1%} ({_money(unattributed[0])}), "
            f"model {unattributed[1] / total:.1%} ({_money(unattributed[1])})"
        )
    if _exists(con, "rpt_tag_coverage_resources"):
        rows = con.execute(
            f"""select required_key,
                       sum(cost_in_billing) / nullif(sum(effective_cost), 0),
                       sum(cost_tagged) / nullif(sum(effective_cost), 0),
                       sum(cost_resolved) / nullif(sum(effective_cost), 0),
                       count(distinct case when present_on_resource then resource_key end) / nullif(count(distinct resource_key), 0)
                from {schema}.rpt_tag_coverage_resources where billing_period = ? and is_required
                group by required_key order by required_key""",
            [period],
        ).fetchall()
        out.append(
            "\nTag coverage where each key is required (cost-weighted; the CI gate counts billing + API tags, 80% minimum):\n"
            + _table(
                [(k, f"{a or 0:.1%}", f"{b or 0:.1%}", f"{c or 0:.1%}", f"{d or 0:.1%}") for k, a, b, c, d in rows],
                ("key", "in billing tags", "tagged (billing or API)", "resolved (incl. rules)", "tagged, by resources"),
            )
        )
    if _exists(con, "rpt_idle_resources"):
        rows = con.execute(
            f"""select finding, resource_name, team, daily_cost, coalesce(cost_since_idle, off_hours_cost, window_cost)
                from {schema}.rpt_idle_resources order by window_cost desc limit 8"""
        ).fetchall()
        out.append(
            "\nTop idle and always-on resources (last 14 days):\n"
            + _table(
                [(f, n, t, _money(d), _money(c)) for f, n, t, d, c in rows],
                ("finding", "resource", "team", "per day", "cost since idle / off-hours"),
            )
        )
    if _exists(con, "rpt_budget_forecast"):
        rows = con.execute(
            f"""select team, billing_period, budget_amount, actual_cost, forecast_cost, status
                from {schema}.rpt_budget_forecast where billing_period = (select max(billing_period) from {schema}.rpt_budget_forecast)
                order by forecast_cost / budget_amount desc"""
        ).fetchall()
        out.append(
            "\nTeam budgets:\n"
            + _table(
                [(t, m, _money(b), _money(a), _money(f), st) for t, m, b, a, f, st in rows],
                ("team", "month", "budget", "actual", "forecast", "status"),
            )
        )
    out += _optimisation(con, schema)
    return "\n".join(out)


def _optimisation(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    """What to change: rightsizing with a saving, Savings Plans status, the purchase recommendation."""
    out: list[str] = []
    if _exists(con, "rpt_rightsizing"):
        rows = con.execute(
            f"""select endpoint_name, variant_name, recommendation,
                    coalesce(recommended_instance_type, cast(recommended_serverless_memory_mb as integer) || ' MB'), monthly_saving
                from {schema}.rpt_rightsizing where monthly_saving > 0 order by monthly_saving desc limit 8"""
        ).fetchall()
        out.append(
            "\nRightsizing (docs/optimisation.md):\n"
            + _table([(e, v, r, to or "", _money(m)) for e, v, r, to, m in rows], ("endpoint", "variant", "change", "to", "saving a month"))
        )
    if _exists(con, "rpt_savings_plans") and _exists(con, "rpt_savings_plans_recommendation"):
        rows = con.execute(
            f"""select billing_period, commitment, utilization_pct, plan_status from {schema}.rpt_savings_plans
                order by billing_period, commitment_discount_id"""
        ).fetchall()
        recs = con.execute(
            f"""select option_name, recommended_hourly_commitment, expected_monthly_savings, break_even_utilization_pct
                from {schema}.rpt_savings_plans_recommendation order by option_name"""
        ).fetchall()
        out.append(
            "\nSavings Plans:\n"
            + _table([(p, _money(c), f"{u:.0f}%" if u is not None else "", st) for p, c, u, st in rows], ("month", "commitment", "used", "status"))
            + "\nPurchase recommendation (last 30 days of eligible on-demand usage):\n"
            + _table(
                [(o, f"${h:,.2f}/h", _money(m), f"{b:.0f}%") for o, h, m, b in recs],
                ("option", "commitment", "saving a month", "break-even use"),
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, default=Path("warehouse/ml_cost.duckdb"))
    args = parser.parse_args(argv)
    if not args.warehouse.exists():
        print(f"no warehouse at {args.warehouse}: run `make demo` or `make build` first", file=sys.stderr)
        return 1
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        print(summarise(con))
    return 0


if __name__ == "__main__":
    sys.exit(main())
