"""What Prisma Migrate creates for a Prisma schema, as migrator's schema model.

A Prisma schema describes a database indirectly: model and field names may differ from
table and column names, types have provider-specific defaults, and Migrate invents the
names of constraints, indexes, sequences and many-to-many join tables. A diff against a
live database is only honest if every one of those rules is applied here exactly. Each
rule cites the Prisma documentation page it comes from (all under
https://www.prisma.io/docs/orm/): the tables below are data, per provider, so a new
provider is a new row, not a new branch.

Client-side behaviour (cuid(), uuid(), ulid(), nanoid(), @updatedAt) never reaches the
database; it is recorded as Default("client", …) so a diff can leave it out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable

from migrator import schema as model
from migrator.appmodel import AppModel, Model, Relation
from migrator.defaults import classify_default, jsonb_output
from migrator.errors import BadInput
from migrator.inspect import InspectOptions, keep_namespace, keep_table
from migrator.inspect._prisma_syntax import Attribute, Block, Call, Field, Ident, Number, Position, Value
from migrator.pgnames import choose_name, truncate
from migrator.sqltext import quote_literal
from migrator.types import enum_type, parse_type

SCALARS = ("String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes")


@dataclass(frozen=True)
class Provider:
    """How one Prisma provider maps the schema to SQL."""

    dialect: str
    default_namespace: str
    # reference/database-reference/supported-databases + "Model field scalar types" in
    # reference/prisma-schema-reference: the column type of each scalar without @db.*.
    scalar_types: dict[str, str]
    # reference/prisma-schema-reference, "Native types mapping": @db.<Name>(args).
    native_types: frozenset[str]
    # "Names in the underlying database" (prisma-schema/data-model/database-mapping):
    # constraint names are cut to the database's identifier limit, keeping the suffix.
    name_limit: int
    # autoincrement(): SERIAL/BIGSERIAL/SMALLSERIAL on PostgreSQL, AUTOINCREMENT on
    # SQLite, AUTO_INCREMENT on MySQL, unique_rowid() on CockroachDB.
    autoincrement: str
    named_primary_keys: bool  # PostgreSQL names every PK <table>_pkey; SQLite writes it inline, unnamed
    pk_name: str | None = None  # MySQL's primary keys are always called PRIMARY
    list_support: bool = False  # scalar lists exist on PostgreSQL and CockroachDB only


_PG_NATIVE = frozenset(
    "Text Char VarChar Bit VarBit Uuid Xml Inet Citext Boolean Integer SmallInt BigInt Oid "
    "DoublePrecision Real Decimal Money Timestamp Timestamptz Date Time Timetz Json JsonB ByteA".split()
)
_MYSQL_NATIVE = frozenset(
    "VarChar Text Char TinyText MediumText LongText TinyInt UnsignedTinyInt SmallInt UnsignedSmallInt "
    "MediumInt UnsignedMediumInt Int UnsignedInt BigInt UnsignedBigInt Bit Decimal Float Double "
    "Date Time DateTime Timestamp Year Json Binary VarBinary TinyBlob Blob MediumBlob LongBlob".split()
)
_COCKROACH_NATIVE = frozenset(
    "String Char CatalogSingleChar Bit VarBit Uuid Inet Bool Int2 Int4 Int8 Oid Float4 Float8 "
    "Decimal Timestamp Timestamptz Date Time Timetz JsonB Bytes".split()
)

_PG_SCALARS = {
    "String": "TEXT", "Boolean": "BOOLEAN", "Int": "INTEGER", "BigInt": "BIGINT",
    "Float": "DOUBLE PRECISION", "Decimal": "DECIMAL(65,30)", "DateTime": "TIMESTAMP(3)",
    "Json": "JSONB", "Bytes": "BYTEA",
}

PROVIDERS: dict[str, Provider] = {
    "postgresql": Provider(
        dialect="postgresql",
        default_namespace="public",
        scalar_types=_PG_SCALARS,
        native_types=_PG_NATIVE,
        name_limit=63,  # NAMEDATALEN - 1
        autoincrement="serial",
        named_primary_keys=True,
        list_support=True,
    ),
    "cockroachdb": Provider(
        dialect="postgresql",
        default_namespace="public",
        scalar_types=_PG_SCALARS,
        native_types=_COCKROACH_NATIVE,
        name_limit=63,
        autoincrement="unique_rowid",
        named_primary_keys=True,
        list_support=True,
    ),
    "sqlite": Provider(
        dialect="sqlite",
        default_namespace="main",
        scalar_types={
            "String": "TEXT", "Boolean": "BOOLEAN", "Int": "INTEGER", "BigInt": "BIGINT",
            "Float": "REAL", "Decimal": "DECIMAL", "DateTime": "DATETIME",
            "Json": "JSONB", "Bytes": "BLOB",
        },
        native_types=frozenset(),
        name_limit=10_000,  # SQLite has no identifier limit; Prisma's connector uses a large one
        autoincrement="autoincrement",
        named_primary_keys=False,
    ),
    "mysql": Provider(
        dialect="mysql",
        default_namespace="main",
        scalar_types={
            "String": "VARCHAR(191)", "Boolean": "BOOLEAN", "Int": "INTEGER", "BigInt": "BIGINT",
            "Float": "DOUBLE", "Decimal": "DECIMAL(65,30)", "DateTime": "DATETIME(3)",
            "Json": "JSON", "Bytes": "LONGBLOB",
        },
        native_types=_MYSQL_NATIVE,
        name_limit=64,
        autoincrement="autoincrement",
        named_primary_keys=True,
        pk_name="PRIMARY",
    ),
}

# Native type spellings that are not just the upper-cased attribute name.
_NATIVE_SPELLING = {
    "DoublePrecision": "DOUBLE PRECISION", "JsonB": "JSONB", "ByteA": "BYTEA", "VarBit": "VARBIT",
    "Timestamptz": "TIMESTAMPTZ", "Timetz": "TIMETZ", "UnsignedInt": "INT UNSIGNED",
    "UnsignedTinyInt": "TINYINT UNSIGNED", "UnsignedSmallInt": "SMALLINT UNSIGNED",
    "UnsignedMediumInt": "MEDIUMINT UNSIGNED", "UnsignedBigInt": "BIGINT UNSIGNED",
    "Int2": "SMALLINT", "Int4": "INTEGER", "Int8": "BIGINT", "Float4": "REAL", "Float8": "DOUBLE PRECISION",
    "Bool": "BOOLEAN", "String": "TEXT", "Bytes": "BYTEA", "CatalogSingleChar": '"char"',
}

# autoincrement() on PostgreSQL: the SERIAL flavour of the column's integer type
# (reference/prisma-schema-reference#autoincrement).
_SERIAL_OF = {"integer": "integer", "bigint": "bigint", "smallint": "smallint"}

# Prisma's referential actions (prisma-schema/data-model/relations/referential-actions).
_ACTIONS = {"Cascade": "CASCADE", "Restrict": "RESTRICT", "NoAction": "NO ACTION", "SetNull": "SET NULL",
            "SetDefault": "SET DEFAULT"}

# @@index(type: …) on PostgreSQL (prisma-schema/data-model/indexes#configuring-the-access-type-of-indexes-with-type-postgresql).
_INDEX_METHODS = {"BTree": "btree", "Hash": "hash", "Gist": "gist", "Gin": "gin", "SpGist": "spgist", "Brin": "brin"}

# Functions whose value is made by Prisma Client, never by the database
# (reference/prisma-schema-reference#default).
CLIENT_FUNCTIONS = frozenset({"cuid", "uuid", "ulid", "nanoid"})

# Default operator classes are what PostgreSQL uses when none is named; its catalog (and
# so the live reader) does not distinguish them from no operator class at all.
_DEFAULT_OPCLASSES = frozenset({
    ("gin", "jsonb_ops"), ("gin", "array_ops"), ("spgist", "inet_ops"), ("spgist", "text_ops"),
    ("spgist", "range_ops"), ("gist", "range_ops"), ("brin", "inet_inclusion_ops"),
})
_OPS_NAME = re.compile(r"^(?P<type>[A-Za-z0-9]*?)(?P<kind>MinMaxMulti|MinMax|Bloom|Inclusion|Path)?Ops$")
_OPS_KIND = {"MinMaxMulti": "minmax_multi", "MinMax": "minmax", "Bloom": "bloom", "Inclusion": "inclusion",
             "Path": "path"}


def prisma_name(table: str, columns: Iterable[str], suffix: str, limit: int) -> str:
    """Prisma's default constraint and index names: <table>_<columns>_<suffix>.

    prisma-schema/data-model/database-mapping#constraint-and-index-names: `{tablename}_pkey`,
    `{tablename}_{column_names}_key`, `{tablename}_{column_names}_idx`,
    `{tablename}_{column_names}_fkey`, built from database names; a name over the
    provider's identifier limit is cut so that the suffix survives.
    """
    cols = "_".join(columns)
    stem = f"{table}_{cols}" if cols else table
    tail = "_" + suffix
    room = limit - len(tail.encode())
    encoded = stem.encode()
    if len(encoded) > room:
        stem = encoded[:room].decode(errors="ignore")
    return stem + tail


def opclass_name(value: Value) -> str | None:
    """The SQL operator class of `ops:`: raw("gin_trgm_ops") or a Prisma name such as JsonbPathOps."""
    if isinstance(value, Call) and value.name == "raw" and value.args and isinstance(value.args[0].value, str):
        return value.args[0].value
    if isinstance(value, Ident):
        m = _OPS_NAME.match(value.name)
        if m:
            kind = m.group("kind")
            return m.group("type").lower() + ("_" + _OPS_KIND[kind] if kind else "") + "_ops"
    return None


def _is_default_opclass(method: str, opclass: str) -> bool:
    if (method, opclass) in _DEFAULT_OPCLASSES:
        return True
    return method == "brin" and opclass.endswith("_minmax_ops")


# ---------------------------------------------------------------------------


@dataclass
class _Model:
    block: Block
    table: str
    namespace: str
    columns: dict[str, str] = field(default_factory=dict)  # field name -> column name
    scalars: dict[str, Field] = field(default_factory=dict)
    types: dict[str, model.SqlType] = field(default_factory=dict)  # field name -> SQL type (serial resolved)
    id_fields: tuple[str, ...] = ()


@dataclass
class _Enum:
    block: Block
    name: str
    namespace: str
    values: dict[str, str]  # Prisma value -> database value


class Mapper:
    """Turns parsed blocks into a Schema for one provider."""

    def __init__(
        self,
        blocks: list[Block],
        spec: str,
        options: InspectOptions,
        prisma_major: int | None = None,
    ) -> None:
        self.blocks = blocks
        self.spec = spec
        self.options = options
        self.prisma_major = prisma_major
        self.notes: list[tuple[str, int, int, str]] = []  # sorted into reading order at the end
        datasources = [b for b in blocks if b.kind == "datasource"]
        if len(datasources) > 1:
            second = datasources[1].position
            raise BadInput(f"{second.file}:{second.line}:{second.column}: a Prisma schema has one datasource")
        self.datasource = datasources[0] if datasources else None
        self.provider_name = self._provider()
        self.provider = PROVIDERS[self.provider_name]
        self.dialect = self.provider.dialect
        self.relation_mode = self._string_setting("relationMode") or (
            "prisma" if self._string_setting("referentialIntegrity") == "prisma" else "foreignKeys"
        )
        self.models: dict[str, _Model] = {}
        self.enums: dict[str, _Enum] = {}
        self.composites = {b.name for b in blocks if b.kind == "type"}
        self.views = {b.name for b in blocks if b.kind == "view"}
        self.namespaces: dict[str, dict[str, list]] = {}
        self.used_names: dict[str, set[str]] = {}
        self.join_tables: dict[str, str] = {}  # implicit many-to-many relation name -> its table (build())

    # -- settings --------------------------------------------------------------

    def _provider(self) -> str:
        if self.datasource is None:
            if self.options.dialect in PROVIDERS:
                return self.options.dialect
            raise BadInput(f"{self.spec}: no datasource block, so the database provider is unknown (pass --input-dialect)")
        value = self.datasource.setting("provider")
        where = self.datasource.position
        for f in self.datasource.fields:
            if f.name == "provider" and f.position:
                where = f.position
        if isinstance(value, Call) and value.name == "env":
            raise BadInput(f"{where.file}:{where.line}:{where.column}: provider must be a literal, not env()")
        if value == "postgres":
            value = "postgresql"
        if not isinstance(value, str) or value not in PROVIDERS:
            supported = ", ".join(sorted(PROVIDERS))
            if value in ("mongodb", "sqlserver"):
                raise BadInput(
                    f"{where.file}:{where.line}:{where.column}: provider {value!r} is not supported (supported: {supported})"
                )
            raise BadInput(f"{where.file}:{where.line}:{where.column}: unknown provider {value!r} (supported: {supported})")
        return value

    def _string_setting(self, key: str) -> str | None:
        if self.datasource is None:
            return None
        value = self.datasource.setting(key)
        return value if isinstance(value, str) else None

    def origin(self, position: Position | None) -> model.Origin:
        if position is None:
            return model.Origin(self.spec)
        return model.Origin(self.spec, position.file, position.line, position.column)

    def warn(self, position: Position | None, message: str) -> None:
        if position is None:
            self.notes.append(("", 0, 0, message))
        else:
            self.notes.append((position.file, position.line, position.column,
                               f"{position.file}:{position.line}:{position.column}: {message}"))

    def fail(self, position: Position | None, message: str) -> BadInput:
        where = f"{position.file}:{position.line}:{position.column}: " if position else f"{self.spec}: "
        return BadInput(where + message)

    def clip(self, name: str | None) -> str | None:
        """A name as the database stores it: PostgreSQL cuts identifiers to 63 bytes, MySQL to 64."""
        if name is None or self.dialect == "sqlite":
            return name
        return truncate(name, self.provider.name_limit)

    def _suffixed(self, stem: str, suffix: str) -> str:
        if self.dialect == "sqlite":
            return stem + suffix
        room = self.provider.name_limit - len(suffix.encode())
        return stem.encode()[:room].decode(errors="ignore") + suffix

    @staticmethod
    def _mapped(attributes: Iterable[Attribute], name: str) -> str | None:
        for a in attributes:
            if a.name == name:
                value = a.arg("name", 0)
                return value if isinstance(value, str) else None
        return None

    def _namespace_of(self, block: Block) -> str:
        given = self._mapped(block.attributes, "schema")
        if given and self.dialect != "postgresql":
            self.warn(block.attribute("schema").position, "@@schema applies to PostgreSQL and CockroachDB only; ignored")
            return self.provider.default_namespace
        return given or self.provider.default_namespace

    # -- build -------------------------------------------------------------------

    def build(self) -> model.Schema:
        for block in self.blocks:
            if block.kind == "enum":
                self._collect_enum(block)
        for block in self.blocks:
            if block.kind == "model":
                self._collect_model(block)
            elif block.kind == "type":
                self.warn(block.position, f"composite type {block.name!r} exists only on MongoDB; not modeled for {self.provider_name}")
            elif block.kind == "view":
                self.warn(
                    block.position,
                    f"view {block.name!r}: Prisma Migrate does not create views and the schema holds no definition; not modeled",
                )
        for m in self.models.values():
            self._resolve_types(m)
        for e in self.enums.values():
            if self.dialect == "postgresql":
                self._add(e.namespace, "enums", model.EnumType(e.name, tuple(e.values.values()), origin=self.origin(e.block.position)))
        tables = [self._table(m) for m in self.models.values()]
        tables += self._join_tables()
        for ns, table in tables:
            self._add(ns, "tables", table)
        for name in self._datasource_list("schemas"):
            self.namespaces.setdefault(name, {})
        self.namespaces.setdefault(self.provider.default_namespace, {})

        namespaces = tuple(
            model.Namespace(
                name=name,
                tables=tuple(t for t in parts.get("tables", []) if keep_table(t.name, self.options)),
                enums=tuple(parts.get("enums", [])),
                sequences=tuple(parts.get("sequences", [])),
            )
            for name, parts in self.namespaces.items()
            if keep_namespace(name, self.options)
        )
        notes = [text for *_, text in sorted(self.notes)]
        if self.relation_mode == "prisma":
            notes.insert(0, 'relationMode = "prisma": relations are emulated by Prisma Client; no foreign keys are created')
        if self.provider_name == "cockroachdb":
            notes.insert(0, "cockroachdb is modeled with PostgreSQL's types and names")
        return model.Schema(
            dialect=self.dialect,
            namespaces=namespaces,
            extensions=self._extensions(),
            source=self.spec,
            notes=tuple(notes),
        )

    def app_model(self) -> AppModel:
        """The models' names as the schema writes them (after build()): each model's fields and
        its relation fields, both sides, with the key fields on the side that holds them and
        the join table of an implicit many-to-many."""
        joins = self.join_tables
        models = []
        for m in self.models.values():
            relations = []
            for f, attr in self._relation_fields(m):
                rel_name = self._relation_name(attr)
                fields = attr.arg("fields") if attr is not None else None
                references = attr.arg("references") if attr is not None else None
                through = None
                if f.is_list:
                    first, second = sorted([m.block.name, f.type_name])
                    through = joins.get(rel_name or f"{first}To{second}")
                relations.append(Relation(
                    name=f.name,
                    target=f.type_name,
                    many=f.is_list,
                    fields=tuple(v.name for v in fields if isinstance(v, Ident)) if isinstance(fields, list) else (),
                    references=tuple(v.name for v in references if isinstance(v, Ident)) if isinstance(references, list) else (),
                    relation_name=rel_name,
                    optional=f.optional,
                    through=through,
                ))
            models.append(Model(
                name=m.block.name,
                namespace=m.namespace,
                table=m.table,
                fields=tuple((f.name, m.columns[f.name]) for f in m.block.fields if f.name in m.scalars),
                relations=tuple(relations),
                file=m.block.position.file,
                updated_at=tuple(f.name for f in m.block.fields if f.name in m.scalars and f.attribute("updatedAt")),
            ))
        url = self.datasource.setting("url") if self.datasource is not None else None
        url_env = None
        if isinstance(url, Call) and url.name == "env" and url.args and isinstance(url.args[0].value, str):
            url_env = url.args[0].value
        return AppModel(tuple(models), url_env=url_env)

    def _add(self, namespace: str, kind: str, obj: object) -> None:
        self.namespaces.setdefault(namespace, {}).setdefault(kind, []).append(obj)

    def _datasource_list(self, key: str) -> list[Value]:
        value = self.datasource.setting(key) if self.datasource else None
        return list(value) if isinstance(value, list) else []

    def _extensions(self) -> tuple[model.Extension, ...]:
        """datasource `extensions = [...]` (prisma-schema/postgresql-extensions): created by Migrate."""
        if self.dialect != "postgresql":
            return ()
        out = []
        for item in self._datasource_list("extensions"):
            if isinstance(item, Ident):
                out.append(model.Extension(item.name))
            elif isinstance(item, Call):
                named = {a.name: a.value for a in item.args if a.name}
                name = named.get("map") if isinstance(named.get("map"), str) else item.name
                out.append(
                    model.Extension(
                        str(name),
                        schema=named["schema"] if isinstance(named.get("schema"), str) else None,
                        version=named["version"] if isinstance(named.get("version"), str) else None,
                    )
                )
        return tuple(out)

    # -- enums ---------------------------------------------------------------------

    def _collect_enum(self, block: Block) -> None:
        """Enums (prisma-schema/data-model/models#defining-enums): a PostgreSQL enum type
        named by @@map, values renamed by @map; on MySQL an inline ENUM column type; on
        SQLite (Prisma 6.2+) a TEXT column."""
        if block.name in self.enums:
            raise self.fail(block.position, f"enum {block.name!r} is declared twice")
        values: dict[str, str] = {}
        for f in block.fields:
            values[f.name] = self._mapped(f.attributes, "map") or f.name  # values are data, not identifiers
            self._check_attributes(f.attributes, {"map"}, "enum value")
        self._check_attributes(block.attributes, {"map", "schema"}, "enum")
        name = self.clip(self._mapped(block.attributes, "map") or block.name)
        self.enums[block.name] = _Enum(block, name, self._namespace_of(block), values)

    def _check_attributes(self, attributes: Iterable[Attribute], known: set[str], what: str) -> None:
        for a in attributes:
            if a.name not in known and not a.name.startswith("db."):
                self.warn(a.position, f"unknown {what} attribute @{a.name}; ignored")

    # -- models --------------------------------------------------------------------

    _FIELD_ATTRIBUTES = {"id", "default", "unique", "relation", "map", "updatedAt", "ignore", "db"}
    _BLOCK_ATTRIBUTES = {"id", "unique", "index", "map", "ignore", "schema", "fulltext"}

    def _collect_model(self, block: Block) -> None:
        if block.name in self.models:
            raise self.fail(block.position, f"model {block.name!r} is declared twice")
        table = self.clip(self._mapped(block.attributes, "map") or block.name)
        m = _Model(block, table, self._namespace_of(block))
        for a in block.attributes:
            if a.name not in self._BLOCK_ATTRIBUTES:
                self.warn(a.position, f"unknown model attribute @@{a.name}; ignored")
        # @@ignore and @ignore hide a model or field from Prisma Client only; Migrate
        # still manages it (prisma-schema/data-model/models#excluding-fields-and-models).
        for f in block.fields:
            for a in f.attributes:
                if a.name not in self._FIELD_ATTRIBUTES and not a.name.startswith("db."):
                    self.warn(a.position, f"unknown field attribute @{a.name}; ignored")
            if f.type_name in SCALARS or f.type_name in self.enums or f.unsupported is not None:
                m.scalars[f.name] = f
                m.columns[f.name] = self.clip(self._mapped(f.attributes, "map") or f.name)
            elif f.type_name in self.composites:
                self.warn(f.position, f"field {block.name}.{f.name}: composite types exist only on MongoDB; not modeled")
        self.models[block.name] = m

    def _is_relation(self, f: Field) -> bool:
        return f.type_name in self.models

    def _resolve_types(self, m: _Model) -> None:
        for f in list(m.block.fields):
            if f.name in m.scalars:
                m.types[f.name] = self._column_type(m, f)
            elif not self._is_relation(f) and f.type_name not in self.composites:
                if f.type_name in self.views:
                    self.warn(f.position, f"field {m.block.name}.{f.name} relates to view {f.type_name!r}; not modeled")
                else:
                    self.warn(f.position, f"field {m.block.name}.{f.name}: unknown type {f.type_name!r}; not modeled")
        ids = [f.name for f in m.block.fields if f.name in m.scalars and f.attribute("id")]
        block_id = m.block.attribute("id")
        if block_id is not None:
            ids = self._field_list(m, block_id)
        m.id_fields = tuple(ids)

    def _column_type(self, m: _Model, f: Field) -> model.SqlType:
        if f.unsupported is not None:
            sql_type = parse_type(f.unsupported, self.dialect)
        elif f.type_name in self.enums:
            sql_type = self._enum_column_type(self.enums[f.type_name])
        else:
            sql_type = parse_type(self._native_or_scalar(m, f), self.dialect)
        if f.is_list:
            if not self.provider.list_support:
                self.warn(f.position, f"field {m.block.name}.{f.name}: scalar lists are not supported on {self.provider_name}")
            sql_type = model.SqlType(**{**sql_type.__dict__, "array": True})
        return sql_type

    def _enum_column_type(self, e: _Enum) -> model.SqlType:
        if self.dialect == "postgresql":
            return enum_type(f"{e.namespace}.{e.name}")
        if self.dialect == "mysql":
            return model.SqlType("enum", enum=e.name)
        return parse_type("TEXT", self.dialect)

    def _native_or_scalar(self, m: _Model, f: Field) -> str:
        for a in f.attributes:
            if not a.name.startswith("db."):
                continue
            native = a.name[3:]
            if native not in self.provider.native_types:
                self.warn(a.position, f"unknown native type @{a.name} for {self.provider_name}; using the default for {f.type_name}")
                break
            spelled = _NATIVE_SPELLING.get(native, native.upper())
            args = [a.value.text if isinstance(a.value, Number) else str(a.value) for a in a.args]
            if args:
                # reference/prisma-schema-reference "Native types mapping": arguments are the
                # SQL type's length or precision, e.g. @db.VarChar(120) -> VARCHAR(120).
                if spelled.endswith(" UNSIGNED"):
                    return f"{spelled[:-9]}({', '.join(args)}) UNSIGNED"
                return f"{spelled}({', '.join(args)})"
            return spelled
        return self.provider.scalar_types[f.type_name]

    @staticmethod
    def _fields_arg(attribute: Attribute) -> Value | None:
        value = attribute.arg("fields", 0)
        # Prisma accepts a lone field without brackets: @@index(userId).
        return [value] if isinstance(value, (Ident, Call)) else value

    def _field_list(self, m: _Model, attribute: Attribute) -> list[str]:
        value = self._fields_arg(attribute)
        if not isinstance(value, list):
            raise self.fail(attribute.position, f"@@{attribute.name} needs a list of fields")
        names = []
        for item in value:
            name = item.name if isinstance(item, (Ident, Call)) else None
            if name is None or name not in m.scalars:
                raise self.fail(attribute.position, f"@@{attribute.name}: {name or item!r} is not a scalar field of {m.block.name}")
            names.append(name)
        return names

    def _elements(self, m: _Model, attribute: Attribute, method: str = "btree") -> tuple[model.IndexElement, ...]:
        value = self._fields_arg(attribute)
        if not isinstance(value, list):
            raise self.fail(attribute.position, f"@@{attribute.name} needs a list of fields")
        out = []
        for item in value:
            name = item.name if isinstance(item, (Ident, Call)) else None
            if name is None or name not in m.scalars:
                raise self.fail(attribute.position, f"@@{attribute.name}: {name or item!r} is not a scalar field of {m.block.name}")
            options = {a.name: a.value for a in item.args} if isinstance(item, Call) else {}
            out.append(self._element(m.columns[name], options, method))
        return tuple(out)

    @staticmethod
    def _element(column: str, options: dict, method: str) -> model.IndexElement:
        sort = options.get("sort")
        opclass = opclass_name(options["ops"]) if "ops" in options else None
        if opclass and _is_default_opclass(method, opclass):
            opclass = None
        return model.IndexElement(
            column=column,
            descending=isinstance(sort, Ident) and sort.name == "Desc",
            opclass=opclass,
        )

    # -- tables --------------------------------------------------------------------

    def _names(self, namespace: str) -> set[str]:
        return self.used_names.setdefault(namespace, set())

    def _table(self, m: _Model) -> tuple[str, model.Table]:
        block = m.block
        limit = self.provider.name_limit
        columns: list[model.Column] = []
        indexes: list[model.Index] = []
        id_attr = None

        single_ids = [f for f in block.fields if f.name in m.scalars and f.attribute("id")]
        if len(single_ids) > 1 or (single_ids and block.attribute("id")):
            raise self.fail(single_ids[-1].position, f"model {block.name} has more than one @id")

        for f in block.fields:
            if f.name not in m.scalars:
                continue
            columns.append(self._column(m, f))
            if f.attribute("id"):
                id_attr = f.attribute("id")
            unique = f.attribute("unique")
            if unique is not None:
                col = m.columns[f.name]
                # 1-1 relations need @unique on the scalar side; it is a unique index.
                indexes.append(
                    model.Index(
                        name=self.clip(_given(unique)) or prisma_name(m.table, [col], "key", limit),
                        elements=(self._element(col, {"sort": unique.arg("sort")}, "btree"),),
                        unique=True,
                        origin=self.origin(unique.position),
                    )
                )

        primary_key = None
        if id_attr is not None or block.attribute("id") is not None:
            attr = id_attr if id_attr is not None else block.attribute("id")
            cols = tuple(m.columns[n] for n in m.id_fields)
            primary_key = model.PrimaryKey(columns=cols, name=self._pk_name(m, attr), origin=self.origin(attr.position))

        for attr in block.attributes:
            if attr.name == "unique":
                elements = self._elements(m, attr)
                indexes.append(
                    model.Index(
                        name=self.clip(_given(attr)) or prisma_name(m.table, [e.column for e in elements], "key", limit),
                        elements=elements,
                        unique=True,
                        where=self._where(attr),
                        origin=self.origin(attr.position),
                    )
                )
            elif attr.name == "index":
                indexes.append(self._index(m, attr))
            elif attr.name == "fulltext":
                if self.dialect != "mysql":
                    self.warn(attr.position, "@@fulltext exists on MySQL and MongoDB only; ignored")
                else:
                    elements = self._elements(m, attr)
                    name = attr.arg("map")
                    indexes.append(
                        model.Index(
                            name=name if isinstance(name, str) else prisma_name(m.table, [e.column for e in elements], "idx", limit),
                            elements=elements,
                            method="fulltext",
                            origin=self.origin(attr.position),
                        )
                    )

        foreign_keys = self._foreign_keys(m)
        table = model.Table(
            name=m.table,
            columns=tuple(columns),
            primary_key=primary_key,
            indexes=tuple(indexes),
            foreign_keys=tuple(foreign_keys),
            origin=self.origin(block.position),
        )
        return m.namespace, table

    def _pk_name(self, m: _Model, attr: Attribute) -> str | None:
        given = attr.arg("map")
        if not self.provider.named_primary_keys:
            return None  # SQLite: `PRIMARY KEY` is written inline and stays unnamed
        if self.provider.pk_name:
            return self.provider.pk_name
        if isinstance(given, str):
            return self.clip(given)
        return prisma_name(m.table, [], "pkey", self.provider.name_limit)

    def _index(self, m: _Model, attr: Attribute) -> model.Index:
        method_value = attr.arg("type")
        method = "btree"
        if isinstance(method_value, Ident):
            if method_value.name not in _INDEX_METHODS:
                self.warn(attr.position, f"unknown index type {method_value.name!r}; using BTree")
            else:
                method = _INDEX_METHODS[method_value.name]
        elements = self._elements(m, attr, method)
        # @@index(map:) names the index; `name:` did the same before Prisma 3 and still does.
        name = attr.arg("map")
        if not isinstance(name, str):
            name = attr.arg("name")
        return model.Index(
            name=self.clip(name) if isinstance(name, str) else prisma_name(m.table, [e.column for e in elements], "idx", self.provider.name_limit),
            elements=elements,
            method=method,
            where=self._where(attr),
            origin=self.origin(attr.position),
        )

    def _where(self, attr: Attribute) -> str | None:
        """A partial index's predicate: `where: raw("…")` (the partialIndexes preview feature)."""
        where = attr.arg("where")
        if isinstance(where, Call) and where.name == "raw" and where.args and isinstance(where.args[0].value, str):
            return where.args[0].value
        if where is not None:
            self.warn(attr.position, f"@@{attr.name}(where:) other than raw(\"…\") is not modeled; the index is read without it")
        return None

    # -- columns -------------------------------------------------------------------

    def _column(self, m: _Model, f: Field) -> model.Column:
        sql_type = m.types[f.name]
        column = m.columns[f.name]
        is_id = f.name in m.id_fields
        nullable = f.optional or (f.is_list and self.provider.list_support)
        if is_id:
            nullable = False
        default: model.Default | None = None
        identity: model.Identity | None = None
        attr = f.attribute("default")
        if attr is not None:
            value = attr.arg("value", 0)
            if isinstance(value, Call) and value.name == "autoincrement":
                default, identity, sql_type = self._autoincrement(m, f, column, sql_type)
            else:
                default = self._default(m, f, value, sql_type, attr)
        if default is None and f.attribute("updatedAt") is not None:
            default = model.Default("client", "@updatedAt")
        if identity is None and self.dialect == "sqlite" and is_id and len(m.id_fields) == 1 and f.type_name == "Int":
            # Prisma's SQLite flavour makes a lone Int @id autoincrementing even without
            # autoincrement() ("integer primary keys on SQLite are automatically assigned the
            # rowid"): Migrate writes INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT.
            identity = model.Identity("autoincrement")
        return model.Column(
            name=column,
            type=sql_type,
            nullable=nullable,
            default=default,
            identity=identity,
            origin=self.origin(f.position),
        )

    def _autoincrement(
        self, m: _Model, f: Field, column: str, sql_type: model.SqlType
    ) -> tuple[model.Default | None, model.Identity | None, model.SqlType]:
        kind = self.provider.autoincrement
        if kind == "serial":
            if sql_type.name not in _SERIAL_OF:
                raise self.fail(f.position, f"autoincrement() needs an integer field, not {f.type_name}")
            # SERIAL creates <table>_<column>_seq, named as PostgreSQL names it, owned by the column.
            seq = choose_name(m.table, column, "seq", self._names(m.namespace))
            self._add(
                m.namespace,
                "sequences",
                model.Sequence(name=seq, data_type=_SERIAL_OF[sql_type.name], owned_by=f"{m.table}.{column}",
                               origin=self.origin(f.position)),
            )
            return model.Default("sequence", f"{m.namespace}.{seq}"), None, sql_type
        if kind == "unique_rowid":
            return model.Default("expression", "unique_rowid()"), None, parse_type("BIGINT", self.dialect)
        if kind == "autoincrement":
            if self.dialect == "sqlite":
                if not (f.attribute("id") and sql_type.name in ("integer", "bigint")):
                    raise self.fail(f.position, "on SQLite autoincrement() is allowed only on a single-field integer @id")
                if sql_type.name == "bigint":
                    # SQLite allows AUTOINCREMENT on INTEGER PRIMARY KEY only; Migrate writes
                    # BIGINT NOT NULL PRIMARY KEY, which is neither autoincrementing nor the rowid.
                    return None, None, sql_type
            return None, model.Identity("autoincrement"), sql_type
        return None, None, sql_type

    def _default(
        self, m: _Model, f: Field, value: Value | None, sql_type: model.SqlType, attr: Attribute
    ) -> model.Default | None:
        if value is None:
            raise self.fail(attr.position, "@default needs a value")
        if isinstance(value, Call):
            name = value.name
            if name == "now":
                return model.Default("current_timestamp", "CURRENT_TIMESTAMP")
            if name in CLIENT_FUNCTIONS:
                args = ", ".join(a.value.text if isinstance(a.value, Number) else str(a.value) for a in value.args)
                return model.Default("client", f"{name}({args})")
            if name == "dbgenerated":
                text = value.args[0].value if value.args else None
                if not isinstance(text, str) or not text.strip():
                    self.warn(attr.position, f"{m.block.name}.{f.name}: dbgenerated() without an expression; the database default is not known")
                    return None
                return classify_default(text, self.dialect, self._search_schema())
            if name == "sequence":
                self.warn(attr.position, f"{m.block.name}.{f.name}: sequence() is CockroachDB's; not modeled")
                return None
            if name == "auto":
                return None  # MongoDB ObjectId
            self.warn(attr.position, f"{m.block.name}.{f.name}: unknown default function {name}(); not modeled")
            return None
        text = self._literal_sql(m, f, value, sql_type, attr)
        return classify_default(text, self.dialect, self._search_schema()) if text is not None else None

    def _search_schema(self) -> str | None:
        return "public" if self.dialect == "postgresql" else None

    def _literal_sql(self, m: _Model, f: Field, value: Value, sql_type: model.SqlType, attr: Attribute) -> str | None:
        """The SQL Migrate writes for a literal default (reference/prisma-schema-reference#default)."""
        if isinstance(value, list):
            if self.dialect != "postgresql":
                self.warn(attr.position, f"{m.block.name}.{f.name}: list defaults exist on PostgreSQL and CockroachDB only")
                return None
            items = [self._literal_sql(m, f, v, sql_type.element(), attr) for v in value]
            return "ARRAY[" + ", ".join(i for i in items if i is not None) + "]"
        if isinstance(value, Ident):
            if value.name in ("true", "false"):
                return value.name
            enum = self.enums.get(f.type_name)
            if enum is not None:
                if value.name not in enum.values:
                    raise self.fail(attr.position, f"{value.name!r} is not a value of enum {f.type_name}")
                return _quote(enum.values[value.name])
            raise self.fail(attr.position, f"{m.block.name}.{f.name}: @default({value.name}) is not a value of {f.type_name}")
        if isinstance(value, Number):
            return value.text
        if isinstance(value, str):
            if f.type_name in _NUMERIC_SCALARS and _NUMBER.match(value.strip()):
                return value.strip()  # @default("2.00") on a Decimal is written as the number 2.00
            if f.type_name == "Json" and self.dialect == "postgresql" and sql_type.name == "jsonb":
                return _quote(_jsonb_text(value))
            if f.type_name == "DateTime" and self.dialect == "postgresql" and not sql_type.timezone:
                return _quote(timestamp_output(value))
            if f.type_name == "DateTime":
                return _quote(prisma_datetime(value))
            return _quote(value)
        return None

    # -- relations -----------------------------------------------------------------

    def _relation_fields(self, m: _Model) -> list[tuple[Field, Attribute | None]]:
        return [(f, f.attribute("relation")) for f in m.block.fields if f.type_name in self.models]

    @staticmethod
    def _relation_name(attr: Attribute | None) -> str | None:
        if attr is None:
            return None
        value = attr.arg("name", 0)
        return value if isinstance(value, str) else None

    def _foreign_keys(self, m: _Model) -> list[model.ForeignKey]:
        """Foreign keys of the relation fields that hold `fields:`/`references:`.

        prisma-schema/data-model/relations/referential-actions: without onDelete, a
        required relation gets Restrict and an optional one SetNull; without onUpdate,
        Cascade. relationMode = "prisma" creates no foreign keys at all
        (prisma-schema/data-model/relations/relation-mode).
        """
        out = []
        for f, attr in self._relation_fields(m):
            if attr is None:
                continue
            fields = attr.arg("fields")
            references = attr.arg("references")
            if fields is None and references is None:
                continue
            if not isinstance(fields, list) or not isinstance(references, list):
                raise self.fail(attr.position, f"@relation on {m.block.name}.{f.name} needs both fields: and references:")
            target = self.models[f.type_name]
            cols = [self._resolve_field(m, v, attr) for v in fields]
            ref_cols = [self._resolve_field(target, v, attr) for v in references]
            if len(cols) != len(ref_cols):
                raise self.fail(attr.position, f"@relation on {m.block.name}.{f.name}: fields and references differ in length")
            if self.relation_mode == "prisma":
                continue
            on_delete = self._action(attr, "onDelete", "SET NULL" if f.optional else "RESTRICT")
            on_update = self._action(attr, "onUpdate", "CASCADE")
            out.append(
                model.ForeignKey(
                    name=self.clip(_given(attr)) or prisma_name(m.table, cols, "fkey", self.provider.name_limit),
                    columns=tuple(cols),
                    ref_table=target.table,
                    ref_columns=tuple(ref_cols),
                    ref_schema=target.namespace if self.dialect == "postgresql" else None,
                    on_delete=on_delete,
                    on_update=on_update,
                    origin=self.origin(attr.position),
                )
            )
        return out

    def _resolve_field(self, m: _Model, value: Value, attr: Attribute) -> str:
        name = value.name if isinstance(value, Ident) else None
        if name is None or name not in m.scalars:
            raise self.fail(attr.position, f"@relation: {name or value!r} is not a scalar field of {m.block.name}")
        return m.columns[name]

    def _action(self, attr: Attribute, key: str, default: str) -> str:
        value = attr.arg(key)
        if value is None:
            return default
        if not isinstance(value, Ident) or value.name not in _ACTIONS:
            raise self.fail(attr.position, f"{key}: unknown referential action {value!r} (one of {', '.join(_ACTIONS)})")
        return _ACTIONS[value.name]

    def _join_tables(self) -> list[tuple[str, model.Table]]:
        """Implicit many-to-many relations (prisma-schema/data-model/relations/many-to-many-relations
        #conventions-for-relation-tables-in-implicit-m-n-relations): a table `_<RelationName>`,
        by default `_<A>To<B>` with the model names in alphabetical order; column A refers to
        the first model's id, B to the second's, both with ON DELETE/UPDATE CASCADE; a
        unique index `_<name>_AB_unique` on (A, B) — since Prisma 6 on PostgreSQL a primary
        key `_<name>_AB_pkey` instead (orm/more/upgrade-guides/upgrading-versions/upgrading-to-prisma-6)
        — and an index `_<name>_B_index` on B."""
        seen: set[tuple[str, str]] = set()
        out: list[tuple[str, model.Table]] = []
        for m in self.models.values():
            for f, attr in self._relation_fields(m):
                if not f.is_list or (attr is not None and attr.arg("fields") is not None):
                    continue
                other = self.models[f.type_name]
                rel_name = self._relation_name(attr)
                partner = [
                    g for g, gattr in self._relation_fields(other)
                    if g.type_name == m.block.name and g.is_list and self._relation_name(gattr) == rel_name
                    and (g is not f or other is not m)
                ]
                if other is m:
                    partner = [g for g in partner if g is not f]
                if not partner:
                    continue  # one side of a one-to-many relation
                first, second = sorted([m.block.name, other.block.name])
                name = rel_name or f"{first}To{second}"
                if (name, first) in seen:
                    continue
                seen.add((name, first))
                out.append(self._join_table(name, self.models[first], self.models[second], f.position))
                self.join_tables[name] = out[-1][1].name
        return out

    def _join_table(self, name: str, a: _Model, b: _Model, position: Position | None) -> tuple[str, model.Table]:
        # Names derive from the full `_<name>`, cut before a fixed suffix; the table itself is
        # cut by the database's identifier limit like any other name.
        full = f"_{name}"
        table = self.clip(full)
        origin = self.origin(position)
        columns = []
        fks = []
        for label, target in (("A", a), ("B", b)):
            if len(target.id_fields) != 1:
                raise self.fail(target.block.position, f"implicit many-to-many relation {name!r} needs a single-field @id on {target.block.name}")
            id_field = target.id_fields[0]
            columns.append(model.Column(label, target.types[id_field], nullable=False, origin=origin))
            if self.relation_mode != "prisma":
                fks.append(
                    model.ForeignKey(
                        name=self._suffixed(full, f"_{label}_fkey"),
                        columns=(label,),
                        ref_table=target.table,
                        ref_columns=(target.columns[id_field],),
                        ref_schema=target.namespace if self.dialect == "postgresql" else None,
                        on_delete="CASCADE",
                        on_update="CASCADE",
                        origin=origin,
                    )
                )
        ab = (model.IndexElement(column="A"), model.IndexElement(column="B"))
        indexes = [model.Index(name=self._suffixed(full, "_B_index"), elements=(model.IndexElement(column="B"),), origin=origin)]
        primary_key = None
        if self.dialect == "postgresql" and (self.prisma_major is None or self.prisma_major >= 6):
            primary_key = model.PrimaryKey(columns=("A", "B"), name=self._suffixed(full, "_AB_pkey"), origin=origin)
        else:
            indexes.append(model.Index(name=self._suffixed(full, "_AB_unique"), elements=ab, unique=True, origin=origin))
        return a.namespace, model.Table(
            name=table,
            columns=tuple(columns),
            primary_key=primary_key,
            indexes=tuple(indexes),
            foreign_keys=tuple(fks),
            origin=origin,
        )


_NUMERIC_SCALARS = frozenset({"Int", "BigInt", "Float", "Decimal"})
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")


def _given(attribute: Attribute) -> str | None:
    """The database name an attribute sets with `map:`."""
    value = attribute.arg("map")
    return value if isinstance(value, str) else None


_quote = quote_literal


def _jsonb_text(text: str) -> str:
    """A JSON default as PostgreSQL's jsonb prints it back."""
    try:
        return jsonb_output(json.loads(text))
    except ValueError:
        return text


def prisma_datetime(text: str) -> str:
    """A DateTime default as Migrate writes it: `2020-02-29 12:00:00 +00:00` (chrono's
    `%Y-%m-%d %H:%M:%S%.f %:z`: the fraction in groups of 3 digits, only when non-zero)."""
    stamp = _parse_datetime(text)
    if stamp is None:
        return text
    return stamp.strftime("%Y-%m-%d %H:%M:%S") + _fraction(stamp.microsecond, groups=True) + " " + _offset(stamp)


def timestamp_output(text: str) -> str:
    """A DateTime default as a PostgreSQL `timestamp without time zone` prints it back: the
    offset is dropped and trailing zeros of the fraction with it."""
    stamp = _parse_datetime(text)
    if stamp is None:
        return text
    return stamp.strftime("%Y-%m-%d %H:%M:%S") + _fraction(stamp.microsecond, groups=False)


def _parse_datetime(text: str) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=timezone.utc)


def _fraction(micro: int, groups: bool) -> str:
    if not micro:
        return ""
    digits = f"{micro:06d}"
    if groups:
        return "." + (digits[:3] if digits.endswith("000") else digits)
    return "." + digits.rstrip("0")


def _offset(stamp: datetime) -> str:
    minutes = int(stamp.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
