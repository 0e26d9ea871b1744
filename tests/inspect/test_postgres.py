"""The live PostgreSQL source against a real server: every object kind, filters, read-only, errors.

Each test creates objects with SQL in a fresh database (`pg_url`) and asserts the model the
reader builds from the catalog. Nothing is mocked.
"""

from __future__ import annotations

import dataclasses
import re
import socket
import uuid
from pathlib import Path

import psycopg
import pytest

from migrator import inspect as sources
from migrator import pgcluster
from migrator.errors import BadInput, ConnectionFailed, MigratorError
from migrator.inspect import InspectOptions
from migrator.inspect.postgres import inspect_connection, inspect_url, masked
from migrator.schema import (
    REFERENTIAL_ACTIONS,
    CheckConstraint,
    Default,
    EnumType,
    ExclusionConstraint,
    Extension,
    ForeignKey,
    Identity,
    Index,
    IndexElement,
    PrimaryKey,
    Schema,
    Sequence,
    SqlType,
    UniqueConstraint,
    from_json,
)

from ..conftest import FIXTURES, run_sql

PG_FIXTURES = FIXTURES / "postgres"


def read(url: str, sql: str = "", **options) -> Schema:
    if sql:
        run_sql(url, sql)
    return inspect_url(url, InspectOptions(**options)).canonical()


def with_password(url: str, password: str) -> str:
    """The same URL with a password; the test cluster trusts every local connection, so it is ignored."""
    return url.replace("postgres@", f"postgres:{password}@", 1)


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text and "Traceback" not in text, text
    return text


# ---------------------------------------------------------------------------
# Types: every canonical alias, as (declared type, expected canonical type).

TYPE_CASES: list[tuple[str, SqlType]] = [
    ("int4", SqlType("integer")),
    ("integer", SqlType("integer")),
    ("int", SqlType("integer")),
    ("int2", SqlType("smallint")),
    ("smallint", SqlType("smallint")),
    ("int8", SqlType("bigint")),
    ("bigint", SqlType("bigint")),
    ("varchar(40)", SqlType("varchar", length=40)),
    ("character varying(12)", SqlType("varchar", length=12)),
    ("varchar", SqlType("varchar")),
    ("char(3)", SqlType("char", length=3)),
    ("character(1)", SqlType("char", length=1)),
    ("text", SqlType("text")),
    ("numeric(10,2)", SqlType("numeric", precision=10, scale=2)),
    ("decimal(5)", SqlType("numeric", precision=5, scale=0)),
    ("numeric", SqlType("numeric")),
    ("real", SqlType("real")),
    ("float4", SqlType("real")),
    ("double precision", SqlType("double")),
    ("float8", SqlType("double")),
    ("float", SqlType("double")),
    ("boolean", SqlType("boolean")),
    ("bool", SqlType("boolean")),
    ("date", SqlType("date")),
    ("time", SqlType("time", timezone=False)),
    ("timetz", SqlType("time", timezone=True)),
    ("time(3) with time zone", SqlType("time", precision=3, timezone=True)),
    ("timestamp", SqlType("timestamp", timezone=False)),
    ("timestamp(3)", SqlType("timestamp", precision=3, timezone=False)),
    ("timestamptz", SqlType("timestamp", timezone=True)),
    ("timestamp(6) with time zone", SqlType("timestamp", precision=6, timezone=True)),
    ("interval", SqlType("interval")),
    ("uuid", SqlType("uuid")),
    ("json", SqlType("json")),
    ("jsonb", SqlType("jsonb")),
    ("bytea", SqlType("bytes")),
    ("text[]", SqlType("text", array=True)),
    ("integer[]", SqlType("integer", array=True)),
    ("int[][]", SqlType("integer", array=True)),
    ("varchar(10)[]", SqlType("varchar", length=10, array=True)),
    ("mood", SqlType("enum", enum="public.mood")),
    ("mood[]", SqlType("enum", enum="public.mood", array=True)),
    ("billing.state", SqlType("enum", enum="billing.state")),
    ("billing.state[]", SqlType("enum", enum="billing.state", array=True)),
    ("inet", SqlType("inet")),
    ("tsvector", SqlType("tsvector")),
]


def test_every_type_alias_maps_to_its_canonical_type(pg_url: str) -> None:
    columns = ", ".join(f'"{decl}" {decl}' for decl, _ in TYPE_CASES)
    schema = read(
        pg_url,
        f"""CREATE TYPE mood AS ENUM ('sad', 'ok');
        CREATE SCHEMA billing; CREATE TYPE billing.state AS ENUM ('open', 'paid');
        CREATE TABLE typed ({columns});""",
    )
    table = schema.table("public.typed")
    assert [c.name for c in table.columns] == [decl for decl, _ in TYPE_CASES]  # declared order kept
    assert {c.name: c.type for c in table.columns} == dict(TYPE_CASES)


def test_json_and_jsonb_are_distinct(pg_url: str) -> None:
    table = read(pg_url, "CREATE TABLE docs (a json, b jsonb);").table("public.docs")
    assert table.column("a").type != table.column("b").type


def test_nullability(pg_url: str) -> None:
    table = read(pg_url, "CREATE TABLE t (a int NOT NULL, b int);").table("public.t")
    assert (table.column("a").nullable, table.column("b").nullable) == (False, True)


# ---------------------------------------------------------------------------
# Defaults: (column declaration, expected typed default).

