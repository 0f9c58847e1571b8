"""Build the static dashboards (`make dashboard`) from the DuckDB warehouse.

Dashboards as code: each page is a YAML file under `dashboards/pages/` holding blocks in
order, each block a SQL query over the marts plus how to show it:

- `figure`: one headline number (the query returns `value`, optionally `note`);
- `chart`: a Vega-Lite specification without data (the query's rows become its data);
- `table`: the query's rows, with a format per column.

Queries run here, read-only, with the project's own DuckDB (so the warehouse's file format is
always readable); the rows are embedded in the page, and the charts are drawn in the browser
by Vega-Lite from `dashboards/node_modules` (npm, pinned in `dashboards/package-lock.json`),
copied into the site: the pages need no server and no network. Every figure, table cell and
chart carries its raw value in a `data-*` attribute, so tests read what the page shows.

    python -m ml_cost_tools.dashboard --warehouse warehouse/ml_cost.duckdb --out warehouse/dashboard
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import html
import json
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

PROJECT = Path(__file__).resolve().parents[2]
PAGES = PROJECT / "dashboards" / "pages"
NODE_MODULES = PROJECT / "dashboards" / "node_modules"
SCRIPTS = ("vega/build/vega.min.js", "vega-lite/build/vega-lite.min.js", "vega-embed/build/vega-embed.min.js")
FORMATS = ("money", "percent", "number", "text", "date")


class DashboardError(Exception):
    """A page cannot be built; the message names the page file and the block."""


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    order: int
    intro: str
    blocks: list[dict[str, Any]]
    source: Path


def load_pages(folder: Path = PAGES) -> list[Page]:
    pages = []
    for path in sorted(folder.glob("*.yml")):
        spec = yaml.safe_load(path.read_text())
        for key in ("title", "blocks"):
            if key not in spec:
                raise DashboardError(f"{path}: missing '{key}'")
        for index, block in enumerate(spec["blocks"]):
            kind = block.get("type")
            if kind not in ("figure", "chart", "table", "text"):
                raise DashboardError(f"{path}: block {index} has type {kind!r}; expected figure, chart, table or text")
            if kind != "text" and not (block.get("id") and block.get("sql")):
                raise DashboardError(f"{path}: block {index} ({kind}) needs an id and a sql")
        pages.append(Page(spec.get("slug", path.stem), spec["title"], int(spec.get("order", 99)), spec.get("intro", ""), spec["blocks"], path))
    return sorted(pages, key=lambda p: (p.order, p.slug))


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def run_query(con: duckdb.DuckDBPyConnection, page: Page, block: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        cursor = con.execute(block["sql"])
    except duckdb.Error as exc:
        raise DashboardError(f"{page.source}: block {block['id']}: the query failed: {exc}") from exc
    names = [d[0] for d in cursor.description]
    return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def format_value(value: Any, fmt: str) -> str:
    if value is None:
        return "–"
    if fmt == "money":
        sign = "-" if value < 0 else ""
        return f"{sign}${abs(value):,.2f}" if abs(value) < 1e5 else f"{sign}${abs(value):,.0f}"
    if fmt == "percent":
        return f"{value * 100:,.1f}%"
    if fmt == "number":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return str(value)


def _attr(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def render_figure(block: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    if len(rows) != 1 or "value" not in rows[0]:
        raise DashboardError(f"figure {block['id']}: the query must return one row with a column 'value', got {len(rows)} rows")
    row, fmt = rows[0], block.get("format", "money")
    note = f'<div class="note">{html.escape(str(row["note"]))}</div>' if row.get("note") else ""
    return (
        f'<div class="figure" data-figure="{_attr(block["id"])}" data-value="{_attr(row["value"])}">'
        f'<div class="label">{html.escape(block.get("label", block["id"]))}</div>'
        f'<div class="value">{html.escape(format_value(row["value"], fmt))}</div>{note}</div>'
    )


def render_table(block: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    columns = block.get("columns") or [{"name": n} for n in (rows[0] if rows else {})]
    head = "".join(f"<th>{html.escape(c.get('label', c['name']))}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            if c["name"] not in row:
                raise DashboardError(f"table {block['id']}: column {c['name']!r} is not in the query's result {sorted(row)}")
            fmt = c.get("format", "text")
            cls = ' class="num"' if fmt in ("money", "percent", "number") else ""
            shown = html.escape(format_value(row[c["name"]], fmt))
            cells.append(f'<td{cls} data-column="{_attr(c["name"])}" data-value="{_attr(row[c["name"]])}">{shown}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    empty = '<p class="empty">Nothing to show.</p>' if not rows else ""
    title = f"<h3>{html.escape(block['title'])}</h3>" if block.get("title") else ""
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return f'<div class="table" data-table="{_attr(block["id"])}" data-rows="{len(rows)}">{title}{table}{empty}</div>'


def render_chart(block: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "width": "container", **block["spec"], "data": {"values": rows}}
    payload = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
    title = f"<h3>{html.escape(block['title'])}</h3>" if block.get("title") else ""
    caption = f'<p class="caption">{html.escape(block["caption"])}</p>' if block.get("caption") else ""
    return (
        f'<div class="chart-block">{title}<div class="chart" data-chart="{_attr(block["id"])}" data-rows="{len(rows)}"></div>{caption}'
        f'<script type="application/json" data-spec-for="{_attr(block["id"])}">{payload}</script></div>'
    )


STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#1f2937;background:#f8fafc}
nav{background:#0f172a;padding:.6rem 1rem}nav a{color:#cbd5e1;margin-right:1.2rem;text-decoration:none}
nav a.current{color:#fff;font-weight:600}main{max-width:1100px;margin:0 auto;padding:1rem 1.5rem 3rem}
.figures{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
.figure{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:.8rem 1rem;min-width:200px}
.figure .label{font-size:.8rem;color:#64748b}.figure .value{font-size:1.6rem;font-weight:600}.figure .note{font-size:.75rem;color:#64748b}
.chart-block,.table{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:.8rem 1rem;margin:1rem 0}
.chart{width:100%}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #f1f5f9}

td.num{text-align:right;font-variant-numeric:tabular-nums}.caption,.intro,.empty{color:#475569;font-size:.9rem}h3{margin:.2rem 0 .6rem;font-size:1rem}
footer{color:#94a3b8;font-size:.75rem;margin-top:2rem}
"""

