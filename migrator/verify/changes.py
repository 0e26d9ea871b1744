"""Typed schema changes: what a diff finds and what every renderer consumes.

A diff is a list of `Change`s, like Alembic's operations: each names one object by a
stable path (`public.users.email`), carries the object or value before (`old`) and after
(`new`), a severity and a one-line explanation, and knows its `reverse()`. Renderers
(text, JSON, Markdown, SARIF, SQL, Alembic) make no decisions: everything they need is
here. What each kind means, how it reverses and how severe it is by default is the data
table KINDS, so a new kind is one new row.

Paths: `ns` for namespaces, `ns.table` for tables, enums, views and sequences,
`ns.table.column` for columns, `ns.table.<constraint or index name>` for constraints and
indexes (an unnamed one is named by its columns: `ns.table.(a,b)`), `ns.enum.value` for
enum values, and the extension name for extensions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from migrator.schema import Origin

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Kind:
    """One kind of change: its reverse, default severity, the object it touches and a message template.

    The template is formatted with the change's fields (`{path}`, `{old}`, `{new}`, `{name}`).
    """

    name: str
    reverse: str
    severity: str
    object: str  # table, column, index, unique, primary_key, foreign_key, check, enum, enum_value, view, sequence, extension, namespace
    template: str


KINDS: dict[str, Kind] = {}


def _kind(name: str, reverse: str, severity: str, obj: str, template: str) -> None:
    KINDS[name] = Kind(name, reverse, severity, obj, template)


# Severities say how wrong a difference is when it is drift (FROM should equal TO):
# a missing or extra table or column is an error, a difference in how it behaves a
# warning, a name or comment an info.
_kind("add_namespace", "drop_namespace", "error", "namespace", "schema {path} exists only in TO")
_kind("drop_namespace", "add_namespace", "error", "namespace", "schema {path} exists only in FROM")
_kind("add_extension", "drop_extension", "warning", "extension", "extension {path} exists only in TO")
_kind("drop_extension", "add_extension", "warning", "extension", "extension {path} exists only in FROM")
_kind("add_table", "drop_table", "error", "table", "table {path} exists only in TO")
_kind("drop_table", "add_table", "error", "table", "table {path} exists only in FROM")
_kind("rename_table", "rename_table", "warning", "table", "table {old} is {new} in TO")
_kind("add_column", "drop_column", "error", "column", "column {path} exists only in TO")
_kind("drop_column", "add_column", "error", "column", "column {path} exists only in FROM")
_kind("rename_column", "rename_column", "warning", "column", "column {old} is {new} in TO")
_kind("alter_column_type", "alter_column_type", "error", "column", "column {path} is {old} in FROM, {new} in TO")
_kind("alter_column_nullable", "alter_column_nullable", "error", "column", "column {path} is {old} in FROM, {new} in TO")
_kind("alter_column_default", "alter_column_default", "warning", "column", "column {path} defaults to {old} in FROM, {new} in TO")
_kind("alter_column_client_default", "alter_column_client_default", "warning", "column",
      "column {path} is filled by the application with {old} in FROM, {new} in TO")
_kind("alter_column_identity", "alter_column_identity", "warning", "column", "column {path} identity is {old} in FROM, {new} in TO")
_kind("alter_column_generated", "alter_column_generated", "warning", "column", "column {path} is generated as {old} in FROM, {new} in TO")
_kind("alter_column_comment", "alter_column_comment", "info", "column", "column {path} comment differs")
_kind("alter_table_comment", "alter_table_comment", "info", "table", "table {path} comment differs")
_kind("add_primary_key", "drop_primary_key", "error", "primary_key", "primary key {path} exists only in TO")
_kind("drop_primary_key", "add_primary_key", "error", "primary_key", "primary key {path} exists only in FROM")
_kind("add_unique", "drop_unique", "error", "unique", "unique constraint {path} exists only in TO")
_kind("drop_unique", "add_unique", "error", "unique", "unique constraint {path} exists only in FROM")
_kind("add_index", "drop_index", "warning", "index", "index {path} exists only in TO")
_kind("drop_index", "add_index", "warning", "index", "index {path} exists only in FROM")
_kind("add_foreign_key", "drop_foreign_key", "error", "foreign_key", "foreign key {path} exists only in TO")
_kind("drop_foreign_key", "add_foreign_key", "error", "foreign_key", "foreign key {path} exists only in FROM")
_kind("add_check", "drop_check", "warning", "check", "check constraint {path} exists only in TO")
_kind("drop_check", "add_check", "warning", "check", "check constraint {path} exists only in FROM")
_kind("rename_constraint", "rename_constraint", "info", "constraint", "{path} is named {new} in TO")
_kind("add_enum", "drop_enum", "error", "enum", "enum {path} exists only in TO")
_kind("drop_enum", "add_enum", "error", "enum", "enum {path} exists only in FROM")
_kind("add_enum_value", "remove_enum_value", "error", "enum_value", "enum value {path} exists only in TO")
_kind("remove_enum_value", "add_enum_value", "error", "enum_value", "enum value {path} exists only in FROM")
_kind("reorder_enum_values", "reorder_enum_values", "info", "enum", "enum {path} orders its values differently")
_kind("add_view", "drop_view", "warning", "view", "view {path} exists only in TO")
_kind("drop_view", "add_view", "warning", "view", "view {path} exists only in FROM")
_kind("alter_view", "alter_view", "warning", "view", "view {path} is defined differently")
_kind("add_sequence", "drop_sequence", "warning", "sequence", "sequence {path} exists only in TO")
_kind("drop_sequence", "add_sequence", "warning", "sequence", "sequence {path} exists only in FROM")
_kind("alter_sequence", "alter_sequence", "warning", "sequence", "sequence {path} is {old} in FROM, {new} in TO")
# PostgreSQL table options, partitions, exclusion constraints and column collations.
# old/new are display values ("UNLOGGED", "enabled, forced", "index users_pkey", "RANGE (at)",
# "partition of public.events FOR VALUES IN (1)"); the whole tables are in context
# ("table_old"/"table_new"), the columns of alter_column_collation in "column_old"/"column_new".
_kind("add_exclusion", "drop_exclusion", "error", "exclusion", "exclusion constraint {path} exists only in TO")
_kind("drop_exclusion", "add_exclusion", "error", "exclusion", "exclusion constraint {path} exists only in FROM")
_kind("alter_column_collation", "alter_column_collation", "warning", "column", "column {path} collation is {old} in FROM, {new} in TO")
_kind("alter_table_logged", "alter_table_logged", "warning", "table", "table {path} is {old} in FROM, {new} in TO")
_kind("alter_row_security", "alter_row_security", "error", "table", "table {path} row level security is {old} in FROM, {new} in TO")
_kind("alter_replica_identity", "alter_replica_identity", "warning", "table", "table {path} replica identity is {old} in FROM, {new} in TO")
_kind("alter_table_options", "alter_table_options", "info", "table", "table {path} storage parameters are {old} in FROM, {new} in TO")
_kind("alter_partition_key", "alter_partition_key", "error", "table", "table {path} is partitioned by {old} in FROM, {new} in TO")
_kind("alter_partition", "alter_partition", "error", "table", "table {path} is {old} in FROM, {new} in TO")
# Which index of a partition its parent's index has attached; old/new are display values
# ("primary key foobar_1_pkey attached to some_idx"), the IndexAttachments are in context
# ("object_old"/"object_new") with the partitions ("table_old"/"table_new").
_kind("alter_index_attachment", "alter_index_attachment", "warning", "index", "partition index {path}: {old} in FROM, {new} in TO")

# Options and comments of constraints, indexes, identities, sequences, views, enums and
# schemas. old/new are display values ("DEFERRABLE INITIALLY DEFERRED", "NOT VALID",
# "MAXVALUE 1000 CACHE 20", a comment's text, a view's option tuple); the objects are in
# context ("object_old"/"object_new"; for alter_identity_options "column_old"/"column_new").
_kind("alter_constraint", "alter_constraint", "warning", "constraint", "constraint {path} is {old} in FROM, {new} in TO")
_kind("alter_unique_kind", "alter_unique_kind", "info", "unique", "{path} is a {old} in FROM, a {new} in TO")
_kind("alter_identity_options", "alter_identity_options", "warning", "column", "column {path} identity is {old} in FROM, {new} in TO")
_kind("alter_view_options", "alter_view_options", "warning", "view", "view {path} options are {old} in FROM, {new} in TO")
_kind("add_view_index", "drop_view_index", "warning", "index", "index {path} of a materialized view exists only in TO")
_kind("drop_view_index", "add_view_index", "warning", "index", "index {path} of a materialized view exists only in FROM")
_kind("alter_index_comment", "alter_index_comment", "info", "index", "index {path} comment differs")
_kind("alter_constraint_comment", "alter_constraint_comment", "info", "constraint", "constraint {path} comment differs")
_kind("alter_view_comment", "alter_view_comment", "info", "view", "view {path} comment differs")
_kind("alter_sequence_comment", "alter_sequence_comment", "info", "sequence", "sequence {path} comment differs")
_kind("alter_enum_comment", "alter_enum_comment", "info", "enum", "enum {path} comment differs")
_kind("alter_namespace_comment", "alter_namespace_comment", "info", "namespace", "schema {path} comment differs")
# The sequence a serial column owns, matched through that column (`name`: "table.column"),
# never by its name: its type (AS integer) or options differ. old/new are the Sequences.
_kind("alter_serial_sequence", "alter_serial_sequence", "warning", "sequence",
      "sequence {path} of serial column {name} differs in type or options")

# Fingerprints (issue 12): objects the model has no structure for (functions, triggers,
# policies, grants, domains, ...; migrator.schema.DatabaseObject). old/new are the
# DatabaseObjects; `{what}` is their kind in words. No fix is emitted for them: the SQL
# and Alembic renderers write a comment saying so. An error by default: a difference a
# fix cannot repair must fail a drift gate (its default --fail-on is error).
_kind("add_object", "drop_object", "error", "object", "{what} {path} exists only in TO — not modeled, no fix emitted")
_kind("drop_object", "add_object", "error", "object", "{what} {path} exists only in FROM — not modeled, no fix emitted")
_kind("alter_object", "alter_object", "error", "object", "{what} {path} differs — not modeled, no fix emitted")


@dataclass(frozen=True)
class Change:
    """One difference between FROM and TO.

    namespace/table locate the object for DDL (table is the enum, view or sequence name for
    those kinds); `name` is the column, constraint, index or enum value. `old`/`new` are
    model objects (Table, Column, Index, ForeignKey, EnumType, ...) for add/drop kinds and
    the differing values for alter kinds (SqlType, bool, Default, Identity, a tuple of enum
    values). For add_enum_value, `old` is the enum's value tuple before and `new` after.
    For renames, `old`/`new` are the names.

    `context` carries what a kind needs beyond old/new: for column changes the whole
    Column before and after ("column_old"/"column_new"), for enum values the value's
    neighbour ("after"). Hazards are filled in by migrator.verify.hazards.
    """

    kind: str
    path: str
    namespace: str | None = None
    table: str | None = None
    name: str | None = None
    old: Any = None
    new: Any = None
    severity: str = ""
    message: str = ""
    origin_old: Origin | None = None
    origin_new: Origin | None = None
    possible: bool = False  # a guess (a rename inferred from a drop and an add), not a finding
    hazards: tuple[str, ...] = ()
    context: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        spec = KINDS.get(self.kind)
        if spec is None:
            raise ValueError(f"unknown change kind {self.kind!r}")
        if not self.severity:
            object.__setattr__(self, "severity", spec.severity)
        if not self.message:
            object.__setattr__(self, "message", self._message(spec))

    @property
    def spec(self) -> Kind:
        return KINDS[self.kind]

    def get(self, key: str, default: Any = None) -> Any:
        for k, v in self.context:
            if k == key:
                return v
        return default

    @property
    def origin(self) -> Origin | None:
        """Where the object is declared: TO's declaration when it has one (that is what a user edits)."""
        return self.origin_new or self.origin_old

    def reverse(self) -> Change:
        """The change that undoes this one: add <-> drop, alters and renames swap old and new."""
        spec = self.spec
        path, name = self.path, self.name
        if self.kind in ("rename_table", "rename_column"):
            # The path names the object as it is in TO; undone, it is named as in FROM.
            path = path.rsplit(".", 1)[0] + "." + str(self.old) if "." in path else str(self.old)
            name = self.old if self.kind == "rename_column" else name
        context = tuple((_SWAP.get(k, k), v) for k, v in self.context)
        return Change(
            kind=spec.reverse,
            path=path,
            namespace=self.namespace,
            table=self.old if self.kind == "rename_table" else self.table,
            name=name,
            old=self.new,
            new=self.old,
            severity=KINDS[spec.reverse].severity if self.severity == spec.severity else self.severity,
            origin_old=self.origin_new,
            origin_new=self.origin_old,
            possible=self.possible,
            context=context,
        )

    def _message(self, spec: Kind) -> str:
        return spec.template.format(path=self.path, old=_show(self.old), new=_show(self.new), name=self.name,
                                    what=_object_word(self.new if self.new is not None else self.old))

    def with_severity(self, severity: str) -> Change:
        if severity not in SEVERITIES:
            raise ValueError(f"unknown severity {severity!r}")
        return replace(self, severity=severity)


