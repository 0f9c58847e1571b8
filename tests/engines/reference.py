"""The DuckDB build of the demo that the engine tests share (one build per pytest process),
and its `make publish`.

The Spark reconciliation compares Spark with them; the BI tests (test_bi.py) build the
dashboards from the build, build on a copy of it and read the FOCUS 1.3 dataset of the
publish. Made once: dbt takes about three minutes on CI's two cores, which the suites cannot
pay twice (docs/performance.md "CI cost"); under `make test` the DuckDB suite, in the other
pytest process, reads the same build.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

import duckdb
from conftest import PROJECT, DbtResult, shared_demo


def demo_reference(root: Path) -> tuple[Path, DbtResult]:
    """The demo landing folder and `dbt build` of it (models, seeds, data and unit tests): the
    DuckDB suite's demo build (conftest.shared_demo), shared with it under `make test`."""
    return shared_demo(root.parent / "shared-demo")


@functools.cache
def published_reference(root: Path) -> Path:
    """`make publish` of demo_reference(root), run while a BI reader holds the warehouse read-only."""
    _, duck = demo_reference(root)
    out = root / "published-duckdb"
    env = {
        **os.environ,
        "ML_COST_WAREHOUSE": str(duck.warehouse),
        "ML_COST_DUCKDB_TEMP_DIR": str(duck.warehouse.parent / "tmp"),
        "ML_COST_PUBLISH": str(out),
        "DBT_TARGET_PATH": str(duck.warehouse.parent / "target-publish"),
        "DBT_LOG_PATH": str(duck.warehouse.parent / "logs-publish"),
    }
    with duckdb.connect(str(duck.warehouse), read_only=True):  # a BI tool is reading while we publish
        done = subprocess.run(["make", "-s", "publish"], cwd=PROJECT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    return out
