"""The implementation of the `drizzle:` source (see migrator.inspect.drizzle).

Two halves: migrator.inspect._drizzle_js evaluates the TypeScript into tables, enums and
builder chains; this module says what drizzle-kit `generate`/`push` creates from them,
as the live readers would read it back. Each rule cites the drizzle docs page it comes
from (orm.drizzle.team/docs/...) and was checked against drizzle-kit 0.31's output.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from migrator import schema as model
from migrator.appmodel import AppModel, EnumName
from migrator.appmodel import Model as AppModelEntry
from migrator.appmodel import Relation as AppRelation
from migrator.defaults import classify_default, jsonb_output
from migrator.errors import BadInput
from migrator.pgnames import make_object_name, truncate
from migrator.inspect import InspectOptions, keep_namespace, keep_table
from migrator.inspect._drizzle_js import (
    Builder,
    ColumnRef,
    DrizzleFn,
    EnumObj,
    JsFunction,
    Loc,
    Module,
    Opaque,
    Project,
    RelationDecl,
    RelationHelper,
    RelationsObj,
    SqlTemplate,
    TableObj,
    call_function,
    DefineRelationsObj,
    ModuleNamespace,
    RelationDeclV2,
    RelationsBuilderObj,
    ThroughRef,
    js_number_text,
    source_files,
)
from migrator.sqltext import balanced, quote_ident, quote_literal, unwrap_parens
from migrator.types import enum_type, parse_type

SCHEME = "drizzle:"
DIALECTS = {"pg": "postgresql", "sqlite": "sqlite", "mysql": "mysql"}
# docs/sql-schema-declaration: tables without a schema live in the database's default one.
DEFAULT_NAMESPACE = {"postgresql": "public", "sqlite": "main", "mysql": "main"}
_CONFIG_NAMES = tuple(f"drizzle.config.{s}" for s in ("ts", "mts", "cts", "js", "mjs", "cjs", "json"))


# ---------------------------------------------------------------------------
# Column types, per dialect: builder name -> the SQL type drizzle-kit writes, given the
# builder's config object. The text then goes through migrator.types.parse_type, like
# every other source's declared types. (docs/column-types/pg, docs/column-types/sqlite,
# docs/column-types/mysql.)


def _sized(base: str, key: str = "length") -> Callable[[dict], str]:
    return lambda c: f"{base}({c[key]})" if isinstance(c.get(key), int) else base


def _numeric(c: dict) -> str:
    # docs/column-types/pg#numeric: numeric(precision, scale); PostgreSQL stores numeric(p) as numeric(p,0).
    p, s = c.get("precision"), c.get("scale")
    if isinstance(p, int):
        return f"numeric({p},{s if isinstance(s, int) else 0})"
    return "numeric"


def _timestamp(base: str) -> Callable[[dict], str]:
    # docs/column-types/pg#timestamp: { precision, withTimezone }; no precision means the default (6).
    def text(c: dict) -> str:
        p = c.get("precision")
        out = f"{base}({p})" if isinstance(p, int) else base
        return out + (" with time zone" if c.get("withTimezone") else "")

    return text


def _interval(c: dict) -> str:
    fields = f" {c['fields']}" if isinstance(c.get("fields"), str) else ""
    p = c.get("precision")
    return f"interval{fields}" + (f"({p})" if isinstance(p, int) else "")


PG_TYPES: dict[str, Callable[[dict], str]] = {
    "smallint": lambda c: "smallint",
    "integer": lambda c: "integer",
    "bigint": lambda c: "bigint",
    "serial": lambda c: "integer",  # docs/column-types/pg#serial: integer + owned sequence + NOT NULL
    "smallserial": lambda c: "smallint",
    "bigserial": lambda c: "bigint",
    "boolean": lambda c: "boolean",
    "text": lambda c: "text",  # { enum } is a TypeScript-only constraint: still text
    "varchar": _sized("varchar"),
    # docs/column-types/pg#char: char without a length is character(1) in PostgreSQL.
    "char": lambda c: f"char({c['length']})" if isinstance(c.get("length"), int) else "char(1)",
    "numeric": _numeric,
    "decimal": _numeric,
    "real": lambda c: "real",
    "doublePrecision": lambda c: "double precision",
    "json": lambda c: "json",
    "jsonb": lambda c: "jsonb",
    "uuid": lambda c: "uuid",
    "bytea": lambda c: "bytea",
    "date": lambda c: "date",
    "time": _timestamp("time"),
    "timestamp": _timestamp("timestamp"),
    "interval": _interval,
    "inet": lambda c: "inet",
    "cidr": lambda c: "cidr",
    "macaddr": lambda c: "macaddr",
    "macaddr8": lambda c: "macaddr8",
    "point": lambda c: "point",
    "line": lambda c: "line",
    "vector": _sized("vector", "dimensions"),
    "halfvec": _sized("halfvec", "dimensions"),
    "sparsevec": _sized("sparsevec", "dimensions"),
    "bit": _sized("bit", "dimensions"),
    "geometry": lambda c: f"geometry({c.get('type', 'point')})",
}

SQLITE_TYPES: dict[str, Callable[[dict], str]] = {
    # docs/column-types/sqlite: every integer mode (number, boolean, timestamp, timestamp_ms) is INTEGER,
    # every blob mode (buffer, json, bigint) BLOB, text { mode: 'json' } TEXT.
    "integer": lambda c: "integer",
    "int": lambda c: "integer",
    "text": lambda c: "text",  # text(256) declares a length SQLite ignores
    "blob": lambda c: "blob",
    "real": lambda c: "real",
    "numeric": lambda c: "numeric",
}

def _unsigned(base: str) -> Callable[[dict], str]:
    # docs/column-types/mysql#integer: { unsigned: true } is part of the type drizzle-kit writes.
    return lambda c: f"{base} unsigned" if c.get("unsigned") else base


MYSQL_TYPES: dict[str, Callable[[dict], str]] = {
    "int": _unsigned("int"),
    "tinyint": _unsigned("tinyint"),
    "smallint": _unsigned("smallint"),
    "mediumint": _unsigned("mediumint"),
    "bigint": _unsigned("bigint"),
    "serial": lambda c: "bigint unsigned",  # docs/column-types/mysql#serial: bigint unsigned auto_increment
    "boolean": lambda c: "boolean",
    "text": lambda c: "text",
    "tinytext": lambda c: "tinytext",
    "mediumtext": lambda c: "mediumtext",
    "longtext": lambda c: "longtext",
    "varchar": _sized("varchar"),
    "char": _sized("char"),
    "decimal": _numeric,
    "double": lambda c: "double",
    "float": lambda c: "float",
    "real": lambda c: "real",
    "json": lambda c: "json",
    "date": lambda c: "date",
    "datetime": lambda c: "datetime",
    "time": lambda c: "time",
    "timestamp": lambda c: "timestamp",
    "year": lambda c: "year",
    "binary": lambda c: "binary",
    "varbinary": lambda c: "varbinary",
}

COLUMN_TYPES = {"postgresql": PG_TYPES, "sqlite": SQLITE_TYPES, "mysql": MYSQL_TYPES}

# The JS value drizzle-orm 0.45 gives and takes for a column, per dialect: builder -> its config's
# `mode` (None: none given) -> the type ("json": a parsed JSON value). docs/column-types/pg,
# docs/column-types/sqlite. A customType's is its `data` type argument when it has a fromDriver, else
# "driver" (the driver's own value). Read into AppModel Model.values: the rewrite compares it with
# Prisma Client's (PD023).
_STRING = {None: "string"}
VALUE_TYPES: dict[str, dict[str, dict[str | None, str]]] = {
    "postgresql": {
        **{b: {None: "number"} for b in ("smallint", "integer", "serial", "smallserial", "real", "doublePrecision")},
        **{b: {None: "number", "number": "number", "bigint": "bigint", "string": "string"} for b in ("bigint", "bigserial")},
        **{b: {None: "string", "string": "string", "number": "number", "bigint": "bigint"} for b in ("numeric", "decimal")},
        **{b: _STRING for b in ("text", "varchar", "char", "uuid", "time", "interval", "inet", "cidr", "macaddr",
                                "macaddr8", "enum")},
        "boolean": {None: "boolean"},
        "timestamp": {None: "Date", "date": "Date", "string": "string"},
        "date": {None: "string", "date": "Date", "string": "string"},
        "json": {None: "json"}, "jsonb": {None: "json"},
        "bytea": {None: "Buffer"},
    },
    "sqlite": {
        **{b: {None: "number", "number": "number", "boolean": "boolean", "timestamp": "Date", "timestamp_ms": "Date"}
           for b in ("integer", "int")},
        "text": {None: "string", "text": "string", "json": "json"},
        "blob": {None: "Buffer", "buffer": "Buffer", "json": "json", "bigint": "bigint"},
        "real": {None: "number"},
        "numeric": {None: "string", "string": "string", "number": "number", "bigint": "bigint"},
    },
}
_DATA_TYPE = re.compile(r"\bdata\s*:\s*([^;,}]+)")


def value_type(builder: "Builder", dialect: str) -> str:
    """The JS type of a column's values (VALUE_TYPES); "" when not known."""
    name = builder.fn.name
    if name == "custom":
        maker = builder.base
        spec = maker.args[0] if isinstance(maker, Builder) and maker.args and isinstance(maker.args[0], dict) else {}
        if "fromDriver" not in spec:
            return "driver"
        found = _DATA_TYPE.search(maker.base) if isinstance(maker.base, str) else None
        data = found.group(1).strip() if found else ""
        from_driver, to_driver = spec.get("fromDriver"), spec.get("toDriver")
        if data == "unknown" and isinstance(from_driver, JsFunction) and "JSON.parse" in from_driver.source() \
                and isinstance(to_driver, JsFunction) and "JSON.stringify" in to_driver.source():
            return "json"  # JSON text in the database, the parsed value in the code
        return data
    config = next((a for a in builder.args if isinstance(a, dict)), {})
    modes = VALUE_TYPES.get(dialect, {}).get(name)
    if modes is None:
        return ""
    mode = config.get("mode")
    return modes.get(mode if isinstance(mode, str) else None, "")
