"""Every model compiles for Athena with no DuckDB-only SQL (issue 16): `dbt compile --target
athena` against the moto server (real HTTP; dbt-athena needs AWS STS and Glue to compile), then
ml_cost_tools.portable_sql over every compiled file."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import PROJECT, write_demo
from ml_cost_tools.portable_sql import check_folder
from moto.server import ThreadedMotoServer

ATHENA_DBT = PROJECT / ".venv-athena" / "bin" / "dbt"


def test_every_model_compiles_for_athena_without_duckdb_only_sql(tmp_path: Path) -> None:
    assert ATHENA_DBT.exists(), "make athena-setup installs dbt-athena into .venv-athena/"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        profiles = tmp_path / "profiles"
        profiles.mkdir()
        shutil.copy(PROJECT / "profiles.yml.example", profiles / "profiles.yml")
        env = {
            **os.environ,
            "ML_COST_TARGET": "athena",
            "ML_COST_LANDING": str(write_demo(tmp_path / "landing")),
            "AWS_ENDPOINT_URL": f"http://{host}:{port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "ML_COST_ATHENA_STAGING": "s3://athena-results/",
            "DBT_PROFILES_DIR": str(profiles),
            "DBT_TARGET_PATH": str(tmp_path / "target"),
            "DBT_LOG_PATH": str(tmp_path / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        proc = subprocess.run([str(ATHENA_DBT), "compile"], cwd=PROJECT, env=env, capture_output=True, text=True, check=False)
    finally:
        server.stop()
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-5000:]
    compiled = tmp_path / "target" / "compiled" / "ml_cost"
    model_files = list((compiled / "models").rglob("*.sql"))
    models = [p for p in (PROJECT / "models").rglob("*.sql")]
    # every SQL model compiled (the SQL twins of the Python models included)
    assert {p.stem for p in model_files} >= {p.stem for p in models}
    assert check_folder(compiled) == []
