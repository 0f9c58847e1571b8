"""Open the static dashboards in headless Chromium (Debian's `chromium`, driven by Playwright).

Playwright's own browser builds are never downloaded: it drives `/usr/bin/chromium`
(`ML_COST_CHROMIUM` to override) with the flags a closed network needs (without
--disable-background-networking Chromium keeps trying Google's hosts). Used by the browser
test (tests/engines/test_bi.py) and by `make screenshots`, which writes docs/img/*.png.

    python -m ml_cost_tools.browser screenshots --site warehouse/dashboard --out docs/img
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RENDERED = "[...document.querySelectorAll('[data-chart]')].every(e => e.dataset.rendered || e.dataset.error)"


def chromium_path() -> str:
    return os.environ.get("ML_COST_CHROMIUM", "/usr/bin/chromium")


@dataclass
class PageView:
    """What one page shows: its figures, its tables' cells, its charts and any errors."""

    figures: dict[str, float | str | None]
    tables: dict[str, list[dict[str, str]]]
    charts: dict[str, dict[str, Any]]
    errors: list[str] = field(default_factory=list)


@contextmanager
def browser_page() -> Iterator[Page]:
    if not Path(chromium_path()).exists():
        raise FileNotFoundError(f"{chromium_path()}: no chromium; `make chromium` installs Debian's package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1200, "height": 900})
        finally:
            browser.close()


def _number(text: str) -> float | str | None:
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return text


def read_page(page: Page, url: str) -> PageView:
    """Load url, wait until every chart is drawn (or failed), and read what the page shows."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_function(RENDERED, timeout=60_000)
    figures = page.eval_on_selector_all("[data-figure]", "els => els.map(e => [e.dataset.figure, e.dataset.value])")
    tables = page.eval_on_selector_all(
        "[data-table]",
        """els => els.map(t => [t.dataset.table, [...t.querySelectorAll('tbody tr')].map(
            r => Object.fromEntries([...r.querySelectorAll('td')].map(c => [c.dataset.column, c.dataset.value])))])""",
    )
    charts = page.eval_on_selector_all(
        "[data-chart]",
        "els => els.map(e => [e.dataset.chart, {rows: Number(e.dataset.rows), rendered: e.dataset.rendered === 'true', "
        "error: e.dataset.error || null, marks: e.querySelectorAll('svg .mark-rect path, svg .mark-line path, svg .mark-symbol path').length}])",
    )
    errors += [f"chart {name}: {chart['error']}" for name, chart in charts if chart["error"]]
    return PageView({k: _number(v) for k, v in figures}, dict(tables), dict(charts), errors)


def screenshots(site: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with browser_page() as page:
        for html in sorted(site.glob("*.html")):
            view = read_page(page, html.absolute().as_uri())
            if view.errors:
                raise RuntimeError(f"{html}: {view.errors}")
            target = out / f"dashboard-{html.stem}.png"
            page.screenshot(path=str(target), full_page=True)
            print(f"screenshot {target}", file=sys.stderr, flush=True)
            written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml_cost_tools.browser", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    shots = sub.add_parser("screenshots", help="a full-page PNG of every dashboard page")
    shots.add_argument("--site", type=Path, required=True)
    shots.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    screenshots(args.site, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
