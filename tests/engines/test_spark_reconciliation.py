"""The demo on Spark, reconciled with DuckDB (issue 16): `ML_COST_TARGET=spark make build` twice
(the first of the incremental models and their parents, the second of everything, incremental,
after a restated billing period arrives) and `make publish`,
then every mart compared with the DuckDB build of the same landing folder: row counts, and
totals per team, model, experiment, environment, cost category and allocation method to the
cent; the fact table also against a plain sum of the files the manifests list.

Run by `make test-spark` (part of `make test`); it needs Java 17 and installs the pinned Spark
stack into .venv-spark/ on first use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT, DbtResult, manifest_files
from reference import demo_reference, published_reference

DIMENSIONS = ("team", "model", "experiment", "environment", "cost_category", "allocation_method")
# the same dimensions in the FOCUS 1.3 dataset (fct_focus_allocated_charges), and its allocation columns
FOCUS_DIMENSIONS = (
    "x_AttributedTeam",
    "x_AttributedModel",
    "x_AttributedExperiment",
    "x_AttributedEnvironment",
    "x_CostCategory",
    "x_AllocationMethod",
    "AllocatedMethodId",
    "AllocatedResourceId",
)
CENT = 0.005


def make(targets: list[str], env: dict[str, str]) -> str:
    """`make <targets>` in the project, as a user runs it; fails the test with its output."""
    proc = subprocess.run(["make", "-s", *targets], cwd=PROJECT, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    return output


def without_newest_delivery(landing: Path, target: Path) -> Path:
    """A copy of the landing folder before its newest delivery (data and manifest) arrived."""
    shutil.copytree(landing, target)
    periods = sorted((target / "focus").glob("*/data/BILLING_PERIOD=*"))
    newest = max((folder for period in periods for folder in period.iterdir() if folder.is_dir()), key=lambda f: f.name)
    shutil.rmtree(newest)
    shutil.rmtree(Path(str(newest).replace("/data/", "/metadata/")))
    return target


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DbtResult, Path, Path, str]:
    root = tmp_path_factory.mktemp("engines")
    landing, duck = demo_reference(tmp_path_factory.getbasetemp() / "reference")
    earlier = without_newest_delivery(landing, root / "landing-earlier")
    spark = {
        "ML_COST_TARGET": "spark",
        "ML_COST_SPARK_DIR": str(root / "spark"),
        "ML_COST_EXPORT_CATALOG": str(root / "catalog"),
        "ML_COST_PUBLISH": str(root / "published-spark"),
        "DBT_TARGET_PATH": str(root / "spark-target"),
        "DBT_LOG_PATH": str(root / "spark-logs"),
    }
    # the first run builds only what the second needs to be incremental: the incremental models
    # and everything upstream (CI time: the reports are rebuilt by the second run anyway); the
    # second, incremental one builds every model and runs the project's own data tests
    # (conservation, unique_combination, the singular tests) and dbt's unit tests on Spark (their
    # fixtures are adapter-neutral). dbt's built-in not_null, unique and accepted_values run on
    # DuckDB only: their SQL is dbt's, tested by dbt-spark, and every mart is reconciled with the
    # DuckDB build row for row below (CI time: they were 168 of the 272 data tests, about a
    # third of the Spark nodes; docs/performance.md "CI cost").
    first = "--select +config.materialized:incremental --exclude test_type:data test_type:unit"
    make(["build"], {**spark, "ML_COST_LANDING": str(earlier), "DBT_ARGS": first})
    second_args = "--exclude test_name:not_null test_name:unique test_name:accepted_values"
    second = make(["build", "publish"], {**spark, "ML_COST_LANDING": str(landing), "DBT_ARGS": second_args})
    duck_published = published_reference(tmp_path_factory.getbasetemp() / "reference")
    return landing, duck, root / "published-spark", duck_published, second


def mart_folders(published: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(published.iterdir()) if p.is_dir()}


def read(folder: Path, sql: str) -> list[tuple]:
    """Run sql over the mart published in folder, as table `mart`."""
    con = duckdb.connect()
    con.execute(f"create view mart as select * from read_parquet('{folder}/*.parquet')")
    return con.execute(sql).fetchall()


def test_publish_writes_the_same_folders_on_both_engines(builds: tuple) -> None:
    _, duck, spark_published, duck_published, _ = builds
    marts = {r[0] for r in duck.query("select table_name from information_schema.tables where table_schema = 'main'")}
    assert set(mart_folders(duck_published)) == set(mart_folders(spark_published)) == marts


def test_second_spark_run_was_incremental(builds: tuple) -> None:
    *_, second = builds
    assert "OK created sql incremental model" in second and " ERROR=0 " in second
    # dbt's unit tests ran on Spark in that run
    assert "PASS rpt_cost_change_bridge::test_bridge_separates_new_gone_usage_rate_and_idle" in second
    # and the project's own data tests, the conservation tests among them; dbt's built-ins did not
    assert "PASS assert_fct_ml_costs_conserves_sagemaker_cost" in second and "PASS unique_combination_" in second
    assert "PASS not_null_" not in second


def test_every_mart_has_the_same_rows_and_totals_on_spark(builds: tuple) -> None:
    _, duck, spark_published, _, _ = builds
    differences = []
    for name, folder in mart_folders(spark_published).items():
        spark_count = read(folder, "select count(*) from mart")[0][0]
        duck_count = duck.query(f"select count(*) from main.{name}")[0][0]
        if spark_count != duck_count:
            differences.append(f"{name}: {spark_count} rows on Spark, {duck_count} on DuckDB")
        columns = {
            r[0]: r[1]
            for r in duck.query(
                f"select column_name, data_type from information_schema.columns where table_schema = 'main' and table_name = '{name}'"
            )
        }
        money = [c for c, t in columns.items() if "cost" in c.lower() and (t in ("DOUBLE", "FLOAT") or t.startswith("DECIMAL"))]
        for dimension in (d for d in DIMENSIONS + FOCUS_DIMENSIONS if d in columns):
            for column in money:
                query = f"select coalesce(cast({dimension} as varchar), '(null)'), sum({column}) from {{}} group by 1"
                on_spark = dict(read(folder, query.format("mart")))
                on_duckdb = dict(duck.query(query.format(f"main.{name}")))
                for key in on_spark.keys() | on_duckdb.keys():
                    a, b = on_spark.get(key) or 0.0, on_duckdb.get(key) or 0.0
                    if abs(a - b) > CENT:
                        differences.append(f"{name}.{column} for {dimension} = {key}: {a} on Spark, {b} on DuckDB")
    assert not differences, "\n".join(differences[:40])


def test_spark_fact_total_equals_a_plain_sum_of_the_manifest_files(builds: tuple) -> None:
    landing, _, spark_published, _, _ = builds
    files = [str(f) for f in manifest_files(landing)]
    expected = dict(
        duckdb.connect()
        .execute(
            f"select strftime(BillingPeriodStart, '%Y-%m'), round(sum(EffectiveCost), 2) from read_parquet({files})"
            " where x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans') group by 1"
        )
        .fetchall()
    )
    actual = dict(read(spark_published / "fct_ml_costs", "select billing_period, round(sum(effective_cost), 2) from mart group by 1"))
    assert actual.keys() == expected.keys()
    for period, total in expected.items():
        assert actual[period] == pytest.approx(total, abs=0.01), period
