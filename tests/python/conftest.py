"""Shared fixtures: run dbt as a user would (a subprocess), on landing folders made here."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT = Path(__file__).resolve().parents[2]
# The official FOCUS 1.0 sample (AWS rows, CC BY 4.0; see tests/fixtures/focus-sample/README_SOURCE.md),
# committed so the tests run on real data everywhere; identical to ../shared/data/focus-sample when present.
FOCUS_SAMPLE = PROJECT / "tests" / "fixtures" / "focus-sample" / "focus_1.0_sample_aws_only.csv"
SHARED_FOCUS_SAMPLE = PROJECT.parent / "shared" / "data" / "focus-sample" / "focus_1.0_sample_aws_only.csv"
BIN = Path(sys.executable).parent


@dataclass
class DbtResult:
    returncode: int
    output: str
    warehouse: Path

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


@functools.cache
def parsed_project() -> Path:
    """A dbt target folder holding partial_parse.msgpack for this project, parsed once per session.

    Every run_dbt starts from it, so dbt re-parses only what a test changes (its --vars, the
    files that read its environment) instead of the whole project: about 9 s less per dbt
    command, some 40 commands per suite. The profile must render the same for this to hold,
    so the warehouse and spill folder are relative paths (dbt runs in the test's folder)."""
    target = Path(tempfile.mkdtemp(prefix="ml-cost-parsed-"))
    # removed when the test process ends (each pytest process parses its own), not left in /tmp
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    env = _dbt_env(PROJECT / "data" / "landing", target, target)
    command = [str(BIN / "dbt"), "parse", "--project-dir", str(PROJECT)]
    proc = subprocess.run(command, cwd=target, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return target / "target"


def _dbt_env(landing: Path, workdir: Path, profiles_parent: Path, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    profiles = profiles_parent / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "profiles.yml.example", profiles / "profiles.yml")
    return {
        **os.environ,
        "ML_COST_LANDING": str(landing),
        # relative to the test's folder, where dbt runs: the profile renders the same everywhere
        "ML_COST_WAREHOUSE": "warehouse.duckdb",
        "ML_COST_DUCKDB_TEMP_DIR": "tmp",
        "DBT_PROFILES_DIR": str(profiles),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **(extra_env or {}),
    }


def run_dbt(args: list[str], landing: Path, workdir: Path, extra_env: dict[str, str] | None = None, *, unit_tests: bool = False) -> DbtResult:
    """Run `dbt <args>` on `landing` with a warehouse, target and logs under `workdir`.

    dbt's unit tests do not read the landing folder: `demo_build` runs them (unit_tests=True);
    every other `dbt build` here leaves them out, which saves about 8 s of CI per build."""
    if args[:1] == ["build"] and not unit_tests:
        args = [*args, "--exclude", "test_type:unit"]
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / "target"
    if not (target / "partial_parse.msgpack").exists():
        target.mkdir(exist_ok=True)
        shutil.copy(parsed_project() / "partial_parse.msgpack", target / "partial_parse.msgpack")
    env = _dbt_env(landing, workdir, workdir, extra_env)
    proc = subprocess.run([str(BIN / "dbt"), *args, "--project-dir", str(PROJECT)], cwd=workdir, env=env, capture_output=True, text=True, check=False)
    return DbtResult(proc.returncode, proc.stdout + proc.stderr, workdir / "warehouse.duckdb")


# For tests about something else than the coverage gate, on landings with few tags.
NO_GATE = ["--vars", '{"tag_coverage_error_min": 0}']
# For tests about what reaches the fact table: it, everything upstream (the incremental
# models included) and their data tests, without the reports (about a third less time).
# Cautious: a test runs only when every model it reads is selected (dbt's default, eager,
# would also run the tests of reports left out).
FACT_AND_UPSTREAM = ["--select", "+fct_ml_costs", "+int_ml_daily_costs_summarized", "--indirect-selection", "cautious"]


def write_demo(landing: Path, *extra: str) -> Path:
    subprocess.run([str(BIN / "ml-cost-demo"), "--landing", str(landing), *extra], check=True, capture_output=True)
    return landing


# make test runs the DuckDB suite and the engine suite side by side (two pytest processes); both
# read the same demo build: the first to need it builds it here, under a lock, and the other
# waits and reads it (docs/performance.md "CI cost"). Without the variable, one per process.
SHARED_DEMO = "ML_COST_TEST_SHARED"


@functools.cache
def shared_demo(fallback: Path) -> tuple[Path, DbtResult]:
    """The demo landing folder and its `dbt build` (models, seeds, data tests, unit tests), made
    once per `make test` (in $ML_COST_TEST_SHARED) or once per pytest process (under fallback).
    Readers open the warehouse read-only; tests that change it work on a copy."""
    import fcntl

    root = Path(os.environ[SHARED_DEMO]) if os.environ.get(SHARED_DEMO) else fallback
    root.mkdir(parents=True, exist_ok=True)
    landing, work, done = root / "landing", root / "build", root / "done"
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(landing, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)
            write_demo(landing)
            result = run_dbt(["build"], landing, work, unit_tests=True)
            assert result.returncode == 0, result.output[-5000:]
            (root / "output.txt").write_text(result.output)
            done.touch()
    return landing, DbtResult(0, (root / "output.txt").read_text(), work / "warehouse.duckdb")


@pytest.fixture(scope="session")
def demo_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_demo(tmp_path_factory.getbasetemp() / "shared-demo")[0]


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> DbtResult:
    """`dbt build` (models, seeds, data tests, unit tests) on the demo landing folder."""
    return shared_demo(tmp_path_factory.getbasetemp() / "shared-demo")[1]


def manifest_files(landing: Path, export: str = "focus") -> list[Path]:
    """The data files that count, read independently of the pipeline: for each export and billing
    period, the dataFiles of the newest manifest (by its timestamped folder; overwrite mode: the
    one manifest) whose files are all present, mapped from their S3 URIs to the landing folder.
    export: the billing export's folder, focus (FOCUS) or cur2 (CUR 2.0)."""
    files: list[Path] = []
    for period in sorted((landing / export).glob("*/metadata/BILLING_PERIOD=*")):
        export_root = period.parents[1]
        newest_first = sorted(period.rglob("*Manifest.json"), key=lambda m: m.parent.name if m.parent != period else "", reverse=True)
        for manifest in newest_first:
            listed = [export_root / uri[uri.rindex("/data/BILLING_PERIOD=") + 1 :] for uri in json.loads(manifest.read_text())["dataFiles"]]
            if all(f.exists() for f in listed):
                files += listed
                break
    return files


MLFLOW_VENV = Path(os.environ.get("ML_COST_MLFLOW_VENV", PROJECT / ".venv-mlflow"))


@dataclass
class MlflowServer:
    """A real MLflow tracking server (PyPI mlflow, SQLite backend) on 127.0.0.1."""

    url: str

    def create(self, spec: list[dict]) -> list[str]:
        """Experiments and runs made through the MLflow client (tests/python/mlflow_client.py)."""
        proc = subprocess.run(
            [str(MLFLOW_VENV / "bin" / "python"), str(Path(__file__).with_name("mlflow_client.py")), self.url],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "MLFLOW_TRACKING_URI": self.url},
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        return list(json.loads(proc.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """`mlflow server` from .venv-mlflow (make mlflow-setup), started once per test session."""
    import socket
    import time
    import urllib.request

    folder = tmp_path_factory.mktemp("mlflow")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        str(MLFLOW_VENV / "bin" / "mlflow"),
        "server",
        "--backend-store-uri",
        f"sqlite:///{folder / 'mlflow.db'}",
        "--default-artifact-root",
        str(folder / "artifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    log = (folder / "server.log").open("w")
    # the job runner (MLflow 3 GenAI jobs) is not needed to track runs and costs a minute of CPU
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise AssertionError("mlflow server did not start:\n" + (folder / "server.log").read_text()[-3000:]) from None
            time.sleep(0.5)
    yield MlflowServer(url)
    os.killpg(server.pid, 15)
    server.wait(timeout=30)
    log.close()