DEFAULT_CASES: list[tuple[str, Default | None]] = [
    ("text DEFAULT 'x'", Default("literal", "'x'")),
    ("text DEFAULT 'x'::text", Default("literal", "'x'")),
    ("varchar(5) DEFAULT 'ab'", Default("literal", "'ab'")),
    ("text DEFAULT 'it''s'", Default("literal", "'it''s'")),
    ("text[] DEFAULT '{}'::text[]", Default("literal", "'{}'")),
    ("integer[] DEFAULT '{1,2}'", Default("literal", "'{1,2}'")),
    ("integer DEFAULT 0", Default("literal", "0")),
    ("integer DEFAULT -1", Default("literal", "-1")),
    ("numeric(10,2) DEFAULT 1.50", Default("literal", "1.50")),
    ("boolean DEFAULT true", Default("literal", "true")),
    ("boolean DEFAULT false", Default("literal", "false")),
    ("mood DEFAULT 'ok'", Default("literal", "'ok'")),
    ("jsonb DEFAULT '{}'::jsonb", Default("literal", "'{}'")),
    ("timestamptz DEFAULT now()", Default("current_timestamp", "CURRENT_TIMESTAMP")),
    ("timestamp DEFAULT CURRENT_TIMESTAMP", Default("current_timestamp", "CURRENT_TIMESTAMP")),
    ("uuid DEFAULT gen_random_uuid()", Default("expression", "gen_random_uuid()")),
    ("date DEFAULT CURRENT_DATE", Default("expression", "CURRENT_DATE")),
    # An expression keeps the casts PostgreSQL prints: DDL repeats it (comparison strips them).
    ("text DEFAULT lower('X')", Default("expression", "lower('X'::text)")),
    ("integer DEFAULT (1 + 2)", Default("expression", "1 + 2")),
    ("bigint DEFAULT nextval('counter')", Default("sequence", "public.counter")),
    ("bigint DEFAULT nextval('billing.counter')", Default("sequence", "billing.counter")),
    ("text DEFAULT NULL", None),  # PostgreSQL stores no default for a bare NULL
    ("text", None),
]


def test_defaults_of_every_kind(pg_url: str) -> None:
    columns = ", ".join(f"c{i} {decl}" for i, (decl, _) in enumerate(DEFAULT_CASES))
    table = read(
        pg_url,
        f"""CREATE TYPE mood AS ENUM ('sad', 'ok');
        CREATE SEQUENCE counter; CREATE SCHEMA billing; CREATE SEQUENCE billing.counter;
        CREATE TABLE d ({columns});""",
    ).table("public.d")
    actual = {decl: table.column(f"c{i}").default for i, (decl, _) in enumerate(DEFAULT_CASES)}
    assert actual == dict(DEFAULT_CASES)


def test_defaults_in_another_schema_are_qualified(pg_url: str) -> None:
    schema = read(
        pg_url,
        """CREATE SCHEMA billing; CREATE TYPE billing.state AS ENUM ('open', 'paid');
        CREATE TABLE billing.inv (id serial, s billing.state DEFAULT 'open');""",
    )
    table = schema.table("billing.inv")
    assert table.column("id").default == Default("sequence", "billing.inv_id_seq")
    assert table.column("s").default == Default("literal", "'open'")


# ---------------------------------------------------------------------------
# Serial, identity, generated columns, comments


def test_serial_and_identity_columns(pg_url: str) -> None:
    schema = read(
        pg_url,
        """CREATE TABLE s (id serial PRIMARY KEY, big bigserial, small smallserial);
        CREATE TABLE i (a bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5),
                        b integer GENERATED BY DEFAULT AS IDENTITY);""",
    )
    s = schema.table("public.s")
    assert [(c.type, c.default, c.identity, c.nullable) for c in s.columns] == [
        (SqlType("integer"), Default("sequence", "public.s_id_seq"), None, False),
        (SqlType("bigint"), Default("sequence", "public.s_big_seq"), None, False),
        (SqlType("smallint"), Default("sequence", "public.s_small_seq"), None, False),
    ]
    i = schema.table("public.i")
    assert [(c.type, c.default, c.identity) for c in i.columns] == [
        (SqlType("bigint"), None, Identity("always", 10, 5)),
        (SqlType("integer"), None, Identity("by_default", 1, 1)),
    ]
    # Serial sequences are listed as owned by their column; identity sequences are not listed.
    public = schema.namespace("public")
    assert public.sequences == (
        Sequence("s_big_seq", data_type="bigint", owned_by="s.big"),
        Sequence("s_id_seq", data_type="integer", owned_by="s.id"),
        Sequence("s_small_seq", data_type="smallint", owned_by="s.small"),
    )


def test_generated_stored_column(pg_url: str) -> None:
    table = read(
        pg_url,
        "CREATE TABLE line (price numeric, qty int, total numeric GENERATED ALWAYS AS (price * qty) STORED);",
    ).table("public.line")
    total = table.column("total")
    assert total.generated == "price * qty::numeric"
    assert total.default is None and total.identity is None
    assert table.column("price").generated is None


def test_table_and_column_comments(pg_url: str) -> None:
    table = read(
        pg_url,
        """CREATE TABLE users (id int, email text);
        COMMENT ON TABLE users IS 'people who log in';
        COMMENT ON COLUMN users.email IS 'unique per user, lower case';""",
    ).table("public.users")
    assert table.comment == "people who log in"
    assert table.column("email").comment == "unique per user, lower case"
    assert table.column("id").comment is None


# ---------------------------------------------------------------------------
# Keys and constraints


def test_primary_keys_and_unique_constraints(pg_url: str) -> None:
    schema = read(
        pg_url,
        """CREATE TABLE member (org int, person int, email text, code text, region text,
                                CONSTRAINT member_pk PRIMARY KEY (person, org),
                                CONSTRAINT member_email_unique UNIQUE (email),
                                UNIQUE (region, code));
        CREATE TABLE plain (id int PRIMARY KEY);""",
    )
    member = schema.table("public.member")
    assert member.primary_key == PrimaryKey(("person", "org"), name="member_pk")
    assert member.uniques == (
        UniqueConstraint("member_email_unique", ("email",)),
        UniqueConstraint("member_region_code_key", ("region", "code")),
    )
    # Indexes behind the primary key and unique constraints are not listed again.
    assert member.indexes == ()
    assert schema.table("public.plain").primary_key == PrimaryKey(("id",), name="plain_pkey")


