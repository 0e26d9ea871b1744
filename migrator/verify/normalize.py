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
    caps = _postgres_table_capabilities(schema, caps)
    if not reads_objects(schema):
        caps = caps - {"objects"}
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


def expression_key(text: str | None) -> Any:
    """An SQL expression without the casts and parentheses PostgreSQL adds when it prints one back.

    The text key below is then parsed (migrator.verify.textkey): AND/OR precedence,
    `IN` and `= ANY (ARRAY[…])`, `<>` and `!=` meet there; what sqlglot cannot parse keeps
    the text key.
    """
    if text is None:
        return None
    out = unwrap_parens(strip_casts(text).strip())
    out = _WS.sub(" ", out)
    # PostgreSQL prints `(a > 0)` inside larger expressions and lower-cases keywords.
    out = out.replace("( ", "(").replace(" )", ")")
    from migrator.verify.textkey import expression_text_key

    return expression_text_key(out)


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


def standalone_sequences(ns: model.Namespace) -> tuple[model.Sequence, ...]:
    """The sequences compared as objects of their own: all but a serial column's.

    A sequence is a serial column's (part of the column, compared through it) when it is
    OWNED BY a column whose default takes from it. One OWNED BY a column that does not use
    it (ALTER SEQUENCE s OWNED BY t.c on a plain column) is standalone: its ownership
    moves with ALTER SEQUENCE ... OWNED BY, and decides when DROP COLUMN/TABLE drops it.
    """
    used = {(t.name, c.name, c.default.value) for t in ns.tables for c in t.columns
            if c.default is not None and c.default.kind == "sequence"}
    out = []
    for s in ns.sequences:
        table, _, column = (s.owned_by or "").rpartition(".")
        if not s.owned_by or not used & {(table, column, f"{ns.name}.{s.name}"), (table, column, s.name)}:
            out.append(s)
    return tuple(out)


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


def serial_sequence_key(s: model.Sequence, caps: frozenset[str]) -> Any:
    """A serial column's own sequence without its name (PostgreSQL's choice): type and
    options, CACHE only when both sides can declare it (sequence_options)."""
    return sequence_key(s) + ((s.cache,) if "sequence_options" in caps else ())


# ---------------------------------------------------------------------------
# Options and comments (issue 12). Each is a capability of its own: Prisma, Drizzle and
# SQLAlchemy models cannot declare most of them, so a live database that has them is
# "not modeled" against those sources, never drift.
#
# constraint_options  DEFERRABLE / INITIALLY DEFERRED, NOT VALID, NO INHERIT, MATCH FULL
# nulls_not_distinct  UNIQUE/unique index NULLS NOT DISTINCT (Drizzle's .nullsNotDistinct())
# identity_options    an identity's MINVALUE, MAXVALUE, CACHE, CYCLE
# sequence_options    a sequence's CACHE (Drizzle's pgSequence({ cache }))
# view_options        a view's WITH (...) options, a materialized view's indexes
# object_comments     comments on indexes, constraints, views, sequences, enum types, schemas
# namespaces          schemas as objects of their own, an empty one included
# unique_kind         a UNIQUE constraint told apart from a unique index (Prisma Migrate makes
#                     every @unique an index: a Prisma schema cannot say which one it wants)
OPTION_KINDS = frozenset({"constraint_options", "nulls_not_distinct", "identity_options", "sequence_options",
                          "view_options", "object_comments", "namespaces", "unique_kind"})
ALL_KINDS = ALL_KINDS | OPTION_KINDS
# SQLAlchemy's set was made from ALL_KINDS before these were added: it has none of them but unique_kind.
CAPABILITIES["drizzle"] = CAPABILITIES["drizzle"] | {"nulls_not_distinct", "sequence_options", "unique_kind"}
CAPABILITIES["sqlalchemy"] = CAPABILITIES["sqlalchemy"] | {"unique_kind"}
KIND_LABELS.update({
    "constraint_options": "constraint options (DEFERRABLE, NOT VALID, NO INHERIT, MATCH FULL)",
    "nulls_not_distinct": "NULLS NOT DISTINCT",
    "identity_options": "identity options (MINVALUE, MAXVALUE, CACHE, CYCLE)",
    "sequence_options": "sequence CACHE",
    "view_options": "view options and materialized view indexes",
    "object_comments": "comments on indexes, constraints, views, sequences, types and schemas",
    "namespaces": "schemas",
    "unique_kind": "unique constraint or unique index",
})


