"""render_sql: CREATE statements by SQLAlchemy's DDL compiler, held to a round trip on real databases.

The round trip: a fixture SQL file is applied to a real database and read (the model);
render_sql(model) is applied to a fresh database and read again; the two readings are
equal. For PostgreSQL both databases are on the session's real server, for SQLite both
are real files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sqlite3
from pathlib import Path

import pytest

from migrator.inspect import InspectOptions, load
from migrator.inspect.postgres import inspect_url
from migrator.inspect.sqlite import inspect_connection
from migrator.render.sql import render_sql, statements
from migrator.sa_bridge import compiled_type, sa_type, server_default_text
from migrator.schema import (
    without_client_defaults,
    Column,
    Default,
    ForeignKey,
    Identity,
    Namespace,
    PrimaryKey,
    Schema,
    SqlType,
    Table,
)

from ..conftest import FIXTURES, run_sql

RENDER = FIXTURES / "render"
SA_MODELS = FIXTURES / "sqlalchemy"


@pytest.fixture()
def second_pg_url(pg_database) -> str:
    """Another fresh database on the session server, for the rendered SQL."""
    return pg_database()


def read_pg(url: str) -> Schema:
    return inspect_url(url, InspectOptions()).canonical()


def read_sqlite_file(path: Path) -> Schema:
    conn = sqlite3.connect(path)
    try:
        return inspect_connection(conn, InspectOptions(), f"sqlite:///{path}").canonical()
    finally:
        conn.close()


def apply_sqlite(path: Path, script: str) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(script)
    finally:
        conn.close()



# ---------------------------------------------------------------------------
# Round trips on real databases


def test_postgresql_round_trip(pg_url: str, second_pg_url: str) -> None:
    run_sql(pg_url, (RENDER / "rich_postgres.sql").read_text())
    original = read_pg(pg_url)
    # The fixture really is rich: guard against a reader that silently drops things.
    public, audit = original.namespace("public"), original.namespace("audit")
    assert len(public.tables) == 6 and len(audit.tables) == 1
    assert {e.name for e in public.enums} == {"order_status"} and {e.name for e in audit.enums} == {"Event Kind"}
    assert {v.name for v in public.views} == {"open_orders", "big_customers"}
    assert audit.view("daily_events").materialized
    assert [x.name for x in original.extensions] == ["citext"]
    assert public.table("products").column("id").identity == Identity("always", 100, 5)
    assert public.table("customers").column("id").default == Default("sequence", "public.customers_id_seq")
    assert {i.method for i in public.table("customers").indexes} == {"btree", "gin"}

    sql = render_sql(original, "postgresql")
    run_sql(second_pg_url, sql)
    assert read_pg(second_pg_url) == original


def test_sqlite_round_trip(tmp_path: Path) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    apply_sqlite(first, (RENDER / "rich_sqlite.sql").read_text())
    original = read_sqlite_file(first)
    main = original.namespace("main")
    assert len(main.tables) == 7 and len(main.views) == 2
    assert main.table("products").column("id").identity == Identity("autoincrement")
    assert main.table("customers").column("misc").type == SqlType("any")

    sql = render_sql(original, "sqlite")
    apply_sqlite(second, sql)
    assert read_sqlite_file(second) == original


@pytest.mark.parametrize("module", ["blog.models", "shop.models"])
def test_sqlalchemy_models_render_to_what_they_describe_on_postgresql(pg_url: str, module: str) -> None:
    models = without_client_defaults(
        load(f"sqlalchemy:{module}", InspectOptions(project_path=str(SA_MODELS)))
    )
    run_sql(pg_url, render_sql(models, "postgresql"))
    assert read_pg(pg_url) == models


@pytest.mark.parametrize("module", ["blog.models", "shop.models"])
def test_sqlalchemy_models_render_to_what_they_describe_on_sqlite(tmp_path: Path, module: str) -> None:
    models = without_client_defaults(
        load(f"sqlalchemy:{module}", InspectOptions(project_path=str(SA_MODELS), dialect="sqlite"))
    )
    path = tmp_path / "models.db"
    apply_sqlite(path, render_sql(models, "sqlite"))
    assert read_sqlite_file(path) == models


# ---------------------------------------------------------------------------
# The statements themselves


def _small_schema() -> Schema:
    teams = Table(
        "teams",
        columns=(Column("id", SqlType("integer"), nullable=False), Column("captain_id", SqlType("integer"))),
        primary_key=PrimaryKey(("id",), "teams_pkey"),
        foreign_keys=(ForeignKey("teams_captain_fk", ("captain_id",), "players", ("id",), "public"),),
    )
    players = Table(
        "players",
        columns=(
            Column("id", SqlType("integer"), nullable=False),
            Column("team_id", SqlType("integer")),
            Column("Nick Name", SqlType("varchar", length=20), default=Default("literal", "'a:b'")),
            Column("token", SqlType("uuid"), default=Default("client", "uuid4")),
        ),
        primary_key=PrimaryKey(("id",), "players_pkey"),
        foreign_keys=(
            ForeignKey("players_team_fk", ("team_id",), "teams", ("id",), "public"),
            ForeignKey("players_league_fk", ("team_id",), "leagues", ("id",), "sports", on_delete="CASCADE"),
        ),
    )
    return Schema("postgresql", namespaces=(Namespace("public", tables=(players, teams)),))


def test_output_is_deterministic_and_terminated() -> None:
    schema = _small_schema()
    text = render_sql(schema, "postgresql")
    assert text == render_sql(schema, "postgresql")
    assert text.endswith(";\n")
    assert text == "".join(s + ";\n" for s in statements(schema, "postgresql"))


def test_foreign_key_cycles_become_alter_table() -> None:
    parts = statements(_small_schema(), "postgresql")
    creates = [s for s in parts if s.startswith("CREATE TABLE")]
    alters = [s for s in parts if s.startswith("ALTER TABLE")]
    assert len(creates) == 2
    assert any("ADD CONSTRAINT teams_captain_fk" in s for s in alters)
    assert any("ADD CONSTRAINT players_team_fk" in s for s in alters)
    assert parts.index(alters[0]) > parts.index(creates[-1])


def test_quoting_literals_and_outside_references() -> None:
    text = render_sql(_small_schema(), "postgresql")
    assert '"Nick Name" VARCHAR(20)' in text
    assert "DEFAULT 'a:b'" in text  # a colon in a literal is not a bind parameter
    assert "uuid4" not in text  # client defaults never reach the DDL
    # A table the schema does not hold is referenced, never created.
    assert "REFERENCES sports.leagues (id) ON DELETE CASCADE" in text
    assert "CREATE TABLE sports.leagues" not in text


def test_unsupported_dialect() -> None:
    with pytest.raises(ValueError, match="unsupported dialect 'mysql'"):
        render_sql(_small_schema(), "mysql")


# ---------------------------------------------------------------------------
# The bridge's type table: every canonical type survives compile + parse


CANONICAL_TYPES = [
    SqlType("smallint"),
    SqlType("integer"),
    SqlType("bigint"),
    SqlType("varchar"),
    SqlType("varchar", length=40),
    SqlType("char", length=3),
    SqlType("text"),
    SqlType("numeric"),
    SqlType("numeric", precision=10, scale=2),
    SqlType("real"),
    SqlType("double"),
    SqlType("boolean"),
    SqlType("date"),
    SqlType("time"),
    SqlType("time", timezone=True, precision=3),
    SqlType("timestamp"),
    SqlType("timestamp", timezone=True),
    SqlType("timestamp", precision=6),
    SqlType("interval"),
    SqlType("uuid"),
    SqlType("json"),
    SqlType("jsonb"),
    SqlType("bytes"),
    SqlType("inet"),
    SqlType("geometry(point,4326)"),
]


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
@pytest.mark.parametrize("t", CANONICAL_TYPES, ids=str)
def test_every_canonical_type_survives_sqlalchemy(dialect: str, t: SqlType) -> None:
    assert compiled_type(sa_type(t, dialect), dialect) == t


@pytest.mark.parametrize("t", [SqlType("integer", array=True), SqlType("text", array=True)], ids=str)
def test_arrays_on_postgresql(t: SqlType) -> None:
    assert compiled_type(sa_type(t, "postgresql"), "postgresql") == t


def test_sqlite_has_no_arrays_and_no_sequences() -> None:
    assert compiled_type(sa_type(SqlType("integer", array=True), "sqlite"), "sqlite") == SqlType("text")
    assert server_default_text(Default("sequence", "public.s"), "sqlite") is None
    assert server_default_text(Default("sequence", "public.Mixed"), "postgresql") == (
        "nextval('public.\"Mixed\"'::regclass)"
    )


def test_same_text_whatever_the_hash_seed() -> None:
    """SQLAlchemy keeps indexes and cycle constraints in sets; the output must not depend on their order."""
    script = (
        "import sys\n"
        "from migrator.inspect import InspectOptions, load\n"
        "from migrator.render.sql import render_sql\n"
        f"o = InspectOptions(project_path={str(SA_MODELS)!r})\n"
        "for module in ('blog.models', 'shop.models'):\n"
        "    sys.stdout.write(render_sql(load('sqlalchemy:' + module, o), 'postgresql'))\n"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert "CREATE INDEX ix_posts_author_id" in outputs.pop()


def test_a_postgresql_model_renders_for_sqlite(tmp_path: Path) -> None:
    """public's tables go to main; enums become TEXT, jsonb stays declared as jsonb."""
    models = load("sqlalchemy:blog.models", InspectOptions(project_path=str(SA_MODELS)))
    path = tmp_path / "cross.db"
    apply_sqlite(path, render_sql(models, "sqlite"))
    back = read_sqlite_file(path).namespace("main")
    assert [t.name for t in back.tables] == ["post_tags", "posts", "users"]
    assert back.table("posts").column("status").type == SqlType("text")
    assert back.table("posts").column("meta").type == SqlType("jsonb")
    assert back.table("posts").index("ix_posts_title_lower").elements[0].expression == "lower(title)"


