"""A Diff as rich terminal text: one table per database table, hazards explained, a summary line.

`diff_renderable(diff)` is for a console the caller owns (colours follow the terminal);
`render_diff_text(diff)` gives the same as a string, plain unless `color=True`.
Imports rich at module level: the CLI imports this module only when it prints text.
"""

from __future__ import annotations

import io
from dataclasses import replace

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from migrator.render import checks as common  # what every diff/check renderer shares
from migrator.render.narrow import DETAILS_HINT, Col, fit_columns, whole_width
from migrator.verify.changes import Change, Diff
from migrator.verify.hazards import BY_CODE

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
DEFAULT_WIDTH = 120


def _row(change: Change) -> tuple[Text, ...]:
    severity = Text(change.severity, style=SEVERITY_STYLE[change.severity])
    old_new = Text(common.old_new(change))
    if change.possible:
        old_new.append(" (possible rename)", style="italic")
    return (
        severity,
        Text(change.kind),
        Text(change.path, style="bold"),
        old_new,
        Text(" ".join(change.hazards), style="magenta"),
    )


# The columns of a change table, and the order they go when the console is narrow (1 first).
_DROP = {"kind": 1, "severity": 2, "hazards": 3}


def _columns(changes: list[Change], widths: tuple[int, int]) -> list[Col]:
    rows = [[cell.plain for cell in _row(c)] for c in changes]
    return [
        Col("severity", [r[0] for r in rows], wrap=False, drop=_DROP["severity"]),
        Col("kind", [r[1] for r in rows], wrap=False, drop=_DROP["kind"], min_width=widths[0]),
        Col("path", [r[2] for r in rows]),
        Col("old -> new", [r[3] for r in rows], cap=16),  # values wrap: room goes to paths first
        Col("hazards", [r[4] for r in rows], wrap=False, drop=_DROP["hazards"], min_width=widths[1]),
    ]


def _group(label: str, changes: list[Change], widths: tuple[int, int], keep: set[str] | None = None,
           path_width: int | None = None) -> RenderableType:
    grid = RichTable(title=label, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    shown = [name for name in ("severity", "kind", "path", "old -> new", "hazards") if keep is None or name in keep]
    if "severity" in shown:
        grid.add_column("severity", no_wrap=True)
    # The same widths in every group's table, so that these columns line up down the
    # report; they never wrap (a kind or a hazard code cut in two cannot be grepped).
    if "kind" in shown:
        grid.add_column("kind", no_wrap=True, min_width=widths[0])
    # A path is folded only when the console leaves no room for it whole.
    grid.add_column("path", overflow="fold", ratio=1, width=path_width)
    grid.add_column("old -> new", overflow="fold", ratio=1)
    if "hazards" in shown:
        grid.add_column("hazards", no_wrap=True, min_width=widths[1])
    names = ("severity", "kind", "path", "old -> new", "hazards")
    for change in changes:
        grid.add_row(*(cell for name, cell in zip(names, _row(change)) if name in shown))
    return grid


def _lines(title: str, lines: list[str], style: str) -> list[RenderableType]:
    if not lines:
        return []
    text = Text(f"{title}:\n", style=f"bold {style}")
    text.append("\n".join(f"  {line}" for line in lines), style=style)
    return [text]


def _widths(diff: Diff) -> tuple[int, int]:
    return (
        max((len(_row(c)[1]) for c in diff.changes), default=0),
        max((len(" ".join(c.hazards)) for c in diff.changes), default=0),
    )


def dropped_columns(diff: Diff, width: int | None = None) -> list[str]:
    """The columns the change tables leave out at `width` (none at the default width of 120)."""
    widths = _widths(diff)
    tables = [_columns(changes, widths) for _, changes in common.groups(diff)]
    return fit_columns(tables, width or DEFAULT_WIDTH, edge_padding=False)[1]


def diff_renderable(diff: Diff, width: int | None = None, *, hint: bool = True) -> RenderableType:
    """The whole report as one rich renderable, its tables fitted to `width` columns (default 120).

    Columns that do not fit are left out, least important first, and a last line says where
    the whole report is (`hint=False` leaves that line to the caller).
    """
    parts: list[RenderableType] = [Text(f"diff {diff.source_from} -> {diff.source_to}", style="bold underline")]
    widths = _widths(diff)
    dropped = dropped_columns(diff, width)
    keep = {"severity", "kind", "path", "old -> new", "hazards"} - set(dropped)
    groups = common.groups(diff)
    # Paths as wide as the narrowest group's table allows (the same in every group, so that
    # the columns line up), whole when there is room: only longer ones fold.
    paths = [c.path for c in diff.changes]
    fitted = [whole_width([replace(c, cells=paths) if c.name == "path" else c for c in _columns(changes, widths) if c.name in keep],
                          "path", width or DEFAULT_WIDTH, edge_padding=False) for _, changes in groups]
    path_width = min(fitted) if fitted and None not in fitted else None
    for label, changes in groups:
        parts.append(_group(label, changes, widths, keep, path_width))
    codes = common.raised_codes([diff])
    parts += _lines("hazards", [f"{code}  {BY_CODE[code].title}" for code in codes if code in BY_CODE], "magenta")
    parts += _lines("not modeled", common.unique(diff.not_modeled), "dim")
    parts += _lines("out of scope", common.unique(getattr(diff, "out_of_scope", ())), "dim")
    parts += _lines("notes", common.unique(diff.notes), "yellow")
    tally = common.counts([diff])
    style = "bold red" if tally["error"] else "bold yellow" if tally["warning"] else "bold green"
    parts.append(Text(common.summary_text(tally), style=style))
    if dropped and hint:
        parts.append(Text(DETAILS_HINT, style="dim"))
    return Group(*parts)


def render_diff_text(diff: Diff, console_width: int | None = None, *, color: bool = False, hint: bool = True) -> str:
    """The report as text `console_width` columns wide (default 120); ANSI colours only with `color`.

    On a narrow console the change tables leave columns out and the report ends with DETAILS_HINT
    (unless `hint=False`: see dropped_columns).
    """
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
    console.print(diff_renderable(diff, console_width or DEFAULT_WIDTH, hint=hint))
    # rich pads table lines to the table's width; trailing blanks only make golden files fragile.
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
