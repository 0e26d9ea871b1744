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
        # paramstyle "named": with the drivers' pyformat every % is written %% (a CHECK with
        # LIKE 'a%' would come out as 'a%%'), which no one runs through a driver's formatting.
        self.engine = sa.create_mock_engine(_MOCK_URLS[dialect], self._collect, paramstyle="named")
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
        self.partitions: list[tuple[str, model.Table]] = []  # created after their parents (_postgres_tables)

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
        self._postgres_tables()
        self.out.extend(self.after)
        self.out.extend(options_sql(self.schema, self.d))
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
        if self.pg and table.partition_of:
            self.partitions.append((namespace, table))
            return
        sa_table = build_table(table, self.metadata, self._schema_of(namespace), self.d, self.enums)
        self.tables[(namespace, table.name)] = sa_table
        for index in table.indexes:
            build_index(sa_table, index, self.d)

    def _foreign_keys(self, namespace: str, table: model.Table) -> None:
        sa_table = self.tables.get((namespace, table.name))
        if sa_table is None:
            return  # a partition: its foreign keys are its parent's
        for fk in table.foreign_keys:
            if fk.not_valid and self.pg:
                continue  # CREATE TABLE would validate it: added NOT VALID afterwards (options_sql)
            ref_ns = fk.ref_schema or namespace
            target = self.tables.get((ref_ns, fk.ref_table))
            if target is None:
                target = outside_table(self.outside, self._schema_of(ref_ns), fk.ref_table, fk.ref_columns)
            sa_table.append_constraint(build_foreign_key(fk, target))

    def _postgres_tables(self) -> None:
        """Partitions (parents first) with the indexes and checks of their own, then what
        CREATE TABLE cannot say: exclusion constraints, row level security, replica identity."""
        if not self.pg:
            return
        by_name = {f"{ns.name}.{t.name}": t for ns in self.schema.namespaces for t in ns.tables}
        for namespace, table in sorted(self.partitions, key=lambda p: (partition_depth(p[1], by_name), p[0], p[1].name)):
            self.out.append(partition_sql(namespace, table))
            self.out.extend(partition_columns_sql(namespace, table, by_name.get(table.partition_of or "")))
            stub = build_table(model.Table(table.name, table.columns), sa.MetaData(), self._schema_of(namespace), self.d, self.enums)
            for index in table.indexes:
                self.out.append(str(CreateIndex(build_index(stub, index, self.d)).compile(dialect=self.engine.dialect)).strip())
            for check in table.checks:
                constraint = sa.CheckConstraint(sa.literal_column(check.expression), name=check.name)
                stub.append_constraint(constraint)
                self.out.append(str(AddConstraint(constraint).compile(dialect=self.engine.dialect)).strip())
        for ns in self.schema.namespaces:
            for table in ns.tables:
                self.out.extend(new_table_sql(ns.name, table))

    # -- views -----------------------------------------------------------------

    def _views(self) -> None:
        views = [(ns.name, view) for ns in self.schema.namespaces for view in ns.views]
        for namespace, view in _dependency_order(views):
            kind = "MATERIALIZED VIEW" if view.materialized and self.pg else "VIEW"
            self.out.append(f"CREATE {kind} {self._qualified(namespace, view.name)}{view_with(view, self.d)} AS {view.definition.strip()}")
            self.out.extend(view_extras_sql(namespace, view, self.d))


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
        cache=seq.cache if seq.cache != 1 else None,
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
        extra.append(build_identity(identity))
        autoincrement = "auto"  # SQLAlchemy refuses Identity with autoincrement=False
    elif identity is not None and identity.generation == "autoincrement":
        autoincrement = True
    if col.generated is not None:
        extra.append(sa.Computed(sa.literal_column(col.generated), persisted=True))
    default = server_default_text(col.default, dialect, col.type)
    return sa.Column(
        col.name,
        collated_type(sa_type(col.type, dialect, enums), col, dialect),
        *extra,
        nullable=col.nullable,
        server_default=sa.DefaultClause(sa.literal_column(default)) if default is not None else None,
        autoincrement=autoincrement,
        comment=col.comment,
    )


