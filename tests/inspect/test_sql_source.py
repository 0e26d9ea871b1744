"""The "sql" source: SQL files and migration folders applied to real scratch databases.

PostgreSQL tests use the session server from conftest (as --dev-url) and the source's own
throwaway cluster; SQLite tests use in-memory and file databases. Nothing is mocked; the
one test that needs "no PostgreSQL installed" sets pgcluster.available to say so.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
from pathlib import Path

import psycopg
import pytest
from ..conftest import FIXTURES, cast_free_expression_defaults, run_sql

from migrator import pgcluster
from migrator import schema as model
from migrator.errors import EXIT_BAD_INPUT, BadInput, ConnectionFailed, EngineUnavailable
from migrator.inspect import InspectOptions, load, resolve
from migrator.inspect import _scratch
from migrator.inspect.sql import SqlSource, discover, load_sql, sniff_dialect, split_script
from migrator.sqltext import split_statements

MIGRATIONS = FIXTURES / "migrations"
SQL = FIXTURES / "sql"


def rel(path: Path) -> str:
    """How the source names a fixture file: relative to the working folder."""
    return os.path.relpath(path)


def scratch_databases(cluster: pgcluster.EphemeralCluster) -> list[str]:
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (_scratch.SCRATCH_PREFIX + "%",)
        ).fetchall()
    return [r[0] for r in rows]


def all_databases(cluster: pgcluster.EphemeralCluster) -> set[str]:
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        return {r[0] for r in conn.execute("SELECT datname FROM pg_database").fetchall()}


def apply_statement_by_statement(url: str, path: Path) -> None:
    # One statement per round trip in autocommit, as a migration tool would run them:
    # CREATE INDEX CONCURRENTLY and a new enum label need statements of their own.
    for st in split_statements(path.read_text()):
        run_sql(url, st.text)


@pytest.fixture(scope="module", autouse=True)
def _stop_shared_cluster():
    yield
    _scratch.stop_shared_cluster()


@pytest.fixture()
def dev(pg_cluster) -> InspectOptions:
    return InspectOptions(dev_url=pg_cluster.url)


# ---------------------------------------------------------------------------
# Recognizing files and folders


@pytest.mark.parametrize("case", ["plain", "prisma", "prisma_sqlite", "drizzle", "failing"])
def test_each_layout_is_claimed(case):
    assert SqlSource().claims_path(str(MIGRATIONS / case))
    assert resolve(str(MIGRATIONS / case)).name == "sql"


def test_sql_file_is_claimed_and_others_are_not(tmp_path):
    assert SqlSource().claims_path(str(SQL / "shop_postgres.sql"))
    (tmp_path / "notes.txt").write_text("CREATE TABLE t (id int);")
    assert not SqlSource().claims_path(str(tmp_path / "notes.txt"))
    assert not SqlSource().claims_path(str(tmp_path / "missing.sql"))
    # A folder that merely contains a migrations folder is not one.
    shutil.copytree(MIGRATIONS / "plain", tmp_path / "project" / "migrations")
    assert not SqlSource().claims_path(str(tmp_path / "project"))


def test_unrecognized_folder_is_bad_input(tmp_path):
    (tmp_path / "README.md").write_text("nothing here")
    with pytest.raises(BadInput) as info:
        load_sql(f"sql:{tmp_path}", InspectOptions())
    assert str(info.value) == (
        f"{tmp_path}: not a migrations folder (expected *.sql files, <name>/migration.sql folders, "
        "or meta/_journal.json)"
    )
    assert info.value.exit_code == EXIT_BAD_INPUT


def test_missing_path_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match=r"missing\.sql: no such file or folder$"):
        load_sql(f"sql:{tmp_path / 'missing.sql'}", InspectOptions())


def test_plain_folder_order_is_lexicographic_with_a_note(tmp_path):
    for name in ("V1__a.sql", "V10__c.sql", "V2__b.sql"):
        (tmp_path / name).write_text(f"CREATE TABLE {name[:-4].replace('__', '_').lower()} (id integer);\n")
    found = discover(str(tmp_path))
    assert [Path(f.display).name for f in found.files] == ["V10__c.sql", "V1__a.sql", "V2__b.sql"]
    assert len(found.notes) == 1
    assert "files are applied in plain name order, so V10__c.sql runs before V1__a.sql" in found.notes[0]


def test_up_down_folder_applies_only_the_up_files(tmp_path):
    """golang-migrate keeps 000001_x.up.sql beside 000001_x.down.sql: applying both in name
    order would drop what the up file made."""
    (tmp_path / "000001_users.up.sql").write_text("CREATE TABLE users (id integer);\n")
    (tmp_path / "000001_users.down.sql").write_text("DROP TABLE users;\n")
    (tmp_path / "000002_posts.up.sql").write_text("CREATE TABLE posts (id integer);\n")
    (tmp_path / "000002_posts.down.sql").write_text("DROP TABLE posts;\n")
    found = discover(str(tmp_path))
    assert [Path(f.display).name for f in found.files] == ["000001_users.up.sql", "000002_posts.up.sql"]
    (note,) = found.notes
    assert note.endswith(": up/down migrations: the 2 *.down.sql files are not applied")
    schema = load(str(tmp_path), InspectOptions(dialect="sqlite"))
    assert sorted(t.name for _, t in schema.tables()) == ["posts", "users"]


def test_zero_padded_folder_has_no_order_note():
    found = discover(str(MIGRATIONS / "plain"))
    assert [Path(f.display).name for f in found.files] == ["001_users.sql", "002_posts.sql", "010_indexes.sql"]
    assert found.notes == ()


def test_drizzle_order_comes_from_the_journal():
    found = discover(str(MIGRATIONS / "drizzle"))
    assert [Path(f.display).name for f in found.files] == ["zz_create_users.sql", "aa_create_posts.sql"]
    assert found.declared_dialect == "postgresql"
    assert found.notes == (f"{rel(MIGRATIONS / 'drizzle' / 'bb_not_in_journal.sql')}: not listed in meta/_journal.json; not applied",)


def test_drizzle_breakpoints_split_statements_and_keep_lines():
    text = (MIGRATIONS / "drizzle" / "aa_create_posts.sql").read_text()
    statements = split_script(text, drizzle=True)
    assert [(s.number, s.line) for s in statements] == [(1, 1), (2, 7), (3, 13)]
    assert statements[1].text.startswith("DO $$ BEGIN")
    assert statements[2].text.startswith('CREATE INDEX IF NOT EXISTS "posts_author_idx"')


def test_broken_drizzle_journal_is_bad_input(tmp_path):
    (tmp_path / "meta").mkdir()
    (tmp_path / "meta" / "_journal.json").write_text('{"dialect": "postgresql", "entries": [{"tag": "0000_x"}]}')
    with pytest.raises(BadInput, match=r"_journal\.json: entries\[0\] names 0000_x\.sql, which is not in "):
        load_sql(str(tmp_path), InspectOptions())
    (tmp_path / "meta" / "_journal.json").write_text('{"dialect": "mysql", "entries": []}')
    with pytest.raises(BadInput, match=r"_journal\.json: dialect 'mysql' is not supported"):
        load_sql(str(tmp_path), InspectOptions())


# ---------------------------------------------------------------------------
# Dialect


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        ("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)", "sqlite"),
        ("PRAGMA foreign_keys = ON; CREATE TABLE t (id int) WITHOUT ROWID", "sqlite"),
        ("CREATE TABLE t (id serial, doc jsonb)", "postgresql"),
        ("CREATE TYPE mood AS ENUM ('a'); CREATE TABLE t (m mood DEFAULT 'a'::mood)", "postgresql"),
        ("CREATE TABLE t (id integer)", "postgresql"),  # undecided: PostgreSQL
        ("-- PRAGMA in a comment only\nCREATE TABLE t (id integer)", "postgresql"),
    ],
)
def test_dialect_is_sniffed_from_markers(sql, dialect):
    assert sniff_dialect([sql])[0] == dialect


def test_declared_and_given_dialects_win(tmp_path):
    found = discover(str(MIGRATIONS / "prisma_sqlite"))
    assert found.declared_dialect == "sqlite"
    assert discover(str(MIGRATIONS / "prisma")).declared_dialect == "postgresql"
    script = tmp_path / "x.sql"
    script.write_text("CREATE TABLE t (id integer);")
    with pytest.raises(BadInput, match=r"^dialect 'oracle' is not supported"):
        load_sql(str(script), InspectOptions(dialect="oracle"))


# ---------------------------------------------------------------------------
# The three layouts on real PostgreSQL, through --dev-url


def test_plain_folder_on_dev_url(pg_cluster, dev):
    before = all_databases(pg_cluster)
    calls = []
    opts = dataclasses.replace(dev, progress=lambda label, done, total: calls.append((label, done, total)))
    schema = load(str(MIGRATIONS / "plain"), opts)
    label = f"sql:{MIGRATIONS / 'plain'}"
    assert schema.source == label
    posts = schema.table("public.posts")
    assert posts.column("title").type == model.SqlType("varchar", length=200)  # 010 ran after 002
    assert schema.table("public.users").column("name").nullable
    assert [fk.name for fk in posts.foreign_keys] == ["posts_author_id_fkey"]
    applying = [c for c in calls if c[0] == f"applying {label}"]
    assert applying == [(f"applying {label}", 1, 3), (f"applying {label}", 2, 3), (f"applying {label}", 3, 3)]
    # The scratch database is gone and nothing else on the server was touched.
    assert scratch_databases(pg_cluster) == []
    assert all_databases(pg_cluster) == before


def test_prisma_folder_on_dev_url(pg_cluster, dev):
    schema = load(str(MIGRATIONS / "prisma"), dev)
    assert schema.dialect == "postgresql"
    assert not any("guessed" in n for n in schema.notes)  # migration_lock.toml said so
    assert schema.namespace("public").enum("Role").values == ("USER", "ADMIN", "OWNER")
    post = schema.table("public.Post")
    # The new enum label is used by the next migration: applying commits after ADD VALUE.
    assert post.column("editorRole").default == model.Default("literal", "'OWNER'")
    assert post.foreign_keys[0].on_update == "CASCADE"
    assert schema.table("public.User").indexes[0].name == "User_email_key"
    assert scratch_databases(pg_cluster) == []


def test_drizzle_folder_on_dev_url(pg_cluster, dev):
    schema = load(str(MIGRATIONS / "drizzle"), dev)
    # Name order would create posts (and its foreign key to users) before users exists,
    # and the unlisted bb_not_in_journal.sql would drop users.
    users = schema.table("public.users")
    assert [u.name for u in users.uniques] == ["users_email_unique"]
    fk = schema.table("public.posts").foreign_keys[0]
    assert (fk.name, fk.ref_table, fk.on_delete) == ("posts_author_id_users_id_fk", "users", "CASCADE")
    assert any("bb_not_in_journal.sql: not listed in meta/_journal.json" in n for n in schema.notes)
    assert scratch_databases(pg_cluster) == []


# ---------------------------------------------------------------------------
# The throwaway cluster (no --dev-url)


def test_ephemeral_cluster_is_started_once_and_reused():
    first = load(str(MIGRATIONS / "drizzle"), InspectOptions())
    cluster = _scratch._cluster
    assert cluster is not None and cluster.dir is not None
    second = load(str(MIGRATIONS / "prisma"), InspectOptions())
    assert _scratch._cluster is cluster  # the same server, a fresh database each time
    assert [t.name for _, t in first.tables()] == ["posts", "users"]
    assert [t.name for _, t in second.tables()] == ["Post", "User"]
    assert scratch_databases(cluster) == []


def test_ephemeral_cluster_reading_equals_dev_url_reading(dev):
    assert load(str(MIGRATIONS / "prisma"), InspectOptions()) == load(str(MIGRATIONS / "prisma"), dev)


# ---------------------------------------------------------------------------
# KEY: a SQL file and the live database built from the same SQL are equal models


def test_sql_file_equals_live_postgres_built_from_it(pg_url, dev):
    from migrator.inspect import postgres

    path = SQL / "shop_postgres.sql"
    apply_statement_by_statement(pg_url, path)
    live = postgres.inspect_url(pg_url, InspectOptions()).canonical()
    from_sql = load(str(path), dev)
    assert from_sql == live
    assert from_sql.source == f"sql:{path}"
    # Equality ignores origins; they differ: one names the database, one the file.
    assert from_sql.table("public.users").origin.file == rel(path)


def test_sql_file_equals_live_sqlite_built_from_it(tmp_path):
    path = SQL / "shop_sqlite.sql"
    db = tmp_path / "shop.db"
    conn = sqlite3.connect(db)
    conn.executescript(path.read_text())
    conn.close()
    live = load(f"sqlite:///{db}", InspectOptions())
    from_sql = load(str(path), InspectOptions())
    assert from_sql.dialect == "sqlite"
    assert from_sql == live
    assert from_sql.table("main.users").column("id").identity == model.Identity("autoincrement")


def test_prisma_sqlite_folder_in_memory():
    calls = []
    schema = load(str(MIGRATIONS / "prisma_sqlite"), InspectOptions(progress=lambda *a: calls.append(a)))
    assert schema.dialect == "sqlite"
    user = schema.table("main.User")
    # The second migration redefined User through new_User + RENAME, as Prisma does.
    assert [c.name for c in user.columns] == ["id", "email", "name", "createdAt"]
    assert user.column("createdAt").default == model.Default("current_timestamp", "CURRENT_TIMESTAMP")
    assert [i.name for i in user.indexes] == ["User_email_key"]
    assert schema.table("main.Post").foreign_keys[0].ref_table == "User"
    assert [c[1:] for c in calls if c[0].startswith("applying")] == [(1, 2), (2, 2)]


# ---------------------------------------------------------------------------
# Failing statements


def test_failing_statement_names_file_statement_line_and_message(pg_cluster, dev):
    path = SQL / "failing.sql"
    with pytest.raises(BadInput) as info:
        load(str(path), dev)
    assert str(info.value) == f'{rel(path)}: statement 2 (line 7): relation "usres" does not exist'
    assert info.value.exit_code == EXIT_BAD_INPUT
    assert "\n" not in str(info.value)
    assert scratch_databases(pg_cluster) == []  # dropped after the failure too


def test_failing_statement_in_a_folder_names_the_file(pg_cluster, dev):
    with pytest.raises(BadInput) as info:
        load(str(MIGRATIONS / "failing"), dev)
    shown = rel(MIGRATIONS / "failing" / "002_broken.sql")
    assert str(info.value) == f'{shown}: statement 2 (line 4): column "nickname" does not exist'
    assert scratch_databases(pg_cluster) == []


def test_failing_sqlite_statement(tmp_path):
    script = tmp_path / "bad.sql"
    script.write_text("PRAGMA foreign_keys = ON;\nCREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);\n\nCREATE INDEX i ON nope (x);\n")
    with pytest.raises(BadInput) as info:
        load(str(script), InspectOptions())
    assert str(info.value) == f"{script}: statement 3 (line 4): no such table: main.nope"


def test_unreachable_dev_url_masks_the_password(tmp_path):
    script = tmp_path / "x.sql"
    script.write_text("CREATE TABLE t (id serial);")
    url = f"postgresql://someone:s3cret-pw@127.0.0.1:{pgcluster.free_port()}/postgres"
    with pytest.raises(ConnectionFailed) as info:
        load(str(script), InspectOptions(dev_url=url))
    assert "s3cret-pw" not in str(info.value)
    assert "***" in str(info.value)


def test_concurrently_and_transaction_control_are_adjusted():
    from migrator.inspect._scratch import prepare_postgres

    assert prepare_postgres("CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)") == "CREATE UNIQUE INDEX i ON t (a)"
    assert prepare_postgres("DROP INDEX CONCURRENTLY IF EXISTS i") == "DROP INDEX IF EXISTS i"
    assert prepare_postgres("BEGIN") is None
    assert prepare_postgres("COMMIT") is None
    # Regression (langfuse): a migration that sets its own isolation level after BEGIN.
    assert prepare_postgres("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ") is None
    assert prepare_postgres("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE") is None
    assert prepare_postgres("SET search_path TO app") == "SET search_path TO app"
    assert prepare_postgres("CREATE TABLE concurrently (a int)") == "CREATE TABLE concurrently (a int)"


# ---------------------------------------------------------------------------
# Origins


def test_origins_point_at_file_and_line(dev):
    path = SQL / "shop_postgres.sql"
    shown = rel(path)
    schema = load(str(path), dev)
    public = schema.namespace("public")
    users, posts = public.table("users"), public.table("posts")

    def where(obj) -> tuple[str | None, int | None]:
        assert obj.origin.source == f"sql:{path}"
        return obj.origin.file, obj.origin.line

    assert where(users) == (shown, 9)
    assert where(users.column("email")) == (shown, 11)
    assert where(users.column("owner_role")) == (shown, 45)  # ALTER TABLE ... ADD COLUMN
    assert where(users.uniques[0]) == (shown, 16)  # CONSTRAINT users_email_key in the body
    assert posts.checks[0].name == "posts_score_check"
    assert where(posts.checks[0]) == (shown, 24)  # unnamed inline CHECK, matched by its generated name
    assert where(posts.foreign_keys[0]) == (shown, 21)
    assert where(posts.index("posts_live_idx")) == (shown, 30)
    assert where(next(u for u in posts.uniques if u.name == "posts_title_author_key")) == (shown, 46)
    assert where(public.enum("Role")) == (shown, 6)
    assert where(public.view("published_posts")) == (shown, 48)
    assert where(public.sequence("users_id_seq")) == (shown, 10)  # the serial column
    billing = schema.namespace("billing")
    assert where(billing.enum("status")) == (shown, 7)
    assert where(billing.sequence("invoice_numbers")) == (shown, 42)
    assert where(billing.table("invoices").checks[0]) == (shown, 39)
    # A % in the SQL is text, not a driver placeholder.
    assert billing.table("invoices").column("discount").default == model.Default("literal", "'10%'")


def test_origins_follow_the_migration_that_changed_the_column(dev):
    schema = load(str(MIGRATIONS / "plain"), dev)
    posts = schema.table("public.posts")
    assert (posts.column("title").origin.file, posts.column("title").origin.line) == (
        rel(MIGRATIONS / "plain" / "010_indexes.sql"),
        2,
    )
    assert (posts.column("id").origin.file, posts.column("id").origin.line) == (
        rel(MIGRATIONS / "plain" / "002_posts.sql"),
        2,
    )


# ---------------------------------------------------------------------------
# Static reading


def test_static_reading_agrees_with_live_on_the_common_subset(dev):
    path = SQL / "common_subset.sql"
    live = load_sql(str(path), dev).canonical()
    static = load_sql(str(path), dev, engine="static").canonical()
    assert static == live
    assert static.notes[-1] == _scratch.STATIC_REQUESTED_NOTE
    # Names PostgreSQL generated, reproduced statically (numbering on a collision included).
    people = static.table("public.people")
    assert [c.name for c in people.checks] == ["accounts_level_check", "accounts_score_check", "accounts_score_check1"]
    assert static.namespace("public").enum("mood").values == ("blue", "meh", "ok", "happy")


@pytest.mark.parametrize("case", ["plain", "prisma", "drizzle"])
def test_static_reading_agrees_with_live_on_each_layout(case, dev):
    spec = str(MIGRATIONS / case)
    assert load_sql(spec, dev, engine="static").canonical() == load_sql(spec, dev).canonical()


@pytest.mark.parametrize("spec", [SQL / "shop_sqlite.sql", MIGRATIONS / "prisma_sqlite"])
def test_static_sqlite_reading_agrees_with_in_memory_sqlite(spec):
    live = load_sql(str(spec), InspectOptions()).canonical()
    static = load_sql(str(spec), InspectOptions(), engine="static").canonical()
    assert static.dialect == live.dialect == "sqlite"
    assert static == live


def test_static_reading_of_richer_sql_differs_only_where_documented(dev):
    path = SQL / "shop_postgres.sql"
    live = load_sql(str(path), dev).canonical()
    static = load_sql(str(path), dev, engine="static").canonical()
    # PostgreSQL prints `score >= 0::numeric` and re-writes view bodies; the static reader
    # keeps the SQL as written, and cannot know an extension's version.
    assert static.table("public.posts").checks[0].expression == "score >= 0"
    assert live.table("public.posts").checks[0].expression == "score >= 0::numeric"
    assert static.extensions[0].version is None and live.extensions[0].version is not None
    assert any("view definitions are the SQL as written" in n for n in static.notes)
    static_tables = {(ns, t.name): dataclasses.replace(t, checks=()) for ns, t in static.tables()}
    live_tables = {(ns, t.name): dataclasses.replace(t, checks=()) for ns, t in live.tables()}
    assert static_tables == live_tables


def test_uninterpreted_statements_are_noted(tmp_path):
    script = tmp_path / "odd.sql"
    script.write_text(
        "CREATE TABLE t (id serial PRIMARY KEY);\n"
        "CREATE DOMAIN positive AS integer CHECK (VALUE > 0);\n"
        "INSERT INTO t DEFAULT VALUES;\n"
        "CREATE TABLE copy AS SELECT * FROM t;\n"
        "ALTER TABLE t SET TABLESPACE pg_default;\n"
        "DO $$ BEGIN PERFORM 1; END $$;\n"
    )
    schema = load_sql(str(script), InspectOptions(), engine="static")
    noted = [n for n in schema.notes if "not interpreted" in n]
    assert noted == [
        f"statement 2 ({script}:2) not interpreted: CREATE DOMAIN positive AS integer CHECK (VALUE > 0)",
        f"statement 4 ({script}:4) not interpreted: CREATE TABLE copy AS SELECT * FROM t (CREATE TABLE ... AS)",
        f"statement 5 ({script}:5) not interpreted: ALTER TABLE t SET TABLESPACE pg_default (ALTER TABLE action SET TABLESPACE pg_default)",
        f"statement 6 ({script}:6) not interpreted: DO $$ BEGIN PERFORM 1; END $$",
    ]
    assert [t.name for _, t in schema.tables()] == ["t"]  # the INSERT changed nothing and is not noted


def test_no_server_falls_back_to_static_with_a_note(tmp_path, monkeypatch):
    # Simulates a machine without PostgreSQL server binaries and without --dev-url.
    monkeypatch.setattr(pgcluster, "available", lambda: False)
    script = tmp_path / "x.sql"
    script.write_text("CREATE TABLE t (id serial PRIMARY KEY, name text NOT NULL DEFAULT 'x');\n")
    schema = load(str(script), InspectOptions())
    assert (
        "static reading: no PostgreSQL server available (give --dev-url or install PostgreSQL); "
        "constraints and defaults are read from the SQL text, not from a database"
    ) in schema.notes
    t = schema.table("public.t")
    assert t.column("id").default == model.Default("sequence", "public.t_id_seq")
    assert t.primary_key == model.PrimaryKey(("id",), "t_pkey")
    assert (t.origin.file, t.origin.line) == (str(script), 1)
    with pytest.raises(EngineUnavailable, match="no PostgreSQL server available"):
        load_sql(str(script), InspectOptions(), engine="live")


def test_static_reading_survives_comments_between_alter_actions(pg_url: str) -> None:
    """Regression (documenso's migrations): `ALTER TABLE t DROP …, -- note\nADD …`."""
    from migrator.inspect.sql import load_sql

    path = str(FIXTURES / "sql" / "alter_with_comments.sql")
    static = load_sql(path, InspectOptions(), engine="static").canonical()
    live = load_sql(path, InspectOptions(dev_url=pg_url), engine="live").canonical()
    assert not [n for n in static.notes if "not interpreted" in n]
    team = static.table("public.Team")
    assert [c.name for c in team.columns] == ["id", "roles", "settingsId", "tags"]
    # CAST(ARRAY['USER'] AS "Role"[]) and the database's ARRAY['USER'::"Role"]: one default.
    assert cast_free_expression_defaults(static) == cast_free_expression_defaults(live)


def test_a_script_that_sets_its_own_isolation_level_applies(dev):
    """Regression (langfuse's backfill migrations): BEGIN; SET TRANSACTION …; … COMMIT."""
    schema = load(f"sql:{SQL / 'transaction_settings.sql'}", dev)
    assert [c.name for c in schema.table("public.evaluators").columns] == ["id", "name"]
