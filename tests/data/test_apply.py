"""`migrator apply` of SQL scripts and Alembic revisions on real PostgreSQL and SQLite files:
the plan header and drift refusal, one transaction with a failing statement rolled back,
statements outside the transaction, the proof on a clone, exit codes, no password shown."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from migrator import inspect as sources
from migrator.cli import app
from migrator.data.plans import load_plan, read_header
from migrator.schema import to_json
from migrator.verify.diff import compare

from ..conftest import run_sql

runner = CliRunner()


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path, monkeypatch) -> None:
    """apply writes backups under .migrator/backups of the working folder by default: never the checkout's."""
    monkeypatch.chdir(tmp_path)


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def sqlite_db(path: Path, script: str) -> str:
    with sqlite3.connect(path) as conn:
        conn.executescript(script)
    conn.close()
    return f"sqlite:///{path}"


def rows(url: str, query: str) -> list[tuple]:
    if url.startswith("sqlite:"):
        conn = sqlite3.connect(url[len("sqlite:///"):])
        try:
            return conn.execute(query).fetchall()
        finally:
            conn.close()
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


def same_schema(a: str, b) -> bool:
    other = sources.load(b) if isinstance(b, str) else b
    return not compare(sources.load(a), other).changes


def clones(pg_cluster) -> list[str]:
    with psycopg.connect(pg_cluster.url) as conn:
        return [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'migrator_clone_%'")]


SQLITE_FROM = """
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), title TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, message TEXT);
INSERT INTO users VALUES (1, 'ada'), (2, 'alan');
INSERT INTO posts VALUES (1, 1, 'notes'), (2, 2, 'numbers');
INSERT INTO audit VALUES (1, 'a'), (2, 'b'), (3, 'c');
"""
SQLITE_TO = """
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), title TEXT NOT NULL);
CREATE INDEX posts_user ON posts (user_id);
CREATE TABLE audit (id INTEGER PRIMARY KEY, message TEXT);
"""


def emit(tmp_path: Path, a: str, b: str, kind: str = "sql") -> Path:
    out = tmp_path / ("plan.sql" if kind == "sql" else "rev.py")
    result = invoke("diff", a, b, "--emit", kind, "-o", str(out))
    assert result.exit_code in (0, 1), result.stderr
    return out


@pytest.fixture()
def sqlite_pair(tmp_path: Path) -> tuple[str, str]:
    return sqlite_db(tmp_path / "live.db", SQLITE_FROM), sqlite_db(tmp_path / "target.db", SQLITE_TO)


# --------------------------------------------------------------------------- SQL scripts


def test_emitted_sqlite_plan_carries_its_header_and_applies_with_rows_kept(tmp_path, sqlite_pair) -> None:
    live, target = sqlite_pair
    plan = emit(tmp_path, live, target)
    header = read_header(plan.read_text(), str(plan))
    assert header is not None and header.dialect == "sqlite"
    assert not compare(header.from_schema, sources.load(live)).changes
    assert not compare(header.to_schema, sources.load(target)).changes
    result = invoke("apply", str(plan), "--to", live, "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "drift: checked" in result.stdout and "status: applied" in result.stdout
    assert "the database is the plan's TO" in result.stdout
    assert same_schema(live, target)
    assert rows(live, "SELECT id, user_id, title FROM posts ORDER BY id") == [(1, 1, "notes"), (2, 2, "numbers")]
    assert rows(live, "SELECT count(*) FROM audit") == [(3,)]


def test_drift_since_the_plan_was_made_is_refused_with_the_diff(tmp_path, sqlite_pair) -> None:
    live, target = sqlite_pair
    plan = emit(tmp_path, live, target)
    sqlite_db(tmp_path / "live.db", "ALTER TABLE audit ADD COLUMN level INTEGER;")
    before = sources.load(live)
    result = invoke("apply", str(plan), "--to", live, "--no-backup")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "refused" in result.stdout and "main.audit.level" in result.stdout
    assert not compare(before, sources.load(live)).changes  # nothing ran
    forced = invoke("apply", str(plan), "--to", live, "--no-backup", "--force")
    assert forced.exit_code == 0, forced.stdout + forced.stderr
    assert "--force" in forced.stdout


def test_applying_twice_is_refused_and_says_the_plan_looks_applied(tmp_path, sqlite_pair) -> None:
    live, target = sqlite_pair
    plan = emit(tmp_path, live, target)
    assert invoke("apply", str(plan), "--to", live, "--no-backup").exit_code == 0
    again = invoke("apply", str(plan), "--to", live, "--no-backup")
    assert again.exit_code == 1 and "already the plan's TO" in again.stdout


def test_a_plain_sql_file_says_there_is_no_drift_check_unless_from_is_given(tmp_path, sqlite_pair) -> None:
    live, target = sqlite_pair
    plain = tmp_path / "plain.sql"
    plain.write_text("ALTER TABLE audit ADD COLUMN level INTEGER;\n")
    result = invoke("apply", str(plain), "--to", live, "--dry-run")
    assert result.exit_code == 0 and "no migrator header" in result.stdout and "--from" in result.stdout
    refused = invoke("apply", str(plain), "--to", live, "--from", target, "--no-backup")
    assert refused.exit_code == 1 and "refused" in refused.stdout
    assert "level" not in [c[1] for c in rows(live, "PRAGMA table_info(audit)")]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_failing_statement_rolls_everything_back_and_exits_2(engine, tmp_path, pg_database) -> None:
    setup = "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL); INSERT INTO items VALUES (1, 'a'), (2, 'b');"
    if engine == "sqlite":
        url = sqlite_db(tmp_path / "live.db", setup)
        snapshot = sqlite_db(tmp_path / "snapshot.db", setup)
    else:
        url, snapshot = pg_database(), pg_database()
        run_sql(url, setup)
        run_sql(snapshot, setup)
    before = sources.load(url)
    plan = tmp_path / "bad.sql"
    plan.write_text("CREATE TABLE extra (id integer PRIMARY KEY);\n"
                    "ALTER TABLE items ADD COLUMN price integer;\n"
                    "INSERT INTO items (id, name) VALUES (1, 'duplicate key');\n"
                    "UPDATE items SET price = 1;\n")
    result = invoke("apply", str(plan), "--to", url, "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "statement 3" in result.stderr and "INSERT INTO items (id, name) VALUES (1, 'duplicate key')" in result.stderr
    assert ("UNIQUE constraint failed" if engine == "sqlite" else "duplicate key value") in result.stderr
    assert "the database is unchanged" in result.stderr
    assert not compare(before, sources.load(url)).changes
    assert rows(url, "SELECT id, name FROM items ORDER BY id") == [(1, "a"), (2, "b")]
    from migrator.data.verify import verify

    assert verify(snapshot, url).ok
    run_sql(url, "UPDATE items SET name = 'changed' WHERE id = 2") if engine == "postgresql" else \
        sqlite_db(tmp_path / "live.db", "UPDATE items SET name = 'changed' WHERE id = 2;")
    assert not verify(snapshot, url).ok  # and it does see a change


def test_sqlite_foreign_key_breakage_is_caught_before_commit(tmp_path) -> None:
    url = sqlite_db(tmp_path / "live.db", "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, "
                                          "p_id INTEGER REFERENCES p(id)); INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1);")
    plan = tmp_path / "fk.sql"
    plan.write_text("PRAGMA foreign_keys=OFF;\nDELETE FROM p;\nPRAGMA foreign_keys=ON;\n")
    result = invoke("apply", str(plan), "--to", url, "--no-backup")
    assert result.exit_code == 2 and "foreign key" in result.stderr
    assert rows(url, "SELECT count(*) FROM p") == [(1,)]


# --------------------------------------------------------------------------- PostgreSQL: outside the transaction


def test_emitted_postgres_plan_with_a_new_enum_value_used_in_the_same_plan(tmp_path, pg_database) -> None:
    live, target = pg_database(), pg_database()
    run_sql(live, "CREATE TYPE mood AS ENUM ('ok', 'sad'); CREATE TABLE t (id int PRIMARY KEY, m mood); INSERT INTO t VALUES (1, 'ok');")
    run_sql(target, "CREATE TYPE mood AS ENUM ('ok', 'sad', 'glad'); CREATE TABLE t (id int PRIMARY KEY, m mood DEFAULT 'glad', note text);")
    plan = emit(tmp_path, live, target)
    assert "COMMIT;" in plan.read_text()  # ddl.py's boundary after ALTER TYPE ... ADD VALUE
    dry = json.loads(invoke("apply", str(plan), "--to", live, "--dry-run", "--format", "json").stdout)
    phases = [(s["phase"], s["first_line"].split(" ")[0]) for s in dry["steps"]]
    assert phases[0] == ("before", "ALTER") and "ADD VALUE" in dry["steps"][0]["sql"]
    assert all(p == "transaction" for p, _ in phases[1:])
    result = invoke("apply", str(plan), "--to", live, "--no-backup")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert same_schema(live, target)


def test_create_index_concurrently_runs_after_the_transaction_and_is_checked_valid(tmp_path, pg_url) -> None:
    run_sql(pg_url, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g;")
    plan = tmp_path / "idx.sql"
    plan.write_text("CREATE INDEX CONCURRENTLY t_v ON t (v);\n"
                    "ALTER TABLE t ADD COLUMN w text DEFAULT 'x';\n"
                    "DO $$ BEGIN IF (SELECT count(*) FROM t) <> 100 THEN RAISE EXCEPTION 'rows'; END IF; END $$;\n")
    dry = invoke("apply", str(plan), "--to", pg_url, "--dry-run")
    assert dry.exit_code == 0
    lines = dry.stdout.splitlines()
    marked = [ln for ln in lines if "outside the transaction, after it commits" in ln]
    assert len(marked) == 1 and "3." in marked[0]  # numbered in run order: last
    result = invoke("apply", str(plan), "--to", pg_url, "--no-backup", "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert [s["phase"] for s in data["steps"]] == ["transaction", "transaction", "after"]
    assert data["steps"][2]["reason"] == "CREATE INDEX CONCURRENTLY cannot run in a transaction"
    assert rows(pg_url, "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 't_v'") == [(True,)]


def test_an_invalid_concurrent_index_is_reported(tmp_path, pg_url) -> None:
    run_sql(pg_url, "CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 1), (2, 1);")
    plan = tmp_path / "idx.sql"
    plan.write_text("CREATE UNIQUE INDEX CONCURRENTLY t_v ON t (v);\n")
    result = invoke("apply", str(plan), "--to", pg_url, "--no-backup")
    assert result.exit_code == 3, result.stdout + result.stderr
    assert "transaction committed" in result.stderr and "statement 1" in result.stderr


# --------------------------------------------------------------------------- proof on a clone


def test_prove_on_postgres_leaves_no_clone_and_applies_after_passing(tmp_path, pg_database, pg_cluster) -> None:
    live, target = pg_database(), pg_database()
    run_sql(live, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b');"
                  "CREATE TABLE keep (id int PRIMARY KEY); INSERT INTO keep VALUES (1), (2), (3);"
                  "CREATE TABLE old (id int); INSERT INTO old VALUES (1);")
    run_sql(target, "CREATE TABLE t (id int PRIMARY KEY, v text, w int); CREATE TABLE keep (id int PRIMARY KEY);")
    plan = emit(tmp_path, live, target)
    only = invoke("apply", str(plan), "--to", live, "--prove-only", "--format", "json")
    assert only.exit_code == 0, only.stdout + only.stderr
    proof = json.loads(only.stdout)["proof"]
    assert proof["ok"] and proof["diff_changes"] == 0 and proof["dropped_tables"] == ["public.old"]
    assert proof["counts_after"] == {"public.keep": 3, "public.t": 2}
    assert proof["verified_tables"] == ["public.keep"] and "same rows" in proof["verify"]
    assert clones(pg_cluster) == []
    assert rows(live, "SELECT count(*) FROM old") == [(1,)]  # --prove-only changes nothing
    result = invoke("apply", str(plan), "--to", live, "--prove", "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "proof on a clone" in result.stdout and "passed" in result.stdout
    assert clones(pg_cluster) == [] and same_schema(live, target)


def test_prove_clones_with_pg_dump_when_another_session_is_connected(tmp_path, pg_database, pg_cluster) -> None:
    live = pg_database()
    run_sql(live, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);")
    plan = tmp_path / "p.sql"
    plan.write_text("ALTER TABLE t ADD COLUMN v text;\n")
    with psycopg.connect(live):  # someone else is connected: TEMPLATE is refused
        result = invoke("apply", str(plan), "--to", live, "--prove-only", "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    proof = json.loads(result.stdout)["proof"]
    assert proof["clone"] == "pg_dump" and proof["ok"] and proof["counts_after"] == {"public.t": 1}
    assert clones(pg_cluster) == []


def test_a_proof_that_loses_rows_fails_and_the_database_is_not_touched(tmp_path, pg_url, pg_cluster) -> None:
    run_sql(pg_url, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2);")
    plan = tmp_path / "p.sql"
    plan.write_text("ALTER TABLE t ADD COLUMN v text;\nDELETE FROM t WHERE id = 2;\n")
    result = invoke("apply", str(plan), "--to", pg_url, "--prove", "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "row count changed: public.t: 2 rows before, 1 after" in result.stdout and "proof failed" in result.stdout
    assert rows(pg_url, "SELECT count(*) FROM t") == [(2,)]
    assert not (tmp_path / "bk").exists()  # no backup: nothing was going to be applied
    assert clones(pg_cluster) == []


def test_a_proof_whose_plan_fails_on_the_clone_stops_before_the_database(tmp_path, pg_url, pg_cluster) -> None:
    run_sql(pg_url, "CREATE TABLE t (id int PRIMARY KEY);")
    plan = tmp_path / "p.sql"
    plan.write_text("ALTER TABLE t ADD COLUMN v text;\nALTER TABLE nope ADD COLUMN x int;\n")
    result = invoke("apply", str(plan), "--to", pg_url, "--prove", "--no-backup")
    assert result.exit_code == 2 and "failed on the clone" in result.stdout and "statement 2" in result.stderr
    assert "the database was not touched" in result.stderr
    assert [c for (c,) in rows(pg_url, "SELECT column_name FROM information_schema.columns WHERE table_name = 't'")] == ["id"]
    assert clones(pg_cluster) == []


def test_prove_on_sqlite_leaves_no_temp_files(tmp_path, sqlite_pair, monkeypatch) -> None:
    live, target = sqlite_pair
    plan = emit(tmp_path, live, target)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    result = invoke("apply", str(plan), "--to", live, "--prove", "--backup-dir", str(tmp_path / "bk"), "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["proof"]["ok"] and data["proof"]["clone"] == "backup API"
    assert data["proof"]["counts_before"] == data["proof"]["counts_after"] == {"audit": 3, "posts": 2, "users": 2}
    assert data["proof"]["verified_tables"] == ["audit"]
    assert list(scratch.iterdir()) == []
    assert same_schema(live, target)


# --------------------------------------------------------------------------- Alembic revisions


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_an_emitted_alembic_revision_runs_online_in_one_transaction(engine, tmp_path, pg_database) -> None:
    if engine == "sqlite":
        # (no table rebuild either way: the Alembic renderer cannot write SQLite's rebuild yet, see the report)
        live = sqlite_db(tmp_path / "live.db", SQLITE_FROM)
        target = sqlite_db(tmp_path / "target.db", SQLITE_FROM.split("INSERT")[0] + "CREATE INDEX posts_user ON posts (user_id); CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);")
    else:
        live, target = pg_database(), pg_database()
        run_sql(live, "CREATE TYPE mood AS ENUM ('a', 'b'); CREATE TABLE t (id int PRIMARY KEY, m mood); INSERT INTO t VALUES (1, 'a');"
                      "CREATE TABLE gone (id int); INSERT INTO gone VALUES (1);")
        run_sql(target, "CREATE TYPE mood AS ENUM ('a', 'b', 'c'); CREATE TABLE t (id int PRIMARY KEY, m mood DEFAULT 'c', note text);"
                        "CREATE INDEX t_note ON t (note);")
    rev = emit(tmp_path, live, target, "alembic")
    plan = load_plan(str(rev))
    assert plan.kind == "alembic" and plan.header is not None
    result = invoke("apply", str(rev), "--to", live, "--prove", "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert same_schema(live, target)


def test_a_failing_alembic_revision_is_rolled_back(tmp_path, pg_url) -> None:
    run_sql(pg_url, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);")
    before = sources.load(pg_url)
    rev = tmp_path / "rev.py"
    rev.write_text('"""bad"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = "x1"\ndown_revision = None\n\n\n'
                   "def upgrade() -> None:\n"
                   "    op.add_column('t', sa.Column('v', sa.Text()))\n"
                   "    op.execute('ALTER TABLE missing ADD COLUMN x int')\n\n\n"
                   "def downgrade() -> None:\n    pass\n")
    result = invoke("apply", str(rev), "--to", pg_url, "--no-backup")
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "statement 2" in result.stderr and 'relation "missing" does not exist' in result.stderr
    assert not compare(before, sources.load(pg_url)).changes


# --------------------------------------------------------------------------- errors and secrets


def test_passwords_are_never_printed(tmp_path, pg_cluster, pg_url) -> None:
    plan = tmp_path / "p.sql"
    plan.write_text("ALTER TABLE nope ADD COLUMN x int;\n")
    # a server that does not answer
    down = f"postgresql://postgres:Sup3rSecretPw@127.0.0.1:1/{pg_url.rsplit('/', 1)[1]}"
    result = invoke("apply", str(plan), "--to", down, "--no-backup")
    assert result.exit_code == 3
    assert "Sup3rSecretPw" not in result.stdout + result.stderr and "***" in result.stderr
    # the real server (trust authentication ignores the password): a failing plan, a backup through pg_dump
    with_password = pg_url.replace("postgres@", "postgres:Sup3rSecretPw@")
    result = invoke("apply", str(plan), "--to", with_password, "--backup-dir", str(tmp_path / "bk"), "--prove")
    assert result.exit_code == 2 and "failed on the clone" in result.stdout, result.stdout + result.stderr
    assert "Sup3rSecretPw" not in result.stdout + result.stderr
    ok = tmp_path / "ok.sql"
    ok.write_text("CREATE TABLE x (id int);\n")
    result = invoke("apply", str(ok), "--to", with_password, "--backup-dir", str(tmp_path / "bk"), "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Sup3rSecretPw" not in result.stdout + result.stderr
    assert all("Sup3rSecretPw" not in p.read_text(errors="replace") for p in (tmp_path / "bk").glob("*.json"))


def test_bad_input_exit_codes(tmp_path, sqlite_pair) -> None:
    live, _ = sqlite_pair
    assert invoke("apply", str(tmp_path / "missing.sql"), "--to", live).exit_code == 2
    assert invoke("apply", str(tmp_path), "--to", live).exit_code == 2  # a folder that is no migrations folder
    plan = tmp_path / "p.sql"
    plan.write_text("SELECT 1;\n")
    assert invoke("apply", str(plan)).exit_code == 2  # no --to
    assert invoke("apply", str(plan), "--to", "mysql://x/y").exit_code == 2
    assert invoke("apply", str(plan), "--to", f"sqlite:///{tmp_path / 'none.db'}").exit_code == 2
    pg_plan = tmp_path / "pg.sql"
    pg_plan.write_text("-- migrator-plan-dialect: postgresql\nSELECT 1;\n")
    mismatch = invoke("apply", str(pg_plan), "--to", live)
    assert mismatch.exit_code == 2 and "postgresql plan" in mismatch.stderr
    rollback = tmp_path / "rb.sql"
    rollback.write_text("CREATE TABLE z (id int);\nROLLBACK;\n")
    assert invoke("apply", str(rollback), "--to", live, "--no-backup").exit_code == 2


def test_ctrl_c_during_the_proof_drops_the_clone_and_exits_130(tmp_path, pg_url, pg_cluster) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    run_sql(pg_url, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);")
    plan = tmp_path / "slow.sql"
    plan.write_text("ALTER TABLE t ADD COLUMN v text;\nSELECT pg_sleep(600);\n")
    migrator = str(Path(sys.executable).with_name("migrator"))
    process = subprocess.Popen([migrator, "apply", str(plan), "--to", pg_url, "--prove-only"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        sleeping = []
        for _ in range(600):  # until the plan is running on the clone (polling, not a timing assertion)
            with psycopg.connect(pg_cluster.url) as conn:
                sleeping = conn.execute("SELECT datname FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(600)%'").fetchall()
            if sleeping or process.poll() is not None:
                break
            time.sleep(0.1)
        assert sleeping and sleeping[0][0].startswith("migrator_clone_"), process.communicate()
        os.kill(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, out + err
    assert "Traceback" not in err and "interrupted" in err
    assert clones(pg_cluster) == []
    assert [c for (c,) in rows(pg_url, "SELECT column_name FROM information_schema.columns WHERE table_name = 't'")] == ["id"]


def test_dollar_quotes_percent_signs_and_strings_survive_the_split(tmp_path, pg_url) -> None:
    plan = tmp_path / "odd.sql"
    plan.write_text("CREATE TABLE p (name text CHECK (name LIKE 'a%'));\n"
                    "INSERT INTO p VALUES ('a%s %(x)s; -- not a comment');\n"
                    "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$;\n"
                    "/* a comment; with a semicolon */ INSERT INTO p VALUES ('a' || f()::text);\n")
    result = invoke("apply", str(plan), "--to", pg_url, "--no-backup", "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert len(json.loads(result.stdout)["steps"]) == 4
    assert rows(pg_url, "SELECT name FROM p ORDER BY name") == [("a%s %(x)s; -- not a comment",), ("a1",)]


def test_the_header_masks_passwords_in_source_names(tmp_path, pg_database) -> None:
    live, target = pg_database(), pg_database()
    run_sql(target, "CREATE TABLE t (id int);")
    secret_live = live.replace("postgres@", "postgres:HeaderSecret9@")
    plan = emit(tmp_path, secret_live, target)
    text = plan.read_text()
    assert "HeaderSecret9" not in text and "migrator-plan-from-source: postgresql://postgres:***@" in text
    header = read_header(text, str(plan))
    assert "HeaderSecret9" not in to_json(header.from_schema) + to_json(header.to_schema)  # nor inside the schemas
    rev = emit(tmp_path, secret_live, target, "alembic")
    assert "HeaderSecret9" not in rev.read_text() and "# migrator-plan-from: " in rev.read_text()


def test_a_script_that_commits_midway_commits_its_first_part_first(tmp_path, pg_url) -> None:
    run_sql(pg_url, "CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE t (id int PRIMARY KEY, m mood);")
    plan = tmp_path / "two.sql"
    plan.write_text("BEGIN;\nALTER TYPE mood ADD VALUE 'glad';\nCREATE TABLE first_part (id int);\nCOMMIT;\n"
                    "BEGIN;\nINSERT INTO t VALUES (1, 'glad');\nINSERT INTO t VALUES (1, 'ok');\nCOMMIT;\n")
    dry = json.loads(invoke("apply", str(plan), "--to", pg_url, "--dry-run", "--format", "json").stdout)
    assert [s["phase"] for s in dry["steps"]] == ["before", "before", "transaction", "transaction"]
    result = invoke("apply", str(plan), "--to", pg_url, "--no-backup")
    assert result.exit_code == 2, result.stdout + result.stderr
    # the failure is in the second part: the first part, committed before it, stays, and the message says so
    assert "statement 4" in result.stderr and "committed before it (numbers 1, 2) stay" in result.stderr
    assert rows(pg_url, "SELECT count(*) FROM first_part") == [(0,)]
    assert rows(pg_url, "SELECT count(*) FROM t") == [(0,)]


def test_backup_clone_is_refused_for_sqlite(tmp_path, sqlite_pair) -> None:
    live, target = sqlite_pair
    plan = emit(tmp_path, live, target)
    result = invoke("apply", str(plan), "--to", live, "--backup", "clone")
    assert result.exit_code == 2 and "--backup clone is for PostgreSQL" in result.stderr


def test_a_rebuild_that_swaps_two_columns_keeps_every_count_but_fails_the_proof(tmp_path) -> None:
    # The shape of a SQLite table rebuild (drizzle-kit, Alembic batch mode, a hand-written one)
    # with its SELECT list in the wrong order: schema and row counts are right, the values are not.
    live = sqlite_db(tmp_path / "app.db", "CREATE TABLE people (id INTEGER PRIMARY KEY, first TEXT NOT NULL, last TEXT);"
                                          "INSERT INTO people VALUES (1, 'Ada', 'Lovelace'), (2, 'Alan', 'Turing');")
    plan = tmp_path / "rebuild.sql"
    plan.write_text("CREATE TABLE __new_people (id INTEGER PRIMARY KEY, first TEXT NOT NULL, last TEXT NOT NULL);\n"
                    "INSERT INTO __new_people (id, first, last) SELECT id, last, first FROM people;\n"
                    "DROP TABLE people;\nALTER TABLE __new_people RENAME TO people;\n")
    result = invoke("apply", str(plan), "--to", live, "--prove", "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "row counts: 1 of 1 table(s) unchanged" in result.stdout
    assert "kept values: values the plan does not write changed" in result.stdout and "people (2 changed, first id=1)" in result.stdout
    assert rows(live, "SELECT first FROM people ORDER BY id") == [("Ada",), ("Alan",)]  # not applied
    right = tmp_path / "right.sql"
    right.write_text(plan.read_text().replace("SELECT id, last, first", "SELECT id, first, last"))
    result = invoke("apply", str(right), "--to", live, "--prove", "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "kept values: 1 altered table(s) keep their values" in result.stdout


def test_values_a_plan_updates_on_purpose_are_said_not_held_against_it(tmp_path) -> None:
    live = sqlite_db(tmp_path / "app.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, status TEXT);"
                                          "INSERT INTO t VALUES (1, 'draft'), (2, NULL);")
    plan = tmp_path / "fill.sql"
    plan.write_text("UPDATE t SET status = 'draft' WHERE status IS NULL;\n")
    result = invoke("apply", str(plan), "--to", live, "--prove", "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "changed as the plan's UPDATE/DELETE says: t (1 changed, first id=2)" in result.stdout


def test_a_rebuild_reading_a_column_the_table_lacks_is_refused_not_filled_with_its_name(tmp_path) -> None:
    # drizzle-kit writes this when one migration rebuilds a table and adds a column to it:
    # SQLite reads "email_verified" (no such column in users) as the string 'email_verified'.
    live = sqlite_db(tmp_path / "app.db", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);"
                                          "INSERT INTO users VALUES (1, 'a@x.test'), (2, 'b@x.test');")
    plan = tmp_path / "rebuild.sql"
    plan.write_text('CREATE TABLE __new_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, email_verified TEXT DEFAULT \'no\');\n'
                    'INSERT INTO __new_users ("id", "email", "email_verified") SELECT "id", "email", "email_verified" FROM users;\n'
                    "DROP TABLE users;\nALTER TABLE __new_users RENAME TO users;\n")
    result = invoke("apply", str(plan), "--to", live, "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "statement 2" in result.stderr and "\"email_verified\" is no column of users" in result.stderr
    assert rows(live, "SELECT * FROM users ORDER BY id") == [(1, "a@x.test"), (2, "b@x.test")]


def test_an_alembic_revision_with_a_sqlite_table_rebuild_renders_and_applies(tmp_path) -> None:
    # `--emit alembic` once stopped at the rebuild's RenameTableOp (Alembic's renderer has none).
    live = sqlite_db(tmp_path / "a.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT); INSERT INTO t VALUES (1, 'x');")
    target = sqlite_db(tmp_path / "b.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INTEGER);")
    revision = emit(tmp_path, live, target, "alembic")
    assert "op.rename_table('_migrator_tmp_t', 't')" in revision.read_text()
    result = invoke("apply", str(revision), "--to", live, "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert same_schema(live, target) and rows(live, "SELECT * FROM t") == [(1, "x", None)]


def test_info_differences_from_the_plans_from_are_not_drift(tmp_path) -> None:
    # The database has a UNIQUE constraint, the FROM given (a model file, drizzle-kit's way) a unique
    # index: the same rows are refused, `migrator diff` exits 0, and apply goes on saying so.
    live = sqlite_db(tmp_path / "app.db", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, UNIQUE (email));"
                                          "INSERT INTO users VALUES (1, 'a@x.test');")
    source = tmp_path / "from.sql"
    source.write_text("PRAGMA foreign_keys = ON;  -- SQLite's SQL (the dialect is read from it)\n"
                      "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n"
                      "CREATE UNIQUE INDEX users_email_unique ON users (email);\n")
    plan = tmp_path / "p.sql"
    plan.write_text("ALTER TABLE users ADD COLUMN name TEXT;\n")
    result = invoke("apply", str(plan), "--to", live, "--from", f"sql:{source}", "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "1 info difference(s), which migrator diff calls no drift" in result.stdout
    assert rows(live, "SELECT * FROM users") == [(1, "a@x.test", None)]


def test_an_alembic_managed_database_is_stamped_with_the_revision_it_received(tmp_path) -> None:
    live = sqlite_db(tmp_path / "a.db", "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);"
                                        "INSERT INTO alembic_version VALUES ('c57a2e9b0f18');"
                                        "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    target = sqlite_db(tmp_path / "b.db", "CREATE TABLE t (id INTEGER PRIMARY KEY); CREATE TABLE tags (id INTEGER PRIMARY KEY);")
    revision = tmp_path / "rev.py"
    made = invoke("diff", live, target, "--emit", "alembic", "--down-revision", "c57a2e9b0f18", "-o", str(revision))
    assert made.exit_code in (0, 1), made.stderr
    new_id = next(line.split("'")[1] for line in revision.read_text().splitlines() if line.startswith("revision = "))
    result = invoke("apply", str(revision), "--to", live, "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert f"alembic_version: c57a2e9b0f18 -> {new_id}" in result.stdout
    assert rows(live, "SELECT version_num FROM alembic_version") == [(new_id,)]
    # A revision that does not follow the database's head is applied (its FROM matched) but not stamped.
    other = sqlite_db(tmp_path / "c.db", "CREATE TABLE t (id INTEGER PRIMARY KEY); CREATE TABLE tags (id INTEGER PRIMARY KEY);"
                                         "CREATE TABLE notes (id INTEGER PRIMARY KEY);")
    second = tmp_path / "rev2.py"
    assert invoke("diff", live, other, "--emit", "alembic", "-o", str(second)).exit_code in (0, 1)
    result = invoke("apply", str(second), "--to", live, "--backup-dir", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert f"alembic_version holds {new_id} and the revision follows no revision: not stamped" in result.stdout
