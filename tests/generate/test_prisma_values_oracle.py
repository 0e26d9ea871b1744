"""drizzle-kit as the oracle of the Prisma-valued columns (migrator.generate.mapping.PRISMA_VALUES): the
schema `migrator generate drizzle` writes from a Prisma schema with every scalar (customTypes with
toDriver/fromDriver, bigint({ mode: "bigint" })) still makes drizzle-kit build the same tables, on
PostgreSQL and SQLite (tests/fixtures/rewrite_ts/equivalence_values)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from migrator.generate.drizzle import PrismaValues, generate_drizzle
from migrator.inspect import load

from ..conftest import FIXTURES, run_sql
from ..drizzle_kit import drizzle_kit_sql
from .test_drizzle_kit_oracle import assert_clean, write

CASES = FIXTURES / "rewrite_ts" / "equivalence_values"


def test_postgresql_prisma_values_through_drizzle_kit(tmp_path: Path, pg_url: str) -> None:
    source = load(f"prisma:{CASES / 'postgresql' / 'schema.prisma'}")
    files = generate_drizzle(source, "postgresql", prisma=PrismaValues("7.10.0"))
    assert 'bigint("big", { mode: "bigint" })' in files["schema.ts"] and "fromDriver(value)" in files["schema.ts"]
    folder = write(files, tmp_path / "schema")
    run_sql(pg_url, drizzle_kit_sql(folder, "postgresql"))
    assert_clean(source, load(pg_url), "equivalence_values (postgresql)")


def test_sqlite_prisma_values_through_drizzle_kit(tmp_path: Path) -> None:
    source = load(f"prisma:{CASES / 'sqlite' / 'schema.prisma'}")
    for version, written in (("^6.19.0", "return value.getTime();"), ("7.10.0", 'toISOString().replace("Z", "+00:00")')):
        files = generate_drizzle(source, "sqlite", prisma=PrismaValues(version))
        assert written in files["schema.ts"], files["schema.ts"]
        folder = write(files, tmp_path / version / "schema")
        built = tmp_path / version / "built.db"
        with sqlite3.connect(built) as conn:
            conn.executescript(drizzle_kit_sql(folder, "sqlite").replace("--> statement-breakpoint", ""))
        conn.close()
        assert_clean(source, load(f"sqlite:///{built}"), f"equivalence_values (sqlite, prisma {version})")


def test_the_prisma_version_decides_the_sqlite_datetime_format(tmp_path: Path) -> None:
    """package.json above the schema: Prisma 6 (its own engine) stores epoch ms, Prisma 7 or any SQLite driver
    adapter ISO text; none found: Prisma 7's, said in the comment."""
    from migrator.generate.run import prisma_version

    schema = tmp_path / "prisma" / "schema.prisma"
    schema.parent.mkdir()
    schema.write_text((CASES / "sqlite" / "schema.prisma").read_text())
    cases = [('{"dependencies": {"@prisma/client": "^6.19.2"}}', ("^6.19.2", None), "unixepoch-ms"),
             ('{"devDependencies": {"prisma": "~7.1.0"}}', ("~7.1.0", None), "iso8601"),
             ('{"dependencies": {"@prisma/client": "6.16.0", "@prisma/adapter-libsql": "6.16.0"}}',
              ("6.16.0", "@prisma/adapter-libsql"), "iso8601")]
    for manifest, found, fmt in cases:
        (tmp_path / "package.json").write_text(manifest)
        assert prisma_version(schema) == found
        assert PrismaValues(*found).datetime_format == fmt
    (tmp_path / "package.json").unlink()
    files = generate_drizzle(load(f"prisma:{schema}"), "sqlite", prisma=PrismaValues(None))
    assert "(no Prisma version found in package.json: Prisma 7's)" in files["schema.ts"]
