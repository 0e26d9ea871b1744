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


@dataclass(frozen=True)
class NameMap:
    models: dict[str, ModelMap]  # by accessor
    dialect: str = ""  # the Drizzle schema's ("postgresql", "sqlite", "mysql"); "" when not known

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
        relations = {r.name: RelationMap(r.name, _drizzle_relation(prisma, drizzle, pm, dm, r), r.target, r.many)
                     for r in pm.relations}
        both = (_table_uniques(prisma_schema, pm.namespace, pm.table) or set()) & (
            _table_uniques(drizzle_schema, dm.namespace, dm.table) or set())
        by_column = {column: name for name, column in pm.fields}
        uniques = tuple(sorted(tuple(by_column[c] for c in sorted(cols, key=lambda c: [n for n, col in pm.fields].index(
            by_column[c]))) for cols in both if all(c in by_column for c in cols)))
        out[accessor_of(pm.name)] = ModelMap(pm.name, accessor_of(pm.name), dm.name, dm.file, fields, relations,
                                             table=pm.table, uniques=uniques)
    return NameMap(out, getattr(drizzle_schema, "dialect", "") or "")


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