@pytest.mark.parametrize("on_delete", REFERENTIAL_ACTIONS)
def test_foreign_key_actions(pg_url: str, on_delete: str) -> None:
    # Pair every ON DELETE with a different ON UPDATE so both columns are checked for each action.
    on_update = REFERENTIAL_ACTIONS[(REFERENTIAL_ACTIONS.index(on_delete) + 1) % len(REFERENTIAL_ACTIONS)]
    table = read(
        pg_url,
        f"""CREATE TABLE parent (id int PRIMARY KEY);
        CREATE TABLE child (pid int DEFAULT 0,
            CONSTRAINT child_parent_fk FOREIGN KEY (pid) REFERENCES parent (id)
            ON DELETE {on_delete} ON UPDATE {on_update});""",
    ).table("public.child")
    assert table.foreign_keys == (
        ForeignKey("child_parent_fk", ("pid",), "parent", ("id",), "public", on_delete, on_update),
    )


def test_composite_and_cross_schema_foreign_keys(pg_url: str) -> None:
    schema = read(
        pg_url,
        """CREATE SCHEMA billing;
        CREATE TABLE billing.account (region text, num int, PRIMARY KEY (region, num));
        CREATE TABLE public.invoice (id int, acc_num int, acc_region text,
            FOREIGN KEY (acc_region, acc_num) REFERENCES billing.account (region, num));""",
        schemas=("public",),
    )
    # The referenced schema is named even when it is filtered out of the reading.
    assert [ns.name for ns in schema.namespaces] == ["public"]
    assert schema.table("public.invoice").foreign_keys == (
        ForeignKey(
            "invoice_acc_region_acc_num_fkey", ("acc_region", "acc_num"), "account", ("region", "num"), "billing"
        ),
    )


def test_check_constraints_without_their_wrapper(pg_url: str) -> None:
    table = read(
        pg_url,
        """CREATE TABLE orders (qty int CHECK (qty > 0), total numeric, status text,
            CONSTRAINT total_sane CHECK (total >= 0 AND total < 1000000),
            CONSTRAINT status_known CHECK (status IN ('new', 'paid')));
        ALTER TABLE orders ADD CONSTRAINT later CHECK (qty < 100) NOT VALID;""",
    ).table("public.orders")
    assert table.checks == (
        CheckConstraint("later", "qty < 100", not_valid=True),
        CheckConstraint("orders_qty_check", "qty > 0"),
        CheckConstraint("status_known", "status = ANY (ARRAY['new'::text, 'paid'::text])"),
        CheckConstraint("total_sane", "total >= 0::numeric AND total < 1000000::numeric"),
    )


# ---------------------------------------------------------------------------
# Indexes


def test_indexes_of_every_shape(pg_url: str) -> None:
    table = read(
        pg_url,
        """CREATE EXTENSION pg_trgm;
        CREATE TABLE doc (id int PRIMARY KEY, title text, "Body Text" text, attrs jsonb, created timestamptz,
                          score int, owner int);
        CREATE INDEX doc_lower_title ON doc (lower(title));
        CREATE INDEX doc_created_desc ON doc (created DESC NULLS LAST, score NULLS FIRST, id DESC);
        CREATE INDEX doc_attrs_path ON doc USING gin (attrs jsonb_path_ops);
        CREATE INDEX doc_attrs ON doc USING gin (attrs);
        CREATE INDEX doc_title_trgm ON doc USING gin (title gin_trgm_ops);
        CREATE INDEX doc_recent ON doc (created) WHERE score > 10 AND owner IS NOT NULL;
        CREATE INDEX doc_owner_cover ON doc (owner) INCLUDE (title, score);
        CREATE UNIQUE INDEX doc_owner_title ON doc (owner, "Body Text");
        CREATE INDEX doc_hash ON doc USING hash (title);
        CREATE INDEX doc_concat ON doc ((title || '-' || owner::text));""",
    ).table("public.doc")
    assert table.indexes == (
        Index("doc_attrs", (IndexElement("attrs"),), method="gin"),
        Index("doc_attrs_path", (IndexElement("attrs", opclass="jsonb_path_ops"),), method="gin"),
        Index("doc_concat", (IndexElement(expression="(title || '-'::text) || owner::text"),)),
        Index(
            "doc_created_desc",
            (
                IndexElement("created", descending=True, nulls_first=False),
                IndexElement("score", nulls_first=True),
                IndexElement("id", descending=True),
            ),
        ),
        Index("doc_hash", (IndexElement("title"),), method="hash"),
        Index("doc_lower_title", (IndexElement(expression="lower(title)"),)),
        Index("doc_owner_cover", (IndexElement("owner"),), include=("title", "score")),
        Index("doc_owner_title", (IndexElement("owner"), IndexElement("Body Text")), unique=True),
        Index("doc_recent", (IndexElement("created"),), where="score > 10 AND owner IS NOT NULL"),
        Index("doc_title_trgm", (IndexElement("title", opclass="gin_trgm_ops"),), method="gin"),
    )


# ---------------------------------------------------------------------------
# Enums, views, sequences, extensions


def test_enum_values_keep_their_declared_order(pg_url: str) -> None:
    schema = read(
        pg_url,
        """CREATE TYPE size AS ENUM ('small', 'large');
        ALTER TYPE size ADD VALUE 'medium' BEFORE 'large';
        ALTER TYPE size ADD VALUE 'huge';
        CREATE TYPE empty_enum AS ENUM ();
        CREATE SCHEMA billing; CREATE TYPE billing.state AS ENUM ('open', 'paid', 'void');""",
    )
    assert schema.namespace("public").enums == (
        EnumType("empty_enum", ()),
        EnumType("size", ("small", "medium", "large", "huge")),
    )
    assert schema.namespace("billing").enums == (EnumType("state", ("open", "paid", "void")),)


def test_views_and_materialized_views(pg_url: str) -> None:
    schema = read(
        pg_url,
        """CREATE TABLE users (id int, name text, active boolean);
        CREATE VIEW active_users AS SELECT id, name FROM users WHERE active;
        CREATE MATERIALIZED VIEW user_count AS SELECT count(*) AS n FROM users;""",
    )
    with psycopg.connect(pg_url) as conn:
        expected = {
            name: conn.execute("SELECT pg_get_viewdef(%s::regclass, true)", (name,)).fetchone()[0]
            for name in ("active_users", "user_count")
        }
    views = schema.namespace("public").views
    assert [(v.name, v.materialized) for v in views] == [("active_users", False), ("user_count", True)]
    for view in views:
        assert view.definition == expected[view.name].strip().rstrip(";")
        assert not view.definition.endswith(";") and view.definition == view.definition.strip()
    assert re.sub(r"\s+", " ", views[0].definition).startswith("SELECT ")
    assert "FROM users" in views[0].definition and "active" in views[0].definition
    # Views are not tables.
    assert [t.name for t in schema.namespace("public").tables] == ["users"]


