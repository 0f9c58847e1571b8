"""Attribution on the demo account: coverage, reasons, billing tags vs API tags, old snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DbtResult, run_dbt, write_demo


def test_at_least_95_percent_of_cost_has_a_team_and_a_model(demo_build: DbtResult) -> None:
    total, named = demo_build.query(
        "select sum(effective_cost), sum(effective_cost) filter (where team != 'unattributed' and model != 'unattributed') from main.fct_ml_costs"
    )[0]
    assert named / total >= 0.95
    missing_reason = demo_build.query(
        "select count(*) from main.fct_ml_costs where (team = 'unattributed' or model = 'unattributed') and unattributed_reason is null"
    )[0][0]
    assert missing_reason == 0


def test_every_step_of_the_chain_is_used_on_the_demo(demo_build: DbtResult) -> None:
    sources = {
        r[0]
        for r in demo_build.query(
            "select distinct team_source from main.fct_ml_costs union select distinct model_source from main.fct_ml_costs "
            "union select distinct experiment_source from main.fct_ml_costs union select distinct environment_source from main.fct_ml_costs"
        )
    }
    for expected in (
        "billing_tags",
        "resource_tags",
        "target_tags",
        "allocation_target",
        "inherited_tuning_job",
        "inherited_pipeline",
        "inherited_user_profile",
        "inherited_space",
        "metadata_endpoint_config",
        "metadata_experiment_config",
        "metadata_mlflow_run",
        "cost_category",
        "unattributed",
    ):
        assert expected in sources, expected
    assert any(s.startswith("rule:") for s in sources)


def test_jobs_gone_from_the_api_still_match_through_old_snapshots(demo_build: DbtResult) -> None:
    latest = demo_build.query("select max(last_seen_snapshot_date) from main.dim_ml_resources")[0][0]
    old_matched = demo_build.query(
        "select count(*) from main.dim_ml_resources where resource_type = 'training-job' and in_billing "
        "and match_method = 'arn' and last_seen_snapshot_date < ?",
        [latest],
    )[0][0]
    assert old_matched > 50


def _totals(build: DbtResult, key: str) -> dict[str, float]:
    rows = build.query(f"select {key}, sum(effective_cost) from main.fct_ml_costs group by 1")
    return {k: v for k, v in rows}


def test_api_tags_alone_give_the_same_team_and_model_totals(demo_build: DbtResult, tmp_path: Path) -> None:
    landing = write_demo(tmp_path / "landing", "--no-billing-tags")
    api_only = run_dbt(["build", "--select", "+fct_ml_costs", "--indirect-selection", "cautious"], landing, tmp_path / "work")
    assert api_only.returncode == 0, api_only.output[-5000:]
    assert api_only.query("select count(*) from main.fct_ml_costs where team_source = 'billing_tags'")[0][0] == 0
    for key in ("team", "model"):
        expected, actual = _totals(demo_build, key), _totals(api_only, key)
        assert actual.keys() == expected.keys(), key
        for name, value in expected.items():
            assert actual[name] == pytest.approx(value, abs=0.01), (key, name)
    sources = dict(api_only.query("select team_source, sum(effective_cost) from main.fct_ml_costs where team != 'unattributed' group by 1"))
    api_sources = sum(v for k, v in sources.items() if k in ("resource_tags", "target_tags") or k.startswith("inherited_"))
    assert api_sources / sum(sources.values()) > 0.9
