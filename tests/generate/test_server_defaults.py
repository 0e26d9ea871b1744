"""`--server-defaults`: uuid() and new Date() become database defaults, with the migration that adds them."""

from __future__ import annotations

from pathlib import Path

from migrator.inspect import load
from migrator.render.sql import render_sql
from migrator.schema import without_client_defaults
from migrator.verify.diff import CompareOptions, compare

from ..cli.test_inspect_cli import invoke
from ..conftest import FIXTURES, run_sql

SOURCE = f"prisma:{FIXTURES / 'generate' / 'prisma_multifile'}"


def test_the_migration_brings_an_existing_database_to_the_generated_schema(tmp_path: Path, pg_url: str) -> None:
    out = tmp_path / "drizzle"
    result = invoke("generate", "drizzle", SOURCE, "--out", str(out), "--server-defaults", "--verify")
    assert result.exit_code == 0, result.output
    migration = (out / "server-defaults.sql").read_text()
    assert "public.users.id: uuid v4" in migration
    assert "ALTER TABLE public.users ALTER COLUMN id SET DEFAULT gen_random_uuid();" in migration
    schema_ts = (out / "schema.ts").read_text()
    assert 'id: text("id").primaryKey().default(sql`gen_random_uuid()`),' in schema_ts
    assert "cuid2" not in migration and "createId()" in schema_ts  # cuid(2) has no database equivalent: it stays
    # The database Prisma Migrate built, plus the migration, is the generated schema.
    source = load(SOURCE)
    run_sql(pg_url, render_sql(without_client_defaults(source), "postgresql"))
    run_sql(pg_url, migration)
    generated = without_client_defaults(load(f"drizzle:{out}"))
    assert compare(load(pg_url), generated, CompareOptions()).changes == ()


def test_without_anything_to_move_no_migration_is_written(tmp_path: Path) -> None:
    prisma = tmp_path / "schema.prisma"
    prisma.write_text('datasource db {\n  provider = "postgresql"\n  url = env("X")\n}\n\n'
                      "model Note {\n  id String @id @default(cuid())\n}\n")
    result = invoke("generate", "drizzle", f"prisma:{prisma}", "--out", str(tmp_path / "out"), "--server-defaults")
    assert result.exit_code == 0 and not (tmp_path / "out" / "server-defaults.sql").exists()
