"""The PostgreSQL reader's fingerprints (issue 12): every kind the model has no structure for, as a DatabaseObject.

Real databases only. What is read (kinds, names, what a digest covers), what is not (the
server's own objects, extension members, owners, oids), and that reading them costs one
round trip whatever their number.
"""

from __future__ import annotations

import uuid

import psycopg

from migrator import schema as model
from migrator.inspect import InspectOptions
from migrator.inspect.postgres import inspect_connection, inspect_url
from migrator.verify.diff import compare

from ..conftest import run_sql
from .test_postgres import CountingCursor

EVERY_KIND = """
CREATE TABLE t (id int PRIMARY KEY, body text, owner text, n int);
CREATE FUNCTION f(a integer, b text) RETURNS integer LANGUAGE sql AS $$ SELECT a + 1 $$;
COMMENT ON FUNCTION f(integer, text) IS 'adds one';
CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE AGGREGATE mysum(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
CREATE POLICY own ON t FOR SELECT TO PUBLIC USING (owner = current_user);
CREATE RULE r_ins AS ON INSERT TO t WHERE NEW.id < 0 DO INSTEAD NOTHING;
CREATE DOMAIN posint AS integer DEFAULT 1 NOT NULL CHECK (VALUE > 0);
CREATE TYPE pair AS (a integer, b text COLLATE "C");
CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE OPERATOR === (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4eq, COMMUTATOR = ===);
CREATE STATISTICS st (dependencies) ON id, n FROM t;
CREATE TEXT SEARCH DICTIONARY simple_en (TEMPLATE = simple, STOPWORDS = english);
CREATE TEXT SEARCH CONFIGURATION my_en (COPY = english);
GRANT SELECT, INSERT ON t TO PUBLIC;
GRANT UPDATE (body) ON t TO PUBLIC;
CREATE SCHEMA app;
GRANT USAGE ON SCHEMA app TO PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
CREATE PUBLICATION pub FOR TABLE t;
CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER et ON ddl_command_start WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION on_ddl();
CREATE FOREIGN DATA WRAPPER dummy;
CREATE SERVER srv FOREIGN DATA WRAPPER dummy OPTIONS (host 'x');
CREATE FOREIGN TABLE ft (a int NOT NULL) SERVER srv OPTIONS (table_name 'remote');
CREATE CAST (pair AS text) WITH INOUT;
"""


def kinds_and_names(schema: model.Schema) -> set[tuple[str, str, str]]:
    found = {(ns.name, o.kind, o.name) for ns in schema.namespaces for o in ns.objects}
    return found | {("", o.kind, o.name) for o in schema.objects}


def read(url: str, sql: str = "", **options) -> model.Schema:
    if sql:
        run_sql(url, sql)
    return inspect_url(url, InspectOptions(**options)).canonical()


def test_every_kind_the_model_does_not_have_is_fingerprinted(pg_url: str) -> None:
    schema = read(pg_url, EVERY_KIND)
    assert kinds_and_names(schema) == {
        ("public", "function", "f(integer, text)"),
        ("public", "procedure", "p()"),
        ("public", "aggregate", "mysum(integer)"),
        ("public", "function", "touch()"),
        ("public", "function", "on_ddl()"),
        ("public", "trigger", "t.t_touch"),
        ("public", "policy", "t.own"),
        ("public", "rule", "t.r_ins"),
        ("public", "domain", "posint"),
        ("public", "type", "pair"),
        ("public", "type", "floatrange"),
        ("public", "collation", "ci"),
        ("public", "operator", "===(integer, integer)"),
        ("public", "statistics", "st"),
        ("public", "text_search_dictionary", "simple_en"),
        ("public", "text_search_configuration", "my_en"),
        ("public", "foreign_table", "ft"),
        ("public", "grant", "t"),
        ("app", "grant", "(schema)"),
        ("app", "default_privileges", "(tables)"),
        ("", "default_privileges", "(functions)"),
        ("", "publication", "pub"),
        ("", "event_trigger", "et"),
        ("", "server", "srv"),
        ("", "foreign_data_wrapper", "dummy"),
        ("", "cast", "(pair AS text)"),
    }
    objects = {(o.kind, o.name): o for o in schema.namespace("public").objects}
    f = objects[("function", "f(integer, text)")]
    assert f.definition.startswith("CREATE OR REPLACE FUNCTION public.f(a integer, b text)")
    assert f.definition.endswith("-- privileges: PUBLIC EXECUTE\n-- comment: adds one")
    assert len(f.digest) == 16 and int(f.digest, 16) >= 0
    assert objects[("grant", "t")].definition == "ON TABLE: PUBLIC INSERT,SELECT; COLUMN body: PUBLIC UPDATE"
    assert objects[("domain", "posint")].definition.startswith(
        "DOMAIN AS integer DEFAULT 1 NOT NULL CONSTRAINT posint_check CHECK ((VALUE > 0))"
    )
    assert objects[("policy", "t.own")].definition == "POLICY AS PERMISSIVE FOR SELECT TO PUBLIC USING ((owner = CURRENT_USER))"
    # A function created after ALTER DEFAULT PRIVILEGES ... REVOKE EXECUTE has no PUBLIC EXECUTE.
    assert "privileges" not in objects[("function", "on_ddl()")].definition