# ---------------------------------------------------------------------------
# Options and comments (issue 12): CREATE statements carry them, or statements right after.

OPTIONS_SQL = """
CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'the app';
CREATE TYPE app.mood AS ENUM ('ok', 'sad');
COMMENT ON TYPE app.mood IS 'how it feels';
CREATE SEQUENCE app.counter CACHE 10;
COMMENT ON SEQUENCE app.counter IS 'counts';
CREATE TABLE app.parent (id integer GENERATED ALWAYS AS IDENTITY (MAXVALUE 1000 CACHE 5 CYCLE) PRIMARY KEY,
                         code text, CONSTRAINT parent_code_key UNIQUE NULLS NOT DISTINCT (code) DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE app.child (id integer CONSTRAINT child_pkey PRIMARY KEY DEFERRABLE, parent_id integer, n integer,
                        CONSTRAINT child_n_check CHECK (n > 0) NO INHERIT,
                        CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES app.parent (id) MATCH FULL DEFERRABLE);
ALTER TABLE app.child ADD CONSTRAINT child_n_small CHECK (n < 100) NOT VALID;
ALTER TABLE app.child ADD CONSTRAINT child_parent_nv FOREIGN KEY (parent_id) REFERENCES app.parent (id) NOT VALID;
COMMENT ON CONSTRAINT child_n_check ON app.child IS 'positive';
CREATE UNIQUE INDEX child_n_idx ON app.child (n) NULLS NOT DISTINCT;
COMMENT ON INDEX app.child_n_idx IS 'one per n';
CREATE VIEW app.v WITH (security_barrier=true) AS SELECT id FROM app.child;
COMMENT ON VIEW app.v IS 'a view';
CREATE MATERIALIZED VIEW app.mv WITH (fillfactor=70) AS SELECT id, n FROM app.child;
CREATE UNIQUE INDEX mv_id ON app.mv (id);
COMMENT ON INDEX app.mv_id IS 'by id';
COMMENT ON MATERIALIZED VIEW app.mv IS 'cached';
CREATE SCHEMA empty_one;
"""


def test_options_and_comments_round_trip(pg_url: str, second_pg_url: str) -> None:
    run_sql(pg_url, OPTIONS_SQL)
    original = read_pg(pg_url)
    child = original.namespace("app").table("child")
    assert {c.name for c in child.checks if c.not_valid} == {"child_n_small"}
    assert original.namespace("app").view("mv").indexes
    run_sql(second_pg_url, render_sql(original, "postgresql"))
    assert read_pg(second_pg_url) == original
