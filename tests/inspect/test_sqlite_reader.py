"""The live SQLite source against real database files: every object kind, read-only, errors."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from migrator import inspect as sources
from migrator.errors import BadInput
from migrator.inspect import InspectOptions
from migrator.schema import (
    CheckConstraint,
    Default,
    ForeignKey,
    Identity,
    Index,
    IndexElement,
    PrimaryKey,
    SqlType,
    UniqueConstraint,
)


def build(tmp_path: Path, sql: str, name: str = "t.db") -> Path:
    path = tmp_path / name
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()
    return path


def load(path: Path, **options):
    return sources.load(f"sqlite:///{path}", InspectOptions(**options))


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("INT", SqlType("integer")),
        ("INTEGER", SqlType("integer")),
        ("BIGINT", SqlType("bigint")),
        ("VARCHAR(255)", SqlType("varchar", length=255)),
        ("NVARCHAR(40)", SqlType("varchar", length=40)),
        ("CHAR(3)", SqlType("char", length=3)),
        ("TEXT", SqlType("text")),
        ("CLOB", SqlType("text")),
        ("REAL", SqlType("double")),
        ("DOUBLE", SqlType("double")),
        ("FLOAT", SqlType("double")),
        ("NUMERIC(10,2)", SqlType("numeric", precision=10, scale=2)),
        ("DECIMAL", SqlType("numeric")),
        ("BOOLEAN", SqlType("boolean")),
        ("DATE", SqlType("date")),
        ("DATETIME", SqlType("timestamp")),
        ("TIMESTAMP", SqlType("timestamp")),
        ("BLOB", SqlType("bytes")),
        ("", SqlType("any")),
        ("JSON", SqlType("json")),
    ],
)
def test_declared_types(tmp_path: Path, declared: str, expected: SqlType) -> None:
    db = build(tmp_path, f"CREATE TABLE t (x {declared});")
    assert load(db).table("t").column("x").type == expected


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("DEFAULT 0", Default("literal", "0")),
        ("DEFAULT -1", Default("literal", "-1")),
        ("DEFAULT 'it''s'", Default("literal", "'it''s'")),
        ("DEFAULT CURRENT_TIMESTAMP", Default("current_timestamp", "CURRENT_TIMESTAMP")),
        ("DEFAULT (datetime('now'))", Default("current_timestamp", "CURRENT_TIMESTAMP")),
        ("DEFAULT (lower('X'))", Default("expression", "lower('X')")),
        ("DEFAULT TRUE", Default("literal", "true")),
        ("", None),
    ],
)
def test_defaults(tmp_path: Path, clause: str, expected: Default | None) -> None:
    db = build(tmp_path, f"CREATE TABLE t (x TEXT {clause});")
    assert load(db).table("t").column("x").default == expected


def test_rowid_autoincrement_composite_and_without_rowid(tmp_path: Path) -> None:
    db = build(
        tmp_path,
        """
        CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT);
        CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT DEFAULT 'autoincrement');
        CREATE TABLE c (x TEXT, y INT, CONSTRAINT c_pk PRIMARY KEY (y, x));
        CREATE TABLE d (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
        CREATE TABLE e (id INT PRIMARY KEY);
        """,
    )
    s = load(db)
    assert s.table("a").column("id").identity == Identity("rowid")
    assert not s.table("a").column("id").nullable
    assert s.table("b").column("id").identity == Identity("autoincrement")
    assert s.table("c").primary_key == PrimaryKey(("y", "x"), "c_pk")
    assert s.table("c").column("x").identity is None
    assert s.table("d").primary_key == PrimaryKey(("k",))
    assert not s.table("d").column("k").nullable
    assert s.table("e").column("id").identity is None  # INT is not an alias of the rowid


def test_unique_constraints_and_indexes(tmp_path: Path) -> None:
    db = build(
        tmp_path,
        """
        CREATE TABLE u (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            a INT, b INT, c TEXT,
            CONSTRAINT u_ab_key UNIQUE (a, b)
        );
        CREATE INDEX u_c_idx ON u (c DESC);
        CREATE UNIQUE INDEX u_lower_email ON u (lower(email));
        CREATE INDEX u_active ON u (a) WHERE b > 0;
        """,
    )
    t = load(db).table("u")
    assert sorted(t.uniques, key=lambda u: u.columns) == [
        UniqueConstraint("u_ab_key", ("a", "b")),
        UniqueConstraint(None, ("email",)),
    ]
    assert t.index("u_c_idx") == Index("u_c_idx", (IndexElement("c", descending=True),))
    assert t.index("u_lower_email") == Index("u_lower_email", (IndexElement(expression="lower(email)"),), unique=True)
    assert t.index("u_active") == Index("u_active", (IndexElement("a"),), where="b > 0")
    assert len(t.indexes) == 3  # the indexes behind UNIQUE constraints are not listed again


def test_foreign_keys_checks_and_generated_columns(tmp_path: Path) -> None:
    db = build(
        tmp_path,
        """
        CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
        CREATE TABLE child (
            id INTEGER PRIMARY KEY,
            parent_id INTEGER REFERENCES parent ON DELETE CASCADE,
            code TEXT CONSTRAINT child_code_fk REFERENCES parent(code) ON UPDATE SET NULL,
            qty INT CHECK (qty >= 0),
            price NUMERIC(10,2),
            total NUMERIC GENERATED ALWAYS AS (qty * price) STORED,
            label TEXT AS (upper(code)),
            CONSTRAINT child_price_positive CHECK (price > 0)
        );
        """,
    )
    t = load(db).table("child")
    assert sorted(t.foreign_keys, key=lambda f: f.columns) == [
        ForeignKey("child_code_fk", ("code",), "parent", ("code",), on_update="SET NULL"),
        ForeignKey(None, ("parent_id",), "parent", ("id",), on_delete="CASCADE"),
    ]
    assert sorted(t.checks, key=lambda c: c.expression) == [
        CheckConstraint("child_price_positive", "price > 0"),
        CheckConstraint(None, "qty >= 0"),
    ]
    assert t.column("total").generated == "qty * price"
    assert t.column("label").generated == "upper(code)"
    assert t.column("qty").generated is None


def test_views_and_bookkeeping(tmp_path: Path) -> None:
    db = build(
        tmp_path,
        """
        CREATE TABLE orders (id INTEGER PRIMARY KEY, total NUMERIC);
        CREATE VIEW big_orders AS SELECT id FROM orders WHERE total > 100;
        CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
        CREATE TABLE _prisma_migrations (id TEXT PRIMARY KEY);
        """,
    )
    s = load(db)
    ns = s.namespace("main")
    assert [t.name for t in ns.tables] == ["orders"]
    assert ns.view("big_orders").definition == "SELECT id FROM orders WHERE total > 100"
    kept = load(db, include_bookkeeping=True)
    assert [t.name for t in kept.namespace("main").tables] == ["_prisma_migrations", "alembic_version", "orders"]


def test_quoted_identifiers(tmp_path: Path) -> None:
    db = build(tmp_path, 'CREATE TABLE "Order Items" ("Item Id" INTEGER PRIMARY KEY, "select" TEXT CONSTRAINT "odd ""name"" check" CHECK ("select" <> \'\'));')
    t = load(db).table("Order Items")
    assert [c.name for c in t.columns] == ["Item Id", "select"]
    assert t.checks == (CheckConstraint('odd "name" check', "\"select\" <> ''"),)


def test_inspection_is_read_only(tmp_path: Path) -> None:
    db = build(tmp_path, "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    before = (db.read_bytes(), os.stat(db).st_mtime_ns)
    load(db)
    assert (db.read_bytes(), os.stat(db).st_mtime_ns) == before
    assert not (tmp_path / "t.db-journal").exists() and not (tmp_path / "t.db-wal").exists()


@pytest.mark.parametrize("form", ["sqlite:///{rel}", "sqlite:///{abs}", "sqlite:{rel}", "{rel}"])
def test_relative_and_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str) -> None:
    build(tmp_path, "CREATE TABLE t (id INTEGER PRIMARY KEY);", "app.db")
    monkeypatch.chdir(tmp_path)
    spec = form.format(rel="app.db", abs=str(tmp_path / "app.db"))
    assert [t.name for _, t in sources.load(spec).tables()] == ["t"]


def test_missing_and_non_database_files(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no such SQLite database"):
        sources.load(f"sqlite:///{tmp_path}/missing.db")
    assert not (tmp_path / "missing.db").exists()  # never created by looking at it
    junk = tmp_path / "junk.db"
    junk.write_text("this is not a database, just text " * 20)
    with pytest.raises(BadInput, match="junk.db: file is not a database"):
        sources.load(f"sqlite:///{junk}")
