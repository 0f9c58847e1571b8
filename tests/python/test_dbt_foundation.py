"""dbt on real inputs: the demo, the official FOCUS sample, billing-only landings and bad input."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import FACT_AND_UPSTREAM, FOCUS_SAMPLE, PROJECT, SHARED_FOCUS_SAMPLE, DbtResult, manifest_files, run_dbt, write_demo

FOCUS_ONLY = ["run", "--select", "+stg_focus__deliveries"]


def _raw_sagemaker_totals(files: list[Path]) -> dict[str, tuple[float, float, float]]:
    """SageMaker totals per billing period computed straight from Parquet, independently of dbt."""
    con = duckdb.connect()
    rows = con.execute(
        f"""select strftime(BillingPeriodStart, '%Y-%m'), sum(EffectiveCost), sum(BilledCost), sum(ListCost)
            from read_parquet({[str(f) for f in files]})
            where x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans') group by 1"""
    ).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _fact_totals(build: DbtResult) -> dict[str, tuple[float, float, float]]:
    rows = build.query("select billing_period, sum(effective_cost), sum(billed_cost), sum(list_cost) from main.fct_ml_costs group by 1")
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_demo_build_conserves_cost_and_counts_only_the_latest_delivery(demo_landing: Path, demo_build: DbtResult) -> None:
    data = demo_landing / "focus/ml-focus-export/data"
    latest = manifest_files(demo_landing)  # the latest manifest's file list, read here
    superseded = [f for f in data.rglob("*.parquet") if f not in latest]
    assert superseded, "the demo must deliver a billing period twice"
    expected = _raw_sagemaker_totals(latest)
    both = _raw_sagemaker_totals(latest + superseded)
    actual = _fact_totals(demo_build)
    assert actual.keys() == expected.keys()
    for period, values in expected.items():
        assert actual[period] == pytest.approx(values, abs=0.01)
    assert abs(both["2026-11"][0] - actual["2026-11"][0]) > 1.0  # counting the old delivery too would show
    fact_rows = demo_build.query("select count(distinct charge_id) from main.fct_ml_costs")[0][0]
    raw_rows = (
        duckdb.connect()
        .execute(
            f"select count(*) from read_parquet({[str(f) for f in latest]}) where x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans')"
        )
        .fetchone()[0]
    )
    assert fact_rows == raw_rows


def test_a_new_warehouse_is_written_in_the_profiles_storage_format(demo_build: DbtResult) -> None:
    """profiles.yml.example sets DuckDB's storage_compatibility_version for a new warehouse file
    (docs/performance.md: the wide tables are written faster in the v1.3+ formats; docs/bi.md: readers
    need that DuckDB or later). Without the setting DuckDB writes its v0.10.2-compatible default."""
    profile = (PROJECT / "profiles.yml.example").read_text()
    found = re.search(r"storage_compatibility_version: \"\{\{ env_var\('ML_COST_DUCKDB_STORAGE_VERSION', '(v[0-9.]+)'\) \}\}\"", profile)
    assert found, "profiles.yml.example: storage_compatibility_version with its ML_COST_DUCKDB_STORAGE_VERSION default"
    expected = os.environ.get("ML_COST_DUCKDB_STORAGE_VERSION", found.group(1))
    written = demo_build.query("select tags['storage_version'] from duckdb_databases() where database_name = current_database()")
    assert written == [(f"{expected}+",)]


def test_the_build_runs_without_duckdbs_arrow_lambdas() -> None:
    """profiles.yml.example turns off DuckDB's deprecated `x -> ...` lambdas, as DuckDB 2.0 does by
    default (docs/performance.md "DuckDB 2.0.1"), so every build of the tests fails on an arrow
    lambda on DuckDB 1.5 already. The setting is checked here; the builds check the SQL."""
    settings = yaml.safe_load((PROJECT / "profiles.yml.example").read_text())["ml_cost"]["outputs"]["duckdb"]["settings"]
    assert settings.get("lambda_syntax") == "DISABLE_SINGLE_ARROW", "profiles.yml.example: lambda_syntax in the duckdb settings"
    con = duckdb.connect(config={"lambda_syntax": "DISABLE_SINGLE_ARROW"})
    assert con.execute("select list_transform([1, 2], lambda x: x + 1)").fetchone() == ([2, 3],)
    with pytest.raises(duckdb.BinderException, match="lambda"):
        con.execute("select list_transform([1, 2], x -> x + 1)")


