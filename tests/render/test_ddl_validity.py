"""The emitted SQL is valid where a diff case cannot show it: changes built by hand, applied to a real PostgreSQL.

The diff cases (tests/fixtures/diff/, test_diff_cases.py) cover what a database reading
can produce; these cover the renderer's side alone: identity sequence options in every
place an identity is declared, expression defaults in column declarations, and the
COMMIT/BEGIN boundary after ALTER TYPE ... ADD VALUE under both ways psql runs a script.
"""

from __future__ import annotations

import subprocess

import psycopg
import pytest

from migrator import schema as model
from migrator.pgcluster import find_bin
from migrator.render.alembic import render_revision
from migrator.render.ddl import COMMIT_BOUNDARY, render_changes_sql
from migrator.sa_bridge import expression_default_sql
from migrator.types import parse_type
from migrator.verify.changes import Change, Diff

from ..conftest import run_sql

INTEGER = parse_type("integer", "postgresql")
BOUNDED = model.Identity("by_default", start=5, increment=2, min_value=5, max_value=1000, cache=10, cycle=True)


def psql(url: str, sql: str, *, single_transaction: bool = True) -> None:
    argv = [find_bin("psql") or "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", "-"]
    if single_transaction:
        argv.insert(4, "--single-transaction")
    result = subprocess.run(argv, input=sql, text=True, capture_output=True, check=False)
    assert result.returncode == 0, f"{result.stderr}\n--- SQL ---\n{sql}"


def sequence_options(url: str, table: str, column: str) -> tuple:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle FROM pg_sequence s "
            "WHERE s.seqrelid = pg_get_serial_sequence(%s, %s)::regclass",
            (table, column),
        ).fetchone()


def _column_change(kind: str, table: str, before: model.Column | None, after: model.Column, **kw) -> Change:
    context = tuple((k, v) for k, v in (("column_old", before), ("column_new", after)) if v is not None)
    return Change(kind, f"public.{table}.{after.name}", "public", table, after.name, context=context, **kw)


# ---------------------------------------------------------------------------
# Identity MINVALUE / MAXVALUE / CACHE / CYCLE


def test_identity_options_are_emitted_wherever_an_identity_is_declared(pg_url: str) -> None:
    run_sql(pg_url, "CREATE TABLE u (k integer); CREATE TABLE v (n integer NOT NULL)")
    col = model.Column("n", INTEGER, nullable=False, identity=BOUNDED)
    diff = Diff(
        "a",
        "b",
        (
            Change("add_table", "public.t", "public", "t", new=model.Table("t", (col,))),
            _column_change("add_column", "u", None, col, new=col),
            _column_change("alter_column_identity", "v", model.Column("n", INTEGER, nullable=False), col, old=None, new=BOUNDED),
        ),
    )
    sql = render_changes_sql(diff, "postgresql")
    for statement in ("CREATE TABLE", "ADD COLUMN", "ADD GENERATED"):
        line = next(text for text in sql.split(";\n") if statement in text)
        for clause in ("MINVALUE 5", "MAXVALUE 1000", "CACHE 10", "CYCLE"):
            assert clause in line, (statement, clause)
    psql(pg_url, sql)
    for table in ("t", "u", "v"):
        assert sequence_options(pg_url, table, "n") == (5, 2, 5, 1000, 10, True)

    revision = render_revision(diff, message="bounds", revision="1", down_revision=None, dialect="postgresql")
    assert revision.count("minvalue=5, maxvalue=1000") >= 3


def test_identity_without_options_says_none() -> None:
    col = model.Column("n", INTEGER, nullable=False, identity=model.Identity("always"))
    sql = render_changes_sql(Diff("a", "b", (Change("add_table", "public.t", "public", "t", new=model.Table("t", (col,))),)), "postgresql")
    assert "GENERATED ALWAYS AS IDENTITY" in sql
    assert "MINVALUE" not in sql and "CYCLE" not in sql


# ---------------------------------------------------------------------------
# Expression defaults


@pytest.mark.parametrize(
    ("value", "postgresql", "sqlite"),
    [
        ("gen_random_uuid()", "gen_random_uuid()", "(gen_random_uuid())"),
        ("pg_catalog.now()", "pg_catalog.now()", "(pg_catalog.now())"),
        ("now() AT TIME ZONE 'utc'::text", "(now() AT TIME ZONE 'utc'::text)", "(now() AT TIME ZONE 'utc')"),
        ("ARRAY[]::integer[]", "(ARRAY[]::integer[])", "(ARRAY[])"),
        ("lower(a) || upper(b)", "(lower(a) || upper(b))", "(lower(a) || upper(b))"),
        ("(1 + 2)", "(1 + 2)", "(1 + 2)"),
    ],
)
def test_expression_defaults_are_parenthesized_unless_a_bare_call(value: str, postgresql: str, sqlite: str) -> None:
    assert expression_default_sql(value, "postgresql") == postgresql
    assert expression_default_sql(value, "sqlite") == sqlite


