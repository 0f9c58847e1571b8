"""The project's structure, checked from dbt's own manifest (in the spirit of
dbt_project_evaluator, which cannot be installed here): naming and folders per layer, no mart
reading a source directly, no report built on another report unless declared, every model,
column and macro documented, every model with a primary-key test.

Every model is described and has a primary-key test (unique, or unique_combination). The
gap lists below are empty and must stay so; a model listed there that has been fixed fails
the test too, so the lists stay true. Columns are compared with what the demo build really
built (DuckDB's catalog), in both directions."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import BIN, PROJECT, DbtResult

# models/semantic holds MetricFlow's time spine, under the name dbt's documentation gives it
LAYER_PREFIXES = {
    "staging": ("stg_", "base_"),
    "intermediate": ("int_",),
    "marts": ("fct_", "dim_", "rpt_"),
    "semantic": ("metricflow_time_spine",),
}
PRIMARY_KEY_TESTS = {"unique", "unique_combination"}
# Known gaps, to be closed, never extended (empty since issue 15's first pass).
WITHOUT_PRIMARY_KEY_TEST: set[str] = set()
WITHOUT_DESCRIPTION: set[str] = set()


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("parse")
    (work / "profiles").mkdir()
    shutil.copy(PROJECT / "profiles.yml.example", work / "profiles" / "profiles.yml")
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(work / "profiles"),
        "ML_COST_WAREHOUSE": str(work / "warehouse.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    proc = subprocess.run(
        [str(BIN / "dbt"), "parse", "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    # a yml key given twice is silently overwritten by the second: refuse it
    assert "DuplicateYAMLKeys" not in proc.stdout + proc.stderr, proc.stdout[-3000:]
    return json.loads((work / "target" / "manifest.json").read_text())


def _models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in manifest["nodes"].items() if v["resource_type"] == "model"}


def test_models_are_named_for_their_layer(manifest: dict[str, Any]) -> None:
    wrong = []
    for node in _models(manifest).values():
        layer = Path(node["original_file_path"]).parts[1]
        if not node["name"].startswith(LAYER_PREFIXES[layer]):
            wrong.append(f"{node['original_file_path']}: expected a name starting with {' or '.join(LAYER_PREFIXES[layer])}")
        # an intermediate model says what it does: int_<entity>s_<verb>s (a past participle)
        if layer == "intermediate" and not re.search(r"_[a-z]+(ed|ized|en|read|spread)$", node["name"]):
            wrong.append(f"{node['name']}: an intermediate name ends with what it does (int_<entity>s_<verb>ed)")
    assert not wrong, wrong


def test_no_mart_reads_a_source_directly(manifest: dict[str, Any]) -> None:
    wrong = [
        f"{node['name']} reads {dep}"
        for node in _models(manifest).values()
        if node["name"].startswith(LAYER_PREFIXES["marts"])
        for dep in node["depends_on"]["nodes"]
        if dep.startswith("source.")
    ]
    assert not wrong, wrong


def test_no_report_is_built_on_another_unless_declared(manifest: dict[str, Any]) -> None:
    models = _models(manifest)
    wrong = []
    for node in models.values():
        if not node["name"].startswith("rpt_"):
            continue
        declared = set(node.get("meta", {}).get("builds_on_reports", []))
        for dep in node["depends_on"]["nodes"]:
            name = dep.split(".")[-1]
            if dep in models and name.startswith("rpt_") and name not in declared:
                wrong.append(f"{node['name']} reads the report {name} (declare it in meta.builds_on_reports)")
    assert not wrong, wrong


def test_every_model_is_described_and_every_declared_column_too(manifest: dict[str, Any]) -> None:
    models = _models(manifest).values()
    undescribed = {n["name"] for n in models if not n.get("description", "").strip()}
    assert undescribed == WITHOUT_DESCRIPTION, (
        f"new gaps: {undescribed - WITHOUT_DESCRIPTION}; fixed, remove from the list: {WITHOUT_DESCRIPTION - undescribed}"
    )
    columns = [f"{n['name']}.{c}" for n in models for c, col in n["columns"].items() if not col.get("description", "").strip()]
    assert not columns, columns


def test_every_model_has_a_primary_key_test(manifest: dict[str, Any]) -> None:
    tested = {
        dep
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and (node.get("test_metadata") or {}).get("name") in PRIMARY_KEY_TESTS
        for dep in node["depends_on"]["nodes"]
    }
    untested = {node["name"] for key, node in _models(manifest).items() if key not in tested}
    assert untested == WITHOUT_PRIMARY_KEY_TEST, (
        f"new gaps: {untested - WITHOUT_PRIMARY_KEY_TEST}; fixed, remove from the list: {WITHOUT_PRIMARY_KEY_TEST - untested}"
    )


def _folder(node: dict[str, Any]) -> str:
    return str(Path(node["original_file_path"]).parent)


def test_models_live_in_the_folder_of_their_kind(manifest: dict[str, Any]) -> None:
    """Intermediate models in an area folder, reports in marts/reports, facts and dimensions in marts."""
    wrong = []
    for node in _models(manifest).values():
        folder, name = _folder(node), node["name"]
        if name.startswith("int_") and Path(folder).parent != Path("models/intermediate"):
            wrong.append(f"{node['original_file_path']}: intermediate models live in models/intermediate/<area>/")
        if name.startswith("rpt_") and folder != "models/marts/reports":
            wrong.append(f"{node['original_file_path']}: reports live in models/marts/reports/")
        if name.startswith(("fct_", "dim_")) and folder != "models/marts":
            wrong.append(f"{node['original_file_path']}: facts and dimensions live in models/marts/")
    assert not wrong, wrong


def test_every_model_is_documented_in_a_yml_of_its_folder(manifest: dict[str, Any]) -> None:
    wrong = []
    for node in _models(manifest).values():
        patch = (node.get("patch_path") or "").split("://")[-1]
        if not patch:
            wrong.append(f"{node['name']}: no yml entry")
        elif str(Path(patch).parent) != _folder(node):
            wrong.append(f"{node['name']}: documented in {patch}, not in a yml of {_folder(node)}")
    assert not wrong, wrong


def test_every_built_column_is_declared_and_every_declared_column_built(demo_build: DbtResult) -> None:
    """The yml matches what the demo build made: no undeclared column, no stale one."""
    built_manifest = json.loads((demo_build.warehouse.parent / "target" / "manifest.json").read_text())
    catalog: dict[str, list[str]] = {}
    for table, column in demo_build.query("select table_name, column_name from information_schema.columns order by table_name, ordinal_position"):
        catalog.setdefault(table, []).append(column)
    undeclared, stale = [], []
    for node in _models(built_manifest).values():
        built = catalog.get(node["alias"] or node["name"])
        assert built is not None, f"{node['name']} was not built by the demo build"
        undeclared += [f"{node['name']}.{c}" for c in built if c not in node["columns"]]
        stale += [f"{node['name']}.{c}" for c in node["columns"] if c not in built]
    assert not undeclared, f"built but not declared in yml: {undeclared}"
    assert not stale, f"declared in yml but not built: {stale}"


MACRO_SIGNATURE = re.compile(r"{%-?\s*(?:macro|test)\s+(\w+)\s*\((.*?)\)\s*-?%}", re.S)
ARGUMENT = re.compile(r"(\w+)\s*(?:=\s*(?:'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\w+))?\s*(?:,|$)")


def test_every_macro_is_documented_with_its_arguments(manifest: dict[str, Any]) -> None:
    wrong = []
    for macro in manifest["macros"].values():
        if macro["package_name"] != "ml_cost":
            continue
        name = macro["name"]
        if not macro.get("description", "").strip():
            wrong.append(f"{name}: no description (macros/<folder>/_<folder>__macros.yml)")
        signature = MACRO_SIGNATURE.search(macro["macro_sql"])
        assert signature, name
        arguments = ARGUMENT.findall(signature.group(2).strip())
        documented = {a["name"]: a.get("description", "") for a in macro.get("arguments", [])}
        if list(documented) != arguments:
            wrong.append(f"{name}: arguments {arguments}, documented {list(documented)}")
        wrong += [f"{name}.{a}: argument without a description" for a, d in documented.items() if not d.strip()]
    assert not wrong, wrong


def test_every_source_and_seed_is_documented_with_its_columns(manifest: dict[str, Any]) -> None:
    wrong = []
    nodes = [*manifest["sources"].values(), *(n for n in manifest["nodes"].values() if n["resource_type"] == "seed")]
    for node in nodes:
        label = f"{node['resource_type']} {node.get('source_name', '')}{'.' if node.get('source_name') else ''}{node['name']}"
        if not node.get("description", "").strip():
            wrong.append(f"{label}: no description")
        if not node["columns"]:
            wrong.append(f"{label}: no column declared")
        wrong += [f"{label}.{c}: no description" for c, col in node["columns"].items() if not col.get("description", "").strip()]
    assert not wrong, wrong