def test_demo_excludes_non_sagemaker_spend(demo_build: DbtResult) -> None:
    assert demo_build.query("select count(*) from main.fct_ml_costs where service_name like '%Elastic Compute%'")[0][0] == 0
    assert demo_build.query("select count(*) from main.fct_ml_costs where lower(usage_type) like '%boxusage%'")[0][0] == 0


def test_committed_focus_sample_is_the_official_file() -> None:
    digest = hashlib.sha256(FOCUS_SAMPLE.read_bytes()).hexdigest()
    if SHARED_FOCUS_SAMPLE.exists():
        assert digest == hashlib.sha256(SHARED_FOCUS_SAMPLE.read_bytes()).hexdigest()
    assert FOCUS_SAMPLE.stat().st_size == 701_800


def test_real_focus_sample_builds_and_accounts_for_every_dollar(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "focus").mkdir(parents=True)
    shutil.copy(FOCUS_SAMPLE, landing / "focus" / FOCUS_SAMPLE.name)
    # the fact table and everything upstream (no SageMaker rows in the sample: the reports would be empty)
    result = run_dbt(["build", *FACT_AND_UPSTREAM], landing, tmp_path / "work")
    assert result.returncode == 0, result.output[-5000:]
    with FOCUS_SAMPLE.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    billed = sum(float(r["BilledCost"]) for r in rows if r["BilledCost"] != "NULL")
    effective = sum(float(r["EffectiveCost"]) for r in rows if r["EffectiveCost"] != "NULL")
    staged = result.query("select count(*), sum(billed_cost), sum(effective_cost) from main_staging.stg_focus__charges")[0]
    assert staged[0] == len(rows) == 942
    assert staged[1] == pytest.approx(billed, abs=1e-6)
    assert staged[2] == pytest.approx(effective, abs=1e-6)
    assert result.query("select count(*) from main.fct_ml_costs")[0][0] == 0  # no SageMaker rows in the sample
    tags = result.query("select count(*) from main_staging.stg_focus__charges where tags['environment'] is not null")[0][0]
    assert tags > 0  # CSV JSON tags became a map
    # the delivery days against the file itself: every day's rows, and its rows in scope (S3, CloudWatch
    # and ECR here) counted and fingerprinted apart; the days without any get zeros
    related = ("Amazon Simple Storage Service", "AmazonCloudWatch")
    expected: Counter[str] = Counter()
    expected_in_scope: Counter[str] = Counter()
    for r in rows:
        day = r["ChargePeriodStart"][:10]
        expected[day] += 1
        service = r["ServiceName"]
        expected_in_scope[day] += service in related or service.startswith("Amazon EC2 Container Registry") or "sagemaker" in service.lower()
    days = result.query(
        "select cast(charge_date as varchar), row_count, in_scope_row_count, in_scope_content_count, cast(in_scope_fingerprint as varchar)"
        " from main_staging.base_focus__delivery_days"
    )
    assert {d: n for d, n, *_ in days} == dict(expected)
    assert {d: n for d, _, n, *_ in days} == {d: expected_in_scope[d] for d in expected}
    empty = [d for d, _, n, c, f in days if n == 0]
    assert len(empty) == 2 and all((c, f) == (0, "0") for _, _, n, c, f in days if n == 0)  # 2024-09-03 and 2024-09-22
    assert all(0 < c <= n and f != "0" for _, _, n, c, f in days if n > 0)