def build_identity(identity: model.Identity) -> sa.Identity:
    """The SQLAlchemy identity of an SQL identity column, with every sequence option it sets
    (MINVALUE, MAXVALUE, CACHE, CYCLE): CREATE TABLE, ADD COLUMN and ADD GENERATED all say them."""
    return sa.Identity(
        always=identity.generation == "always",
        start=identity.start,
        increment=identity.increment,
        minvalue=identity.min_value,
        maxvalue=identity.max_value,
        cache=identity.cache,
        cycle=True if identity.cycle else None,
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
        items.append(sa.PrimaryKeyConstraint(*table.primary_key.columns, name=table.primary_key.name,
                                             **constraint_kwargs(table.primary_key, dialect)))
    for unique in table.uniques:
        items.append(sa.UniqueConstraint(*unique.columns, name=unique.name, **constraint_kwargs(unique, dialect)))
    for check in table.checks:
        if check in later_checks(table, dialect):
            continue  # NOT VALID or NO INHERIT: added after the table (later_checks)
        items.append(sa.CheckConstraint(sa.literal_column(check.expression), name=check.name))
    kwargs: dict[str, Any] = {"comment": table.comment}
    if dialect != "postgresql" and any(c.identity and c.identity.generation == "autoincrement" for c in table.columns):
        kwargs["sqlite_autoincrement"] = True
    kwargs.update(table_options_kwargs(table, dialect))
    return sa.Table(name or table.name, metadata, *items, schema=schema, **kwargs)


def build_foreign_key(fk: model.ForeignKey, target: sa.Table) -> sa.ForeignKeyConstraint:
    """The constraint of `fk`, pointing at columns of `target` (append it to the referencing table)."""
    return sa.ForeignKeyConstraint(
        list(fk.columns),
        [target.c[c] for c in fk.ref_columns],
        name=fk.name,
        ondelete=referential_action(fk.on_delete),
        onupdate=referential_action(fk.on_update),
        **constraint_kwargs(fk, "postgresql"),
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
        if index.nulls_not_distinct:
            kwargs["postgresql_nulls_not_distinct"] = True
        if index.options:  # storage parameters: CREATE INDEX ... WITH (fillfactor = 70)
            kwargs["postgresql_with"] = dict(_option_pair(o) for o in index.options)
    elif index.where:
        kwargs["sqlite_where"] = sa.literal_column(index.where)
    sa_index = sa.Index(index.name, *elements, unique=index.unique, **kwargs)
    table.append_constraint(sa_index)
    return sa_index


def _index_element(table: sa.Table, element: model.IndexElement, dialect: str) -> Any:
    pg_dialect = dialect == "postgresql"
    opclass = element.opclass if pg_dialect else None
    collation = element.collation if pg_dialect else None
    if element.column is not None and not opclass and not collation:
        expr: Any = table.c[element.column]
    else:
        # An expression keeps parentheses of its own so any expression is a valid key.
        preparer = sa_dialect(dialect).identifier_preparer
        text = preparer.quote(element.column) if element.column is not None else f"({element.expression})"
        if collation:  # the key's COLLATE comes before its opclass: (name COLLATE "C" text_pattern_ops)
            text += " " + collation_sql(collation)
        if opclass:
            text += " " + opclass
        expr = sa.literal_column(text)
    if element.descending:
        expr = expr.desc()
    if element.nulls_first is not None and pg_dialect:
        expr = expr.nulls_first() if element.nulls_first else expr.nulls_last()
    return expr



# ---------------------------------------------------------------------------
# PostgreSQL table options, partitions, exclusion constraints and collations. CREATE
# TABLE carries UNLOGGED, WITH (...) and PARTITION BY (SQLAlchemy's prefixes and
# postgresql_with / postgresql_partition_by); a column's COLLATE is part of its type.
# What SQLAlchemy has no construct for is SQL text: a partition (CREATE TABLE ...
# PARTITION OF parent FOR VALUES ...), an exclusion constraint, ROW LEVEL SECURITY and
# REPLICA IDENTITY. migrator.render.ddl uses the same functions.

_UNQUALIFIED_PREFIX = re.compile(r"^[a-z_][a-z0-9_$]*$")


def collation_parts(collation: str) -> tuple[str | None, str]:
    """(schema, name) of a model collation: "public.ci" is qualified; "C", "en_US.utf8" are pg_catalog's.

    The reader qualifies collations outside pg_catalog; a pg_catalog name may hold a dot
    itself (libc's "en_US.utf8"), so only a lower-case identifier before the dot is a schema.
    """
    head, dot, tail = collation.partition(".")
    if dot and tail and _UNQUALIFIED_PREFIX.match(head):
        return head, tail
    return None, collation


def collation_sql(collation: str | None) -> str:
    """`COLLATE "C"`; a column without a collation of its own takes its type's ("default")."""
    preparer = sa_dialect("postgresql").identifier_preparer
    if collation is None:
        return 'COLLATE pg_catalog."default"'
    schema, name = collation_parts(collation)
    return "COLLATE " + (f"{preparer.quote_schema(schema)}." if schema else "") + preparer.quote(name)


def collated_type(sa_col_type: Any, col: model.Column, dialect: str) -> Any:
    """`sa_col_type` with the column's COLLATE (PostgreSQL): a string type's collation, else declared text."""
    if not col.collation or dialect != "postgresql":
        return sa_col_type
    schema, name = collation_parts(col.collation)
    if isinstance(sa_col_type, sa.String) and not isinstance(sa_col_type, sa.Enum):
        return sa_col_type._with_collation(name, schema)
    from migrator.sa_bridge import DeclaredType
    from migrator.types import render_type

    return DeclaredType(f"{render_type(col.type, dialect)} {collation_sql(col.collation)}")


def table_options_kwargs(table: model.Table, dialect: str) -> dict[str, Any]:
    """sa.Table keywords for UNLOGGED, storage parameters and PARTITION BY (PostgreSQL)."""
    if dialect != "postgresql":
        return {}
    kwargs: dict[str, Any] = {}
    if table.unlogged:
        kwargs["prefixes"] = ["UNLOGGED"]
    if table.options:
        kwargs["postgresql_with"] = dict(_option_pair(o) for o in table.options)
    if table.partition_by:
        kwargs["postgresql_partition_by"] = table.partition_by
    return kwargs


def _option_pair(option: str) -> tuple[str, str]:
    name, _, value = option.partition("=")
    return name.strip(), value.strip()


def partition_sql(namespace: str, table: model.Table) -> str:
    """CREATE TABLE ... PARTITION OF parent FOR VALUES ... (its columns are the parent's)."""
    parent_ns, _, parent = (table.partition_of or "").partition(".")
    text = "CREATE " + ("UNLOGGED " if table.unlogged else "") + f"TABLE {qualified_name(namespace, table.name, 'postgresql')}"
    text += f" PARTITION OF {qualified_name(parent_ns or namespace, parent, 'postgresql')} {table.partition_bound or 'DEFAULT'}"
    if table.partition_by:
        text += f" PARTITION BY {table.partition_by}"
    if table.options:
        text += " WITH (" + ", ".join(f"{k} = {v}" for k, v in map(_option_pair, table.options)) + ")"
    return text


def partition_columns_sql(namespace: str, table: model.Table, parent: model.Table | None) -> list[str]:
    """What a new partition's columns hold of their own: PARTITION OF gives each column its
    parent's NOT NULL and default, and a partition may be stricter (NOT NULL) or default
    otherwise. ALTER TABLE ... ALTER COLUMN for those, after the CREATE."""
    from migrator.sa_bridge import server_default_text

    def default(col: model.Column | None) -> str | None:
        if col is None or col.default is None or col.default.kind == "client":
            return None
        return server_default_text(col.default, "postgresql", col.type)

    parents = {c.name: c for c in parent.columns} if parent is not None else {}
    target = qualified_name(namespace, table.name, "postgresql")
    preparer = sa_dialect("postgresql").identifier_preparer
    out = []
    for col in table.columns:
        own = parents.get(col.name)
        column = f"ALTER TABLE {target} ALTER COLUMN {preparer.quote(col.name)}"
        if not col.nullable and (own is None or own.nullable):
            out.append(f"{column} SET NOT NULL")
        if col.identity is None and not col.generated and default(col) != default(own):
            text = default(col)
            out.append(f"{column} SET DEFAULT {text}" if text is not None else f"{column} DROP DEFAULT")
    return out


def partition_depth(table: model.Table, tables: dict[str, model.Table]) -> int:
    """How many parents `table` has ("schema.name" -> table in `tables`): parents are created first."""
    depth, seen = 0, set()
    while table.partition_of and table.partition_of not in seen:
        seen.add(table.partition_of)
        depth += 1
        parent = tables.get(table.partition_of)
        if parent is None:
            break
        table = parent
    return depth


def exclusion_sql(namespace: str, table: str, x: model.ExclusionConstraint) -> str:
    """ALTER TABLE ... ADD [CONSTRAINT name] EXCLUDE USING method (element WITH operator, ...) ..."""
    preparer = sa_dialect("postgresql").identifier_preparer
    items = []
    for element, operator in zip(x.elements, x.operators):
        items.append(f"{element.label(preparer.quote)} WITH {operator}")
    text = f"ALTER TABLE {qualified_name(namespace, table, 'postgresql')} ADD "
    if x.name:
        text += f"CONSTRAINT {preparer.quote(x.name)} "
    text += f"EXCLUDE USING {x.method or 'gist'} ({', '.join(items)})"
    if x.include:
        text += " INCLUDE (" + ", ".join(preparer.quote(c) for c in x.include) + ")"
    if x.where:
        text += f" WHERE ({x.where})"
    if x.deferrable:
        text += " DEFERRABLE" + (" INITIALLY DEFERRED" if x.initially_deferred else "")
    return text


def row_security_sql(namespace: str, table: model.Table) -> list[str]:
    """ALTER TABLE ... ENABLE/DISABLE and FORCE/NO FORCE ROW LEVEL SECURITY, both always."""
    name = qualified_name(namespace, table.name, "postgresql")
    return [
        f"ALTER TABLE {name} {'ENABLE' if table.row_security else 'DISABLE'} ROW LEVEL SECURITY",
        f"ALTER TABLE {name} {'FORCE' if table.force_row_security else 'NO FORCE'} ROW LEVEL SECURITY",
    ]


def replica_identity_sql(namespace: str, table: model.Table) -> str:
    preparer = sa_dialect("postgresql").identifier_preparer
    identity = table.replica_identity or "default"
    if identity.startswith("index "):
        clause = f"USING INDEX {preparer.quote(identity[len('index '):])}"
    else:
        clause = identity.upper()
    return f"ALTER TABLE {qualified_name(namespace, table.name, 'postgresql')} REPLICA IDENTITY {clause}"


def new_table_sql(namespace: str, table: model.Table) -> list[str]:
    """What CREATE TABLE cannot say about a new table: its exclusions, RLS and replica identity."""
    out = [exclusion_sql(namespace, table.name, x) for x in table.exclusions]
    if table.row_security or table.force_row_security:
        out += [s for s in row_security_sql(namespace, table) if "DISABLE" not in s and "NO FORCE" not in s]
    if table.replica_identity:
        out.append(replica_identity_sql(namespace, table))
    return out


# ---------------------------------------------------------------------------
# Options and comments (issue 12): what CREATE TABLE/INDEX/VIEW carry through SQLAlchemy,
# and the statements that follow for what they cannot (NOT VALID and NO INHERIT checks,
# COMMENT ON for indexes, constraints, views, sequences, types and schemas).


def constraint_kwargs(obj: Any, dialect: str) -> dict[str, Any]:
    """SQLAlchemy keywords of a primary key, unique or foreign key's options."""
    if dialect != "postgresql":
        return {}
    kwargs: dict[str, Any] = {}
    if getattr(obj, "deferrable", False):
        kwargs["deferrable"] = True
        if getattr(obj, "initially_deferred", False):
            kwargs["initially"] = "DEFERRED"
    if getattr(obj, "nulls_not_distinct", False):
        kwargs["postgresql_nulls_not_distinct"] = True
    if getattr(obj, "match_full", False):
        kwargs["match"] = "FULL"
    return kwargs


def later_checks(table: model.Table, dialect: str) -> tuple[model.CheckConstraint, ...]:
    """Checks CREATE TABLE cannot make: PostgreSQL validates (and marks valid) a NOT VALID
    check of a new table, and SQLAlchemy has no NO INHERIT."""
    if dialect != "postgresql":
        return ()
    return tuple(c for c in table.checks if c.not_valid or c.no_inherit)


def _quote(name: str) -> str:
    return sa_dialect("postgresql").identifier_preparer.quote(name)


def comment_literal(text: str | None) -> str:
    if text is None:
        return "NULL"
    return "'" + text.replace("'", "''") + "'"


def deferrable_sql(obj: Any) -> str:
    if not getattr(obj, "deferrable", False):
        return ""
    return " DEFERRABLE INITIALLY DEFERRED" if getattr(obj, "initially_deferred", False) else " DEFERRABLE"


def constraint_body_sql(obj: Any, namespace: str) -> str:
    """`CONSTRAINT name UNIQUE NULLS NOT DISTINCT (a) DEFERRABLE`, ... as ALTER TABLE ADD takes it (PostgreSQL)."""
    head = f"CONSTRAINT {_quote(obj.name)} " if obj.name else ""
    if isinstance(obj, model.PrimaryKey):
        return f"{head}PRIMARY KEY ({', '.join(map(_quote, obj.columns))}){deferrable_sql(obj)}"
    if isinstance(obj, model.UniqueConstraint):
        nulls = " NULLS NOT DISTINCT" if obj.nulls_not_distinct else ""
        return f"{head}UNIQUE{nulls} ({', '.join(map(_quote, obj.columns))}){deferrable_sql(obj)}"
    if isinstance(obj, model.ForeignKey):
        text = (f"{head}FOREIGN KEY ({', '.join(map(_quote, obj.columns))}) REFERENCES "
                f"{qualified_name(obj.ref_schema or namespace, obj.ref_table, 'postgresql')} "
                f"({', '.join(map(_quote, obj.ref_columns))})")
        if obj.match_full:
            text += " MATCH FULL"
        if obj.on_update != "NO ACTION":
            text += f" ON UPDATE {obj.on_update}"
        if obj.on_delete != "NO ACTION":
            text += f" ON DELETE {obj.on_delete}"
        return text + deferrable_sql(obj) + (" NOT VALID" if obj.not_valid else "")
    if isinstance(obj, model.CheckConstraint):
        return (f"{head}CHECK ({obj.expression})" + (" NO INHERIT" if obj.no_inherit else "")
                + (" NOT VALID" if obj.not_valid else ""))
    raise TypeError(f"not a constraint: {obj!r}")


def add_constraint_sql(namespace: str, table: str, obj: Any) -> str:
    return f"ALTER TABLE {qualified_name(namespace, table, 'postgresql')} ADD {constraint_body_sql(obj, namespace)}"


def comment_sql(what: str, target: str, text: str | None) -> str:
    """COMMENT ON <what> <target> IS ...; `target` is already quoted ("public.t", "c ON public.t")."""
    return f"COMMENT ON {what} {target} IS {comment_literal(text)}"


def table_comments_sql(namespace: str, table: model.Table) -> list[str]:
    """COMMENT ON for a table's constraints and indexes (the table's and columns' own come with CREATE TABLE)."""
    out = []
    q = qualified_name(namespace, table.name, "postgresql")
    for c in (table.primary_key, *table.uniques, *table.foreign_keys, *table.checks):
        if c is not None and c.comment and c.name:
            out.append(comment_sql("CONSTRAINT", f"{_quote(c.name)} ON {q}", c.comment))
    for i in table.indexes:
        if i.comment and i.name:
            out.append(comment_sql("INDEX", qualified_name(namespace, i.name, "postgresql"), i.comment))
    return out


def _option_value(value: str) -> str:
    return value if re.fullmatch(r"[A-Za-z0-9_.+-]+", value) else comment_literal(value)


def view_options_sql(options: tuple[str, ...]) -> str:
    """`check_option=local, security_barrier=true` from reloptions."""
    parts = []
    for option in options:
        key, _, value = option.partition("=")
        parts.append(f"{_quote(key)}={_option_value(value)}" if value else _quote(key))
    return ", ".join(parts)


def view_with(view: model.View, dialect: str) -> str:
    if dialect != "postgresql" or not view.options:
        return ""
    return f" WITH ({view_options_sql(view.options)})"


def view_extras_sql(namespace: str, view: model.View, dialect: str) -> list[str]:
    """A new view's comment and, for a materialized view, its indexes (after CREATE)."""
    if dialect != "postgresql":
        return []
    out = []
    stub = sa.Table(view.name, sa.MetaData(), *[sa.Column(c, sa.types.NullType()) for i in view.indexes for c in
                                                 dict.fromkeys([*(c for c in i.columns if c is not None), *i.include])],
                    schema=namespace)
    pg_dialect = sa_dialect("postgresql")
    for index in view.indexes:
        out.append(str(CreateIndex(build_index(stub, index, dialect)).compile(dialect=pg_dialect)).strip())
        if index.comment and index.name:
            out.append(comment_sql("INDEX", qualified_name(namespace, index.name, dialect), index.comment))
    if view.comment:
        kind = "MATERIALIZED VIEW" if view.materialized else "VIEW"
        out.append(comment_sql(kind, qualified_name(namespace, view.name, dialect), view.comment))
    return out


def options_sql(schema: model.Schema, dialect: str) -> list[str]:
    """What render_sql adds after the tables: NOT VALID / NO INHERIT checks, NOT VALID foreign keys and COMMENT ON
    for constraints, indexes, sequences, enum types and schemas."""
    if dialect != "postgresql":
        return []
    out = []
    for ns in schema.namespaces:
        if ns.comment:
            out.append(comment_sql("SCHEMA", _quote(ns.name), ns.comment))
        for enum in ns.enums:
            if enum.comment:
                out.append(comment_sql("TYPE", qualified_name(ns.name, enum.name, dialect), enum.comment))
        for seq in ns.sequences:
            if seq.comment:
                out.append(comment_sql("SEQUENCE", qualified_name(ns.name, seq.name, dialect), seq.comment))
        for table in ns.tables:
            out.extend(add_constraint_sql(ns.name, table.name, c) for c in later_checks(table, dialect))
            out.extend(add_constraint_sql(ns.name, table.name, fk) for fk in table.foreign_keys if fk.not_valid)
            out.extend(table_comments_sql(ns.name, table))
    return out


def _dependency_order(views: list[tuple[str, model.View]]) -> list[tuple[str, model.View]]:
    """Views in name order, except that a view comes after every view its definition names."""
    names = {view.name for _, view in views}
    # What a view reads: View.depends_on where the reader filled it (pg_depend), else the
    # names its definition mentions.
    words = {
        id(view): {q.rpartition(".")[2] for q in view.depends_on}
        or {w for w in re.findall(r'[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+"', view.definition)}
        for _, view in views
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
    "add_constraint_sql",
    "build_column",
    "build_foreign_key",
    "build_identity",
    "build_index",
    "partition_columns_sql",
    "build_sequence",
    "build_table",
    "comment_sql",
    "constraint_kwargs",
    "create_extension_sql",
    "later_checks",
    "options_sql",
    "outside_table",
    "qualified_name",
    "render_sql",
    "schema_name",
    "statements",
    "table_comments_sql",
    "view_extras_sql",
    "view_options_sql",
    "view_with",
]