def test_standalone_sequences(pg_url: str) -> None:
    schema = read(
        pg_url,
        """CREATE SEQUENCE plain_seq;
        CREATE SEQUENCE custom_seq AS integer START 100 INCREMENT 10 MINVALUE 50 MAXVALUE 5000 CYCLE;
        CREATE SEQUENCE down_seq INCREMENT -1;
        CREATE TABLE t (id int);
        CREATE SEQUENCE t_manual_seq OWNED BY t.id;""",
    )
    assert schema.namespace("public").sequences == (
        Sequence("custom_seq", "integer", start=100, increment=10, min_value=50, max_value=5000, cycle=True),
        Sequence("down_seq", "bigint", start=-1, increment=-1),
        Sequence("plain_seq", "bigint"),
        Sequence("t_manual_seq", "bigint", owned_by="t.id"),
    )


def test_extensions_are_listed_and_plpgsql_is_not(pg_url: str) -> None:
    schema = read(pg_url, "CREATE SCHEMA ext; CREATE EXTENSION citext; CREATE EXTENSION pg_trgm SCHEMA ext;")
    with psycopg.connect(pg_url) as conn:
        versions = dict(conn.execute("SELECT extname, extversion FROM pg_extension").fetchall())
    assert "plpgsql" in versions  # present in the database, left out on purpose
    assert schema.extensions == (
        Extension("citext", "public", versions["citext"]),
        Extension("pg_trgm", "ext", versions["pg_trgm"]),
    )


def test_extension_typed_column_keeps_the_type_name(pg_url: str) -> None:
    table = read(pg_url, "CREATE EXTENSION citext; CREATE TABLE u (email citext);").table("public.u")
    assert table.column("email").type == SqlType("citext")


# ---------------------------------------------------------------------------
# Filters: schemas, bookkeeping, extension members, partitions


SCHEMAS_SQL = """
CREATE SCHEMA billing; CREATE SCHEMA audit;
CREATE TABLE public.users (id int); CREATE TABLE billing.invoices (id int);
"""


def test_default_namespaces_exclude_system_schemas_and_keep_empty_ones(pg_url: str) -> None:
    schema = read(pg_url, SCHEMAS_SQL)
    assert [ns.name for ns in schema.namespaces] == ["audit", "billing", "public"]
    assert schema.namespace("audit").tables == ()


def test_schema_include_and_exclude(pg_url: str) -> None:
    run_sql(pg_url, SCHEMAS_SQL)
    only = read(pg_url, schemas=("billing",))
    assert [(ns.name, [t.name for t in ns.tables]) for ns in only.namespaces] == [("billing", ["invoices"])]
    without = read(pg_url, exclude_schemas=("billing", "audit"))
    assert [ns.name for ns in without.namespaces] == ["public"]
    both = read(pg_url, schemas=("billing", "public"), exclude_schemas=("public",))
    assert [ns.name for ns in both.namespaces] == ["billing"]


def test_system_schema_can_be_asked_for_by_name(pg_url: str) -> None:
    schema = read(pg_url, schemas=("information_schema",))
    assert [ns.name for ns in schema.namespaces] == ["information_schema"]
    assert any(v.name == "tables" for v in schema.namespace("information_schema").views)


def test_unknown_schema_is_bad_input_with_masked_url(pg_url: str) -> None:
    url = with_password(pg_url, "hunter2secret")
    with pytest.raises(BadInput) as err:
        inspect_url(url, InspectOptions(schemas=("public", "nope")))
    message = one_line(err.value)
    assert message == f"unknown schema 'nope' in {masked(url)}"
    assert "postgres:***@" in message and "hunter2secret" not in message


BOOKKEEPING_SQL = """
CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL);
CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
CREATE SCHEMA drizzle;
CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
CREATE TABLE users (id serial PRIMARY KEY);
"""


def test_bookkeeping_tables_are_left_out_unless_asked(pg_url: str) -> None:
    default = read(pg_url, BOOKKEEPING_SQL)
    assert [(ns, t.name) for ns, t in default.tables()] == [("public", "users")]
    # drizzle's schema held only bookkeeping, so it goes with it (and so does its serial sequence).
    assert [ns.name for ns in default.namespaces] == ["public"]
    assert [s.name for s in default.namespace("public").sequences] == ["users_id_seq"]

    everything = read(pg_url, include_bookkeeping=True)
    assert [(ns, t.name) for ns, t in everything.tables()] == [
        ("drizzle", "__drizzle_migrations"),
        ("public", "_prisma_migrations"),
        ("public", "alembic_version"),
        ("public", "users"),
    ]
    assert [s.owned_by for s in everything.namespace("drizzle").sequences] == ["__drizzle_migrations.id"]


def test_asked_for_schema_stays_even_when_only_bookkeeping_was_in_it(pg_url: str) -> None:
    schema = read(pg_url, BOOKKEEPING_SQL, schemas=("drizzle",))
    assert [(ns.name, ns.tables) for ns in schema.namespaces] == [("drizzle", ())]


EXTENSION_MEMBERS_SQL = """
CREATE EXTENSION citext;
CREATE TABLE mine (id int);
CREATE TABLE ext_table (id serial PRIMARY KEY);
CREATE TYPE ext_enum AS ENUM ('a');
CREATE VIEW ext_view AS SELECT 1 AS one;
CREATE SEQUENCE ext_seq;
ALTER EXTENSION citext ADD TABLE ext_table;
ALTER EXTENSION citext ADD SEQUENCE ext_table_id_seq;
ALTER EXTENSION citext ADD TYPE ext_enum;
ALTER EXTENSION citext ADD VIEW ext_view;
ALTER EXTENSION citext ADD SEQUENCE ext_seq;
CREATE SCHEMA ext_schema;
ALTER EXTENSION citext ADD SCHEMA ext_schema;
"""