# docs/column-types/pg#serial: the sequence-backed integer builders.
PG_SERIALS = frozenset({"serial", "smallserial", "bigserial"})
# Drizzle's identity builders (docs/column-types/pg#identity-columns) -> Identity.generation.
IDENTITY_CALLS = {"generatedAlwaysAsIdentity": "always", "generatedByDefaultAsIdentity": "by_default"}
# (min, max) of the integer kinds, for identity starts of descending sequences.
_INT_RANGE = {"smallint": (-(2**15), 2**15 - 1), "integer": (-(2**31), 2**31 - 1), "bigint": (-(2**63), 2**63 - 1)}
# Client-side generators (docs/column-types/pg#default-value): they never reach the database.
CLIENT_DEFAULTS = ("$defaultFn", "$default")
CLIENT_UPDATES = ("$onUpdateFn", "$onUpdate")
# Builders of the extras callback (docs/indexes-constraints).
EXTRA_BUILDERS = frozenset({"index", "uniqueIndex", "primaryKey", "unique", "foreignKey", "check"})
# Extras the schema model has no place for: a note, not a warning about the schema.
IGNORED_EXTRAS = frozenset({"pgPolicy", "policy"})
# Column builder methods (docs/column-types/pg, docs/indexes-constraints): those the mapper
# reads, and those that change nothing in the database. Any other method is a warning.
COLUMN_METHODS = frozenset({
    "primaryKey", "notNull", "unique", "default", "defaultNow", "defaultRandom", "references", "array",
    "generatedAlwaysAs", "generatedAlwaysAsIdentity", "generatedByDefaultAsIdentity", "autoincrement",
    *CLIENT_DEFAULTS, *CLIENT_UPDATES, "$type", "$onUpdateNow", "onUpdateNow",
})
_NUMERIC_KINDS = frozenset({"smallint", "integer", "bigint", "numeric", "real", "double"})
_TEXT_KINDS = frozenset({"text", "varchar", "char", "enum", "uuid"})
# Operator classes. PostgreSQL's catalog marks one opclass per (access method, type) as the
# default (pg_opclass.opcdefault); an index key naming it is the same index as one naming
# none, and the live reader reports only non-default ones. drizzle-kit pull writes an opclass
# on every key, and (its query joins pg_opclass on ANY(indclass)) often one belonging to
# another key of the same index: `.op("timestamptz_ops")` on a uuid column. PostgreSQL would
# refuse such an index, so the database must hold the column's default: a default opclass is
# no opclass whatever column it is written on. The names are PostgreSQL 15's
# (`SELECT amname, opcname FROM pg_opclass JOIN pg_am ... WHERE opcdefault`), with the
# defaults of pgvector (ivfflat) and PostGIS (gist) that drizzle-kit projects use.
_BTREE_HASH_DEFAULTS = {
    "array_ops", "bool_ops", "bpchar_ops", "bytea_ops", "char_ops", "date_ops", "enum_ops", "float4_ops",
    "float8_ops", "inet_ops", "int2_ops", "int4_ops", "int8_ops", "interval_ops", "jsonb_ops", "macaddr8_ops",
    "macaddr_ops", "multirange_ops", "name_ops", "numeric_ops", "oid_ops", "oidvector_ops", "pg_lsn_ops",
    "range_ops", "record_ops", "text_ops", "tid_ops", "time_ops", "timestamp_ops", "timestamptz_ops",
    "timetz_ops", "uuid_ops", "xid8_ops",
}
DEFAULT_OPCLASSES: dict[str, frozenset[str]] = {
    "btree": frozenset(_BTREE_HASH_DEFAULTS | {"bit_ops", "money_ops", "tsquery_ops", "tsvector_ops", "varbit_ops", "vector_ops"}),
    "hash": frozenset(_BTREE_HASH_DEFAULTS | {"aclitem_ops", "cid_ops", "xid_ops"}),
    "gin": frozenset({"array_ops", "jsonb_ops", "tsvector_ops"}),
    "gist": frozenset({"box_ops", "circle_ops", "multirange_ops", "point_ops", "poly_ops", "range_ops", "tsquery_ops",
                       "tsvector_ops", "gist_geometry_ops_2d", "gist_geography_ops"}),
    "spgist": frozenset({"box_ops", "inet_ops", "poly_ops", "quad_point_ops", "range_ops", "text_ops"}),
    "brin": frozenset({"bit_minmax_ops", "box_inclusion_ops", "bpchar_minmax_ops", "bytea_minmax_ops", "char_minmax_ops",
                       "date_minmax_ops", "float4_minmax_ops", "float8_minmax_ops", "inet_inclusion_ops", "int2_minmax_ops",
                       "int4_minmax_ops", "int8_minmax_ops", "interval_minmax_ops", "macaddr8_minmax_ops",
                       "macaddr_minmax_ops", "name_minmax_ops", "numeric_minmax_ops", "oid_minmax_ops", "pg_lsn_minmax_ops",
                       "range_inclusion_ops", "text_minmax_ops", "tid_minmax_ops", "time_minmax_ops",
                       "timestamp_minmax_ops", "timestamptz_minmax_ops", "timetz_minmax_ops", "uuid_minmax_ops",
                       "varbit_minmax_ops"}),
    "ivfflat": frozenset({"vector_l2_ops"}),
}
# The btree/hash default of each canonical type, to say when a default opclass is written on
# a column of another type (the pull mix-up above).
_OWN_DEFAULT = {
    "smallint": "int2_ops", "integer": "int4_ops", "bigint": "int8_ops", "text": "text_ops", "varchar": "text_ops",
    "char": "bpchar_ops", "numeric": "numeric_ops", "real": "float4_ops", "double": "float8_ops", "boolean": "bool_ops",
    "date": "date_ops", "interval": "interval_ops", "uuid": "uuid_ops", "jsonb": "jsonb_ops", "bytea": "bytea_ops",
    "enum": "enum_ops", "inet": "inet_ops", "cidr": "inet_ops", "macaddr": "macaddr_ops", "macaddr8": "macaddr8_ops",
}


def canonical_opclass(method: str, opclass: str | None) -> str | None:
    """The opclass as the live PostgreSQL reader reports it: None for none or a default one."""
    if opclass is None or opclass in DEFAULT_OPCLASSES.get(method, frozenset()):
        return None
    return opclass


def own_default_opclass(sql_type: model.SqlType) -> str | None:
    """The btree/hash default opclass of a column type, when migrator knows it."""
    if sql_type.array:
        return "array_ops"
    if sql_type.name in ("time", "timestamp"):
        return f"{sql_type.name}{'tz' if sql_type.timezone else ''}_ops"
    return _OWN_DEFAULT.get(sql_type.name)


_REFERENTIAL = {"cascade": "CASCADE", "restrict": "RESTRICT", "no action": "NO ACTION", "set null": "SET NULL", "set default": "SET DEFAULT"}


# ---------------------------------------------------------------------------
# Public results


@dataclass(frozen=True)
class Relation:
    """One entry of a relations() call: `author: one(users, { fields, references })`."""

    table: str  # qualified name of the table the relations belong to
    name: str
    kind: str  # "one" | "many"
    target: str | None  # qualified name of the related table
    fields: tuple[str, ...] = ()  # column names of `table`
    references: tuple[str, ...] = ()  # column names of `target`
    relation_name: str | None = None
    origin: model.Origin | None = None


@dataclass(frozen=True)
class DrizzleProject:
    """What a Drizzle schema says: the database drizzle-kit would create, its relations, and warnings."""

    schema: model.Schema
    relations: tuple[Relation, ...]
    warnings: tuple[str, ...]
    app_model: AppModel = AppModel()


@dataclass(frozen=True)
class DrizzleConfig:
    path: Path | None = None
    casing: str | None = None  # "snake_case" | "camelCase"
    dialect: str | None = None
    schema: tuple[str, ...] = ()


