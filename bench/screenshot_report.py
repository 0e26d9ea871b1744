"""Full-page screenshots of the examples/tutorme progress.html at 1280 and 390 pixels.

    python bench/screenshot_report.py [FOLDER]      # default: reports/screenshots

The report is built the way tests/report builds it (tests/report/tutorme_report.py: the hand-written
scan fixture, its baseline, the example's schema sources, drift check and Compose findings), written
to FOLDER/tutorme/progress.html, and shot in headless Chromium (tests/report/browser.py) as
FOLDER/report-1280.png and FOLDER/report-390.png. Prints what the page measured at each width
(page width against the viewport, bar widths per file, which tables have a filter box) and exits 1
when the page overflows horizontally.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from migrator.report import write_report  # noqa: E402
from tests.report.browser import chromium, screenshot  # noqa: E402
from tests.report.tutorme_report import tutorme_report  # noqa: E402

WIDTHS = (1280, 390)


def main(argv: list[str]) -> int:
    folder = (Path(argv[0]) if argv else REPO / "reports" / "screenshots").resolve()  # Chromium needs file:// URIs
    binary = chromium()
    if binary is None:
        print("screenshot_report: chromium not found (apt-get install -y chromium)", file=sys.stderr)
        return 2
    page = write_report(tutorme_report(), folder / "tutorme", formats=("html",))[0]
    status = 0
    for width in WIDTHS:
        out = folder / f"report-{width}.png"
        facts = screenshot(binary, page, width, out)
        per_file = sorted({round(b["width"] / b["total"], 1) for b in facts["bars"]})
        boxed = [t["id"] for t in facts["tables"] if t["filter"]]
        print(f"{out}: viewport {facts['innerWidth']} px, page {facts['scrollWidth']} px wide, {facts['height']} px tall; "
              f"bar px per file {per_file}; filter boxes on {', '.join(boxed) or 'no table'}")
        if facts["scrollWidth"] > width or facts["wide"]:
            print(f"  overflows: {facts['wide']}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
