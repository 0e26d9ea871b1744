"""Every text table at 80 and 120 columns: no line wider than the console, no row broken
across lines (only cells wrap), columns left out least important first with a hint."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from migrator.render.diff_text import dropped_columns, render_diff_text
from migrator.render.drift import render_drift_text
from migrator.render.narrow import DETAILS_HINT, Col, fit_columns, table_minimum
from migrator.render.text import render_text
from migrator.schema import Column, Default, Namespace, Schema, SqlType, Table
from migrator.verify.drift import DriftRow, ThreeWay

from .diff_samples import DRIFT

ROW_START = re.compile(r"^ (error|warning|info) ")


def _fits(text: str, width: int) -> None:
    too_long = [line for line in text.splitlines() if len(line) > width]
    assert not too_long, f"lines wider than {width}: {too_long}"


def _body_lines(text: str) -> list[list[str]]:
    """The body lines of each table: from the line after a ─── rule to the next blank line."""
    bodies, current = [], None
    for line in text.splitlines():
        if set(line.strip()) == {"─"}:
            current = []
            bodies.append(current)
        elif current is not None and not line.strip():
            current = None
        elif current is not None:
            current.append(line)
    return bodies


@pytest.mark.parametrize("width", [80, 120])
def test_diff_tables_fit_and_keep_rows_whole(width: int) -> None:
    text = render_diff_text(DRIFT, width)
    _fits(text, width)
    bodies = _body_lines(text)
    starts = [line for body in bodies for line in body if ROW_START.match(line)]
    assert len(starts) == len(DRIFT.changes)  # one first line per change, in order
    for change, line in zip(DRIFT.changes, starts):
        assert line.split()[0] == change.severity
        assert change.path[:12] in line  # the path starts on the row's first line
        if change.hazards:
            assert " ".join(change.hazards) in line  # codes never wrap nor move to a line of their own
    for body in bodies:
        for line in body:
            # A line that does not start a row continues wrapped cells: its severity cell is blank.
            assert ROW_START.match(line) or line.startswith(" " * 10), line


def test_diff_at_80_drops_the_kind_and_says_where_the_rest_is() -> None:
    assert dropped_columns(DRIFT, 80) == ["kind"]
    text = render_diff_text(DRIFT, 80)
    assert text.splitlines()[-1] == DETAILS_HINT
    assert " kind " not in text and "alter_column_type" not in text
    assert "public.posts.posts_author_fkey" in text  # wide enough for whole paths


def test_diff_at_120_keeps_every_column_and_no_hint() -> None:
    assert dropped_columns(DRIFT, 120) == []
    text = render_diff_text(DRIFT, 120)
    assert DETAILS_HINT not in text
    assert "alter_column_type" in text


def test_narrower_still_drops_severity_then_keeps_codes() -> None:
    assert dropped_columns(DRIFT, 60) == ["kind", "severity"]
    text = render_diff_text(DRIFT, 60)
    _fits(text.replace(text.splitlines()[0], ""), 60)
    assert "MG103 MG301" in text


def test_fit_columns_drops_by_rank_until_every_table_fits() -> None:
    table = [Col("a", ["x" * 30]), Col("b", ["y" * 30], wrap=False, drop=2), Col("c", ["z" * 30], wrap=False, drop=1)]
    assert table_minimum(table) == 24 + 30 + 30 + 6 + 4  # a wrapping column asks for at most WORD_CAP
    assert fit_columns([table], 200) == ({"a", "b", "c"}, [])
    assert fit_columns([table], 70) == ({"a", "b"}, ["c"])
    assert fit_columns([table], 40) == ({"a"}, ["c", "b"])


def _three_way() -> ThreeWay:
    rows = (
        DriftRow("public.users.email", "type", "varchar(100)", "varchar(200)", "varchar(100)", "error"),
        DriftRow("public.posts.created_at_with_a_long_name", "default", "CURRENT_TIMESTAMP", "now()", "(absent)", "warning"),
        DriftRow("public.tags", "table", "table", "(absent)", "(absent)", "error"),
    )
    sources = {"target": "prisma:prisma/schema.prisma", "live": "postgresql://app:***@db/app",
               "legacy": "drizzle:src/db/schema.ts"}
    return ThreeWay(sources, rows, {})


@pytest.mark.parametrize("width", [80, 120, 60])
def test_drift_table_fits(width: int) -> None:
    text = render_drift_text(_three_way(), width)
    _fits(text, width)
    (body,) = _body_lines(text)
    starts = [line for line in body if line.startswith("  public.")]
    assert len(starts) == 3  # one first line per row, every cell of the row begins on it
    for row, line in zip(_three_way().rows, starts):
        assert all(value[:4] in line for value in (row.target, row.live, row.legacy)), line
    if width >= 80:
        assert "CURRENT_TIMESTAMP" in text
    assert (DETAILS_HINT in text) == ("aspect" not in text)


def test_drift_keeps_the_aspect_when_wide_and_drops_it_first() -> None:
    assert "aspect" in render_drift_text(_three_way(), 120)
    narrow = render_drift_text(_three_way(), 60)
    assert "aspect" not in narrow and DETAILS_HINT in narrow


def _schema() -> Schema:
    columns = (
        Column("id", SqlType("integer"), False),
        Column("created_at", SqlType("timestamp"), False, default=Default("expression", "CURRENT_TIMESTAMP")),
        Column("search_vector_for_the_title", SqlType("tsvector"), True,
               default=Default("expression", "to_tsvector('english'::regconfig, coalesce(title, ''))")),
    )
    return Schema(dialect="postgresql", namespaces=(Namespace("public", tables=(Table("posts", columns),)),))


@pytest.mark.parametrize("width", [80, 120, 50])
def test_inspect_wraps_values_instead_of_cutting_them(width: int) -> None:
    buffer = io.StringIO()
    render_text(_schema(), Console(file=buffer, width=width, no_color=True, highlight=False))
    text = buffer.getvalue()
    _fits(text, width)
    assert "…" not in text
    if width >= 80:
        assert "CURRENT_TIMESTAMP" in text
    # Every character of a long default is shown, wrapped in its cell (column "default": the 4th).
    assert sum(line.count("'") for line in text.splitlines()) == 4


@pytest.fixture(scope="module")
def tutorme_scan():
    import shutil
    import tempfile
    from pathlib import Path

    from migrator.scan.engine import ScanOptions, scan

    from ..conftest import EXAMPLES

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tutorme"
        shutil.copytree(EXAMPLES / "tutorme", root, ignore=shutil.ignore_patterns(".migrator", "reports"))
        yield scan(root, ScanOptions(cache=False, jobs=1))


@pytest.mark.parametrize("width", [80, 120, 60])
def test_scan_tables_fit(tutorme_scan, width: int) -> None:
    from migrator.render.scan_text import render_scan_text

    text = render_scan_text(tutorme_scan, width=width)
    _fits(text, width)
    assert "…" not in text.replace(" …", "")  # only the "more models" marker
    top = text[text.index("top legacy files"):]
    body = _body_lines(top)[0]
    paths = [f.path for f in sorted((f for f in tutorme_scan.files if f.status in ("legacy", "mixed")),
                                    key=lambda f: (-sum(1 for s in f.sites if s.layer in tutorme_scan.legacy), f.path))][:10]
    starts = [line for line in body if line.strip() and line.split()[0][:6] in {p[:6] for p in paths}
              and re.search(r"\d", line)]
    assert len(starts) == len(paths)  # a row's count is on its first line: rows are never broken
    if width >= 120:
        assert DETAILS_HINT not in text and "models" in top.splitlines()[2]
    if DETAILS_HINT in text:
        assert text.rstrip().splitlines()[-1] == DETAILS_HINT