def test_extension_members_are_left_out_unless_asked(pg_url: str) -> None:
    default = read(pg_url, EXTENSION_MEMBERS_SQL)
    public = default.namespace("public")
    assert [t.name for t in public.tables] == ["mine"]
    assert (public.enums, public.views, public.sequences) == ((), (), ())
    assert [ns.name for ns in default.namespaces] == ["public"]
    assert [e.name for e in default.extensions] == ["citext"]

    everything = read(pg_url, include_extension_objects=True)
    public = everything.namespace("public")
    assert [t.name for t in public.tables] == ["ext_table", "mine"]
    assert [e.name for e in public.enums] == ["ext_enum"]
    assert [v.name for v in public.views] == ["ext_view"]
    assert [s.name for s in public.sequences] == ["ext_seq", "ext_table_id_seq"]
    assert [ns.name for ns in everything.namespaces] == ["ext_schema", "public"]


def test_views_an_extension_creates_are_left_out(pg_url: str) -> None:
    # pg_stat_statements installs two views; reading their definitions needs no preload.
    default = read(pg_url, "CREATE EXTENSION pg_stat_statements;")
    assert default.namespace("public").views == ()
    everything = read(pg_url, include_extension_objects=True)
    assert {v.name for v in everything.namespace("public").views} >= {"pg_stat_statements"}


def test_schema_holding_only_extension_objects_is_left_out(pg_url: str) -> None:
    # Hosted databases keep extensions in a schema of their own ("extensions" on Supabase).
    default = read(pg_url, "CREATE SCHEMA extensions; CREATE EXTENSION pg_stat_statements SCHEMA extensions;")
    assert [ns.name for ns in default.namespaces] == ["public"]
    assert default.extensions == (Extension("pg_stat_statements", "extensions", default.extensions[0].version),)
    everything = read(pg_url, include_extension_objects=True)
    assert [ns.name for ns in everything.namespaces] == ["extensions", "public"]
    asked = read(pg_url, schemas=("extensions",))
    assert [(ns.name, ns.views) for ns in asked.namespaces] == [("extensions", ())]


def test_partitions_are_tables_with_their_parent_and_bound_and_no_inherited_copies(pg_url: str) -> None:
    schema = read(
        pg_url,
        """CREATE TABLE events (id int, at date, region text, CHECK (id > 0), PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
            PARTITION BY RANGE (id);
        CREATE TABLE events_2025_low PARTITION OF events_2025 FOR VALUES FROM (0) TO (1000);
        CREATE TABLE events_rest PARTITION OF events DEFAULT;
        CREATE INDEX events_at ON events (at);
        CREATE INDEX events_2024_region ON events_2024 (region);
        ALTER TABLE events_2024 ADD CONSTRAINT events_2024_region_check CHECK (region <> '');
        CREATE TABLE ref (id int, at date, FOREIGN KEY (id, at) REFERENCES events (id, at));""",
    )
    assert [t.name for t in schema.namespace("public").tables] == [
        "events", "events_2024", "events_2025", "events_2025_low", "events_rest", "ref",
    ]
    events = schema.table("public.events")
    assert events.partition_by == "RANGE (at)" and events.partition_of is None
    assert events.primary_key == PrimaryKey(("id", "at"), name="events_pkey")
    assert events.indexes == (Index("events_at", (IndexElement("at"),)),)
    y2024 = schema.table("public.events_2024")
    assert (y2024.partition_of, y2024.partition_bound) == (
        "public.events", "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
    )
    assert [c.name for c in y2024.columns] == ["id", "at", "region"]
    # What the partition inherits (key, index, check) is its parent's; only its own is listed.
    assert y2024.primary_key is None
    assert [i.name for i in y2024.indexes] == ["events_2024_region"]
    assert [c.name for c in y2024.checks] == ["events_2024_region_check"]
    y2025 = schema.table("public.events_2025")
    assert (y2025.partition_by, y2025.partition_of) == ("RANGE (id)", "public.events")
    low = schema.table("public.events_2025_low")
    assert (low.partition_of, low.partition_bound) == ("public.events_2025", "FOR VALUES FROM (0) TO (1000)")
    assert schema.table("public.events_rest").partition_bound == "DEFAULT"
    # One foreign key, not one per referenced partition.
    assert [fk.name for fk in schema.table("public.ref").foreign_keys] == ["ref_id_at_fkey"]
    assert not any("partition" in note for note in schema.notes)


def test_exclusion_constraints_with_expressions_opclasses_and_predicates(pg_url: str) -> None:
    schema = read(
        pg_url,
        """CREATE EXTENSION btree_gist;
        CREATE TABLE booking (room int, during tsrange, name text, active bool,
            CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (active),
            CONSTRAINT one_name EXCLUDE USING btree (lower(name) WITH =) DEFERRABLE INITIALLY DEFERRED,
            CONSTRAINT by_pattern EXCLUDE (name text_pattern_ops WITH =) INCLUDE (room));
        COMMENT ON CONSTRAINT one_name ON booking IS 'case-insensitive';""",
    )
    booking = schema.table("public.booking")
    assert booking.indexes == ()
    assert booking.exclusions == (
        ExclusionConstraint("by_pattern", (IndexElement("name", opclass="text_pattern_ops"),), ("=",), method="btree",
                            include=("room",)),
        ExclusionConstraint("no_overlap", (IndexElement("room"), IndexElement("during")), ("=", "&&"), where="active"),
        ExclusionConstraint("one_name", (IndexElement(expression="lower(name)"),), ("=",), method="btree",
                            deferrable=True, initially_deferred=True, comment="case-insensitive"),
    )
    assert not any("exclusion" in note for note in schema.notes)


