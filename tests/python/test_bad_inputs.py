"""Inputs real syncs produce (issue 13): each gets a clear message naming the file and the column,
or is read correctly; nothing passes silently."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import FACT_AND_UPSTREAM, FOCUS_SAMPLE, NO_GATE, run_dbt, write_demo

FOCUS_ONLY = ["run", "--select", "+stg_focus__charges"]


def _focus_table(hours: int = 48) -> pa.Table:
    from ml_cost_demo.account import Account
    from ml_cost_demo.organisation import build

    acct = Account(copy=0, hours=hours)
    build(acct)
    return acct.focus.to_table()


def _with(table: pa.Table, name: str, array: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), pa.field(name, array.type), array)


def _write(table: pa.Table, landing: Path, name: str = "part-1.parquet") -> Path:
    path = landing / "focus" / "export" / "data" / "BILLING_PERIOD=2026-08" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


def test_csv_timestamps_with_offsets_are_converted_to_utc(tmp_path: Path) -> None:
    with FOCUS_SAMPLE.open(newline="") as f:
        header, *rows = list(csv.reader(f))
    # the first rows, one restated at 2024-09-01 00:00 UTC written with a -07:00 offset: read
    # without its offset it would fall on 2024-08-31 17:00, in the previous month
    start, end = header.index("ChargePeriodStart"), header.index("ChargePeriodEnd")
    rows = rows[:3]
    rows[0][start], rows[0][end] = "2024-08-31T17:00:00-07:00", "2024-08-31T18:00:00-07:00"
    rows[1][start] = rows[1][start].replace(" ", "T") + "Z"
    landing = tmp_path / "landing"
    (landing / "focus").mkdir(parents=True)
    with (landing / "focus" / "offsets.csv").open("w", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    result = run_dbt(FOCUS_ONLY, landing, tmp_path / "work")
    assert result.returncode == 0, result.output[-3000:]
    starts = [str(r[0]) for r in result.query("select charge_period_start from main_staging.stg_focus__charges order by source_row_key")]
    assert "2024-09-01 00:00:00" in starts and "2024-08-31 17:00:00" not in starts
    assert result.query("select count(*) from main_staging.stg_focus__charges where charge_date < date '2024-09-01'")[0][0] == 0


def test_macos_resource_forks_and_marker_files_are_ignored(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    real = _write(_focus_table(), landing)
    (real.parent / f"._{real.name}").write_bytes(b"\x00\x05\x16\x07 Mac OS X resource fork")
    (real.parent / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (real.parent / "_SUCCESS").write_text("")
    (real.parent / "part-2.parquet.tmp").write_bytes(b"partial")
    result = run_dbt(FOCUS_ONLY, landing, tmp_path / "work")
    assert result.returncode == 0, result.output[-3000:]
    ignored = dict(result.query("select source_file, reason from main_staging.base_focus__export_files where not is_selected"))
    assert len(ignored) == 4 and all("hidden or marker file" in r for r in ignored.values())


def test_a_landing_path_with_quotes_and_spaces_builds(tmp_path: Path) -> None:
    landing = write_demo(tmp_path / "Bob's exports" / "landing dir", "--days", "5")
    # the landing path reaches only the staging models' readers: the fact table and upstream
    result = run_dbt(["build", *NO_GATE, *FACT_AND_UPSTREAM], landing, tmp_path / "work")
    assert result.returncode == 0, result.output[-5000:]
    assert result.query("select count(*) from main.fct_ml_costs")[0][0] > 0
    assert result.query("select count(*) from main_staging.stg_sagemaker__tags")[0][0] > 0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_a_non_finite_cost_fails_naming_file_and_column(bad: float, tmp_path: Path) -> None:
    table = _focus_table()
    costs = table["BilledCost"].to_pylist()
    costs[3] = bad
    path = _write(_with(table, "BilledCost", pa.array(costs, pa.float64())), tmp_path / "landing")
    result = run_dbt(FOCUS_ONLY, tmp_path / "landing", tmp_path / "work")
    assert result.returncode != 0
    assert f"FOCUS file {path}: column BilledCost is" in result.output and "expected a finite number" in result.output


def test_a_non_finite_cost_on_another_services_row_fails_too(tmp_path: Path) -> None:
    """The rows out of scope are summed, not hashed (base_focus__delivery_days): their costs are
    still checked, on the narrow read of every row."""
    table = _focus_table()
    row = 3
    columns = {
        "BilledCost": (math.nan, pa.float64()),
        "x_ServiceCode": ("AmazonEC2", pa.string()),
        "ServiceName": ("Amazon Elastic Compute Cloud", pa.string()),
    }
    for name, (value, kind) in columns.items():
        values = table[name].to_pylist()
        values[row] = value
        table = _with(table, name, pa.array(values, kind))
    path = _write(table, tmp_path / "landing")
    result = run_dbt(["run", "--select", "+base_focus__delivery_days"], tmp_path / "landing", tmp_path / "work")
    assert result.returncode != 0
    assert f"FOCUS file {path}: column BilledCost is nan" in result.output and "expected a finite number" in result.output


def test_all_null_columns_of_any_parquet_type_are_accepted(tmp_path: Path) -> None:
    table = _focus_table()
    n = table.num_rows
    table = _with(table, "Tags", pa.nulls(n))  # written by pyarrow as the Parquet null type
    table = _with(table, "ResourceId", pa.nulls(n))
    table = _with(table, "ListCost", pa.nulls(n, pa.float64()))
    _write(table, tmp_path / "landing")
    result = run_dbt(FOCUS_ONLY, tmp_path / "landing", tmp_path / "work")
    assert result.returncode == 0, result.output[-3000:]
    assert result.query("select count(*), count(tags), count(resource_id) from main_staging.stg_focus__charges")[0] == (n, 0, 0)


def test_a_null_billing_period_start_is_reported_with_the_file(tmp_path: Path) -> None:
    table = _focus_table()
    starts = table["BillingPeriodStart"].to_pylist()
    starts[0] = None
    path = _write(_with(table, "BillingPeriodStart", pa.array(starts, pa.timestamp("us"))), tmp_path / "landing")
    result = run_dbt(FOCUS_ONLY, tmp_path / "landing", tmp_path / "work")
    assert result.returncode != 0
    assert f"FOCUS file {path}: column BillingPeriodStart is null" in result.output


def test_utc_adjusted_parquet_timestamps_stay_utc(tmp_path: Path) -> None:
    table = _focus_table()
    for name in ("ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd"):
        table = _with(table, name, table[name].cast(pa.timestamp("us", tz="UTC")))
    _write(table, tmp_path / "landing")
    result = run_dbt(FOCUS_ONLY, tmp_path / "landing", tmp_path / "work", {"TZ": "America/Los_Angeles"})
    assert result.returncode == 0, result.output[-3000:]
    assert str(result.query("select min(charge_period_start) from main_staging.stg_focus__charges")[0][0]) == "2026-08-01 00:00:00"


def test_cur_files_are_named_as_cur_with_what_to_export_instead(tmp_path: Path) -> None:
    """A CUR 2.0 file and a legacy CUR file dropped where FOCUS goes (issue 17): one line each
    naming the format, not a "missing required FOCUS column" per column. Column names from the
    AWS Data Exports user guide (CUR 2.0 table dictionary; migrating from legacy CUR)."""
    landing = tmp_path / "landing"
    cur2 = pa.table(
        {
            "identity_line_item_id": ["a"],
            "bill_billing_period_start_date": pa.array([None], pa.timestamp("ms")),
            "line_item_line_item_type": ["Usage"],
            "line_item_usage_type": ["USE1-Host:ml.m5.large"],
            "line_item_unblended_cost": [1.5],
            "resource_tags": pa.array([[("user_team", "nlp")]], pa.map_(pa.string(), pa.string())),
        }
    )
    cur2_path = _write(cur2, landing, "cur2-00001.snappy.parquet")
    legacy = landing / "focus" / "legacy" / "data" / "BILLING_PERIOD=2026-08" / "legacy-00001.csv"
    legacy.parent.mkdir(parents=True)
    legacy.write_text("identity/LineItemId,lineItem/LineItemType,lineItem/UsageType,lineItem/UnblendedCost\na,Usage,USE1-Host:ml.m5.large,1.5\n")
    result = run_dbt(FOCUS_ONLY, landing, tmp_path / "work")
    assert result.returncode != 0
    assert f"{cur2_path.relative_to(landing / 'focus')}: this is an AWS CUR 2.0 file" in result.output
    assert "legacy-00001.csv: this is a legacy AWS Cost and Usage Report (CUR) file" in result.output
    assert "FOCUS 1.2 with AWS columns" in result.output
    assert "CUR 2.0 exports are read from cur2/<export-name>/, not focus/" in result.output
    assert "missing required FOCUS column" not in result.output
