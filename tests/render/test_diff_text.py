"""The rich text report of a Diff: grouping, markers, summary line, colour only when asked."""

from __future__ import annotations

from migrator.render.diff_text import render_diff_text
from migrator.verify.changes import Change, Diff

from .diff_samples import CLEAN, DRIFT


def test_groups_by_table_in_diff_order() -> None:
    text = render_diff_text(DRIFT)
    labels = [line for line in text.splitlines() if line in ("database", "public.users", "public.posts", "public.tags")]
    assert labels == ["database", "public.users", "public.posts", "public.tags"]


def test_marks_possible_renames_and_lists_hazards_once() -> None:
    text = render_diff_text(DRIFT)
    assert "name -> full_name (possible rename)" in text
    assert text.count("MG102  dropping a column deletes its values") == 1
    assert text.count("views: not modeled by prisma:prisma/schema.prisma") == 1


def test_summary_line() -> None:
    assert render_diff_text(DRIFT).splitlines()[-1] == "5 errors, 3 warnings, 1 info, 1 possible rename"
    assert render_diff_text(CLEAN).splitlines()[-1] == "no drift"
    one = Diff("a", "b", (Change("add_index", "public.t.i", "public", "t", "i"),))
    assert render_diff_text(one).splitlines()[-1] == "0 errors, 1 warning, 0 info"


def test_plain_unless_color_is_asked_for() -> None:
    assert "\x1b[" not in render_diff_text(DRIFT)
    coloured = render_diff_text(DRIFT, color=True)
    assert "\x1b[1;31merror" in coloured or "\x1b[31;1merror" in coloured


def test_narrow_console_keeps_codes_whole() -> None:
    text = render_diff_text(DRIFT, 60)
    assert all(len(line) <= 60 for line in text.splitlines() if not line.startswith(("diff ", "  MG")))
    assert "MG103 MG301" in text