def constraint_options(obj: Any, caps: frozenset[str]) -> tuple[str, ...]:
    """The options of a primary key, unique, foreign key or check constraint that differ
    from PostgreSQL's defaults, as SQL words ("DEFERRABLE", "INITIALLY DEFERRED", "NOT VALID").

    NULLS NOT DISTINCT is not here: it changes which rows the constraint accepts, so it is
    part of the constraint's key (unique_nulls_key), as its columns are.
    """
    if "constraint_options" not in caps:
        return ()
    words = []
    if getattr(obj, "deferrable", False):
        words.append("DEFERRABLE")
        if getattr(obj, "initially_deferred", False):
            words.append("INITIALLY DEFERRED")
    if getattr(obj, "match_full", False):
        words.append("MATCH FULL")
    if getattr(obj, "no_inherit", False):
        words.append("NO INHERIT")
    if getattr(obj, "not_valid", False):
        words.append("NOT VALID")
    return tuple(words)


def unique_nulls_key(obj: Any, caps: frozenset[str]) -> bool:
    """NULLS NOT DISTINCT of a unique constraint or index, when both sides can say it."""
    return bool(getattr(obj, "nulls_not_distinct", False)) if "nulls_not_distinct" in caps else False


def identity_options(identity: model.Identity | None) -> tuple[Any, ...] | None:
    """An SQL identity's sequence options beyond start and increment; None for other numbering."""
    if identity is None or identity.generation not in ("always", "by_default"):
        return None
    return (identity.min_value, identity.max_value, identity.cache if identity.cache not in (None, 1) else None,
            bool(identity.cycle))


def view_options(v: model.View) -> tuple[str, ...]:
    return tuple(sorted(o.lower() for o in v.options))


# ---------------------------------------------------------------------------
# PostgreSQL table options, partitions, exclusion constraints and collations (issue 12).
# Only a PostgreSQL database (live, SQL applied to one, or its snapshot) describes them;
# Prisma, Drizzle and SQLAlchemy models cannot, and SQLite has none of them.
#
# exclusions     EXCLUDE USING ... constraints
# partitions     PARTITION BY keys; partitions as tables (PARTITION OF parent FOR VALUES ...)
# table_options  UNLOGGED, REPLICA IDENTITY, storage parameters (WITH (fillfactor=70))
# row_security   ENABLE / FORCE ROW LEVEL SECURITY
# collations     a column's COLLATE other than its type's default
POSTGRES_TABLE_KINDS = frozenset({"exclusions", "partitions", "table_options", "row_security", "collations"})
ALL_KINDS = ALL_KINDS | POSTGRES_TABLE_KINDS
# The model sources' sets were made from ALL_KINDS before these were added: they have none
# of them but Drizzle's pgTable.withRLS() / .enableRLS() (and drizzle-kit's isRLSEnabled).
CAPABILITIES["drizzle"] = CAPABILITIES["drizzle"] | {"row_security"}
# Sources that describe everything else, but not these.
_WITHOUT_TABLE_KINDS = {"drizzle-snapshot": POSTGRES_TABLE_KINDS - {"row_security"}}


def _postgres_table_capabilities(schema: model.Schema, caps: frozenset[str]) -> frozenset[str]:
    if schema.dialect != "postgresql":
        return caps - POSTGRES_TABLE_KINDS  # no other dialect (nor its reader) has them
    return caps - _WITHOUT_TABLE_KINDS.get(source_kind(schema.source), frozenset())


KIND_LABELS.update({
    "exclusions": "exclusion constraints",
    "partitions": "partitions and partition keys",
    "table_options": "table options (UNLOGGED, REPLICA IDENTITY, storage parameters)",
    "row_security": "row level security",
    "collations": "column collations",
})


def exclusion_key(x: model.ExclusionConstraint) -> Any:
    """An exclusion constraint as its index and operators: what it lets in (names aside)."""
    return (
        x.method or "gist",
        tuple(index_element_key(e, x.method) for e in x.elements),
        tuple(o.strip() for o in x.operators),
        expression_key(x.where),
        tuple(x.include),
        x.deferrable,
        x.deferrable and x.initially_deferred,
    )


