"""The drizzle: source equals the database drizzle-kit's SQL creates, read back live.

Each fixture folder holds Drizzle schema modules and the SQL drizzle-kit generates for
them (written by hand in drizzle-kit 0.31's format). The SQL is applied to a real
PostgreSQL database or SQLite file and inspected with the live reader; the Drizzle model,
without the client-side defaults a database cannot hold, must be equal to it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from migrator import inspect as sources
from migrator.schema import Schema, to_dict, without_client_defaults

from ._differences import differences
from ..conftest import EXAMPLES, FIXTURES

DRIZZLE = FIXTURES / "drizzle"
TUTORME = EXAMPLES / "tutorme"


def statements(sql_file: Path) -> list[str]:
    """drizzle-kit's migration split on its statement breakpoints."""
    return [s for s in sql_file.read_text().split("--> statement-breakpoint") if s.strip()]


def assert_same(drizzle: Schema, live: Schema) -> None:
    ours = without_client_defaults(drizzle)
    diff = differences(to_dict(ours)["schema"], to_dict(live.canonical())["schema"])
    assert not diff, "drizzle model differs from the database:\n" + "\n".join(diff)
    assert ours == live.canonical()


def apply_postgres(url: str, sql_file: Path) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements(sql_file):
            conn.execute(statement)


@pytest.mark.parametrize(("case", "spec"), [("pg_shop", "pg_shop/index.ts"), ("pg_casing", "pg_casing")])
def test_postgres_fixture_equals_the_database_drizzle_kit_creates(pg_url: str, case: str, spec: str) -> None:
    apply_postgres(pg_url, DRIZZLE / case / "postgresql.sql")
    drizzle = sources.load(f"drizzle:{DRIZZLE / spec}")
    assert drizzle.dialect == "postgresql"
    assert_same(drizzle, sources.load(pg_url))


def test_sqlite_fixture_equals_the_database_drizzle_kit_creates(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    with sqlite3.connect(db) as conn:
        for statement in statements(DRIZZLE / "sqlite_notes" / "sqlite.sql"):
            conn.execute(statement)
    conn.close()
    drizzle = sources.load(f"drizzle:{DRIZZLE / 'sqlite_notes'}")
    assert drizzle.dialect == "sqlite"
    assert_same(drizzle, sources.load(f"sqlite:///{db}"))


def test_client_defaults_are_the_only_thing_the_database_cannot_hold() -> None:
    drizzle = sources.load(f"drizzle:{DRIZZLE / 'pg_shop'}")
    stripped = without_client_defaults(drizzle)
    changed = {
        f"{t.name}.{c.name}"
        for _, t in drizzle.tables()
        for c in t.columns
        if c != stripped.table(t.name).column(c.name)
    }
    assert changed == {"users.public_id", "users.nickname"}


def test_tutorme_drizzle_tables_differ_from_prisma_by_exactly_the_four_documented_drifts(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for migration in sorted((TUTORME / "prisma" / "migrations").glob("*/migration.sql")):
            conn.execute(migration.read_text())
    live = sources.load(pg_url)
    drizzle = without_client_defaults(sources.load(f"drizzle:{TUTORME / 'src/lib/db/schema'}"))
    tables = {t.name for _, t in drizzle.tables()}
    assert len(tables) == 8
    drift = []
    for name in sorted(tables):
        drift += differences(to_dict_table(drizzle, name), to_dict_table(live, name), name)
    ours = {e.name: e.values for e in drizzle.namespace("public").enums}
    theirs = {e.name: e.values for e in live.namespace("public").enums}
    drift += [f"enum {n}: {ours[n]} vs {theirs[n]}" for n in ours if ours[n] != theirs.get(n)]
    assert drift == [
        "Review.indexes: only in the database: Review_tutorId_createdAt_idx",
        "bookings.columns[endsAt].nullable: drizzle True, database False",
        "tutor_profiles.columns[headline].type.length: drizzle 140, database 120",
        "enum BookingStatus: ('PENDING', 'CONFIRMED', 'CANCELLED', 'COMPLETED')"
        " vs ('PENDING', 'CONFIRMED', 'CANCELLED', 'COMPLETED', 'NO_SHOW')",
    ]


def to_dict_table(schema: Schema, name: str) -> dict:
    namespace = to_dict(schema)["schema"]["namespaces"]
    return next(t for ns in namespace for t in ns["tables"] if t["name"] == name)


def test_filter_operators_in_index_predicates_read_as_the_sql_they_build(pg_url: str) -> None:
    """`.where(isNull(t.deletedAt))`, `and(eq(…), …)`, `inArray`: partial indexes written with
    drizzle-orm's operators, and TypeScript enum members as defaults, compare clean against the
    database their SQL creates (a real schema had 63 such indexes read as total ones)."""
    from migrator.verify.diff import compare

    apply_postgres(pg_url, DRIZZLE / "pg_filters" / "postgresql.sql")
    drizzle = sources.load(f"drizzle:{DRIZZLE / 'pg_filters'}")
    assert not drizzle.notes
    where = {i.name: i.where for i in drizzle.table("public.buses").indexes}
    assert where["buses_name_unique"] == "deleted_at is null"
    diff = compare(drizzle, sources.load(pg_url))
    assert [f"{c.kind} {c.path}" for c in diff.changes] == []


def test_an_index_whose_predicate_cannot_be_read_is_left_out_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "schema.ts").write_text(
        'import { pgTable, text, index } from "drizzle-orm/pg-core";\n'
        'import { exists } from "drizzle-orm";\n'
        'export const t = pgTable("t", { a: text("a") }, (t) => [index("t_a").on(t.a).where(exists(t.a))]);\n'
    )
    drizzle = sources.load(f"drizzle:{tmp_path / 'schema.ts'}")
    assert drizzle.table("public.t").indexes == ()
    assert any("index 't_a' left out, its WHERE cannot be read" in n and "schema.ts:3" in n for n in drizzle.notes)