def test_billing_only_landing_builds_and_attributes_by_billing_tags(tmp_path: Path) -> None:
    landing = write_demo(tmp_path / "landing", "--billing-only")
    assert not (landing / "sagemaker").exists()
    # the fact table, the coverage gate and everything upstream
    result = run_dbt(
        ["build", "--select", "+fct_ml_costs", "+int_ml_daily_costs_summarized", "+rpt_tag_coverage_resources", "--indirect-selection", "cautious"],
        landing,
        tmp_path / "work",
    )
    assert result.returncode == 0, result.output[-5000:]
    assert "no SageMaker metadata landed" in result.output  # the gate says why it only reports
    sources = {r[0] for r in result.query("select distinct team_source from main.fct_ml_costs")}
    # metadata-based steps find nothing; name-pattern rules need no metadata and still apply
    assert "billing_tags" in sources
    assert all(s in {"billing_tags", "unattributed"} or s.startswith("rule:") for s in sources), sources
    assert result.query("select count(*) from main.fct_ml_costs where match_method not in ('unmatched', 'no_resource')")[0][0] == 0


def _scoped_ids(tmp_path: Path, name: str, table: pa.Table) -> DbtResult:
    landing = tmp_path / name
    data = landing / "focus/export/data/BILLING_PERIOD=2026-08/part-1.parquet"
    data.parent.mkdir(parents=True)
    pq.write_table(table, data)
    result = run_dbt(["run", "--select", "+int_charges_scoped"], landing, tmp_path / f"work-{name}")
    assert result.returncode == 0, result.output[-5000:]
    return result


def test_identical_rows_of_a_day_keep_their_own_ids_and_the_first_keeps_its_id(tmp_path: Path) -> None:
    """Identical rows of a day (a real export may repeat a line) are numbered by file and row, so
    each keeps its own charge_id and the first one's id does not change when copies arrive. The
    demo never writes identical rows, so this is the only check of the repeated-content path."""
    from ml_cost_demo.account import Account
    from ml_cost_demo.organisation import build

    acct = Account(copy=0, hours=48)
    build(acct)
    table = acct.focus.to_table()
    is_sagemaker = pa.compute.equal(table["x_ServiceCode"], "AmazonSageMaker")
    # a SageMaker row first: its row key '0' sorts before the appended copies' keys
    table = pa.concat_tables([table.filter(is_sagemaker), table.filter(pa.compute.invert(is_sagemaker))])
    repeated = pa.concat_tables([table, table.slice(0, 1), table.slice(0, 1)])

    once, thrice = _scoped_ids(tmp_path, "once", table), _scoped_ids(tmp_path, "thrice", repeated)
    ids_once = dict(once.query("select source_row_key, charge_id from main_intermediate.int_charges_scoped"))
    ids_thrice = dict(thrice.query("select source_row_key, charge_id from main_intermediate.int_charges_scoped"))
    assert len(set(ids_thrice.values())) == len(ids_thrice) == len(ids_once) + 2  # every row its own id
    assert {k: ids_thrice[k] for k in ids_once} == ids_once  # no row already there changed its id
    copies = {str(table.num_rows), str(table.num_rows + 1)}
    assert copies <= ids_thrice.keys() and not copies & ids_once.keys()
    # an independent reading of the file: the SageMaker cost of the scoped rows is the file's
    landed = (
        duckdb.connect()
        .execute(
            f"select sum(EffectiveCost) from read_parquet('{tmp_path}/thrice/focus/export/data/*/*.parquet') where x_ServiceCode = 'AmazonSageMaker'"
        )
        .fetchall()[0][0]
    )
    scoped = thrice.query("select sum(effective_cost) from main_intermediate.int_charges_scoped where x_service_code = 'AmazonSageMaker'")[0][0]
    assert scoped == pytest.approx(landed, abs=1e-6)


