"""CUR 2.0 (issue 17): the demo account written as AWS CUR 2.0 gives the same attribution as its
FOCUS export, conserves every dollar of the files its manifests list, and bad CUR 2.0 input fails
as clearly as bad FOCUS input.

The independent reading sums the CUR 2.0 files with AWS's own definitions (billed = unblended
cost; amortised cost by the AWS Well-Architected Labs CUR query library formula), not with the
pipeline's staging.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from conftest import FACT_AND_UPSTREAM, DbtResult, manifest_files, run_dbt, write_demo
from ml_cost_exports.selection import ExportSelectionError
from ml_cost_exports.sources import select_billing_export

CENT = 0.005
DIMENSIONS = ("team", "model", "experiment", "environment", "cost_category")
MONEY = ("effective_cost", "billed_cost", "list_cost")
ML_PRODUCTS = "line_item_product_code in ('AmazonSageMaker', 'MachineLearningSavingsPlans')"
READ_ONLY = ["run", "--select", "+stg_focus__charges"]
EXPORT = "ml-cur2-export"
# AWS amortised cost of a CUR line (awslabs/aws-well-architected-labs, 300_CUR_Queries, spendaccount.sql)
AMORTISED = """
    case
        when line_item_line_item_type = 'SavingsPlanCoveredUsage' then savings_plan_savings_plan_effective_cost
        when line_item_line_item_type = 'SavingsPlanRecurringFee' then savings_plan_total_commitment_to_date - savings_plan_used_commitment
        when line_item_line_item_type = 'SavingsPlanNegation' then 0
        when line_item_line_item_type = 'SavingsPlanUpfrontFee' then 0
        when line_item_line_item_type = 'DiscountedUsage' then reservation_effective_cost
        when line_item_line_item_type = 'RIFee' then reservation_unused_amortized_upfront_fee_for_billing_period + reservation_unused_recurring_fee
        when line_item_line_item_type = 'Fee' and reservation_reservation_a_r_n <> '' then 0
        else line_item_unblended_cost
    end
