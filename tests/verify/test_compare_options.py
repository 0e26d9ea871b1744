"""compare() on options and comments: constraint flags, unique constraint vs unique index,
identity and sequence options, view options, comments, empty schemas — and no false drift
from sources that cannot declare them (Prisma, Drizzle, SQLAlchemy).

The SQL-level cases (applied to real databases, the emitted DDL re-diffed) are the
tests/fixtures/diff/pg_* folders; these pin the rules down on the model.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from migrator.inspect import InspectOptions, load
from migrator.inspect.postgres import inspect_url
from migrator.schema import (
    CheckConstraint, Column, ForeignKey, Identity, Index, IndexElement, Namespace, PrimaryKey, Schema, Sequence,
    SqlType, Table, UniqueConstraint, View,
)
from migrator.verify.diff import compare

from ..conftest import run_sql

INT = SqlType("integer")
TEXT = SqlType("text")


def pg(*tables: Table, source: str = "postgresql://db", **ns_fields) -> Schema:
    return Schema("postgresql", (Namespace("public", tables=tables, **ns_fields),), source=source)


def users(**fields) -> Table:
    fields.setdefault("columns", (Column("id", INT, nullable=False), Column("email", TEXT, nullable=False), Column("name", TEXT)))
    fields.setdefault("primary_key", PrimaryKey(("id",), "users_pkey"))
    return Table("users", **fields)


def kinds(diff) -> list[tuple[str, str, str]]:
    return [(c.kind, c.path, c.severity) for c in diff.changes]


def test_constraint_flags_are_one_alter_constraint_change() -> None:
    a = pg(users(uniques=(UniqueConstraint("users_email_key", ("email",)),)))
    b = pg(users(uniques=(UniqueConstraint("users_email_key", ("email",), deferrable=True, initially_deferred=True),)))
    diff = compare(a, b)
    assert kinds(diff) == [("alter_constraint", "public.users.users_email_key", "warning")]
    assert diff.changes[0].message == (
        "constraint public.users.users_email_key is without options in FROM, DEFERRABLE INITIALLY DEFERRED in TO")
    assert diff.changes[0].reverse().get("object_new") == a.namespaces[0].tables[0].uniques[0]


def test_only_to_not_valid_is_info() -> None:
    check = CheckConstraint("users_name_check", "name <> ''")
    a = pg(users(checks=(check,)))
    b = pg(users(checks=(dataclasses.replace(check, not_valid=True),)))
    assert kinds(compare(a, b)) == [("alter_constraint", "public.users.users_name_check", "info")]
    assert kinds(compare(b, a)) == [("alter_constraint", "public.users.users_name_check", "warning")]


def test_nulls_not_distinct_is_part_of_the_unique_key() -> None:
    a = pg(users(uniques=(UniqueConstraint("users_email_key", ("email",)),)))
    b = pg(users(uniques=(UniqueConstraint("users_email_key", ("email",), nulls_not_distinct=True),)))
    assert [k for k, _, _ in kinds(compare(a, b))] == ["add_unique", "drop_unique"]


def test_unique_constraint_and_unique_index_are_equal_for_drift_but_the_fix_makes_tos() -> None:
    a = pg(users(uniques=(UniqueConstraint("users_email_key", ("email",)),)))
    b = pg(users(indexes=(Index("users_email_key", (IndexElement("email"),), unique=True),)))
    diff = compare(a, b)
    assert kinds(diff) == [("alter_unique_kind", "public.users.users_email_key", "info")]
    assert diff.changes[0].message == "public.users.users_email_key is a unique constraint in FROM, a unique index in TO"
    assert diff.at_or_above("warning") == ()


def test_comments_on_every_object() -> None:
    idx = Index("users_name_idx", (IndexElement("name"),))
    view = View("v", "SELECT 1")
    seq = Sequence("s")
    a = Schema("postgresql", (Namespace("public", tables=(users(indexes=(idx,)),), views=(view,), sequences=(seq,)),),
               source="postgresql://a")
    b = Schema("postgresql", (Namespace("public", comment="the schema",
                                        tables=(users(indexes=(dataclasses.replace(idx, comment="by name"),),
                                                      primary_key=PrimaryKey(("id",), "users_pkey", comment="key")),),
                                        views=(dataclasses.replace(view, comment="one"),),
                                        sequences=(dataclasses.replace(seq, comment="n"),)),), source="postgresql://b")
    assert sorted(kinds(compare(a, b))) == [
        ("alter_constraint_comment", "public.users.users_pkey", "info"),
        ("alter_index_comment", "public.users.users_name_idx", "info"),
        ("alter_namespace_comment", "public", "info"),
        ("alter_sequence_comment", "public.s", "info"),
        ("alter_view_comment", "public.v", "info"),
    ]


def test_identity_options_and_sequence_cache() -> None:
    col = Column("id", INT, nullable=False, identity=Identity("always", 1, 1))
    a = pg(Table("t", (col,)), sequences=(Sequence("s"),))
    b = pg(Table("t", (dataclasses.replace(col, identity=Identity("always", 1, 1, max_value=100, cycle=True)),)),
           sequences=(Sequence("s", cache=20),))
    diff = compare(a, b)
    assert kinds(diff) == [("alter_sequence", "public.s", "warning"), ("alter_identity_options", "public.t.id", "warning")]
    assert diff.changes[1].message == "column public.t.id identity is default options in FROM, MAXVALUE 100 CYCLE in TO"


def test_view_options_and_matview_indexes() -> None:
    mv = View("mv", "SELECT 1 AS x", materialized=True)
    a = pg(views=(mv, View("v", "SELECT 2")))
    b = pg(views=(dataclasses.replace(mv, options=("fillfactor=70",), indexes=(Index("mv_x", (IndexElement("x"),)),)),
                  View("v", "SELECT 2", options=("security_barrier=true",))))
    assert kinds(compare(a, b)) == [
        ("alter_view_options", "public.mv", "warning"),
        ("add_view_index", "public.mv.mv_x", "warning"),
        ("alter_view_options", "public.v", "warning"),
    ]


def test_empty_schemas_live_vs_live() -> None:
    a = Schema("postgresql", (Namespace("public"), Namespace("old")), source="postgresql://a")
    b = Schema("postgresql", (Namespace("public"), Namespace("new")), source="postgresql://b")
    assert kinds(compare(a, b)) == [("add_namespace", "new", "error"), ("drop_namespace", "old", "error")]
    # An empty public only on one side is every PostgreSQL database's: no change.
    assert compare(Schema("postgresql", (), source="postgresql://a"), Schema("postgresql", (Namespace("public"),))).clean


def test_empty_schemas_are_not_drift_against_sources_without_schemas() -> None:
    live = Schema("postgresql", (Namespace("public", tables=(users(),)), Namespace("audit")), source="postgresql://db")
    prisma = pg(users(), source="prisma:schema.prisma")
    drizzle = pg(users(), source="drizzle:src/db")
    for other in (prisma, drizzle):
        diff = compare(live, other)
        assert diff.clean
        assert any(line.startswith("schemas: not modeled by") for line in diff.not_modeled)
    # Across dialects PostgreSQL's empty public is SQLite's main, and an empty schema has no SQLite counterpart.
    sqlite = Schema("sqlite", (Namespace("main", tables=(users(),)),), source="sqlite:///x.db")
    assert compare(live, sqlite).clean


def test_sources_that_cannot_declare_options_see_no_drift() -> None:
    live = pg(
        users(
            uniques=(UniqueConstraint("users_email_key", ("email",), deferrable=True, nulls_not_distinct=True, comment="c"),),
            indexes=(Index("users_name_idx", (IndexElement("name"),), comment="by name"),),
            columns=(Column("id", INT, nullable=False, identity=Identity("by_default", 1, 1, max_value=10, cache=5)),
                     Column("email", TEXT, nullable=False), Column("name", TEXT)),
        )
    )
    plain = users(uniques=(UniqueConstraint("users_email_key", ("email",)),),
                  indexes=(Index("users_name_idx", (IndexElement("name"),)),),
                  columns=(Column("id", INT, nullable=False, identity=Identity("by_default", 1, 1)),
                           Column("email", TEXT, nullable=False), Column("name", TEXT)))
    for source in ("prisma:schema.prisma", "sqlalchemy:app.models:Base"):
        diff = compare(live, pg(plain, source=source))
        assert diff.clean, (source, kinds(diff))
        assert compare(pg(plain, source=source), live).clean
        assert "constraint options (DEFERRABLE, NOT VALID, NO INHERIT, MATCH FULL): not modeled by " + source + \
            " (1 in postgresql://db)" in diff.not_modeled
    # Drizzle declares NULLS NOT DISTINCT (.nullsNotDistinct()), so that one is drift.
    drizzle = compare(live, pg(plain, source="drizzle:src/db"))
    assert [c.kind for c in drizzle.changes] == ["add_unique", "drop_unique"]


PRISMA_SCHEMA = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String?

  @@index([name])
}
"""


