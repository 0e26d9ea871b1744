"""Backups `migrator apply` writes first, and `migrator apply --restore`, on real PostgreSQL and SQLite files."""

from __future__ import annotations

import json
import re

import psycopg
import pytest

from migrator import inspect as sources
from migrator.data import backup as backups
from migrator.schema import to_json
from migrator.verify.diff import compare

from ..conftest import run_sql
from .test_apply import _in_a_scratch_folder, invoke, rows, sqlite_db  # noqa: F401 (autouse fixture)

SETUP = ("CREATE TABLE keep (id integer PRIMARY KEY, name text);"
         "INSERT INTO keep VALUES (1, 'a'), (2, 'b');"
         "CREATE TABLE doomed (id integer PRIMARY KEY, payload text);"
         "INSERT INTO doomed VALUES (1, 'x'), (2, 'y'), (3, 'z');")
DROP = "DROP TABLE doomed;\nALTER TABLE keep ADD COLUMN extra text;\n"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, pg_database) -> str:
    if request.param == "sqlite":
        return sqlite_db(tmp_path / "shop.db", SETUP)
    url = pg_database()
    run_sql(url, SETUP)
    return url


def test_backup_then_restore_brings_back_a_dropped_table_and_its_rows(database, tmp_path) -> None:
    before = sources.load(database)
    plan = tmp_path / "drop.sql"
    plan.write_text(DROP)
    result = invoke("apply", str(plan), "--to", database, "--backup-dir", str(tmp_path / "bk"), "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    path = json.loads(result.stdout)["backup"]
    name = backups.database_name(database)
    suffix = "sqlite" if database.startswith("sqlite") else "dump"
    assert re.fullmatch(rf"{re.escape(name)}-\d{{8}}T\d{{12}}Z\.{suffix}", path.rsplit("/", 1)[1]), path
    files = sorted(p.name for p in (tmp_path / "bk").iterdir())
    assert files == sorted([path.rsplit("/", 1)[1], path.rsplit("/", 1)[1] + ".json"])  # no temporary file left
    assert rows(database, "SELECT count(*) FROM keep") == [(2,)]
    # without --yes and no terminal to ask on: refused
    refused = invoke("apply", "--restore", path, "--to", database)
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    restored = invoke("apply", "--restore", path, "--to", database, "--yes")
    assert restored.exit_code == 0, restored.stdout + restored.stderr
    assert rows(database, "SELECT id, payload FROM doomed ORDER BY id") == [(1, "x"), (2, "y"), (3, "z")]
    assert not compare(before, sources.load(database)).changes


def test_text_output_names_the_backup_and_how_to_restore(database, tmp_path) -> None:
    plan = tmp_path / "drop.sql"
    plan.write_text(DROP)
    result = invoke("apply", str(plan), "--to", database, "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.stdout + result.stderr
    line = next(ln for ln in result.stdout.splitlines() if ln.strip().startswith("backup:"))
    assert (tmp_path / "bk").exists() and str(tmp_path / "bk") in line
    assert "migrator apply --restore" in result.stdout


def test_restore_names_objects_created_after_the_backup(tmp_path, pg_url) -> None:
    run_sql(pg_url, SETUP)
    made = backups.backup(pg_url, tmp_path / "bk", schema_json=to_json(sources.load(pg_url)))
    run_sql(pg_url, "CREATE TABLE later (id int); DROP TABLE doomed;")
    result = invoke("apply", "--restore", made.path, "--to", pg_url, "--yes")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "created after the backup" in result.stdout and "public.later" in result.stdout
    assert rows(pg_url, "SELECT count(*) FROM doomed") == [(3,)]


def test_no_backup_writes_nothing(database, tmp_path) -> None:
    plan = tmp_path / "drop.sql"
    plan.write_text(DROP)
    result = invoke("apply", str(plan), "--to", database, "--no-backup", "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 0 and "no backup" in result.stdout
    assert not (tmp_path / "bk").exists()


def test_clone_backup_on_a_local_server(tmp_path, pg_url, pg_cluster) -> None:
    run_sql(pg_url, SETUP)
    plan = tmp_path / "drop.sql"
    plan.write_text(DROP)
    result = invoke("apply", str(plan), "--to", pg_url, "--backup", "clone", "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    clone = json.loads(result.stdout)["backup"].split(" ", 1)[1]
    try:
        assert clone.startswith(backups.CLONE_PREFIX)
        assert rows(pg_cluster.url_for(clone), "SELECT count(*) FROM doomed") == [(3,)]
    finally:
        with psycopg.connect(pg_cluster.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')


def test_restore_refuses_what_is_not_a_backup(tmp_path, pg_url) -> None:
    junk = tmp_path / "junk.dump"
    junk.write_text("not a dump")
    result = invoke("apply", "--restore", str(junk), "--to", pg_url, "--yes")
    assert result.exit_code == 2 and "not a pg_dump archive" in result.stderr
    sqlite_backup = tmp_path / "x.sqlite"
    sqlite_db(sqlite_backup, "CREATE TABLE t (id int);")
    result = invoke("apply", "--restore", str(sqlite_backup), "--to", pg_url, "--yes")
    assert result.exit_code == 2
    assert invoke("apply", "--restore", str(tmp_path / "missing"), "--to", pg_url, "--yes").exit_code == 2
    assert invoke("apply", str(junk), "--restore", str(junk), "--to", pg_url, "--yes").exit_code == 2


def test_pg_dump_gets_no_password_on_its_command_line() -> None:
    conninfo, env = backups.libpq_args("postgresql://me:Top%40Secret@db.example:5433/shop?sslmode=require")
    assert "Secret" not in conninfo and "password" not in conninfo
    assert env["PGPASSWORD"] == "Top@Secret"
    assert "dbname=shop" in conninfo and "port=5433" in conninfo and "sslmode=require" in conninfo


def test_sqlite_backup_and_proof_of_a_wal_database(tmp_path) -> None:
    url = sqlite_db(tmp_path / "wal.db", "PRAGMA journal_mode=WAL;" + SETUP)
    plan = tmp_path / "drop.sql"
    plan.write_text(DROP)
    result = invoke("apply", str(plan), "--to", url, "--prove", "--backup-dir", str(tmp_path / "bk"), "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["proof"]["ok"] and data["proof"]["dropped_tables"] == ["doomed"]
    restored = invoke("apply", "--restore", data["backup"], "--to", url, "--yes")
    assert restored.exit_code == 0, restored.stdout + restored.stderr
    assert rows(url, "SELECT count(*) FROM doomed") == [(3,)]
