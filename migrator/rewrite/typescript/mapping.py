"""Prisma names → Drizzle names, matched by physical table (and column) name.

The Prisma schema gives the model accessor (`prisma.user` is model `User`), its fields and
relation fields; the project's Drizzle schema, read with `load_app_model("drizzle:…")`, gives
the export each table has (`db.query.users`), each column's property key and each relation's
name in `relations(…)`. A model, field or relation the Drizzle schema does not declare has no
entry: a call that needs it is reported, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from migrator.appmodel import AppModel, Model


@dataclass(frozen=True)
class RelationMap:
    prisma: str  # the Prisma relation field (`author`)
    drizzle: Optional[str]  # its name in the Drizzle relations (`writer`); None: no such relation there
    target: str  # the Prisma model it points at
    many: bool
    # On the side that holds the foreign key: its Prisma fields and the target's fields they reference
    # (`author @relation(fields: [authorId], references: [id])`); () on the back side.
    fields: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    relation_name: Optional[str] = None  # `@relation("Reports")`: pairs the two sides of a relation
    # The key pairs that join this model's rows to the target's, on either side: this model's
    # fields (`link_fields`) equal the target's (`link_references`) — the back side of `author`
    # (`User.posts`) links User.id to Post.authorId. () when not known (an implicit many-to-many:
    # see `through`).
    link_fields: tuple[str, ...] = ()
    link_references: tuple[str, ...] = ()
    through: Optional[str] = None  # an implicit many-to-many's join table (`_PostToTag`)


@dataclass(frozen=True)
class JoinMap:
    """An implicit many-to-many relation's join table (`_PostToTag`: column A holds the id of the
    model whose name sorts first, B the other's) as the Drizzle schema declares it."""

    table: str  # the physical table
    export: str  # its Drizzle export (`postToTag`)
    module: Optional[str]  # the file that declares it
    columns: dict[str, str] = field(default_factory=dict)  # column (A, B) -> Drizzle property key


@dataclass(frozen=True)
class ModelMap:
    prisma: str  # Prisma model name (`User`)
    accessor: str  # the client's accessor (`user`)
    export: Optional[str]  # the Drizzle table export (`users`); None when the Drizzle schema has no such table
    module: Optional[str]  # the file that declares it
    fields: dict[str, Optional[str]] = field(default_factory=dict)  # Prisma field -> Drizzle property key (None: missing)
    relations: dict[str, RelationMap] = field(default_factory=dict)
    table: str = ""  # the physical table (`users`)
    # The unique keys both schemas declare (@id/@unique/@@unique/@@id in Prisma, primaryKey/unique in
    # Drizzle, matched by column set), as Prisma field names: what an upsert may target.
    uniques: tuple[tuple[str, ...], ...] = ()
    primary: tuple[str, ...] = ()  # the primary key's Prisma fields (both schemas declare it); () when not known
    json: frozenset[str] = frozenset()  # the Prisma fields of type Json (their values serialize differently)
    # Prisma field -> its column's canonical type (migrator.schema.SqlType.name: integer, bigint, decimal,
    # double, timestamp, …); what aggregates return depends on it. A field missing here: not known.
    types: dict[str, str] = field(default_factory=dict)
    # The Prisma fields whose column is nullable (the Prisma schema); None when not known (every field
    # is then taken as nullable). The v2 writer (query_v2) needs it: a null value means IS NULL there.
    nullable: Optional[frozenset[str]] = None
    # Prisma field -> the JS type its Drizzle column's values have (migrator.appmodel Model.values: "bigint",
    # "Date", "string", …); a field missing here: not known. PD023 compares it with Prisma's.
    values: dict[str, str] = field(default_factory=dict)
    # The Prisma fields whose default is @default(now()) (the Prisma schema: a CURRENT_TIMESTAMP default), in
    # field order: Prisma sets them in the client (write.values sets them on SQLite inserts).
    now_defaults: tuple[str, ...] = ()
    # The Prisma fields with @updatedAt: Prisma gives them, and the @default(now()) ones, of a created row
    # one instant (write.values sets them from prisma-compat's instant()).
    updated_at: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameMap:
    models: dict[str, ModelMap]  # by accessor
    dialect: str = ""  # the Drizzle schema's ("postgresql", "sqlite", "mysql"); "" when not known
    joins: dict[str, JoinMap] = field(default_factory=dict)  # implicit many-to-many join tables the Drizzle schema has, by table

    def model(self, accessor: str) -> Optional[ModelMap]:
        return self.models.get(accessor)

    def by_prisma(self, name: str) -> Optional[ModelMap]:
        for m in self.models.values():
            if m.prisma == name:
                return m
        return None