EMBED = """
for (const holder of document.querySelectorAll('script[data-spec-for]')) {
  const id = holder.getAttribute('data-spec-for');
  const target = document.querySelector('[data-chart="' + id + '"]');
  vegaEmbed(target, JSON.parse(holder.textContent), {actions: false, renderer: 'svg'})
    .then(() => target.setAttribute('data-rendered', 'true'))
    .catch(error => { target.setAttribute('data-error', String(error)); target.textContent = 'chart failed: ' + error; });
}
"""


def render_page(page: Page, pages: list[Page], con: duckdb.DuckDBPyConnection, built_at: str) -> str:
    nav = "".join(f'<a href="{p.slug}.html"{" class=current" if p.slug == page.slug else ""}>{html.escape(p.title)}</a>' for p in pages)
    parts: list[str] = []
    figures: list[str] = []
    for block in page.blocks:
        if block["type"] == "text":
            parts.append(f'<p class="intro">{html.escape(block["text"])}</p>')
            continue
        rows = run_query(con, page, block)
        if block["type"] == "figure":
            figures.append(render_figure(block, rows))
            continue
        if figures:
            parts.append('<div class="figures">' + "".join(figures) + "</div>")
            figures = []
        parts.append(render_chart(block, rows) if block["type"] == "chart" else render_table(block, rows))
    if figures:
        parts.append('<div class="figures">' + "".join(figures) + "</div>")
    scripts = "".join(f'<script src="assets/{Path(s).name}"></script>' for s in SCRIPTS)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(page.title)} · ml-cost</title>'
        f"<style>{STYLE}</style>{scripts}</head><body><nav>{nav}</nav><main><h1>{html.escape(page.title)}</h1>"
        f'<p class="intro">{html.escape(page.intro)}</p>{"".join(parts)}'
        f"<footer>Built {html.escape(built_at)} from the ml-cost warehouse (source: dashboards/pages/{page.source.name}).</footer>"
        f"</main><script>{EMBED}</script></body></html>"
    )


def build_site(warehouse: Path, out: Path, pages_folder: Path = PAGES, node_modules: Path = NODE_MODULES) -> list[Path]:
    if not warehouse.exists():
        raise DashboardError(f"{warehouse}: no warehouse; run make build (or make demo) first")
    missing = [s for s in SCRIPTS if not (node_modules / s).exists()]
    if missing:
        raise DashboardError(f"{node_modules}: missing {', '.join(missing)}; run npm ci in dashboards/ (make dashboard does)")
    pages = load_pages(pages_folder)
    staging = out.with_name(out.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "assets").mkdir(parents=True)
    for script in SCRIPTS:
        shutil.copy(node_modules / script, staging / "assets" / Path(script).name)
    built_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    written = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for page in pages:
            print(f"dashboard: {page.slug}.html ({len(page.blocks)} blocks)", file=sys.stderr, flush=True)
            target = staging / f"{page.slug}.html"
            target.write_text(render_page(page, pages, con, built_at))
            written.append(out / target.name)
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml_cost_tools.dashboard", description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pages", type=Path, default=PAGES)
    args = parser.parse_args(argv)
    try:
        written = build_site(args.warehouse, args.out, args.pages, args.pages.parent / "node_modules")
    except DashboardError as exc:
        print(f"dashboard: error: {exc}", file=sys.stderr)
        return 1
    print(f"dashboard: {len(written)} pages in {args.out} (open {args.out / 'index.html'})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
