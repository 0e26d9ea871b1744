"""Comparison keys: what two spellings of one schema object have in common.

A diff must never report a difference a database would not notice. Sources spell the
same thing differently — `'x'::text` and `'x'`, `'{}'` and `ARRAY[]` on an array column,
SERIAL and an identity column, a UNIQUE constraint and a unique index, a name PostgreSQL
cut at 63 bytes — and SQLite, on one side of a cross-dialect comparison, does not keep
lengths or most type distinctions at all (type affinity). Each function here maps an
object to a key that is equal exactly when a database would behave the same; diff.py
compares keys and reports the original objects.

What each source can describe is data too (CAPABILITIES): an object kind a source cannot
express (CHECK constraints in a Prisma schema, views in Drizzle) is never drift, only
"not modeled".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from migrator import schema as model
from migrator.defaults import strip_casts
from migrator.sqltext import unwrap_parens

# Object kinds each source describes. Sources not listed describe everything their
# database has (live databases, SQL files, migration folders, snapshots).
ALL_KINDS = frozenset({"tables", "columns", "primary_keys", "uniques", "indexes", "foreign_keys", "checks",
                       "enums", "views", "sequences", "extensions", "comments", "generated"})
CAPABILITIES: dict[str, frozenset[str]] = {
    # prisma-schema-reference: no CHECK, no views Migrate creates, no comments, no
    # sequences of their own (autoincrement's is implied), no generated columns.
    "prisma": frozenset({"tables", "columns", "primary_keys", "uniques", "indexes", "foreign_keys", "enums",
                         "extensions"}),
    # drizzle-orm: pgView is not read; comments do not exist; sequences via pgSequence.
    "drizzle": frozenset({"tables", "columns", "primary_keys", "uniques", "indexes", "foreign_keys", "checks",
                          "enums", "sequences", "generated"}),
    # SQLAlchemy models: no views; extensions are not part of MetaData.
    "sqlalchemy": frozenset(ALL_KINDS - {"views", "extensions"}),
}

KIND_LABELS = {
    "checks": "check constraints", "views": "views", "sequences": "sequences", "extensions": "extensions",
    "comments": "comments", "generated": "generated columns", "enums": "enum types", "indexes": "indexes",
    "uniques": "unique constraints", "foreign_keys": "foreign keys", "primary_keys": "primary keys",
}


def source_kind(source: str) -> str:
    """The source name of a Schema.source spec: "prisma", "drizzle", "postgresql", …"""
    head = source.split(":", 1)[0]
    return "postgresql" if head in ("postgres", "postgresql") else head


def capabilities(schema: model.Schema) -> frozenset[str]:
    caps = CAPABILITIES.get(source_kind(schema.source), ALL_KINDS)
    if source_kind(schema.source) == "prisma" and not schema.extensions:
        # Extensions exist in a Prisma schema only with the postgresqlExtensions preview
        # feature; a schema without them says nothing about the database's.
        caps = caps - {"extensions"}
    return caps


# SQLite keeps a declared type only as an affinity (sqlite.org/datatype3.html); across
# dialects, canonical kinds are compared by these families and lengths are ignored.
AFFINITY: dict[str, str] = {
    "smallint": "integer", "integer": "integer", "bigint": "integer",
    "varchar": "text", "char": "text", "text": "text", "uuid": "text", "enum": "text", "citext": "text",
    "real": "real", "double": "real",
    "numeric": "numeric", "boolean": "numeric", "date": "numeric", "time": "numeric",
    "timestamp": "numeric", "interval": "numeric", "json": "numeric", "jsonb": "numeric",
    "bytes": "blob", "any": "blob",
}


@dataclass(frozen=True)
class Context:
    """What normalization needs to know about the comparison as a whole."""

    cross_dialect: bool
    dialect: str  # FROM's dialect when both agree, else "mixed"
    name_limit: int | None  # PostgreSQL cuts identifiers at 63 bytes


def context_for(a: model.Schema, b: model.Schema) -> Context:
    cross = a.dialect != b.dialect
    pg = a.dialect == "postgresql" or b.dialect == "postgresql"
    return Context(cross_dialect=cross, dialect=a.dialect if not cross else "mixed", name_limit=63 if pg else None)


def name_key(name: str | None, ctx: Context) -> str | None:
    """A name as the database stores it: cut to the identifier limit."""
    if name is None or ctx.name_limit is None:
        return name
    encoded = name.encode()
    return name if len(encoded) <= ctx.name_limit else encoded[: ctx.name_limit].decode(errors="ignore")


def type_key(t: model.SqlType, ctx: Context) -> Any:
    if ctx.cross_dialect:
        return (AFFINITY.get(t.name, t.name.split("(")[0]), t.array)
    if t.name == "enum" and t.enum:
        return t
    return t


_WS = re.compile(r"\s+")
_ARRAY_LITERAL = re.compile(r"^'\{(?P<body>.*)\}'$", re.DOTALL)


def expression_key(text: str | None) -> str | None:
    """An SQL expression without the casts and parentheses PostgreSQL adds when it prints one back."""
    if text is None:
        return None
    out = unwrap_parens(strip_casts(text).strip())
    out = _WS.sub(" ", out)
    # PostgreSQL prints `(a > 0)` inside larger expressions and lower-cases keywords.
    out = out.replace("( ", "(").replace(" )", ")")
    return out


def default_key(col: model.Column, ctx: Context, owned_sequences: frozenset[str]) -> Any:
    """A column default as a database would apply it; None for none (client-side defaults included)."""
    d = col.default
    if d is None or d.kind == "client":
        return None
    if d.kind == "sequence":
        # A sequence that belongs to the column is SERIAL's; its name is PostgreSQL's choice.
        return ("autoincrement",) if d.value in owned_sequences else ("sequence", d.value)
    if d.kind == "current_timestamp":
        return ("current_timestamp",)
    value = d.value
    if col.type.array:
        value = _array_default(value)
        if value.startswith("ARRAY["):
            return ("expression", expression_key(value))
    if d.kind == "literal":
        return ("value", _literal(value, col.type, ctx))
    return ("expression", expression_key(value))


def _array_default(value: str) -> str:
    """`'{a,b}'` and `ARRAY['a', 'b']` are one array default; both become the ARRAY form."""
    m = _ARRAY_LITERAL.match(value)
    if not m:
        return value
    body = m.group("body").strip()
    if not body:
        return "ARRAY[]"
    items = []
    for raw in body.split(","):
        item = raw.strip().strip('"')
        if re.fullmatch(r"[-+]?\d+(\.\d+)?", item):
            items.append(item)
        else:
            items.append("'" + item.replace("'", "''") + "'")
    return "ARRAY[" + ", ".join(items) + "]"


def _literal(value: str, t: model.SqlType, ctx: Context) -> str:
    # A number written as a string ('5' on an integer) is the number, as PostgreSQL stores it.
    if len(value) > 1 and value[0] == value[-1] == "'" and t.name in ("smallint", "integer", "bigint", "numeric", "real", "double"):
        inner = value[1:-1]
        if re.fullmatch(r"[-+]?\d+(\.\d+)?", inner):
            value = inner
    if t.name == "boolean" or (ctx.cross_dialect and value.lower() in ("true", "false", "0", "1")):
        lowered = value.strip("'").lower()
        if lowered in ("true", "t", "1", "yes", "on"):
            return "true"
        if lowered in ("false", "f", "0", "no", "off"):
            return "false"
    if re.fullmatch(r"[-+]?\d+\.\d+", value):
        value = value.rstrip("0").rstrip(".") if "." in value else value
    return value


def autoincrement_key(col: model.Column, ctx: Context, owned_sequences: frozenset[str]) -> Any:
    """How a column numbers new rows: SERIAL and BY DEFAULT identity both let inserts choose.

    ALWAYS identity refuses explicit values, so it stays distinct. Across dialects any
    automatic numbering (SERIAL, identity, SQLite's rowid or AUTOINCREMENT) is the same.
    """
    ident = col.identity
    serial = col.default is not None and col.default.kind == "sequence" and col.default.value in owned_sequences
    if ident is None and not serial:
        return None
    if ctx.cross_dialect:
        return "auto"
    if ident is not None and ident.generation == "always":
        return ("always", ident.start or 1, ident.increment or 1)
    if ident is not None and ident.generation in ("rowid", "autoincrement"):
        return ident.generation
    return "by_default"


def owned_sequences(ns: model.Namespace) -> frozenset[str]:
    """Qualified names of the sequences that belong to a column (SERIAL's)."""
    return frozenset(f"{ns.name}.{s.name}" for s in ns.sequences if s.owned_by)


def index_element_key(e: model.IndexElement, method: str) -> Any:
    # NULLS FIRST is PostgreSQL's default for DESC and NULLS LAST for ASC: unset means that.
    nulls_first = e.nulls_first if e.nulls_first is not None else e.descending
    return (e.column, expression_key(e.expression), e.descending, nulls_first, e.opclass)


def index_key(idx: model.Index) -> Any:
    return (
        idx.unique,
        idx.method or "btree",
        tuple(index_element_key(e, idx.method) for e in idx.elements),
        expression_key(idx.where),
        tuple(idx.include),
    )


def unique_as_index_key(u: model.UniqueConstraint) -> Any:
    """A UNIQUE constraint is a unique btree index to every query and every insert."""
    return (True, "btree", tuple((c, None, False, False, None) for c in u.columns), None, ())


def foreign_key_key(fk: model.ForeignKey, ns: str, ctx: Context) -> Any:
    ref_schema = fk.ref_schema or ns
    if ctx.cross_dialect:
        ref_schema = "*"
    return (
        tuple(name_key(c, ctx) for c in fk.columns),
        ref_schema,
        name_key(fk.ref_table, ctx),
        tuple(name_key(c, ctx) for c in fk.ref_columns),
        fk.on_delete,
        fk.on_update,
    )


def check_key(c: model.CheckConstraint) -> Any:
    return expression_key(c.expression)


def view_key(v: model.View) -> Any:
    return (v.materialized, _WS.sub(" ", v.definition.strip().rstrip(";")).lower())


def sequence_key(s: model.Sequence) -> Any:
    return (s.data_type, s.start, s.increment, s.min_value, s.max_value, s.cycle)
