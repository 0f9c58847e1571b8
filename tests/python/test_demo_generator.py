"""The demo generator: deterministic, and it contains every case the pipeline must handle."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import manifest_files, write_demo
from ml_cost_extract.landing import TABLES
from ml_cost_tools import dbt_codegen


def _digest(landing: Path) -> dict[str, str]:
    out = {}
    for path in sorted(landing.rglob("*.parquet")):
        table = pq.read_table(path)
        out[str(path.relative_to(landing))] = hashlib.sha256(str(table.to_pylist()).encode()).hexdigest()
    return out


def test_two_runs_write_identical_data(tmp_path: Path) -> None:
    first = _digest(write_demo(tmp_path / "a"))
    second = _digest(write_demo(tmp_path / "b"))
    assert first == second
    assert len(first) > 50


def _focus(landing: Path) -> duckdb.DuckDBPyRelation:
    con = duckdb.connect()
    return con, f"read_parquet('{landing}/focus/**/*.parquet', filename = true)"


def test_demo_covers_the_cases_the_pipeline_must_handle(demo_landing: Path) -> None:
    con, _ = _focus(demo_landing)
    latest_files = [str(f) for f in manifest_files(demo_landing)]
    latest = f"(select * from read_parquet({latest_files}))"
    q = lambda sql: con.execute(sql.format(f=latest)).fetchall()  # noqa: E731
    days = q("select count(distinct cast(ChargePeriodStart as date)) from {f}")[0][0]
    assert days >= 60
    categories = {r[0] for r in q("select distinct SkuMeter from {f} where x_ServiceCode = 'AmazonSageMaker'") if r[0]}
    for needle in (
        "-Train:",
        "-TrSpt:",
        "-TrainWarmPool:",
        "-Host:ml.",
        "-ProvisionedConcurrency:",
        "-AsyncInf:",
        "-Tsform:",
        "-Processing:",
        "-Notebk:",
        "-Studio:",
        "VolumeUsage",
        "Data-Bytes",
        "DataTransfer",
    ):
        assert any(needle in c for c in categories), needle
    assert q("select count(*) from {f} where PricingCategory = 'Committed' and CommitmentDiscountStatus = 'Used'")[0][0] > 0
    assert q("select count(*) from {f} where CommitmentDiscountStatus = 'Unused'")[0][0] > 0
    assert q("select count(*) from {f} where ChargeCategory = 'Purchase'")[0][0] > 0
    assert q("select count(*) from {f} where ChargeCategory = 'Credit'")[0][0] == 1
    assert q("select count(*) from {f} where ChargeClass = 'Correction'")[0][0] == 1
    assert q("select count(*) from {f} where x_ServiceCode = 'AmazonEC2' and SkuMeter like '%g5%'")[0][0] > 0
    for service in ("AmazonS3", "AmazonECR", "AmazonCloudWatch"):
        assert q(f"select count(*) from {{f}} where x_ServiceCode = '{service}'")[0][0] > 0
    keys = {r[0] for r in q("select distinct unnest(map_keys(Tags)) from {f}")}
    assert {"ml:team", "ml:model", "ml:environment", "Environment"} <= keys
    assert "ml:experiment" not in keys  # a key never activated for billing
    assert q("select count(*) from {f} where x_ServiceCode = 'AmazonSageMaker' and Tags is null")[0][0] > 0
    teams = {r[0] for r in q("select distinct Tags['ml:team'] from {f} where Tags['ml:team'] is not null")}
    assert len(teams) >= 3


def test_demo_delivers_one_billing_period_twice_in_the_data_exports_layout(demo_landing: Path) -> None:
    export = demo_landing / "focus/ml-focus-export"
    folders = sorted(p.name for p in (export / "data/BILLING_PERIOD=2026-11").iterdir())
    assert len(folders) == 2
    # create new version: data and manifest of each delivery in a <timestamp>-<execution-id> folder
    for folder in folders:
        manifest = json.loads((export / "metadata/BILLING_PERIOD=2026-11" / folder / "ml-focus-export-Manifest.json").read_text())
        # the documented top-level fields of the Data Exports manifest, and nothing invented
        assert set(manifest) == {"executionId", "exportArn", "columns", "dataFiles", "additionalOutputFiles"}
        assert folder.endswith(manifest["executionId"])
        assert all(f.startswith("s3://") and f"/ml-focus-export/data/BILLING_PERIOD=2026-11/{folder}/" in f for f in manifest["dataFiles"])
        assert {c["name"] for c in manifest["columns"]} >= {"BilledCost", "SkuMeter", "Tags", "x_ServiceCode"}


def test_overwrite_mode_demo_rewrites_chunks_in_place(tmp_path: Path) -> None:
    landing = write_demo(tmp_path / "landing", "--export-mode", "overwrite", "--billing-only")
    export = landing / "focus/ml-focus-export"
    period = export / "data/BILLING_PERIOD=2026-11"
    assert sorted(p.name for p in period.iterdir()) == ["ml-focus-export-00001.snappy.parquet"]
    manifest = json.loads((export / "metadata/BILLING_PERIOD=2026-11/ml-focus-export-Manifest.json").read_text())
    assert manifest["dataFiles"] == ["s3://demo-billing-exports/cur/ml-focus-export/data/BILLING_PERIOD=2026-11/ml-focus-export-00001.snappy.parquet"]


def test_demo_metadata_has_shared_endpoints_and_metrics(demo_landing: Path) -> None:
    con = duckdb.connect()
    models = con.execute(f"select container_mode, count(*) from read_parquet('{demo_landing}/sagemaker/models/**/*.parquet') group by all").fetchall()
    assert dict(models).get("MultiModel", 0) > 0
    targets = con.execute(
        f"select count(distinct target_model) from read_parquet('{demo_landing}/cloudwatch/invocations/**/*.parquet') "
        "where metric_name = 'InvocationsPerModel'"
    ).fetchone()[0]
    assert targets >= 3
    assert con.execute(f"select count(*) from read_parquet('{demo_landing}/sagemaker/inference_components/**/*.parquet')").fetchone()[0] > 0
    variants = con.execute(
        f"select endpoint_name, count(distinct variant_name) from read_parquet('{demo_landing}/sagemaker/endpoints/**/*.parquet') group by all"
    ).fetchall()
    assert max(v for _, v in variants) >= 2
    model_names = {
        r[0]
        for r in con.execute(
            f"select distinct tag_value from read_parquet('{demo_landing}/sagemaker/tags/**/*.parquet') where tag_key = 'ml:model'"
        ).fetchall()
    }
    assert len(model_names) >= 8


def test_landing_files_match_the_contract(demo_landing: Path) -> None:
    for table in TABLES:
        files = list((demo_landing / table.area / table.name).rglob("*.parquet"))
        assert files, table.name
        for path in files:
            assert pq.read_schema(path).names == table.schema.names, path


def test_generated_dbt_files_are_in_sync() -> None:
    assert dbt_codegen.main(["--check", str(Path(__file__).resolve().parents[2])]) == 0


def test_a_misspelled_column_fails_naming_the_table_and_the_key(tmp_path: Path) -> None:
    """pyarrow drops keys that are not columns; the landing contract refuses them (issue 15)."""
    from ml_cost_extract.landing import TABLES_BY_NAME, write_table

    table = TABLES_BY_NAME["tags"]
    good = {"resource_arn": "arn:aws:sagemaker:us-east-1:1:endpoint/x", "tag_key": "ml:team", "tag_value": "fraud"}
    assert write_table(tmp_path / "ok.parquet", table, [good]) == 1
    with pytest.raises(ValueError, match=r"sagemaker/tags: unknown column\(s\) tag_valeu"):
        write_table(tmp_path / "bad.parquet", table, [{**good, "tag_valeu": "typo"}])
    assert not (tmp_path / "bad.parquet").exists()


def test_all_services_workload_adds_only_other_services_and_keeps_history(tmp_path: Path) -> None:
    """The benchmark's all-services workload (--other-services): the ML rows are the demo's own,
    untouched; the rest are services the pipeline must read past (about 95% of the rows); and
    one more day of it leaves the earlier rows as they were (the incremental bench step)."""
    in_scope = "('AmazonSageMaker', 'MachineLearningSavingsPlans', 'AmazonS3', 'AmazonECR', 'AmazonCloudWatch')"
    plain = write_demo(tmp_path / "plain", "--billing-only", "--days", "20")
    mixed = write_demo(tmp_path / "mixed", "--billing-only", "--days", "20", "--other-services", "40")
    longer = write_demo(tmp_path / "longer", "--billing-only", "--days", "21", "--other-services", "40")
    con = duckdb.connect()

    def rows(landing: Path, where: str) -> list[tuple[object, ...]]:
        sql = f"select * exclude (InvoiceId) from read_parquet('{landing}/focus/**/*.parquet') where {where} order by all"
        return con.execute(sql).fetchall()

    ml = "x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans')"
    assert rows(mixed, ml) == rows(plain, ml)

    def per_service(landing: Path) -> dict[str, int]:
        sql = f"select x_ServiceCode, count(*) from read_parquet('{landing}/focus/**/*.parquet') group by all"
        return dict(con.execute(sql).fetchall())

    added = {s: n - per_service(plain).get(s, 0) for s, n in per_service(mixed).items()}
    services = {s for s, n in added.items() if n}
    assert {"AmazonRDS", "AWSLambda", "AmazonDynamoDB", "AWSDataTransfer", "AmazonEC2"} <= services
    assert not services & {"AmazonSageMaker", "MachineLearningSavingsPlans", "AmazonECR", "AmazonCloudWatch"}
    share = con.execute(
        f"select avg(case when x_ServiceCode in {in_scope} then 1.0 else 0.0 end) from read_parquet('{mixed}/focus/**/*.parquet')"
    ).fetchone()
    assert share is not None and share[0] < 0.5  # 40 series a copy over 20 days outweigh the ML rows
    # before both runs' early (restated) delivery of the open month cuts off: 2026-08-13 and 08-14
    before_last_day = "ChargePeriodStart < timestamp '2026-08-13' and x_ServiceCode in ('AmazonRDS', 'AWSLambda', 'AmazonDynamoDB')"
    assert rows(longer, before_last_day) == rows(mixed, before_last_day)
    assert rows(mixed, before_last_day)
