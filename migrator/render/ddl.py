"""A Diff as ordered DDL: the statements that turn FROM into TO, through Alembic's operations.

`plan(diff, dialect, to_schema=, from_schema=)` turns the changes into a list of Alembic
operation objects (CreateTableOp, AddColumnOp, AlterColumnOp, CreateForeignKeyOp, ...),
in an order a database accepts; `render_changes_sql` runs them through Alembic in
offline mode, so SQLAlchemy's compiler writes every statement and quotes every
identifier. migrator.render.alembic renders the very same operations as a revision file.
Nothing here decides WHAT changes: every decision is in the Diff. This module only
decides how a dialect can express it, and in which order.

The order (each phase only after the ones before it):

1. namespaces, extensions, enum types and added enum values (PostgreSQL), so columns
   can use them; an enum that loses or reorders values is renamed, recreated and its
   columns cast through text (flagged by a comment: PostgreSQL cannot do it in place);
2. new sequences, so defaults can name them;
3. drops of views, foreign keys, then other constraints and indexes, so nothing that
   is about to change is still referenced;
4. renames; new tables (without foreign keys) and their indexes; dropped, added and
   altered columns; SQLite table rebuilds;
5. new constraints and indexes, then every new foreign key, once all tables exist;
6. comments, OWNED BY of new sequences, sequence alterations;
7. drops of tables, then sequences, new views, drops of enums, extensions, namespaces.

SQLite's ALTER TABLE can add a plain column, rename, and little else; a table with any
other change is rebuilt the way SQLite's documentation describes (lang_altertable.html,
"Making Other Kinds Of Table Schema Changes"): create the TO table under a temporary
name, copy the columns FROM and TO share, drop the old table, rename the new one, and
recreate the indexes, all between PRAGMA foreign_keys=OFF and ON. A rebuild needs the
whole TO table, so it needs `to_schema`.

SQL text that comes from the model is used as SQL: defaults, check expressions, index
predicates and view definitions. Every other name or value is quoted by SQLAlchemy or,
for the few statements Alembic has no operation for (CREATE TYPE, ALTER TYPE, sequences,
views), by SQLAlchemy's identifier preparer and migrator.sqltext.quote_literal.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.operations import ops
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.dialects.postgresql.named_types import CreateEnumType
from sqlalchemy.schema import CreateSchema, CreateSequence

from migrator import schema as model
from migrator.render.sql import (
    build_column,
    build_foreign_key,
    build_index,
    build_sequence,
    build_table,
    create_extension_sql,
    outside_table,
    qualified_name,
    schema_name,
)
from migrator.sa_bridge import DEFAULT_NAMESPACE, DIALECTS, dialect as sa_dialect, referential_action, sa_type, server_default_text
from migrator.sqltext import quote_literal
from migrator.types import parse_type, render_type
from migrator.verify.changes import Change, Diff


@dataclass(frozen=True)
class Step:
    """One operation of a migration, or a comment for the reader.

    autocommit: the operation cannot run inside a transaction block that later uses its
    result (PostgreSQL's ALTER TYPE ... ADD VALUE); an Alembic revision runs it in an
    autocommit block.
    """

    op: ops.MigrateOperation | None = None
    comment: str | None = None
    autocommit: bool = False


def render_changes_sql(
    diff: Diff,
    dialect: str,
    *,
    to_schema: model.Schema | None = None,
    from_schema: model.Schema | None = None,
) -> str:
    """The DDL that turns FROM into TO in `dialect`, each statement followed by ";"."""
    steps = plan(diff, dialect, to_schema=to_schema, from_schema=from_schema)
    buffer = io.StringIO()
    context = MigrationContext.configure(dialect_name=dialect, opts={"as_sql": True, "output_buffer": buffer})
    operations = Operations(context)
    for step in steps:
        if step.op is None:
            buffer.write(f"-- {step.comment}\n\n")
        else:
            operations.invoke(step.op)
    return buffer.getvalue()


def plan(
    diff: Diff,
    dialect: str,
    *,
    to_schema: model.Schema | None = None,
    from_schema: model.Schema | None = None,
) -> list[Step]:
    """The steps that turn FROM into TO, in an order `dialect` accepts."""
    if dialect not in DIALECTS:
        raise ValueError(f"unsupported dialect {dialect!r} (supported: {', '.join(DIALECTS)})")
    planner = _Planner(dialect, to_schema, from_schema)
    return planner.plan([c for c in diff.changes if not c.possible])


# Phases, in the order their steps are emitted.
PHASES = (
    "pragma_off",
    "namespaces",
    "extensions",
    "enums",
    "enum_recreate",
    "sequences",
    "drop_views",
    "drop_foreign_keys",
    "drop_constraints",
    "renames",
    "tables",
    "drop_columns",
    "add_columns",
    "alter_columns",
    "rebuilds",
    "constraints",
    "foreign_keys",
    "comments",
    "sequences_late",
    "drop_tables",
    "drop_sequences",
    "views",
    "drop_enums",
    "drop_extensions",
    "drop_namespaces",
    "pragma_on",
)

# Change kinds SQLite's ALTER TABLE cannot express: the table is rebuilt.
SQLITE_REBUILD_KINDS = frozenset(
    {
        "drop_column",
        "alter_column_type",
        "alter_column_nullable",
        "alter_column_default",
        "alter_column_identity",
        "alter_column_generated",
        "add_primary_key",
        "drop_primary_key",
        "add_unique",
        "drop_unique",
        "add_foreign_key",
        "drop_foreign_key",
        "add_check",
        "drop_check",
        "rename_constraint",
    }
)

# What SQLite keeps nowhere: comments.
SQLITE_IGNORED_KINDS = frozenset({"alter_column_comment", "alter_table_comment"})

# Column alterations handled together per column, in this order (see _alter_column).
COLUMN_ALTER_KINDS = (
    "alter_column_type",
    "alter_column_nullable",
    "alter_column_default",
    "alter_column_identity",
    "alter_column_generated",
    "alter_column_comment",
)

REBUILD_PREFIX = "_migrator_tmp_"


class _Planner:
    def __init__(self, dialect: str, to_schema: model.Schema | None, from_schema: model.Schema | None) -> None:
        self.d = dialect
        self.pg = dialect == "postgresql"
        self.to = to_schema.canonical() if to_schema is not None else None
        self.frm = from_schema.canonical() if from_schema is not None else None
        self.preparer = sa_dialect(dialect).identifier_preparer
        self.phases: dict[str, list[Step]] = {name: [] for name in PHASES}
        self.enums = self._enum_types()
        # Indexes and foreign keys already emitted with a new table: a change that names
        # one again is not emitted twice.
        self.emitted: set[tuple[str, str, str]] = set()

    # -- entry ---------------------------------------------------------------

    def plan(self, changes: list[Change]) -> list[Step]:
        by_kind: dict[str, list[Change]] = defaultdict(list)
        for change in changes:
            by_kind[change.kind].append(change)
        rebuilds = self._sqlite_rebuilds(changes) if not self.pg else {}

        handlers: dict[str, Callable[[Change], None]] = {
            "add_namespace": self._add_namespace,
            "drop_namespace": self._drop_namespace,
            "add_extension": self._add_extension,
            "drop_extension": self._drop_extension,
            "add_enum": self._add_enum,
            "drop_enum": self._drop_enum,
            "add_sequence": self._add_sequence,
            "drop_sequence": self._drop_sequence,
            "alter_sequence": self._alter_sequence,
            "add_view": self._add_view,
            "drop_view": self._drop_view,
            "alter_view": self._alter_view,
            "add_table": self._add_table,
            "drop_table": self._drop_table,
            "rename_table": self._rename_table,
            "rename_column": self._rename_column,
            "rename_constraint": self._rename_constraint,
            "alter_table_comment": self._table_comment,
            "add_column": self._add_column,
            "drop_column": self._drop_column,
            "add_index": self._add_index,
            "drop_index": self._drop_index,
            "add_unique": self._add_unique,
            "drop_unique": self._drop_constraint,
            "add_primary_key": self._add_primary_key,
            "drop_primary_key": self._drop_constraint,
            "add_check": self._add_check,
            "drop_check": self._drop_constraint,
            "add_foreign_key": self._add_foreign_key,
            "drop_foreign_key": self._drop_constraint,
        }
        columns: dict[tuple[str, str, str], list[Change]] = defaultdict(list)
        enum_values: dict[tuple[str, str], list[Change]] = defaultdict(list)
        for change in changes:
            if not self.pg and change.kind in SQLITE_IGNORED_KINDS:
                continue
            if not self.pg and self._key(change) in rebuilds and change.kind not in ("rename_table", "rename_column", "add_table", "drop_table"):
                continue  # the rebuild makes the table what TO says, this change included
            if change.kind in COLUMN_ALTER_KINDS:
                columns[(self._ns(change), str(change.table), str(change.name))].append(change)
            elif change.kind in ("add_enum_value", "remove_enum_value", "reorder_enum_values"):
                enum_values[(self._ns(change), str(change.table))].append(change)
            else:
                handlers[change.kind](change)
        for (namespace, table, column), group in columns.items():
            self._alter_column(namespace, table, column, group)
        for (namespace, enum), group in enum_values.items():
            self._enum_values(namespace, enum, group)
        for (namespace, table), group in sorted(rebuilds.items()):
            self._rebuild(namespace, table, group)
        if not self.pg and (rebuilds or by_kind.get("drop_table")):
            # Foreign keys would fire (or block) while a referenced table is dropped and recreated.
            self._emit("pragma_off", ops.ExecuteSQLOp("PRAGMA foreign_keys=OFF"))
            self._emit("pragma_on", ops.ExecuteSQLOp("PRAGMA foreign_keys=ON"))
        return [step for name in PHASES for step in self.phases[name]]

    # -- helpers -------------------------------------------------------------

    def _emit(self, phase: str, op: ops.MigrateOperation, *, autocommit: bool = False) -> None:
        self.phases[phase].append(Step(op=op, autocommit=autocommit))

    def _note(self, phase: str, text: str) -> None:
        self.phases[phase].append(Step(comment=text))

    def _sql(self, phase: str, text: str, *, autocommit: bool = False) -> None:
        self._emit(phase, ops.ExecuteSQLOp(text), autocommit=autocommit)

    def _compile(self, element: Any) -> str:
        return str(element.compile(dialect=sa_dialect(self.d))).strip()

    def _ns(self, change: Change) -> str:
        return change.namespace or DEFAULT_NAMESPACE[self.d]

    def _key(self, change: Change) -> tuple[str, str]:
        return (self._ns(change), str(change.table))

    def _schema(self, namespace: str) -> str | None:
        return schema_name(namespace, self.d)

    def _qualified(self, namespace: str, name: str) -> str:
        return qualified_name(namespace, name, self.d)

    def _lookup(self, side: model.Schema | None, namespace: str, getter: str, name: str) -> Any:
        if side is None:
            return None
        try:
            return getattr(side.namespace(namespace), getter)(name)
        except KeyError:
            return None

    def _to_table(self, namespace: str, name: str) -> model.Table | None:
        return self._lookup(self.to, namespace, "table", name)

    def _from_table(self, namespace: str, name: str) -> model.Table | None:
        return self._lookup(self.frm, namespace, "table", name)

    def _enum_types(self) -> dict[str, sa.Enum]:
        """SQLAlchemy ENUMs of both sides (TO wins), never created implicitly: CREATE TYPE is a step of its own."""
        enums: dict[str, sa.Enum] = {}
        if not self.pg:
            return enums
        for side in (self.frm, self.to):
            for ns in side.namespaces if side is not None else ():
                for enum in ns.enums:
                    enums[f"{ns.name}.{enum.name}"] = pg.ENUM(*enum.values, name=enum.name, schema=ns.name, create_type=False)
        return enums

    def _enum_for(self, namespace: str, enum: model.EnumType) -> sa.Enum:
        return pg.ENUM(*enum.values, name=enum.name, schema=namespace, create_type=False)

    def _type(self, t: model.SqlType) -> sa.types.TypeEngine:
        return sa_type(t, self.d, self.enums)

    def _column(self, col: model.Column) -> sa.Column:
        return build_column(col, self.d, self.enums)

    def _sa_table(self, namespace: str, table: model.Table, *, name: str | None = None) -> sa.Table:
        """A SQLAlchemy table of `table` in a metadata of its own, with its foreign keys on SQLite (inline there)."""
        metadata = sa.MetaData()
        sa_table = build_table(table, metadata, self._schema(namespace), self.d, self.enums, name=name)
        if not self.pg:
            targets = sa.MetaData()
            for fk in table.foreign_keys:
                ref_ns = fk.ref_schema or namespace
                if ref_ns == namespace and fk.ref_table == table.name:
                    target = sa_table  # a self-reference names the table itself, temporary name included
                else:
                    target = outside_table(targets, self._schema(ref_ns), fk.ref_table, fk.ref_columns)
                sa_table.append_constraint(build_foreign_key(fk, target))
        return sa_table

    def _stub_table(self, namespace: str, name: str, columns: list[str]) -> sa.Table:
        """A table with just the named columns: enough for an index operation's names."""
        return sa.Table(name, sa.MetaData(), *[sa.Column(c, sa.types.NullType()) for c in columns], schema=self._schema(namespace))

    def _index_table(self, namespace: str, table_name: str, table: model.Table | None, index: model.Index) -> sa.Table:
        if table is not None and all(c is None or any(col.name == c for col in table.columns) for c in index.columns):
            return build_table(
                model.Table(table.name, table.columns), sa.MetaData(), self._schema(namespace), self.d, self.enums
            )
        return self._stub_table(namespace, table_name, [c for c in index.columns if c is not None] + list(index.include))

    # -- namespaces and extensions ---------------------------------------------

    def _add_namespace(self, change: Change) -> None:
        if self.pg:
            self._sql("namespaces", self._compile(CreateSchema(change.path)))

    def _drop_namespace(self, change: Change) -> None:
        if self.pg:
            self._sql("drop_namespaces", self._compile(sa.schema.DropSchema(change.path)))

    def _add_extension(self, change: Change) -> None:
        if not self.pg:
            return
        ext = change.new if isinstance(change.new, model.Extension) else model.Extension(change.path)
        self._sql("extensions", create_extension_sql(ext))

    def _drop_extension(self, change: Change) -> None:
        if self.pg:
            name = change.old.name if isinstance(change.old, model.Extension) else change.path
            self._sql("drop_extensions", f"DROP EXTENSION IF EXISTS {self.preparer.quote(name)}")

    # -- enums ---------------------------------------------------------------

    def _add_enum(self, change: Change) -> None:
        if self.pg:
            self._sql("enums", self._compile(CreateEnumType(self._enum_for(self._ns(change), change.new))))

    def _drop_enum(self, change: Change) -> None:
        if self.pg:
            self._sql("drop_enums", f"DROP TYPE {self._qualified(self._ns(change), str(change.table))}")

    def _enum_values(self, namespace: str, name: str, group: list[Change]) -> None:
        """Added values in place (ALTER TYPE ... ADD VALUE); a removal or a new order recreates the type."""
        if not self.pg:
            return
        final_enum = self._lookup(self.to, namespace, "enum", name)
        final: tuple[str, ...] = final_enum.values if final_enum is not None else tuple(group[-1].new)
        before_enum = self._lookup(self.frm, namespace, "enum", name)
        before: tuple[str, ...] = before_enum.values if before_enum is not None else tuple(group[0].old)
        in_place = all(c.kind == "add_enum_value" for c in group) and [v for v in final if v in before] == list(before)
        if in_place:
            present = set(before)
            for i, value in enumerate(final):
                if value in present:
                    continue
                # The neighbour already present: the previous value, else the next one.
                if i > 0:
                    where = f" AFTER {quote_literal(final[i - 1])}"
                else:
                    where = f" BEFORE {quote_literal(final[1])}" if len(final) > 1 else ""
                self._sql(
                    "enums",
                    f"ALTER TYPE {self._qualified(namespace, name)} ADD VALUE {quote_literal(value)}{where}",
                    autocommit=True,
                )
                present.add(value)
            return
        self._recreate_enum(namespace, name, final)

    def _recreate_enum(self, namespace: str, name: str, values: tuple[str, ...]) -> None:
        old_name = f"{name}__migrator_old"
        self._note(
            "enum_recreate",
            f"migrator: enum {namespace}.{name} loses or reorders values, which PostgreSQL cannot do in place: "
            "the type is renamed, recreated and its columns are cast through text (rows holding a removed value fail)",
        )
        self._sql("enum_recreate", f"ALTER TYPE {self._qualified(namespace, name)} RENAME TO {self.preparer.quote(old_name)}")
        new_type = pg.ENUM(*values, name=name, schema=namespace, create_type=False)
        self._sql("enum_recreate", self._compile(CreateEnumType(new_type)))
        qualified = f"{namespace}.{name}"
        users = [
            (ns.name, table, col)
            for ns in (self.frm.namespaces if self.frm is not None else ())
            for table in ns.tables
            for col in table.columns
            if col.type.name == "enum" and col.type.enum == qualified
        ]
        if self.frm is None:
            self._note("enum_recreate", "migrator: FROM was not given: cast the columns that use the type by hand")
        for ns_name, table, col in users:
            type_sql = render_type(col.type, "postgresql")
            cast = f"{self.preparer.quote(col.name)}::text{'[]' if col.type.array else ''}::{type_sql}"
            schema = self._schema(ns_name)
            if col.default is not None:
                self._emit("enum_recreate", ops.AlterColumnOp(table.name, col.name, schema=schema, modify_server_default=None))
            self._emit(
                "enum_recreate",
                ops.AlterColumnOp(table.name, col.name, schema=schema, modify_type=self._type(col.type), postgresql_using=cast),
            )
            # The default to set again is TO's when the column keeps its type: FROM's may
            # name a value the recreated type no longer has.
            target = self._to_table(ns_name, table.name)
            target_col = next((c for c in target.columns if c.name == col.name), None) if target is not None else None
            kept = target_col if target_col is not None and target_col.type == col.type else col
            default = server_default_text(kept.default, self.d)
            if default is not None:
                self._emit(
                    "enum_recreate",
                    ops.AlterColumnOp(table.name, col.name, schema=schema, modify_server_default=sa.text(default)),
                )
        self._sql("enum_recreate", f"DROP TYPE {self._qualified(namespace, old_name)}")

    # -- sequences -------------------------------------------------------------

    def _add_sequence(self, change: Change) -> None:
        if self.pg:
            self._create_sequence(self._ns(change), change.new)

    def _create_sequence(self, namespace: str, seq: model.Sequence, phase: str = "sequences") -> None:
        key = (namespace, seq.name, "sequence")
        if key in self.emitted:
            return
        self.emitted.add(key)
        self._sql(phase, self._compile(CreateSequence(build_sequence(seq, namespace, self.d))))
        if seq.owned_by:
            # After the tables: the owning column may be created by this very migration.
            self._sql("sequences_late", f"ALTER SEQUENCE {self._qualified(namespace, seq.name)} OWNED BY {self._owner(namespace, seq.owned_by)}")

    def _serial_sequence(self, namespace: str, table: str, col: model.Column, phase: str = "sequences") -> None:
        """CREATE SEQUENCE (and OWNED BY) for a serial column this migration creates.

        compare() treats a sequence owned by a column as part of the column (serial), so
        no add_sequence change comes with it: the sequence is TO's, or, without TO, the one
        PostgreSQL's SERIAL would create for the column.
        """
        if not self.pg or col.default is None or col.default.kind != "sequence":
            return
        seq_ns, _, seq_name = col.default.value.rpartition(".")
        seq_ns = seq_ns or namespace
        if self._lookup(self.frm, seq_ns, "sequence", seq_name) is not None:
            return  # FROM has it already
        seq = self._lookup(self.to, seq_ns, "sequence", seq_name)
        if seq is None:
            seq = model.Sequence(seq_name, data_type=render_type(col.type, "postgresql"), owned_by=f"{table}.{col.name}")
        self._create_sequence(seq_ns, seq, phase)

    def _owner(self, namespace: str, owned_by: str | None) -> str:
        if not owned_by:
            return "NONE"
        table, _, column = owned_by.rpartition(".")
        return f"{self._qualified(namespace, table)}.{self.preparer.quote(column)}"

    def _drop_sequence(self, change: Change) -> None:
        if self.pg:
            # IF EXISTS: an owned sequence is already gone with the table or column that owned it.
            self._sql("drop_sequences", f"DROP SEQUENCE IF EXISTS {self._qualified(self._ns(change), str(change.table))}")

    def _alter_sequence(self, change: Change) -> None:
        if not self.pg:
            return
        namespace = self._ns(change)
        old, new = change.old, change.new
        if not isinstance(new, model.Sequence):
            new = self._lookup(self.to, namespace, "sequence", str(change.table))
            old = self._lookup(self.frm, namespace, "sequence", str(change.table))
        if new is None:
            self._note("sequences_late", f"migrator: sequence {change.path} changed, but TO was not given: not altered")
            return
        clauses = []
        if old is None or old.data_type != new.data_type:
            clauses.append("AS " + self._compile_type(parse_type(new.data_type, self.d)))
        if old is None or old.increment != new.increment:
            clauses.append(f"INCREMENT BY {int(new.increment)}")
        if old is None or old.min_value != new.min_value:
            clauses.append(f"MINVALUE {int(new.min_value)}" if new.min_value is not None else "NO MINVALUE")
        if old is None or old.max_value != new.max_value:
            clauses.append(f"MAXVALUE {int(new.max_value)}" if new.max_value is not None else "NO MAXVALUE")
        if old is None or old.start != new.start:
            clauses.append(f"START WITH {int(new.start)}")
        if old is None or old.cycle != new.cycle:
            clauses.append("CYCLE" if new.cycle else "NO CYCLE")
        if old is None or old.owned_by != new.owned_by:
            clauses.append(f"OWNED BY {self._owner(namespace, new.owned_by)}")
        if clauses:
            self._sql("sequences_late", f"ALTER SEQUENCE {self._qualified(namespace, new.name)} {' '.join(clauses)}")

    def _compile_type(self, t: model.SqlType) -> str:
        return str(self._type(t).compile(dialect=sa_dialect(self.d)))

    # -- views -----------------------------------------------------------------

    def _view_sql(self, namespace: str, view: model.View) -> str:
        kind = "MATERIALIZED VIEW" if view.materialized and self.pg else "VIEW"
        return f"CREATE {kind} {self._qualified(namespace, view.name)} AS {view.definition.strip()}"

    def _drop_view_sql(self, namespace: str, name: str, materialized: bool) -> str:
        kind = "MATERIALIZED VIEW" if materialized and self.pg else "VIEW"
        return f"DROP {kind} {self._qualified(namespace, name)}"

    def _add_view(self, change: Change) -> None:
        self._sql("views", self._view_sql(self._ns(change), change.new))

    def _drop_view(self, change: Change) -> None:
        self._sql("drop_views", self._drop_view_sql(self._ns(change), change.old.name, change.old.materialized))

    def _alter_view(self, change: Change) -> None:
        namespace, name = self._ns(change), str(change.table)
        new = change.new if isinstance(change.new, model.View) else self._lookup(self.to, namespace, "view", name)
        old = change.old if isinstance(change.old, model.View) else self._lookup(self.frm, namespace, "view", name)
        if new is None:
            self._note("views", f"migrator: view {change.path} changed, but TO was not given: not recreated")
            return
        self._sql("drop_views", self._drop_view_sql(namespace, name, old.materialized if old is not None else new.materialized))
        self._sql("views", self._view_sql(namespace, new))

    # -- tables ----------------------------------------------------------------

    def _add_table(self, change: Change) -> None:
        namespace, table = self._ns(change), change.new
        for col in table.columns:
            self._serial_sequence(namespace, table.name, col)
        sa_table = self._sa_table(namespace, table)
        self._emit("tables", ops.CreateTableOp.from_table(sa_table))
        for index in table.indexes:
            self._emit("tables", ops.CreateIndexOp.from_index(build_index(sa_table, index, self.d)))
            self.emitted.add((namespace, table.name, f"index:{index.name}"))
        if self.pg:
            for fk in table.foreign_keys:
                self._emit_foreign_key(namespace, table.name, fk)

    def _drop_table(self, change: Change) -> None:
        namespace, table = self._ns(change), change.old
        if self.pg:
            # Its own foreign keys go first: the table it references may be dropped too.
            for fk in table.foreign_keys:
                self._emit(
                    "drop_foreign_keys",
                    ops.DropConstraintOp(self._constraint_name(table.name, fk.name, fk.columns, "fkey"), table.name, type_="foreignkey", schema=self._schema(namespace)),
                )
        self._emit("drop_tables", ops.DropTableOp(table.name, schema=self._schema(namespace)))

    def _rename_table(self, change: Change) -> None:
        self._emit("renames", ops.RenameTableOp(str(change.old), str(change.new), schema=self._schema(self._ns(change))))

    def _rename_column(self, change: Change) -> None:
        schema = self._schema(self._ns(change))
        if self.pg:
            self._emit("renames", ops.AlterColumnOp(str(change.table), str(change.old), schema=schema, modify_name=str(change.new)))
        else:
            # Alembic's SQLite implementation renames only in batch mode; SQLite itself has RENAME COLUMN since 3.25.
            self._sql(
                "renames",
                f"ALTER TABLE {self._qualified(self._ns(change), str(change.table))} RENAME COLUMN "
                f"{self.preparer.quote(str(change.old))} TO {self.preparer.quote(str(change.new))}",
            )

    def _rename_constraint(self, change: Change) -> None:
        namespace, table_name = self._ns(change), str(change.table)
        old, new = self.preparer.quote(str(change.old)), self.preparer.quote(str(change.new))
        table = self._from_table(namespace, table_name)
        what = change.get("object")
        is_index = what == "index" if what is not None else table is not None and any(i.name == change.old for i in table.indexes) and not any(
            u.name == change.old for u in table.uniques
        )
        if is_index:
            self._sql("renames", f"ALTER INDEX {self._qualified(namespace, str(change.old))} RENAME TO {new}")
        else:
            self._sql("renames", f"ALTER TABLE {self._qualified(namespace, table_name)} RENAME CONSTRAINT {old} TO {new}")

    def _table_comment(self, change: Change) -> None:
        schema = self._schema(self._ns(change))
        if change.new is None:
            self._emit("comments", ops.DropTableCommentOp(str(change.table), schema=schema, existing_comment=change.old))
        else:
            self._emit("comments", ops.CreateTableCommentOp(str(change.table), change.new, schema=schema, existing_comment=change.old))

    # -- columns -------------------------------------------------------------

    def _column_of(self, change: Change, which: str) -> model.Column | None:
        col = change.get(f"column_{which}")
        if isinstance(col, model.Column):
            return col
        value = change.new if which == "new" else change.old
        if isinstance(value, model.Column):
            return value
        side = self._to_table if which == "new" else self._from_table
        table = side(self._ns(change), str(change.table))
        if table is not None:
            try:
                return table.column(str(change.name))
            except KeyError:
                return None
        return None

    def _add_column(self, change: Change) -> None:
        namespace = self._ns(change)
        col = self._column_of(change, "new")
        self._serial_sequence(namespace, str(change.table), col)
        self._emit("add_columns", ops.AddColumnOp(str(change.table), self._column(col), schema=self._schema(namespace)))

    def _drop_column(self, change: Change) -> None:
        self._emit("drop_columns", ops.DropColumnOp(str(change.table), str(change.name), schema=self._schema(self._ns(change))))

    def _alter_column(self, namespace: str, table: str, name: str, group: list[Change]) -> None:
        """Every alteration of one PostgreSQL column, in an order PostgreSQL accepts.

        A default is dropped before a type change (it may not cast) and set again after;
        NOT NULL comes before an identity is added (PostgreSQL requires it); a generated
        expression cannot be altered before PostgreSQL 17, so the column is recreated.
        """
        old = next((c for c in (self._column_of(ch, "old") for ch in group) if c is not None), None)
        new = next((c for c in (self._column_of(ch, "new") for ch in group) if c is not None), None)
        kinds = {c.kind: c for c in group}
        schema = self._schema(namespace)
        phase = "alter_columns"

        def alter(**kw: Any) -> None:
            self._emit(phase, ops.AlterColumnOp(table, name, schema=schema, **kw))

        if "alter_column_generated" in kinds and new is not None:
            self._note(phase, f"migrator: {namespace}.{table}.{name} is generated differently: the column is recreated")
            self._emit(phase, ops.DropColumnOp(table, name, schema=schema))
            self._emit(phase, ops.AddColumnOp(table, self._column(new), schema=schema))
            return
        old_default = old.default if old is not None else None
        new_default = new.default if new is not None else None
        if "alter_column_default" in kinds:
            old_default, new_default = kinds["alter_column_default"].old, kinds["alter_column_default"].new
        default_changes = "alter_column_default" in kinds
        type_change = kinds.get("alter_column_type")
        if type_change is not None and server_default_text(old_default, self.d) is not None:
            alter(modify_server_default=None)
            default_changes = True
        identity = kinds.get("alter_column_identity")
        old_id = identity.old if identity is not None else None
        new_id = identity.new if identity is not None else None
        if _is_serial(old_id) and old is not None and old.default is not None:
            # serial -> identity or plain: the default goes, and the sequence it owned with it.
            alter(modify_server_default=None)
            seq_ns, _, seq_name = old.default.value.rpartition(".")
            self._sql(phase, f"DROP SEQUENCE IF EXISTS {self._qualified(seq_ns or namespace, seq_name)}")
        if _is_identity(old_id) and not _is_identity(new_id):
            alter(modify_server_default=None, existing_server_default=self._identity(old_id))
        if type_change is not None:
            old_type: model.SqlType = type_change.old
            new_type: model.SqlType = type_change.new
            cast = self.preparer.quote(name)
            if old_type.name == "enum":
                cast += "::text[]" if old_type.array else "::text"
            cast += "::" + render_type(new_type, "postgresql")
            alter(modify_type=self._type(new_type), existing_type=self._type(old_type), postgresql_using=cast)
        if "alter_column_nullable" in kinds:
            alter(modify_nullable=bool(kinds["alter_column_nullable"].new))
        if default_changes:
            text = server_default_text(new_default, self.d)
            if text is not None or "alter_column_default" in kinds:
                alter(modify_server_default=sa.text(text) if text is not None else None)
        if _is_serial(new_id) and new is not None and new.default is not None:
            # Here, not with the other new sequences: an identity this column drops above owns
            # a sequence that PostgreSQL names as SERIAL would name this one.
            self._serial_sequence(namespace, table, new, phase)
            alter(modify_server_default=sa.text(str(server_default_text(new.default, self.d))))
        if _is_identity(new_id):
            alter(
                modify_server_default=self._identity(new_id),
                existing_server_default=self._identity(old_id) if _is_identity(old_id) else None,
            )
        if "alter_column_comment" in kinds:
            change = kinds["alter_column_comment"]
            alter(modify_comment=change.new, existing_comment=change.old)

    @staticmethod
    def _identity(identity: model.Identity | None) -> sa.Identity | None:
        if not _is_identity(identity):
            return None
        return sa.Identity(always=identity.generation == "always", start=identity.start, increment=identity.increment)

    # -- constraints and indexes -------------------------------------------------

    def _constraint_name(self, table: str, name: str | None, columns: tuple[str, ...], suffix: str) -> str:
        """The name to drop a constraint by: its own, else the one PostgreSQL generates for it."""
        if name:
            return name
        if suffix == "pkey":
            return f"{table}_pkey"[:63]
        return f"{table}_{'_'.join(columns)}_{suffix}"[:63]

    def _add_index(self, change: Change) -> None:
        namespace, table_name, index = self._ns(change), str(change.table), change.new
        if (namespace, table_name, f"index:{index.name}") in self.emitted:
            return
        sa_table = self._index_table(namespace, table_name, self._to_table(namespace, table_name), index)
        self._emit("constraints", ops.CreateIndexOp.from_index(build_index(sa_table, index, self.d)))

    def _drop_index(self, change: Change) -> None:
        namespace, table_name, index = self._ns(change), str(change.table), change.old
        sa_table = self._index_table(namespace, table_name, self._from_table(namespace, table_name), index)
        self._emit("drop_constraints", ops.DropIndexOp.from_index(build_index(sa_table, index, self.d)))

    def _add_unique(self, change: Change) -> None:
        unique: model.UniqueConstraint = change.new
        self._emit(
            "constraints",
            ops.CreateUniqueConstraintOp(unique.name, str(change.table), list(unique.columns), schema=self._schema(self._ns(change))),
        )

    def _add_primary_key(self, change: Change) -> None:
        pk: model.PrimaryKey = change.new
        self._emit(
            "constraints",
            ops.CreatePrimaryKeyOp(pk.name, str(change.table), list(pk.columns), schema=self._schema(self._ns(change))),
        )

    def _add_check(self, change: Change) -> None:
        check: model.CheckConstraint = change.new
        self._emit(
            "constraints",
            ops.CreateCheckConstraintOp(check.name, str(change.table), check.expression, schema=self._schema(self._ns(change))),
        )

    def _drop_constraint(self, change: Change) -> None:
        obj = change.old
        kind = {"drop_unique": "unique", "drop_primary_key": "primary", "drop_check": "check", "drop_foreign_key": "foreignkey"}[change.kind]
        suffix = {"unique": "key", "primary": "pkey", "check": "check", "foreignkey": "fkey"}[kind]
        columns = tuple(getattr(obj, "columns", ()))
        name = self._constraint_name(str(change.table), getattr(obj, "name", None), columns, suffix)
        phase = "drop_foreign_keys" if kind == "foreignkey" else "drop_constraints"
        self._emit(phase, ops.DropConstraintOp(name, str(change.table), type_=kind, schema=self._schema(self._ns(change))))

    def _add_foreign_key(self, change: Change) -> None:
        self._emit_foreign_key(self._ns(change), str(change.table), change.new)

    def _emit_foreign_key(self, namespace: str, table: str, fk: model.ForeignKey) -> None:
        key = (namespace, table, f"fk:{fk.name or fk.columns}")
        if key in self.emitted:
            return
        self.emitted.add(key)
        self._emit(
            "foreign_keys",
            ops.CreateForeignKeyOp(
                fk.name,
                table,
                fk.ref_table,
                list(fk.columns),
                list(fk.ref_columns),
                source_schema=self._schema(namespace),
                referent_schema=self._schema(fk.ref_schema or namespace),
                ondelete=referential_action(fk.on_delete),
                onupdate=referential_action(fk.on_update),
            ),
        )

    # -- SQLite rebuilds ---------------------------------------------------------

    def _sqlite_rebuilds(self, changes: list[Change]) -> dict[tuple[str, str], list[Change]]:
        """The tables SQLite must rebuild, with their changes."""
        rebuilds: dict[tuple[str, str], list[Change]] = defaultdict(list)
        for change in changes:
            if change.kind in SQLITE_REBUILD_KINDS or (change.kind == "add_column" and not self._sqlite_can_add(change)):
                rebuilds[self._key(change)]
        for change in changes:
            if self._key(change) in rebuilds and change.kind not in ("add_table", "drop_table"):
                rebuilds[self._key(change)].append(change)
        return rebuilds

    def _sqlite_can_add(self, change: Change) -> bool:
        """Whether ALTER TABLE ... ADD COLUMN can add it (lang_altertable.html: the restrictions of ADD COLUMN)."""
        col = self._column_of(change, "new")
        if col is None:
            return False
        default = col.default if col.default is not None and col.default.reaches_database else None
        if col.generated is not None or col.identity is not None:
            return False
        if default is not None and default.kind != "literal":
            return False  # CURRENT_TIMESTAMP and expressions are not constant defaults
        if not col.nullable and (default is None or default.value.upper() == "NULL"):
            return False
        table = self._to_table(self._ns(change), str(change.table))
        if table is not None:
            in_key = (table.primary_key is not None and col.name in table.primary_key.columns) or any(
                col.name in u.columns for u in table.uniques
            )
            if in_key:
                return False
        return True

    def _rebuild(self, namespace: str, name: str, group: list[Change]) -> None:
        table = self._to_table(namespace, name)
        if table is None:
            raise ValueError(
                f"SQLite cannot alter {namespace}.{name} in place ({group[0].kind}): the table is rebuilt, "
                "which needs the TO schema (to_schema=)"
            )
        added = {c.name for c in group if c.kind == "add_column"}
        source = self._from_table(namespace, name)
        renamed = {str(c.old): str(c.new) for c in group if c.kind == "rename_column"}
        if source is not None:
            present = {renamed.get(c.name, c.name) for c in source.columns}
            common = [c.name for c in table.columns if c.name in present]
        else:
            common = [c.name for c in table.columns if c.name not in added]
        temporary = REBUILD_PREFIX + name
        schema = self._schema(namespace)
        kinds = ", ".join(sorted({c.kind for c in group}))
        self._note("rebuilds", f"migrator: SQLite cannot alter {name} in place ({kinds}): the table is rebuilt")
        sa_table = self._sa_table(namespace, table, name=temporary)
        self._emit("rebuilds", ops.CreateTableOp.from_table(sa_table))
        columns = ", ".join(self.preparer.quote(c) for c in common)
        self._sql(
            "rebuilds",
            f"INSERT INTO {self._qualified(namespace, temporary)} ({columns}) SELECT {columns} FROM {self._qualified(namespace, name)}",
        )
        self._emit("rebuilds", ops.DropTableOp(name, schema=schema))
        self._emit("rebuilds", ops.RenameTableOp(temporary, name, schema=schema))
        final = build_table(model.Table(table.name, table.columns), sa.MetaData(), schema, self.d, self.enums)
        for index in table.indexes:
            self._emit("rebuilds", ops.CreateIndexOp.from_index(build_index(final, index, self.d)))


def _is_identity(identity: model.Identity | None) -> bool:
    """An SQL identity column (compare() also reports a serial column as Identity("serial"))."""
    return identity is not None and identity.generation in ("always", "by_default")


def _is_serial(identity: model.Identity | None) -> bool:
    return identity is not None and identity.generation == "serial"


__all__ = ["PHASES", "Step", "plan", "render_changes_sql"]