def partition_text_key(text: str | None) -> str | None:
    """A partition key or bound as PostgreSQL prints it, blanks aside."""
    return _WS.sub(" ", text.strip()) if text else None


def row_security_state(t: model.Table) -> str:
    """ROW LEVEL SECURITY of a table in words: "disabled", "enabled", "enabled, forced", ..."""
    state = "enabled" if t.row_security else "disabled"
    return f"{state}, forced" if t.force_row_security else state


def partition_state(t: model.Table) -> str:
    """What a table is in its partition tree, in words (alter_partition's old/new)."""
    if not t.partition_of:
        return "not a partition"
    return f"a partition of {t.partition_of} {partition_text_key(t.partition_bound) or ''}".rstrip()


# ---------------------------------------------------------------------------
# Fingerprints (issue 12): functions, triggers, policies, grants and every other kind the
# model has no structure for are model.DatabaseObjects, compared by digest. Only the
# PostgreSQL catalog reader makes them (live databases, SQL applied to a scratch server,
# snapshots of those), so every other source lacks the "objects" capability and a live
# database's objects are "not modeled" against it, never drift.

ALL_KINDS = ALL_KINDS | {"objects"}
# Sources whose readers never fingerprint, whatever ALL_KINDS says.
NO_OBJECT_SOURCES = frozenset({"prisma", "drizzle", "drizzle-snapshot", "sqlalchemy"})
# migrator.inspect._scratch begins every note of a static SQL reading with these words.
_STATIC_READING = "static reading"
KIND_LABELS["objects"] = "other objects"


def reads_objects(schema: model.Schema) -> bool:
    """Whether `schema` comes from a reader that fingerprints what the model has no structure for."""
    if schema.dialect != "postgresql" or source_kind(schema.source) in NO_OBJECT_SOURCES:
        return False
    return not any(note.startswith(_STATIC_READING) for note in schema.notes)


def objects_label(schema: model.Schema) -> str:
    """"other objects (functions, triggers)": the not-modeled line's label, naming the kinds `schema` holds."""
    kinds = sorted({o.kind for ns in schema.namespaces for o in ns.objects} | {o.kind for o in schema.objects})
    return f"other objects ({', '.join(object_kind_plural(k) for k in kinds)})" if kinds else "other objects"


# How a message names an object kind ("function public.f(integer) differs").
OBJECT_KIND_WORDS = {
    "grant": "grants on", "default_privileges": "default privileges", "event_trigger": "event trigger",
    "text_search_configuration": "text search configuration", "text_search_dictionary": "text search dictionary",
    "foreign_table": "foreign table", "foreign_data_wrapper": "foreign data wrapper", "server": "foreign server",
}
_PLURALS = {"grant": "grants", "default_privileges": "default privileges", "statistics": "statistics objects",
            "policy": "policies", "server": "foreign servers"}


def object_kind_word(kind: str) -> str:
    return OBJECT_KIND_WORDS.get(kind, kind.replace("_", " "))


def object_kind_plural(kind: str) -> str:
    return _PLURALS.get(kind) or kind.replace("_", " ") + "s"


def object_key(obj: model.DatabaseObject) -> Any:
    """A fingerprint compares by its digest (its definition, privileges and comment)."""
    return obj.digest


# ---------------------------------------------------------------------------
# Index storage parameters and key collations (issue 12). `WITH (fillfactor=70)` on an
# index and `(name COLLATE "C")` on one of its keys are PostgreSQL's: they count under
# the "table_options" and "collations" capabilities, which Prisma, Drizzle, SQLAlchemy
# models and SQLite lack, so against those sources they are "not modeled", never drift.
# Both are part of an index's key: a difference is a drop and an add of the index (a
# different COLLATE is a different index; a storage parameter only takes effect for
# what is written after ALTER INDEX ... SET, so rebuilding is what makes the two alike).


def index_extras_key(obj: Any, caps: frozenset[str]) -> tuple[Any, ...]:
    """(storage parameters, key collations) of an index, each () when a side cannot say it.

    A UNIQUE constraint has neither in the model: it compares as an index without them.
    """
    options = tuple(sorted(getattr(obj, "options", ()) or ())) if "table_options" in caps else ()
    collations: tuple[Any, ...] = ()
    if "collations" in caps and isinstance(obj, model.Index) and any(e.collation for e in obj.elements):
        collations = tuple(e.collation for e in obj.elements)
    return (options, collations)
