"""Every public model (marts) and every column of it is documented, and macro docs say what the macros do."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import DbtResult

PROJECT = Path(__file__).resolve().parents[2]


def documented() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for path in (PROJECT / "models").rglob("_*__models.yml"):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            out[model["name"]] = {c["name"]: c.get("description", "") for c in model.get("columns", [])}
            assert model.get("description"), model["name"]
    return out


def test_every_mart_and_column_is_documented(demo_build: DbtResult) -> None:
    docs = documented()
    marts = [p.stem for p in (PROJECT / "models" / "marts").rglob("*.sql")] + [p.stem for p in (PROJECT / "models" / "marts").rglob("*.py")]
    missing = []
    for mart in marts:
        assert mart in docs, f"{mart} has no entry in _marts__models.yml"
        columns = [r[0] for r in demo_build.query("select column_name from information_schema.columns where table_name = ?", [mart])]
        assert columns, mart
        missing += [f"{mart}.{c}" for c in columns if not docs[mart].get(c)]
    assert not missing, missing


def test_a_default_implementation_is_documented_as_what_its_body_does() -> None:
    """A default__ macro that calls not_supported is documented as a compile error; one that does the work is not."""
    descriptions = {
        entry["name"]: entry["description"]
        for path in (PROJECT / "macros").rglob("_*__macros.yml")
        for entry in yaml.safe_load(path.read_text()).get("macros", [])
    }
    wrong = []
    for path in (PROJECT / "macros").rglob("*.sql"):
        for chunk in path.read_text().split("{% macro default__")[1:]:
            name = "default__" + chunk.split("(", 1)[0]
            body = chunk.split("endmacro", 1)[0]
            says_error = "compile error" in descriptions[name]
            if says_error != ("not_supported(" in body):
                wrong.append(f"{path.name}: {name}: {descriptions[name]}")
    assert not wrong, wrong
