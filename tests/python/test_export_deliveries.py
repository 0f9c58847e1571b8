"""Issue 13 acceptance: on copies of the demo landing, in both export modes, the AWS Data Exports
manifests decide which files count. Totals are checked against an independent reading of the
files the latest manifests list (conftest.manifest_files), not only against staging."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest
from conftest import DbtResult, manifest_files, run_dbt, write_demo

EXPORT = "focus/ml-focus-export"
SAGEMAKER = "x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans')"
FOCUS_ONLY = ["run", "--select", "+stg_focus__charges"]


@pytest.fixture(scope="module")
def overwrite_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("overwrite") / "landing", "--export-mode", "overwrite")


def _landing(mode: str, demo_landing: Path, overwrite_landing: Path, tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    shutil.copytree(demo_landing if mode == "create-new" else overwrite_landing, landing)
    return landing


def _raw_totals(files: list[Path]) -> dict[str, float]:
    rows = duckdb.connect().execute(
        f"select strftime(BillingPeriodStart, '%Y-%m'), sum(EffectiveCost) from read_parquet({[str(f) for f in files]}) where {SAGEMAKER} group by 1"
    )
    return dict(rows.fetchall())


def _fact_totals(build: DbtResult) -> dict[str, float]:
    return dict(build.query("select billing_period, sum(effective_cost) from main.fct_ml_costs group by 1"))


def _staged_totals(build: DbtResult) -> dict[str, float]:
    where = SAGEMAKER.replace("x_ServiceCode", "x_service_code")
    return dict(build.query(f"select billing_period, sum(effective_cost) from main_staging.stg_focus__charges where {where} group by 1"))


def _assert_equal(actual: dict[str, float], expected: dict[str, float]) -> None:
    assert actual.keys() == expected.keys()
    for period, cost in expected.items():
        assert actual[period] == pytest.approx(cost, abs=0.01), period


def _period_files(landing: Path, period: str) -> list[Path]:
    return sorted((landing / EXPORT / "data" / f"BILLING_PERIOD={period}").rglob("*.parquet"))


@pytest.mark.parametrize("mode", ["create-new", "overwrite"])
def test_touched_files_and_stale_chunks_change_no_total(
    mode: str, demo_landing: Path, overwrite_landing: Path, demo_build: DbtResult, tmp_path: Path
) -> None:
    landing = _landing(mode, demo_landing, overwrite_landing, tmp_path)
    expected = _raw_totals(manifest_files(landing))
    listed = set(manifest_files(landing))
    now = time.time() + 3600
    # an old open-month chunk, restored from a backup next to the current ones, then everything
    # not listed is touched so that it is the newest by modification time
    old_open_month = next(f for f in _period_files(demo_landing, "2026-11") if f not in set(manifest_files(demo_landing)))
    open_month_folder = next(f for f in listed if "BILLING_PERIOD=2026-11" in str(f)).parent
    shutil.copy(old_open_month, open_month_folder / "ml-focus-export-00002.snappy.parquet")
    # a leftover chunk of September copied into September's current delivery folder
    september = next(f for f in listed if "BILLING_PERIOD=2026-09" in str(f))
    stale = september.with_name("ml-focus-export-00007.snappy.parquet")
    shutil.copy(september, stale)
    for f in (landing / EXPORT).rglob("*"):
        if f.is_file() and f not in listed:
            os.utime(f, (now, now))
    # the independent reading of everything that is there counts September twice
    doubled = _raw_totals([*listed, stale])
    assert doubled["2026-09"] == pytest.approx(2 * expected["2026-09"], abs=0.01)

    build = run_dbt(
        ["build", "--select", "+fct_ml_costs", "+rpt_ignored_export_files", "--indirect-selection", "cautious"], landing, tmp_path / "work"
    )
    assert build.returncode == 0, build.output[-5000:]  # includes the conservation tests
    _assert_equal(_fact_totals(build), expected)
    _assert_equal(_fact_totals(build), _fact_totals(demo_build) if mode == "create-new" else expected)
    ignored = dict(build.query("select source_file, reason from main.rpt_ignored_export_files"))
    assert "not listed by any manifest of BILLING_PERIOD=2026-09" in ignored[stale.relative_to(landing / "focus").as_posix()]
    assert any("BILLING_PERIOD=2026-11" in k and k.endswith("-00002.snappy.parquet") for k in ignored)


def test_create_new_and_overwrite_exports_give_the_same_totals(demo_build: DbtResult, overwrite_landing: Path, tmp_path: Path) -> None:
    build = run_dbt(FOCUS_ONLY, overwrite_landing, tmp_path / "work")
    assert build.returncode == 0, build.output[-5000:]
    _assert_equal(_staged_totals(build), _fact_totals(demo_build))


def test_incomplete_latest_delivery_falls_back_to_the_earlier_complete_one_and_warns(demo_landing: Path, tmp_path: Path) -> None:
    landing = _landing("create-new", demo_landing, demo_landing, tmp_path)
    open_month = _period_files(landing, "2026-11")
    early, late = open_month[0], open_month[-1]
    late.unlink()  # the sync of the final open-month delivery was interrupted
    build = run_dbt(FOCUS_ONLY, landing, tmp_path / "work")
    assert build.returncode == 0, build.output[-5000:]
    missing = late.relative_to(landing / "focus").as_posix()
    assert "WARNING [FOCUS export] BILLING_PERIOD=2026-11: the latest manifest" in build.output and missing in build.output
    assert _staged_totals(build)["2026-11"] == pytest.approx(_raw_totals([early])["2026-11"], abs=0.01)
    test = run_dbt(["build", "--select", "stg_focus__export_files"], landing, tmp_path / "work")
    assert test.returncode == 0 and "WARN 1 all_null_stg_focus__export_files_warning" in test.output, test.output[-3000:]


@pytest.mark.parametrize("mode", ["create-new", "overwrite"])
def test_listed_file_absent_without_an_earlier_delivery_fails_naming_period_and_file(
    mode: str, demo_landing: Path, overwrite_landing: Path, tmp_path: Path
) -> None:
    landing = _landing(mode, demo_landing, overwrite_landing, tmp_path)
    (gone,) = _period_files(landing, "2026-09")
    gone.unlink()
    build = run_dbt(FOCUS_ONLY, landing, tmp_path / "work")
    assert build.returncode != 0
    assert "BILLING_PERIOD=2026-09" in build.output and gone.relative_to(landing / "focus").as_posix() in build.output
    assert "no earlier complete delivery" in build.output
