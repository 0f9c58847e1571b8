"""Real billing shapes (issue 13): AWS Cost Categories are not tags, every tag key style AWS
writes attributes, and managed spot training is found by its usage type alone.

On a copy of the demo landing, the FOCUS files are rewritten in place: an untagged notebook
gets only a costCategory/Team entry in Tags (as FOCUS 1.2 AWS exports carry Cost Categories),
one resource's ml:team key becomes resourceTags/user:ml:team and another's user_ml_team (the
CUR 2.0 style), and the managed spot training rows (usage type USE1-TrSpt:ml.<type>, the string
the AWS CUDOS dashboard matches) lose their PricingCategory 'Dynamic'."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import DbtResult, manifest_files, run_dbt

NOTEBOOK = "arn:aws:sagemaker:us-east-1:333333333333:notebook-instance/nlp-explore-nb"
MAPPING = ["--vars", json.dumps({"cost_category_attribution": {"Team": "ml:team"}})]


def _rename_key(old: str, new: str) -> str:
    renamed = f"struct_pack(key := case when e.key = '{old}' then '{new}' else e.key end, value := e.value)"
    return f"map_from_entries(list_transform(map_entries(Tags), lambda e: {renamed}))"


@pytest.fixture(scope="module")
def restyled(demo_landing: Path, demo_build: DbtResult, tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtResult, dict[str, str]]:
    landing = tmp_path_factory.mktemp("restyled") / "landing"
    shutil.copytree(demo_landing, landing)
    # two resources whose team comes from billing tags, to carry the other key styles
    (first, second) = [
        r[0]
        for r in demo_build.query(
            "select resource_id from main.fct_ml_costs where team_source = 'billing_tags' and resource_id like '%training-job/%'"
            " group by 1 order by 1 limit 2"
        )
    ]
    con = duckdb.connect()
    for path in manifest_files(landing):
        tmp = path.with_name(path.name + ".rewrite")
        con.execute(
            f"""copy (
                select * replace (case
                    when ResourceId = '{NOTEBOOK}'
                        then map_concat(coalesce(Tags, cast(map() as map(varchar, varchar))), map(['costCategory/Team'], ['nlp']))
                    when ResourceId = '{first}' then {_rename_key("ml:team", "resourceTags/user:ml:team")}
                    when ResourceId = '{second}' then {_rename_key("ml:team", "user_ml_team")}
                    else Tags end as Tags,
                    case when SkuMeter like '%-TrSpt:%' then 'Standard' else PricingCategory end as PricingCategory)
                from read_parquet('{path}')
            ) to '{tmp}' (format parquet)"""
        )
        tmp.replace(path)
    # what the tests below read, and everything upstream of it
    reports = ["+fct_ml_costs", "+rpt_tag_coverage", "+rpt_tag_coverage_resources", "+rpt_untagged_resources", "+rpt_spot_opportunities"]
    build = run_dbt(["build", *MAPPING, "--select", *reports, "--indirect-selection", "cautious"], landing, tmp_path_factory.mktemp("restyled_build"))
    assert build.returncode == 0, build.output[-5000:]
    expected = dict(
        demo_build.query(f"select resource_id, any_value(team) from main.fct_ml_costs where resource_id in ('{first}', '{second}') group by 1")
    )
    return build, expected


def test_a_cost_category_is_an_attribution_step_with_its_own_source(restyled: tuple[DbtResult, dict[str, str]]) -> None:
    build, _ = restyled
    rows = build.query(f"select distinct team, team_source from main.fct_ml_costs where resource_id = '{NOTEBOOK}'")
    assert rows == [("nlp", "cost_category:Team")]


def test_a_cost_category_never_counts_as_tagged(restyled: tuple[DbtResult, dict[str, str]], demo_build: DbtResult) -> None:
    build, _ = restyled
    # the aggregate coverage counts exactly what it counted without the Cost Category
    totals = (
        "select billing_period, round(sum(cost_in_billing), 6), round(sum(cost_tagged), 6)"
        " from main.rpt_tag_coverage where required_key = 'ml:team' group by 1 order by 1"
    )
    assert build.query(totals) == demo_build.query(totals)
    coverage = build.query(
        "select present_in_billing, present_on_resource from main.rpt_tag_coverage_resources"
        f" where resource_id = '{NOTEBOOK}' and required_key = 'ml:team'"
    )
    assert coverage and all(not billing and not resource for billing, resource in coverage)
    missing = build.query(f"select missing_keys from main.rpt_untagged_resources where resource_id = '{NOTEBOOK}'")
    assert missing and "ml:team" in missing[0][0]


def test_stacked_and_cur2_tag_key_styles_attribute_from_billing_tags(restyled: tuple[DbtResult, dict[str, str]]) -> None:
    build, expected = restyled
    for resource_id, team in expected.items():
        rows = build.query(f"select distinct team, team_source from main.fct_ml_costs where resource_id = '{resource_id}'")
        assert rows == [(team, "billing_tags")], resource_id


def test_without_a_mapping_a_cost_category_attributes_nothing(demo_build: DbtResult) -> None:
    # the demo bills no Cost Category and sets no mapping: no row names one as its source
    assert demo_build.query("select count(*) from main.fct_ml_costs where team_source like 'cost_category:%'")[0][0] == 0


def test_managed_spot_training_is_found_by_its_usage_type(restyled: tuple[DbtResult, dict[str, str]], demo_build: DbtResult) -> None:
    build, _ = restyled
    spot = build.query("select distinct cost_category, pricing_category from main.fct_ml_costs where usage_type like '%-TrSpt:%'")
    assert spot == [("spot_training", "spot")]
    totals = "select sum(spot_jobs), round(sum(spot_training_cost), 6) from main.rpt_spot_opportunities"
    jobs, cost = build.query(totals)[0]
    assert jobs > 0 and cost > 0
    assert (jobs, cost) == demo_build.query(totals)[0]
