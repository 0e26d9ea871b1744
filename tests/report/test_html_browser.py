"""progress.html in headless Chromium: the script runs, tables sort and filter, the charts exist,
and user data (file names) stays text.

Needs Debian's `chromium` (.ci/run installs it). In CI a missing browser is a failure, not a
skip, like the PostgreSQL binaries in tests/conftest.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from migrator.report import write_report
from migrator.report.history import HistoryPoint
from migrator.report.progress_html import FILTER_ROWS, _md, render_progress_html
from migrator.report.model import build_report
from tests.report.browser import screenshot
from tests.report.scans import d, file, p, scan
from tests.report.tutorme_report import tutorme_report

EVIL = 'app/<img src=x onerror="document.title=1">.ts'
SCAN = scan(
    file(EVIL, p(1, "user"), area="api"),
    file("app/big.ts", p(1), p(2), p(3), p(4, "post"), area="api"),
    file("app/mid.ts", p(1), p(2, "post"), area="api"),
    file("jobs/t.ts", d(1), area="</script><script>document.title=2</script>"),
)
HISTORY = [HistoryPoint(f"{i:040x}", f"2024-01-0{i}T00:00:00Z", 9 - i, 30 - 3 * i, i, 0, 50) for i in range(1, 5)]


def _chromium() -> str:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (.ci/run installs the chromium Debian package)")
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    return binary


def _run(binary: str, url: str, *extra: str) -> str:
    done = subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,900", "--enable-logging=stderr",
         "--v=0", *extra, url],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    assert not errors, errors  # the page's script threw or logged
    return done.stdout


class _Rows(HTMLParser):
    """Rows of each table in a DOM dump: id -> [(hidden, [cell texts])]."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[tuple[bool, list[str]]]] = {}
        self.table: str | None = None
        self.in_body = False
        self.cell: list[str] | None = None
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "table":
            self.table = a.get("id")
            self.tables[self.table or ""] = []
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body and self.table is not None:
            self.tables[self.table].append(("hidden" in a, []))
        elif tag == "td" and self.in_body and self.table is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None and self.table is not None:
            self.tables[self.table][-1][1].append("".join(self.cell))
            self.cell = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _parse(dom: str) -> _Rows:
    parser = _Rows()
    parser.feed(dom)
    return parser


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    report = build_report(SCAN, history=HISTORY)
    return next(x for x in write_report(report, out, formats=("html",)))


def test_script_runs_and_charts_exist(page: Path) -> None:
    binary = _chromium()
    dom = _run(binary, page.as_uri(), "--dump-dom")
    assert re.search(r'<html[^>]*data-js="ready"', dom), "the page's script did not finish"
    assert re.search(r'data-tables="(\d+)"', dom).group(1) == str(dom.count('class="sortable"'))
    assert '<svg id="burndown"' in dom and dom.count("<polyline") == 2 and dom.count("<circle") == 8
    assert 'id="area-bars"' in dom and 'class="seg legacy"' in dom
    # 3 rows: no filter box, and no count until a filter from the address hides rows.
    assert 'data-count-for="tbl-legacy-areas-files"></span>' in dom
    assert 'data-filter-for="tbl-legacy-areas-files"' not in dom
    # User data stayed text: no element was made from the file name or the area.
    parsed = _parse(dom)
    assert "img" not in parsed.tags and parsed.tags.count("script") == 1
    assert "<title>Migration progress" in dom  # neither injected script set the title
    rows = parsed.tables["tbl-legacy-areas-files"]
    assert EVIL + ":1" in [cells[1] for _, cells in rows]


def test_sort_and_filter_from_the_address(page: Path) -> None:
    binary = _chromium()
    # Rendered most call sites first; sorted by the call-sites column, ascending.
    dom = _run(binary, page.as_uri() + "#sort=tbl-legacy-areas-files:3:asc", "--dump-dom")
    rows = _parse(dom).tables["tbl-legacy-areas-files"]
    assert [cells[3] for _, cells in rows] == ["1", "2", "4"]
    assert 'data-sorted="3:ascending"' in dom and 'aria-sort="ascending"' in dom

    dom = _run(binary, page.as_uri() + "#q=MID&sort=tbl-legacy-areas-files:1:asc", "--dump-dom")
    rows = _parse(dom).tables["tbl-legacy-areas-files"]
    assert [(hidden, cells[1]) for hidden, cells in rows] == [
        (True, EVIL + ":1"), (True, "app/big.ts:1"), (False, "app/mid.ts:1")]
    assert 'data-count-for="tbl-legacy-areas-files">1 of 3 rows<' in dom