def test_table_options_and_column_collation(pg_url: str) -> None:
    schema = read(
        pg_url,
        """CREATE UNLOGGED TABLE cache (k text COLLATE "C" PRIMARY KEY, v text, w varchar(5) COLLATE "POSIX")
            WITH (fillfactor = 70, autovacuum_enabled = false);
        ALTER TABLE cache ENABLE ROW LEVEL SECURITY;
        ALTER TABLE cache FORCE ROW LEVEL SECURITY;
        ALTER TABLE cache REPLICA IDENTITY USING INDEX cache_pkey;
        CREATE TABLE plain (id int);
        CREATE TABLE everything (id int);
        ALTER TABLE everything REPLICA IDENTITY FULL;""",
    )
    cache = schema.table("public.cache")
    assert (cache.unlogged, cache.row_security, cache.force_row_security) == (True, True, True)
    assert cache.replica_identity == "index cache_pkey"
    assert cache.options == ("autovacuum_enabled=false", "fillfactor=70")
    assert [c.collation for c in cache.columns] == ["C", None, "POSIX"]
    plain = schema.table("public.plain")
    assert (plain.unlogged, plain.row_security, plain.replica_identity, plain.options) == (False, False, None, ())
    assert schema.table("public.everything").replica_identity == "full"


# ---------------------------------------------------------------------------
# A whole schema against its expected snapshot (fixture folders under tests/fixtures/postgres/)


@pytest.mark.parametrize("case", sorted(p.name for p in PG_FIXTURES.iterdir() if p.is_dir()))
def test_fixture_schema_matches_expected_snapshot(pg_url: str, case: str) -> None:
    folder = PG_FIXTURES / case
    schema = read(pg_url, (folder / "schema.sql").read_text())
    expected = from_json((folder / "expected.json").read_text())
    # Extension versions depend on the server build; expected.json leaves them null.
    schema = dataclasses.replace(
        schema, extensions=tuple(dataclasses.replace(e, version=None) for e in schema.extensions)
    )
    assert schema == expected


# ---------------------------------------------------------------------------
# Registry and entry points


def test_registered_for_its_schemes_and_claims_no_paths(pg_url: str) -> None:
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg://"):
        assert sources.resolve(prefix + "u@h/db").name == "postgresql"
    source = sources.resolve("postgresql://u@h/db")
    assert source.claims_path("app.db") is False and source.claims_path("/tmp") is False


def test_every_scheme_reads_the_same_database(pg_url: str) -> None:
    run_sql(pg_url, "CREATE TABLE t (id int PRIMARY KEY);")
    url = with_password(pg_url, "pw123secret")
    rest = url.split("://", 1)[1]
    readings = [sources.load(f"{scheme}://{rest}") for scheme in ("postgresql", "postgres", "postgresql+psycopg")]
    assert readings[0] == readings[1] == readings[2]
    assert readings[2].source == f"postgresql+psycopg://{rest.replace('pw123secret', '***')}"
    assert readings[0].dialect == "postgresql"
    assert readings[0].table("public.t").origin.source == masked(url)


def test_label_and_origins_can_be_overridden(pg_url: str) -> None:
    run_sql(pg_url, "CREATE TYPE e AS ENUM ('x'); CREATE TABLE t (id int); CREATE VIEW v AS SELECT 1 AS one;")
    schema = inspect_url(pg_url, InspectOptions(), source_label="sql:migrations/")
    assert schema.source == "sql:migrations/"
    public = schema.namespace("public")
    origins = [public.table("t").origin, public.table("t").column("id").origin, public.enum("e").origin]
    origins.append(public.view("v").origin)
    assert {o.source for o in origins} == {"sql:migrations/"}
    with psycopg.connect(pg_url) as conn:
        again = inspect_connection(conn, InspectOptions(), "scratch")
    assert again.source == "scratch" and again.table("public.t").origin.source == "scratch"
    assert again == schema


# ---------------------------------------------------------------------------
# Read-only, and the connection left as it was


def test_inspection_runs_read_only_with_a_statement_timeout_and_cannot_write(pg_url: str) -> None:
    run_sql(pg_url, "CREATE TABLE t (id int);")
    seen: list[tuple[str, str]] = []
    write_errors: list[type] = []
    with psycopg.connect(pg_url, autocommit=True) as conn:

        def probe(label: str, done: int, total: int) -> None:
            # Runs between two catalog queries, inside the reader's transaction.
            seen.append(
                (
                    conn.execute("SHOW transaction_read_only").fetchone()[0],
                    conn.execute("SHOW statement_timeout").fetchone()[0],
                )
            )
            if done == 1:
                try:
                    with conn.transaction():
                        conn.execute("INSERT INTO t VALUES (1)")
                except psycopg.errors.ReadOnlySqlTransaction as exc:
                    write_errors.append(type(exc))

        schema = inspect_connection(conn, InspectOptions(progress=probe), "probe")
        assert [t.name for _, t in schema.tables()] == ["t"]
        assert seen and all(read_only == "on" for read_only, _ in seen)
        assert all(timeout not in ("0", "") for _, timeout in seen)
        assert write_errors == [psycopg.errors.ReadOnlySqlTransaction]
        # Afterwards the connection is as it was: autocommit, writable, no timeout, usual search path.
        assert conn.autocommit and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert conn.execute("SHOW transaction_read_only").fetchone()[0] == "off"
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "0"
        assert conn.execute("SHOW search_path").fetchone()[0] == '"$user", public'
        conn.execute("INSERT INTO t VALUES (2)")
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1


