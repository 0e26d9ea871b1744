"""`migrator diff` on objects the model has no structure for (issue 12): a function body is drift, never "no drift"."""

from __future__ import annotations

import json
from pathlib import Path

from ..conftest import run_sql
from ..render.test_diff_json import validate_check
from .test_inspect_cli import invoke

TABLE = "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);"


def _function(body: str) -> str:
    return f"CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ {body} $$;"


def test_two_databases_differing_only_in_a_function_body_exit_1(pg_database) -> None:
    a, b = pg_database(), pg_database()
    run_sql(a, TABLE + _function("SELECT count(*) FROM users"))
    run_sql(b, TABLE + _function("SELECT count(*) FROM users WHERE email <> ''"))
    result = invoke("diff", a, b)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "alter_object" in result.stdout and "public.user_count()" in result.stdout
    assert "no drift" not in result.stdout
    data = json.loads(invoke("diff", a, b, "--format", "json").stdout)
    validate_check(data)
    (change,) = data["checks"][0]["diff"]["changes"]
    assert change["message"] == "function public.user_count() differs — not modeled, no fix emitted"
    # The fix emits nothing for it, and says so.
    sql = invoke("diff", a, b, "--emit", "sql").stdout
    assert "-- not modeled, no fix emitted: function public.user_count() differs" in sql
    assert "CREATE" not in sql and "ALTER" not in sql
    # --ignore takes a function's path like any other.
    assert invoke("diff", a, b, "--ignore", "public.user_count(*").exit_code == 0


def test_equal_functions_are_no_drift(pg_database) -> None:
    a, b = pg_database(), pg_database()
    run_sql(a, TABLE + _function("SELECT count(*) FROM users"))
    # Other oids on the other side: fingerprints name none.
    run_sql(b, "CREATE TABLE scratch (id int); DROP TABLE scratch;" + TABLE + _function("SELECT count(*) FROM users"))
    result = invoke("diff", a, b)
    assert result.exit_code == 0, result.stdout
    assert "no drift" in result.stdout


PRISMA_SCHEMA = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id    Int    @id
  email String

  @@map("users")
}
"""


def test_prisma_against_a_live_database_with_a_function_names_it_not_modeled(pg_url: str, tmp_path: Path) -> None:
    run_sql(pg_url, TABLE + _function("SELECT count(*) FROM users"))
    schema = tmp_path / "schema.prisma"
    schema.write_text(PRISMA_SCHEMA)
    result = invoke("diff", f"prisma:{schema}", pg_url, "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    diff = json.loads(result.stdout)["checks"][0]["diff"]
    assert diff["changes"] == []
    lines = [line for line in diff["not_modeled"] if line.startswith("other objects")]
    assert lines == [f"other objects (functions): not modeled by prisma:{schema} (1 in {pg_url})"]


def test_a_migrations_folder_against_the_live_database_compares_functions(pg_cluster, pg_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_init.sql").write_text(TABLE + _function("SELECT count(*) FROM users"))
    run_sql(pg_url, TABLE + _function("SELECT count(*) FROM users"))
    assert invoke("diff", f"sql:{folder}", pg_url, "--dev-url", pg_cluster.url).exit_code == 0
    run_sql(pg_url, "CREATE OR REPLACE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT 0::bigint $$;")
    result = invoke("diff", f"sql:{folder}", pg_url, "--dev-url", pg_cluster.url)
    assert result.exit_code == 1 and "public.user_count()" in result.stdout
