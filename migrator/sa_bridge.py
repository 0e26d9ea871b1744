"""The mapping between migrator's schema model and SQLAlchemy, both ways, as data tables.

Two modules use it:

- migrator.inspect.sqlalchemy_models reads SQLAlchemy models into the model. A column
  type is compiled with the chosen dialect's type compiler (what `CREATE TABLE` would
  say) and parsed back with migrator.types.parse_type; server defaults are compiled the
  way SQLAlchemy's DDL compiler writes them and classified by migrator.defaults.
- migrator.render.sql builds a `sqlalchemy.MetaData` from the model (`sa_type`,
  `server_default_text`) and lets SQLAlchemy's DDL compiler write the CREATE statements.

The rule both directions keep: for every canonical type T and dialect D,
`parse_type(compile(sa_type(T, D), D), D) == T`. Where SQLAlchemy's own type cannot say
T exactly in D (a time zone on SQLite's DATETIME, jsonb on SQLite, PostGIS types),
`sa_type` falls back to `DeclaredType`, which writes the type as declared text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.types import UserDefinedType

from migrator.defaults import strip_casts
from migrator.schema import Default, SqlType
from migrator.sqltext import quote_ident, unwrap_parens
from migrator.types import parse_type, render_type

DIALECTS = ("postgresql", "sqlite")

# Namespace a table without a schema lives in, per dialect.
DEFAULT_NAMESPACE = {"postgresql": "public", "sqlite": "main"}

# The search path the live PostgreSQL reader pins while deparsing defaults: unqualified
# sequence names in nextval() resolve there.
DEFAULT_SEARCH_SCHEMA = {"postgresql": "public", "sqlite": None}


def dialect(name: str) -> sa.engine.Dialect:
    """SQLAlchemy's dialect object for a migrator dialect name."""
    factory = _DIALECTS.get(name)
    if factory is None:
        raise ValueError(f"unsupported dialect {name!r} (supported: {', '.join(DIALECTS)})")
    return factory()


_DIALECTS: dict[str, Callable[[], sa.engine.Dialect]] = {
    "postgresql": pg.dialect,
    "sqlite": sqlite_dialect.dialect,
}


class DeclaredType(UserDefinedType):
    """A type SQLAlchemy writes exactly as given: `citext`, `geometry(Point,4326)`, `JSONB` on SQLite."""

    cache_ok = True

    def __init__(self, text: str) -> None:
        self.text = text

    def get_col_spec(self, **kw: Any) -> str:
        return self.text


# ---------------------------------------------------------------------------
# Canonical type -> SQLAlchemy type. One row per canonical kind; a dialect's row wins
# over the common one. Each factory takes the SqlType (element type for arrays).

TypeFactory = Callable[[SqlType], sa.types.TypeEngine]

SA_TYPES: dict[str, dict[str, TypeFactory]] = {
    "common": {
        "smallint": lambda t: sa.SmallInteger(),
        "integer": lambda t: sa.Integer(),
        "bigint": lambda t: sa.BigInteger(),
        "varchar": lambda t: sa.String(t.length),
        "char": lambda t: sa.CHAR(t.length),
        "text": lambda t: sa.Text(),
        "numeric": lambda t: sa.Numeric(t.precision, t.scale),
        "real": lambda t: sa.REAL(),
        "double": lambda t: sa.DOUBLE_PRECISION(),
        # create_constraint=False: SQLAlchemy would otherwise add a CHECK on SQLite.
        "boolean": lambda t: sa.Boolean(create_constraint=False),
        "date": lambda t: sa.Date(),
        "time": lambda t: sa.Time(timezone=t.timezone),
        "timestamp": lambda t: sa.DateTime(timezone=t.timezone),
        "uuid": lambda t: sa.UUID(),
        "json": lambda t: sa.JSON(),
        "bytes": lambda t: sa.LargeBinary(),
    },
    "postgresql": {
        "time": lambda t: pg.TIME(timezone=t.timezone, precision=t.precision),
        "timestamp": lambda t: pg.TIMESTAMP(timezone=t.timezone, precision=t.precision),
        "interval": lambda t: pg.INTERVAL(precision=t.precision),
        "jsonb": lambda t: pg.JSONB(),
        "bytes": lambda t: pg.BYTEA(),
    },
    "sqlite": {
        # SQLite's REAL is an 8-byte float: the canonical "double" (migrator.types).
        "double": lambda t: sa.REAL(),
    },
}


def sa_type(t: SqlType, dialect_name: str, enums: dict[str, sa.Enum] | None = None) -> sa.types.TypeEngine:
    """The SQLAlchemy type that `dialect_name` compiles to a declaration of `t`.

    `enums` maps qualified enum names ("public.role") to the enum types to use on
    PostgreSQL; elsewhere enums are TEXT, as migrator.types renders them.
    """
    element = t.element()
    if t.name == "enum" and dialect_name == "postgresql" and enums and t.enum in enums:
        base: sa.types.TypeEngine = enums[t.enum]
        return pg.ARRAY(base) if t.array else base
    if t.array and dialect_name == "postgresql":
        return pg.ARRAY(sa_type(element, dialect_name, enums))
    if t.array or t.name == "enum":
        return DeclaredType(render_type(t, dialect_name))
    factory = SA_TYPES.get(dialect_name, {}).get(t.name) or SA_TYPES["common"].get(t.name)
    if factory is not None:
        candidate = factory(t)
        if compiled_type(candidate, dialect_name) == t:
            return candidate
    return DeclaredType(declared_spelling(t, dialect_name))


