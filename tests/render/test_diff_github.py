"""GitHub Actions workflow commands: levels, file properties, and GitHub's escaping rules."""

from __future__ import annotations

import pytest

from migrator.render.github import escape_data, escape_property, render_github_annotations
from migrator.schema import Origin
from migrator.verify.changes import Change, Diff

from .diff_samples import CHECKS, ODD


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("50% done", "50%25 done", "50%25 done"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("x: y, z", "x: y, z", "x%3A y%2C z"),
        ("%0A", "%250A", "%250A"),  # a literal %0A must not turn into a newline
    ],
)
def test_escaping(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


def test_one_command_per_change_at_its_level() -> None:
    lines = render_github_annotations(CHECKS).splitlines()
    assert len(lines) == 10
    assert lines[1] == (
        "::error file=prisma/schema.prisma,line=12,col=3,title=migrator prisma-vs-db%3A alter_column_type (MG103%2C MG301)"
        "::column public.users.email is varchar(200) in FROM, varchar(100) in TO"
        "%0AMG103: narrowing a type cuts, rounds or rejects existing values"
        "%0AMG301: a type change rewrites the table under an ACCESS EXCLUSIVE lock"
    )
    assert [line.split(" ", 1)[0] for line in lines] == [
        "::warning", "::error", "::error", "::error", "::notice", "::warning", "::error", "::warning", "::notice", "::error",
    ]


def test_objects_without_a_file_get_no_file_property() -> None:
    lines = render_github_annotations(CHECKS).splitlines()
    dropped = next(line for line in lines if "drop_column" in line)
    assert dropped.startswith("::error title=")
    assert "file=" not in dropped and "line=" not in dropped


def test_file_relative_to_root_and_properties_escaped() -> None:
    (line,) = render_github_annotations([("odd", ODD)], root="/repo").splitlines()
    assert line.startswith("::warning file=app/models%2C v2.py,line=7,col=1,title=migrator odd%3A add_check (MG205)::")
    assert "50%25 of a|b, c:d%0Asecond line <x>" in line
    assert "\n" not in line


def test_line_without_column() -> None:
    diff = Diff("a", "b", (Change("add_index", "main.t.i", "main", "t", "i", origin_new=Origin("x", "m.py", 3)),))
    assert render_github_annotations([("c", diff)]).startswith("::warning file=m.py,line=3,title=")


def test_a_check_that_could_not_run_is_an_error() -> None:
    class Failed:
        name, diff, error = "db", None, "could not connect: refused"

    assert render_github_annotations([Failed()]) == "::error title=migrator db::check db could not run: could not connect: refused\n"