def accessor_of(model_name: str) -> str:
    """Prisma Client's accessor for a model: the name with its first letter lowered (`TutorProfile` → `tutorProfile`)."""
    return model_name[:1].lower() + model_name[1:]


def _table_uniques(schema, namespace: str, table: str) -> Optional[set[frozenset[str]]]:
    """The column sets of a table's primary key, unique constraints and plain unique indexes; None
    when the schema is not known."""
    if schema is None:
        return None
    for ns in schema.namespaces:
        if ns.name != namespace and len(schema.namespaces) > 1:
            continue
        for t in ns.tables:
            if t.name != table:
                continue
            out: set[frozenset[str]] = set()
            if t.primary_key is not None:
                out.add(frozenset(t.primary_key.columns))
            for u in t.uniques:
                out.add(frozenset(u.columns))
            for ix in t.indexes:
                if ix.unique and ix.where is None and all(e.column and e.expression is None for e in ix.elements):
                    out.add(frozenset(e.column for e in ix.elements))
            return out
    return set()


def _table(schema, namespace: str, table: str):
    if schema is None:
        return None
    for ns in schema.namespaces:
        if ns.name != namespace and len(schema.namespaces) > 1:
            continue
        for t in ns.tables:
            if t.name == table:
                return t
    return None


def _primary_key(schema, namespace: str, table: str) -> Optional[tuple[str, ...]]:
    """The primary key's columns, in order; None when not known."""
    t = _table(schema, namespace, table)
    return tuple(t.primary_key.columns) if t is not None and t.primary_key is not None else None


def _json_columns(schema, namespace: str, table: str) -> tuple[str, ...]:
    t = _table(schema, namespace, table)
    return tuple(c.name for c in t.columns if c.type.name in ("json", "jsonb")) if t is not None else ()


def _column_types(schema, namespace: str, table: str, by_column: dict[str, str]) -> dict[str, str]:
    t = _table(schema, namespace, table)
    return {by_column[c.name]: c.type.name + ("[]" if c.type.array else "") for c in t.columns
            if c.name in by_column} if t is not None else {}


def _now_defaults(schema, pm: Model) -> tuple[str, ...]:
    t = _table(schema, pm.namespace, pm.table)
    if t is None:
        return ()
    now = {c.name for c in t.columns if c.default is not None and c.default.kind == "current_timestamp"}
    return tuple(name for name, column in pm.fields if column in now)


def build(prisma: AppModel, drizzle: AppModel, prisma_schema=None, drizzle_schema=None) -> NameMap:
    """Pair every Prisma model with the Drizzle export of the same table (namespace and name)."""
    out: dict[str, ModelMap] = {}
    for pm in prisma.models:
        dm = drizzle.by_table(pm.namespace, pm.table)
        if dm is None:
            out[accessor_of(pm.name)] = ModelMap(pm.name, accessor_of(pm.name), None, None, table=pm.table)
            continue
        columns = {column: key for key, column in dm.fields}
        fields = {name: columns.get(column) for name, column in pm.fields}
        relations = {r.name: RelationMap(r.name, _drizzle_relation(prisma, drizzle, pm, dm, r), r.target, r.many,
                                         tuple(r.fields), tuple(r.references), r.relation_name,
                                         *_link(prisma, pm, r), r.through)
                     for r in pm.relations}
        both = (_table_uniques(prisma_schema, pm.namespace, pm.table) or set()) & (
            _table_uniques(drizzle_schema, dm.namespace, dm.table) or set())
        by_column = {column: name for name, column in pm.fields}
        uniques = tuple(sorted(tuple(by_column[c] for c in sorted(cols, key=lambda c: [n for n, col in pm.fields].index(
            by_column[c]))) for cols in both if all(c in by_column for c in cols)))
        primary = _primary_key(prisma_schema, pm.namespace, pm.table)
        if primary is None or set(primary) != set(_primary_key(drizzle_schema, dm.namespace, dm.table) or ()) or not all(
                c in by_column for c in primary):
            primary = ()
        json = frozenset(by_column[c] for c in _json_columns(prisma_schema, pm.namespace, pm.table) if c in by_column)
        out[accessor_of(pm.name)] = ModelMap(pm.name, accessor_of(pm.name), dm.name, dm.file, fields, relations,
                                             table=pm.table, uniques=uniques,
                                             primary=tuple(by_column[c] for c in (primary or ())), json=json,
                                             types=_column_types(prisma_schema, pm.namespace, pm.table, by_column),
                                             nullable=_nullable_fields(prisma_schema, pm),
                                             values={name: dict(dm.values)[key] for name, key in fields.items()
                                                     if key is not None and key in dict(dm.values)},
                                             now_defaults=_now_defaults(prisma_schema, pm),
                                             updated_at=tuple(pm.updated_at))
    joins: dict[str, JoinMap] = {}
    for pm in prisma.models:
        for r in pm.relations:
            dm = drizzle.by_table(pm.namespace, r.through) if r.through else None
            if dm is not None and r.through not in joins:
                joins[r.through] = JoinMap(r.through, dm.name, dm.file, {column: key for key, column in dm.fields})
    return NameMap(out, getattr(drizzle_schema, "dialect", "") or "", joins)


