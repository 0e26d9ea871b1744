"""Markdown for pull-request comments: summary, one table per check, folding, escaping, no ANSI."""

from __future__ import annotations

from migrator.render.diff_markdown import FOLD_AFTER, render_check_markdown, render_diff_markdown
from migrator.verify.changes import Change, Diff

from .diff_samples import CHECKS, CLEAN, DRIFT, ODD


def test_heading_summary_and_table() -> None:
    text = render_check_markdown(CHECKS)
    lines = text.splitlines()
    assert lines[0] == "## migrator check"
    assert lines[2] == "**5 errors, 3 warnings, 1 info, 1 possible rename** (2 checks)"
    assert "### prisma-vs-db" in lines and "### drizzle-vs-prisma" in lines
    assert "| 🔴 error | `public.users.legacy_id` | column public.users.legacy_id exists only in FROM | " \
           "[MG102](https://github.com/migrator-dev/migrator/blob/main/docs/diff.md#mg102) " \
           "[MG404](https://github.com/migrator-dev/migrator/blob/main/docs/diff.md#mg404) |" in lines
    assert "| 🔵 info | `public.users.full_name` | possible rename: column name is full_name in TO |  |" in lines
    assert "\x1b" not in text


def test_clean_diff() -> None:
    text = render_diff_markdown(CLEAN)
    assert "**no drift**" in text and "| severity |" not in text
    assert "<summary>not modeled (1)</summary>" in text


def test_cells_are_escaped() -> None:
    text = render_diff_markdown(ODD)
    assert "check main.t.ratio\\_ok" not in text  # identifiers stay readable
    assert "50% of a\\|b, c:d<br>second line &lt;x&gt;" in text


def test_long_tables_fold() -> None:
    changes = tuple(Change("add_index", f"public.t.i{n:02}", "public", "t", f"i{n:02}") for n in range(FOLD_AFTER + 1))
    text = render_diff_markdown(Diff("a", "b", changes))
    assert f"<details>\n<summary>{FOLD_AFTER + 1} changes</summary>\n\n| severity |" in text
    short = render_diff_markdown(Diff("a", "b", changes[:FOLD_AFTER]))
    assert "<details>" not in short


def test_a_check_that_could_not_run() -> None:
    class Failed:
        name, diff, error = "db", None, "could not connect <refused>"

    text = render_check_markdown([Failed(), ("ok", DRIFT)])
    assert "❌ could not run: could not connect &lt;refused&gt;" in text
    assert "1 of 2 checks could not run" in text.splitlines()[2]