def test_the_servers_own_objects_extension_members_and_bookkeeping_are_not_fingerprinted(pg_url: str) -> None:
    schema = read(
        pg_url,
        """CREATE EXTENSION hstore;
        CREATE TABLE parent (id int PRIMARY KEY);
        CREATE TABLE child (pid int REFERENCES parent);          -- internal triggers
        CREATE VIEW v AS SELECT 1 AS x;                          -- its _RETURN rule
        CREATE TYPE r AS RANGE (subtype = float8);               -- constructors, multirange and its cast
        CREATE TABLE ev (id int, at date) PARTITION BY RANGE (at);
        CREATE TABLE ev1 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER ev_touch BEFORE UPDATE ON ev FOR EACH ROW EXECUTE FUNCTION touch();  -- cloned on ev1
        CREATE TABLE _prisma_migrations (id text);
        GRANT SELECT ON _prisma_migrations TO PUBLIC;""",
    )
    assert kinds_and_names(schema) == {
        ("public", "type", "r"),
        ("public", "function", "touch()"),
        ("public", "trigger", "ev.ev_touch"),
    }
    with_extensions = read(pg_url, include_extension_objects=True, include_bookkeeping=True)
    names = kinds_and_names(with_extensions)
    assert ("public", "function", "hstore(text[])") in names
    assert ("public", "grant", "_prisma_migrations") in names


def test_owners_oids_and_creation_order_are_not_part_of_a_digest(pg_database) -> None:
    role = f"r_{uuid.uuid4().hex[:8]}"
    a, b = pg_database(), pg_database()
    run_sql(b, f"CREATE ROLE {role}")
    body = """CREATE TABLE t (id int);
        CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
        GRANT SELECT ON t TO PUBLIC;"""
    run_sql(a, body)
    run_sql(b, "CREATE TABLE filler (id int); DROP TABLE filler;" + body
            + f"ALTER TABLE t OWNER TO {role}; ALTER FUNCTION f() OWNER TO {role};")
    sa, sb = read(a), read(b)
    assert sa.namespace("public").objects == sb.namespace("public").objects
    assert compare(sa, sb).changes == ()


def test_a_revoked_default_privilege_and_a_comment_change_the_digest(pg_database) -> None:
    a, b, c = pg_database(), pg_database(), pg_database()
    function = "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;"
    run_sql(a, function)
    run_sql(b, function + "REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC;")
    run_sql(c, function + "COMMENT ON FUNCTION f() IS 'one';")
    digests = {read(url).namespace("public").objects[0].digest for url in (a, b, c)}
    assert len(digests) == 3


def test_fingerprints_of_other_schemas_are_left_out_with_them(pg_url: str) -> None:
    schema = read(
        pg_url,
        """CREATE SCHEMA app; CREATE SCHEMA other;
        CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
        CREATE FUNCTION other.g() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;""",
        schemas=("app",),
    )
    assert kinds_and_names(schema) == {("app", "function", "f()")}


def test_a_schema_holding_only_functions_is_listed_with_them(pg_url: str) -> None:
    schema = read(pg_url, "CREATE SCHEMA util; CREATE FUNCTION util.one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;")
    assert [o.name for o in schema.namespace("util").objects] == ["one()"]


def _count(url: str) -> int:
    CountingCursor.executed = 0
    with psycopg.connect(url, autocommit=True, cursor_factory=CountingCursor) as conn:
        inspect_connection(conn, InspectOptions(), "count")
    return CountingCursor.executed


def test_fingerprints_cost_one_round_trip_whatever_their_number(pg_database) -> None:
    empty, full = pg_database(), pg_database()
    run_sql(empty, "CREATE TABLE t (id int PRIMARY KEY, body text, owner text, n int);")
    functions = "".join(f"CREATE FUNCTION f{i}() RETURNS int LANGUAGE sql AS $$ SELECT {i} $$;" for i in range(50))
    run_sql(full, EVERY_KIND + functions)
    assert _count(empty) == _count(full)


def test_a_snapshot_of_a_database_with_functions_round_trips_and_compares_equal(pg_url: str) -> None:
    live = read(pg_url, EVERY_KIND)
    again = model.from_json(model.to_json(live))
    assert again == live
    assert [o.definition for o in again.namespace("public").objects] == [o.definition for o in live.namespace("public").objects]
    snapshot = model.Schema(dialect=again.dialect, namespaces=again.namespaces, extensions=again.extensions,
                            objects=again.objects, source="snapshot:live.json")
    assert compare(snapshot, live).changes == () and compare(live, snapshot).not_modeled == ()


def test_secret_fdw_options_never_reach_a_fingerprint(pg_url: str) -> None:
    """A foreign server's `password` (dblink-style options) would otherwise be printed in
    snapshots, reports and the emitted SQL's comments: its value is masked, its name kept."""
    run_sql(pg_url, """
        CREATE FOREIGN DATA WRAPPER plain_fdw;
        CREATE SERVER remote FOREIGN DATA WRAPPER plain_fdw OPTIONS (host 'db.internal', password 'hunter2', sslkey '/k');
    """)
    schema = inspect_url(pg_url, InspectOptions())
    server = next(o for o in schema.objects if o.kind == "server" and o.name == "remote")
    assert "host=db.internal" in server.definition and "password=***" in server.definition
    assert "sslkey=***" in server.definition
    assert "hunter2" not in model.to_json(schema)