@pytest.mark.parametrize("width", [1280, 390, 360])
def test_screenshot_of_the_tutorme_report(tmp_path: Path, width: int) -> None:
    """Full-page screenshots at a desktop and two phone widths (bench/screenshot_report.py writes those at
    1280 and 390 px to a folder), and the layout measured by the page itself at that width."""
    binary = _chromium()
    page = write_report(tutorme_report(), tmp_path, formats=("html",))[0]
    shot = tmp_path / f"report-{width}.png"
    facts = screenshot(binary, page, width, shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    assert facts["js"] == "ready" and not facts["console"]
    # No horizontal overflow of the page: wide tables scroll inside their own container.
    assert facts["innerWidth"] == width
    assert facts["scrollWidth"] <= width and facts["bodyScrollWidth"] <= width, facts["wide"]
    assert not facts["wide"]
    # Bars proportional to the areas' file counts.
    bars = facts["bars"]
    assert len(bars) == 11 and {b["total"] for b in bars} == {1, 2}
    per_file = {round(b["width"] / b["total"], 1) for b in bars}
    assert len(per_file) == 1 and per_file.pop() > 50, bars
    # A filter box only on tables of FILTER_ROWS rows or more.
    tables = facts["tables"]
    assert all(t["filter"] == (t["rows"] >= FILTER_ROWS) for t in tables), tables
    assert any(t["filter"] for t in tables) and any(not t["filter"] for t in tables)


def test_markdown_code_spans_in_cells() -> None:
    html = render_progress_html(tutorme_report())
    infra = html.split('id="tbl-infra-findings"', 1)[1].split("</table>", 1)[0]
    assert "<code>-U postgres</code>" in infra and "`" not in infra
    assert _md("run `<b>x</b>` & `y`") == "run <code>&lt;b&gt;x&lt;/b&gt;</code> &amp; <code>y</code>"
    assert _md("one ` alone") == "one ` alone"


def test_burndown_with_one_point_and_with_a_baseline() -> None:
    # One point (no baseline, no history): bars against the totals, no line.
    alone = render_progress_html(build_report(SCAN))
    chart = alone.split('<div id="burndown" class="now"', 1)[1].split('<p class="legend">', 1)[0]
    assert "<polyline" not in alone and "baseline" not in chart
    assert "now 3 of 4<" in chart  # 3 files on the legacy layer out of 4 making calls
    # A history of one point and a baseline: the bar and the baseline's dashed mark.
    one = render_progress_html(build_report(SCAN, baseline=SCAN, history=HISTORY[-1:]))
    chart = one.split('<div id="burndown" class="now"', 1)[1].split('<p class="legend">', 1)[0]
    assert chart.count('class="base"') == 2 and "; baseline 3<" in chart
    # History and a baseline: lines, and the baseline as a dashed line per series.
    both = render_progress_html(build_report(SCAN, baseline=SCAN, history=HISTORY))
    chart = both.split('<svg id="burndown"', 1)[1].split("</svg>", 1)[0]
    assert chart.count("<polyline") == 2 and chart.count('<line class="baseline') == 2
    # Baseline and now, no history: two points, a line.
    report = build_report(SCAN, baseline=SCAN)
    assert [p.label for p in report.burndown] == ["baseline", "now"]
    assert render_progress_html(report).count("<polyline") == 2


def test_self_contained() -> None:
    html = render_progress_html(build_report(SCAN, history=HISTORY))
    # The only URL is the SVG namespace; nothing is fetched.
    assert re.findall(r"(?:https?:)?//[\w.-]+", html) == ["http://www.w3.org"]
    assert "default-src 'none'" in html
    assert "<img" not in html and "&lt;img src=x" in html
    assert "</script><script>document.title=2" not in html
