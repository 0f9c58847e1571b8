"""The DuckDB-only SQL checker the Athena compile check relies on: it finds each construct and
passes portable SQL (strings and comments do not count)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ml_cost_tools.portable_sql import check_folder, duckdb_only_constructs

DUCKDB_ONLY = {
    "select a from t qualify row_number() over (partition by a) = 1": "qualify",
    "select * exclude (a) from t": "select * exclude",
    "select 1 as a union all by name select 2 as a": "union all by name",
    "select unnest(generate_series(1, 3))": "generate_series",
    "select extract(isodow from ts) from t": "isodow",
    "select sum(cast(h as hugeint)) from t": "hugeint",
    "select a::varchar from t": ":: cast",
    "select ts - interval 30 day from t": "unquoted interval",
    "select strftime(ts, '%Y') from t": "strftime",
    "select error('boom')": "error()",
    "select * from read_parquet('x.parquet')": "read_parquet/read_csv/glob",
    "with a as not materialized (select 1) select * from a": "not materialized",
    "select * from range(0, 10) as t (r)": "range() table function",
}


@pytest.mark.parametrize(("sql", "construct"), DUCKDB_ONLY.items())
def test_each_duckdb_only_construct_is_found(sql: str, construct: str) -> None:
    assert (1, construct) in duckdb_only_constructs(sql)


def test_portable_sql_passes() -> None:
    sql = """
    -- a comment may say qualify or exclude (a)
    select
        date_add('day', -30, ts) as since,  -- Trino
        row_number() over (partition by a order by b) as n,
        'text with interval 1 day and ::casts' as note,
        regexp_extract(a, '^arn:', 0) as arn,
        approx_percentile(x, 0.5) as median_x
    from t
    where a not like 'x%'
    """
    assert duckdb_only_constructs(sql) == []


def test_the_folder_check_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "ok.sql").write_text("select 1 as a\n")
    (tmp_path / "models" / "bad.sql").write_text("select 1 as a\nfrom t\nqualify true\n")
    assert check_folder(tmp_path) == ["models/bad.sql:3: qualify"]
