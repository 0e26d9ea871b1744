"""Identifier quoting, URL masking and the SQL script splitter."""

from __future__ import annotations

import pytest

from migrator.sqltext import find_top_level, mask_url, url_secrets, quote_ident, redact, split_statements, strip_comments, unwrap_parens


@pytest.mark.parametrize(
    ("name", "quoted"),
    [("users", "users"), ("User", '"User"'), ("order", '"order"'), ('we"ird', '"we""ird"'), ("_x1", "_x1"), ("1abc", '"1abc"')],
)
def test_quote_ident(name: str, quoted: str) -> None:
    assert quote_ident(name) == quoted


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://app:s3cret@db:5432/app", "postgresql://app:***@db:5432/app"),
        ("postgresql://app:p%40ss@localhost/app?sslmode=require", "postgresql://app:***@localhost/app?sslmode=require"),
        ("postgresql://app@localhost/app", "postgresql://app@localhost/app"),
        ("sqlite:///x.db", "sqlite:///x.db"),
        ("postgresql://u:pw@[::1]:5433/d", "postgresql://u:***@[::1]:5433/d"),
        ("postgresql://u@h/d?password=hunter2&sslmode=require", "postgresql://u@h/d?password=***&sslmode=require"),
        ("postgresql://u:s3cret@h:notaport/d", "postgresql://u:***@h:notaport/d"),
    ],
)
def test_mask_url(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_redact_removes_every_secret() -> None:
    assert redact("password=hunter2 failed for hunter2", "hunter2") == "password=*** failed for ***"


def test_split_respects_quotes_comments_and_dollar_bodies() -> None:
    script = """-- leading comment; not a statement
CREATE TABLE "a;b" (x text DEFAULT 'it''s; fine');
/* block; comment /* nested; */ still */
CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;

INSERT INTO t VALUES ($$;$$);
SELECT 1"""
    statements = split_statements(script)
    assert [s.number for s in statements] == [1, 2, 3, 4]
    assert [s.line for s in statements] == [2, 4, 6, 7]
    assert statements[0].text == """CREATE TABLE "a;b" (x text DEFAULT 'it''s; fine')"""
    assert statements[1].text.endswith("LANGUAGE sql")
    assert statements[3].text == "SELECT 1"


def test_split_keeps_sqlite_trigger_bodies_whole() -> None:
    script = """CREATE TABLE t (a int);
CREATE TRIGGER tr AFTER INSERT ON t BEGIN
  UPDATE t SET a = 1;
  UPDATE t SET a = CASE WHEN a > 1 THEN 2 ELSE 3 END;
END;
CREATE INDEX i ON t(a);"""
    statements = split_statements(script)
    assert len(statements) == 3
    assert statements[1].text.startswith("CREATE TRIGGER") and statements[1].text.endswith("END")
    assert statements[2].line == 6


def test_split_drops_comment_only_input() -> None:
    assert split_statements("-- nothing\n/* here */\n;;") == []


def test_strip_comments_keeps_quoted_text() -> None:
    sql = "ALTER TABLE t DROP COLUMN a, -- why: 'x'\nADD COLUMN b text DEFAULT '--not a comment' /* gone */;"
    assert strip_comments(sql) == "ALTER TABLE t DROP COLUMN a, \nADD COLUMN b text DEFAULT '--not a comment'  ;"
    assert strip_comments("SELECT $$ -- kept $$") == "SELECT $$ -- kept $$"


@pytest.mark.parametrize(
    ("text", "unwrapped"),
    [("((a > 0))", "a > 0"), ("(a) AND (b)", "(a) AND (b)"), ("(')')", "')'"), ("(\"x)\")", '"x)"'), ("a", "a")],
)
def test_unwrap_parens(text: str, unwrapped: str) -> None:
    assert unwrap_parens(text) == unwrapped


def test_find_top_level_skips_quotes_and_parentheses() -> None:
    assert find_top_level("lower(x AS y) AS text", " AS ") == 13
    assert find_top_level("'a AS b'", " AS ") == -1


def test_url_secrets_finds_every_spelling() -> None:
    assert url_secrets("postgresql://u:p%40ss@h/d?password=other") == ["p%40ss", "other", "p@ss"]  # longest first
    assert url_secrets("sqlite:///x.db") == [] and url_secrets(None) == []


def test_quote_literal_doubles_single_quotes():
    from migrator.sqltext import quote_literal

    assert quote_literal("it's") == "'it''s'"
    assert quote_literal("") == "''"