# --------------------------------------------------------------------------- bad input
def _write_focus_parquet(path: Path, drop: str | None = None, override: dict[str, pa.Array] | None = None) -> None:
    from ml_cost_demo.account import Account
    from ml_cost_demo.organisation import build

    acct = Account(copy=0, hours=48)
    build(acct)
    table = acct.focus.to_table()
    if drop:
        table = table.drop_columns([drop])
    for name, array in (override or {}).items():
        table = table.set_column(table.schema.get_field_index(name), name, array)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def test_missing_focus_column_names_file_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "landing/focus/export/data/BILLING_PERIOD=2026-08/part-1.parquet"
    _write_focus_parquet(bad, drop="EffectiveCost")
    result = run_dbt(FOCUS_ONLY, tmp_path / "landing", tmp_path / "work")
    assert result.returncode != 0
    assert "part-1.parquet" in result.output and "missing required FOCUS column EffectiveCost" in result.output


def test_wrong_focus_column_type_names_file_column_and_expectation(tmp_path: Path) -> None:
    bad = tmp_path / "landing/focus/export/part-2.parquet"
    _write_focus_parquet(bad)
    table = pq.read_table(bad)
    n = table.num_rows
    table = table.set_column(table.schema.get_field_index("BilledCost"), "BilledCost", pa.array([None] * n, type=pa.timestamp("us")))
    pq.write_table(table, bad)
    result = run_dbt(FOCUS_ONLY, tmp_path / "landing", tmp_path / "work")
    assert result.returncode != 0
    assert "part-2.parquet: column BilledCost has type timestamp, expected a number" in result.output


def test_unparseable_csv_timestamp_names_file_column_and_value(tmp_path: Path) -> None:
    landing = tmp_path / "landing/focus"
    landing.mkdir(parents=True)
    lines = FOCUS_SAMPLE.read_text().splitlines()
    lines[5] = lines[5].replace('"2024-09-01 00:00:00"', '"not-a-date"', 1)
    assert "not-a-date" in lines[5]
    (landing / "broken.csv").write_text("\n".join(lines) + "\n")
    result = run_dbt(FOCUS_ONLY, tmp_path / "landing", tmp_path / "work")
    assert result.returncode != 0
    assert "broken.csv" in result.output and "expected timestamp, got 'not-a-date'" in result.output


def test_empty_landing_folder_fails_with_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "landing/focus").mkdir(parents=True)
    result = run_dbt(FOCUS_ONLY, tmp_path / "landing", tmp_path / "work")
    assert result.returncode != 0
    assert "No FOCUS export found" in result.output and str(tmp_path / "landing" / "focus") in result.output


def test_empty_export_file_is_named(tmp_path: Path) -> None:
    landing = tmp_path / "landing/focus"
    landing.mkdir(parents=True)
    shutil.copy(FOCUS_SAMPLE, landing / "good.csv")
    (landing / "empty.csv").write_text("")
    result = run_dbt(FOCUS_ONLY, tmp_path / "landing", tmp_path / "work")
    assert result.returncode != 0
    assert "empty.csv: the file is empty (0 bytes)" in result.output


def test_every_usage_type_the_demo_bills_is_classified_by_a_cited_pattern(demo_landing: Path, demo_build: DbtResult) -> None:
    files = [str(f) for f in manifest_files(demo_landing)]
    billed = {
        r[0]
        for r in duckdb.connect()
        .execute(f"select distinct SkuMeter from read_parquet({files}) where x_ServiceCode = 'AmazonSageMaker' and SkuMeter is not null")
        .fetchall()
    }
    classified = {
        r[0]: (r[1], r[2])
        for r in demo_build.query("select usage_type, cost_category, taxonomy_source from main_intermediate.int_usage_types_classified")
    }
    assert billed and billed <= classified.keys()
    for usage_type in billed:
        category, source = classified[usage_type]
        assert category != "other" and source != "catch-all", usage_type
        # every string the demo bills is one the AWS CUDOS dashboard matches, except serverless
        # provisioned concurrency, which no public source spells out (seed source says UNVERIFIED)
        assert source.startswith("CUDOS") or "ProvisionedConcurrency" in usage_type, (usage_type, source)
    assert demo_build.query("select count(*) from main.rpt_unclassified_usage_types")[0][0] == 0
