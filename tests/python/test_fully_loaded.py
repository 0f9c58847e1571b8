"""Fully-loaded cost, waste, spot, budgets and anomalies on the demo account."""

from __future__ import annotations

import duckdb
from conftest import DbtResult
from ml_cost_tools.summary import summarise


def test_hidden_cost_share_of_the_most_expensive_model_is_plausible(demo_build: DbtResult) -> None:
    # the model with the most linked S3, ECR and CloudWatch cost: the one with an embeddings bucket
    model, share = demo_build.query(
        "select model, sum(fully_loaded_cost - effective_cost) / sum(effective_cost) from main.rpt_model_costs_monthly "
        "where model not in ('(idle)', 'unattributed') group by model order by sum(fully_loaded_cost - effective_cost) desc limit 1"
    )[0]
    assert model == "recsys-embed"
    assert 0.10 <= share <= 0.40


def test_related_rows_are_linked_once_or_listed(demo_build: DbtResult) -> None:
    related, linked, unlinked = demo_build.query(
        "select (select sum(effective_cost) from main_intermediate.int_related_charges_isolated), "
        "(select sum(related_cost) from (select sum(s3_storage_cost + registry_cost + logging_cost) as related_cost "
        "from main.rpt_model_costs_monthly)), (select sum(effective_cost) from main.rpt_unlinked_related_costs)"
    )[0]
    assert linked + unlinked == __import__("pytest").approx(related, abs=0.01)
    assert unlinked > 0  # e.g. days without training still have training logs
    services = {r[0] for r in demo_build.query("select distinct related_service from main_intermediate.int_related_charges_isolated")}
    assert services == {"s3", "ecr", "cloudwatch"}
    names = {r[0] for r in demo_build.query("select distinct related_resource_name from main_intermediate.int_related_charges_isolated")}
    assert not any("finance-reports" in n or "lambda" in n for n in names)  # not ML: out


def test_waste_spot_budget_and_anomaly_stories(demo_build: DbtResult) -> None:
    findings = {(f, n) for f, n in demo_build.query("select finding, resource_name from main.rpt_idle_resources")}
    assert ("idle_endpoint", "recsys-legacy-staging") in findings
    assert ("always_on_notebook", "fraud-research-nb") in findings
    spot = dict(demo_build.query("select model, sum(estimated_spot_savings) from main.rpt_spot_opportunities group by 1"))
    assert spot["fraud-xgb"] > 0  # on-demand training of a checkpointed model
    status = dict(demo_build.query("select team, status from main.rpt_budget_forecast where billing_period = '2026-11'"))
    assert status["nlp"].startswith("ALERT: forecast")
    spikes = demo_build.query("select entity, charge_date from main.rpt_cost_anomalies where is_anomaly and entity = 'recsys-two-tower'")
    assert any(str(d) == "2026-10-20" for _, d in spikes)


def test_demo_summary_prints_what_a_user_opens_first(demo_build: DbtResult) -> None:
    with duckdb.connect(str(demo_build.warehouse), read_only=True) as con:
        text = summarise(con)
    for needle in (
        "By cost category",
        "By team",
        "Unattributed",
        "Tag coverage",
        "Top idle",
        "recsys-legacy-staging",
        "Team budgets",
        "ALERT",
        "Rightsizing",
        "too_small",
    ):
        assert needle in text, needle
