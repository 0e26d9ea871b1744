"""The results of `migrator check` as GitHub Actions workflow commands: annotations on the pull request.

One line per change: `::error file=…,line=…,col=…,title=…::message` (warning and notice
for the other severities; possible renames are notices), with the hazards' titles on
further lines of the message. A change with no file location gets no file property and
shows on the run's summary instead of a line. A check that could not run is an error.

Escaping follows GitHub's runner (toolkit/packages/core/src/command.ts): in the message
`%`, CR and LF become %25, %0D, %0A; in property values `:` and `,` too (%3A, %2C).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from migrator.render import checks as common  # what every diff/check renderer shares
from migrator.render.paths import RepoPaths
from migrator.verify.changes import Change
from migrator.verify.hazards import BY_CODE

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(name: str, properties: list[tuple[str, str]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _annotation(check: str, change: Change, root: RepoPaths) -> str:
    properties: list[tuple[str, str]] = []
    origin = common.with_file(change)
    if origin is not None:
        properties.append(("file", root.file(origin.file or "")))
        if origin.line is not None:
            properties.append(("line", str(origin.line)))
            if origin.column is not None:
                properties.append(("col", str(origin.column)))
    title = f"migrator {check}: {change.kind}"
    if change.hazards:
        title += f" ({', '.join(change.hazards)})"
    properties.append(("title", title))
    message = f"possible rename: {change.message}" if change.possible else change.message
    lines = [message] + [f"{code}: {BY_CODE[code].title}" for code in change.hazards if code in BY_CODE]
    return _command("notice" if change.possible else COMMAND[change.severity], properties, "\n".join(lines))


def render_github_annotations(results: Iterable[Any], *, root: str | PurePath | RepoPaths | None = None) -> str:
    """Workflow commands for (check name, Diff) pairs or check results, one per line.

    root: the repository root, or a RepoPaths (root, --path-prefix, the folder relative
    files are relative to); GitHub matches `file=` against paths relative to the root.
    """
    paths = RepoPaths.of(root)
    lines = []
    for run in common.check_runs(results):
        if run.diff is None:
            lines.append(_command("error", [("title", f"migrator {run.name}")], f"check {run.name} could not run: {paths.text(run.error or '')}"))
            continue
        lines.extend(_annotation(run.name, change, paths) for change in run.diff.changes)
    return "".join(line + "\n" for line in lines)