def _link(prisma: AppModel, pm: Model, relation) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(this model's fields, the target's fields they equal) for `relation`: its own `fields`/`references`
    on the side that holds the key, the other side's reversed on the back side; ((), ()) when not
    known (an implicit many-to-many, a back side whose partner is not found or not single)."""
    if relation.fields:
        return tuple(relation.fields), tuple(relation.references)
    target = prisma.by_name(relation.target)
    if target is None or relation.through:
        return (), ()
    partners = [r for r in target.relations if r.target == pm.name and r.fields
                and r.relation_name == relation.relation_name and r is not relation]
    if len(partners) != 1:
        return (), ()
    return tuple(partners[0].references), tuple(partners[0].fields)


def _nullable_fields(schema, pm: Model) -> Optional[frozenset[str]]:
    """The fields of `pm` whose column is nullable in the Prisma schema; None when it is not known."""
    t = _table(schema, pm.namespace, pm.table)
    if t is None:
        return None
    columns = {c.name: c.nullable for c in t.columns}
    return frozenset(name for name, column in pm.fields if columns.get(column, True))


def _drizzle_relation(prisma: AppModel, drizzle: AppModel, pm: Model, dm: Model, relation) -> Optional[str]:
    """The Drizzle relation of `dm` that is Prisma's `relation`: the one to the same table with the
    same cardinality; several such (a table related twice): the one with the same name, or the
    one over the same key fields."""
    target = prisma.by_name(relation.target)
    if target is None:
        return None
    candidates = []
    for r in dm.relations:
        dt = drizzle.by_name(r.target)
        if dt is not None and (dt.namespace, dt.table) == (target.namespace, target.table) and r.many == relation.many:
            candidates.append(r)
    if len(candidates) == 1:
        return candidates[0].name
    for r in candidates:
        if r.name == relation.name:
            return r.name
    if relation.fields:
        columns = {name: column for name, column in pm.fields}
        wanted = tuple(columns.get(f) for f in relation.fields)
        keys = {key: column for key, column in dm.fields}
        same = [r for r in candidates if tuple(keys.get(f) for f in r.fields) == wanted]
        if len(same) == 1:
            return same[0].name
    return None


def load(drizzle_spec: str, prisma_path: Optional[str], project_root: Path) -> NameMap:
    """Read both schemas: the Drizzle one named by `drizzle_spec` (`drizzle:PATH`), the Prisma one
    at `prisma_path` or where Prisma looks for it under `project_root`."""
    from migrator.errors import BadInput
    from migrator.inspect import load_app_model
    from migrator.inspect.prisma import schema_files

    if not drizzle_spec.startswith("drizzle:"):
        raise BadInput(f"--drizzle-schema: expected drizzle:PATH, got {drizzle_spec!r}")
    files = schema_files(prisma_path or str(project_root))
    target = files[0] if len(files) == 1 else files[0].parent
    prisma_schema, prisma = load_app_model(f"prisma:{target}")
    drizzle_schema, drizzle = load_app_model(drizzle_spec)
    return build(prisma, drizzle, prisma_schema, drizzle_schema)
