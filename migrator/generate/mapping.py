"""The mapping table, as data: how migrator's schema model becomes drizzle-orm and SQLAlchemy code.

One place says, per dialect (postgresql -> drizzle-orm/pg-core, sqlite -> drizzle-orm/sqlite-core):

- COLUMN_TYPES: each canonical type kind (migrator.schema.SqlType.name) -> the column
  builder and which SqlType attributes become which keys of its config object;
  SERIAL_BUILDERS: integer kinds whose default is their own sequence; a type with no entry
  is a `customType` whose dataType() returns the type's SQL (CUSTOM_TYPE);
- PRISMA_VALUES: for a Prisma source, per dialect, the mode or customType toDriver/fromDriver
  that makes a column give and take Prisma Client's JS values (SQLITE_DATETIME_FORMATS: how
  Prisma stores DateTime on SQLite, by version); PRISMA_JS_TYPES: the JS type Prisma gives;
- IDENTITY: Identity.generation -> the identity call (or, on SQLite, the primary key form);
- DEFAULTS: each default kind (migrator.schema.DEFAULT_KINDS) -> the Drizzle call it becomes;
- CLIENT_DEFAULTS: client-side generators (Prisma's cuid()/uuid()/nanoid()/@updatedAt,
  SQLAlchemy callables, Drizzle's own $defaultFn/$onUpdate) -> `$defaultFn`/`$onUpdate`
  code and the imports it needs;
- REFERENTIAL_ACTIONS: ON DELETE/UPDATE actions -> the strings `.onDelete()` takes;
- CLIENT_DRIVERS, SERVER_DEFAULTS, UPDATED_AT: the client module, `--server-defaults` and
  Prisma's `@updatedAt` beside a database default;
- SA_*: the same for SQLAlchemy 2.0 typed declarative models (migrator.generate.sqlalchemy):
  type expressions per dialect, Mapped[] annotations, server and client defaults, identity,
  the helper functions a module defines, referential actions.

Every rule was chosen so that migrator's own Drizzle reader (migrator.inspect._drizzle_reader)
reads the code back as the same model object; tests/generate/test_drizzle.py proves it by
round trips. The lookups below are small functions over these tables; `mapping_as_json()`
gives the whole table as plain JSON data (`migrator generate drizzle --format json`).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from migrator.schema import SqlType

MAPPING_FORMAT = "migrator.generate.mapping"
MAPPING_VERSION = 1

DIALECTS = ("postgresql", "sqlite")

# The drizzle-orm module each dialect's builders come from, and its table/enum/schema functions.
MODULES: dict[str, str] = {"postgresql": "drizzle-orm/pg-core", "sqlite": "drizzle-orm/sqlite-core"}
TABLE_FUNCTIONS: dict[str, str] = {"postgresql": "pgTable", "sqlite": "sqliteTable"}
ENUM_FUNCTIONS: dict[str, str] = {"postgresql": "pgEnum"}
SCHEMA_FUNCTIONS: dict[str, str] = {"postgresql": "pgSchema"}
SEQUENCE_FUNCTIONS: dict[str, str] = {"postgresql": "pgSequence"}
# The column type a `.references()` callback is annotated with when tables reference each other
# in a cycle (TypeScript cannot infer it: docs/indexes-constraints#foreign-key).
ANY_COLUMN_TYPES: dict[str, str] = {"postgresql": "AnyPgColumn", "sqlite": "AnySQLiteColumn"}
# ... and the type of the extra-config callback's items, for a foreignKey() in such a cycle.
EXTRA_CONFIG_TYPES: dict[str, str] = {"postgresql": "PgTableExtraConfigValue", "sqlite": "SQLiteTableExtraConfigValue"}

# Canonical kind -> {"builder": name, "options": [[SqlType attribute, config key], ...],
# "config": fixed config}. An option is written only when the attribute is set (a boolean
# attribute only when true). docs: orm.drizzle.team/docs/column-types/pg and .../sqlite.
COLUMN_TYPES: dict[str, dict[str, dict[str, Any]]] = {
    "postgresql": {
        "smallint": {"builder": "smallint"},
        "integer": {"builder": "integer"},
        # bigint needs a mode; "number" is what drizzle-kit pull writes.
        "bigint": {"builder": "bigint", "config": {"mode": "number"}},
        "text": {"builder": "text"},
        "varchar": {"builder": "varchar", "options": [["length", "length"]]},
        "char": {"builder": "char", "options": [["length", "length"]]},
        "numeric": {"builder": "numeric", "options": [["precision", "precision"], ["scale", "scale"]]},
        "real": {"builder": "real"},
        "double": {"builder": "doublePrecision"},
        "boolean": {"builder": "boolean"},
        "date": {"builder": "date"},
        "time": {"builder": "time", "options": [["timezone", "withTimezone"], ["precision", "precision"]]},
        "timestamp": {"builder": "timestamp", "options": [["timezone", "withTimezone"], ["precision", "precision"]]},
        "interval": {"builder": "interval", "options": [["precision", "precision"]]},
        "uuid": {"builder": "uuid"},
        "json": {"builder": "json"},
        "jsonb": {"builder": "jsonb"},
        # bytea: no builder in drizzle-orm 0.45's pg-core: a customType (below) whose dataType() is "bytea".
        "inet": {"builder": "inet"},
        "cidr": {"builder": "cidr"},
        "macaddr": {"builder": "macaddr"},
        "macaddr8": {"builder": "macaddr8"},
        # enum columns call the pgEnum's own builder: `role("role")`.
        "enum": {"builder": "<pgEnum>"},
    },
    "sqlite": {
        # docs/column-types/sqlite: five storage classes; every other declared type is a customType
        # so that the declared type (VARCHAR(200), BOOLEAN, DATETIME) is kept.
        "integer": {"builder": "integer"},
        "text": {"builder": "text"},
        "double": {"builder": "real"},  # SQLite's REAL is an 8-byte float: migrator's double
        "bytes": {"builder": "blob"},
        "numeric": {"builder": "numeric"},
    },
}

# Integer kinds whose default is the column's own sequence (SERIAL): the serial builders.
SERIAL_BUILDERS: dict[str, dict[str, dict[str, Any]]] = {
    "postgresql": {
        "smallint": {"builder": "smallserial"},
        "integer": {"builder": "serial"},
        "bigint": {"builder": "bigserial", "config": {"mode": "number"}},
    },
}

# Any type without a builder above: a customType declared once per type, whose dataType()
# returns the type as migrator writes it (reads back through migrator.types.parse_type).
CUSTOM_TYPE = {
    "builder": "customType",
    "code": "const {name} = customType<{{ data: {data} }}>({{ dataType() {{ return {sql}; }} }});",  # sql: a JS string
}
# The TypeScript type a custom column's values have, by canonical kind ("unknown" otherwise).
TS_DATA_TYPES: dict[str, str] = {
    "smallint": "number", "integer": "number", "bigint": "number", "real": "number", "double": "number",
    "numeric": "string", "text": "string", "varchar": "string", "char": "string", "uuid": "string",
    "citext": "string", "enum": "string", "boolean": "boolean", "date": "string", "time": "string",
    "timestamp": "string", "interval": "string", "inet": "string", "cidr": "string", "macaddr": "string",
    "macaddr8": "string", "bytes": "Buffer", "json": "unknown", "jsonb": "unknown",
}

# Prisma Client's JavaScript values (a Prisma schema is the source): per dialect, canonical kind
# -> how the column gives and takes the same JS value Prisma Client does, the DDL unchanged.
# "prisma": the Prisma scalar; "js": the JS type Prisma Client gives (tests/rewrite_ts/
# test_prisma_drizzle_value_types.py proves each one against Prisma Client 7); then either
# "config" (merged into the builder's config: a mode) or "custom" (a customType even where a
# builder exists: its data type, driverData type and toDriver/fromDriver bodies, over `value`;
# "sql", the declared type when it is not the kind's own text, and "name", the variable's then).
# "default_now": what a database CURRENT_TIMESTAMP default also gets, client-side (Prisma sets
# now() in the client, in the format it writes; SQLite's own is "YYYY-MM-DD HH:MM:SS" text,
# which sorts apart from it). A kind absent here keeps the builder's values (the same as
# Prisma's, or a difference the rewrite reports: PD023, e.g. Decimal as a string).
# docs: orm.drizzle.team/docs/custom-types, .../column-types/pg#bigint, #date.
_SQLITE_DATE_FROM = (
    '// text: ISO 8601 (a zone, else UTC: SQLite\'s own CURRENT_TIMESTAMP is "YYYY-MM-DD HH:MM:SS"); a number: epoch ms\n'
    'if (typeof value !== "string") return new Date(Number(value));\n'
    'if (/^\\d{4}-\\d\\d-\\d\\d$/.test(value)) return new Date(value);\n'
    'return new Date(/(?:[zZ]|[+-]\\d\\d:?\\d\\d)$/.test(value) ? value : value.replace(" ", "T") + "Z");'
)
# How Prisma writes a DateTime on SQLite, by Prisma major version: its own engine (up to 6) epoch
# milliseconds, an integer (prisma/orm#25948); Prisma 7's driver adapters (@prisma/adapter-
# better-sqlite3, -libsql: timestampFormat "iso8601") ISO 8601 text with "+00:00". Either is read back.
SQLITE_DATETIME_FORMATS: dict[str, dict[str, str]] = {
    "iso8601": {"to": 'return value.toISOString().replace("Z", "+00:00");',
                "why": "ISO 8601 text, as Prisma 7's driver adapters write it"},
    "unixepoch-ms": {"to": "return value.getTime();",
                     "why": "epoch milliseconds, as Prisma's own engine (Prisma 6 and earlier) writes it"},
}
PRISMA_FIRST_ISO_MAJOR = 7  # the first Prisma major whose SQLite client is a driver adapter
PRISMA_VALUES: dict[str, dict[str, dict[str, Any]]] = {
    "postgresql": {
        "bigint": {"prisma": "BigInt", "js": "bigint", "config": {"mode": "bigint"}},
        "date": {"prisma": "DateTime", "js": "Date", "config": {"mode": "date"}},
        # node-postgres gives bytea as a Buffer; Prisma 6+ a plain Uint8Array (same bytes, another type): a copy.
        "bytes": {"prisma": "Bytes", "js": "Uint8Array", "custom": {
            "data": "Uint8Array", "driver": "Buffer",
            "to": "return Buffer.from(value);",
            "from": "return new Uint8Array(value);"}},
    },
    "sqlite": {
        # better-sqlite3 gives integers as numbers (exact up to 2^53) and binds a bigint as it is.
        "bigint": {"prisma": "BigInt", "js": "bigint", "custom": {
            "data": "bigint", "driver": "number | bigint", "to": "return value;", "from": "return BigInt(value);"}},
        # stored as 1/0 (better-sqlite3 binds no booleans).
        "boolean": {"prisma": "Boolean", "js": "boolean", "custom": {
            "data": "boolean", "driver": "number", "to": "return value ? 1 : 0;", "from": "return Boolean(value);"}},
        "timestamp": {"prisma": "DateTime", "js": "Date", "custom": {
            "data": "Date", "driver": "string | number", "to": "{datetime_to}", "from": _SQLITE_DATE_FROM},
            "default_now": ".$defaultFn(() => new Date())"},
        "jsonb": {"prisma": "Json", "js": "json", "custom": {
            "data": "unknown", "driver": "string", "to": "return JSON.stringify(value);",
            "from": 'return typeof value === "string" ? JSON.parse(value) : value;'}},
        "json": {"prisma": "Json", "js": "json", "custom": {
            "data": "unknown", "driver": "string", "to": "return JSON.stringify(value);",
            "from": 'return typeof value === "string" ? JSON.parse(value) : value;'}},
        # "sql": the declared type blob() writes (the DDL stays).
        "bytes": {"prisma": "Bytes", "js": "Uint8Array", "custom": {
            "data": "Uint8Array", "driver": "Buffer", "sql": "blob", "name": "bytes",
            "to": "return Buffer.from(value);",
            "from": "return new Uint8Array(value);"}},
    },
}
# The JS type Prisma Client gives per canonical kind (what PD023 compares a Drizzle column's with).
PRISMA_JS_TYPES: dict[str, str] = {
    "smallint": "number", "integer": "number", "real": "number", "double": "number", "bigint": "bigint",
    "numeric": "Decimal", "boolean": "boolean", "timestamp": "Date", "date": "Date", "time": "Date",
    "bytes": "Uint8Array", "json": "json", "jsonb": "json",
}
# A customType with conversions, as code: {name}, {data}, {driver}, {sql}, {to}, {from} (bodies, indented).
CUSTOM_VALUE_TYPE = (
    "const {name} = customType<{{ data: {data}; driverData: {driver} }}>({{\n"
    "  dataType() {{\n    return {sql};\n  }},\n"
    "  toDriver(value) {{\n{to}\n  }},\n"
    "  fromDriver(value) {{\n{from}\n  }},\n"
    "}});"
)


def prisma_values(sql_type: SqlType, dialect: str) -> dict[str, Any] | None:
    """The PRISMA_VALUES entry of a column type (its element's, for arrays), or None."""
    return PRISMA_VALUES.get(dialect, {}).get(sql_type.element().name)


def sqlite_datetime_format(prisma_version: str | None) -> str:
    """The format Prisma of `prisma_version` (package.json's range, e.g. "^6.1.0") writes DateTime
    in on SQLite; unknown: Prisma 7's (the current one)."""
    found = re.search(r"(\d+)(?:\.\d+)*", prisma_version or "")
    if found is None:
        return "iso8601"
    return "iso8601" if int(found.group(1)) >= PRISMA_FIRST_ISO_MAJOR else "unixepoch-ms"


# Identity.generation -> code. SQLite's rowid and AUTOINCREMENT are forms of the primary key.
IDENTITY: dict[str, dict[str, str]] = {
    "postgresql": {"always": "generatedAlwaysAsIdentity", "by_default": "generatedByDefaultAsIdentity"},
    "sqlite": {"rowid": ".primaryKey()", "autoincrement": ".primaryKey({ autoIncrement: true })"},
}
# Identity attribute -> key of the identity options object (docs/column-types/pg#identity-columns).
IDENTITY_OPTIONS: list[list[str]] = [
    ["start", "startWith"], ["increment", "increment"], ["min_value", "minValue"], ["max_value", "maxValue"],
    ["cache", "cache"], ["cycle", "cycle"],
]

# Default kind -> code, per dialect. "{js}" is a JavaScript value (a string, number or
# boolean), used only when drizzle-kit would write it back as the very same SQL literal;
# otherwise the "sql" form carries the model's SQL text unchanged. "{sql}" is that text.
DEFAULTS: dict[str, dict[str, dict[str, Any]]] = {
    "postgresql": {
        "literal": {"code": ".default({js})", "sql": ".default(sql`{sql}`)"},
        "expression": {"code": ".default(sql`{sql}`)", "special": {"gen_random_uuid()": ".defaultRandom()"}},
        "sequence": {"code": "a serial builder when the sequence is the column's own",
                      "sql": ".default(sql`nextval('{sql}'::regclass)`)"},
        "current_timestamp": {"code": ".defaultNow()"},
        "client": {"code": "CLIENT_DEFAULTS"},
    },
    "sqlite": {
        "literal": {"code": ".default({js})", "sql": ".default(sql`{sql}`)"},
        # SQLite needs an expression default in parentheses: DEFAULT (lower('X')).
        "expression": {"code": ".default(sql`({sql})`)"},
        "sequence": {"code": "not written: SQLite has no sequences (a serial key is .primaryKey({ autoIncrement: true }))"},
        "current_timestamp": {"code": ".default(sql`(CURRENT_TIMESTAMP)`)"},
        "client": {"code": "CLIENT_DEFAULTS"},
    },
}
# The literal kinds a JavaScript value may stand for: strings on text kinds, numbers on
# numeric kinds (numeric's as a string, as drizzle-orm types it), true/false on booleans.
JS_LITERAL_KINDS: dict[str, dict[str, list[str]]] = {
    "postgresql": {
        "string": ["text", "varchar", "char", "enum", "uuid"],
        "number": ["smallint", "integer", "bigint", "real", "double"],
        "numeric_string": ["numeric"],
        "boolean": ["boolean"],
    },
    "sqlite": {
        # sqlite-core's numeric() takes a string default, which drizzle-kit quotes: numerics are sql``.
        "string": ["text", "varchar", "char", "uuid"],
        "number": ["smallint", "integer", "bigint", "real", "double"],
    },
}

# Client-side defaults: [regular expression over Default.value, code, imports]. The code may
# use {0} (the whole value) and {1} (the first group). An import is [name, module]. The first
# match wins; a value that matches none is written as a comment, never dropped silently.
CLIENT_DEFAULTS: list[list[Any]] = [
    # Drizzle's own, as migrator's Drizzle reader records them: written back verbatim.
    [r"(\$defaultFn|\$default|\$onUpdateFn|\$onUpdate)\(.*\)", ".{0}", []],
    # Prisma (prisma-schema-reference#default): cuid() makes CUID v1 ids (the `cuid` package),
    # cuid(2) CUID2 ids (@paralleldrive/cuid2's createId); migrator.defaults.client_generator
    # tells the two apart. An import named "default:x" is a default import.
    [r"cuid\(\)", ".$defaultFn(() => cuid())", [["default:cuid", "cuid"]]],
    [r"cuid\(2\)", ".$defaultFn(() => createId())", [["createId", "@paralleldrive/cuid2"]]],
    [r"uuid\((?:4)?\)", ".$defaultFn(() => crypto.randomUUID())", []],
    [r"uuid\(7\)", ".$defaultFn(() => uuidv7())", [["v7 as uuidv7", "uuid"]]],
    [r"nanoid\((\d*)\)", ".$defaultFn(() => nanoid({1}))", [["nanoid", "nanoid"]]],
    [r"ulid\(\)", ".$defaultFn(() => ulid())", [["ulid", "ulid"]]],
    # @updatedAt: set on every update, and on insert when there is no default (drizzle's $onUpdate does both).
    [r"@updatedAt", ".$onUpdate(() => new Date())", []],
    # SQLAlchemy callables (migrator.inspect.sqlalchemy_models records their qualified names).
    [r"(?:uuid\.)?uuid4", ".$defaultFn(() => crypto.randomUUID())", []],
    [r"(?:datetime\.)?(?:datetime\.)?(?:utcnow|now)|now\(\)", ".$defaultFn(() => new Date())", []],
]
# `--server-defaults`: client-side generators the database can run itself, by the name
# migrator.defaults.client_generator gives them -> (Default kind, value) per dialect. The rest
# (cuid, nanoid, ulid, updated-at) have no database equivalent and stay client-side.
SERVER_DEFAULTS: dict[str, dict[str, list[str]]] = {
    "uuid v4": {"postgresql": ["expression", "gen_random_uuid()"]},
    "now": {"postgresql": ["current_timestamp", "now()"], "sqlite": ["current_timestamp", "CURRENT_TIMESTAMP"]},
}
# A field the application sets on every update beside a database default (Prisma's
# `@default(now()) @updatedAt`): the call added to its column.
UPDATED_AT = ".$onUpdate(() => new Date())"
# Identifiers a verbatim $defaultFn may call, and where they are imported from.
CLIENT_IMPORTS: dict[str, list[str]] = {
    "cuid": ["default:cuid", "cuid"],
    "createId": ["createId", "@paralleldrive/cuid2"],
    "nanoid": ["nanoid", "nanoid"],
    "ulid": ["ulid", "ulid"],
    "uuidv7": ["v7 as uuidv7", "uuid"],
}

# The client module `--client` writes: per dialect, the drivers in order of preference, each
# with the npm package that names it in package.json, the drizzle-orm entry point and the code
# that opens it ({url}: the URL expression). docs: orm.drizzle.team/docs/get-started-postgresql,
# .../get-started-sqlite. The first driver whose package the project depends on wins, else the first.
CLIENT_DRIVERS: dict[str, list[dict[str, Any]]] = {
    "postgresql": [
        {"driver": "node-postgres", "package": "pg", "module": "drizzle-orm/node-postgres",
         "imports": [], "db": "drizzle({url}, {{ schema }})"},
        {"driver": "postgres-js", "package": "postgres", "module": "drizzle-orm/postgres-js",
         "imports": [["default:postgres", "postgres"]], "db": "drizzle(postgres({url}), {{ schema }})"},
    ],
    "sqlite": [
        {"driver": "better-sqlite3", "package": "better-sqlite3", "module": "drizzle-orm/better-sqlite3",
         # better-sqlite3 opens a path: Prisma's `file:./dev.db?connection_limit=1` keeps the path only.
         "imports": [["default:Database", "better-sqlite3"]],
         "db": "drizzle(new Database({url}.replace(/^file:/, \"\").replace(/\\?.*$/, \"\")), {{ schema }})"},
        {"driver": "libsql", "package": "@libsql/client", "module": "drizzle-orm/libsql",
         "imports": [], "db": "drizzle({{ connection: {{ url: {url} }}, schema }})"},
    ],
}
# drizzle-kit's dialect name per migrator dialect (drizzle.config.ts).
KIT_DIALECTS: dict[str, str] = {"postgresql": "postgresql", "sqlite": "sqlite"}

# ON DELETE / ON UPDATE -> the string drizzle takes; NO ACTION is drizzle's default and is not written.
REFERENTIAL_ACTIONS: dict[str, str | None] = {
    "NO ACTION": None, "RESTRICT": "restrict", "CASCADE": "cascade", "SET NULL": "set null", "SET DEFAULT": "set default",
}

# What the model can say that drizzle-orm (or migrator's reader of it) cannot: the generator
# writes a comment where it leaves one out.
NOT_WRITTEN: list[str] = [
    "views", "comments (written as // comments)", "column collations", "deferrable constraints", "NOT VALID",
    "MATCH FULL", "index INCLUDE columns, storage options and NULLS NOT DISTINCT", "exclusion constraints",
    "partitioning", "UNLOGGED", "replica identity", "extensions", "functions, triggers and other database objects",
]


# ---------------------------------------------------------------------------
# SQLAlchemy 2.0 typed declarative models (migrator.generate.sqlalchemy)
#
# Canonical SqlType kind -> the SQLAlchemy type expression, per dialect. Placeholders are filled
# from the SqlType: {length}, {precision}, {scale}, {timezone} and the optional-argument forms
# {length?} / {precision_scale?} / {tz_precision?} (empty when the type has none). Names are
# imported from `sqlalchemy` unless prefixed `postgresql.` (sqlalchemy.dialects.postgresql).
# A kind missing here (inet, tsvector, ...) is written as `Declared("<type as declared>")`,
# a UserDefinedType the generated module defines.

# The types both dialects write alike; each dialect's table adds or overrides.
_SA_PORTABLE_TYPES: dict[str, str] = {
    "smallint": "SmallInteger()",
    "integer": "Integer()",
    "bigint": "BigInteger()",
    "text": "Text()",
    "varchar": "String({length?})",
    "char": "CHAR({length?})",
    "boolean": "Boolean()",
    "numeric": "Numeric({precision_scale?})",
    "date": "Date()",
    "uuid": "UUID()",
    "json": "JSON()",
    "bytes": "LargeBinary()",
}
SA_TYPE_EXPRESSIONS: dict[str, dict[str, str]] = {
    "postgresql": {
        **_SA_PORTABLE_TYPES,
        "real": "REAL()",
        "double": "DOUBLE_PRECISION()",
        "time": "postgresql.TIME({tz_precision?})",
        "timestamp": "postgresql.TIMESTAMP({tz_precision?})",
        "interval": "postgresql.INTERVAL({precision?})",
        "jsonb": "postgresql.JSONB()",
        "enum": "{enum}",  # a module-level Enum(*values, name=..., schema=...) object
        "array": "postgresql.ARRAY({element})",
    },
    "sqlite": {
        **_SA_PORTABLE_TYPES,
        "real": 'Declared("FLOAT4")',  # SQLite's REAL is 8 bytes: the canonical "double"
        "double": "REAL()",
        "time": "Time()",
        "timestamp": "DateTime()",
        "interval": 'Declared("INTERVAL")',
        "jsonb": 'Declared("JSONB")',
        "enum": "Text()",  # SQLite has no enum types; migrator renders them as TEXT
        "array": "Text()",  # no arrays in SQLite: stored as TEXT (lossy, as migrator.types renders them)
    },
}

# Canonical SqlType kind -> the Python type inside `Mapped[...]` ("Any" for anything else).
SA_PYTHON_TYPES: dict[str, str] = {
    "smallint": "int",
    "integer": "int",
    "bigint": "int",
    "text": "str",
    "varchar": "str",
    "char": "str",
    "enum": "str",
    "boolean": "bool",
    "numeric": "decimal.Decimal",
    "real": "float",
    "double": "float",
    "date": "datetime.date",
    "time": "datetime.time",
    "timestamp": "datetime.datetime",
    "interval": "datetime.timedelta",
    "uuid": "uuid.UUID",
    "json": "Any",
    "jsonb": "Any",
    "bytes": "bytes",
}
SA_ARRAY_PYTHON_TYPE = "list[{element}]"
SA_FALLBACK_PYTHON_TYPE = "Any"

# Default kind -> the mapped_column() keyword text, per dialect. {sql} is the default's SQL as
# migrator.sa_bridge.SERVER_DEFAULT_TEXT writes it (a Python string literal); identity
# columns are the SA_IDENTITY table below, serial columns `autoincrement=True`.
SA_SERVER_DEFAULTS: dict[str, dict[str, str]] = {
    "postgresql": {
        "literal": "server_default=text({sql})",
        "expression": "server_default=text({sql})",
        "sequence": "server_default=text({sql})",  # a sequence that is not the column's own serial
        "current_timestamp": "server_default=func.now()",
    },
    "sqlite": {
        "literal": "server_default=text({sql})",
        "expression": "server_default=text({sql})",
        "sequence": "",  # SQLite has no sequences
        "current_timestamp": "server_default=func.now()",  # CURRENT_TIMESTAMP on SQLite
    },
}

# Identity generation -> what says it. PostgreSQL: Identity(...) as the column's argument;
# SQLite: the table option (a lone INTEGER PRIMARY KEY is the rowid by itself).
SA_IDENTITY: dict[str, dict[str, str]] = {
    "postgresql": {"always": "Identity(always=True{options})", "by_default": "Identity({options})"},
    "sqlite": {"autoincrement": '"sqlite_autoincrement": True', "rowid": ""},
}

# Client-side generators (migrator.defaults.client_generator names) -> mapped_column() keywords
# and the helper each needs (a function of the SA_HELPERS table, written once into the module).
SA_CLIENT_DEFAULTS: dict[str, tuple[str, str | None]] = {
    "uuid v4": ("default=uuid.uuid4", None),
    "uuid v7": ("default=uuid7", "uuid7"),
    "cuid": ("default=cuid", "cuid"),
    "cuid2": ("default=cuid2", "cuid2"),
    "nanoid": ("default=nanoid", "nanoid"),
    "ulid": ("default=ulid", "ulid"),
    "updated at": ("default=utc_now, onupdate=utc_now", "utc_now"),
    "now": ("default=utc_now", "utc_now"),
}

# Helpers the generated module defines when a client default needs them. Generators from other
# packages import them when first called, so the module imports without them installed.
SA_HELPERS: dict[str, str] = {
    "utc_now": '''def utc_now() -> datetime.datetime:
    """The current time, timezone-aware (UTC): a client-side default, never the database's."""
    return datetime.datetime.now(datetime.timezone.utc)''',
    "cuid": '''def cuid() -> str:
    """Prisma's cuid() (CUID v1): needs the `cuid` package (pip install cuid)."""
    from cuid import cuid as make

    return make()''',
    "cuid2": '''def cuid2() -> str:
    """Prisma's cuid(2): needs the `cuid2` package (pip install cuid2)."""
    from cuid2 import cuid_wrapper

    return cuid_wrapper()()''',
    "nanoid": '''def nanoid() -> str:
    """Prisma's nanoid(): needs the `nanoid` package (pip install nanoid)."""
    from nanoid import generate

    return generate()''',
    "ulid": '''def ulid() -> str:
    """Prisma's ulid(): needs the `python-ulid` package (pip install python-ulid)."""
    from ulid import ULID

    return str(ULID())''',
    "uuid7": '''def uuid7() -> uuid.UUID:
    """Prisma's uuid(7): needs the `uuid6` package (pip install uuid6) before Python 3.14."""
    if hasattr(uuid, "uuid7"):
        return uuid.uuid7()
    from uuid6 import uuid7 as make

    return make()''',
}

# Helper -> the package it imports when called (listed in the module's docstring).
SA_HELPER_PACKAGES: dict[str, str] = {
    "cuid": "cuid",
    "cuid2": "cuid2",
    "nanoid": "nanoid",
    "ulid": "python-ulid",
    "uuid7": "uuid6 (before Python 3.14)",
}

SA_DECLARED_TYPE_HELPER = '''class Declared(UserDefinedType):
    """A column type written exactly as declared (a type SQLAlchemy has no class for)."""

    cache_ok = True

    def __init__(self, text: str) -> None:
        self.text = text

    def get_col_spec(self, **kw: Any) -> str:
        return self.text'''

# Referential actions SQLAlchemy is told (NO ACTION is every database's default: left unsaid).
SA_REFERENTIAL_ACTIONS: dict[str, str | None] = {
    "NO ACTION": None,
    "RESTRICT": "RESTRICT",
    "CASCADE": "CASCADE",
    "SET NULL": "SET NULL",
    "SET DEFAULT": "SET DEFAULT",
}


# ---------------------------------------------------------------------------
# Lookups

_ATTRIBUTES = ("length", "precision", "scale", "timezone")


def column_builder(sql_type: SqlType, dialect: str, serial: bool = False) -> tuple[str, dict[str, Any]] | None:
    """The builder name and config object of a column type (its element type for arrays);
    None when the dialect has no builder for it (a customType then)."""
    table = SERIAL_BUILDERS.get(dialect, {}) if serial else COLUMN_TYPES[dialect]
    entry = table.get(sql_type.name)
    if entry is None:
        return None
    carried = {attr for attr, _key in entry.get("options", ())}
    if any(getattr(sql_type, attr) not in (None, False) and attr not in carried for attr in _ATTRIBUTES):
        return None  # the builder cannot say it (sqlite-core's numeric has no precision): a customType
    config: dict[str, Any] = {}
    for attr, key in entry.get("options", ()):
        value = getattr(sql_type, attr)
        if value is None or value is False:
            continue
        config[key] = value
    config.update(entry.get("config", {}))
    return entry["builder"], config


def ts_data_type(sql_type: SqlType) -> str:
    return TS_DATA_TYPES.get(sql_type.name, "unknown")


def client_default(value: str) -> tuple[str, list[tuple[str, str]]] | None:
    """The Drizzle code of a client-side default and the imports it needs; None when unknown."""
    for pattern, code, imports in CLIENT_DEFAULTS:
        match = re.fullmatch(pattern, value.strip(), re.S)
        if match is None:
            continue
        group = match.group(1) if match.groups() and match.group(1) is not None else ""
        text = code.replace("{0}", value.strip()).replace("{1}", group)
        needed = [tuple(i) for i in imports]
        for name, (imported, module) in CLIENT_IMPORTS.items():
            if re.search(rf"\b{re.escape(name)}\(", text) and (imported, module) not in needed:
                needed.append((imported, module))
        return text, needed  # type: ignore[return-value]
    return None


def referential_action(action: str) -> str | None:
    return REFERENTIAL_ACTIONS.get(action, None)


def mapping_as_json() -> dict[str, Any]:
    """The whole mapping table as plain JSON data (lists and dicts of strings, numbers, booleans)."""
    return copy.deepcopy({
        "format": MAPPING_FORMAT,
        "version": MAPPING_VERSION,
        "dialects": {
            dialect: {
                "module": MODULES[dialect],
                "table": TABLE_FUNCTIONS[dialect],
                "enum": ENUM_FUNCTIONS.get(dialect),
                "schema": SCHEMA_FUNCTIONS.get(dialect),
                "sequence": SEQUENCE_FUNCTIONS.get(dialect),
                "any_column": ANY_COLUMN_TYPES[dialect],
                "extra_config": EXTRA_CONFIG_TYPES[dialect],
                "types": COLUMN_TYPES[dialect],
                "serial": SERIAL_BUILDERS.get(dialect, {}),
                "identity": IDENTITY[dialect],
                "defaults": DEFAULTS[dialect],
                "js_literals": JS_LITERAL_KINDS[dialect],
                "arrays": ".array()" if dialect == "postgresql" else None,
            }
            for dialect in DIALECTS
        },
        "sqlalchemy": {
            "types": SA_TYPE_EXPRESSIONS, "python_types": SA_PYTHON_TYPES, "server_defaults": SA_SERVER_DEFAULTS,
            "identity": SA_IDENTITY, "client_defaults": {k: list(v) for k, v in SA_CLIENT_DEFAULTS.items()},
            "helpers": SA_HELPERS, "helper_packages": SA_HELPER_PACKAGES, "referential_actions": SA_REFERENTIAL_ACTIONS,
        },
        "custom_type": CUSTOM_TYPE,
        "prisma_values": PRISMA_VALUES,
        "prisma_js_types": PRISMA_JS_TYPES,
        "sqlite_datetime_formats": SQLITE_DATETIME_FORMATS,
        "ts_data_types": TS_DATA_TYPES,
        "identity_options": IDENTITY_OPTIONS,
        "client_defaults": [{"match": p, "code": c, "imports": i} for p, c, i in CLIENT_DEFAULTS],
        "client_imports": CLIENT_IMPORTS,
        "referential_actions": REFERENTIAL_ACTIONS,
        "not_written": NOT_WRITTEN,
    })


__all__ = [
    "CLIENT_DEFAULTS", "COLUMN_TYPES", "DEFAULTS", "IDENTITY", "MODULES", "REFERENTIAL_ACTIONS", "SERIAL_BUILDERS",
    "client_default", "column_builder", "mapping_as_json", "referential_action", "ts_data_type",
]
