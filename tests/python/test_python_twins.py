"""The SQL twins of the three Python models give the same rows on DuckDB (issue 16): where
dbt cannot run Python models (Spark in session mode, Athena), the twins build these tables."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import BIN, DbtResult, run_dbt

TWINS = ("base_focus__export_files", "rpt_budget_forecast", "rpt_cost_anomalies")
SCHEMAS = {"base_focus__export_files": "main_staging", "rpt_budget_forecast": "main", "rpt_cost_anomalies": "main"}


@pytest.fixture(scope="module")
def twins_build(demo_landing: Path, demo_build: DbtResult, tmp_path_factory: pytest.TempPathFactory) -> DbtResult:
    workdir = tmp_path_factory.mktemp("twins")
    shutil.copy(demo_build.warehouse, workdir / "warehouse.duckdb")
    catalog = workdir / "catalog"
    subprocess.run([str(BIN / "ml-cost-export-catalog"), "--landing", str(demo_landing), "--out", str(catalog)], check=True, capture_output=True)
    result = run_dbt(["run", "-s", *TWINS, "--vars", "{python_models: false}"], demo_landing, workdir, {"ML_COST_EXPORT_CATALOG": str(catalog)})
    assert result.returncode == 0, result.output[-5000:]
    assert "sql table model main.rpt_cost_anomalies" in result.output  # the twin, not the Python model
    return result


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        # rounding to the micro-dollar: numpy rounds half to even, DuckDB half away from zero
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=2e-6)
    return a == b


@pytest.mark.parametrize("model", TWINS)
def test_sql_twin_gives_the_same_rows_as_the_python_model(model: str, demo_build: DbtResult, twins_build: DbtResult) -> None:
    table = f"{SCHEMAS[model]}.{model}"
    listing = (
        "select column_name from information_schema.columns"
        f" where table_schema = '{SCHEMAS[model]}' and table_name = '{model}' order by ordinal_position"
    )
    columns = [r[0] for r in demo_build.query(listing)]
    assert columns == [r[0] for r in twins_build.query(listing)]
    key = ", ".join(columns[:3])
    python_rows = demo_build.query(f"select {', '.join(columns)} from {table} order by {key}")
    sql_rows = twins_build.query(f"select {', '.join(columns)} from {table} order by {key}")
    assert python_rows, f"{model} is empty on the demo"
    assert len(python_rows) == len(sql_rows)
    differences = [
        (columns[i], p, s)
        for p_row, s_row in zip(python_rows, sql_rows, strict=True)
        for i, (p, s) in enumerate(zip(p_row, s_row, strict=True))
        if not same(p, s)
    ]
    assert not differences, differences[:10]
