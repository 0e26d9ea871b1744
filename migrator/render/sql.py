"""A schema as CREATE statements, written by SQLAlchemy's DDL compiler.

`render_sql(schema, dialect)` builds a `sqlalchemy.MetaData` from the model (types and
defaults through migrator.sa_bridge) and runs `metadata.create_all` against a mock engine
that only collects the statements SQLAlchemy would send, compiled for the dialect. So
SQLAlchemy decides identifier quoting, the order of enum types, sequences and tables
(foreign keys resolve; the constraints of a foreign-key cycle become ALTER TABLE ... ADD
CONSTRAINT after the tables), and the spelling of every clause.

What SQLAlchemy has no construct for is written here, with its identifier preparer:
CREATE SCHEMA for namespaces other than public (as SQLAlchemy's CreateSchema), CREATE
EXTENSION IF NOT EXISTS, ALTER SEQUENCE ... OWNED BY for serial sequences, and views
(CREATE [MATERIALIZED] VIEW ... AS <definition>, after the tables, a view after the views
its definition names).

The round trip the tests hold it to: a schema read from a live database, rendered and
applied to an empty database of the same dialect, reads back equal (Schema.canonical()).
Client-side defaults (Default kind "client") are not in the DDL: they never reach a
database.

Output: every statement followed by ";\\n", in a deterministic order.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.schema import AddConstraint, CreateIndex, CreateSchema

from migrator import schema as model
from migrator.sa_bridge import (
    DEFAULT_NAMESPACE,
    DIALECTS,
    dialect as sa_dialect,
    referential_action,
    sa_type,
    server_default_text,
)
from migrator.types import parse_type

# URLs of the mock engines: no connection is made, the dialect compiles.
_MOCK_URLS = {"postgresql": "postgresql+psycopg://", "sqlite": "sqlite://"}


def render_sql(schema: model.Schema, dialect: str) -> str:
    """CREATE statements for the whole schema in `dialect` ("postgresql" or "sqlite")."""
    return "".join(statement + ";\n" for statement in statements(schema, dialect))


def statements(schema: model.Schema, dialect: str) -> list[str]:
    """The statements of render_sql, without terminators."""
    if dialect not in DIALECTS:
        raise ValueError(f"unsupported dialect {dialect!r} (supported: {', '.join(DIALECTS)})")
    return _Renderer(schema.canonical(), dialect).render()


class _Renderer:
    def __init__(self, schema: model.Schema, dialect: str) -> None:
        self.schema = schema
        self.d = dialect
        self.pg = dialect == "postgresql"
        self.out: list[str] = []
        self.engine = sa.create_mock_engine(_MOCK_URLS[dialect], self._collect)
        self.preparer = self.engine.dialect.identifier_preparer
        self.metadata = sa.MetaData()
        # Tables a foreign key names but the schema does not hold: targets only, never created.
        self.outside = sa.MetaData()
        self.enums: dict[str, sa.Enum] = {}
        self.tables: dict[tuple[str, str], sa.Table] = {}
        self.after: list[str] = []
        # The foreign keys of a cycle, which SQLAlchemy adds after the tables from a set.
        self.alters: list[tuple[tuple[str, str], str]] = []
        self.indexes: list[tuple[str, str]] = []

    def _collect(self, element: Any, *multiparams: Any, **params: Any) -> None:
        text = str(element.compile(dialect=self.engine.dialect)).strip()
        if not text:
            return
        if isinstance(element, CreateIndex):
            # A table's indexes come one after another, from a set: put them in name order.
            self.indexes.append((str(element.element.name), text))
            return
        self._flush_indexes()
        if isinstance(element, AddConstraint):
            constraint = element.element
            self.alters.append(((constraint.table.fullname, str(constraint.name or "")), text))
        else:
            self.out.append(text)

    def _flush_indexes(self) -> None:
        self.out.extend(text for _name, text in sorted(self.indexes))
        self.indexes.clear()

    def _schema_of(self, namespace: str) -> str | None:
        return schema_name(namespace, self.d)

    def _qualified(self, namespace: str, name: str) -> str:
        return qualified_name(namespace, name, self.d)

    # -- the whole schema ------------------------------------------------------

    def render(self) -> list[str]:
        if self.pg:
            for ns in self.schema.namespaces:
                if ns.name != DEFAULT_NAMESPACE["postgresql"]:
                    self._collect(CreateSchema(ns.name, if_not_exists=True))
            for ext in self.schema.extensions:
                self.out.append(create_extension_sql(ext))
            for ns in self.schema.namespaces:
                for enum in ns.enums:
                    self.enums[f"{ns.name}.{enum.name}"] = pg.ENUM(
                        *enum.values, name=enum.name, schema=ns.name, metadata=self.metadata
                    )
                for seq in ns.sequences:
                    self._sequence(ns.name, seq)
        for ns in self.schema.namespaces:
            for table in ns.tables:
                self._table(ns.name, table)
        for ns in self.schema.namespaces:
            for table in ns.tables:
                self._foreign_keys(ns.name, table)
        self.metadata.create_all(self.engine, checkfirst=False)
        self._flush_indexes()
        self.out.extend(text for _key, text in sorted(self.alters))
        self.out.extend(self.after)
        self._views()
        return self.out

    # -- sequences, tables, constraints ---------------------------------------

    def _sequence(self, namespace: str, seq: model.Sequence) -> None:
        build_sequence(seq, namespace, self.d, self.metadata)
        if seq.owned_by:
            table, _, column = seq.owned_by.rpartition(".")
            self.after.append(
                f"ALTER SEQUENCE {self._qualified(namespace, seq.name)} OWNED BY "
                f"{self._qualified(namespace, table)}.{self.preparer.quote(column)}"
            )

    def _table(self, namespace: str, table: model.Table) -> None:
        sa_table = build_table(table, self.metadata, self._schema_of(namespace), self.d, self.enums)
        self.tables[(namespace, table.name)] = sa_table
        for index in table.indexes:
            build_index(sa_table, index, self.d)

    def _foreign_keys(self, namespace: str, table: model.Table) -> None:
        sa_table = self.tables[(namespace, table.name)]
        for fk in table.foreign_keys:
            ref_ns = fk.ref_schema or namespace
            target = self.tables.get((ref_ns, fk.ref_table))
            if target is None:
                target = outside_table(self.outside, self._schema_of(ref_ns), fk.ref_table, fk.ref_columns)
            sa_table.append_constraint(build_foreign_key(fk, target))

    # -- views -----------------------------------------------------------------

    def _views(self) -> None:
        views = [(ns.name, view) for ns in self.schema.namespaces for view in ns.views]
        for namespace, view in _dependency_order(views):
            kind = "MATERIALIZED VIEW" if view.materialized and self.pg else "VIEW"
            self.out.append(f"CREATE {kind} {self._qualified(namespace, view.name)} AS {view.definition.strip()}")


# ---------------------------------------------------------------------------
# Model -> SQLAlchemy schema objects. Shared with migrator.render.ddl, which hands the
# same objects to Alembic's operations.


def schema_name(namespace: str, dialect: str) -> str | None:
    """The `schema=` SQLAlchemy gets: every PostgreSQL name is qualified; SQLite's main is not.

    A PostgreSQL schema rendered for SQLite keeps its tables of "public" in main.
    """
    if dialect == "postgresql":
        return namespace
    return None if namespace in DEFAULT_NAMESPACE.values() else namespace


def qualified_name(namespace: str, name: str, dialect: str) -> str:
    """`name` in `namespace`, quoted where `dialect` needs it."""
    preparer = sa_dialect(dialect).identifier_preparer
    schema = schema_name(namespace, dialect)
    quoted = preparer.quote(name)
    return f"{preparer.quote_schema(schema)}.{quoted}" if schema else quoted


def create_extension_sql(ext: model.Extension) -> str:
    preparer = sa_dialect("postgresql").identifier_preparer
    text = f"CREATE EXTENSION IF NOT EXISTS {preparer.quote(ext.name)}"
    if ext.schema:
        text += f" WITH SCHEMA {preparer.quote_schema(ext.schema)}"
    return text


def build_sequence(seq: model.Sequence, namespace: str, dialect: str, metadata: sa.MetaData | None = None) -> sa.Sequence:
    """The SQLAlchemy sequence of `seq` (OWNED BY has no SQLAlchemy construct: the caller writes it)."""
    return sa.Sequence(
        seq.name,
        start=seq.start,
        increment=seq.increment,
        minvalue=seq.min_value,
        maxvalue=seq.max_value,
        cycle=seq.cycle or None,
        schema=namespace,
        data_type=sa_type(parse_type(seq.data_type, dialect), dialect),
        metadata=metadata,
    )


def build_column(col: model.Column, dialect: str, enums: dict[str, sa.Enum] | None = None) -> sa.Column:
    """The SQLAlchemy column declaring `col` in `dialect` (no table, no constraints but its own)."""
    pg_dialect = dialect == "postgresql"
    extra: list[Any] = []
    autoincrement: bool | str = False
    identity = col.identity
    if identity is not None and pg_dialect:
        extra.append(sa.Identity(always=identity.generation == "always", start=identity.start, increment=identity.increment))
        autoincrement = "auto"  # SQLAlchemy refuses Identity with autoincrement=False
    elif identity is not None and identity.generation == "autoincrement":
        autoincrement = True
    if col.generated is not None:
        extra.append(sa.Computed(sa.literal_column(col.generated), persisted=True))
    default = server_default_text(col.default, dialect)
    return sa.Column(
        col.name,
        sa_type(col.type, dialect, enums),
        *extra,
        nullable=col.nullable,
        server_default=sa.DefaultClause(sa.literal_column(default)) if default is not None else None,
        autoincrement=autoincrement,
        comment=col.comment,
    )


def build_table(
    table: model.Table,
    metadata: sa.MetaData,
    schema: str | None,
    dialect: str,
    enums: dict[str, sa.Enum] | None = None,
    *,
    name: str | None = None,
) -> sa.Table:
    """The SQLAlchemy table of `table`: columns, primary key, unique and check constraints.

    Indexes and foreign keys are added by the caller (build_index, build_foreign_key),
    which decides when they can be created. `name` overrides the table's name (a rebuild's
    temporary table).
    """
    items: list[Any] = [build_column(col, dialect, enums) for col in table.columns]
    if table.primary_key is not None:
        items.append(sa.PrimaryKeyConstraint(*table.primary_key.columns, name=table.primary_key.name))
    for unique in table.uniques:
        items.append(sa.UniqueConstraint(*unique.columns, name=unique.name))
    for check in table.checks:
        items.append(sa.CheckConstraint(sa.literal_column(check.expression), name=check.name))
    kwargs: dict[str, Any] = {"comment": table.comment}
    if dialect != "postgresql" and any(c.identity and c.identity.generation == "autoincrement" for c in table.columns):
        kwargs["sqlite_autoincrement"] = True
    return sa.Table(name or table.name, metadata, *items, schema=schema, **kwargs)


def build_foreign_key(fk: model.ForeignKey, target: sa.Table) -> sa.ForeignKeyConstraint:
    """The constraint of `fk`, pointing at columns of `target` (append it to the referencing table)."""
    return sa.ForeignKeyConstraint(
        list(fk.columns),
        [target.c[c] for c in fk.ref_columns],
        name=fk.name,
        ondelete=referential_action(fk.on_delete),
        onupdate=referential_action(fk.on_update),
    )


def outside_table(metadata: sa.MetaData, schema: str | None, name: str, columns: tuple[str, ...]) -> sa.Table:
    """A stand-in for a table a foreign key names but the rendered schema does not hold: a target only."""
    key = f"{schema}.{name}" if schema else name
    existing = metadata.tables.get(key)
    if existing is not None:
        for col in columns:
            if col not in existing.c:
                existing.append_column(sa.Column(col, sa.Integer))
        return existing
    return sa.Table(name, metadata, *[sa.Column(c, sa.Integer) for c in columns], schema=schema)


def build_index(table: sa.Table, index: model.Index, dialect: str) -> sa.Index:
    """The SQLAlchemy index of `index` on `table` (attached to it)."""
    elements = [_index_element(table, e, dialect) for e in index.elements]
    kwargs: dict[str, Any] = {}
    if dialect == "postgresql":
        if index.method and index.method != "btree":
            kwargs["postgresql_using"] = index.method
        if index.where:
            kwargs["postgresql_where"] = sa.literal_column(index.where)
        if index.include:
            kwargs["postgresql_include"] = list(index.include)
    elif index.where:
        kwargs["sqlite_where"] = sa.literal_column(index.where)
    sa_index = sa.Index(index.name, *elements, unique=index.unique, **kwargs)
    table.append_constraint(sa_index)
    return sa_index


def _index_element(table: sa.Table, element: model.IndexElement, dialect: str) -> Any:
    pg_dialect = dialect == "postgresql"
    opclass = element.opclass if pg_dialect else None
    if element.column is not None and not opclass:
        expr: Any = table.c[element.column]
    else:
        # An expression keeps parentheses of its own so any expression is a valid key.
        preparer = sa_dialect(dialect).identifier_preparer
        text = preparer.quote(element.column) if element.column is not None else f"({element.expression})"
        if opclass:
            text += " " + opclass
        expr = sa.literal_column(text)
    if element.descending:
        expr = expr.desc()
    if element.nulls_first is not None and pg_dialect:
        expr = expr.nulls_first() if element.nulls_first else expr.nulls_last()
    return expr



def _dependency_order(views: list[tuple[str, model.View]]) -> list[tuple[str, model.View]]:
    """Views in name order, except that a view comes after every view its definition names."""
    names = {view.name for _, view in views}
    words = {
        id(view): {w for w in re.findall(r'[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+"', view.definition)} for _, view in views
    }
    placed: list[tuple[str, model.View]] = []
    done: set[str] = set()
    pending = list(views)
    while pending:
        for item in pending:
            needs = {
                n for n in names if n != item[1].name and n not in done and (n in words[id(item[1])] or f'"{n}"' in words[id(item[1])])
            }
            if not needs:
                break
        else:
            item = pending[0]  # a cycle the database would refuse anyway: keep name order
        pending.remove(item)
        placed.append(item)
        done.add(item[1].name)
    return placed


__all__ = [
    "build_column",
    "build_foreign_key",
    "build_index",
    "build_sequence",
    "build_table",
    "create_extension_sql",
    "outside_table",
    "qualified_name",
    "render_sql",
    "schema_name",
    "statements",
]