"""
# list cost: the public on-demand cost, and a commitment fee's unused part at its own value (its FOCUS row)
LISTED = f"pricing_public_on_demand_cost + case when line_item_line_item_type = 'SavingsPlanRecurringFee' then {AMORTISED} else 0 end"


@pytest.fixture(scope="module")
def cur2_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("cur2") / "landing", "--export", "cur2")


@pytest.fixture(scope="module")
def cur2_build(cur2_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> DbtResult:
    """`dbt build` of the demo account's CUR 2.0 export: the fact table, the key drift report,
    everything upstream and their data tests (the conservation tests among them); what is built
    after the fact table reads the same contract whichever export fed it."""
    select = [*FACT_AND_UPSTREAM[: FACT_AND_UPSTREAM.index("--indirect-selection")], "+rpt_tag_key_drift", "--indirect-selection", "cautious"]
    result = run_dbt(["build", *select], cur2_landing, tmp_path_factory.mktemp("cur2_build"))
    assert result.returncode == 0, result.output[-5000:]
    return result


def _raw_cur2_totals(files: list[Path]) -> dict[str, tuple[float, float, float]]:
    """Per billing period: effective, billed and list cost of the SageMaker and ML Savings Plans lines."""
    rows = (
        duckdb.connect()
        .execute(
            f"select strftime(bill_billing_period_start_date, '%Y-%m'), sum({AMORTISED}), sum(line_item_unblended_cost), sum({LISTED}) "
            f"from read_parquet({[str(f) for f in files]}) where {ML_PRODUCTS} group by 1"
        )
        .fetchall()
    )
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _by(build: DbtResult, dimension: str, money: str) -> dict[str, float]:
    return dict(build.query(f"select coalesce(cast({dimension} as varchar), '(null)'), sum({money}) from main.fct_ml_costs group by 1"))


def test_cur2_and_focus_exports_of_one_account_give_the_same_attribution(cur2_build: DbtResult, demo_build: DbtResult) -> None:
    differences = []
    for dimension in (*DIMENSIONS, "billing_period"):
        for money in MONEY:
            cur2, focus = _by(cur2_build, dimension, money), _by(demo_build, dimension, money)
            for key in cur2.keys() | focus.keys():
                a, b = cur2.get(key, 0.0), focus.get(key, 0.0)
                if abs(a - b) > CENT:
                    differences.append(f"{money} for {dimension} = {key}: {a:.4f} from CUR 2.0, {b:.4f} from FOCUS")
    assert not differences, "\n".join(differences[:40])
    # the same split of shared endpoints: per model and allocation method
    query = "select model || '/' || allocation_method, round(sum(effective_cost), 2) from main.fct_ml_costs group by 1"
    assert dict(cur2_build.query(query)) == dict(demo_build.query(query))


def test_cur2_keys_written_as_cur2_writes_them_are_not_key_drift(cur2_build: DbtResult, demo_build: DbtResult) -> None:
    """CUR 2.0 spells ml:team as user_ml_team: that is the export's own form, not drift; the
    drift planted in the demo (other spellings, values not allowed) is found the same from both."""
    query = "select issue, tag_source, required_key, occurrences, resource_count, round(effective_cost, 2) from main.rpt_tag_key_drift order by all"
    cur2, focus = cur2_build.query(query), demo_build.query(query)
    assert cur2 == focus and any(r[0] == "key_spelling" for r in cur2)
    # the billing side reads CUR's resource_tags (the API side is the same landed metadata as FOCUS's)
    billing = "select distinct tag_key from main.rpt_tag_key_drift where issue = 'key_spelling' and tag_source = 'billing'"
    raw = {r[0] for r in cur2_build.query(billing)}
    assert raw and all(k.startswith("user_") for k in raw) and "user_ml_team" not in raw


def test_cur2_fact_table_equals_a_plain_sum_of_the_manifest_listed_files(cur2_landing: Path, cur2_build: DbtResult, demo_landing: Path) -> None:
    files = manifest_files(cur2_landing, "cur2")
    assert files and all(f.is_relative_to(cur2_landing / "cur2") for f in files)
    expected = _raw_cur2_totals(files)
    actual = {
        r[0]: r[1:]
        for r in cur2_build.query("select billing_period, sum(effective_cost), sum(billed_cost), sum(list_cost) from main.fct_ml_costs group by 1")
    }
    assert actual.keys() == expected.keys()
    for period, costs in expected.items():
        assert actual[period] == pytest.approx(costs, abs=0.01), period
    # and the CUR 2.0 files hold the money of the FOCUS files of the same account
    focus = dict(
        duckdb.connect()
        .execute(
            f"select strftime(BillingPeriodStart, '%Y-%m'), sum(EffectiveCost) from read_parquet({[str(f) for f in manifest_files(demo_landing)]}) "
            "where x_ServiceCode in ('AmazonSageMaker', 'MachineLearningSavingsPlans') group by 1"
        )
        .fetchall()
    )
    assert {p: round(c[0], 2) for p, c in expected.items()} == {p: round(c, 2) for p, c in focus.items()}


def test_cur2_line_item_types_become_focus_charges(cur2_build: DbtResult) -> None:
    rows = {
        r[0]: r[1:]
        for r in cur2_build.query(
            "select coalesce(commitment_discount_status, charge_category), count(*), sum(billed_cost), sum(effective_cost) "
            "from main_staging.stg_focus__charges where commitment_discount_id is not null group by 1"
        )
    }
    # the recurring fee: a purchase (billed, no effective cost) and its unused part (effective only)
    assert rows["Purchase"][1] > 0 and rows["Purchase"][2] == 0
    assert rows["Unused"][1] == 0 and rows["Unused"][2] > 0
    assert rows["Purchase"][0] == rows["Unused"][0]
    # covered usage and its negation: billed nets to zero, effective is the plan's rate
    assert rows["Used"][1] == pytest.approx(0, abs=1e-6) and rows["Used"][2] > 0
    sources = {r[0] for r in cur2_build.query("select distinct team_source from main.fct_ml_costs")}
    assert "billing_tags" in sources  # resource_tags user_ml_team read as ml:team


def _copy_landing(landing: Path, target: Path) -> Path:
    shutil.copytree(landing, target)
    return target


def _first_listed(landing: Path) -> Path:
    return manifest_files(landing, "cur2")[0]


def _rewrite(path: Path, change: Callable[[pa.Table], pa.Table]) -> None:
    table = pq.read_table(path)
    pq.write_table(change(table), path)


def test_missing_and_wrong_type_cur2_columns_name_file_column_and_expectation(cur2_landing: Path, tmp_path: Path) -> None:
    """Both problems in one landing (two files): every problem is listed in one failure."""
    landing = _copy_landing(cur2_landing, tmp_path / "landing")
    missing, wrong = manifest_files(landing, "cur2")[:2]
    _rewrite(missing, lambda t: t.drop_columns(["line_item_unblended_cost"]))
    name = "line_item_usage_start_date"
    _rewrite(wrong, lambda t: t.set_column(t.schema.get_field_index(name), name, pa.array([True] * t.num_rows)))
    result = run_dbt(READ_ONLY, landing, tmp_path / "work")
    assert result.returncode != 0
    assert "Invalid CUR 2.0 export" in result.output
    assert f"{missing}: missing required CUR 2.0 column line_item_unblended_cost (expected double)" in result.output
    assert f"{wrong}: column line_item_usage_start_date has type boolean, expected a timestamp" in result.output


def test_unparseable_cur2_csv_cost_names_file_column_and_value(cur2_landing: Path, tmp_path: Path) -> None:
    landing = _copy_landing(cur2_landing, tmp_path / "landing")
    listed = _first_listed(landing)
    table = pq.read_table(listed)
    costs = pc.cast(table["line_item_unblended_cost"], pa.string()).to_pylist()
    costs[3] = "12,5 USD"
    table = table.set_column(table.schema.get_field_index("line_item_unblended_cost"), "line_item_unblended_cost", pa.array(costs))
    _write_csv_gz(table, listed)
    result = run_dbt(READ_ONLY, landing, tmp_path / "work")
    assert result.returncode != 0
    assert "CUR 2.0 file" in result.output and "column line_item_unblended_cost expected double, got '12,5 USD'" in result.output


def _write_csv_gz(table: pa.Table, parquet: Path) -> Path:
    """The file as a gzipped CSV export (maps as JSON objects) in place of the Parquet file, and the
    manifest listing it instead."""
    columns = {}
    for name in table.column_names:
        column = table[name]
        if pa.types.is_map(column.type):
            column = pa.array([None if v is None else json.dumps(dict(v)) for v in column.to_pylist()], pa.string())
        columns[name] = column
    target = parquet.with_name(parquet.name.replace(".snappy.parquet", ".csv.gz"))
    with gzip.open(target, "wb") as fh:
        pacsv.write_csv(pa.table(columns), fh)
    parquet.unlink()
    export_root = parquet.parents[3]  # <export>/data/BILLING_PERIOD=P/<delivery>/<file>
    listed_as = parquet.relative_to(export_root).as_posix()
    for manifest in (export_root / "metadata").rglob("*Manifest.json"):
        body = json.loads(manifest.read_text())
        body["dataFiles"] = [u[: -len(parquet.name)] + target.name if u.endswith(listed_as) else u for u in body["dataFiles"]]
        manifest.write_text(json.dumps(body))
    return target


def test_gzipped_csv_cur2_reads_as_the_parquet(cur2_landing: Path, cur2_build: DbtResult, tmp_path: Path) -> None:
    landing = _copy_landing(cur2_landing, tmp_path / "landing")
    for listed in manifest_files(landing, "cur2"):
        _write_csv_gz(pq.read_table(listed), listed)
    result = run_dbt(READ_ONLY, landing, tmp_path / "work")
    assert result.returncode == 0, result.output[-5000:]
    query = (
        "select billing_period, count(*), round(sum(billed_cost), 4), round(sum(effective_cost), 4), round(sum(list_cost), 4) "
        "from main_staging.stg_focus__charges group by 1"
    )
    assert sorted(result.query(query)) == sorted(cur2_build.query(query))
    tags = "select count(*) from main_staging.stg_focus__charges where tags['user_ml_team'] is not null"
    assert result.query(tags) == cur2_build.query(tags)


def _with_split_cost_columns(table: pa.Table) -> pa.Table:
    """The columns an export with split cost allocation data adds (names: docs/exports.md "CUR 2.0")."""
    n = table.num_rows
    table = table.append_column("split_line_item_parent_resource_id", pa.array(["i-0split"] * n))
    table = table.append_column("split_line_item_split_cost", pa.array([1.25] * n))
    return table.append_column("split_line_item_unused_cost", pa.array([0.5] * n))


def test_stale_cur2_chunk_split_cost_columns_and_missing_listed_file(cur2_landing: Path, tmp_path: Path) -> None:
    landing = _copy_landing(cur2_landing, tmp_path / "landing")
    listed = manifest_files(landing, "cur2")
    expected = _raw_cur2_totals(listed)
    # a stale chunk copied next to a listed file: not listed, so ignored with the reason
    stale = listed[0].with_name(f"{EXPORT}-00009.snappy.parquet")
    shutil.copy(listed[0], stale)
    # another file with split cost allocation data (an export setting): passed through, no money moves
    _rewrite(listed[1], _with_split_cost_columns)
    result = run_dbt(READ_ONLY, landing, tmp_path / "work")
    assert result.returncode == 0, result.output[-5000:]
    # a recurring fee line is two charges (its purchase and its unused part): both carry the columns
    lines = result.query(
        f"select count(*) + count(*) filter (where line_item_line_item_type = 'SavingsPlanRecurringFee') from read_parquet('{listed[1]}')"
    )
    passed = result.query(
        "select count(*), sum(x_split_cost), sum(x_split_unused_cost) from main_staging.stg_focus__charges "
        "where x_split_parent_resource_id = 'i-0split'"
    )
    assert passed == [(lines[0][0], pytest.approx(1.25 * lines[0][0]), pytest.approx(0.5 * lines[0][0]))]
    staged = dict(
        result.query(
            "select billing_period, sum(effective_cost) from main_staging.stg_focus__charges "
            "where x_service_code in ('AmazonSageMaker', 'MachineLearningSavingsPlans') group by 1"
        )
    )
    assert {p: round(v, 2) for p, v in staged.items()} == {p: round(c[0], 2) for p, c in expected.items()}
    reasons = dict(result.query("select file_path, reason from main_staging.base_focus__export_files where not is_selected"))
    assert "not listed by any manifest" in reasons[str(stale)]
    # the newest period's only delivery loses a listed file: the build fails naming it
    newest = max(listed, key=lambda f: f.as_posix())
    newest.unlink()
    older_deliveries = [d for d in newest.parents[1].iterdir() if d != newest.parent]
    for folder in older_deliveries:
        shutil.rmtree(folder)
        shutil.rmtree(Path(str(folder).replace("/data/", "/metadata/")))
    result = run_dbt(READ_ONLY, landing, tmp_path / "work2")
    assert result.returncode != 0
    assert "CUR 2.0 export" in result.output and newest.name in result.output


def test_both_exports_landed_read_one_with_a_warning(cur2_landing: Path, demo_landing: Path, tmp_path: Path) -> None:
    landing = _copy_landing(demo_landing, tmp_path / "landing")
    shutil.copytree(cur2_landing / "cur2", landing / "cur2")
    result = run_dbt(READ_ONLY, landing, tmp_path / "focus")
    assert result.returncode == 0, result.output[-5000:]
    assert "both a FOCUS export (focus/) and a CUR 2.0 export (cur2/) are landed: reading the FOCUS export" in result.output
    chosen = "select export_format, count(*) from main_staging.base_focus__export_files where is_selected group by 1"
    assert [r[0] for r in result.query(chosen)] == ["focus"]
    ignored = result.query("select distinct reason from main_staging.base_focus__export_files where export_format = 'cur2'")
    assert len(ignored) == 1 and "CUR 2.0 export not read" in ignored[0][0]
    # never both: the staged money is the FOCUS files' alone (the CUR 2.0 files hold the same again)
    staged = result.query("select sum(effective_cost) from main_staging.stg_focus__charges")[0][0]
    focus_files = duckdb.connect().execute(f"select sum(EffectiveCost) from read_parquet({[str(f) for f in manifest_files(landing)]})").fetchone()
    assert staged == pytest.approx(focus_files[0], abs=0.01)
    # the var chooses (the same selection the dbt model makes, without dbt)
    chosen_cur2 = select_billing_export(landing, "cur2")
    assert chosen_cur2.export_format == "cur2" and {f.file_path for f in chosen_cur2.selection.selected} == {
        str(f) for f in manifest_files(landing, "cur2")
    }
    assert all(chosen_cur2.formats[f.file_path] == "focus" and not f.is_selected for f in chosen_cur2.selection.files if "/focus/" in f.file_path)
    with pytest.raises(ExportSelectionError, match="var billing_export is 'cur'; expected one of auto, focus, cur2"):
        select_billing_export(landing, "cur")
    with pytest.raises(ExportSelectionError, match=r"No CUR 2\.0 export found"):
        select_billing_export(demo_landing, "cur2")
    assert select_billing_export(cur2_landing).export_format == "cur2"  # auto: CUR 2.0 when it is the only one


def test_the_demo_cur2_writer_keeps_the_money_of_the_focus_rows_and_is_deterministic() -> None:
    """The writer alone (no dbt): the CUR 2.0 lines of two days of the demo hold the FOCUS rows'
    billed, effective (AWS's amortised formula) and list cost, line item types as AWS names them."""
    from ml_cost_demo.account import Account
    from ml_cost_demo.cur2_writer import CUR2_SCHEMA, focus_to_cur2
    from ml_cost_demo.organisation import build

    acct = Account(copy=0, hours=48)
    build(acct)
    focus = acct.focus.to_table()
    cur2 = focus_to_cur2(focus)
    assert cur2.schema == CUR2_SCHEMA
    assert cur2.equals(focus_to_cur2(focus))
    con = duckdb.connect()
    con.register("cur2", cur2)
    con.register("focus", focus)
    billed, effective, listed = con.execute(f"select sum(line_item_unblended_cost), sum({AMORTISED}), sum({LISTED}) from cur2").fetchone()
    expected = con.execute("select sum(BilledCost), sum(EffectiveCost), sum(ListCost) from focus").fetchone()
    assert (billed, effective, listed) == pytest.approx(expected, abs=1e-6)
    types = {r[0] for r in con.execute("select distinct line_item_line_item_type from cur2").fetchall()}
    assert types == {"Usage", "SavingsPlanCoveredUsage", "SavingsPlanNegation", "SavingsPlanRecurringFee", "Credit", "Refund"}
