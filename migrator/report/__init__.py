"""The migration-progress report: how far a codebase has moved from its legacy access layer.

model.build_report turns a scan (plus, optionally, a baseline scan, drift check results,
history points, infrastructure findings and schema sources) into a Report, plain data;
progress_markdown, progress_json and progress_html lay it out as progress.md, progress.json
(schemas/progress.v1.json) and progress.html. infra reads Compose files (PyYAML, through
_yaml), envfile reads .env files (python-dotenv), connections gathers the clients, the
variables they read and their values for the connection topology, history scans past commits through git
plumbing for the burndown, baseline is the ratchet that turns "no new legacy code" into
a CI check.

`write_report(report, out_dir)` writes the chosen formats, each atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from migrator.errors import BadInput
from migrator.files import atomic_write
from migrator.report.model import Report, build_report

DEFAULT_DIR = Path("reports")
FORMATS = ("md", "json", "html")


def _renderer(fmt: str) -> Callable[[Report], str]:
    # Imported on use: writing only the JSON need not load the HTML page's template.
    if fmt == "md":
        from migrator.report.progress_markdown import render_progress_markdown
        return render_progress_markdown
    if fmt == "json":
        from migrator.report.progress_json import render_progress_json
        return render_progress_json
    if fmt == "html":
        from migrator.report.progress_html import render_progress_html
        return render_progress_html
    raise BadInput(f"unknown report format {fmt!r} (known: {', '.join(FORMATS)})")


def write_report(report: Report, out_dir: Path = DEFAULT_DIR, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write progress.<fmt> for each format into out_dir (created if missing); the paths written."""
    renderers = [(fmt, _renderer(fmt)) for fmt in dict.fromkeys(formats)]  # every format known before any write
    written = []
    for fmt, render in renderers:
        path = Path(out_dir) / f"progress.{fmt}"
        atomic_write(path, render(report))
        written.append(path)
    return written


__all__ = ["DEFAULT_DIR", "FORMATS", "Report", "build_report", "write_report"]
