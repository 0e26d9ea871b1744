"""`migrator inspect` through Typer's test runner: formats, exit codes, bad input, masked passwords."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from migrator import pgcluster
from migrator.cli import app
from migrator.schema import from_json

from ..conftest import REPO, run_sql

SNAPSHOT_SCHEMA = json.loads((REPO / "schemas" / "schema-snapshot.v1.json").read_text())
runner = CliRunner()

SHOP_SQLITE = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, created_at DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                     total NUMERIC(10,2) NOT NULL DEFAULT 0, CHECK (total >= 0));
CREATE INDEX orders_customer_idx ON orders (customer_id);
"""

SHOP_POSTGRES = """
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE customers (id serial PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, created_at timestamptz DEFAULT now());
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                     status order_status NOT NULL DEFAULT 'new', tags text[] DEFAULT '{}', total numeric(10,2) NOT NULL DEFAULT 0 CHECK (total >= 0));
CREATE INDEX orders_customer_idx ON orders (customer_id);
"""


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def one_line_error(result) -> str:
    text = result.stderr.strip()
    assert "Traceback" not in result.output and "Traceback" not in text
    assert len(text.splitlines()) == 1, text
    assert text.startswith("error: ")
    return text


@pytest.fixture()
def shop_db(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(SHOP_SQLITE)
    conn.close()
    return path


def test_text_format_shows_tables_and_summary(shop_db: Path) -> None:
    result = invoke("inspect", f"sqlite:///{shop_db}")
    assert result.exit_code == 0, result.stderr
    assert "main.customers" in result.stdout and "main.orders" in result.stdout
    assert "2 tables, 6 columns, 1 indexes, 1 foreign keys" in result.stdout


def test_json_format_is_a_valid_snapshot_that_reads_back(shop_db: Path, tmp_path: Path) -> None:
    result = invoke("inspect", f"sqlite:///{shop_db}", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, SNAPSHOT_SCHEMA)
    snap = tmp_path / "shop.json"
    snap.write_text(result.stdout)
    again = invoke("inspect", f"snapshot:{snap}", "--format", "json")
    assert again.exit_code == 0
    assert from_json(again.stdout) == from_json(result.stdout)


def test_sql_format_renders_create_statements_that_rebuild_the_schema(shop_db: Path, tmp_path: Path) -> None:
    result = invoke("inspect", f"sqlite:///{shop_db}", "--format", "sql", "--dialect", "sqlite")
    assert result.exit_code == 0, result.stderr
    assert "CREATE TABLE" in result.stdout
    rebuilt = tmp_path / "rebuilt.db"
    with sqlite3.connect(rebuilt) as conn:
        conn.executescript(result.stdout)
    conn.close()
    original = invoke("inspect", f"sqlite:///{shop_db}", "--format", "json").stdout
    copy = invoke("inspect", f"sqlite:///{rebuilt}", "--format", "json").stdout
    assert from_json(copy) == from_json(original)


def test_postgres_every_format(pg_url: str) -> None:
    run_sql(pg_url, SHOP_POSTGRES)
    text = invoke("inspect", pg_url)
    assert text.exit_code == 0, text.stderr
    assert "public.orders" in text.stdout and "enum public.order_status: new, paid, shipped" in text.stdout
    js = invoke("inspect", pg_url, "--format", "json")
    jsonschema.validate(json.loads(js.stdout), SNAPSHOT_SCHEMA)
    sql = invoke("inspect", pg_url, "--format", "sql")
    assert sql.exit_code == 0 and "CREATE TYPE" in sql.stdout


def test_sql_source_and_live_database_agree_through_the_cli(pg_url: str, tmp_path: Path) -> None:
    script = tmp_path / "shop.sql"
    script.write_text(SHOP_POSTGRES)
    run_sql(pg_url, SHOP_POSTGRES)
    live = from_json(invoke("inspect", pg_url, "--format", "json").stdout)
    from_file = invoke("inspect", f"sql:{script}", "--format", "json", "--dev-url", pg_url)
    assert from_file.exit_code == 0, from_file.stderr
    assert from_json(from_file.stdout) == live


def test_output_file_is_written_atomically(shop_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "shop.json"
    result = invoke("inspect", f"sqlite:///{shop_db}", "--format", "json", "-o", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    jsonschema.validate(json.loads(out.read_text()), SNAPSHOT_SCHEMA)
    assert [p.name for p in out.parent.iterdir()] == ["shop.json"]  # no temp file left behind


def test_unwritable_output_is_bad_input_and_writes_nothing(shop_db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = invoke("inspect", f"sqlite:///{shop_db}", "--format", "json", "-o", str(blocker / "out.json"))
    assert result.exit_code == 2
    assert str(blocker / "out.json") in one_line_error(result)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["inspect", "mysqlx://u:pw@host/db"], "unknown source scheme 'mysqlx'"),
        (["inspect", "no/such/folder"], "no/such/folder: no such file or folder"),
        (["inspect", "sqlite:///no/such.db"], "no/such.db"),
        (["inspect", "snapshot:no/such.json"], "no/such.json: no such snapshot file"),
        (["inspect", "sql:no/such.sql"], "no/such.sql"),
        (["inspect", "sqlalchemy:no_such_pkg.models:Base"], "no_such_pkg"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], fragment: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert fragment in one_line_error(result)


def test_corrupt_snapshot_names_file_and_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "migrator.schema",\n "version": 1,\n "schema": {"dialect": 5}}')
    result = invoke("inspect", f"snapshot:{bad}")
    assert result.exit_code == 2
    assert f"{bad}: schema.dialect: expected a string" in one_line_error(result)


def test_failing_sql_names_file_statement_and_line(tmp_path: Path, pg_url: str) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_init.sql").write_text("CREATE TABLE a (id int PRIMARY KEY);\n")
    (folder / "002_broken.sql").write_text("CREATE TABLE b (id int);\n\nALTER TABLE nope ADD COLUMN x int;\n")
    result = invoke("inspect", str(folder), "--dev-url", pg_url)
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "002_broken.sql: statement 2 (line 3)" in line
    assert "nope" in line


def test_connection_refused_exits_3_and_masks_password() -> None:
    port = pgcluster.free_port()
    result = invoke("inspect", f"postgresql://app:topsecret@127.0.0.1:{port}/app")
    assert result.exit_code == 3
    line = one_line_error(result)
    assert "topsecret" not in result.output
    assert f"postgresql://app:***@127.0.0.1:{port}/app" in line


def test_unknown_postgres_database_is_bad_input(pg_cluster) -> None:
    result = invoke("inspect", pg_cluster.url_for("does_not_exist"))
    assert result.exit_code in (2, 3)
    assert "does_not_exist" in one_line_error(result)


def test_unknown_schema_is_bad_input(pg_url: str) -> None:
    result = invoke("inspect", pg_url, "--schema", "nope")
    assert result.exit_code == 2
    assert "nope" in one_line_error(result)


def test_schema_filter(pg_url: str) -> None:
    run_sql(pg_url, "CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int); CREATE TABLE public.users (id int);")
    only = from_json(invoke("inspect", pg_url, "--schema", "billing", "--format", "json").stdout)
    assert [ns.name for ns in only.namespaces] == ["billing"]
    without = from_json(invoke("inspect", pg_url, "--exclude-schema", "billing", "--format", "json").stdout)
    assert [ns.name for ns in without.namespaces] == ["public"]


def test_bookkeeping_tables_are_left_out_unless_asked(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.executescript("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY); CREATE TABLE users (id INTEGER PRIMARY KEY);"
                           "CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);")  # golang-migrate
    conn.close()
    plain = from_json(invoke("inspect", f"sqlite:///{db}", "--format", "json").stdout)
    assert [t.name for _, t in plain.tables()] == ["users"]
    kept = from_json(invoke("inspect", f"sqlite:///{db}", "--format", "json", "--include-bookkeeping").stdout)
    assert [t.name for _, t in kept.tables()] == ["alembic_version", "schema_migrations", "users"]


def test_sources_lists_every_scheme() -> None:
    result = invoke("sources")
    for scheme in ("postgresql://", "sqlite:///", "sql:", "sqlalchemy:", "snapshot:"):
        assert scheme in result.stdout


def test_version() -> None:
    assert invoke("--version").stdout.startswith("migrator ")


@pytest.mark.parametrize("fmt", ["text", "json", "sql"])
def test_password_never_reaches_output(pg_cluster, pg_url: str, fmt: str) -> None:
    # The test server trusts local connections, so a password in the URL is accepted and ignored.
    run_sql(pg_url, SHOP_POSTGRES)
    with_password = pg_url.replace("postgres@", "postgres:Sup3rS3cret@", 1)
    result = invoke("inspect", with_password, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert "Sup3rS3cret" not in result.output
    if fmt == "json":
        assert "postgres:***@" in result.stdout  # the source is named, masked


def test_sources_fit_80_columns() -> None:
    """A borderless table: descriptions wrap in their column; every source name starts a line."""
    import subprocess
    import sys

    env = {**__import__("os").environ, "COLUMNS": "80"}
    out = subprocess.run([sys.executable, "-c", "from migrator.cli import main; main()", "sources"],
                         capture_output=True, text=True, env=env, check=True).stdout
    lines = out.splitlines()
    assert lines and all(len(line) <= 80 for line in lines)
    from migrator import inspect as sources

    starts = {line.split()[0] for line in lines if line and not line.startswith(" ")}
    assert {src.name for src in sources.sources()} <= starts