def test_inspection_inside_an_open_transaction_sees_it_and_leaves_it_writable(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:  # not autocommit: the caller's transaction stays open
        conn.execute("CREATE TABLE pending (id int)")
        schema = inspect_connection(conn, InspectOptions(), "scratch")
        assert [t.name for _, t in schema.tables()] == ["pending"]
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        # The reader's settings were rolled back with its savepoint, not left in the caller's transaction.
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "0"
        assert conn.execute("SHOW search_path").fetchone()[0] == '"$user", public'
        conn.execute("INSERT INTO pending VALUES (1)")  # still read-write
        conn.commit()
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM pending").fetchone()[0] == 1


def test_catalog_read_failures_are_one_line_errors(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute("SELECT 1/0")
        with pytest.raises(MigratorError) as err:  # the caller's transaction is already aborted
            inspect_connection(conn, InspectOptions(), "scratch")
        assert not isinstance(err.value, (BadInput, ConnectionFailed))
        assert one_line(err.value).startswith("could not read the catalog of scratch: ")
    closed = psycopg.connect(pg_url)
    closed.close()
    with pytest.raises(ConnectionFailed) as err:
        inspect_connection(closed, InspectOptions(), "scratch")
    assert one_line(err.value).startswith("lost the connection to scratch: ")


class CountingCursor(psycopg.Cursor):
    executed = 0

    def execute(self, *args, **kwargs):  # type: ignore[override]
        CountingCursor.executed += 1
        return super().execute(*args, **kwargs)


def count_queries(url: str, tables: int) -> int:
    statements = [
        f"CREATE TABLE t{i} (id serial PRIMARY KEY, ref int REFERENCES t0 (id), note text DEFAULT 'x', "
        f"CHECK (ref > 0), UNIQUE (note)); CREATE INDEX ON t{i} (lower(note));"
        for i in range(tables)
    ]
    run_sql(url, "CREATE TABLE t0 (id int PRIMARY KEY);" + "".join(statements[1:]))
    CountingCursor.executed = 0
    with psycopg.connect(url, autocommit=True, cursor_factory=CountingCursor) as conn:
        schema = inspect_connection(conn, InspectOptions(), "count")
    assert len(schema.tables()) == tables
    return CountingCursor.executed


def test_query_count_does_not_grow_with_the_number_of_tables(pg_cluster: pgcluster.EphemeralCluster) -> None:
    counts = []
    for tables in (5, 50):
        name = f"t_{uuid.uuid4().hex[:12]}"
        run_sql(pg_cluster.url, f'CREATE DATABASE "{name}"')
        try:
            counts.append(count_queries(pg_cluster.url_for(name), tables))
        finally:
            run_sql(pg_cluster.url, f'DROP DATABASE "{name}" WITH (FORCE)')
    assert counts[0] == counts[1]
    # One per object kind, one per kind of options and comments, plus transaction set-up.
    assert counts[0] <= 20


# ---------------------------------------------------------------------------
# Errors: one line, what and where, never the password


def test_connection_refused(pg_cluster: pgcluster.EphemeralCluster) -> None:
    port = pgcluster.free_port()
    url = f"postgresql://app:topsecret@127.0.0.1:{port}/app"
    with pytest.raises(ConnectionFailed) as err:
        inspect_url(url, InspectOptions())
    message = one_line(err.value)
    assert message.startswith(f"could not connect to postgresql://app:***@127.0.0.1:{port}/app: ")
    assert "refused" in message.lower() and "topsecret" not in message


def test_unknown_host() -> None:
    with pytest.raises(ConnectionFailed) as err:
        inspect_url("postgres://app:topsecret@no-such-host.invalid:5432/app", InspectOptions())
    message = one_line(err.value)
    assert message.startswith("could not connect to postgres://app:***@no-such-host.invalid:5432/app: ")
    assert "no-such-host.invalid" in message.split(": ", 1)[1] and "topsecret" not in message


def test_connect_timeout() -> None:
    # A listener that accepts and never answers: libpq waits for the server's reply until the timeout.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        url = f"postgresql://app:topsecret@127.0.0.1:{port}/app?connect_timeout=1"
        with pytest.raises(ConnectionFailed) as err:
            inspect_url(url, InspectOptions())
    message = one_line(err.value)
    assert message.startswith(f"could not connect to postgresql://app:***@127.0.0.1:{port}/app?connect_timeout=1: ")
    assert "timeout" in message and "topsecret" not in message


def test_unknown_database_is_bad_input(pg_cluster: pgcluster.EphemeralCluster) -> None:
    url = with_password(pg_cluster.url_for("does_not_exist"), "topsecret")
    with pytest.raises(BadInput) as err:
        inspect_url(url, InspectOptions())
    message = one_line(err.value)
    assert message == f'database "does_not_exist" does not exist on {masked(url)}'
    assert "topsecret" not in message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://app:topsecret@127.0.0.1:notaport/app",
        "postgresql://app:topsecret@127.0.0.1:5432/app?no_such_option=1",
    ],
)
def test_malformed_url_is_bad_input(url: str) -> None:
    with pytest.raises(BadInput) as err:
        inspect_url(url, InspectOptions())
    message = one_line(err.value)
    assert message.startswith("invalid connection URL postgresql://app:***@127.0.0.1:")
    assert "topsecret" not in message


def test_password_in_query_string_is_masked_too() -> None:
    port = pgcluster.free_port()
    url = f"postgresql://app@127.0.0.1:{port}/app?sslmode=disable&password=qsecret"
    with pytest.raises(ConnectionFailed) as err:
        inspect_url(url, InspectOptions())
    message = one_line(err.value)
    assert "qsecret" not in message and "password=***" in message


