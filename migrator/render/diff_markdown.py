"""A Diff, or the results of `migrator check`, as GitHub-flavoured Markdown for a pull-request comment.

A heading, a summary line, then per check a table (severity, path, what, hazards linked to
their documentation). Long tables and the not-modeled/notes lists fold into <details> so the
comment stays short; no ANSI, and every cell is escaped so a `|` or `<` in a message cannot
break the table or open an HTML tag.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from migrator.render import checks as common  # what every diff/check renderer shares
from migrator.render.paths import RepoPaths
from migrator.verify.changes import Change, Diff

SEVERITY_MARK = {"error": "🔴 error", "warning": "🟡 warning", "info": "🔵 info"}
FOLD_AFTER = 10  # rows; a longer table goes into a <details> block


def _cell(text: str) -> str:
    """Text safe inside a table cell: HTML-escaped; pipes, emphasis and code marks escaped; one line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("`", "\\`")
    return "<br>".join(text.splitlines())


def _code(text: str) -> str:
    """An inline code span; `|` is escaped even there, as GitHub splits table cells first."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"


def _hazard_links(change: Change) -> str:
    return " ".join(f"[{code}]({common.hazard_help_uri(code)})" for code in change.hazards)


def _row(change: Change, paths: RepoPaths) -> str:
    what = _cell(paths.text(change.message))
    if change.possible:
        what = f"possible rename: {what}"
    return f"| {SEVERITY_MARK[change.severity]} | {_code(change.path)} | {what} | {_hazard_links(change)} |"


def _folded(summary: str, body: list[str]) -> list[str]:
    # The blank line after <summary> is what makes GitHub render the Markdown inside.
    return ["<details>", f"<summary>{_cell(summary)}</summary>", "", *body, "", "</details>"]


def _list(title: str, lines: Iterable[str]) -> list[str]:
    items = common.unique(lines)
    if not items:
        return []
    return _folded(f"{title} ({len(items)})", [f"- {_cell(line)}" for line in items]) + [""]


def _diff_body(diff: Diff, paths: RepoPaths) -> list[str]:
    out = [f"{_code(paths.text(diff.source_from))} → {_code(paths.text(diff.source_to))}: **{common.summary_text(common.counts([diff]))}**", ""]
    if diff.changes:
        table = ["| severity | path | what | hazards |", "| --- | --- | --- | --- |", *(_row(c, paths) for c in diff.changes)]
        if len(diff.changes) > FOLD_AFTER:
            out += _folded(f"{len(diff.changes)} changes", table) + [""]
        else:
            out += table + [""]
    out += _list("not modeled", map(paths.text, diff.not_modeled))
    out += _list("out of scope", map(paths.text, getattr(diff, "out_of_scope", ())))
    out += _list("notes", map(paths.text, diff.notes))
    return out


def _finish(lines: list[str]) -> str:
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def render_diff_markdown(diff: Diff, *, root: str | PurePath | RepoPaths | None = None) -> str:
    """root: the repository root, or a RepoPaths (migrator.render.paths); paths are written relative to it."""
    return _finish(["## migrator diff", "", *_diff_body(diff, RepoPaths.of(root))])


def render_check_markdown(results: Iterable[Any], *, root: str | PurePath | RepoPaths | None = None) -> str:
    """One section per check; a check that could not run shows its error. root: as render_diff_markdown's."""
    paths = RepoPaths.of(root)
    runs = common.check_runs(results)
    tally = common.counts(common.all_diffs(runs))
    failed = sum(run.error is not None for run in runs)
    headline = common.summary_text(tally)
    if failed:
        headline += f"; {failed} of {len(runs)} checks could not run"
    lines = ["## migrator check", "", f"**{headline}** ({len(runs)} {'check' if len(runs) == 1 else 'checks'})", ""]
    for run in runs:
        lines += [f"### {_cell(run.name)}", ""]
        if run.diff is None:
            lines += [f"❌ could not run: {_cell(paths.text(run.error or 'unknown error'))}", ""]
        else:
            lines += _diff_body(run.diff, paths)
    return _finish(lines)
