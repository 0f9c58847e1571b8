"""The DuckDB build of the demo that the engine tests share (one build per pytest process).

The Spark reconciliation compares Spark with it; the BI tests (test_bi.py) build the
dashboards from it, publish it and build on a copy of it. Built once: dbt takes about three
minutes on CI's two cores, which the suite cannot pay twice (docs/performance.md "CI cost").
"""

from __future__ import annotations

import functools
from pathlib import Path

from conftest import DbtResult, run_dbt, write_demo


@functools.cache
def demo_reference(root: Path) -> tuple[Path, DbtResult]:
    """The demo landing folder under root and `dbt build` of it (models, seeds, data tests)."""
    landing = write_demo(root / "landing")
    duck = run_dbt(["build"], landing, root / "duckdb")
    assert duck.returncode == 0, duck.output[-5000:]
    return landing, duck
