"""`migrator apply` of Prisma and Drizzle migrations folders on real PostgreSQL and SQLite files:
pending migrations, the bookkeeping Prisma Migrate and drizzle-orm keep, drift against the
applied migrations replayed, a baseline, and the raw-SQL app moved onto Drizzle with a proof."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import psycopg
import pytest

from migrator import inspect as sources
from migrator.verify.diff import compare

from ..conftest import FIXTURES, run_sql
from .test_apply import _in_a_scratch_folder, clones, invoke, rows, sqlite_db  # noqa: F401 (autouse fixture)

CASES = FIXTURES / "apply"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def empty_target(engine: str, tmp_path: Path, pg_database) -> str:
    if engine == "sqlite":
        return sqlite_db(tmp_path / "app.db", "")
    return pg_database()


def folder_copy(tmp_path: Path, case: str, keep: int) -> Path:
    """The fixture folder with only its first `keep` migrations (a later one is added by the test)."""
    target = tmp_path / case
    shutil.copytree(CASES / case, target)
    if (target / "meta" / "_journal.json").is_file():
        journal = json.loads((target / "meta" / "_journal.json").read_text())
        for entry in journal["entries"][keep:]:
            (target / f"{entry['tag']}.sql").unlink()
        journal["entries"] = journal["entries"][:keep]
        (target / "meta" / "_journal.json").write_text(json.dumps(journal))
    else:
        for child in sorted(c for c in target.iterdir() if c.is_dir())[keep:]:
            shutil.rmtree(child)
    return target


def replayed(folder: Path, dev_url: str | None):
    return sources.load(str(folder), sources.InspectOptions(dev_url=dev_url))


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_prisma_folder_applies_pending_migrations_and_records_them_as_prisma_does(engine, tmp_path, pg_database, pg_cluster) -> None:
    case = f"prisma_{'pg' if engine == 'postgresql' else 'sqlite'}"
    url = empty_target(engine, tmp_path, pg_database)
    first = folder_copy(tmp_path, case, 1)
    dev = ["--dev-url", pg_cluster.url]
    result = invoke("apply", str(first), "--to", url, "--no-backup", *dev)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "1 pending: 20250101000000_init" in result.stdout
    # the second migration arrives: only it is pending
    shutil.copytree(CASES / case / "20250201000000_email", first / "20250201000000_email")
    result = invoke("apply", str(first), "--to", url, "--prove", "--backup-dir", str(tmp_path / "bk"), *dev, "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["pending_migrations"] == ["20250201000000_email"] and data["applied_migrations"] == ["20250101000000_init"]
    assert data["proof"]["ok"] and data["proof"]["diff_changes"] == 0
    recorded = rows(url, "SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at, applied_steps_count, "
                         "length(id) FROM _prisma_migrations ORDER BY migration_name")
    assert recorded == [
        ("20250101000000_init", sha256(CASES / case / "20250101000000_init" / "migration.sql"), True, None, 1, 36),
        ("20250201000000_email", sha256(CASES / case / "20250201000000_email" / "migration.sql"), True, None, 1, 36),
    ]
    assert not compare(sources.load(url), replayed(CASES / case, pg_cluster.url)).changes
    again = invoke("apply", str(first), "--to", url, "--no-backup", *dev)
    assert again.exit_code == 0 and "nothing to apply" in again.stdout
    if engine == "postgresql":
        assert clones(pg_cluster) == []


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_drizzle_folder_records_hash_and_when_as_drizzle_orm_does(engine, tmp_path, pg_database, pg_cluster) -> None:
    case = f"drizzle_{'pg' if engine == 'postgresql' else 'sqlite'}"
    url = empty_target(engine, tmp_path, pg_database)
    folder = CASES / case
    result = invoke("apply", str(folder), "--to", url, "--prove", "--backup-dir", str(tmp_path / "bk"),
                    "--dev-url", pg_cluster.url)
    assert result.exit_code == 0, result.stdout + result.stderr
    table = '"drizzle"."__drizzle_migrations"' if engine == "postgresql" else "__drizzle_migrations"
    journal = json.loads((folder / "meta" / "_journal.json").read_text())
    recorded = rows(url, f"SELECT hash, created_at FROM {table} ORDER BY created_at")
    assert [(h, int(c)) for h, c in recorded] == [(sha256(folder / f"{e['tag']}.sql"), e["when"]) for e in journal["entries"]]
    assert not compare(sources.load(url), replayed(folder, pg_cluster.url)).changes
    again = invoke("apply", str(folder), "--to", url, "--no-backup", "--dev-url", pg_cluster.url)
    assert again.exit_code == 0 and "nothing to apply" in again.stdout


def test_drizzle_pending_is_by_when_after_the_last_created_at(tmp_path, pg_url, pg_cluster) -> None:
    first = folder_copy(tmp_path, "drizzle_pg", 1)
    assert invoke("apply", str(first), "--to", pg_url, "--no-backup", "--dev-url", pg_cluster.url).exit_code == 0
    run_sql(pg_url, "INSERT INTO posts (user_id, title) SELECT 1, 't' WHERE false")
    shutil.rmtree(first)
    full = CASES / "drizzle_pg"
    dry = json.loads(invoke("apply", str(full), "--to", pg_url, "--dry-run", "--format", "json",
                            "--dev-url", pg_cluster.url).stdout)
    assert dry["pending_migrations"] == ["0001_status"] and dry["applied_migrations"] == ["0000_init"]
    # the enum value added to a type made by an applied migration is committed before the transaction
    assert dry["steps"][0]["phase"] == "before" and "ADD VALUE 'archived'" in dry["steps"][0]["sql"]
    result = invoke("apply", str(full), "--to", pg_url, "--no-backup", "--dev-url", pg_cluster.url)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert rows(pg_url, "SELECT count(*) FROM drizzle.__drizzle_migrations") == [(2,)]


def test_drift_against_the_applied_migrations_is_refused(tmp_path, pg_url, pg_cluster) -> None:
    first = folder_copy(tmp_path, "prisma_pg", 1)
    assert invoke("apply", str(first), "--to", pg_url, "--no-backup", "--dev-url", pg_cluster.url).exit_code == 0
    run_sql(pg_url, 'ALTER TABLE "User" ADD COLUMN "nickname" text')
    result = invoke("apply", str(CASES / "prisma_pg"), "--to", pg_url, "--no-backup", "--dev-url", pg_cluster.url)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "refused" in result.stdout and "public.User.nickname" in result.stdout
    assert rows(pg_url, "SELECT count(*) FROM _prisma_migrations") == [(1,)]


def test_a_failing_migration_rolls_back_the_migrations_and_their_bookkeeping(tmp_path) -> None:
    url = sqlite_db(tmp_path / "app.db", "")
    folder = folder_copy(tmp_path, "prisma_sqlite", 2)
    (folder / "20250301000000_bad").mkdir()
    (folder / "20250301000000_bad" / "migration.sql").write_text('ALTER TABLE "Nope" ADD COLUMN "x" TEXT;\n')
    result = invoke("apply", str(folder), "--to", url, "--no-backup")
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "statement 4" in result.stderr and "no such table: Nope" in result.stderr and "unchanged" in result.stderr
    assert rows(url, "SELECT name FROM sqlite_master") == []


def test_raw_sql_sqlite_app_moved_onto_drizzle_with_a_baseline_and_a_proof(tmp_path) -> None:
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.executescript((CASES / "raw_sqlite_app" / "schema.sql").read_text())
    conn.close()
    url = f"sqlite:///{db}"
    folder = CASES / "drizzle_sqlite"
    # Without a baseline the Drizzle folder expects an empty database: refused, with the diff.
    refused = invoke("apply", str(folder), "--to", url, "--no-backup")
    assert refused.exit_code == 1 and "main.posts" in refused.stdout
    result = invoke("apply", str(folder), "--to", url, "--baseline", "0000_baseline", "--prove",
                    "--backup-dir", str(tmp_path / "bk"), "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["baselined_migrations"] == ["0000_baseline"] and data["pending_migrations"] == ["0001_drizzle_managed"]
    assert data["proof"]["ok"] and data["proof"]["diff_changes"] == 0
    assert data["proof"]["counts_after"] == {"audit_log": 4, "posts": 3, "users": 3}
    assert data["proof"]["verified_tables"] == ["audit_log"]
    assert rows(url, "SELECT count(*) FROM __drizzle_migrations") == [(2,)]
    assert rows(url, "SELECT id, body FROM posts ORDER BY id") == [(1, "on the engine"), (2, ""), (3, "text")]
    assert not compare(sources.load(url), sources.load(str(folder))).changes
    backup = Path(data["backup"])
    assert backup.is_file() and backup.name.startswith("app-")
    # and back: the restore brings the raw-SQL schema and its rows back
    restored = invoke("apply", "--restore", str(backup), "--to", url, "--yes")
    assert restored.exit_code == 0, restored.stdout + restored.stderr
    assert rows(url, "SELECT id, body FROM posts ORDER BY id") == [(1, "on the engine"), (2, None), (3, "text")]
    assert rows(url, "SELECT name FROM sqlite_master WHERE name = '__drizzle_migrations'") == []


def test_baseline_errors(tmp_path) -> None:
    url = sqlite_db(tmp_path / "app.db", "")
    assert invoke("apply", str(CASES / "drizzle_sqlite"), "--to", url, "--baseline", "9999_none").exit_code == 2
    plan = tmp_path / "p.sql"
    plan.write_text("SELECT 1;\n")
    assert invoke("apply", str(plan), "--to", url, "--baseline", "x").exit_code == 2


def test_postgres_folder_on_a_sqlite_target_is_bad_input(tmp_path) -> None:
    url = sqlite_db(tmp_path / "app.db", "")
    result = invoke("apply", str(CASES / "drizzle_pg"), "--to", url)
    assert result.exit_code == 2 and "postgresql plan" in result.stderr


def test_a_failed_prisma_migration_must_be_resolved_first(tmp_path, pg_url, pg_cluster) -> None:
    first = folder_copy(tmp_path, "prisma_pg", 1)
    assert invoke("apply", str(first), "--to", pg_url, "--no-backup", "--dev-url", pg_cluster.url).exit_code == 0
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE _prisma_migrations SET finished_at = NULL")
    result = invoke("apply", str(CASES / "prisma_pg"), "--to", pg_url, "--no-backup", "--dev-url", pg_cluster.url)
    assert result.exit_code == 2 and "prisma migrate resolve" in result.stderr