def declared_spelling(t: SqlType, dialect_name: str) -> str:
    """Text that declares `t` in `dialect_name` and that parse_type reads back as `t`.

    On SQLite any name is a valid declared type, so the canonical spelling is used where
    SQLite's usual one would lose something (a time zone, jsonb, a precision).
    """
    if dialect_name == "sqlite":
        if t.array:
            # SQLite has no array types and no spelling for one: stored as TEXT (lossy).
            return render_type(t, "sqlite")
        return SQLITE_SPELLINGS.get(t.name, render_type(t, "canonical"))
    return render_type(t, dialect_name)


# SQLite spellings for kinds whose canonical name SQLite reads as another kind.
SQLITE_SPELLINGS: dict[str, str] = {
    "any": "",  # no declared type at all: SQLite's BLOB affinity, migrator's "any"
    "real": "FLOAT4",  # "REAL" is an 8-byte float (canonical "double") in SQLite
}


def compiled_type(type_: sa.types.TypeEngine, dialect_name: str) -> SqlType:
    """The canonical type of what `type_` declares in `dialect_name` (CREATE TABLE's text, parsed)."""
    text = type_.compile(dialect=_dialect_instance(dialect_name))
    return parse_type(text, dialect_name)


_DIALECT_INSTANCES: dict[str, sa.engine.Dialect] = {}


def _dialect_instance(name: str) -> sa.engine.Dialect:
    if name not in _DIALECT_INSTANCES:
        _DIALECT_INSTANCES[name] = dialect(name)
    return _DIALECT_INSTANCES[name]


# ---------------------------------------------------------------------------
# Defaults, model -> the SQL text of a server default. One row per Default kind.

SERVER_DEFAULT_TEXT: dict[str, Callable[[Default, str], str | None]] = {
    "literal": lambda d, dialect_name: d.value,
    "expression": lambda d, dialect_name: expression_default_sql(d.value, dialect_name),
    "current_timestamp": lambda d, dialect_name: "CURRENT_TIMESTAMP",
    "sequence": lambda d, dialect_name: _nextval(d.value, dialect_name),
    # Client defaults are the application's business: nothing reaches the DDL.
    "client": lambda d, dialect_name: None,
}


# A function call, possibly schema-qualified, up to the parenthesis that opens its arguments.
_CALL_HEAD = re.compile(r"^[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)*\s*\(")


def expression_default_sql(value: str, dialect_name: str) -> str:
    """An expression default as a column declaration accepts it.

    PostgreSQL's column DEFAULT (CREATE TABLE, ADD COLUMN) takes a restricted expression
    (gram.y's b_expr): `now() AT TIME ZONE 'utc'` or `x IS NULL` must be in parentheses
    there. SQLite takes only a literal or `(expr)` after DEFAULT, a function call included
    (lang_createtable.html), and has no `::` casts. A bare function call stays as it is on
    PostgreSQL; anything else is parenthesized.
    """
    text = value.strip()
    if dialect_name == "sqlite":
        text = unwrap_parens(strip_casts(text))
        return f"({text})"
    if unwrap_parens(text) != text:
        return text
    head = _CALL_HEAD.match(text)
    if head and unwrap_parens(text[head.end() - 1 :]) != text[head.end() - 1 :]:
        return text
    return f"({text})"


def _nextval(sequence: str, dialect_name: str) -> str | None:
    if dialect_name != "postgresql":
        return None
    qualified = ".".join(quote_ident(part) for part in sequence.split("."))
    # The name is a string literal holding a (quoted) qualified identifier.
    return "nextval('" + qualified.replace("'", "''") + "'::regclass)"


def server_default_text(default: Default | None, dialect_name: str, column_type: SqlType | None = None) -> str | None:
    """The SQL of a server default; with the column's type, a bare array constructor gets its cast.

    `ARRAY[]` has no type of its own and `ARRAY['user']` is text[], which does not convert to
    an enum array: a source that says the constructor without its cast (Prisma's
    `@default([])`, Drizzle's `.default([])`) gets the column's array type appended. Other
    arrays convert by assignment (`ARRAY[1]` on bigint[]) and are left as they are, so a
    database's own spelling reads back unchanged.
    """
    if default is None:
        return None
    text = SERVER_DEFAULT_TEXT[default.kind](default, dialect_name)
    if text is not None and column_type is not None and column_type.array and dialect_name == "postgresql":
        value = unwrap_parens(default.value)
        if default.kind == "expression" and _bare_array_constructor(value):
            empty = re.fullmatch(r"ARRAY\s*\[\s*\]", value, re.IGNORECASE) is not None
            if empty or column_type.name == "enum":
                text = f"({value}::{render_type(column_type, dialect_name)})"
    return text


_ARRAY_START = re.compile(r"^ARRAY\s*\[", re.IGNORECASE)


def _bare_array_constructor(text: str) -> bool:
    """`ARRAY[...]` with nothing after its closing bracket (no cast)."""
    start = _ARRAY_START.match(text)
    if not start:
        return False
    depth, quote = 0, None
    for i in range(start.end() - 1, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False


# Referential actions: SQLAlchemy takes them as the same upper-case words; NO ACTION is
# every database's default and is left unsaid.
def referential_action(action: str | None) -> str | None:
    if not action or action.upper() == "NO ACTION":
        return None
    return action.upper()


def model_action(sa_action: str | None) -> str:
    return " ".join(sa_action.upper().split()) if sa_action else "NO ACTION"


__all__ = [
    "DEFAULT_NAMESPACE",
    "DEFAULT_SEARCH_SCHEMA",
    "DIALECTS",
    "DeclaredType",
    "SA_TYPES",
    "SERVER_DEFAULT_TEXT",
    "compiled_type",
    "declared_spelling",
    "dialect",
    "expression_default_sql",
    "model_action",
    "referential_action",
    "sa_type",
    "server_default_text",
]