# ---------------------------------------------------------------------------
# Entry points


def load(spec: str, options: InspectOptions) -> model.Schema:
    return read_project(spec, options).schema


def read_project(path: str | Path, options: InspectOptions | None = None) -> DrizzleProject:
    """Read a Drizzle schema (a file, or a folder of schema modules, or a project with drizzle.config.ts)."""
    options = options or InspectOptions()
    text = str(path)
    label = text if text.startswith(SCHEME) else SCHEME + text
    target = Path(text[len(SCHEME) :] if text.startswith(SCHEME) else text)
    if not target.exists():
        raise BadInput(f"{target}: no such file or folder")
    config = find_config(target)
    entries = _entry_files(target, config)
    if not entries:
        raise BadInput(f"{target}: no TypeScript or JavaScript files in this folder")
    return _Reader(label, target, entries, config, options).read()


def find_config(target: Path) -> DrizzleConfig:
    """The drizzle.config.* in the target's folder or the nearest parent, read for casing, dialect and schema."""
    folder = target.resolve() if target.is_dir() else target.resolve().parent
    for candidate in [folder, *folder.parents]:
        for name in _CONFIG_NAMES:
            config = candidate / name
            if config.is_file():
                return _read_config(config)
    return DrizzleConfig()


_CONFIG_STRING = r"""\s*:\s*['"`]([^'"`]+)['"`]"""


