"""The dashboard builder without a browser (issue 23): pages are checked and fail loudly, every
page reads only marts its exposure lists, and what a page embeds is what its query returns.
The browser test on the demo warehouse is tests/engines/test_bi.py."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import PROJECT
from ml_cost_tools.dashboard import DashboardError, build_site, format_value, load_pages

PAGES = PROJECT / "dashboards" / "pages"


def _scripts(folder: Path) -> Path:
    for script in ("vega/build/vega.min.js", "vega-lite/build/vega-lite.min.js", "vega-embed/build/vega-embed.min.js"):
        (folder / script).parent.mkdir(parents=True, exist_ok=True)
        (folder / script).write_text("// stand-in")
    return folder


def _warehouse(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create table main.costs as select * from (values ('2026-10', 'nlp', 12.5), ('2026-10', 'fraud', 7.25)) t(period, team, cost)")
    return path


def test_every_page_reads_only_the_marts_its_exposure_lists() -> None:
    exposures = yaml.safe_load((PROJECT / "models" / "marts" / "_marts__exposures.yml").read_text())["exposures"]
    pages = load_pages(PAGES)
    assert [p.slug for p in pages] == ["index", "teams", "models", "endpoints", "tags", "waste"]
    for page in pages:
        read = {m for block in page.blocks for m in re.findall(r"\bmain\.(\w+)", block.get("sql", ""))}
        exposure = [e for e in exposures if e["url"].endswith(f"/{page.slug}.html")]
        assert len(exposure) == 1, page.slug
        listed = {re.search(r"ref\('(\w+)'\)", d).group(1) for d in exposure[0]["depends_on"]}  # type: ignore[union-attr]
        assert read == listed, (page.slug, read ^ listed)
        marts = {p.stem for p in (PROJECT / "models" / "marts").rglob("*.sql")} | {p.stem for p in (PROJECT / "models" / "marts").rglob("*.py")}
        assert read <= marts, page.slug


def test_a_page_without_sql_is_refused_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("title: Bad\nblocks:\n  - {type: figure, id: total}\n")
    with pytest.raises(DashboardError, match=r"bad\.yml: block 0 \(figure\) needs an id and a sql"):
        load_pages(tmp_path)


def test_a_failing_query_names_the_page_and_block(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "p.yml").write_text("title: P\nblocks:\n  - {type: figure, id: total, sql: select sum(cost) as value from main.missing}\n")
    with pytest.raises(DashboardError, match=r"p\.yml: block total: the query failed: .*missing"):
        build_site(_warehouse(tmp_path / "w.duckdb"), tmp_path / "site", pages, _scripts(tmp_path / "node_modules"))
    assert not (tmp_path / "site").exists(), "nothing half-built is left where the site goes"


def test_the_page_embeds_what_the_query_returns(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "p.yml").write_text(
        "slug: index\ntitle: P\nblocks:\n"
        "  - {type: figure, id: total, sql: select sum(cost) as value from main.costs}\n"
        '  - {type: table, id: teams, sql: "select team, cost from main.costs order by team",\n'
        "     columns: [{name: team}, {name: cost, format: money}]}\n"
        '  - {type: chart, id: bars, sql: "select team, cost from main.costs", spec: {mark: bar}}\n'
    )
    build_site(_warehouse(tmp_path / "w.duckdb"), tmp_path / "site", pages, _scripts(tmp_path / "node_modules"))
    page = (tmp_path / "site" / "index.html").read_text()
    assert 'data-figure="total" data-value="19.75"' in page and "$19.75" in page
    assert '<td data-column="team" data-value="fraud">fraud</td><td class="num" data-column="cost" data-value="7.25">$7.25</td>' in page
    assert '"values":[{"team":"nlp","cost":12.5},{"team":"fraud","cost":7.25}]' in page
    assert (tmp_path / "site" / "assets" / "vega-embed.min.js").exists()


def test_a_figure_must_be_one_row(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "p.yml").write_text("title: P\nblocks:\n  - {type: figure, id: total, sql: select cost as value from main.costs}\n")
    with pytest.raises(DashboardError, match="one row with a column 'value', got 2 rows"):
        build_site(_warehouse(tmp_path / "w.duckdb"), tmp_path / "site", pages, _scripts(tmp_path / "node_modules"))


def test_money_and_percent_formats() -> None:
    assert format_value(-786.994, "money") == "-$786.99"
    assert format_value(123456.7, "money") == "$123,457"
    assert format_value(0.1234, "percent") == "12.3%"
    assert format_value(None, "money") == "–"
