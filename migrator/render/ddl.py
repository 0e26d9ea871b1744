"""A Diff as ordered DDL: the statements that turn FROM into TO, through Alembic's operations.

`plan(diff, dialect, to_schema=, from_schema=)` turns the changes into a list of Alembic
operation objects (CreateTableOp, AddColumnOp, AlterColumnOp, CreateForeignKeyOp, ...),
in an order a database accepts; `render_changes_sql` runs them through Alembic in
offline mode, so SQLAlchemy's compiler writes every statement and quotes every
identifier. migrator.render.alembic renders the very same operations as a revision file.
Nothing here decides WHAT changes: every decision is in the Diff. This module only
decides how a dialect can express it, and in which order.

The order (each phase only after the ones before it), after one step that comes before
all of them: values added to existing enums (ALTER TYPE ... ADD VALUE), then, when any
statement follows, `COMMIT; BEGIN;` and a `COMMIT;` at the end. PostgreSQL refuses to use
an enum value in the transaction that added it ("unsafe use of new value"), and a user
applies the script with `psql --single-transaction -f` (or plain `psql -f`): both commit
the new values before the rest, which still runs as one transaction. The Alembic revision
runs the same steps (Step.autocommit) in `autocommit_block()`.

0. a comment per object migrator does not model (functions, triggers, grants, ...) that
   differs: no statement is emitted for those, and the comments say the fix is incomplete;
1. namespaces, extensions, new enum types (PostgreSQL), so columns can use them;
2. new sequences, so defaults can name them; a sequence FROM has as a serial column's own
   and TO as a standalone one is released (OWNED BY NONE) before its column can go;
3. drops of views (dependents first, with every view that reads a view being replaced or
   a table whose column changes type — see _plan_views), foreign keys, then other
   constraints and indexes, so nothing that is about to change is still referenced; then
   an enum that loses or reorders values is renamed, recreated and the columns that keep
   it are cast through text (flagged by a comment: PostgreSQL cannot do it in place; the
   old type is dropped last); dropped and detached partitions, tables whose partition key
   changes;
4. renames; new tables (without foreign keys) and their indexes, then new partitions
   (parents first) and attached ones; dropped, added (in TO's column order) and altered
   columns (a type change casts `USING col::type`, through text from an enum), then
   changed collations; SQLite table rebuilds;
5. new constraints (exclusion constraints too) and indexes, then parent indexes that must
   attach a partition's own index (_defer_parent_indexes), then every new foreign key,
   once all tables exist, then UNLOGGED, storage parameters, row level security and
   replica identity (its index exists by then) — see _PostgresTablePlanner;
6. comments, OWNED BY of new sequences, sequence alterations (a standalone sequence of
   FROM that TO has as a serial column's own is kept and made OWNED BY the column, not
   dropped and created again);
7. drops of tables, then sequences, new and recreated views (dependencies first, with
   their options, indexes and comments), the options, indexes and comments of
   views that stay (ALTER VIEW ... SET, CREATE INDEX on a materialized view), drops of
   enums, extensions, namespaces.

SQLite's ALTER TABLE can add a plain column, rename, and little else; a table with any
other change is rebuilt the way SQLite's documentation describes (lang_altertable.html,
"Making Other Kinds Of Table Schema Changes"): create the TO table under a temporary
name, copy the columns FROM and TO share, drop the old table, rename the new one, and
recreate the indexes, all between PRAGMA foreign_keys=OFF and ON. A rebuild needs the
whole TO table, so it needs `to_schema`.

SQL text that comes from the model is used as SQL: defaults, check expressions, index
predicates and view definitions. An expression default keeps its casts (`ARRAY[]::int[]`)
and is parenthesized unless it is a bare function call (sa_bridge.expression_default_sql):
a column declaration takes only a restricted expression on PostgreSQL and `(expr)` on
SQLite; checks, generated columns and index expressions are parenthesized by their syntax.
Every other name or value is quoted by SQLAlchemy or, for the few statements Alembic has
no operation for (CREATE TYPE, ALTER TYPE, sequences, views), by SQLAlchemy's identifier
preparer and migrator.sqltext.quote_literal.
"""

from __future__ import annotations

import dataclasses
import io
import re
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
    build_identity,
    build_index,
    build_sequence,
    build_table,
    collated_type,
    collation_sql,
    create_extension_sql,
    exclusion_sql,
    outside_table,
    add_constraint_sql,
    comment_sql,
    later_checks,
    table_comments_sql,
    view_extras_sql,
    view_options_sql,
    view_with,
    partition_columns_sql,
    partition_depth,
    partition_sql,
    qualified_name,
    replica_identity_sql,
    row_security_sql,
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
    plan_header: tuple[str, ...] | list[str] = (),
) -> str:
    """The DDL that turns FROM into TO in `dialect`, each statement followed by ";".

    plan_header: lines written first as `--` comments (migrator.data.plans.header_lines: the
    FROM and TO schemas `migrator apply` checks the database against).
    """
    steps = plan(diff, dialect, to_schema=to_schema, from_schema=from_schema)
    buffer = io.StringIO()
    if plan_header:
        buffer.write("".join(f"-- {line}\n" for line in plan_header) + "\n")
    # paramstyle "named": the default (psycopg2's pyformat) writes every % as %%, which is
    # right for a driver that formats parameters in, wrong in a script psql runs as written
    # (a CHECK (name LIKE 'admin%') came out as 'admin%%').
    context = MigrationContext.configure(dialect_name=dialect, opts={"as_sql": True, "output_buffer": buffer},
                                         dialect_opts={"paramstyle": "named"})
    operations = Operations(context)
    # Only where a statement follows that may use what the autocommit steps made.
    boundary = any(step.autocommit for step in steps) and any(step.op is not None and not step.autocommit for step in steps)
    for i, step in enumerate(steps):
        if boundary and not step.autocommit and (i == 0 or steps[i - 1].autocommit):
            buffer.write(COMMIT_BOUNDARY)
        if step.op is None:
            buffer.write(f"-- {step.comment}\n\n")
        else:
            operations.invoke(step.op)
    if boundary:
        buffer.write("COMMIT;\n\n")
    return buffer.getvalue()


# Written after the steps that must be committed before the others run (plan() puts them
# first). `psql --single-transaction -f` (psql -1) and plain `psql -f` both apply the script:
# under -1 the COMMIT ends psql's transaction and BEGIN opens the one psql commits at the
# end (a WARNING that no transaction is in progress, after the script's own COMMIT); without
# it, the rest still runs as one transaction.
COMMIT_BOUNDARY = (
    "-- migrator: PostgreSQL refuses to use an enum value in the transaction that added it\n"
    "-- (ALTER TYPE ... ADD VALUE): the values above are committed before the rest runs.\n\n"
    "COMMIT;\n\n"
    "BEGIN;\n\n"
)


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
# Number types whose values _epoch_using reads as Unix epoch seconds.
_EPOCH_NUMBERS = frozenset({"smallint", "integer", "bigint", "numeric", "real", "double"})

