"""Property-based tests of the cost-split macros (split_cost, weight_share), run as the SQL dbt compiles."""

from __future__ import annotations

import duckdb
import pytest
from conftest import run_dbt
from hypothesis import given, settings
from hypothesis import strategies as st

weights = st.lists(st.one_of(st.just(0.0), st.integers(0, 5000).map(float), st.floats(0, 1e6)), min_size=1, max_size=8)
costs = st.one_of(st.floats(-1000, 1000, allow_nan=False), st.decimals("-100", "100", places=6).map(float), st.just(0.0))
charges = st.lists(st.tuples(costs, weights), min_size=1, max_size=6)


@pytest.fixture(scope="module")
def split_sql(tmp_path_factory: pytest.TempPathFactory) -> str:
    work = tmp_path_factory.mktemp("split")
    (work / "landing").mkdir()
    result = run_dbt(["compile", "--select", "split_cost_check"], work / "landing", work)
    assert result.returncode == 0, result.output[-3000:]
    return (work / "target/compiled/ml_cost/analyses/split_cost_check.sql").read_text()


@settings(max_examples=150, deadline=None)
@given(charges)
def test_splits_sum_back_to_each_row_and_follow_the_weights(split_sql: str, data: list[tuple[float, list[float]]]) -> None:
    con = duckdb.connect()
    con.execute("create table split_input (charge_id varchar, allocation_target varchar, cost double, weight double)")
    rows = [(f"c{i}", f"t{j}", cost, w) for i, (cost, ws) in enumerate(data) for j, w in enumerate(ws)]
    con.executemany("insert into split_input values (?, ?, ?, ?)", rows)
    out = con.execute(split_sql).fetchall()
    assert len(out) == len(rows)  # no target is dropped, whatever its weight
    by_charge: dict[str, list[tuple[str, float, float]]] = {}
    for charge_id, target, share, amount in out:
        by_charge.setdefault(charge_id, []).append((target, share, amount))
    for i, (cost, ws) in enumerate(data):
        parts = by_charge[f"c{i}"]
        assert sum(a for _, _, a in parts) == pytest.approx(cost, abs=1e-9)
        assert sum(s for _, s, _ in parts) == pytest.approx(1.0, abs=1e-12)
        total = sum(ws)
        for target, share, amount in parts:
            weight = ws[int(target[1:])]
            expected_share = weight / total if total > 0 else 1 / len(ws)
            assert share == pytest.approx(expected_share, rel=1e-9, abs=1e-12)
            assert amount == pytest.approx(cost * expected_share, abs=1e-8)


def test_the_check_reads_the_real_macros(split_sql: str) -> None:
    assert "round(" in split_sql and "over (partition by charge_id)" in split_sql