def test_prisma_vs_a_live_database_with_a_deferrable_unique_and_an_index_comment(pg_url: str, tmp_path: Path) -> None:
    """The live side has what a Prisma schema cannot say; the comparison stays clean."""
    run_sql(pg_url, """
        CREATE TABLE "User" (id serial PRIMARY KEY, email text NOT NULL, name text);
        CREATE UNIQUE INDEX "User_email_key" ON "User" (email) NULLS NOT DISTINCT;
        CREATE INDEX "User_name_idx" ON "User" (name);
        COMMENT ON INDEX "User_name_idx" IS 'by name';
        ALTER TABLE "User" ADD CONSTRAINT "User_name_check" CHECK (name <> '') NOT VALID;
        CREATE SCHEMA reporting;
    """)
    live = inspect_url(pg_url, InspectOptions())
    (tmp_path / "schema.prisma").write_text(PRISMA_SCHEMA)
    prisma = load(f"prisma:{tmp_path / 'schema.prisma'}")
    diff = compare(live, prisma)
    assert diff.changes == (), [(c.kind, c.path) for c in diff.changes]
    assert any("NULLS NOT DISTINCT: not modeled" in line for line in diff.not_modeled)
    assert any(line.startswith("comments on indexes") for line in diff.not_modeled)

    run_sql(pg_url, """
        DROP INDEX "User_email_key";
        ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE (email) DEFERRABLE INITIALLY DEFERRED;
    """)
    diff = compare(inspect_url(pg_url, InspectOptions()), prisma)
    assert diff.changes == (), [(c.kind, c.path) for c in diff.changes]


def test_drizzle_reads_nulls_not_distinct_from_typescript_and_snapshot() -> None:
    from ..conftest import FIXTURES

    case = FIXTURES / "drizzle_kit" / "pg_generate"
    for spec in (f"drizzle:{case}", f"drizzle-snapshot:{case / 'drizzle' / 'meta' / '0000_snapshot.json'}"):
        accounts = load(spec).table("public.accounts")
        unique = next(u for u in accounts.uniques if u.name == "accounts_email_handle_unique")
        assert unique.nulls_not_distinct, spec
