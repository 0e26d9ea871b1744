"""drizzle-kit is the oracle of the generated Drizzle schema: its own `generate` turns the files into
SQL, that SQL builds an empty database, and the database inspects equal to the source.

The sources: the tutorme Prisma schema (PostgreSQL), a live PostgreSQL database with the
features drizzle-kit writes (tests/fixtures/generate/pg_features.sql), and a SQLite database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from migrator.files import atomic_write
from migrator.generate.drizzle import generate_drizzle
from migrator.inspect import load
from migrator.schema import without_client_defaults
from migrator.verify.diff import CompareOptions, compare

from ..conftest import EXAMPLES, FIXTURES, run_sql
from ..drizzle_kit import drizzle_kit_sql


def write(files: dict[str, str], folder: Path) -> Path:
    for name, text in files.items():
        atomic_write(folder / name, text)
    return folder


def assert_clean(source, built, what: str) -> None:
    changes = compare(without_client_defaults(source), built, CompareOptions()).changes
    if source.dialect == "sqlite":
        # drizzle-kit writes every SQLite unique() as CREATE UNIQUE INDEX: the same rule, held by
        # an index (an info-level difference no Drizzle code can avoid).
        changes = tuple(c for c in changes if c.kind != "alter_unique_kind")
    assert not changes, f"{what}: drizzle-kit's SQL does not build the source:\n" + "\n".join(c.message for c in changes)


@pytest.mark.parametrize("layout", ["single", "per-table"])
def test_tutorme_prisma_through_drizzle_kit(tmp_path: Path, pg_url: str, layout: str) -> None:
    source = load(f"prisma:{EXAMPLES / 'tutorme' / 'prisma' / 'schema.prisma'}")
    folder = write(generate_drizzle(source, "postgresql", layout=layout), tmp_path / "schema")
    run_sql(pg_url, drizzle_kit_sql(folder, "postgresql"))
    assert_clean(source, load(pg_url), "tutorme")


def test_live_postgresql_through_drizzle_kit(tmp_path: Path, pg_database) -> None:
    first = pg_database()
    run_sql(first, (FIXTURES / "generate" / "pg_features.sql").read_text(encoding="utf-8"))
    source = load(first)
    folder = write(generate_drizzle(source, "postgresql"), tmp_path / "schema")
    second = pg_database()
    run_sql(second, drizzle_kit_sql(folder, "postgresql"))
    assert_clean(source, load(second), "pg_features.sql")


def test_sqlite_through_drizzle_kit(tmp_path: Path) -> None:
    original = tmp_path / "original.db"
    with sqlite3.connect(original) as conn:
        conn.executescript("""
            CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE);
            CREATE TABLE posts (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
              title TEXT NOT NULL,
              score REAL DEFAULT 0,
              body BLOB,
              published INTEGER NOT NULL DEFAULT 0,
              created_at TEXT DEFAULT CURRENT_TIMESTAMP
            );
            CREATE INDEX posts_author_idx ON posts (author_id);
            CREATE UNIQUE INDEX posts_title_author ON posts (author_id, title);
        """)
    source = load(f"sqlite:///{original}")
    folder = write(generate_drizzle(source, "sqlite"), tmp_path / "schema")
    built = tmp_path / "built.db"
    with sqlite3.connect(built) as conn:
        conn.executescript(drizzle_kit_sql(folder, "sqlite").replace("--> statement-breakpoint", ""))
    assert_clean(source, load(f"sqlite:///{built}"), "sqlite")


def test_the_oracle_can_fail(tmp_path: Path, pg_url: str) -> None:
    """A generated file edited by hand (a column dropped) no longer builds the source."""
    source = load(f"prisma:{EXAMPLES / 'tutorme' / 'prisma' / 'schema.prisma'}")
    files = generate_drizzle(source, "postgresql")
    name, text = next((n, t) for n, t in files.items() if '"headline"' in t)
    files[name] = "\n".join(line for line in text.splitlines() if '"headline"' not in line) + "\n"
    folder = write(files, tmp_path / "schema")
    run_sql(pg_url, drizzle_kit_sql(folder, "postgresql"))
    changes = compare(without_client_defaults(source), load(pg_url), CompareOptions()).changes
    assert [c.path for c in changes if c.kind == "drop_column"] == ["public.tutor_profiles.headline"]


def test_drizzle_kit_sql_reports_its_failure(tmp_path: Path) -> None:
    (tmp_path / "bad.ts").write_text('import { nothing } from "drizzle-orm/pg-core";\nexport const t = nothing("t");\n')
    with pytest.raises(AssertionError, match="drizzle-kit"):
        drizzle_kit_sql(tmp_path, "postgresql")


def test_relations_with_self_named_and_many_to_many_through_drizzle_kit(tmp_path: Path, pg_url: str) -> None:
    """The relations() drizzle-kit loads (self-relations, relationName pairs, a join table) change no SQL."""
    from migrator.inspect import load_app_model

    from ..test_appmodel import PRISMA

    path = tmp_path / "schema.prisma"
    path.write_text(PRISMA)
    source, app = load_app_model(f"prisma:{path}")
    folder = write(generate_drizzle(source, "postgresql", app=app), tmp_path / "schema")
    assert "relations(" in (folder / "schema.ts").read_text()
    run_sql(pg_url, drizzle_kit_sql(folder, "postgresql"))
    assert_clean(source, load(pg_url), "relations")


def test_prisma_folder_per_prisma_file_through_drizzle_kit(tmp_path: Path, pg_url: str) -> None:
    """A multi-file Prisma schema with relations across files: one module per .prisma file, modules
    importing each other (relations both ways), read by drizzle-kit as one schema."""
    from migrator.inspect import load_app_model

    source, app = load_app_model(f"prisma:{FIXTURES / 'generate' / 'prisma_multifile'}")
    files = generate_drizzle(source, "postgresql", "per-prisma-file", app)
    assert sorted(files) == ["blog.ts", "enums.ts", "index.ts", "user.ts"]
    assert 'import { post } from "./blog";' in files["user.ts"] and 'import { user } from "./user";' in files["blog.ts"]
    folder = write(files, tmp_path / "schema")
    run_sql(pg_url, drizzle_kit_sql(folder / "index.ts", "postgresql"))
    assert_clean(source, load(pg_url), "prisma_multifile")


REALWORLD = FIXTURES / "generate_realworld"


@pytest.mark.parametrize("case", ["prisma_empty_list_default", "prisma_enum_list_default", "pg_expression_key_opclass",
                                  "pg_function"])
def test_patterns_from_real_schemas_through_drizzle_kit(tmp_path: Path, pg_database, case: str) -> None:
    """Patterns bench/realworld found (ghostfolio's `String[] @default([])`, documenso's
    `Role[] @default([USER])`, papermark's `(lower(email) text_pattern_ops)`, documenso's functions):
    drizzle-kit's SQL of the generated code, after database-objects.sql, builds the source."""
    from migrator.generate.database_objects import objects_sql

    folder = REALWORLD / case
    if (folder / "schema.prisma").exists():
        source = load(f"prisma:{folder / 'schema.prisma'}")
    else:
        built = pg_database()
        run_sql(built, (folder / "schema.sql").read_text(encoding="utf-8"))
        source = load(built)
    out = write(generate_drizzle(source, "postgresql"), tmp_path / "schema")
    target = pg_database()
    objects, _ = objects_sql(source, case)
    if objects is not None:
        run_sql(target, objects)
    run_sql(target, drizzle_kit_sql(out, "postgresql"))
    assert_clean(source, load(target), case)


def test_the_tables_missing_from_a_partial_port_complete_it(tmp_path: Path, pg_url: str) -> None:
    """--missing-from: only what the hand-written port lacks is generated, importing the port's
    tables and enums (under their own export and property names); drizzle-kit reads the port and
    the generated files as one schema, which builds the Prisma schema's database."""
    from migrator.generate.drizzle import Port
    from migrator.inspect import load_app_model

    case = FIXTURES / "generate" / "partial_port"
    source, app = load_app_model(f"prisma:{case / 'schema.prisma'}")
    out = tmp_path / "rest"
    files = generate_drizzle(source, "postgresql", app=app, port=Port(load_app_model(f"drizzle:{case / 'port'}")[1], out))
    text = files["schema.ts"]
    assert "export const accounts" not in text and "export const planEnum" not in text  # the port's, imported
    assert "foreignColumns: [accounts.id]" in text and 'plan: planEnum("plan")' in text
    write(files, out)
    run_sql(pg_url, drizzle_kit_sql(out, "postgresql", case / "port"))
    assert_clean(source, load(pg_url), "partial port")
