"""A Diff as rich terminal text: one table per database table, hazards explained, a summary line.

`diff_renderable(diff)` is for a console the caller owns (colours follow the terminal);
`render_diff_text(diff)` gives the same as a string, plain unless `color=True`.
Imports rich at module level: the CLI imports this module only when it prints text.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from migrator.render import report
from migrator.verify.changes import Change, Diff
from migrator.verify.hazards import BY_CODE

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
DEFAULT_WIDTH = 120


def _row(change: Change) -> tuple[Text, ...]:
    severity = Text(change.severity, style=SEVERITY_STYLE[change.severity])
    old_new = Text(report.old_new(change))
    if change.possible:
        old_new.append(" (possible rename)", style="italic")
    return (
        severity,
        Text(change.kind),
        Text(change.path, style="bold"),
        old_new,
        Text(" ".join(change.hazards), style="magenta"),
    )


def _group(label: str, changes: list[Change], widths: tuple[int, int]) -> RenderableType:
    grid = RichTable(title=label, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    grid.add_column("severity", no_wrap=True)
    # The same widths in every group's table, so that these columns line up down the
    # report; they never wrap (a kind or a hazard code cut in two cannot be grepped).
    grid.add_column("kind", no_wrap=True, min_width=widths[0])
    grid.add_column("path", overflow="fold", ratio=1)
    grid.add_column("old -> new", ratio=1)
    grid.add_column("hazards", no_wrap=True, min_width=widths[1])
    for change in changes:
        grid.add_row(*_row(change))
    return grid


def _lines(title: str, lines: list[str], style: str) -> list[RenderableType]:
    if not lines:
        return []
    text = Text(f"{title}:\n", style=f"bold {style}")
    text.append("\n".join(f"  {line}" for line in lines), style=style)
    return [text]


def diff_renderable(diff: Diff) -> RenderableType:
    """The whole report as one rich renderable."""
    parts: list[RenderableType] = [Text(f"diff {diff.source_from} -> {diff.source_to}", style="bold underline")]
    widths = (
        max((len(_row(c)[1]) for c in diff.changes), default=0),
        max((len(" ".join(c.hazards)) for c in diff.changes), default=0),
    )
    for label, changes in report.groups(diff):
        parts.append(_group(label, changes, widths))
    codes = report.raised_codes([diff])
    parts += _lines("hazards", [f"{code}  {BY_CODE[code].title}" for code in codes if code in BY_CODE], "magenta")
    parts += _lines("not modeled", report.unique(diff.not_modeled), "dim")
    parts += _lines("out of scope", report.unique(getattr(diff, "out_of_scope", ())), "dim")
    parts += _lines("notes", report.unique(diff.notes), "yellow")
    tally = report.counts([diff])
    style = "bold red" if tally["error"] else "bold yellow" if tally["warning"] else "bold green"
    parts.append(Text(report.summary_text(tally), style=style))
    return Group(*parts)


def render_diff_text(diff: Diff, console_width: int | None = None, *, color: bool = False) -> str:
    """The report as text `console_width` columns wide (default 120); ANSI colours only with `color`."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=console_width or DEFAULT_WIDTH,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    console.print(diff_renderable(diff))
    # rich pads table lines to the table's width; trailing blanks only make golden files fragile.
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