def test_expression_defaults_apply_in_every_column_position(pg_url: str) -> None:
    run_sql(pg_url, "CREATE TABLE e (id integer)")
    ts = parse_type("timestamp", "postgresql")
    utc = model.Default("expression", "now() AT TIME ZONE 'utc'::text")
    col = model.Column("at", ts, default=utc)
    diff = Diff(
        "a",
        "b",
        (
            Change("add_table", "public.t", "public", "t", new=model.Table("t", (col,))),
            _column_change("add_column", "e", None, col, new=col),
        ),
    )
    sql = render_changes_sql(diff, "postgresql")
    assert sql.count("DEFAULT (now() AT TIME ZONE 'utc'::text)") == 2
    psql(pg_url, sql)


def test_array_constructors_without_a_cast_get_the_column_type(pg_url: str) -> None:
    """What Prisma's @default([]) and Drizzle's .default([]) say: ARRAY[] (no type) and
    ARRAY['user'] (text[], no cast to an enum array) are given the column's type."""
    run_sql(pg_url, "CREATE TYPE role AS ENUM ('user', 'admin'); CREATE TABLE a (id integer)")
    role = model.SqlType("enum", array=True, enum="public.role")
    ints = model.Column("ints", parse_type("integer[]", "postgresql"), default=model.Default("expression", "ARRAY[]"))
    roles = model.Column("roles", role, default=model.Default("expression", "ARRAY['user']"))
    longs = model.Column("longs", parse_type("bigint[]", "postgresql"), default=model.Default("expression", "ARRAY[1, 2]"))
    schema = model.Schema("postgresql", (model.Namespace("public", enums=(model.EnumType("role", ("user", "admin")),)),))
    diff = Diff("a", "b", tuple(_column_change("add_column", "a", None, c, new=c) for c in (ints, roles, longs)))
    sql = render_changes_sql(diff, "postgresql", to_schema=schema, from_schema=schema)
    assert "DEFAULT (ARRAY[]::integer[])" in sql
    assert "DEFAULT (ARRAY['user']::public.role[])" in sql
    assert "DEFAULT (ARRAY[1, 2])" in sql  # converts by assignment: the spelling is kept
    psql(pg_url, sql)


# ---------------------------------------------------------------------------
# ALTER TYPE ... ADD VALUE and the transaction boundary


def _enum_diff() -> tuple[Diff, model.Schema, model.Schema]:
    status = model.SqlType("enum", enum="public.status")
    before = model.EnumType("status", ("draft",))
    after = model.EnumType("status", ("draft", "review"))
    table_a = model.Table("posts", (model.Column("s", status, default=model.Default("literal", "'draft'")),))
    table_b = model.Table("posts", (model.Column("s", status, default=model.Default("literal", "'review'")),))
    a = model.Schema("postgresql", (model.Namespace("public", tables=(table_a,), enums=(before,)),))
    b = model.Schema("postgresql", (model.Namespace("public", tables=(table_b,), enums=(after,)),))
    diff = Diff(
        "a",
        "b",
        (
            Change("alter_column_default", "public.posts.s", "public", "posts", "s", old=table_a.columns[0].default,
                   new=table_b.columns[0].default, context=(("column_old", table_a.columns[0]), ("column_new", table_b.columns[0]))),
            Change("add_enum_value", "public.status.review", "public", "status", "review", old=before.values, new=after.values),
        ),
    )
    return diff, a, b


@pytest.mark.parametrize("single_transaction", [True, False], ids=["psql -1", "psql"])
def test_added_enum_values_are_committed_before_use(pg_url: str, single_transaction: bool) -> None:
    run_sql(pg_url, "CREATE TYPE status AS ENUM ('draft'); CREATE TABLE posts (s status DEFAULT 'draft')")
    diff, a, b = _enum_diff()
    sql = render_changes_sql(diff, "postgresql", to_schema=b, from_schema=a)
    add_value = sql.index("ADD VALUE 'review'")
    boundary = sql.index(COMMIT_BOUNDARY)
    assert add_value < boundary < sql.index("SET DEFAULT 'review'")
    assert sql.rstrip().endswith("COMMIT;")
    psql(pg_url, sql, single_transaction=single_transaction)
    with psycopg.connect(pg_url) as conn:
        default = conn.execute("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'posts'::regclass").fetchone()[0]
    assert default == "'review'::status"


def test_no_boundary_without_a_statement_after_the_added_values() -> None:
    diff, a, b = _enum_diff()
    only_values = Diff("a", "b", tuple(c for c in diff.changes if c.kind == "add_enum_value"))
    sql = render_changes_sql(only_values, "postgresql", to_schema=b, from_schema=a)
    assert "ADD VALUE" in sql and "COMMIT" not in sql and "BEGIN" not in sql