@pytest.fixture(scope="module")
def password_cluster(pg_cluster):
    """A server of its own that asks one role for a password (the shared one trusts everybody).

    Depends on pg_cluster so that missing server binaries fail in CI exactly as there."""
    with pgcluster.EphemeralCluster() as cluster:
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute("CREATE ROLE app LOGIN PASSWORD 'p@ss/w:rd secret'")
            conn.execute("CREATE DATABASE appdb OWNER app")
            hba = Path(conn.execute("SHOW hba_file").fetchone()[0])
            hba.write_text("host all app 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
            conn.execute("SELECT pg_reload_conf()")
        yield cluster


def test_wrong_password_is_authentication_failed(password_cluster: pgcluster.EphemeralCluster) -> None:
    base = f"127.0.0.1:{password_cluster.port}/appdb"
    # The right password works, so the failure below is the password's, not the set-up's.
    schema = inspect_url(f"postgresql://app:p%40ss%2Fw%3Ard%20secret@{base}", InspectOptions())
    assert schema.dialect == "postgresql"
    url = f"postgresql://app:wrong%2Fpa%40ss@{base}"
    with pytest.raises(ConnectionFailed) as err:
        inspect_url(url, InspectOptions())
    message = one_line(err.value)
    assert message.startswith(f"authentication failed for postgresql://app:***@{base}: ")
    assert "password authentication failed" in message
    assert "wrong" not in message and "pa%40ss" not in message and "pa@ss" not in message


def test_masked_keeps_the_url_readable() -> None:
    assert masked("postgresql://u:p%40w@h:5432/db?sslmode=require") == "postgresql://u:***@h:5432/db?sslmode=require"
    assert masked("postgresql://u@h/db") == "postgresql://u@h/db"
    assert masked("postgresql://u:pw@h:bad/db") == "postgresql://u:***@h:bad/db"
    assert masked("postgresql://h/db?password=pw&user=u") == "postgresql://h/db?password=***&user=u"


# ---------------------------------------------------------------------------
# Options and comments (issue 12): constraint flags, identity and sequence options,
# view options, materialized views' indexes, comments on every commentable object.


def test_constraint_options_and_comments(pg_url: str) -> None:
    schema = read(pg_url, """
        CREATE SCHEMA app;
        COMMENT ON SCHEMA app IS 'the app';
        CREATE TYPE app.mood AS ENUM ('ok', 'sad');
        COMMENT ON TYPE app.mood IS 'how it feels';
        CREATE TABLE app.p (id integer PRIMARY KEY DEFERRABLE, code text, x integer, y integer,
            CONSTRAINT p_code UNIQUE NULLS NOT DISTINCT (code) DEFERRABLE INITIALLY DEFERRED,
            CONSTRAINT p_xy UNIQUE (x, y), CONSTRAINT p_x UNIQUE (x));
        CREATE TABLE app.c (id integer, a integer, b integer,
            CONSTRAINT c_p FOREIGN KEY (id) REFERENCES app.p (x) DEFERRABLE INITIALLY DEFERRED,
            CONSTRAINT c_full FOREIGN KEY (a, b) REFERENCES app.p (x, y) MATCH FULL,
            CONSTRAINT c_pos CHECK (a > 0) NO INHERIT);
        ALTER TABLE app.c ADD CONSTRAINT c_neg CHECK (b < 0) NOT VALID;
        ALTER TABLE app.c ADD CONSTRAINT c_nv FOREIGN KEY (b) REFERENCES app.p (x) NOT VALID;
        CREATE UNIQUE INDEX c_a ON app.c (a) NULLS NOT DISTINCT;
        COMMENT ON INDEX app.c_a IS 'one a';
        COMMENT ON CONSTRAINT c_pos ON app.c IS 'positive';
        COMMENT ON CONSTRAINT p_pkey ON app.p IS 'the key';
    """)
    app = schema.namespace("app")
    assert app.comment == "the app"
    assert app.enum("mood").comment == "how it feels"
    assert schema.namespace("public").comment is None  # initdb's "standard public schema"
    p, c = app.table("p"), app.table("c")
    assert p.primary_key == PrimaryKey(("id",), "p_pkey", deferrable=True, comment="the key")
    assert UniqueConstraint("p_code", ("code",), nulls_not_distinct=True, deferrable=True, initially_deferred=True) in p.uniques
    assert UniqueConstraint("p_xy", ("x", "y")) in p.uniques
    fks = {fk.name: fk for fk in c.foreign_keys}
    assert (fks["c_p"].deferrable, fks["c_p"].initially_deferred, fks["c_p"].not_valid) == (True, True, False)
    assert fks["c_full"].match_full and not fks["c_full"].deferrable
    assert fks["c_nv"].not_valid
    checks = {ch.name: ch for ch in c.checks}
    assert checks["c_pos"] == CheckConstraint("c_pos", "a > 0", no_inherit=True, comment="positive")
    assert checks["c_neg"] == CheckConstraint("c_neg", "b < 0", not_valid=True)
    idx = c.index("c_a")
    assert idx.nulls_not_distinct and idx.comment == "one a"


def test_identity_sequence_and_view_options(pg_url: str) -> None:
    schema = read(pg_url, """
        CREATE TABLE t (id integer GENERATED ALWAYS AS IDENTITY (MAXVALUE 1000 CACHE 20 CYCLE) PRIMARY KEY,
                        n smallint GENERATED BY DEFAULT AS IDENTITY (INCREMENT -1 MINVALUE -50),
                        m bigint GENERATED BY DEFAULT AS IDENTITY);
        CREATE SEQUENCE s CACHE 5;
        COMMENT ON SEQUENCE s IS 'numbers';
        CREATE SEQUENCE plain;
        CREATE VIEW v WITH (security_barrier=true, check_option=local) AS SELECT id FROM t;
        COMMENT ON VIEW v IS 'a view';
        CREATE MATERIALIZED VIEW mv WITH (fillfactor=70) AS SELECT id, m FROM t;
        CREATE UNIQUE INDEX mv_id ON mv (id);
        CREATE INDEX mv_m ON mv (m DESC) WHERE m > 0;
        COMMENT ON INDEX mv_id IS 'one row per id';
        COMMENT ON MATERIALIZED VIEW mv IS 'cached';
    """)
    public = schema.namespace("public")
    t = public.table("t")
    assert t.column("id").identity == Identity("always", 1, 1, max_value=1000, cache=20, cycle=True)
    assert t.column("n").identity == Identity("by_default", -1, -1, min_value=-50)
    assert t.column("m").identity == Identity("by_default", 1, 1)
    assert public.sequence("s") == Sequence("s", cache=5, comment="numbers")
    assert public.sequence("plain").cache == 1
    v, mv = public.view("v"), public.view("mv")
    assert v.options == ("check_option=local", "security_barrier=true") and v.comment == "a view" and v.indexes == ()
    assert mv.options == ("fillfactor=70",) and mv.comment == "cached"
    assert [i.name for i in mv.indexes] == ["mv_id", "mv_m"]
    assert mv.indexes[0] == Index("mv_id", (IndexElement("id"),), unique=True, comment="one row per id")
    assert mv.indexes[1].elements == (IndexElement("m", descending=True),) and mv.indexes[1].where == "m > 0"


def test_empty_schemas_are_listed(pg_url: str) -> None:
    schema = read(pg_url, "CREATE SCHEMA empty_one; COMMENT ON SCHEMA empty_one IS 'later'")
    assert schema.namespace("empty_one").comment == "later"
    assert schema.namespace("empty_one").tables == ()
