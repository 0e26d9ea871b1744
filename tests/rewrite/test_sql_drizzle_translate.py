"""Raw SQL -> Drizzle query builder (migrator/rewrite/sql_drizzle/translate.py), case by case.

tests/fixtures/sql_drizzle/cases.txt holds the cases as data: the statement, its parameters as
JavaScript source, and the exact expression expected — or `db.execute(sql\\`…\\`)` with the
reason the builder cannot say it. The rows keep the raw query's shape: select keys are the
SQL's output names.
"""

from __future__ import annotations

import pytest

from migrator.rewrite.sql_drizzle.translate import TableNames, translate

from ..conftest import FIXTURES

TABLES = {
    "users": TableNames("users", {"id": "id", "email": "email", "created_at": "createdAt", "active": "active",
                                  "score": "score", "deleted_at": "deletedAt"}),
    "posts": TableNames("posts", {"id": "id", "author_id": "authorId", "title": "title"}),
}


def cases() -> list[tuple[str, str, list[str], str, str, str]]:
    out = []
    text = (FIXTURES / "sql_drizzle" / "cases.txt").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#")]
        if not lines:
            continue
        dialect, sql = lines[0].split(": ", 1)
        params = [p.strip() for p in lines[1].removeprefix("params:").split(";") if p.strip()]
        kind, expected = lines[2].split(": ", 1)
        expected, _, reason = expected.partition(" because ")
        out.append((dialect, sql, params, kind, expected, reason))
    return out


@pytest.mark.parametrize(("dialect", "sql", "params", "kind", "expected", "reason"), cases(), ids=lambda v: str(v)[:40])
def test_translation(dialect: str, sql: str, params: list[str], kind: str, expected: str, reason: str) -> None:
    t = translate(sql, params, TABLES, dialect)
    assert (t.kind, t.code) == (kind, expected)
    assert t.reason == reason


def test_what_a_translation_needs_is_listed() -> None:
    t = translate("SELECT id FROM users WHERE email = $1 ORDER BY id DESC", ["e"], TABLES)
    assert (t.operators, t.tables, t.returns_rows) == ({"eq", "desc"}, {"users"}, True)
    assert translate("DELETE FROM users WHERE id = $1", ["i"], TABLES).returns_rows is False


@pytest.mark.parametrize(("sql", "message"), [
    ("SELECT 1; SELECT 2", "2 statements in one string"),
    ("SELEC id FROM users", "the SQL does not parse"),
    ("SELECT id FROM users WHERE id = $2", "$2 has no parameter"),
])
def test_what_cannot_be_rewritten_at_all_is_an_error(sql: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("$", r"\$")):
        translate(sql, ["x"], TABLES)
