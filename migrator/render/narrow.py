"""Tables that degrade on a narrow terminal: fewer columns, wrapped cells, never a wrapped row.

A table is described as columns of plain cell texts before rich builds it. `fit_columns`
keeps every column when their minimum widths fit, else drops the droppable ones, least
important first, until they do; the renderer then prints DETAILS_HINT once (the JSON
output has every column). The minimum of a column is its widest cell when it never wraps,
else its longest word (capped: a longer word folds inside its cell).
No rich here: the arithmetic is the table's, rich only draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DETAILS_HINT = "details: --format json"
WORD_CAP = 24  # a wrapping column never asks for more than this; longer words fold


@dataclass(frozen=True)
class Col:
    name: str
    cells: Sequence[str]
    wrap: bool = True  # False: the cells never wrap (codes, kinds) and need their full width
    drop: int = 0  # 0 never dropped; 1 is dropped first, then 2, ...
    min_width: int = 0
    cap: int = WORD_CAP  # the most a wrapping column asks for

    def minimum(self) -> int:
        texts = [self.name, *self.cells]
        if not self.wrap:
            return max(self.min_width, *(len(t) for t in texts))
        words = [len(w) for t in texts for w in t.split()] or [0]
        return max(self.min_width, min(max(words), self.cap))


def table_minimum(columns: Sequence[Col], edge_padding: bool = True) -> int:
    """The narrowest a rich SIMPLE_HEAD table of `columns` can be without breaking a word it must keep.

    Each column is padded by one blank a side and separated by one; the outer edges add one
    blank each, plus the outer padding when `edge_padding` (rich's pad_edge).
    """
    if not columns:
        return 0
    return sum(c.minimum() for c in columns) + 3 * (len(columns) - 1) + (4 if edge_padding else 2)


def fit_columns(tables: Sequence[Sequence[Col]], width: int, edge_padding: bool = True) -> tuple[set[str], list[str]]:
    """(names kept, names dropped) so that every table of `tables` (same column names) fits `width`."""
    if not tables:
        return set(), []
    names = [c.name for c in tables[0]]
    ranks = sorted({c.drop for t in tables for c in t if c.drop})
    dropped: list[str] = []
    for rank in [0, *ranks]:
        if rank:
            dropped += [c.name for c in tables[0] if c.drop == rank]
        if all(table_minimum([c for c in t if c.name not in dropped], edge_padding) <= width for t in tables):
            break
    return {n for n in names if n not in dropped}, dropped


def terminal_width() -> int | None:
    """The width text for stdout is laid out to: COLUMNS when set, else the terminal's when
    stdout is one, else None (the renderer's default, 120: files, pipes and CI logs)."""
    import os
    import shutil
    import sys

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if sys.stdout.isatty():
            return shutil.get_terminal_size().columns
    except (AttributeError, ValueError, OSError):
        pass
    return None


def whole_width(columns: Sequence[Col], name: str, width: int, edge_padding: bool = True) -> int | None:
    """The width of column `name` (paths) that shows its cells unwrapped, or as near as the
    console allows next to the other columns' minimums; None when it has no room to spare."""
    column = next(c for c in columns if c.name == name)
    longest = max((len(t) for t in (column.name, *column.cells)), default=0)
    room = width - (table_minimum(columns, edge_padding) - column.minimum())
    best = min(longest, room)
    return best if best > column.minimum() or best == longest else None