def _read_config(path: Path) -> DrizzleConfig:
    """The settings migrator needs from drizzle.config.ts, read as text (running it would need Node)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return DrizzleConfig(path)
    text = re.sub(r"/\*.*?\*/|(?<![:'\"])//[^\n]*", "", text, flags=re.S)
    casing = re.search(r"\bcasing" + _CONFIG_STRING, text)
    dialect = re.search(r"\bdialect" + _CONFIG_STRING, text)
    schema: tuple[str, ...] = ()
    listed = re.search(r"\bschema\s*:\s*\[([^\]]*)\]", text)
    single = re.search(r"\bschema" + _CONFIG_STRING, text)
    if listed:
        schema = tuple(re.findall(r"""['"`]([^'"`]+)['"`]""", listed.group(1)))
    elif single:
        schema = (single.group(1),)
    return DrizzleConfig(
        path=path,
        casing=casing.group(1) if casing else None,
        dialect=dialect.group(1) if dialect else None,
        schema=schema,
    )


def _entry_files(target: Path, config: DrizzleConfig) -> list[Path]:
    """The files whose exports make the schema, as drizzle-kit's `schema` setting names them."""
    if target.is_file():
        return [target]
    if config.path is not None and config.path.parent == target.resolve() and config.schema:
        found: list[Path] = []
        for pattern in config.schema:
            base = config.path.parent
            matches = sorted(base.glob(pattern.lstrip("./") if pattern.startswith("./") else pattern)) if any(ch in pattern for ch in "*?[") else [base / pattern]
            for match in matches:
                if match.is_dir():
                    found.extend(source_files(match))
                elif match.is_file():
                    found.append(match)
        if found:
            return found
    return source_files(target)


# ---------------------------------------------------------------------------
# Names


# PostgreSQL's name rules live in migrator.pgnames; the reader calls them by these names.
pg_truncate = truncate
pg_object_name = make_object_name


def to_snake_case(name: str) -> str:
    """drizzle-orm's toSnakeCase (casing.ts): words by case change and digits, lower-cased, joined by _."""
    return "_".join(w.lower() for w in _WORDS.findall(name.replace("'", "").replace("\u2019", "")))


def to_camel_case(name: str) -> str:
    words = _WORDS.findall(name.replace("'", "").replace("\u2019", ""))
    return "".join(w.lower() if i == 0 else w[0].upper() + w[1:] for i, w in enumerate(words))


_WORDS = re.compile(r"[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+")
_CASINGS = {"snake_case": to_snake_case, "camelCase": to_camel_case}


# ---------------------------------------------------------------------------
# Literal values as PostgreSQL prints them back


def js_json(value: Any) -> str:
    """JSON.stringify(value): no spaces, non-ASCII kept."""
    return json.dumps(_plain(value), separators=(",", ":"), ensure_ascii=False)


def jsonb_text(value: Any) -> str:
    return jsonb_output(_plain(value))


def pg_array_text(values: list[Any]) -> str:
    """A PostgreSQL array literal as array_out prints it: `{a,"b c",t}`."""
    parts = []
    for v in values:
        if isinstance(v, list):
            parts.append(pg_array_text(v))
        elif isinstance(v, bool):
            parts.append("t" if v else "f")
        elif isinstance(v, (int, float)):
            parts.append(js_number_text(v))
        elif v is None:
            parts.append("NULL")
        else:
            text = v if isinstance(v, str) else js_json(v)
            if text == "" or text.upper() == "NULL" or re.search(r'[{},"\\\s]', text):
                text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
            parts.append(text)
    return "{" + ",".join(parts) + "}"


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


_quote = quote_literal


def _has_opaque(value: Any) -> Opaque | None:
    if isinstance(value, Opaque):
        return value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _has_opaque(item)
            if found is not None:
                return found
    if not isinstance(value, (str, int, float, bool, list, dict)) and value is not None:
        return Opaque(f"a {type(value).__name__} is not a plain value")
    return None


# ---------------------------------------------------------------------------
# The reader


@dataclass
class _Col:
    """A column of a table as the mapper sees it before it becomes a model.Column."""

    key: str
    declared: str  # the name given to the builder, else the object key (drizzle's column.name)
    name: str  # the physical name (casing applied to key-named columns)
    builder: Builder


class _Table:
    def __init__(self, obj: TableObj, name: str, namespace: str, columns: list[_Col]) -> None:
        self.obj = obj
        self.name = name
        self.namespace = namespace
        self.columns = columns
        self.by_key = {c.key: c for c in columns}


class _Reader:
    def __init__(self, label: str, target: Path, entries: list[Path], config: DrizzleConfig, options: InspectOptions) -> None:
        self.label = label
        self.target = target
        self.entries = entries
        self.config = config
        self.options = options
        self.warnings: list[str] = []
        self._warned: set[str] = set()
        self.notes: list[str] = []
        self.project = Project(target.resolve(), self.warn)
        self.casing = _CASINGS.get(config.casing or "")
        if config.casing and self.casing is None:
            self.warn(None, f"unknown casing '{config.casing}' in {config.path}: column names are taken as written")
        self.tables: dict[int, _Table | None] = {}
        self.dialect = "postgresql"

    # -- reporting -----------------------------------------------------------

    def warn(self, loc: Loc | None, message: str) -> None:
        text = f"{loc.file}:{loc.line}: {message}" if loc is not None else message
        if text not in self._warned:
            self._warned.add(text)
            self.warnings.append(text)

    def warn_opaque(self, value: Opaque, where: Loc, what: str) -> None:
        self.warn(value.loc or where, f"{what}: {value.reason}")

    def origin(self, loc: Loc | None) -> model.Origin:
        if loc is None:
            return model.Origin(source=self.label)
        return model.Origin(source=self.label, file=loc.file, line=loc.line, column=loc.column)

    # -- collecting ------------------------------------------------------------

    def read(self) -> DrizzleProject:
        tables: list[TableObj] = []
        enums: list[EnumObj] = []
        relations: list[tuple[str, RelationsObj]] = []
        defined: list[tuple[str, DefineRelationsObj]] = []  # drizzle-orm 1.0's defineRelations()
        sequences: list[Builder] = []
        seen: set[int] = set()
        exported: dict[int, str] = {}  # table object -> the name it is exported under
        for path in self.entries:
            module = self.project.load(path)
            for name in module.exported_names():
                try:
                    value = module.export(name)
                except RecursionError:
                    self.warn(Loc(module.label, 1, 1), f"export '{name}' is too deeply nested to evaluate")
                    continue
                if id(value) in seen:
                    continue
                seen.add(id(value))
                if isinstance(value, TableObj):
                    tables.append(value)
                    exported[id(value)] = name
                elif isinstance(value, EnumObj):
                    enums.append(value)
                    exported[id(value)] = name
                elif isinstance(value, RelationsObj):
                    relations.append((name, value))
                elif isinstance(value, DefineRelationsObj):
                    defined.append((name, value))
                elif isinstance(value, Builder) and value.fn.name in ("pgView", "pgMaterializedView", "sqliteView", "mysqlView"):
                    self.warn(value.loc, f"view '{name}' is not read: views are not modelled from Drizzle schemas")
                elif isinstance(value, Builder) and value.fn.name in ("pgSequence", "sequence"):
                    sequences.append(value)
        problems = self.project.syntax_errors
        if problems and not tables and not enums:
            # Nothing could be read: an empty schema would pass for a database without tables.
            raise problems[0].bad_input()
        self.notes.extend(p.note() for p in problems)
        kinds = sorted({t.kind for t in tables})
        if len(kinds) > 1:
            self.warn(None, f"tables of several dialects ({', '.join(kinds)}); reading them as {DIALECTS[tables[0].kind]}")
        if tables:
            self.dialect = DIALECTS[tables[0].kind]
        elif self.config.dialect:
            self.dialect = {"postgresql": "postgresql", "sqlite": "sqlite", "turso": "sqlite", "mysql": "mysql"}.get(self.config.dialect, "postgresql")
        tables = [t for t in tables if DIALECTS[t.kind] == self.dialect]
        self.pg = self.dialect == "postgresql"
        self.default_ns = DEFAULT_NAMESPACE[self.dialect]
        self._enum_objs = enums
        schema = self._schema(tables, enums, sequences)
        rels = tuple(r for name, obj in relations for r in self._relations(name, obj))
        rels += tuple(r for name, obj in defined for r in self._defined_relations(name, obj))
        notes = tuple(self.notes) + tuple(self.warnings)
        schema = model.Schema(dialect=schema.dialect, namespaces=schema.namespaces, source=self.label, notes=notes).canonical()
        return DrizzleProject(schema=schema, relations=rels, warnings=tuple(self.warnings),
                              app_model=self._app_model(tables, exported, rels, schema, enums))

    def _app_model(self, tables: list[TableObj], exported: dict[int, str], rels: tuple[Relation, ...],
                   schema: model.Schema, enums: list[EnumObj] = ()) -> AppModel:
        """The names the code uses (migrator.appmodel): each table's export and property names,
        its relations() entries with fields as property names, and its $onUpdate columns."""
        found: dict[str, tuple[str, _Table, TableObj]] = {}
        for obj in tables:
            t = self.table(obj)
            if t is not None:
                found.setdefault(f"{t.namespace}.{t.name}", (exported.get(id(obj), t.name), t, obj))
        nullable = {(ns.name, tb.name, c.name): c.nullable for ns in schema.namespaces for tb in ns.tables for c in tb.columns}
        models = []
        for qualified, (name, t, obj) in found.items():
            keys = {c.name: c.key for c in t.columns}
            relations = []
            for r in rels:
                if r.table != qualified:
                    continue
                target = found.get(r.target or "")
                target_keys = {c.name: c.key for c in target[1].columns} if target else {}
                relations.append(AppRelation(
                    name=r.name,
                    target=target[0] if target else (r.target or ""),
                    many=r.kind == "many",
                    fields=tuple(keys.get(c, c) for c in r.fields),
                    references=tuple(target_keys.get(c, c) for c in r.references),
                    relation_name=r.relation_name,
                    optional=any(nullable.get((t.namespace, t.name, c), False) for c in r.fields),
                ))
            updated = tuple(c.key for c in t.columns if any(call.name in CLIENT_UPDATES for call in c.builder.calls))
            values = tuple((c.key, value_type(c.builder, self.dialect)) for c in t.columns)
            models.append(AppModelEntry(name, t.namespace, t.name, tuple((c.key, c.name) for c in t.columns),
                                        tuple(relations), obj.loc.file if obj.loc else None, updated,
                                        tuple(v for v in values if v[1])))
        enum_names = tuple(
            EnumName(e.schema or "public", pg_truncate(e.name), exported[id(e)], e.loc.file if e.loc else None)
            for e in enums if isinstance(e.name, str) and id(e) in exported)
        return AppModel(tuple(models), enums=enum_names)

    # -- tables -------------------------------------------------------------------

    def table(self, obj: TableObj) -> _Table | None:
        """The evaluated columns and physical names of a table object (memoised: references need them)."""
        if id(obj) in self.tables:
            return self.tables[id(obj)]
        self.tables[id(obj)] = None
        if not isinstance(obj.name, str):
            what = obj.name.reason if isinstance(obj.name, Opaque) else "the name is not a string"
            self.warn(obj.loc, f"table skipped: {what}")
            return None
        name = pg_truncate(obj.name) if self.pg else obj.name
        namespace = obj.schema or self.default_ns
        columns_value = obj.columns
        if isinstance(columns_value, JsFunction):
            # pgTable("x", (t) => ({ id: t.integer() })): t holds the dialect's column builders.
            from migrator.inspect._drizzle_js import DrizzleNamespace

            columns_value = call_function(columns_value, (DrizzleNamespace(f"drizzle-orm/{obj.kind}-core"),), obj.loc)
        if not isinstance(columns_value, dict):
            reason = columns_value.reason if isinstance(columns_value, Opaque) else "the columns are not an object literal"
            self.warn(obj.loc, f"table '{obj.name}' skipped: {reason}")
            return None
        columns = []
        for key, value in columns_value.items():
            if isinstance(value, Opaque):
                self.warn_opaque(value, obj.loc, f"table '{obj.name}': a column was left out")
                continue
            if not isinstance(value, Builder):
                self.warn(obj.loc, f"table '{obj.name}': '{key}' is not a column builder and was left out")
                continue
            types = COLUMN_TYPES[self.dialect]
            if value.fn.name not in types and value.fn.name not in ("enum", "custom", "mysqlEnum"):
                self.warn(value.loc, f"table '{obj.name}': unknown column builder '{value.fn.name}' for '{key}'; column left out")
                continue
            for call in value.calls:
                if call.name not in COLUMN_METHODS:
                    self.warn(call.loc, f"table '{obj.name}': unknown column method '.{call.name}()' on '{key}' ignored")
            declared = value.args[0] if value.args and isinstance(value.args[0], str) else key
            physical = declared
            if declared == key and self.casing is not None:
                physical = self.casing(key)  # docs/sql-schema-declaration#camel-and-snake-casing
            if self.pg:
                physical = pg_truncate(physical)
            columns.append(_Col(key, declared, physical, value))
        table = _Table(obj, name, namespace, columns)
        self.tables[id(obj)] = table
        return table

    def column_of(self, ref: ColumnRef, where: Loc) -> tuple[_Table, _Col] | None:
        table = self.table(ref.table)
        if table is None:
            return None
        col = table.by_key.get(ref.key)
        if col is None:
            self.warn(ref.loc or where, f"table '{table.name}' has no column '{ref.key}'")
            return None
        return table, col

    def _schema(self, objs: list[TableObj], enums: list[EnumObj], sequences: list[Builder]) -> model.Schema:
        namespaces: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        namespaces[self.default_ns]  # always listed, as the live readers list it
        self.used_enums: dict[int, EnumObj] = {}
        built: list[tuple[_Table, model.Table]] = []
        self.relation_names: dict[str, set[str]] = defaultdict(set)
        tables = [t for t in (self.table(o) for o in objs) if t is not None]
        for t in tables:
            self.relation_names[t.namespace].add(t.name)
        for t in tables:
            if not keep_table(t.name, self.options) or not keep_namespace(t.namespace, self.options):
                continue
            built.append((t, self._table(t, namespaces[t.namespace])))
        for t, table in built:
            namespaces[t.namespace]["tables"].append(table)
        if self.pg:
            listed = {id(e) for e in enums}
            for enum in enums + [e for key, e in self.used_enums.items() if key not in listed]:
                self._enum(enum, namespaces)
            for seq in sequences:
                self._sequence(seq, namespaces)
        out = []
        for name in sorted(namespaces):
            if not keep_namespace(name, self.options) and name != self.default_ns:
                continue
            parts = namespaces[name]
            out.append(
                model.Namespace(
                    name=name,
                    tables=tuple(parts["tables"]),
                    enums=tuple(parts["enums"]),
                    sequences=tuple(parts["sequences"]),
                )
            )
        return model.Schema(dialect=self.dialect, namespaces=tuple(out), source=self.label)

    def _enum(self, enum: EnumObj, namespaces: dict[str, dict[str, list]]) -> None:
        # docs/column-types/pg#enum: pgEnum creates CREATE TYPE "schema"."name" AS ENUM(...).
        values = enum.values
        if not isinstance(enum.name, str) or not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.warn(enum.loc, "enum skipped: its name or values cannot be read statically")
            return
        ns = enum.schema or "public"
        if not keep_namespace(ns, self.options):
            return
        existing = {e.name for e in namespaces[ns]["enums"]}
        name = pg_truncate(enum.name)
        if name not in existing:
            namespaces[ns]["enums"].append(model.EnumType(name=name, values=tuple(values), origin=self.origin(enum.loc)))

    def _sequence(self, seq: Builder, namespaces: dict[str, dict[str, list]]) -> None:
        # docs/sql-schema-declaration#declaring-sequences: pgSequence(name, { startWith, increment, ... }).
        name = seq.args[0] if seq.args and isinstance(seq.args[0], str) else None
        if name is None:
            self.warn(seq.loc, "sequence skipped: its name cannot be read statically")
            return
        opts = seq.args[1] if len(seq.args) > 1 and isinstance(seq.args[1], dict) else {}
        increment = _int(opts.get("increment"), 1)
        low, high = _INT_RANGE["bigint"]
        min_value = _int(opts.get("minValue"), None)
        max_value = _int(opts.get("maxValue"), None)
        start = _int(opts.get("startWith"), None)
        if start is None:
            start = (min_value if min_value is not None else 1) if increment > 0 else (max_value if max_value is not None else -1)
        namespaces["public"]["sequences"].append(
            model.Sequence(
                name=pg_truncate(name),
                data_type="bigint",
                start=start,
                increment=increment,
                min_value=None if min_value in (None, 1 if increment > 0 else low) else min_value,
                max_value=None if max_value in (None, high if increment > 0 else -1) else max_value,
                cycle=bool(opts.get("cycle")),
                cache=_int(opts.get("cache"), 1) or 1,
                origin=self.origin(seq.loc),
            )
        )

    def _table(self, t: _Table, ns: dict[str, list]) -> model.Table:
        origin = self.origin(t.obj.loc)
        columns, uniques, indexes, fks, checks = [], [], [], [], []
        pk: model.PrimaryKey | None = None
        inline_pk = [c for c in t.columns if c.builder.has("primaryKey")]
        for col in t.columns:
            column, extra = self._column(t, col, len(inline_pk) == 1, ns)
            columns.append(column)
            unique = col.builder.call("unique")
            if unique is not None:
                # docs/indexes-constraints#unique: .unique() is "<table>_<column>_unique" (the name
                # as declared: casing is not applied to it), or the name given.
                given = unique.args[0] if unique.args and isinstance(unique.args[0], str) else None
                name = given or f"{t.obj.name}_{col.declared}_unique"
                # .unique(name, { nulls: "not distinct" }): UNIQUE NULLS NOT DISTINCT.
                config = unique.args[1] if len(unique.args) > 1 and isinstance(unique.args[1], dict) else {}
                self._unique(t, name, (col.name,), self.origin(unique.loc), uniques, indexes,
                             nulls_not_distinct=config.get("nulls") == "not distinct")
            ref = col.builder.call("references")
            if ref is not None:
                fk = self._references(t, col, ref)
                if fk is not None:
                    fks.append(fk)
        if len(inline_pk) == 1:
            # An inline PRIMARY KEY: PostgreSQL names it <table>_pkey; SQLite keeps no name.
            pk_name = pg_object_name(t.name, None, "pkey") if self.pg else None
            pk = model.PrimaryKey((inline_pk[0].name,), pk_name, origin=self.origin(inline_pk[0].builder.call("primaryKey").loc))
        elif len(inline_pk) > 1:
            self.warn(inline_pk[1].builder.loc, f"table '{t.name}': .primaryKey() on several columns makes invalid SQL; use primaryKey({{ columns }})")
        for item, loc in self._extras(t):
            name = item.fn.name
            if name in IGNORED_EXTRAS:
                self.notes.append(f"{loc.file}:{loc.line}: {name} on '{t.name}' is not part of the schema model")
            elif name == "primaryKey":
                made = self._primary_key(t, item)
                if made is not None:
                    if pk is not None:
                        self.warn(item.loc, f"table '{t.name}' declares a second primary key; the first is kept")
                    else:
                        pk = made
            elif name in ("index", "uniqueIndex"):
                index = self._index(t, item)
                if index is not None:
                    indexes.append(index)
            elif name == "unique":
                on = item.call("on")
                cols = self._refs(t, on.args if on else (), item.loc)
                if cols:
                    given = item.args[0] if item.args and isinstance(item.args[0], str) else None
                    declared = [c.declared for c in cols]
                    self._unique(t, given or f"{t.obj.name}_{'_'.join(declared)}_unique", tuple(c.name for c in cols), self.origin(item.loc), uniques, indexes,
                                 nulls_not_distinct=item.has("nullsNotDistinct"))
            elif name == "foreignKey":
                fk = self._foreign_key(t, item)
                if fk is not None:
                    fks.append(fk)
            elif name == "check":
                check = self._check(t, item)
                if check is not None:
                    checks.append(check)
            else:
                self.warn(item.loc, f"table '{t.name}': unknown table extra '{name}' left out")
        if pk is not None and self.dialect != "sqlite":
            # PRIMARY KEY makes its columns NOT NULL (SQLite keeps them nullable unless declared).
            columns = [dataclasses.replace(c, nullable=False) if c.name in pk.columns else c for c in columns]
        return model.Table(
            name=t.name,
            columns=tuple(columns),
            primary_key=pk,
            uniques=tuple(uniques),
            indexes=tuple(indexes),
            foreign_keys=tuple(fks),
            checks=tuple(checks),
            row_security=bool(getattr(t.obj, "row_security", False)),
            origin=origin,
        )

    def _extras(self, t: _Table) -> list[tuple[Builder, Loc]]:
        """The builders of the extras callback, in its object form or its array form."""
        extras = t.obj.extras
        if extras is None:
            return []
        if isinstance(extras, JsFunction):
            extras = call_function(extras, (t.obj,), t.obj.loc)
        if isinstance(extras, dict):
            items = list(extras.values())
        elif isinstance(extras, list):
            items = extras
        else:
            reason = extras.reason if isinstance(extras, Opaque) else "the extras are not an object or array"
            self.warn(getattr(extras, "loc", None) or t.obj.loc, f"table '{t.name}': indexes and constraints left out: {reason}")
            return []
        out = []
        for item in items:
            if isinstance(item, Builder) and (item.fn.name in EXTRA_BUILDERS or item.fn.name in IGNORED_EXTRAS):
                out.append((item, item.loc))
            elif isinstance(item, Builder):
                self.warn(item.loc, f"table '{t.name}': unknown table extra '{item.fn.name}' left out")
            elif isinstance(item, Opaque):
                self.warn_opaque(item, t.obj.loc, f"table '{t.name}': an index or constraint was left out")
            else:
                self.warn(t.obj.loc, f"table '{t.name}': an extra that is not an index or constraint was left out")
        return out

    # -- columns ------------------------------------------------------------------

    def _column(self, t: _Table, col: _Col, single_pk: bool, ns: dict[str, list]) -> tuple[model.Column, None]:
        b = col.builder
        config = next((a for a in b.args if isinstance(a, dict)), {})
        sql_type = self._type(t, col, config)
        is_pk = b.has("primaryKey") and single_pk
        # docs/column-types/pg: .notNull(); .primaryKey() implies NOT NULL (drizzle-kit writes both).
        nullable = not (b.has("notNull") or b.has("primaryKey"))
        default: model.Default | None = None
        identity: model.Identity | None = None
        generated: str | None = None
        name = b.fn.name
        if self.pg and name in PG_SERIALS:
            # docs/column-types/pg#serial: PostgreSQL makes an owned sequence <table>_<column>_seq.
            nullable = False
            seq = self._sequence_name(t, col.name)
            default = model.Default("sequence", f"{t.namespace}.{seq}")
            ns["sequences"].append(
                model.Sequence(name=seq, data_type=sql_type.name, owned_by=f"{t.name}.{col.name}", origin=self.origin(b.loc))
            )
        identity_call = next((c for c in reversed(b.calls) if c.name in IDENTITY_CALLS), None)
        if identity_call is not None and self.pg:
            # docs/column-types/pg#identity-columns: GENERATED ... AS IDENTITY, NOT NULL by definition.
            opts = identity_call.args[0] if identity_call.args and isinstance(identity_call.args[0], dict) else {}
            increment = _int(opts.get("increment"), 1)
            low, high = _INT_RANGE.get(sql_type.name, _INT_RANGE["integer"])
            min_value = _int(opts.get("minValue"), 1 if increment > 0 else low)
            max_value = _int(opts.get("maxValue"), high if increment > 0 else -1)
            start = _int(opts.get("startWith"), min_value if increment > 0 else max_value)
            identity = model.Identity(IDENTITY_CALLS[identity_call.name], start, increment)
            nullable = False
        generated_call = b.call("generatedAlwaysAs")
        if generated_call is not None:
            generated = self._generated(t, generated_call)
        if default is None and identity is None and generated is None:
            default = self._default(t, col, sql_type, config)
        if not self.pg and is_pk and sql_type.name == "integer" and not sql_type.array and self.dialect == "sqlite":
            # docs/column-types/sqlite#integer: an INTEGER PRIMARY KEY is the rowid; with
            # primaryKey({ autoIncrement: true }) SQLite's AUTOINCREMENT.
            pk_call = b.call("primaryKey")
            auto = bool(pk_call and pk_call.args and isinstance(pk_call.args[0], dict) and pk_call.args[0].get("autoIncrement"))
            identity = model.Identity("autoincrement" if auto else "rowid")
            nullable = False
        if self.dialect == "mysql" and name == "serial":
            identity, nullable = model.Identity("by_default"), False
        if self.dialect == "mysql" and b.has("autoincrement"):
            identity = model.Identity("by_default")
        return (
            model.Column(
                name=col.name,
                type=sql_type,
                nullable=nullable,
                default=default,
                identity=identity,
                generated=generated,
                origin=self.origin(b.loc),
            ),
            None,
        )

    def _type(self, t: _Table | None, col: _Col, config: dict) -> model.SqlType:
        b = col.builder
        array = b.has("array")
        if b.fn.name == "enum" and isinstance(b.base, EnumObj):
            enum = b.base
            self.used_enums.setdefault(id(enum), enum)
            if not any(enum is e for e in self._enum_objs) and isinstance(enum.name, str):
                self.warn(enum.loc, f"enum '{enum.name}' is used by column '{col.name}' but not exported; drizzle-kit may not create it")
            name = pg_truncate(enum.name) if isinstance(enum.name, str) else "unknown"
            return enum_type(f"{enum.schema or 'public'}.{name}", array=array)
        if b.fn.name == "custom":
            text = self._custom_type(b, config)
            return parse_type(text, self.dialect) if text else model.SqlType("unknown")
        if b.fn.name == "mysqlEnum":
            # mysqlEnum("role", [...]) or, named by its key, mysqlEnum([...]).
            values = next((a for a in b.args if isinstance(a, list)), [])
            return parse_type("enum(" + ",".join(_quote(str(v)) for v in values) + ")", "mysql")
        text = COLUMN_TYPES[self.dialect][b.fn.name](config)
        sql_type = parse_type(text, self.dialect)
        if array:
            sql_type = model.SqlType(**{**sql_type.__dict__, "array": True})
        return sql_type

    def _custom_type(self, b: Builder, config: dict) -> str | None:
        # docs/custom-types: customType({ dataType(config) { return "citext" } }).
        maker = b.base
        spec = maker.args[0] if isinstance(maker, Builder) and maker.args and isinstance(maker.args[0], dict) else {}
        data_type = spec.get("dataType")
        if isinstance(data_type, JsFunction):
            text = call_function(data_type, (config,), b.loc)
            if isinstance(text, str):
                return text
        self.warn(b.loc, "the data type of a customType column cannot be read statically")
        return None

    def _sequence_name(self, t: _Table, column: str) -> str:
        """The sequence name PostgreSQL picks for a serial column (ChooseRelationName: numbered on collision)."""
        used = self.relation_names[t.namespace]
        label, attempt = "seq", 0
        while True:
            name = pg_object_name(t.name, column, label)
            if name not in used:
                used.add(name)
                return name
            attempt += 1
            label = f"seq{attempt}"

    def _default(self, t: _Table, col: _Col, sql_type: model.SqlType, config: dict) -> model.Default | None:
        b = col.builder
        for call in reversed(b.calls):
            if call.name == "defaultNow":
                # docs/column-types/pg#timestamp: .defaultNow() is DEFAULT now().
                return classify_default("now()", self.dialect)
            if call.name == "defaultRandom":
                # docs/column-types/pg#uuid: .defaultRandom() is DEFAULT gen_random_uuid().
                return classify_default("gen_random_uuid()", self.dialect)
            if call.name == "default":
                value = call.args[0] if call.args else None
                return self._default_value(t, col, sql_type, value, call.loc)
        if self.dialect == "mysql" and b.has("onUpdateNow"):
            return None
        # docs/column-types/pg#default-value: $defaultFn/$default and $onUpdate run in the
        # application; a database default, when there is one, wins (it was returned above).
        for names in (CLIENT_DEFAULTS, CLIENT_UPDATES):
            call = next((c for c in reversed(b.calls) if c.name in names), None)
            if call is not None:
                return model.Default("client", f"{call.name}({' '.join(call.source.split())})")
        return None

    def _default_value(self, t: _Table, col: _Col, sql_type: model.SqlType, value: Any, loc: Loc) -> model.Default | None:
        if isinstance(value, SqlTemplate):
            text = self.render_sql(t, value, "default")
            return classify_default(text, self.dialect, "public" if self.pg else None) if text is not None else None
        missing = _has_opaque(value)
        if missing is not None:
            self.warn(missing.loc or loc, f"default of '{t.name}.{col.name}' left out: {missing.reason}")
            return None
        kind = sql_type.name
        if self.dialect != "postgresql":
            # drizzle-kit (sqlite): strings quoted, objects and arrays as JSON text, the rest as written.
            if isinstance(value, str):
                return classify_default(_quote(value), self.dialect)
            if isinstance(value, (dict, list)):
                return classify_default(_quote(js_json(value)), self.dialect)
            return classify_default(_literal_text(value), self.dialect)
        # PostgreSQL coerces the constant drizzle-kit writes to the column type and prints it back.
        if sql_type.array and isinstance(value, list):
            return model.Default("literal", _quote(pg_array_text(value)))
        if kind in ("json", "jsonb"):
            if isinstance(value, str):
                try:
                    parsed = json.loads(value)
                except ValueError:
                    return model.Default("literal", _quote(value))
                return model.Default("literal", _quote(jsonb_text(parsed) if kind == "jsonb" else value))
            return model.Default("literal", _quote(jsonb_text(value) if kind == "jsonb" else js_json(value)))
        if kind in _NUMERIC_KINDS and not sql_type.array and (isinstance(value, (int, float)) and not isinstance(value, bool) or _is_number_text(value)):
            # A quoted number ('5', as drizzle-kit writes numeric defaults) is coerced to a number.
            number = value.strip() if isinstance(value, str) else js_number_text(value)
            return classify_default(number, self.dialect)
        if kind == "boolean" and isinstance(value, (bool, str)):
            word = {True: "true", False: "false"}.get(value) if isinstance(value, bool) else _BOOLEAN_WORDS.get(value.lower())
            if word is not None:
                return model.Default("literal", word)
        if kind in _TEXT_KINDS and isinstance(value, (int, float)) and not isinstance(value, bool):
            return model.Default("literal", _quote(js_number_text(value)))
        if isinstance(value, str):
            return model.Default("literal", _quote(value))
        if isinstance(value, (dict, list)):
            return model.Default("literal", _quote(js_json(value)))
        return classify_default(_literal_text(value), self.dialect)

    def _generated(self, t: _Table, call: Any) -> str | None:
        # docs/generated-columns: generatedAlwaysAs(sql`...` | () => sql`...` | "text").
        value = call.args[0] if call.args else None
        if isinstance(value, JsFunction):
            value = call_function(value, (), call.loc)
        if isinstance(value, str):
            return value
        if isinstance(value, SqlTemplate):
            return self.render_sql(t, value, "generated")
        self.warn(call.loc, f"generated expression on '{t.name}' cannot be read statically")
        return None

    # -- SQL text -------------------------------------------------------------------

    def _sql_key(self, t: _Table, text: str) -> model.IndexElement:
        """A sql`` index key: what follows the expression at its top level — an operator class,
        ASC/DESC, NULLS FIRST/LAST — is the key's (sql`lower(${t.email}) text_pattern_ops`,
        sql`${t.created} desc`, the forms drizzle's docs give for what .on() cannot say),
        and a key that is then a bare column is that column."""
        expression, opclass, descending, nulls = split_key_suffix(text)
        nulls_first = None
        if nulls is not None and self.pg:
            nulls_first = None if nulls == descending else nulls  # PostgreSQL's default for the direction
        if opclass is not None and self.pg:
            opclass = canonical_opclass("btree", opclass) or opclass
        elif not self.pg:
            opclass = None
        bare = re.fullmatch(r'"([^"]+)"|([A-Za-z_][A-Za-z0-9_$]*)', expression)
        if bare is not None and any(c.name == (bare.group(1) or bare.group(2)) for c in t.columns):
            return model.IndexElement(column=bare.group(1) or bare.group(2), descending=descending,
                                      nulls_first=nulls_first, opclass=opclass)
        return model.IndexElement(expression=expression, descending=descending, nulls_first=nulls_first, opclass=opclass)

    def render_sql(self, t: _Table, sql: SqlTemplate, context: str) -> str | None:
        """The SQL of a sql`` template, as the database will show it back.

        PostgreSQL deparses expressions, so column references come back bare (quoted only
        when needed); SQLite keeps the text drizzle-kit wrote, which qualifies columns with
        their table ("posts"."title") except in index keys, defaults and generated columns
        (checked against drizzle-kit's snapshots: tests/inspect/test_drizzle_snapshot_oracle.py).
        """
        parts = [sql.strings[0]]
        for value, text in zip(sql.values, sql.strings[1:]):
            if isinstance(value, ColumnRef):
                found = self.column_of(value, sql.loc)
                if found is None:
                    return None
                table, col = found
                if self.pg or context in ("index", "default", "generated"):
                    parts.append(quote_ident(col.name) if self.pg else f'"{col.name}"')
                else:
                    parts.append(f'"{table.name}"."{col.name}"')
            elif isinstance(value, SqlTemplate):
                inner = self.render_sql(t, value, context)
                if inner is None:
                    return None
                parts.append(inner)
            elif isinstance(value, TableObj):
                table = self.table(value)
                if table is None:
                    return None
                parts.append(quote_ident(table.name) if self.pg else f'"{table.name}"')
            elif isinstance(value, (str, int, float, bool)) or value is None:
                parts.append(_quote(value) if isinstance(value, str) else _literal_text(value))
            else:
                reason = value.reason if isinstance(value, Opaque) else "an interpolated value is not known statically"
                self.warn(getattr(value, "loc", None) or sql.loc, f"SQL in '{t.name}' cannot be read: {reason}")
                return None
            parts.append(text)
        out = unwrap_parens(" ".join("".join(parts).split()))
        return _pretty_casts(out) if self.pg else out

    # -- keys and indexes -----------------------------------------------------------

    def _refs(self, t: _Table, values: Any, loc: Loc) -> list[_Col]:
        cols = []
        for value in values:
            if isinstance(value, ColumnRef):
                found = self.column_of(value, loc)
                if found is None:
                    return []
                cols.append(found[1])
            else:
                self.warn(loc, f"table '{t.name}': a key column is not a column of the table")
                return []
        return cols

    def _unique(self, t: _Table, name: str, columns: tuple[str, ...], origin: model.Origin, uniques: list, indexes: list,
                *, nulls_not_distinct: bool = False) -> None:
        if self.dialect == "sqlite":
            # drizzle-kit (sqlite) makes every unique constraint a CREATE UNIQUE INDEX of that name.
            elements = tuple(model.IndexElement(column=c) for c in columns)
            indexes.append(model.Index(name=name, elements=elements, unique=True, origin=origin))
        else:
            uniques.append(model.UniqueConstraint(name=pg_truncate(name) if self.pg else name, columns=columns,
                                                  nulls_not_distinct=nulls_not_distinct and self.pg, origin=origin))

    def _primary_key(self, t: _Table, item: Builder) -> model.PrimaryKey | None:
        # docs/indexes-constraints#composite-primary-key: primaryKey({ columns, name }) is
        # "<table>_<columns>_pk" unless named; the older primaryKey(t.a, t.b) form too.
        first = item.args[0] if item.args else None
        if isinstance(first, dict):
            refs, given = first.get("columns") or [], first.get("name")
        else:
            refs, given = list(item.args), None
        cols = self._refs(t, refs if isinstance(refs, list) else [], item.loc)
        if not cols:
            return None
        names = tuple(c.name for c in cols)
        if self.dialect == "sqlite":
            return model.PrimaryKey(names, None, origin=self.origin(item.loc))
        name = given if isinstance(given, str) else _cased_name(
            f"{t.obj.name}_{'_'.join(c.declared for c in cols)}_pk", [(c.declared, c.name) for c in cols], self.casing
        )
        return model.PrimaryKey(names, pg_truncate(name) if self.pg else name, origin=self.origin(item.loc))

    def _references(self, t: _Table, col: _Col, call: Any) -> model.ForeignKey | None:
        # docs/indexes-constraints#foreign-key: .references(() => other.id, { onDelete, onUpdate }).
        target = call.args[0] if call.args else None
        if isinstance(target, JsFunction):
            target = call_function(target, (), call.loc)
        opts = call.args[1] if len(call.args) > 1 and isinstance(call.args[1], dict) else {}
        if not isinstance(target, ColumnRef):
            reason = target.reason if isinstance(target, Opaque) else "it does not return a column"
            self.warn(call.loc, f"reference of '{t.name}.{col.name}' left out: {reason}")
            return None
        found = self.column_of(target, call.loc)
        if found is None:
            return None
        ref_table, ref_col = found
        return self._fk(t, [col], ref_table, [ref_col], opts.get("name"), opts.get("onDelete"), opts.get("onUpdate"), call.loc)

    def _foreign_key(self, t: _Table, item: Builder) -> model.ForeignKey | None:
        spec = item.args[0] if item.args and isinstance(item.args[0], dict) else {}
        cols = self._refs(t, spec.get("columns") or [], item.loc)
        foreign = spec.get("foreignColumns") or []
        refs = [self.column_of(r, item.loc) if isinstance(r, ColumnRef) else None for r in foreign]
        if not cols or not refs or any(r is None for r in refs):
            self.warn(item.loc, f"table '{t.name}': foreignKey() whose columns cannot be read was left out")
            return None
        on_delete = item.call("onDelete")
        on_update = item.call("onUpdate")
        return self._fk(
            t,
            cols,
            refs[0][0],
            [r[1] for r in refs],
            spec.get("name"),
            on_delete.args[0] if on_delete and on_delete.args else None,
            on_update.args[0] if on_update and on_update.args else None,
            item.loc,
        )

    def _fk(self, t: _Table, cols: list[_Col], ref: _Table, ref_cols: list[_Col], given: Any, on_delete: Any, on_update: Any, loc: Loc) -> model.ForeignKey:
        name: str | None = None
        if self.dialect != "sqlite":
            # drizzle-orm's ForeignKey.getName(): <table>_<columns>_<ref table>_<ref columns>_fk,
            # with casing applied the way drizzle-kit does (first occurrence of each column name).
            name = given if isinstance(given, str) else _cased_name(
                "_".join([t.obj.name, *(c.declared for c in cols), ref.obj.name, *(c.declared for c in ref_cols)]) + "_fk",
                [(c.declared, c.name) for c in cols] + [(c.declared, c.name) for c in ref_cols],
                self.casing,
            )
            name = pg_truncate(name) if self.pg else name
        return model.ForeignKey(
            name=name,
            columns=tuple(c.name for c in cols),
            ref_table=ref.name,
            ref_columns=tuple(c.name for c in ref_cols),
            ref_schema=ref.namespace if self.pg else None,
            on_delete=_action(on_delete),
            on_update=_action(on_update),
            origin=self.origin(loc),
        )

    def _index(self, t: _Table, item: Builder) -> model.Index | None:
        # docs/indexes-constraints#indexes: index(name).on(...) / .using(method, ...) / .where(sql).
        on = next((c for c in reversed(item.calls) if c.name in ("on", "onOnly", "using")), None)
        keys = list(on.args) if on else []
        method = "btree"
        if on is not None and on.name == "using":
            method = str(keys.pop(0)).lower() if keys and isinstance(keys[0], str) else "btree"
        given = item.args[0] if item.args and isinstance(item.args[0], str) else None
        elements, names = [], []
        for key in keys:
            if isinstance(key, ColumnRef):
                found = self.column_of(key, item.loc)
                if found is None:
                    return None
                col = found[1]
                names.append(col.name)
                descending = key.order == "desc"
                nulls_first = None
                if self.pg:
                    # drizzle-orm's index columns default to NULLS LAST in both directions, and
                    # drizzle-kit writes it: `.desc()` alone is DESC NULLS LAST (not PostgreSQL's default).
                    first = key.nulls == "first"
                    nulls_first = None if first == descending else first
                opclass = canonical_opclass(method, key.opclass) if self.pg else None
                if self.pg and key.opclass is not None and opclass is None and method in ("btree", "hash"):
                    own = own_default_opclass(self._type_of(col))
                    if own is not None and own != key.opclass:
                        self.notes.append(
                            f"{key.loc.file}:{key.loc.line}: index '{given or '?'}' on '{t.name}': {key.opclass} is not the "
                            f"operator class of '{col.name}' ({own}); read as its default (drizzle-kit pull mixes them up)"
                        )
                elements.append(model.IndexElement(column=col.name, descending=descending, nulls_first=nulls_first, opclass=opclass))
            elif isinstance(key, SqlTemplate):
                text = self.render_sql(t, key, "index")
                if text is None:
                    return None
                elements.append(self._sql_key(t, text))
            else:
                self.warn(item.loc, f"table '{t.name}': an index key cannot be read; index left out")
                return None
        if not elements:
            self.warn(item.loc, f"table '{t.name}': an index without columns was left out")
            return None
        if given is None:
            if not self.pg or len(names) != len(elements):
                # drizzle-kit names only PostgreSQL indexes on plain columns (and fails otherwise).
                self.warn(item.loc, f"table '{t.name}': drizzle-kit needs a name for this index; left out")
                return None
            given = f"{t.name}_{'_'.join(names)}_index"
        where_call = item.call("where")
        where = None
        if where_call is not None:
            condition = where_call.args[0] if where_call.args else None
            if not isinstance(condition, SqlTemplate):
                # Without its predicate the index would read as a different, total one.
                reason = condition.reason if isinstance(condition, Opaque) else "the condition is not SQL"
                self.warn(where_call.loc, f"table '{t.name}': index '{given}' left out, its WHERE cannot be read: {reason}")
                return None
            where = self.render_sql(t, condition, "where")
            if where is None:
                return None
        return model.Index(
            name=pg_truncate(given) if self.pg else given,
            elements=tuple(elements),
            unique=item.fn.name == "uniqueIndex",
            method=method if self.pg else "btree",
            where=where,
            origin=self.origin(item.loc),
        )

    def _type_of(self, col: _Col) -> model.SqlType:
        config = next((a for a in col.builder.args if isinstance(a, dict)), {})
        return self._type(None, col, config)

    def _check(self, t: _Table, item: Builder) -> model.CheckConstraint | None:
        # docs/indexes-constraints#check: check(name, sql`...`).
        name = item.args[0] if item.args and isinstance(item.args[0], str) else None
        sql = item.args[1] if len(item.args) > 1 else None
        if name is None or not isinstance(sql, SqlTemplate):
            self.warn(item.loc, f"table '{t.name}': check() without a name and a sql`` expression left out")
            return None
        text = self.render_sql(t, sql, "check")
        if text is None:
            return None
        return model.CheckConstraint(name=pg_truncate(name) if self.pg else name, expression=text, origin=self.origin(item.loc))

    # -- relations ------------------------------------------------------------------

    def _relations(self, export: str, obj: RelationsObj) -> list[Relation]:
        # docs/relations: relations(table, ({ one, many }) => ({ name: one(target, { fields, references }) })).
        if not isinstance(obj.table, TableObj) or not isinstance(obj.callback, JsFunction):
            self.warn(obj.loc, f"relations '{export}' cannot be read statically")
            return []
        table = self.table(obj.table)
        if table is None:
            return []
        result = call_function(obj.callback, ({"one": RelationHelper("one"), "many": RelationHelper("many")},), obj.loc)
        if not isinstance(result, dict):
            self.warn(obj.loc, f"relations '{export}' do not return an object literal")
            return []
        out = []
        for name, decl in result.items():
            if not isinstance(decl, RelationDecl):
                self.warn(obj.loc, f"relation '{name}' of '{export}' cannot be read statically")
                continue
            target = self.table(decl.args[0]) if decl.args and isinstance(decl.args[0], TableObj) else None
            config = decl.args[1] if len(decl.args) > 1 and isinstance(decl.args[1], dict) else {}
            fields = self._relation_columns(config.get("fields"), decl.loc)
            references = self._relation_columns(config.get("references"), decl.loc)
            relation_name = config.get("relationName")
            out.append(
                Relation(
                    table=f"{table.namespace}.{table.name}",
                    name=name,
                    kind=decl.kind,
                    target=f"{target.namespace}.{target.name}" if target is not None else None,
                    fields=fields,
                    references=references,
                    relation_name=relation_name if isinstance(relation_name, str) else None,
                    origin=self.origin(decl.loc),
                )
            )
        return out

    def _defined_relations(self, export: str, obj: DefineRelationsObj) -> list[Relation]:
        # drizzle-orm 1.0: defineRelations(schema, (r) => ({ users: { posts: r.many.posts() }, posts: { author:
        # r.one.users({ from: r.posts.authorId, to: r.users.id, alias?, optional?, where? }) } })). The keys are
        # the schema object's keys (its table exports for `import * as schema`).
        schema = obj.schema
        if isinstance(schema, ModuleNamespace):
            names = schema.module.exported_names()
            schema = {n: schema.module.export(n) for n in names}
        if not isinstance(schema, dict):
            self.warn(obj.loc, f"defineRelations '{export}': its schema argument cannot be read statically")
            return []
        tables = {key: value for key, value in schema.items() if isinstance(value, TableObj)}
        if obj.callback is None:
            return []
        if not isinstance(obj.callback, JsFunction):
            self.warn(obj.loc, f"defineRelations '{export}': its callback cannot be read statically")
            return []
        result = call_function(obj.callback, (RelationsBuilderObj(tables),), obj.loc)
        if not isinstance(result, dict):
            self.warn(obj.loc, f"defineRelations '{export}' does not return an object literal")
            return []
        out = []
        for key, entries in result.items():
            source = tables.get(key)
            table = self.table(source) if source is not None else None
            if table is None or not isinstance(entries, dict):
                self.warn(obj.loc, f"defineRelations '{export}': '{key}' is not a table of its schema")
                continue
            for name, decl in entries.items():
                if not isinstance(decl, RelationDeclV2):
                    self.warn(obj.loc, f"relation '{name}' of '{key}' in '{export}' cannot be read statically")
                    continue
                if decl.config.get("where") is not None:
                    # A filtered relation (`r.many.posts({ where: { published: true } })`) loads and filters
                    # only some related rows: it is no Prisma relation field, so no codemod maps one to it.
                    continue
                target = self.table(decl.table) if isinstance(decl.table, TableObj) else None
                alias = decl.config.get("alias")
                out.append(Relation(
                    table=f"{table.namespace}.{table.name}",
                    name=name,
                    kind=decl.kind,
                    target=f"{target.namespace}.{target.name}" if target is not None else None,
                    fields=self._relation_columns(self._column_list(decl.config.get("from")), decl.loc),
                    references=self._relation_columns(self._column_list(decl.config.get("to")), decl.loc),
                    relation_name=alias if isinstance(alias, str) else None,
                    origin=self.origin(decl.loc),
                ))
        return out

    @staticmethod
    def _column_list(value: Any) -> Any:
        """`r.posts.authorId` or `[r.a.x, r.a.y]` as a list of column references; a junction column
        (`r.users.id.through(r.usersToGroups.userId)`) stands for its own column."""
        items = value if isinstance(value, list) else [value] if value is not None else []
        return [item.column if isinstance(item, ThroughRef) else item for item in items]

    def _relation_columns(self, refs: Any, loc: Loc) -> tuple[str, ...]:
        if not isinstance(refs, list):
            return ()
        names = []
        for ref in refs:
            found = self.column_of(ref, loc) if isinstance(ref, ColumnRef) else None
            if found is not None:
                names.append(found[1].name)
        return tuple(names)


# ---------------------------------------------------------------------------
# Small helpers

_KEY_SUFFIX = re.compile(
    r"^(?P<expr>.*?)"
    r"(?:(?<=[)\"\w])\s+(?P<opclass>(?!(?:asc|desc|nulls)\b)[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?))?"
    r"(?:\s+(?P<order>asc|desc))?"
    r"(?:\s+nulls\s+(?P<nulls>first|last))?\s*$",
    re.IGNORECASE | re.DOTALL,
)


def split_key_suffix(text: str) -> tuple[str, str | None, bool, bool | None]:
    """`lower(email) text_pattern_ops DESC NULLS LAST` -> ("lower(email)", "text_pattern_ops",
    True, False): an index key's expression and what follows it at its top level. Only a word
    right after a closing parenthesis, a quoted name or a word can be an operator class, so
    `a + b` keeps its `b`; nothing inside parentheses or quotes is looked at."""
    m = _KEY_SUFFIX.match(text.strip())
    if m is None or not m.group("expr").strip() or not balanced(m.group("expr")):
        return text.strip(), None, False, None
    expression = m.group("expr").strip()
    opclass = m.group("opclass")
    if opclass is not None and not re.search(r'[)"]$', expression) and not re.fullmatch(r"[A-Za-z_][\w$]*", expression):
        # `a + b`: the last word belongs to the expression
        expression, opclass = f"{expression} {opclass}", None
    nulls = m.group("nulls")
    return (expression, opclass, (m.group("order") or "").lower() == "desc",
            None if nulls is None else nulls.lower() == "first")




_BOOLEAN_WORDS = {"true": "true", "t": "true", "yes": "true", "on": "true", "1": "true",
                  "false": "false", "f": "false", "no": "false", "off": "false", "0": "false"}
_NUMBER_TEXT = re.compile(r"^\s*[-+]?(?:\d+\.?\d*|\.\d+)\s*$")


def _is_number_text(value: Any) -> bool:
    return isinstance(value, str) and bool(_NUMBER_TEXT.match(value))


_PAREN_CAST = re.compile(r'\((\w+|"[^"]+")\)(?=::)')
_QUOTED = re.compile(r"('(?:[^']|'')*')")


def _pretty_casts(text: str) -> str:
    """`(email)::text` as `email::text`: drizzle-kit pull copies PostgreSQL's plain deparse
    (pg_get_expr without pretty), which parenthesises a cast column; the live reader's pretty
    one does not. String literals are left alone."""
    return "".join(part if i % 2 else _PAREN_CAST.sub(r"\1", part) for i, part in enumerate(_QUOTED.split(text)))


def _literal_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "NULL"
    if isinstance(value, (int, float)):
        return js_number_text(value)
    return str(value)


def _int(value: Any, fallback: Any) -> Any:
    if isinstance(value, bool):
        return fallback
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return fallback


def _action(value: Any) -> str:
    # docs/indexes-constraints#foreign-key: 'cascade' | 'restrict' | 'no action' | 'set null' | 'set default'.
    if isinstance(value, str):
        return _REFERENTIAL.get(" ".join(value.lower().split()), "NO ACTION")
    return "NO ACTION"


def _cased_name(name: str, columns: list[tuple[str, str]], casing: Callable[[str], str] | None) -> str:
    """drizzle-kit's renaming of generated names under `casing`: String.replace, first occurrence only."""
    if casing is None:
        return name
    for declared, physical in columns:
        name = name.replace(declared, physical, 1)
    return name


__all__ = ["DrizzleConfig", "DrizzleProject", "Relation", "find_config", "load", "read_project"]