PHASES = (
    "not_modeled",  # comments only: fingerprinted objects that differ, for which no fix is emitted
    "pragma_off",
    "namespaces",
    "extensions",
    "enums",
    "objects",  # functions, domains and composite types only TO has (_NewObjectPlanner)
    "sequences",
    "drop_views",
    "drop_foreign_keys",
    "drop_constraints",
    # After the drops: a check or view on a column of the type would block its cast.
    "enum_recreate",
    "drop_partitions",
    "renames",
    "tables",
    "partitions",
    "drop_columns",
    "add_columns",
    "alter_columns",
    "alter_collations",
    # After their parents' columns: ALTER TABLE on a parent recurses to its partitions.
    "partition_columns",
    "rebuilds",
    "constraints",
    # After the partitions' own keys and indexes: a parent index created now attaches them.
    "partition_indexes",
    "foreign_keys",
    "table_options",
    "comments",
    "sequences_late",
    "drop_tables",
    "drop_sequences",
    "views",
    "view_extras",
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


class _PostgresTablePlanner:
    """PostgreSQL table options, partitions, exclusion constraints and collations, mixed into _Planner.

    - A new partition is CREATE TABLE ... PARTITION OF parent FOR VALUES ... in the
      "partitions" phase, parents before their partitions; its own indexes and
      constraints follow with the others (what it inherits comes with PARTITION OF).
    - A partition only in FROM is dropped (DROP TABLE IF EXISTS, early: dropping its
      parent drops it too), which is what TO says; its rows go with it, where DETACH
      PARTITION would keep them as a table of their own.
    - A partition whose parent or bound changes is detached early and attached with its
      new bound after the tables exist; ATTACH fails if a row lies outside the new bound.
    - PostgreSQL cannot change a partition key: the table is dropped and recreated as TO
      says, with all its partitions, and every other change on them is left to that.
    - Which index of a partition a parent index has attached (alter_index_attachment):
      see _defer_parent_indexes.
    - UNLOGGED, storage parameters, row level security and replica identity are ALTER
      TABLE statements after the constraints (REPLICA IDENTITY USING INDEX needs its index).
    - A collation change is ALTER COLUMN ... TYPE t COLLATE c, after the other column changes.
    """

    pg: bool
    phases: dict[str, list[Step]]
    _sql: Any
    _note: Any
    _ns: Any
    _to_table: Any
    _from_table: Any
    _column_of: Any
    _compile_type: Any
    to: model.Schema | None
    frm: model.Schema | None
    d: str
    emitted: set[tuple[str, str, str]]
    retyped_tables: set[tuple[str, str]]
    _lookup: Any
    _owner: Any
    _index_table: Any
    _emit_foreign_key: Any
    _opt_index_comment_of: Any

    def _postgres_table_handlers(self) -> dict[str, Callable[[Change], None]]:
        handlers = {
            "add_exclusion": self._add_exclusion,
            "drop_exclusion": self._drop_exclusion,
            "alter_column_collation": self._alter_collation,
            "alter_table_logged": self._alter_logged,
            "alter_row_security": self._alter_row_security,
            "alter_replica_identity": self._alter_replica_identity,
            "alter_table_options": self._alter_table_options,
            "alter_partition_key": self._alter_partition_key,
            "alter_partition": self._alter_partition,
            "alter_index_attachment": self._alter_index_attachment,
        }
        if self.pg:
            return handlers
        # Other dialects have none of these (a PostgreSQL diff rendered for SQLite): nothing to do.
        return {kind: (lambda change: None) for kind in handlers}

    def _tables_of(self, change: Change) -> tuple[model.Table | None, model.Table | None]:
        """The whole table before and after: from the change's context, else FROM and TO."""
        namespace, name = self._ns(change), str(change.table)
        old, new = change.get("table_old"), change.get("table_new")
        if not isinstance(old, model.Table):
            old = change.old if isinstance(change.old, model.Table) else self._from_table(namespace, name)
        if not isinstance(new, model.Table):
            new = change.new if isinstance(change.new, model.Table) else self._to_table(namespace, name)
        return old, new

    def _table_name(self, change: Change) -> str:
        return qualified_name(self._ns(change), str(change.table), "postgresql")

    # -- new tables and partitions ---------------------------------------------

    def _new_table_extras(self, namespace: str, table: model.Table) -> None:
        for x in table.exclusions:
            self._sql("constraints", exclusion_sql(namespace, table.name, x))
        if table.row_security or table.force_row_security:
            for statement in row_security_sql(namespace, table):
                if "DISABLE" not in statement and "NO FORCE" not in statement:
                    self._sql("table_options", statement)
        if table.replica_identity:
            self._sql("table_options", replica_identity_sql(namespace, table))

    def _add_partition(self, namespace: str, table: model.Table) -> None:
        """CREATE TABLE ... PARTITION OF, placed after the partitions of fewer levels."""
        tables = {f"{ns.name}.{t.name}": t for ns in (self.to.namespaces if self.to is not None else ()) for t in ns.tables}
        depth = partition_depth(table, tables)
        order: list[int] = self.__dict__.setdefault("_partition_depths", [])
        position = sum(1 for d in order if d <= depth)
        order.insert(position, depth)
        self.phases["partitions"].insert(position, Step(op=ops.ExecuteSQLOp(partition_sql(namespace, table))))
        for statement in partition_columns_sql(namespace, table, tables.get(table.partition_of or "")):
            self._sql("partition_columns", statement)
        base = dict(namespace=namespace, table=table.name)
        path = f"{namespace}.{table.name}"
        for index in table.indexes:
            self._add_index(Change("add_index", f"{path}.{index.name}", name=index.name, new=index, **base))
        if table.primary_key is not None:
            self._add_primary_key(Change("add_primary_key", path, new=table.primary_key, **base))
        for unique in table.uniques:
            self._add_unique(Change("add_unique", f"{path}.{unique.name}", name=unique.name, new=unique, **base))
        for check in table.checks:
            self._add_check(Change("add_check", f"{path}.{check.name}", name=check.name, new=check, **base))
        for fk in table.foreign_keys:
            self._emit_foreign_key(namespace, table.name, fk)
        self._new_table_extras(namespace, table)

    def _drop_partition(self, namespace: str, table: model.Table) -> None:
        # IF EXISTS: a parent dropped in the same migration takes its partitions with it.
        self._note("drop_partitions", f"migrator: partition {namespace}.{table.name} is dropped with its rows, as TO says "
                                      "(ALTER TABLE ... DETACH PARTITION would keep them)")
        self._sql("drop_partitions", f"DROP TABLE IF EXISTS {qualified_name(namespace, table.name, 'postgresql')}")

    def _alter_partition(self, change: Change) -> None:
        old, new = self._tables_of(change)
        name = self._table_name(change)
        if old is not None and old.partition_of and (self._ns(change), str(change.table), "detached") not in self.emitted:
            parent_ns, _, parent = old.partition_of.partition(".")
            self.emitted.add((self._ns(change), str(change.table), "detached"))
            self._sql("drop_partitions", f"ALTER TABLE {qualified_name(parent_ns, parent, 'postgresql')} DETACH PARTITION {name}")
            if new is not None and not new.partition_of:
                self._drop_inherited(self._ns(change), old)
        if new is not None and new.partition_of:
            parent_ns, _, parent = new.partition_of.partition(".")
            self._note("partitions", f"migrator: {change.path} is attached {new.partition_bound or 'DEFAULT'}: "
                                     "this fails if a row lies outside the bound")
            self._sql("partitions", f"ALTER TABLE {qualified_name(parent_ns, parent, 'postgresql')} ATTACH PARTITION {name} "
                                    f"{new.partition_bound or 'DEFAULT'}")

    def _drop_inherited(self, namespace: str, table: model.Table) -> None:
        """After DETACH PARTITION: what the partition had from its parent stays on it as its
        own (the attached indexes, the keys, foreign keys and checks cloned from the parent's).
        The model saw none of it on the partition, so it is dropped; what TO gives the table
        comes from the diff's own changes. IF EXISTS: a foreign key the fix drops from the
        parent first takes its copies with it."""
        ns, _, name = str(table.partition_of).partition(".")
        parent = self._lookup(self.frm, ns, "table", name)
        if parent is None:
            return
        quote = sa_dialect("postgresql").identifier_preparer.quote
        target = qualified_name(namespace, table.name, "postgresql")
        parent_keys = {u.name for u in parent.uniques} | ({parent.primary_key.name} if parent.primary_key is not None else set())
        for att in table.index_attachments:
            if _backs_constraint(table, att.name) is not None:
                continue  # its own key: the diff compares it
            if att.parent in parent_keys:
                self._sql("drop_partitions", f"ALTER TABLE {target} DROP CONSTRAINT IF EXISTS {quote(att.name)}")
            else:
                self._sql("drop_partitions", f"DROP INDEX IF EXISTS {qualified_name(namespace, att.name, 'postgresql')}")
        for obj in (*parent.foreign_keys, *(c for c in parent.checks if not c.no_inherit)):
            if obj.name:
                self._sql("drop_partitions", f"ALTER TABLE {target} DROP CONSTRAINT IF EXISTS {quote(obj.name)}")

    def _rekeyed(self, changes: list[Change]) -> set[str]:
        cache = self.__dict__.setdefault("_rekeyed_cache", {})
        if id(changes) not in cache:
            cache.clear()
            cache[id(changes)] = {f"{self._ns(c)}.{c.table}" for c in changes if c.kind == "alter_partition_key"}
        return cache[id(changes)]

    def _recreated_with_new_key(self, change: Change, changes: list[Change]) -> bool:
        """Whether `change` is on a table that _alter_partition_key recreates (or a partition of it)."""
        rekeyed = self._rekeyed(changes)
        if not rekeyed or change.kind == "alter_partition_key" or change.table is None or change.kind.endswith("_namespace"):
            return False
        key = f"{self._ns(change)}.{change.table}"
        ns, _, name = key.partition(".")
        if self._lookup(self.to, ns, "table", name) is not None and self._lookup(self.frm, ns, "table", name) is not None:
            # A table TO keeps outside the recreated tree was detached from it first (_alter_partition_key).
            return self._rekeyed_root(self.to, key, rekeyed) is not None
        return any(self._rekeyed_root(side, key, rekeyed) is not None for side in (self.to, self.frm))

    def _rekeyed_root(self, side: model.Schema | None, key: str, roots: set[str]) -> str | None:
        """The table of `roots` that `key` ("schema.table") is, or is a partition of, in `side`."""
        current, seen = key, set()
        while current and current not in seen:
            if current in roots:
                return current
            seen.add(current)
            ns, _, name = current.partition(".")
            table = self._lookup(side, ns, "table", name)
            current = table.partition_of if table is not None else None
        return None

    def _alter_partition_key(self, change: Change) -> None:
        """Drop the table and create it, and all its partitions, as TO says: no ALTER changes a partition key."""
        old, new = self._tables_of(change)
        namespace = self._ns(change)
        if new is None:
            self._note("drop_partitions", f"migrator: {change.path} is partitioned differently, but TO was not given: not recreated")
            return
        self._note("drop_partitions", f"migrator: PostgreSQL cannot change the partition key of {change.path}: "
                                      "the table and its partitions are dropped and recreated, and their rows are lost")
        if old is not None:
            self._keep_across_recreation(namespace, old)
        key = f"{namespace}.{new.name}"
        for side_ns in (self.frm.namespaces if self.frm is not None else ()):
            for t in side_ns.tables:
                qualified = f"{side_ns.name}.{t.name}"
                kept = self._lookup(self.to, side_ns.name, "table", t.name)
                if kept is None or qualified == key:
                    continue
                in_from = self._rekeyed_root(self.frm, qualified, {key}) is not None
                in_to = self._rekeyed_root(self.to, qualified, {key}) is not None
                if in_from and not in_to and t.partition_of == key and (side_ns.name, t.name, "detached") not in self.emitted:
                    # TO keeps it outside this table: detached, so DROP TABLE leaves it (_alter_partition attaches it).
                    self.emitted.add((side_ns.name, t.name, "detached"))
                    self._sql("drop_partitions", f"ALTER TABLE {self._table_name(change)} DETACH PARTITION "
                                                 f"{qualified_name(side_ns.name, t.name, 'postgresql')}")
                    if not kept.partition_of:
                        self._drop_inherited(side_ns.name, t)
                elif in_to and not in_from:
                    # TO has it in the recreated tree, FROM as a table of its own: created again as TO says.
                    self._sql("drop_partitions", f"DROP TABLE {qualified_name(side_ns.name, t.name, 'postgresql')}")
        self._sql("drop_partitions", f"DROP TABLE {self._table_name(change)}")
        # The views that read it are dropped before and created again after (_plan_views).
        self.retyped_tables.add((namespace, new.name))
        self._add_table(Change("add_table", change.path, namespace=namespace, table=new.name, new=new))
        key = f"{namespace}.{new.name}"
        tables = {f"{ns.name}.{t.name}": (ns.name, t) for ns in (self.to.namespaces if self.to is not None else ()) for t in ns.tables}
        for qualified, (ns_name, table) in tables.items():
            parent, seen = table.partition_of, set()
            while parent and parent not in seen and parent != key:
                seen.add(parent)
                parent = tables[parent][1].partition_of if parent in tables else None
            if parent == key:
                self._add_partition(ns_name, table)

    def _keep_across_recreation(self, namespace: str, old: model.Table) -> None:
        """What DROP TABLE would take with FROM's table `old` but does not belong to it:
        other tables' foreign keys that reference it (dropped first, added back as TO has
        them) and the sequences its serial columns own (released, and owned again)."""
        for ns in (self.frm.namespaces if self.frm is not None else ()):
            for t in ns.tables:
                if (ns.name, t.name) == (namespace, old.name):
                    continue  # its own go with it
                for fk in t.foreign_keys:
                    if (fk.ref_schema or ns.name, fk.ref_table) != (namespace, old.name):
                        continue
                    key = (ns.name, t.name, f"drop_fk:{fk.name}")
                    if key in self.emitted or key in getattr(self, "diff_dropped_fks", set()):
                        continue
                    self.emitted.add(key)
                    self._drop_and_restore_foreign_key(ns.name, t.name, fk)
        try:
            sequences = self.frm.namespace(namespace).sequences if self.frm is not None else ()
        except KeyError:
            sequences = ()
        for seq in sequences:
            if not (seq.owned_by or "").startswith(f"{old.name}."):
                continue
            name = qualified_name(namespace, seq.name, "postgresql")
            self._sql("drop_partitions", f"ALTER SEQUENCE {name} OWNED BY NONE")
            kept = self._lookup(self.to, namespace, "sequence", seq.name)
            if kept is not None and kept.owned_by:
                self._sql("sequences_late", f"ALTER SEQUENCE {name} OWNED BY {self._owner(namespace, kept.owned_by)}")
        self._objects_across_recreation(namespace, old.name)

    def _objects_across_recreation(self, namespace: str, table: str) -> None:
        """The table's objects migrator does not model (triggers, policies, grants) go with
        DROP TABLE. A trigger TO has too is created again from its definition
        (pg_get_triggerdef) when that is all its fingerprint holds; every other one is named
        in a comment, since the fix cannot restore it."""
        try:
            objects = self.to.namespace(namespace).objects if self.to is not None else ()
        except KeyError:
            objects = ()
        for obj in objects:
            if obj.name != table and not obj.name.startswith(f"{table}."):
                continue
            text = obj.definition.strip()
            if obj.kind == "trigger" and text.startswith("CREATE TRIGGER ") and "\n" not in text and text.endswith(")"):
                self._sql("table_options", text)
            else:
                self._note("table_options", f"migrator: {obj.kind} {namespace}.{obj.name} goes with the recreated table "
                                            "and is not created again (not modeled)")

    # -- exclusion constraints and collations ------------------------------------

    # -- which index of a partition a parent index has attached -------------------

    def _defer_parent_indexes(self, changes: list[Change]) -> None:
        """Plan the alter_index_attachment changes: how each is fixed, and which parent
        indexes are created late.

        PostgreSQL gives a partition the index of its parent's that it lacks when the
        partition or the index is created, an attached index cannot be dropped or detached,
        and CREATE INDEX on a partitioned table attaches an equal index a partition already
        has. So (_attachment_mode):
        - "rename": both indexes are plain ones: ALTER INDEX ... RENAME;
        - "attach": FROM's parent index has no index of that partition attached (created
          ON ONLY): the partition's index (created first, unless it is a local key's) is
          attached with ALTER INDEX parent ATTACH PARTITION;
        - "recreate": the parent index is created in the "partition_indexes" phase, after
          the partitions, their keys and, for every partition TO attaches to it, its index
          of its own name (CREATE INDEX name ON partition, the parent's definition). A
          parent index FROM has already is dropped first (it takes the indexes attached to
          it), with the foreign keys that reference its columns, which are added back.
        """
        self.attachment_modes: dict[int, str] = {}
        self.deferred_parent_indexes: dict[tuple[str, str, str], model.Index] = {}
        if not self.pg:
            return
        dropped_fks = {(self._ns(c), str(c.table), getattr(c.old, "name", None)) for c in changes if c.kind == "drop_foreign_key"}
        self.diff_dropped_fks = {(ns, t, f"drop_fk:{name}") for ns, t, name in dropped_fks}
        added_indexes = {(self._ns(c), str(c.table), c.name) for c in changes if c.kind == "add_index"}
        for change in changes:
            if change.kind != "alter_index_attachment":
                continue
            mode = self.attachment_modes[id(change)] = self._attachment_mode(change, added_indexes)
            if mode != "recreate":
                continue
            att, table = self._attachments_of(change)[1], self._tables_of(change)[1]
            pns, _, pname = str(table.partition_of).partition(".")
            key = (pns, pname, att.parent)
            if key in self.deferred_parent_indexes:
                continue
            index = self.deferred_parent_indexes[key] = self._parent_index(self.to, pns, pname, att.parent)
            self.emitted.add((pns, pname, f"index:{index.name}"))
            self._own_partition_indexes(pns, pname, index)
            if key in added_indexes or self._parent_index(self.frm, pns, pname, att.parent) is None:
                continue  # new in TO: only moved to the late phase
            self._sql("drop_constraints", f"DROP INDEX {qualified_name(pns, index.name, 'postgresql')}")
            if index.unique:
                self._readd_referencing_fks(pns, pname, index, dropped_fks)

    def _attachments_of(self, change: Change) -> tuple[model.IndexAttachment | None, model.IndexAttachment | None]:
        """FROM's and TO's IndexAttachment of the change: from its context, else from the partitions."""
        if change.get("object_old") is not None or change.get("object_new") is not None:
            return change.get("object_old"), change.get("object_new")
        old_t, new_t = self._tables_of(change)
        olds = old_t.index_attachments if old_t is not None else ()
        news = new_t.index_attachments if new_t is not None else ()
        if old_t is None or new_t is None or old_t.partition_of != new_t.partition_of:
            olds = ()
        # The path names the index as TO has it; a reversed change names FROM's.
        new = next((x for x in news if x.name == change.name), None)
        if new is not None:
            return next((x for x in olds if x.parent == new.parent), None), new
        old = next((x for x in olds if x.name == change.name), None)
        return old, next((x for x in news if old is not None and x.parent == old.parent), None)

    @staticmethod
    def _parent_index(side: model.Schema | None, pns: str, pname: str, name: str) -> model.Index | None:
        """Index `name` of table pns.pname in `side`: a plain index, not a key's."""
        try:
            table = side.namespace(pns).table(pname) if side is not None else None
        except KeyError:
            return None
        return next((i for i in table.indexes if i.name == name), None) if table is not None else None

    def _attachment_mode(self, change: Change, added_indexes: set) -> str:
        old_att, new_att = self._attachments_of(change)
        old_t, new_t = self._tables_of(change)
        if new_att is None or new_t is None or not new_t.partition_of:
            return "none"  # FROM's attached index goes with its partition or parent index
        if old_att is not None and _backs_constraint(old_t, old_att.name) is None \
                and _backs_constraint(new_t, new_att.name) is None:
            return "rename"
        pns, _, pname = new_t.partition_of.partition(".")
        in_from = (pns, pname, new_att.parent) not in added_indexes and (
            self._parent_index(self.frm, pns, pname, new_att.parent) is not None
            or self._parent_key(self.frm, pns, pname, new_att.parent) is not None)
        if old_att is None and in_from and old_t is not None and old_t.partition_of == new_t.partition_of:
            return "attach"
        if self._parent_index(self.to, pns, pname, new_att.parent) is None:
            return "rename" if old_att is not None else "none"  # a parent's key: its partitions' keys are attached with it
        return "recreate"

    @staticmethod
    def _parent_key(side: model.Schema | None, pns: str, pname: str, name: str) -> Any:
        """The PRIMARY KEY or UNIQUE constraint `name` of table pns.pname in `side`."""
        try:
            table = side.namespace(pns).table(pname) if side is not None else None
        except KeyError:
            return None
        if table is None:
            return None
        if table.primary_key is not None and table.primary_key.name == name:
            return table.primary_key
        return next((u for u in table.uniques if u.name == name), None)

    def _own_partition_indexes(self, pns: str, pname: str, index: model.Index) -> None:
        """Before parent index `index` is created: each partition's index TO attaches to it,
        under its own name (a local key's index is created with its key)."""
        for ns in (self.to.namespaces if self.to is not None else ()):
            for t in ns.tables:
                if t.partition_of != f"{pns}.{pname}":
                    continue
                for att in t.index_attachments:
                    if att.parent == index.name and _backs_constraint(t, att.name) is None:
                        self._own_index_first(ns.name, t, att.name, index)

    def _own_index_first(self, namespace: str, table: model.Table, name: str, index: model.Index) -> None:
        key = (namespace, table.name, f"index:{name}:own")
        if key in self.emitted:
            return
        self.emitted.add(key)
        own = dataclasses.replace(index, name=name, comment=None)
        sa_table = self._index_table(namespace, table.name, table, own)
        self.phases["partition_indexes"].insert(0, Step(op=ops.CreateIndexOp.from_index(build_index(sa_table, own, self.d))))

    def _readd_referencing_fks(self, pns: str, pname: str, index: model.Index, dropped: set) -> None:
        """Foreign keys on `index`'s columns of pns.pname (one may depend on it): dropped early, added back."""
        columns = set(index.columns)
        for side_ns in (self.frm.namespaces if self.frm is not None else ()):
            for t in side_ns.tables:
                for fk in t.foreign_keys:
                    if (fk.ref_schema or side_ns.name, fk.ref_table) != (pns, pname) or set(fk.ref_columns) != columns:
                        continue
                    if (side_ns.name, t.name, fk.name) in dropped:
                        continue  # the diff drops it anyway
                    self._drop_and_restore_foreign_key(side_ns.name, t.name, fk)

    def _alter_index_attachment(self, change: Change) -> None:
        mode = self.attachment_modes.get(id(change), "none")
        old_att, new_att = self._attachments_of(change)
        namespace, partition = self._ns(change), str(change.table)
        quote = sa_dialect("postgresql").identifier_preparer.quote
        if mode == "rename":
            self._sql("renames", f"ALTER INDEX {qualified_name(namespace, old_att.name, 'postgresql')} RENAME TO {quote(new_att.name)}")
            return
        if mode == "none":
            return
        table = self._tables_of(change)[1]
        pns, _, pname = str(table.partition_of).partition(".")
        if mode == "attach":
            index = self._parent_index(self.to, pns, pname, new_att.parent)
            if (pns, pname, new_att.parent) in self.deferred_parent_indexes:
                return  # recreated for another partition: CREATE INDEX attaches this one too
            key = self._parent_key(self.to, pns, pname, new_att.parent)
            if key is not None:
                # A parent's key attaches an equal key of the partition's (ADD CONSTRAINT, then ATTACH).
                what = "PRIMARY KEY" if isinstance(key, model.PrimaryKey) else "UNIQUE"
                self._sql("constraints", f"ALTER TABLE {qualified_name(namespace, partition, 'postgresql')} ADD CONSTRAINT "
                                         f"{quote(new_att.name)} {what} ({', '.join(quote(c) for c in key.columns)})")
            elif index is not None and _backs_constraint(table, new_att.name) is None:
                self._own_index_first(namespace, table, new_att.name, index)
            self._sql("partition_indexes", f"ALTER INDEX {qualified_name(pns, new_att.parent, 'postgresql')} "
                                           f"ATTACH PARTITION {qualified_name(namespace, new_att.name, 'postgresql')}")
            return
        index = self.deferred_parent_indexes[(pns, pname, new_att.parent)]
        if (pns, pname, f"index:{index.name}:late") not in self.emitted:
            self.emitted.add((pns, pname, f"index:{index.name}:late"))
            sa_table = self._index_table(pns, pname, self._to_table(pns, pname), index)
            self._emit("partition_indexes", ops.CreateIndexOp.from_index(build_index(sa_table, index, self.d)))
            if self._from_table(pns, pname) is not None:  # a new table's comments come with it
                self._opt_index_comment_of(pns, index)

    def _add_exclusion(self, change: Change) -> None:
        self._sql("constraints", exclusion_sql(self._ns(change), str(change.table), change.new))

    def _drop_exclusion(self, change: Change) -> None:
        preparer = sa_dialect("postgresql").identifier_preparer
        self._sql("drop_constraints", f"ALTER TABLE {self._table_name(change)} DROP CONSTRAINT {preparer.quote(change.old.name)}")

    def _alter_collation(self, change: Change) -> None:
        col = self._column_of(change, "new")
        if col is None:
            return
        preparer = sa_dialect("postgresql").identifier_preparer
        self._sql(
            "alter_collations",
            f"ALTER TABLE {self._table_name(change)} ALTER COLUMN {preparer.quote(col.name)} "
            f"TYPE {self._compile_type(col.type)} {collation_sql(col.collation)}",
        )

    # -- table options -----------------------------------------------------------

    def _alter_logged(self, change: Change) -> None:
        _old, new = self._tables_of(change)
        unlogged = new.unlogged if new is not None else change.new == "UNLOGGED"
        self._sql("table_options", f"ALTER TABLE {self._table_name(change)} SET {'UNLOGGED' if unlogged else 'LOGGED'}")

    def _alter_row_security(self, change: Change) -> None:
        old, new = self._tables_of(change)
        if new is None:
            return
        statements = row_security_sql(self._ns(change), new)
        if old is not None:
            statements = [
                statement for statement, changed in zip(
                    statements, (old.row_security != new.row_security, old.force_row_security != new.force_row_security))
                if changed
            ]
        for statement in statements:
            self._sql("table_options", statement)

    def _alter_replica_identity(self, change: Change) -> None:
        _old, new = self._tables_of(change)
        if new is not None:
            self._sql("table_options", replica_identity_sql(self._ns(change), new))

    def _alter_table_options(self, change: Change) -> None:
        old, new = self._tables_of(change)
        before = dict(o.split("=", 1) for o in (old.options if old is not None else ()))
        after = dict(o.split("=", 1) for o in (new.options if new is not None else ()))
        name = self._table_name(change)
        changed = [f"{k} = {v}" for k, v in sorted(after.items()) if before.get(k) != v]
        removed = [k for k in sorted(before) if k not in after]
        if changed:
            self._sql("table_options", f"ALTER TABLE {name} SET ({', '.join(changed)})")
        if removed:
            self._sql("table_options", f"ALTER TABLE {name} RESET ({', '.join(removed)})")


# Fingerprinted objects (functions, triggers, policies, grants, ...; issue 12): the model
# knows only that they differ, not how to make them, so a fix says so and emits nothing.
NOT_MODELED_KINDS = {"add_object": "exists only in TO", "drop_object": "exists only in FROM", "alter_object": "differs"}
NOT_MODELED_HEADER = "migrator: this fix is incomplete: objects migrator does not model differ (write their DDL by hand)"


class _OptionsPlanner:
    """Options and comments (issue 12), mixed into _Planner: constraint flags (ALTER
    CONSTRAINT, VALIDATE CONSTRAINT, or a drop and an add with the flags), a unique
    constraint turned into a unique index and back, identity and sequence options, view
    options, materialized views' indexes, COMMENT ON for every commentable object, and
    the options and comments of constraints, indexes, sequences, enums and schemas this
    migration creates (a created view's are _create_view's).
    """

    pg: bool
    d: str
    to: model.Schema | None
    frm: model.Schema | None
    preparer: Any
    _emit: Any
    _sql: Any
    _note: Any
    _ns: Any
    _lookup: Any
    _qualified: Any
    _schema: Any
    _to_table: Any
    _from_table: Any
    _index_table: Any
    _constraint_name: Any

    def _option_handlers(self) -> dict[str, Callable[[Change], None]]:
        return {
            "alter_constraint": self._opt_alter_constraint,
            "alter_unique_kind": self._opt_alter_unique_kind,
            "alter_identity_options": self._opt_identity_options,
            "alter_view_options": self._opt_view_options,
            "add_view_index": self._opt_add_view_index,
            "drop_view_index": self._opt_drop_view_index,
            "alter_index_comment": self._opt_index_comment,
            "alter_constraint_comment": self._opt_constraint_comment,
            "alter_view_comment": self._opt_view_comment,
            "alter_sequence_comment": self._opt_sequence_comment,
            "alter_enum_comment": self._opt_enum_comment,
            "alter_namespace_comment": self._opt_namespace_comment,
        }

    # -- helpers -------------------------------------------------------------

    @staticmethod
    def _opt_object(change: Change, which: str) -> Any:
        """The object before ("old") or after ("new"): from the context, else old/new when they are objects."""
        obj = change.get(f"object_{which}")
        if obj is not None:
            return obj
        value = change.old if which == "old" else change.new
        return None if isinstance(value, (str, tuple)) or value is None else value

    @staticmethod
    def _opt_comment(change: Change, which: str) -> str | None:
        value = change.old if which == "old" else change.new
        return value if value is None or isinstance(value, str) else getattr(value, "comment", None)

    def _opt_view(self, change: Change, which: str) -> model.View | None:
        view = self._opt_object(change, which)
        if isinstance(view, model.View):
            return view
        side = self.to if which == "new" else self.frm
        return self._lookup(side, self._ns(change), "view", str(change.table))

    def _opt_add_constraint(self, namespace: str, table: str, obj: Any) -> None:
        phase = "foreign_keys" if isinstance(obj, model.ForeignKey) else "constraints"
        self._sql(phase, add_constraint_sql(namespace, table, obj))
        self._opt_constraint_comment_of(namespace, table, obj)

    def _opt_constraint_comment_of(self, namespace: str, table: str, obj: Any) -> None:
        if self.pg and obj.comment and obj.name:
            target = f"{self.preparer.quote(obj.name)} ON {self._qualified(namespace, table)}"
            self._sql("comments", comment_sql("CONSTRAINT", target, obj.comment))

    def _opt_index_comment_of(self, namespace: str, index: model.Index, phase: str = "comments") -> None:
        if self.pg and index.comment and index.name:
            self._sql(phase, comment_sql("INDEX", self._qualified(namespace, index.name), index.comment))

    @staticmethod
    def _opt_has_options(obj: Any) -> bool:
        return any(getattr(obj, flag, False) for flag in
                   ("deferrable", "not_valid", "no_inherit", "match_full", "nulls_not_distinct"))

    def _opt_drop_constraint(self, namespace: str, table: str, obj: Any, suffix: str) -> None:
        kind = {"pkey": "primary", "key": "unique", "fkey": "foreignkey", "check": "check"}[suffix]
        name = self._constraint_name(table, obj.name, tuple(getattr(obj, "columns", ())), suffix)
        phase = "drop_foreign_keys" if kind == "foreignkey" else "drop_constraints"
        self._emit(phase, ops.DropConstraintOp(name, table, type_=kind, schema=self._schema(namespace)))

    # -- objects this migration creates ------------------------------------------

    def _opt_new_constraint(self, namespace: str, table: str, obj: Any) -> bool:
        """ADD CONSTRAINT with its options (True), or False when the plain Alembic operation says it all.

        The comment is set in both cases.
        """
        if not self.pg:
            return False
        if self._opt_has_options(obj):
            self._opt_add_constraint(namespace, table, obj)
            return True
        self._opt_constraint_comment_of(namespace, table, obj)
        return False

    def _opt_new_table(self, namespace: str, table: model.Table) -> None:
        """What CREATE TABLE cannot say: NOT VALID / NO INHERIT checks, comments on constraints and indexes."""
        for check in later_checks(table, self.d):
            self._sql("constraints", add_constraint_sql(namespace, table.name, check))
        for text in table_comments_sql(namespace, table):
            self._sql("comments", text)

    def _opt_new_comment(self, what: str, target: str, text: str | None, phase: str = "comments") -> None:
        if self.pg and text:
            self._sql(phase, comment_sql(what, target, text))

    # -- constraints ---------------------------------------------------------------

    @staticmethod
    def _opt_suffix(obj: Any) -> str:
        """The suffix PostgreSQL gives the constraint's generated name (see _constraint_name)."""
        if isinstance(obj, model.PrimaryKey):
            return "pkey"
        if isinstance(obj, model.UniqueConstraint):
            return "key"
        return "fkey" if isinstance(obj, model.ForeignKey) else "check"

    def _opt_alter_constraint(self, change: Change) -> None:
        if not self.pg:
            return
        namespace, table = self._ns(change), str(change.table)
        old, new = self._opt_object(change, "old"), self._opt_object(change, "new")
        if old is None or new is None:
            self._note("constraints", f"migrator: constraint {change.path} changed, but its objects are unknown: not altered")
            return
        target = f"ALTER TABLE {self._qualified(namespace, table)}"
        name = self.preparer.quote(new.name) if new.name else None
        deferral_differs = (getattr(old, "deferrable", False), getattr(old, "initially_deferred", False)) != (
            getattr(new, "deferrable", False), getattr(new, "initially_deferred", False))
        other_differs = any(getattr(old, f, False) != getattr(new, f, False) for f in ("match_full", "no_inherit"))
        invalidated = not getattr(old, "not_valid", False) and getattr(new, "not_valid", False)
        # PostgreSQL 15 alters the deferrability of foreign keys only, and validates but never un-validates.
        if name and not other_differs and not invalidated and (isinstance(new, model.ForeignKey) or not deferral_differs):
            if deferral_differs:
                when = " INITIALLY DEFERRED" if new.initially_deferred else " INITIALLY IMMEDIATE"
                self._sql("constraints", f"{target} ALTER CONSTRAINT {name} {'DEFERRABLE' if new.deferrable else 'NOT DEFERRABLE'}{when}")
            if getattr(old, "not_valid", False) and not getattr(new, "not_valid", False):
                self._sql("constraints", f"{target} VALIDATE CONSTRAINT {name}")
            return
        if invalidated:
            self._note("constraints", f"migrator: {change.path} is NOT VALID in TO: dropped and added NOT VALID (no table scan)")
        self._opt_drop_constraint(namespace, table, old, self._opt_suffix(old))
        self._opt_add_constraint(namespace, table, new)

    def _opt_alter_unique_kind(self, change: Change) -> None:
        """A UNIQUE constraint becomes a unique index (or back): drop FROM's, create TO's."""
        if not self.pg:
            return
        namespace, table = self._ns(change), str(change.table)
        old, new = self._opt_object(change, "old"), self._opt_object(change, "new")
        if old is None or new is None or type(old) is type(new):
            # The oracle's objects (looked up by name) may both be the constraint: ask the schemas.
            find = lambda t, cls: next((o for o in (*t.uniques, *t.indexes) if o.name == change.name and isinstance(o, cls)), None) if t else None  # noqa: E731
            from_table, to_table = self._from_table(namespace, table), self._to_table(namespace, table)
            old = find(from_table, model.UniqueConstraint) or find(from_table, model.Index)
            new = find(to_table, model.UniqueConstraint) or find(to_table, model.Index)
            if old is None and new is not None and from_table is not None:
                # Named differently in FROM: the unique of the other kind on the same columns.
                old = next((o for o in (*from_table.uniques, *(i for i in from_table.indexes if i.unique))
                            if type(o) is not type(new) and tuple(o.columns) == tuple(new.columns)), None)
            if new is None and old is not None and to_table is not None:
                new = next((o for o in (*to_table.uniques, *(i for i in to_table.indexes if i.unique))
                            if type(o) is not type(old) and tuple(o.columns) == tuple(old.columns)), None)
        if old is None or new is None:
            return
        # FROM's object goes under its own name (compare() reports no rename with a change of kind).
        if isinstance(old, model.UniqueConstraint):
            self._opt_drop_constraint(namespace, table, dataclasses.replace(old, name=old.name or new.name), "key")
        else:
            self._sql("drop_constraints", f"DROP INDEX {self._qualified(namespace, str(old.name or new.name))}")
        if isinstance(new, model.UniqueConstraint):
            self._opt_add_constraint(namespace, table, new)
        else:
            sa_table = self._index_table(namespace, table, self._to_table(namespace, table), new)
            self._emit("constraints", ops.CreateIndexOp.from_index(build_index(sa_table, new, self.d)))
            self._opt_index_comment_of(namespace, new)

    # -- identities ------------------------------------------------------------------

    def _opt_identity_options(self, change: Change) -> None:
        if not self.pg:
            return
        old_col, new_col = change.get("column_old"), change.get("column_new")
        if not isinstance(new_col, model.Column) or new_col.identity is None:
            return
        new = new_col.identity
        old = old_col.identity if isinstance(old_col, model.Column) and old_col.identity is not None else model.Identity(new.generation)
        sets = []
        if old.min_value != new.min_value:
            sets.append(f"SET MINVALUE {int(new.min_value)}" if new.min_value is not None else "SET NO MINVALUE")
        if old.max_value != new.max_value:
            sets.append(f"SET MAXVALUE {int(new.max_value)}" if new.max_value is not None else "SET NO MAXVALUE")
        if (old.cache or 1) != (new.cache or 1):
            sets.append(f"SET CACHE {int(new.cache or 1)}")
        if bool(old.cycle) != bool(new.cycle):
            sets.append("SET CYCLE" if new.cycle else "SET NO CYCLE")
        if sets:
            self._sql("alter_columns", f"ALTER TABLE {self._qualified(self._ns(change), str(change.table))} "
                                       f"ALTER COLUMN {self.preparer.quote(new_col.name)} {' '.join(sets)}")

    # -- views -----------------------------------------------------------------------
    # A view this migration recreates (_plan_views) comes back with all of TO's options,
    # indexes and comment; these statements then repeat what is already so, hence IF
    # [NOT] EXISTS on the indexes.

    def _opt_view_options(self, change: Change) -> None:
        if not self.pg:
            return
        namespace, name = self._ns(change), str(change.table)
        old, new = self._opt_view(change, "old"), self._opt_view(change, "new")
        old_opts = old.options if old is not None else tuple(change.old or ())
        new_opts = new.options if new is not None else tuple(change.new or ())
        view = new or old
        kind = "MATERIALIZED VIEW" if view is not None and view.materialized else "VIEW"
        target = f"ALTER {kind} {self._qualified(namespace, name)}"
        keys_new = {o.partition("=")[0] for o in new_opts}
        reset = [o.partition("=")[0] for o in old_opts if o.partition("=")[0] not in keys_new]
        changed = tuple(o for o in new_opts if o not in old_opts)
        if reset:
            self._sql("view_extras", f"{target} RESET ({', '.join(self.preparer.quote(k) for k in reset)})")
        if changed:
            self._sql("view_extras", f"{target} SET ({view_options_sql(changed)})")

    def _opt_add_view_index(self, change: Change) -> None:
        if not self.pg:
            return
        namespace, name = self._ns(change), str(change.table)
        index = change.new if isinstance(change.new, model.Index) else None
        if index is None:
            view = self._lookup(self.to, namespace, "view", name)
            index = next((i for i in view.indexes if i.name == change.name), None) if view is not None else None
        if index is None:
            return
        sa_table = self._index_table(namespace, name, None, index)
        op = ops.CreateIndexOp.from_index(build_index(sa_table, index, self.d))
        op.if_not_exists = True
        self._emit("view_extras", op)
        self._opt_index_comment_of(namespace, index, "view_extras")

    def _opt_drop_view_index(self, change: Change) -> None:
        if self.pg:
            self._sql("drop_constraints", f"DROP INDEX IF EXISTS {self._qualified(self._ns(change), str(change.name))}")

    # -- comments ----------------------------------------------------------------------

    def _opt_set_comment(self, what: str, target: str, change: Change, phase: str = "comments") -> None:
        if self.pg:
            self._sql(phase, comment_sql(what, target, self._opt_comment(change, "new")))

    def _opt_index_comment(self, change: Change) -> None:
        if change.name:
            self._opt_set_comment("INDEX", self._qualified(self._ns(change), str(change.name)), change, "view_extras")

    def _opt_constraint_comment(self, change: Change) -> None:
        if change.name:
            target = f"{self.preparer.quote(str(change.name))} ON {self._qualified(self._ns(change), str(change.table))}"
            self._opt_set_comment("CONSTRAINT", target, change)

    def _opt_view_comment(self, change: Change) -> None:
        view = self._opt_view(change, "new") or self._opt_view(change, "old")
        kind = "MATERIALIZED VIEW" if view is not None and view.materialized else "VIEW"
        self._opt_set_comment(kind, self._qualified(self._ns(change), str(change.table)), change, "view_extras")

    def _opt_sequence_comment(self, change: Change) -> None:
        self._opt_set_comment("SEQUENCE", self._qualified(self._ns(change), str(change.table)), change)

    def _opt_enum_comment(self, change: Change) -> None:
        self._opt_set_comment("TYPE", self._qualified(self._ns(change), str(change.table)), change)

    def _opt_namespace_comment(self, change: Change) -> None:
        self._opt_set_comment("SCHEMA", self.preparer.quote(change.path), change)


class _PolicyPlanner:
    """Row level security policies that stand in the way of a column change, mixed into _Planner.

    Policies are fingerprints (no fix is emitted for them), but PostgreSQL refuses to drop
    or retype a column a policy uses ("cannot drop column ... because other objects depend
    on it"), so a fix that does either would fail. Such a policy (one of FROM's on the
    table, whose definition names the column) is dropped before the column changes and, when
    TO has a policy of that name on the table, created again afterwards from TO's
    fingerprint definition: the reader keeps it as `POLICY AS ... FOR ... TO ... USING (...)
    WITH CHECK (...)`, CREATE POLICY's own syntax after the name. Its not-modeled line is then
    replaced by a comment saying so. Policies that block nothing stay declared, without a fix.
    """

    pg: bool
    to: model.Schema | None
    frm: model.Schema | None
    preparer: Any
    _sql: Any
    _note: Any
    _qualified: Any
    _ns: Any

    def _blocking_policies(self, changes: list[Change]) -> dict[tuple[str, str], model.DatabaseObject]:
        """FROM's policies, by (namespace, `table.policy`), that use a column this fix drops or retypes."""
        if not self.pg or self.frm is None:
            return {}
        columns: dict[tuple[str, str], set[str]] = defaultdict(set)
        for c in changes:
            if c.kind in ("drop_column", "alter_column_type", "alter_column_generated") and c.name:
                columns[(self._ns(c), str(c.table))].add(str(c.name))
        out: dict[tuple[str, str], model.DatabaseObject] = {}
        for ns in self.frm.namespaces:
            for obj in ns.objects:
                table = obj.name.split(".", 1)[0]
                used = columns.get((ns.name, table))
                if obj.kind != "policy" or not used:
                    continue
                body = obj.definition.split("\n-- ", 1)[0]
                if any(re.search(rf'(?<![\w$"]){re.escape(col)}(?![\w$"])|{re.escape(self.preparer.quote(col))}', body)
                       for col in used):
                    out[(ns.name, obj.name)] = obj
        return out

    def _plan_blocking_policies(self, blocking: dict[tuple[str, str], model.DatabaseObject]) -> None:
        for (namespace, name), old in sorted(blocking.items()):
            table, _, policy = name.partition(".")
            target = f"{self.preparer.quote(policy)} ON {self._qualified(namespace, table)}"
            self._note("drop_constraints", f"migrator: policy {namespace}.{name} uses a column this fix drops or "
                                           f"retypes: it is dropped first" + (", and created again as TO has it"
                                                                              if self._to_policy(namespace, name) else ""))
            self._sql("drop_constraints", f"DROP POLICY IF EXISTS {target}")
            new = self._to_policy(namespace, name)
            if new is None:
                continue
            body, _, comment = new.definition.partition("\n-- comment: ")
            body = body.split("\n-- privileges: ", 1)[0].strip()
            if not body.startswith("POLICY "):
                self._note("table_options", f"migrator: policy {namespace}.{name}: no definition to create it from (write it by hand)")
                continue
            self._sql("table_options", f"CREATE POLICY {target} {body[len('POLICY '):]}")
            if comment:
                literal = comment.replace("'", "''")
                self._sql("table_options", f"COMMENT ON POLICY {target} IS '{literal}'")

    def _to_policy(self, namespace: str, name: str) -> model.DatabaseObject | None:
        for ns in self.to.namespaces if self.to is not None else ():
            if ns.name == namespace:
                return next((o for o in ns.objects if o.kind == "policy" and o.name == name), None)
        return None


class _NewObjectPlanner:
    """Functions, domains and composite types a table change needs, mixed into _Planner.

    They are fingerprints (not modeled, no fix emitted), but a table or column this fix
    creates or changes may use one only TO has (a domain as a column's type, a function in
    a default, CHECK or generated column), and the fix would fail without it. Such an
    object is created from its fingerprint definition, which says all CREATE needs: a
    function's is pg_get_functiondef's CREATE OR REPLACE FUNCTION, a domain's `DOMAIN AS
    type [COLLATE] [DEFAULT] [NOT NULL] CONSTRAINT ...`, a composite type's `COMPOSITE (a
    type, ...)`. They come before the tables (functions, then domains, whose CHECK may
    call a function, then composite types), with check_function_bodies off as pg_dump does
    (a LANGUAGE sql body may read a table made later); a function with a SQL-standard body
    (BEGIN ATOMIC, RETURN) is checked when created, so it comes after the tables. Comments
    come with them, grants do not (a re-diff shows those). Symmetrically, one only FROM has
    that a table or column this fix drops used is dropped after them (no CASCADE).

    "Uses" is by name: a column type spelled as the object's name, a function name followed
    by "(" in a default, CHECK, generated expression or a used domain's definition. Every
    other new or dropped fingerprint keeps its not-modeled comment and gets no fix; a new
    table or column whose type is a type or domain the fix does not create gets a comment
    naming it (the statement fails until it exists).
    """

    pg: bool
    objects_made: dict[tuple[str, str, str], tuple[str, str, list[str]]]
    _sql: Any
    _note: Any
    _qualified: Any
    _ns: Any

    _OBJECT_RANK = {"function": 0, "domain": 1, "type": 2}

    @staticmethod
    def _uses(changes: list[Change], side: str) -> tuple[set[str], str]:
        """Type names and expression text of what the changes create ("new") or drop ("old")."""
        types: set[str] = set()
        texts: list[str] = []

        def column(ns: str, col: Any) -> None:
            if not isinstance(col, model.Column):
                return
            bare = col.type.name.replace('"', "")
            types.update({bare.lower(), f"{ns}.{bare}".lower()})
            if col.default is not None:
                texts.append(str(col.default.value))
            if col.generated:
                texts.append(col.generated)

        kinds = {"new": ("add_table", "add_column", "alter_column_type", "alter_column_default", "alter_column_generated",
                         "add_check"),
                 "old": ("drop_table", "drop_column")}[side]
        for c in changes:
            if c.kind not in kinds:
                continue
            ns, value = str(c.namespace), getattr(c, side)
            if isinstance(value, model.Table):
                for col in value.columns:
                    column(ns, col)
                texts.extend(check.expression for check in value.checks)
            elif isinstance(value, model.Column):
                column(ns, value)
            elif isinstance(value, model.CheckConstraint):
                texts.append(value.expression)
            elif isinstance(value, model.SqlType):
                bare = value.name.replace('"', "")
                types.update({bare.lower(), f"{ns}.{bare}".lower()})
            elif isinstance(value, model.Default):
                texts.append(str(value.value))
            elif isinstance(value, str):
                texts.append(value)
        return types, "\n".join(texts)

    @staticmethod
    def _object_namespace(change: Change) -> str | None:
        """The namespace of an object change: its own, else its path's (`ns.name`)."""
        if change.namespace:
            return str(change.namespace)
        obj = change.new if change.new is not None else change.old
        name = getattr(obj, "name", None)
        if isinstance(name, str) and change.path.endswith("." + name):
            return change.path[: -len(name) - 1]
        return None

    @staticmethod
    def _fingerprint_parts(obj: model.DatabaseObject) -> tuple[str, str]:
        text, _, comment = obj.definition.partition("\n-- comment: ")
        return text.split("\n-- privileges: ", 1)[0].strip(), comment

    def _used_objects(self, changes: list[Change], kind: str, side: str) -> dict[tuple[str, str, str], model.DatabaseObject]:
        """The function, domain and composite type fingerprints of `kind` changes (add_object or
        drop_object) that what the changes make (side "new") or drop ("old") uses."""
        candidates: dict[tuple[str, str, str], model.DatabaseObject] = {}
        for c in changes:
            obj = c.new if side == "new" else c.old
            namespace = self._object_namespace(c)
            if c.kind == kind and isinstance(obj, model.DatabaseObject) and obj.kind in self._OBJECT_RANK and namespace:
                candidates[(namespace, obj.kind, obj.name)] = obj
        if not candidates:
            return {}
        types, text = self._uses(changes, side)
        used: dict[tuple[str, str, str], model.DatabaseObject] = {}
        grew = True
        while grew:  # a used domain's CHECK may call a function
            grew = False
            for key, obj in candidates.items():
                if key in used:
                    continue
                ns, okind, name = key
                if okind == "function":
                    proname = name.split("(", 1)[0]
                    hit = re.search(rf'(?<![\w$]){re.escape(proname)}"?\s*\(', text) is not None
                else:
                    hit = name.lower() in types or f"{ns}.{name}".lower() in types
                if hit:
                    used[key] = obj
                    text += "\n" + self._fingerprint_parts(obj)[0]
                    grew = True
        return used

    def _plan_used_objects(self, changes: list[Change]) -> None:
        from migrator.verify.normalize import object_kind_word

        if not self.pg:
            return
        made = self._used_objects(changes, "add_object", "new")
        for (namespace, kind, name), obj in made.items():
            body, comment = self._fingerprint_parts(obj)
            if kind == "function" and body.startswith("CREATE OR REPLACE FUNCTION "):
                standard = not re.search(r"^AS \$", body, re.MULTILINE)  # BEGIN ATOMIC / RETURN: no string body
                phase = "table_options" if standard else "objects"
                proname, _, args = name.partition("(")
                target = f"FUNCTION {self._qualified(namespace, proname)}({args}"
                statements = [body]
            elif kind == "domain" and body.startswith("DOMAIN AS "):
                phase, target = "objects", f"DOMAIN {self._qualified(namespace, name)}"
                statements = [f"CREATE {target} {body[len('DOMAIN '):]}"]
            elif kind == "type" and body.startswith("COMPOSITE ("):
                phase, target = "objects", f"TYPE {self._qualified(namespace, name)}"
                statements = [f"CREATE {target} AS {body[len('COMPOSITE '):]}"]
            else:
                continue
            if comment:
                statements.append(f"COMMENT ON {target} IS '{comment.replace(chr(39), chr(39) * 2)}'")
            note = (f"migrator: {object_kind_word(kind)} {namespace}.{name} exists only in TO (not modeled) and a table "
                    f"change here uses it: created from its catalog definition")
            self.objects_made[(namespace, kind, name)] = (phase, note, statements)
        dropped = self._used_objects(changes, "drop_object", "old")
        for (namespace, kind, name), obj in dropped.items():
            what = {"function": "FUNCTION", "domain": "DOMAIN", "type": "TYPE"}[kind]
            target = (f"{self._qualified(namespace, name.split('(', 1)[0])}({name.partition('(')[2]}" if kind == "function"
                      else self._qualified(namespace, name))
            note = (f"migrator: {object_kind_word(kind)} {namespace}.{name} exists only in FROM (not modeled) and a table "
                    f"or column this fix drops used it: dropped after them")
            self.objects_made[(namespace, kind, name)] = ("drop_enums", note, [f"DROP {what} IF EXISTS {target}"])
        order = sorted(self.objects_made.items(), key=lambda item: (
            item[1][0] == "drop_enums", self._OBJECT_RANK[item[0][1]] * (-1 if item[1][0] == "drop_enums" else 1), item[0]))
        if any(phase == "objects" and key[1] == "function" for key, (phase, _, _) in order):
            self._sql("objects", "SET check_function_bodies = false")
        for _, (phase, note, statements) in order:
            self._note(phase, note)
            for statement in statements:
                self._sql(phase, statement)

    def _objects_in_the_way(self, changes: list[Change]) -> None:
        """A comment on each new table or column whose type is a fingerprinted type or
        domain only TO has and this fix does not create: it cannot be created either."""
        from migrator.verify.normalize import object_kind_word

        missing = {}
        for c in changes:
            obj = c.new
            if c.kind == "add_object" and isinstance(obj, model.DatabaseObject) and obj.kind in ("type", "domain"):
                if (self._object_namespace(c), obj.kind, obj.name) not in self.objects_made:
                    missing[obj.name.lower()] = (c.path, obj.kind)
                    missing[f"{self._object_namespace(c)}.{obj.name}".lower()] = (c.path, obj.kind)
        if not missing:
            return
        for c in changes:
            columns = c.new.columns if c.kind == "add_table" and isinstance(c.new, model.Table) else (
                (c.new,) if c.kind == "add_column" and isinstance(c.new, model.Column) else ())
            for col in columns:
                hit = missing.get(col.type.name.replace('"', "").lower())
                if hit is not None:
                    self._note("objects", f"migrator: {c.path}: column {col.name} is of {object_kind_word(hit[1])} "
                                          f"{hit[0]}, which exists only in TO and is not modeled: this fix does not "
                                          f"create it, so this statement fails until it exists (write it by hand)")


class _Planner(_PostgresTablePlanner, _OptionsPlanner, _PolicyPlanner, _NewObjectPlanner):
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
        # Views: what the diff adds, drops and alters, planned together by _plan_views once
        # every other change is known; tables whose columns change type or are rebuilt
        # (the views reading them are dropped and recreated around the change).
        self.views_added: dict[tuple[str, str], model.View] = {}
        self.views_dropped: dict[tuple[str, str], model.View] = {}
        self.views_altered: dict[tuple[str, str], tuple[model.View | None, model.View | None]] = {}
        self.retyped_tables: set[tuple[str, str]] = set()
        # (namespace, table, None) of dropped tables, (namespace, table, column) of dropped
        # columns, (namespace, table, "check:<name>") of dropped checks.
        self.dropping: set[tuple[str, str, str | None]] = set()
        # Checks dropped around an enum's recreation (_set_aside_checks), to add once.
        self.set_aside: set[tuple[str, str, str]] = set()
        # The fingerprinted objects _new_object creates: (namespace, kind, name) -> (phase, note, statements).
        self.objects_made: dict[tuple[str, str, str], tuple[str, str, list[str]]] = {}
        # FROM's policies that block a column change, by (namespace, `table.policy`).
        self.blocking_policies: dict[tuple[str, str], model.DatabaseObject] = {}

    # -- entry ---------------------------------------------------------------

    def plan(self, changes: list[Change]) -> list[Step]:
        changes = self._columns_in_to_order(changes)
        by_kind: dict[str, list[Change]] = defaultdict(list)
        for change in changes:
            by_kind[change.kind].append(change)
        rebuilds = self._sqlite_rebuilds(changes) if not self.pg else {}
        self.dropping = (
            {(self._ns(c), str(c.table), None) for c in by_kind.get("drop_table", ())}
            | {(self._ns(c), str(c.table), str(c.name)) for c in by_kind.get("drop_column", ())}
            | {(self._ns(c), str(c.table), f"check:{getattr(c.old, 'name', None)}") for c in by_kind.get("drop_check", ())}
        )

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
            "alter_serial_sequence": self._alter_serial_sequence,
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
        handlers.update(self._postgres_table_handlers())
        self._defer_parent_indexes(changes)
        handlers.update(self._option_handlers())
        handlers.update(dict.fromkeys(NOT_MODELED_KINDS, self._not_modeled))
        self.blocking_policies = self._blocking_policies(changes)
        self._plan_blocking_policies(self.blocking_policies)
        self._plan_used_objects(changes)
        columns: dict[tuple[str, str, str], list[Change]] = defaultdict(list)
        enum_values: dict[tuple[str, str], list[Change]] = defaultdict(list)
        for change in changes:
            if not self.pg and change.kind in SQLITE_IGNORED_KINDS:
                continue
            if not self.pg and self._key(change) in rebuilds and change.kind not in ("rename_table", "rename_column", "add_table", "drop_table"):
                continue  # the rebuild makes the table what TO says, this change included
            if self.pg and self._recreated_with_new_key(change, changes):
                continue  # the table is recreated as TO says (_alter_partition_key)
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
        self.retyped_tables.update(rebuilds)
        self._plan_views()
        if self.pg:
            self._objects_in_the_way(changes)
        if not self.pg and (rebuilds or by_kind.get("drop_table")):
            # Foreign keys would fire (or block) while a referenced table is dropped and recreated.
            self._emit("pragma_off", ops.ExecuteSQLOp("PRAGMA foreign_keys=OFF"))
            self._emit("pragma_on", ops.ExecuteSQLOp("PRAGMA foreign_keys=ON"))
        return _autocommit_first([step for name in PHASES for step in self.phases[name]])

    def _not_modeled(self, change: Change) -> None:
        from migrator.verify.normalize import object_kind_word

        if (self._ns(change), str(change.name)) in self.blocking_policies:
            return  # dropped and recreated as TO has it: _plan_blocking_policies
        obj = change.new if change.new is not None else change.old
        if isinstance(obj, model.DatabaseObject) and (self._object_namespace(change), obj.kind, obj.name) in self.objects_made:
            return  # created or dropped for a table change: _plan_used_objects
        if not self.phases["not_modeled"]:
            self._note("not_modeled", NOT_MODELED_HEADER)
        obj = change.new if change.new is not None else change.old
        what = object_kind_word(obj.kind) if isinstance(obj, model.DatabaseObject) else "object"
        self._note("not_modeled", f"not modeled, no fix emitted: {what} {change.path} {NOT_MODELED_KINDS[change.kind]}")

    # -- helpers -------------------------------------------------------------

    def _columns_in_to_order(self, changes: list[Change]) -> list[Change]:
        """The changes with the added columns of each table in TO's column order (a diff
        lists them by name): ADD COLUMN appends, so the table ends up as TO declares it."""
        slots = [i for i, c in enumerate(changes) if c.kind == "add_column"]

        def position(change: Change) -> tuple[str, str, int, str]:
            table = self._to_table(self._ns(change), str(change.table))
            names = [c.name for c in table.columns] if table is not None else []
            at = names.index(change.name) if change.name in names else len(names)
            return (self._ns(change), str(change.table), at, str(change.name))

        ordered = sorted((changes[i] for i in slots), key=position)
        out = list(changes)
        for i, change in zip(slots, ordered):
            out[i] = change
        return out

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
            self._opt_new_comment("SCHEMA", self.preparer.quote(change.path), self._opt_comment(change, "new"), "namespaces")

    def _drop_namespace(self, change: Change) -> None:
        if self.pg:
            self._drop_namespace_objects(change.path)
            self._sql("drop_namespaces", self._compile(sa.schema.DropSchema(change.path)))

    def _drop_namespace_objects(self, namespace: str) -> None:
        """A comment before DROP SCHEMA naming the objects migrator does not model that FROM
        has in the schema: no fix drops them, and DROP SCHEMA (no CASCADE, which would also
        take whatever outside the schema uses them) fails while the schema holds them."""
        from migrator.verify.normalize import object_kind_word

        held = next((ns.objects for ns in (self.frm.namespaces if self.frm is not None else ()) if ns.name == namespace), ())
        # A table's triggers, policies, rules and grants go with it; _plan_used_objects drops some.
        held = [o for o in held if o.kind not in ("trigger", "policy", "rule", "grant")
                and (namespace, o.kind, o.name) not in self.objects_made]
        if held:
            names = ", ".join(f"{object_kind_word(o.kind)} {namespace}.{o.name}" for o in sorted(held, key=lambda o: (o.kind, o.name)))
            self._note("drop_namespaces", f"migrator: schema {namespace} holds objects migrator does not model ({names}): "
                                          f"DROP SCHEMA fails until they are dropped by hand")

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
            self._opt_new_comment("TYPE", self._qualified(self._ns(change), change.new.name), change.new.comment)

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
            if (ns_name, table.name, None) in self.dropping or (ns_name, table.name, col.name) in self.dropping:
                continue  # dropped by this migration, still of the old type until then
            self.retyped_tables.add((ns_name, table.name))
            self._set_aside_checks(ns_name, table, col.name)
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
            default = server_default_text(kept.default, self.d, kept.type)
            if default is not None:
                self._emit(
                    "enum_recreate",
                    ops.AlterColumnOp(table.name, col.name, schema=schema, modify_server_default=sa.text(default)),
                )
        # Last: the columns and tables this migration drops keep the old type until they go.
        self._sql("drop_enums", f"DROP TYPE {self._qualified(namespace, old_name)}")

    def _set_aside_checks(self, namespace: str, table: model.Table, column: str) -> None:
        """Drop the checks that name `column` before its enum is cast, add them after.

        A check keeps the old type in its literals ('x'::mood__migrator_old), so the cast
        of the column fails ("operator does not exist"); added again after, it reads the new type.
        """
        pattern = re.compile(rf'(?<![\w"]){re.escape(column)}(?![\w"])|"{re.escape(column.replace(chr(34), chr(34) * 2))}"')
        target = self._to_table(namespace, table.name)
        for check in table.checks:
            key = (namespace, table.name, f"check:{check.name}")
            if not check.name or key in self.dropping or key in self.set_aside or not pattern.search(check.expression):
                continue
            self.set_aside.add(key)
            schema = self._schema(namespace)
            self._emit("enum_recreate", ops.DropConstraintOp(check.name, table.name, type_="check", schema=schema))
            kept = next((c for c in target.checks if c.name == check.name), check) if target is not None else check
            self._emit("constraints", ops.CreateCheckConstraintOp(kept.name, table.name, kept.expression, schema=schema))

    # -- sequences -------------------------------------------------------------

    def _add_sequence(self, change: Change) -> None:
        if not self.pg:
            return
        namespace = self._ns(change)
        existing = self._lookup(self.frm, namespace, "sequence", change.new.name)
        if existing is not None and existing.owned_by:
            # FROM has it, owned by a serial column (compare() counts it as the column's):
            # released before that column or its table can be dropped, then made TO's.
            self._sql("sequences", f"ALTER SEQUENCE {self._qualified(namespace, existing.name)} OWNED BY NONE")
            released = dataclasses.replace(existing, owned_by=None)
            self._alter_sequence(Change("alter_sequence", change.path, namespace, existing.name, old=released, new=change.new))
            return
        self._create_sequence(namespace, change.new)

    def _create_sequence(self, namespace: str, seq: model.Sequence, phase: str = "sequences") -> None:
        key = (namespace, seq.name, "sequence")
        if key in self.emitted:
            return
        self.emitted.add(key)
        self._sql(phase, self._compile(CreateSequence(build_sequence(seq, namespace, self.d))))
        self._opt_new_comment("SEQUENCE", self._qualified(namespace, seq.name), seq.comment)
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
        if not self.pg:
            return
        namespace, name = self._ns(change), str(change.table)
        kept = self._lookup(self.to, namespace, "sequence", name)
        existing = change.old if isinstance(change.old, model.Sequence) else self._lookup(self.frm, namespace, "sequence", name)
        if kept is not None and existing is not None:
            # TO has it as a serial column's own sequence (compare() counts that as the
            # column's): the column's default already uses it, so it is kept, made TO's
            # and OWNED BY the column, never dropped and created again.
            self._alter_sequence(Change("alter_sequence", change.path, namespace, name, old=existing, new=kept))
            return
        # IF EXISTS: an owned sequence is already gone with the table or column that owned it.
        self._sql("drop_sequences", f"DROP SEQUENCE IF EXISTS {self._qualified(namespace, name)}")

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
        if old is None or old.cache != new.cache:
            clauses.append(f"CACHE {int(new.cache)}")
        released = old is not None and bool(old.owned_by) and old.owned_by != new.owned_by
        if released:
            # Released first: the column or table that owned it may be dropped before the
            # new owner exists, and would take the sequence with it.
            self._sql("sequences", f"ALTER SEQUENCE {self._qualified(namespace, old.name)} OWNED BY NONE")
        if (old is None or old.owned_by != new.owned_by) and not (released and not new.owned_by):
            clauses.append(f"OWNED BY {self._owner(namespace, new.owned_by)}")
        if clauses:
            self._sql("sequences_late", f"ALTER SEQUENCE {self._qualified(namespace, new.name)} {' '.join(clauses)}")

    def _alter_serial_sequence(self, change: Change) -> None:
        """ALTER SEQUENCE on a serial column's own sequence, named as the database being
        changed names it (FROM's name: the two sides' names may differ), its owner kept."""
        old, new = change.old, change.new
        if not isinstance(old, model.Sequence) or not isinstance(new, model.Sequence):
            return
        target = dataclasses.replace(new, name=old.name, owned_by=old.owned_by)
        self._alter_sequence(Change("alter_sequence", change.path, change.namespace, old.name, old=old, new=target))

    def _compile_type(self, t: model.SqlType) -> str:
        return str(self._type(t).compile(dialect=sa_dialect(self.d)))

    # -- views -----------------------------------------------------------------

    def _view_sql(self, namespace: str, view: model.View) -> str:
        kind = "MATERIALIZED VIEW" if view.materialized and self.pg else "VIEW"
        return f"CREATE {kind} {self._qualified(namespace, view.name)}{view_with(view, self.d)} AS {view.definition.strip()}"

    def _drop_view_sql(self, namespace: str, name: str, materialized: bool) -> str:
        kind = "MATERIALIZED VIEW" if materialized and self.pg else "VIEW"
        return f"DROP {kind} {self._qualified(namespace, name)}"

    # Views are recorded as the changes come and planned together (_plan_views): the order
    # of their drops and creations depends on each other and on the other changes.

    def _add_view(self, change: Change) -> None:
        self.views_added[(self._ns(change), change.new.name)] = change.new

    def _drop_view(self, change: Change) -> None:
        self.views_dropped[(self._ns(change), change.old.name)] = change.old

    def _alter_view(self, change: Change) -> None:
        namespace, name = self._ns(change), str(change.table)
        new = change.new if isinstance(change.new, model.View) else self._lookup(self.to, namespace, "view", name)
        old = change.old if isinstance(change.old, model.View) else self._lookup(self.frm, namespace, "view", name)
        if new is None:
            self._note("views", f"migrator: view {change.path} changed, but TO was not given: not recreated")
            return
        self.views_altered[(namespace, name)] = (old, new)

    def _plan_views(self) -> None:
        """Drops of views, dependents first, and creations, dependencies first.

        A view is replaced by DROP and CREATE, never CREATE OR REPLACE: OR REPLACE cannot
        remove, rename or retype a column, and a materialized view has no OR REPLACE. So a
        view that is altered or dropped takes with it every view that reads it, directly
        or through others, and so does a table whose column changes type (PostgreSQL
        refuses ALTER COLUMN TYPE on a column a view reads) or that SQLite rebuilds; those
        readers are created again afterwards as TO defines them. The cost: a recreated
        materialized view is filled again, and privileges granted on a recreated view are
        not restored (the model does not hold them).

        What a view reads is View.depends_on (the live PostgreSQL reader fills it from
        pg_depend); a source without it falls back to the relation names its definition
        mentions.
        """
        drops: dict[tuple[str, str], model.View] = dict(self.views_dropped)
        creates: dict[tuple[str, str], model.View] = dict(self.views_added)
        for key, (old, new) in self.views_altered.items():
            drops[key] = old if old is not None else new
            creates[key] = new
        from_views = self._views_of(self.frm)
        from_reads = {key: self._view_reads(self.frm, key, view) for key, view in from_views.items()}
        # A table or column this fix drops is as much in the way (PostgreSQL refuses to drop
        # what a view reads): its readers are dropped first and made again as TO has them
        # (migra's dependencies2: table x.data becomes a view x.data that x.q reads).
        changed = set(drops) | self.retyped_tables | {(ns, table) for ns, table, what in self.dropping
                                                      if what is None or not what.startswith("check:")}
        grown = True
        while grown:
            grown = False
            for key, view in sorted(from_views.items()):
                if key in drops or not from_reads[key] & changed:
                    continue
                drops[key] = view
                changed.add(key)
                grown = True
                if key not in creates:
                    kept = self._lookup(self.to, key[0], "view", key[1]) if self.to is not None else view
                    if kept is not None:
                        creates[key] = kept
        for key in reversed(_topological(drops, {k: from_reads.get(k, set()) for k in drops})):
            view = drops[key]
            self._sql("drop_views", self._drop_view_sql(key[0], key[1], view.materialized))
        to_reads = {key: self._view_reads(self.to, key, view) for key, view in creates.items()}
        for key in _topological(creates, to_reads):
            self._create_view(key[0], creates[key])

    def _create_view(self, namespace: str, view: model.View) -> None:
        """CREATE VIEW with what belongs to it: a materialized view's indexes, the comments."""
        self._sql("views", self._view_sql(namespace, view))
        for statement in view_extras_sql(namespace, view, self.d):
            self._sql("views", statement)
        self._view_triggers(namespace, view)

    def _view_triggers(self, namespace: str, view: model.View) -> None:
        """The triggers (INSTEAD OF ...) a recreated view had and TO keeps: DROP VIEW took them.

        Triggers are fingerprints, not modeled; their fingerprint's definition is
        pg_get_triggerdef's CREATE TRIGGER, which is what is run again (TO's, with its
        comment). A trigger only TO has is an add_object: no fix is emitted for it.
        """
        if not self.pg or self.to is None or self._lookup(self.frm, namespace, "view", view.name) is None:
            return
        had = {o.name for ns in (self.frm.namespaces if self.frm is not None else ()) if ns.name == namespace
               for o in ns.objects if o.kind == "trigger"}
        for ns in self.to.namespaces:
            if ns.name != namespace:
                continue
            for obj in ns.objects:
                if obj.kind != "trigger" or not obj.name.startswith(f"{view.name}.") or obj.name not in had:
                    continue
                body, _, comment = obj.definition.partition("\n-- comment: ")
                body = body.split("\n-- privileges: ", 1)[0].strip()
                # A view's triggers cannot be disabled: the reader's ENABLE/DISABLE suffix is never there.
                if not body.upper().startswith("CREATE "):
                    continue
                self._sql("views", body)
                if comment:
                    trigger = obj.name[len(view.name) + 1:]
                    self._sql("views", comment_sql("TRIGGER", f"{self.preparer.quote(trigger)} ON "
                                                   f"{self._qualified(namespace, view.name)}", comment))

    @staticmethod
    def _views_of(side: model.Schema | None) -> dict[tuple[str, str], model.View]:
        if side is None:
            return {}
        return {(ns.name, view.name): view for ns in side.namespaces for view in ns.views}

    def _view_reads(self, side: model.Schema | None, key: tuple[str, str], view: model.View) -> set[tuple[str, str]]:
        """The tables and views `view` reads, as (namespace, name)."""
        if view.depends_on:
            return {(ns or key[0], name) for ns, _, name in (_split_qualified(q) for q in view.depends_on)}
        if side is None:
            return set()
        words = set(re.findall(r'[A-Za-z_][A-Za-z0-9_$]*', view.definition))
        words |= {w.replace('""', '"') for w in re.findall(r'"((?:[^"]|"")+)"', view.definition)}
        return {
            (ns.name, name)
            for ns in side.namespaces
            for name in [t.name for t in ns.tables] + [v.name for v in ns.views]
            if name in words and (ns.name, name) != key
        }

    # -- tables ----------------------------------------------------------------

    def _add_table(self, change: Change) -> None:
        namespace, table = self._ns(change), change.new
        if self.pg and table.partition_of:
            self._add_partition(namespace, table)
            return
        for col in table.columns:
            self._serial_sequence(namespace, table.name, col)
        sa_table = self._sa_table(namespace, table)
        self._emit("tables", ops.CreateTableOp.from_table(sa_table))
        for index in table.indexes:
            if (namespace, table.name, f"index:{index.name}") in self.emitted:
                continue  # created later (_defer_parent_indexes)
            self._emit("tables", ops.CreateIndexOp.from_index(build_index(sa_table, index, self.d)))
            self.emitted.add((namespace, table.name, f"index:{index.name}"))
        if self.pg:
            for fk in table.foreign_keys:
                self._emit_foreign_key(namespace, table.name, fk)
            self._new_table_extras(namespace, table)
            self._opt_new_table(namespace, table)

    def _drop_table(self, change: Change) -> None:
        namespace, table = self._ns(change), change.old
        if self.pg and table.partition_of:
            self._drop_partition(namespace, table)
            return
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
        phase = "partition_columns" if self._is_partition(namespace, table) else "alter_columns"

        def alter(**kw: Any) -> None:
            self._emit(phase, ops.AlterColumnOp(table, name, schema=schema, **kw))

        if "alter_column_type" in kinds or "alter_column_generated" in kinds:
            self.retyped_tables.add((namespace, table))  # views reading it are recreated around it
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
            if "alter_column_default" not in kinds and old_default is not None and old_default.kind == "sequence":
                # The same serial default: FROM's sequence, under its own name (TO's may differ).
                new_default = old_default
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
            cast = self._epoch_using(namespace, table, name, old_type, new_type, phase)
            if cast is None:
                cast = self.preparer.quote(name)
                if old_type.name == "enum":
                    cast += "::text[]" if old_type.array else "::text"
                cast += "::" + render_type(new_type, "postgresql")
            new_sa_type = collated_type(self._type(new_type), new, self.d) if new is not None else self._type(new_type)
            alter(modify_type=new_sa_type, existing_type=self._type(old_type), postgresql_using=cast)
        if "alter_column_nullable" in kinds:
            alter(modify_nullable=bool(kinds["alter_column_nullable"].new))
        if kinds.keys() & {"alter_column_nullable", "alter_column_default"}:
            self._renew_partition_columns(namespace, table, name, kinds)
        if _is_serial(new_id) and new is not None and new.default is not None:
            default_changes = False  # _serial_sequence below creates the sequence, then sets this default
        if default_changes:
            text = server_default_text(new_default, self.d, new.type if new is not None else None)
            if text is not None or "alter_column_default" in kinds:
                alter(modify_server_default=sa.text(text) if text is not None else None)
        if _is_serial(new_id) and new is not None and new.default is not None:
            # Here, not with the other new sequences: an identity this column drops above owns
            # a sequence that PostgreSQL names as SERIAL would name this one.
            self._serial_sequence(namespace, table, new, phase)
            alter(modify_server_default=sa.text(str(server_default_text(new.default, self.d, new.type))))
        if _is_identity(new_id):
            alter(
                modify_server_default=self._identity(new_id),
                existing_server_default=self._identity(old_id) if _is_identity(old_id) else None,
            )
            self._identity_resets(namespace, table, name, old_id, new_id, phase)
        if "alter_column_comment" in kinds:
            change = kinds["alter_column_comment"]
            alter(modify_comment=change.new, existing_comment=change.old)

    # -- partitions' own columns ---------------------------------------------------
    # compare() reports a partition's NOT NULL and default only where they are its own
    # (diff._PartitionColumns). ALTER COLUMN on a parent recurses to every partition, so
    # a partition whose column TO keeps as it is, unlike its parent's, is set again after.

    def _is_partition(self, namespace: str, table: str) -> bool:
        found = self._to_table(namespace, table) or self._from_table(namespace, table)
        return found is not None and bool(found.partition_of)

    def _renew_partition_columns(self, namespace: str, table: str, name: str, kinds: dict[str, Change]) -> None:
        if not self.pg or self.to is None:
            return
        parent = self._to_table(namespace, table)
        parent_col = next((c for c in parent.columns if c.name == name), None) if parent is not None else None
        if parent_col is None:
            return
        qualified = f"{namespace}.{table}"
        for ns in self.to.namespaces:
            for part in ns.tables:
                if part.partition_of != qualified:
                    continue
                col = next((c for c in part.columns if c.name == name), None)
                if col is None:
                    continue
                target = self._qualified(ns.name, part.name)
                column = self.preparer.quote(name)
                if "alter_column_nullable" in kinds and parent_col.nullable and not col.nullable:
                    self._sql("partition_columns", f"ALTER TABLE {target} ALTER COLUMN {column} SET NOT NULL")
                if "alter_column_default" in kinds and _db_default_text(col, self.d) != _db_default_text(parent_col, self.d):
                    text = _db_default_text(col, self.d)
                    self._sql("partition_columns", f"ALTER TABLE {target} ALTER COLUMN {column} "
                              + (f"SET DEFAULT {text}" if text is not None else "DROP DEFAULT"))
                # Its own partitions follow it in turn.
                self._renew_partition_columns(ns.name, part.name, name, kinds)

    def _epoch_using(self, namespace: str, table: str, name: str, old_type: model.SqlType, new_type: model.SqlType,
                     phase: str) -> str | None:
        """The USING of a number <-> timestamp/date type change, which PostgreSQL has no cast
        for (`bigint::timestamp` is an error): the number is read as Unix epoch seconds, in
        UTC, both ways, so the reverse change gives the numbers back. A note says so: the
        column may hold milliseconds, or another unit, that only its owners know.
        """
        if not self.pg or old_type.array or new_type.array:
            return None
        col = self.preparer.quote(name)
        type_sql = render_type(new_type, "postgresql")
        if old_type.name in _EPOCH_NUMBERS and new_type.name in ("timestamp", "date"):
            value = f"to_timestamp({col})"
            using = f"{value}::{type_sql}" if new_type.timezone else f"({value} AT TIME ZONE 'UTC')::{type_sql}"
        elif old_type.name in ("timestamp", "date") and new_type.name in _EPOCH_NUMBERS:
            value = col if old_type.name == "timestamp" else f"{col}::timestamp"
            using = f"extract(epoch FROM {value})::{type_sql}"
        else:
            return None
        self._note(phase, f"migrator: {namespace}.{table}.{name} {old_type} -> {new_type} has no cast: "
                          f"the values are read as Unix epoch seconds (UTC); check the unit")
        return using

    def _identity_resets(self, namespace: str, table: str, name: str, old_id: model.Identity | None,
                         new_id: model.Identity | None, phase: str) -> None:
        """SET NO MINVALUE / NO MAXVALUE / CACHE 1 / NO CYCLE for the identity options TO
        leaves at their defaults while FROM's identity set them.

        Alembic's SET GENERATED ... alteration skips an option whose new value is the
        default (it cannot tell "unset" from "reset"), so a column going from ALWAYS with
        MINVALUE 2 to BY DEFAULT with no MINVALUE would keep MINVALUE 2.
        """
        if not (self.pg and _is_identity(old_id) and _is_identity(new_id)):
            return
        assert old_id is not None and new_id is not None
        sets = []
        if old_id.min_value is not None and new_id.min_value is None:
            sets.append("SET NO MINVALUE")
        if old_id.max_value is not None and new_id.max_value is None:
            sets.append("SET NO MAXVALUE")
        if (old_id.cache or 1) != 1 and (new_id.cache or 1) == 1:
            sets.append("SET CACHE 1")
        if old_id.cycle and not new_id.cycle:
            sets.append("SET NO CYCLE")
        if sets:
            self._sql(phase, f"ALTER TABLE {self._qualified(namespace, table)} "
                             f"ALTER COLUMN {self.preparer.quote(name)} {' '.join(sets)}")

    @staticmethod
    def _identity(identity: model.Identity | None) -> sa.Identity | None:
        if not _is_identity(identity):
            return None
        return build_identity(identity)

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
        self._opt_index_comment_of(namespace, index)

    def _drop_index(self, change: Change) -> None:
        namespace, table_name, index = self._ns(change), str(change.table), change.old
        sa_table = self._index_table(namespace, table_name, self._from_table(namespace, table_name), index)
        self._emit("drop_constraints", ops.DropIndexOp.from_index(build_index(sa_table, index, self.d)))

    def _add_unique(self, change: Change) -> None:
        unique: model.UniqueConstraint = change.new
        if self._opt_new_constraint(self._ns(change), str(change.table), unique):
            return
        self._emit(
            "constraints",
            ops.CreateUniqueConstraintOp(unique.name, str(change.table), list(unique.columns), schema=self._schema(self._ns(change))),
        )

    def _add_primary_key(self, change: Change) -> None:
        pk: model.PrimaryKey = change.new
        if self._opt_new_constraint(self._ns(change), str(change.table), pk):
            return
        self._emit(
            "constraints",
            ops.CreatePrimaryKeyOp(pk.name, str(change.table), list(pk.columns), schema=self._schema(self._ns(change))),
        )

    def _add_check(self, change: Change) -> None:
        check: model.CheckConstraint = change.new
        if self._opt_new_constraint(self._ns(change), str(change.table), check):
            return
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

    def _drop_and_restore_foreign_key(self, namespace: str, table: str, fk: model.ForeignKey) -> None:
        """FROM's foreign key `fk` dropped early (what it depends on is about to go) and TO's
        of that name, if any, added back once everything exists."""
        quote = sa_dialect("postgresql").identifier_preparer.quote
        self._sql("drop_foreign_keys", f"ALTER TABLE {qualified_name(namespace, table, 'postgresql')} "
                                       f"DROP CONSTRAINT {quote(str(fk.name))}")
        to_table = self._to_table(namespace, table)
        for fk_to in (to_table.foreign_keys if to_table is not None else ()):
            if fk_to.name == fk.name:
                self._emit_foreign_key(namespace, table, fk_to)

    def _emit_foreign_key(self, namespace: str, table: str, fk: model.ForeignKey) -> None:
        key = (namespace, table, f"fk:{fk.name or fk.columns}")
        if key in self.emitted:
            return
        self.emitted.add(key)
        if self._opt_new_constraint(namespace, table, fk):
            return
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


def _backs_constraint(table: model.Table | None, name: str) -> str | None:
    """"primary_key" or "unique" when index `name` of `table` is its own constraint's."""
    if table is None:
        return None
    if table.primary_key is not None and table.primary_key.name == name:
        return "primary_key"
    return "unique" if any(u.name == name for u in table.uniques) else None


def _db_default_text(col: model.Column, dialect: str) -> str | None:
    """A column's default as SQL, None when it has none the database keeps."""
    if col.default is None or col.default.kind == "client":
        return None
    return server_default_text(col.default, dialect, col.type)


def _split_qualified(name: str) -> tuple[str, str, str]:
    """ "ns.view" -> ("ns", ".", "view"); a name without a namespace -> ("", "", name)."""
    return name.partition(".") if "." in name else ("", "", name)


def _topological(items: dict[tuple[str, str], Any], reads: dict[tuple[str, str], set[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The keys of `items`, each after the keys it reads, otherwise in name order (a cycle,
    which no database accepts, is broken in name order)."""
    placed: list[tuple[str, str]] = []
    pending = sorted(items)
    while pending:
        ready = next((k for k in pending if not (reads.get(k, set()) & set(pending)) - {k}), pending[0])
        pending.remove(ready)
        placed.append(ready)
    return placed


def _autocommit_first(steps: list[Step]) -> list[Step]:
    """The steps that must be committed before the others use them (ALTER TYPE ... ADD VALUE)
    first, in their order, then the rest: one boundary where the script commits."""
    return [s for s in steps if s.autocommit] + [s for s in steps if not s.autocommit]


def _is_identity(identity: model.Identity | None) -> bool:
    """An SQL identity column (compare() also reports a serial column as Identity("serial"))."""
    return identity is not None and identity.generation in ("always", "by_default")


def _is_serial(identity: model.Identity | None) -> bool:
    return identity is not None and identity.generation == "serial"


__all__ = ["PHASES", "Step", "plan", "render_changes_sql"]
