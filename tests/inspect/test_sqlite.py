"""The live SQLite source (`sqlite:///file.db`) against real database files.

Every database here is built with SQL by the sqlite3 module in tmp_path and read back
through the registry, as a user's `migrator inspect sqlite:///app.db` would. Whole-schema
cases are data: tests/fixtures/sqlite/<case>/schema.sql and the expected.json snapshot
(fields left out of it take the model's defaults).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from migrator import inspect as sources
from migrator.errors import BadInput
from migrator.inspect import InspectOptions
from migrator.inspect import sqlite as reader
from migrator.schema import (
    CheckConstraint,
    Column,
    Default,
    ForeignKey,
    Identity,
    Index,
    IndexElement,
    Origin,
    PrimaryKey,
    Schema,
    SqlType,
    Table,
    UniqueConstraint,
    View,
    from_json,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sqlite"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "schema.sql").exists())


def build(tmp_path: Path, sql: str, name: str = "t.db") -> Path:
    path = tmp_path / name
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()
    return path


def read(path: Path, **options) -> Schema:
    return sources.load(f"sqlite:///{path}", InspectOptions(**options))


def table(tmp_path: Path, sql: str, name: str = "t") -> Table:
    return read(build(tmp_path, sql)).table(name)


# ---------------------------------------------------------------------------
# Whole schemas as data


@pytest.mark.parametrize("case", CASES)
def test_fixture_schema_matches_expected_snapshot(tmp_path: Path, case: str) -> None:
    db = build(tmp_path, (FIXTURES / case / "schema.sql").read_text())
    expected = from_json((FIXTURES / case / "expected.json").read_text())
    schema = read(db)
    assert schema == expected.canonical()
    # Notes are metadata (not compared by ==); the fixtures list them so they are checked too.
    expected_notes = (FIXTURES / case / "notes.txt")
    notes = expected_notes.read_text().splitlines() if expected_notes.exists() else []
    assert list(schema.notes) == notes


# ---------------------------------------------------------------------------
# Columns: types, nullability, defaults


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("INT", SqlType("integer")),
        ("INTEGER", SqlType("integer")),
        ("integer", SqlType("integer")),
        ("BIGINT", SqlType("bigint")),
        ("VARCHAR(255)", SqlType("varchar", length=255)),
        ("NVARCHAR", SqlType("varchar")),
        ("NVARCHAR(40)", SqlType("varchar", length=40)),
        ("CHAR(3)", SqlType("char", length=3)),
        ("TEXT", SqlType("text")),
        ("CLOB", SqlType("text")),
        ("REAL", SqlType("double")),  # SQLite's REAL is an 8-byte float
        ("DOUBLE", SqlType("double")),
        ("DOUBLE PRECISION", SqlType("double")),
        ("FLOAT", SqlType("double")),
        ("NUMERIC(10,2)", SqlType("numeric", precision=10, scale=2)),
        ("NUMERIC( 10 , 2 )", SqlType("numeric", precision=10, scale=2)),
        ("DECIMAL", SqlType("numeric")),
        ("BOOLEAN", SqlType("boolean")),
        ("DATE", SqlType("date")),
        ("DATETIME", SqlType("timestamp")),
        ("TIMESTAMP", SqlType("timestamp")),
        ("BLOB", SqlType("bytes")),
        ("", SqlType("any")),  # no declared type: BLOB affinity, any value
        ("JSON", SqlType("json")),
        ("UUID", SqlType("uuid")),
        ("geometry", SqlType("geometry")),  # unknown names are kept, lower-cased
    ],
)
def test_declared_types(tmp_path: Path, declared: str, expected: SqlType) -> None:
    assert table(tmp_path, f"CREATE TABLE t (x {declared});").column("x").type == expected


def test_strict_table_types_and_any(tmp_path: Path) -> None:
    t = table(tmp_path, "CREATE TABLE t (i INT, r REAL, s TEXT, b BLOB, a ANY, n INTEGER NOT NULL) STRICT;")
    assert [(c.name, c.type.name, c.nullable) for c in t.columns] == [
        ("i", "integer", True),
        ("r", "double", True),
        ("s", "text", True),
        ("b", "bytes", True),
        ("a", "any", True),
        ("n", "integer", False),
    ]


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("", None),
        ("DEFAULT 0", Default("literal", "0")),
        ("DEFAULT 42", Default("literal", "42")),
        ("DEFAULT -1", Default("literal", "-1")),
        ("DEFAULT -2.5", Default("literal", "-2.5")),
        ("DEFAULT +3", Default("literal", "3")),
        ("DEFAULT 1.5e3", Default("literal", "1.5e3")),
        ("DEFAULT 'draft'", Default("literal", "'draft'")),
        ("DEFAULT 'it''s'", Default("literal", "'it''s'")),
        ("DEFAULT 'say \"hi\"'", Default("literal", "'say \"hi\"'")),
        ("DEFAULT ''", Default("literal", "''")),
        ("DEFAULT NULL", Default("literal", "NULL")),
        ("DEFAULT TRUE", Default("literal", "true")),
        ("DEFAULT false", Default("literal", "false")),
        ("DEFAULT CURRENT_TIMESTAMP", Default("current_timestamp", "CURRENT_TIMESTAMP")),
        ("DEFAULT current_timestamp", Default("current_timestamp", "CURRENT_TIMESTAMP")),
        ("DEFAULT (datetime('now'))", Default("current_timestamp", "CURRENT_TIMESTAMP")),
        ("DEFAULT (DATETIME('now'))", Default("current_timestamp", "CURRENT_TIMESTAMP")),
        ("DEFAULT (strftime('%s','now'))", Default("current_timestamp", "CURRENT_TIMESTAMP")),
        ("DEFAULT CURRENT_DATE", Default("expression", "CURRENT_DATE")),
        ("DEFAULT (1 + 2)", Default("expression", "1 + 2")),
        ("DEFAULT (lower('X'))", Default("expression", "lower('X')")),
        ("DEFAULT (-1)", Default("literal", "-1")),
        ("DEFAULT ('x')", Default("literal", "'x'")),
        ("DEFAULT X'00FF'", Default("expression", "X'00FF'")),  # blob literals are kept as written
        ("NOT NULL DEFAULT 'a' COLLATE NOCASE", Default("literal", "'a'")),
    ],
)
def test_defaults(tmp_path: Path, clause: str, expected: Default | None) -> None:
    assert table(tmp_path, f"CREATE TABLE t (x TEXT {clause});").column("x").default == expected


def test_nullability_follows_what_sqlite_enforces(tmp_path: Path) -> None:
    t = table(
        tmp_path,
        """CREATE TABLE t (a TEXT NOT NULL, b TEXT NULL, c TEXT, d TEXT CONSTRAINT d_nn NOT NULL ON CONFLICT IGNORE);""",
    )
    assert [(c.name, c.nullable) for c in t.columns] == [("a", False), ("b", True), ("c", True), ("d", False)]
    # A non-INTEGER primary key of a rowid table really accepts NULL in SQLite.
    assert table(tmp_path, "CREATE TABLE p (k TEXT PRIMARY KEY);", "p").column("k").nullable


# ---------------------------------------------------------------------------
# Primary keys and the rowid


@pytest.mark.parametrize(
    ("body", "identity", "nullable", "pk"),
    [
        ("id INTEGER PRIMARY KEY, v TEXT", Identity("rowid"), False, ("id",)),
        ("id integer primary key, v TEXT", Identity("rowid"), False, ("id",)),
        ("id INTEGER PRIMARY KEY ASC, v TEXT", Identity("rowid"), False, ("id",)),
        ("id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT", Identity("autoincrement"), False, ("id",)),
        ("id INTEGER PRIMARY KEY ON CONFLICT REPLACE AUTOINCREMENT, v TEXT", Identity("autoincrement"), False, ("id",)),
        ("id INTEGER, v TEXT, PRIMARY KEY (id)", Identity("rowid"), False, ("id",)),
        ("id INTEGER, v TEXT, PRIMARY KEY (id DESC)", Identity("rowid"), False, ("id",)),
        ("id INTEGER, v TEXT, PRIMARY KEY (id AUTOINCREMENT)", Identity("autoincrement"), False, ("id",)),
        # SQLite's documented quirk: a column-level INTEGER PRIMARY KEY DESC is not the rowid.
        ("id INTEGER PRIMARY KEY DESC, v TEXT", None, True, ("id",)),
        ("id INT PRIMARY KEY, v TEXT", None, True, ("id",)),
        ("id BIGINT PRIMARY KEY, v TEXT", None, True, ("id",)),
        ("id INTEGER NOT NULL, v TEXT, PRIMARY KEY (id, v)", None, False, ("id", "v")),
        # The word in a string, a comment or a quoted name is not the keyword.
        ("v TEXT DEFAULT 'AUTOINCREMENT', id INTEGER PRIMARY KEY", Identity("rowid"), False, ("id",)),
        ("id INTEGER PRIMARY KEY /* AUTOINCREMENT */, v TEXT", Identity("rowid"), False, ("id",)),
        ("id INTEGER PRIMARY KEY, \"AUTOINCREMENT\" TEXT, v TEXT", Identity("rowid"), False, ("id",)),
        ("id INTEGER PRIMARY KEY, v TEXT CHECK (v <> 'x AUTOINCREMENT')", Identity("rowid"), False, ("id",)),
    ],
)
def test_rowid_alias_and_autoincrement(tmp_path: Path, body: str, identity, nullable: bool, pk) -> None:
    t = table(tmp_path, f"CREATE TABLE t ({body});")
    assert t.column("id").identity == identity
    assert t.column("id").nullable is nullable
    assert t.primary_key == PrimaryKey(pk)
    assert t.column("v").identity is None


def test_without_rowid_and_composite_primary_keys(tmp_path: Path) -> None:
    db = build(
        tmp_path,
        """
        CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
        CREATE TABLE wr (id INTEGER PRIMARY KEY, v TEXT) WITHOUT ROWID;
        CREATE TABLE pair (x TEXT, y INT, CONSTRAINT pair_pk PRIMARY KEY (y, x));
        CREATE TABLE pair_wr (x TEXT, y INT, PRIMARY KEY (y DESC, x)) STRICT, WITHOUT ROWID;
        """,
    )
    s = read(db)
    kv, wr, pair, pair_wr = (s.table(n) for n in ("kv", "wr", "pair", "pair_wr"))
    assert kv.primary_key == PrimaryKey(("k",)) and not kv.column("k").nullable
    # INTEGER PRIMARY KEY of a WITHOUT ROWID table is an ordinary column.
    assert wr.column("id").identity is None and not wr.column("id").nullable
    assert pair.primary_key == PrimaryKey(("y", "x"), "pair_pk")
    assert pair.column("y").identity is None and pair.column("x").nullable  # rowid table: NULL allowed
    assert pair_wr.primary_key == PrimaryKey(("y", "x"))
    assert [c.nullable for c in pair_wr.columns] == [False, False]
    for t in (kv, wr, pair, pair_wr):  # the index behind a primary key is not an index of the model
        assert t.indexes == () and t.uniques == ()


# ---------------------------------------------------------------------------
# Unique constraints and indexes


def test_unique_constraints_named_unnamed_composite(tmp_path: Path) -> None:
    t = table(
        tmp_path,
        """
        CREATE TABLE t (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            handle TEXT CONSTRAINT t_handle_key UNIQUE,
            a INT, b INT, c INT, d INT,
            CONSTRAINT t_ab_key UNIQUE (a, b),
            UNIQUE (D, c) ON CONFLICT REPLACE
        );
        """,
    )
    assert sorted(t.uniques, key=lambda u: u.columns) == [
        UniqueConstraint("t_ab_key", ("a", "b")),
        UniqueConstraint(None, ("d", "c")),  # column names as the table spells them, in key order
        UniqueConstraint(None, ("email",)),
        UniqueConstraint("t_handle_key", ("handle",)),
    ]
    assert t.indexes == ()  # the indexes behind UNIQUE constraints are not listed again


def test_two_unique_constraints_on_the_same_columns_keep_their_names(tmp_path: Path) -> None:
    t = table(tmp_path, "CREATE TABLE t (a INT, b INT, CONSTRAINT first UNIQUE (a, b), CONSTRAINT second UNIQUE (a, b));")
    # SQLite keeps one index per distinct column list, so the second constraint has no index of its own.
    assert [u.name for u in t.uniques] == ["first"]


@pytest.mark.parametrize(
    ("create", "expected"),
    [
        ("CREATE INDEX i ON t (a)", Index("i", (IndexElement("a"),))),
        ("CREATE INDEX i ON t (a, b DESC)", Index("i", (IndexElement("a"), IndexElement("b", descending=True)))),
        ("CREATE INDEX i ON t (b COLLATE NOCASE ASC)", Index("i", (IndexElement("b"),))),
        ("CREATE UNIQUE INDEX i ON t (b, a)", Index("i", (IndexElement("b"), IndexElement("a")), unique=True)),
        ("CREATE INDEX i ON t (lower(b))", Index("i", (IndexElement(expression="lower(b)"),))),
        ("CREATE INDEX i ON t ((a + 1) DESC)", Index("i", (IndexElement(expression="a + 1", descending=True),))),
        (
            "CREATE INDEX i ON t (a, substr(b, 1, 3) COLLATE NOCASE DESC, c)",
            Index("i", (IndexElement("a"), IndexElement(expression="substr(b, 1, 3)", descending=True), IndexElement("c"))),
        ),
        ("CREATE INDEX i ON t ((a))", Index("i", (IndexElement("a"),))),  # SQLite reads (a) as the column
        ("CREATE INDEX i ON t (a) WHERE b IS NOT NULL", Index("i", (IndexElement("a"),), where="b IS NOT NULL")),
        (
            "CREATE UNIQUE INDEX i ON t (lower(b)) WHERE c > 0 AND b <> 'x)'",
            Index("i", (IndexElement(expression="lower(b)"),), unique=True, where="c > 0 AND b <> 'x)'"),
        ),
        ("CREATE INDEX IF NOT EXISTS \"odd (name)\" ON \"t\" (\"a\")", Index("odd (name)", (IndexElement("a"),))),
    ],
)
def test_indexes(tmp_path: Path, create: str, expected: Index) -> None:
    t = table(tmp_path, f"CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, b TEXT, c INT); {create};")
    assert t.indexes == (expected,)
    assert t.uniques == ()


# ---------------------------------------------------------------------------
# Foreign keys


def test_foreign_keys_with_actions_names_and_implicit_parent_keys(tmp_path: Path) -> None:
    db = build(
        tmp_path,
        """
        CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
        CREATE TABLE pair (x TEXT, y INT, PRIMARY KEY (y, x));
        CREATE TABLE child (
            id INTEGER PRIMARY KEY,
            parent_id INTEGER REFERENCES parent ON DELETE CASCADE,
            code TEXT CONSTRAINT child_code_fk REFERENCES parent(code) ON UPDATE SET NULL ON DELETE SET DEFAULT,
            px TEXT, py INT,
            other INT CONSTRAINT other_fk REFERENCES Parent(ID) ON DELETE RESTRICT ON UPDATE NO ACTION
                DEFERRABLE INITIALLY DEFERRED,
            CONSTRAINT child_pair_fk FOREIGN KEY (py, px) REFERENCES pair
        );
        """,
    )
    t = read(db).table("child")
    assert sorted(t.foreign_keys, key=lambda f: f.columns) == [
        ForeignKey("child_code_fk", ("code",), "parent", ("code",), on_delete="SET DEFAULT", on_update="SET NULL"),
        # Written Parent(ID): given as the parent spells its names.
        ForeignKey("other_fk", ("other",), "parent", ("id",), on_delete="RESTRICT"),
        ForeignKey(None, ("parent_id",), "parent", ("id",), on_delete="CASCADE"),
        # No parent columns named: the parent's primary key, in its order.
        ForeignKey("child_pair_fk", ("py", "px"), "pair", ("y", "x")),
    ]
    assert all(fk.ref_schema is None for fk in t.foreign_keys)


def test_foreign_key_names_match_declarations_when_columns_repeat(tmp_path: Path) -> None:
    t = table(
        tmp_path,
        """
        CREATE TABLE a (id INTEGER PRIMARY KEY);
        CREATE TABLE b (id INTEGER PRIMARY KEY);
        CREATE TABLE t (
            x INTEGER,
            CONSTRAINT x_to_a FOREIGN KEY (x) REFERENCES a (id),
            CONSTRAINT x_to_b FOREIGN KEY (x) REFERENCES b (id) ON DELETE CASCADE
        );
        """,
    )
    assert sorted((fk.name, fk.ref_table, fk.on_delete) for fk in t.foreign_keys) == [
        ("x_to_a", "a", "NO ACTION"),
        ("x_to_b", "b", "CASCADE"),
    ]


def test_foreign_key_to_a_table_without_primary_key_is_noted(tmp_path: Path) -> None:
    db = build(
        tmp_path,
        """
        CREATE TABLE loose (v TEXT);
        CREATE TABLE t (x TEXT REFERENCES loose, y TEXT REFERENCES nowhere (id));
        """,
    )
    s = read(db)
    assert sorted(s.table("t").foreign_keys, key=lambda f: f.columns) == [
        ForeignKey(None, ("x",), "loose", ()),
        ForeignKey(None, ("y",), "nowhere", ("id",)),  # SQLite allows a parent that does not exist (yet)
    ]
    assert "t(x) references loose without naming columns, and loose has no primary key" in " ".join(s.notes)


# ---------------------------------------------------------------------------
# CHECK constraints and generated columns


def test_checks_named_and_unnamed_column_and_table_level(tmp_path: Path) -> None:
    t = table(
        tmp_path,
        """
        CREATE TABLE t (
            qty INT CHECK (qty >= 0),
            price NUMERIC CONSTRAINT price_nn NOT NULL CONSTRAINT price_positive CHECK (price > 0),
            code TEXT CONSTRAINT code_named DEFAULT 'a,b' CHECK (code IN ('a,b', 'c)')),
            lo INT, hi INT,
            CONSTRAINT range_ok CHECK (lo <= hi)
            CHECK (hi < 100),
            CHECK ((lo + hi) % 2 = 0)
        );
        """,
    )
    assert sorted(t.checks, key=lambda c: c.expression) == [
        CheckConstraint(None, "(lo + hi) % 2 = 0"),
        # A name only applies to the constraint right after it (DEFAULT here), not to the CHECK.
        CheckConstraint(None, "code IN ('a,b', 'c)')"),
        CheckConstraint(None, "hi < 100"),
        CheckConstraint("range_ok", "lo <= hi"),
        CheckConstraint("price_positive", "price > 0"),
        CheckConstraint(None, "qty >= 0"),
    ]
    assert t.column("code").default == Default("literal", "'a,b'")


def test_generated_columns_virtual_and_stored(tmp_path: Path) -> None:
    db = build(
        tmp_path,
        """
        CREATE TABLE t (
            qty INT,
            price NUMERIC(10,2),
            total NUMERIC(10,2) GENERATED ALWAYS AS (qty * price) STORED,
            label TEXT AS (upper('n:' || qty)),
            half GENERATED ALWAYS AS (qty / 2) VIRTUAL NOT NULL,
            note TEXT
        );
        """,
    )
    s = read(db)
    t = s.table("t")
    assert [(c.name, c.type, c.generated, c.nullable) for c in t.columns] == [
        ("qty", SqlType("integer"), None, True),
        ("price", SqlType("numeric", precision=10, scale=2), None, True),
        ("total", SqlType("numeric", precision=10, scale=2), "qty * price", True),
        ("label", SqlType("text"), "upper('n:' || qty)", True),
        ("half", SqlType("any"), "qty / 2", False),
        ("note", SqlType("text"), None, True),
    ]
    assert all(c.default is None for c in t.columns)
    assert "VIRTUAL generated columns are recorded like STORED ones (the model has no flag for it): t.label, t.half" in s.notes


# ---------------------------------------------------------------------------
# Views, what is left out, names


def test_views(tmp_path: Path) -> None:
    db = build(
        tmp_path,
        """
        CREATE TABLE orders (id INTEGER PRIMARY KEY, total NUMERIC);
        CREATE VIEW big_orders AS SELECT id FROM orders WHERE total > 100;
        CREATE VIEW IF NOT EXISTS "Order Totals" (n, s) AS
            SELECT count(*) AS n, sum(total) AS s FROM orders;
        """,
    )
    ns = read(db).namespace("main")
    assert ns.views == (
        View("Order Totals", "SELECT count(*) AS n, sum(total) AS s FROM orders"),
        View("big_orders", "SELECT id FROM orders WHERE total > 100"),
    )
    assert [t.name for t in ns.tables] == ["orders"]
    assert ns.enums == () and ns.sequences == ()


def test_bookkeeping_and_internal_tables(tmp_path: Path) -> None:
    db = build(
        tmp_path,
        """
        CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, n INT);
        CREATE INDEX orders_n ON orders (n);
        ANALYZE;
        CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
        CREATE TABLE _prisma_migrations (id TEXT PRIMARY KEY);
        CREATE TABLE __drizzle_migrations (id INTEGER PRIMARY KEY, hash TEXT NOT NULL);
        INSERT INTO orders (n) VALUES (1);
        """,
    )
    names = {n for (n,) in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"sqlite_sequence", "sqlite_stat1"} <= names  # the internal tables really exist
    assert [t.name for _, t in read(db).tables()] == ["orders"]
    kept = read(db, include_bookkeeping=True)
    assert [t.name for _, t in kept.tables()] == ["__drizzle_migrations", "_prisma_migrations", "alembic_version", "orders"]
    assert kept.table("alembic_version").primary_key == PrimaryKey(("version_num",))


def test_virtual_tables_shadow_tables_and_triggers_are_left_out_with_notes(tmp_path: Path) -> None:
    db = build(
        tmp_path,
        """
        CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);
        CREATE VIRTUAL TABLE posts_fts USING fts5(title);
        CREATE TRIGGER posts_ai AFTER INSERT ON posts BEGIN
            INSERT INTO posts_fts (rowid, title) VALUES (new.id, new.title);
        END;
        """,
    )
    s = read(db)
    assert [t.name for _, t in s.tables()] == ["posts"]
    assert s.notes == (
        "virtual tables are not inspected: posts_fts (USING fts5); their shadow tables are left out too: "
        "posts_fts_config, posts_fts_content, posts_fts_data, posts_fts_docsize, posts_fts_idx",
        "triggers are not part of the schema model and were not read: posts_ai",
    )


def test_virtual_table_of_a_module_this_sqlite_lacks_does_not_stop_inspection(tmp_path: Path) -> None:
    db = build(tmp_path, "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    conn = sqlite3.connect(db)
    # What a spatialite or custom-module database looks like to an SQLite without the module.
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) "
        "VALUES ('table', 'geo', 'geo', 0, 'CREATE VIRTUAL TABLE geo USING no_such_module(x)')"
    )
    conn.commit()
    conn.close()
    s = read(db)
    assert [t.name for _, t in s.tables()] == ["t"]
    assert s.notes == ("virtual tables are not inspected: geo (USING no_such_module)",)


def test_quoted_and_unusual_identifiers(tmp_path: Path) -> None:
    t = table(
        tmp_path,
        """
        CREATE TABLE "Order Items" (
            "Item Id" INTEGER PRIMARY KEY,
            [select] TEXT CONSTRAINT "odd ""name"" check" CHECK ([select] <> ''),
            `größe` INT CONSTRAINT "u,1" UNIQUE,
            'quoted' TEXT
        );
        """,
        "Order Items",
    )
    assert [c.name for c in t.columns] == ["Item Id", "select", "größe", "quoted"]
    assert t.column("Item Id").identity == Identity("rowid")
    assert t.checks == (CheckConstraint('odd "name" check', "[select] <> ''"),)
    assert t.uniques == (UniqueConstraint("u,1", ("größe",)),)


def test_every_object_has_the_source_as_origin(tmp_path: Path) -> None:
    db = build(tmp_path, "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT UNIQUE CHECK (a > 0)); CREATE INDEX t_a ON t (a DESC);"
                         "CREATE VIEW v AS SELECT 1;")
    s = read(db)
    origin = Origin(source=f"sqlite:///{db}")
    t = s.table("t")
    objects = [t, *t.columns, t.primary_key, *t.uniques, *t.indexes, *t.checks, *s.namespace("main").views]
    assert [o.origin for o in objects] == [origin] * len(objects)
    assert s.source == f"sqlite:///{db}" and s.dialect == "sqlite"
    assert [ns.name for ns in s.namespaces] == ["main"]


def test_namespace_filter(tmp_path: Path) -> None:
    db = build(tmp_path, "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    assert read(db, schemas=("main",)).tables()[0][1].name == "t"
    assert read(db, schemas=("public",)).namespaces == ()
    assert read(db, exclude_schemas=("main",)).namespaces == ()


def test_progress_is_reported(tmp_path: Path) -> None:
    db = build(tmp_path, "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    calls = []
    read(db, progress=lambda label, done, total: calls.append((done, total)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


# ---------------------------------------------------------------------------
# inspect_connection, the entry point for other sources


def test_inspect_connection_reads_an_in_memory_database_and_ignores_temp_tables() -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        """
        CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE INDEX t_name ON t (name);
        CREATE TEMP TABLE t (other BLOB);  -- shadows main.t for unqualified names
        CREATE TEMP TABLE scratch (x);
        """
    )
    s = reader.inspect_connection(conn, InspectOptions(), "sql:schema.sql")
    assert s.source == "sql:schema.sql"
    assert s.tables() == [
        (
            "main",
            Table(
                "t",
                columns=(
                    Column("id", SqlType("integer"), nullable=False, identity=Identity("rowid")),
                    Column("name", SqlType("text"), nullable=False),
                ),
                primary_key=PrimaryKey(("id",)),
                indexes=(Index("t_name", (IndexElement("name"),)),),
            ),
        )
    ]
    conn.execute("INSERT INTO main.t (name) VALUES ('still usable')")  # the caller's connection is left open


def test_inspect_connection_turns_sqlite_errors_into_one_line_bad_input(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00garbage" * 200)
    conn = sqlite3.connect(junk)
    try:
        with pytest.raises(BadInput) as info:
            reader.inspect_connection(conn, InspectOptions(), "label")
    finally:
        conn.close()
    assert str(info.value) == "label: file is not a SQLite database"


# ---------------------------------------------------------------------------
# Read-only, paths, errors


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_inspection_never_modifies_the_database(tmp_path: Path, journal: str) -> None:
    db = build(tmp_path, f"PRAGMA journal_mode = {journal}; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);")
    assert sorted(os.listdir(tmp_path)) == ["t.db"]
    os.utime(db, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = (db.read_bytes(), os.stat(db).st_mtime_ns)
    read(db)
    assert (db.read_bytes(), os.stat(db).st_mtime_ns) == before
    assert sorted(os.listdir(tmp_path)) == ["t.db"]  # no -journal, -wal or -shm left behind


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_the_connection_refuses_writes(tmp_path: Path, journal: str) -> None:
    db = build(tmp_path, f"PRAGMA journal_mode = {journal}; CREATE TABLE t (id INTEGER PRIMARY KEY);")
    conn = reader.open_read_only(f"sqlite:///{db}")
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO t (id) VALUES (1)")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("CREATE TABLE sneaky (x)")
    finally:
        conn.close()
    assert [r for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master")] == [("t",)]


def test_reading_a_wal_database_while_a_writer_has_it_open(tmp_path: Path) -> None:
    db = build(tmp_path, "PRAGMA journal_mode = wal; CREATE TABLE t (id INTEGER PRIMARY KEY);")
    writer = sqlite3.connect(db)
    try:
        writer.execute("CREATE TABLE u (id INTEGER PRIMARY KEY)")
        writer.commit()  # in the -wal file, not yet in the database file
        assert (tmp_path / "t.db-wal").exists()
        assert [t.name for _, t in read(db).tables()] == ["t", "u"]
    finally:
        writer.close()


@pytest.mark.parametrize(
    "form",
    ["sqlite:///{rel}", "sqlite:///{sub}", "sqlite:///{abs}", "sqlite:{rel}", "{rel}", "{abs}", "sqlite:///{rel}?mode=rwc"],
)
def test_relative_and_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    (tmp_path / "data").mkdir()
    build(tmp_path / "data", "CREATE TABLE t (id INTEGER PRIMARY KEY);", "app.db")
    monkeypatch.chdir(tmp_path)
    spec = form.format(rel="data/app.db", sub="./data/../data/app.db", abs=str(tmp_path / "data" / "app.db"))
    schema = sources.load(spec)
    assert [t.name for _, t in schema.tables()] == ["t"]
    assert schema.source == spec
    assert sorted(os.listdir(tmp_path / "data")) == ["app.db"]


def test_sqlalchemy_style_four_slashes_is_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(tmp_path, "CREATE TABLE at_abs (id INTEGER PRIMARY KEY);", "app.db")
    elsewhere = tmp_path / "elsewhere" / str(tmp_path).lstrip("/")
    elsewhere.mkdir(parents=True)
    build(elsewhere, "CREATE TABLE at_rel (id INTEGER PRIMARY KEY);", "app.db")
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert reader.database_path(f"sqlite:///{tmp_path}/app.db") == f"{tmp_path}/app.db"
    assert [t.name for _, t in sources.load(f"sqlite:///{tmp_path}/app.db").tables()] == ["at_abs"]
    relative = f"sqlite:///{str(tmp_path).lstrip('/')}/app.db"
    assert [t.name for _, t in sources.load(relative).tables()] == ["at_rel"]


def test_file_names_that_need_escaping_in_a_uri(tmp_path: Path) -> None:
    db = build(tmp_path, "CREATE TABLE t (id INTEGER PRIMARY KEY);", "my db #1 %20.sqlite")
    assert [t.name for _, t in read(db).tables()] == ["t"]
    odd = build(tmp_path, "CREATE TABLE u (id INTEGER PRIMARY KEY);", "what?.db")
    assert [t.name for _, t in sources.load(str(odd)).tables()] == ["u"]  # a bare path has no query
    assert sorted(os.listdir(tmp_path)) == ["my db #1 %20.sqlite", "what?.db"]


def test_claims_path(tmp_path: Path) -> None:
    source = sources.resolve("sqlite:///x.db")
    assert source.name == "sqlite" and source.schemes == ("sqlite:///", "sqlite://", "sqlite:")
    plain = build(tmp_path, "CREATE TABLE t (a);", "data.bin")  # no suffix: found by its header
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty.sqlite3").write_bytes(b"")
    assert source.claims_path(str(plain))
    assert source.claims_path(str(tmp_path / "empty.sqlite3"))
    assert not source.claims_path(str(tmp_path / "notes.txt"))
    assert not source.claims_path(str(tmp_path / "missing.db"))
    assert not source.claims_path(str(tmp_path))
    assert sources.resolve(str(plain)) is source
    assert [t.name for _, t in sources.load(str(plain)).tables()] == ["t"]


def test_an_empty_file_is_an_empty_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")  # SQLite treats a zero-length file as a database with nothing in it
    assert read(empty).tables() == []
    assert empty.read_bytes() == b""


def test_missing_file_is_bad_input_and_is_not_created(tmp_path: Path) -> None:
    spec = f"sqlite:///{tmp_path}/missing.db"
    with pytest.raises(BadInput) as info:
        sources.load(spec)
    assert str(info.value) == f"{spec}: no such SQLite database"
    assert info.value.exit_code == 2
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("content", "name"),
    [
        ("this is not a database, just text " * 20, "junk.db"),
        ("SQLite format 3", "short.sqlite"),  # looks right but is too short to be a database
        ("x" * 4096, "junk.sqlite3"),
    ],
)
def test_non_database_file_is_bad_input(tmp_path: Path, content: str, name: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    spec = f"sqlite:///{path}"
    with pytest.raises(BadInput) as info:
        sources.load(spec)
    assert str(info.value) == f"{spec}: file is not a SQLite database"
    assert path.read_text() == content


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("sqlite://", "sqlite://: an in-memory database has nothing to inspect; give the path of a SQLite file"),
        ("sqlite:///:memory:", "sqlite:///:memory:: an in-memory database has nothing to inspect; give the path of a SQLite file"),
        ("sqlite:///{dir}", "sqlite:///{dir}: is a folder, not a SQLite database"),
    ],
)
def test_other_bad_specs(tmp_path: Path, spec: str, message: str) -> None:
    spec = spec.format(dir=tmp_path)
    with pytest.raises(BadInput) as info:
        sources.load(spec)
    assert str(info.value) == message.format(dir=tmp_path)
    assert "\n" not in str(info.value)