_SWAP = {"column_old": "column_new", "column_new": "column_old", "table_old": "table_new", "table_new": "table_old"}
_SWAP.update({"object_old": "object_new", "object_new": "object_old"})


def _object_word(value: Any) -> str:
    """A fingerprinted object's kind in words ("function", "event trigger"), for `{what}`."""
    from migrator.schema import DatabaseObject

    if not isinstance(value, DatabaseObject):
        return "object"
    from migrator.verify.normalize import object_kind_word

    return object_kind_word(value.kind)


def _show(value: Any) -> str:
    """A short text for a value in a message."""
    from migrator.schema import Default, Identity, SqlType

    if value is None:
        return "none"
    if isinstance(value, bool):
        return "nullable" if value else "NOT NULL"
    if isinstance(value, SqlType):
        return str(value)
    if isinstance(value, Default):
        return value.value
    if isinstance(value, Identity):
        return value.generation.replace("_", " ")
    if isinstance(value, tuple):
        return "(" + ", ".join(map(str, value)) + ")"
    digest = getattr(value, "digest", None)
    if digest is not None:  # a DatabaseObject: which version of the object, by its fingerprint
        return f"{_object_word(value)} #{digest[:8]}"
    name = getattr(value, "name", None)
    return str(name) if name is not None else str(value)


@dataclass(frozen=True)
class Diff:
    """The result of comparing FROM with TO.

    changes: in a deterministic order (by path, then kind).
    not_modeled: one line per kind of object a side cannot describe ("views: not modeled by prisma:…").
    notes: what the sources said while being read (static readings, skipped objects).
    out_of_scope: objects a partial side does not declare (CompareOptions.partial).
    """

    source_from: str
    source_to: str
    changes: tuple[Change, ...] = ()
    not_modeled: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # With a partial side (a Drizzle schema that re-declares some of the Prisma tables so
    # far), what that side does not declare at all is not drift: "public.payouts: not in TO".
    out_of_scope: tuple[str, ...] = ()

    def at_or_above(self, severity: str) -> tuple[Change, ...]:
        rank = SEVERITY_RANK[severity]
        return tuple(c for c in self.changes if not c.possible and SEVERITY_RANK[c.severity] >= rank)

    def reverse(self) -> Diff:
        return Diff(self.source_to, self.source_from, tuple(c.reverse() for c in self.changes), self.not_modeled,
                    self.notes, self.out_of_scope)

    @property
    def clean(self) -> bool:
        return not self.changes
