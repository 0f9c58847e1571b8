"""DuckDB-only SQL in compiled models: what must not reach another engine.

``python -m ml_cost_tools.portable_sql <compiled folder>`` lists every file and line holding a
construct that only DuckDB accepts; the Athena compile check (tests/engines) runs it on the SQL
dbt compiles for Athena. Every construct here has a dispatched macro in macros/dialect/ or a
portable rewrite (docs/engines.md "Writing portable SQL").
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

# (name, pattern): each a construct DuckDB accepts and Trino (Athena) or Spark does not
DUCKDB_ONLY: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("qualify", r"\bqualify\b"),
        ("select * exclude", r"\bexclude\s*\("),
        ("union all by name", r"\bunion\s+(all\s+)?by\s+name\b"),
        ("generate_series", r"\bgenerate_series\s*\("),
        ("range() table function", r"\bfrom\s+range\s*\(|\bunnest\s*\(\s*range\s*\("),
        ("isodow", r"\bisodow\b"),
        ("hugeint", r"\bu?hugeint\b"),
        ("ubigint", r"\bubigint\b"),
        (":: cast", r"::\s*[a-z]"),
        ("unquoted interval", r"\binterval\s+\d"),
        ("to_hours/to_days", r"\bto_(hours|days|minutes|seconds)\s*\("),
        ("epoch()", r"\bepoch\s*\("),
        ("strftime", r"\bstrftime\s*\("),
        ("regexp_matches", r"\bregexp_matches\s*\("),
        ("error()", r"(?<![\w.])error\s*\("),
        ("list functions", r"\blist_(transform|filter|value|aggregate)\s*\("),
        ("struct_pack", r"\bstruct_pack\s*\("),
        ("read_parquet/read_csv/glob", r"\b(read_parquet|read_csv|read_json|glob|parquet_schema)\s*\("),
        ("not materialized", r"\bnot\s+materialized\b"),
        ("list type []", r"\bvarchar\s*\[\s*\]"),
        ("hash()", r"(?<![\w.])hash\s*\("),
        ("json()", r"(?<![\w.])json\s*\("),
        ("map([...])", r"\bmap\s*\(\s*\["),
    )
)

LINE_COMMENT = re.compile(r"--[^\n]*")
STRING = re.compile(r"'(?:[^']|'')*'")


def strip_comments_and_strings(sql: str) -> str:
    """The SQL with string literals emptied and -- comments removed (line numbers kept)."""
    return LINE_COMMENT.sub("", STRING.sub("''", sql))


def duckdb_only_constructs(sql: str) -> list[tuple[int, str]]:
    """(line number, construct) for each DuckDB-only construct in the SQL."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(strip_comments_and_strings(sql).splitlines(), start=1):
        found += [(number, name) for name, pattern in DUCKDB_ONLY if pattern.search(line)]
    return found


def check_folder(folder: Path) -> list[str]:
    """'<file>:<line>: <construct>' for every compiled .sql file under the folder."""
    problems: list[str] = []
    for path in sorted(folder.rglob("*.sql")):
        problems += [f"{path.relative_to(folder)}:{n}: {name}" for n, name in duckdb_only_constructs(path.read_text())]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="dbt's compiled SQL, e.g. target/compiled/ml_cost")
    args = parser.parse_args(argv)
    files = list(args.folder.rglob("*.sql"))
    if not files:
        print(f"no compiled SQL under {args.folder}", file=sys.stderr)
        return 2
    problems = check_folder(args.folder)
    for problem in problems:
        print(problem)
    print(f"{len(files)} compiled files checked, {len(problems)} DuckDB-only constructs", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
