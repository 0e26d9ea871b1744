"""The application's names for a schema: models, their fields and their relations.

A database holds tables, columns and foreign keys; the code that uses it holds more: the
model a table is (`User` for `users`), the name each field has in code (`createdAt` for
`created_at`), and the relations the ORM navigates by name (`include: { posts: true }`,
`with: { posts: true }`, `relationship("Post", back_populates="author")`). None of it is a
database fact, so it is not in migrator.schema's Schema (never compared, never in a
snapshot); `migrator generate` writes it out and the Prisma → Drizzle codemod maps call
sites through it.

A source that knows these names gives them (the Prisma reader: model, field and relation
names as written); for any other source `derive()` makes them from the schema the way
drizzle-kit's `pull` would (model and field names from table and column names, relations
from foreign keys).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from migrator.schema import Schema, Table


@dataclass(frozen=True)
class Relation:
    """One relation field of a model.

    name: the field's name on this model (`posts`, `author`).
    target: the related model's name.
    many: the field is a list (`Post[]`): the other model holds the key, or a join table does.
    fields/references: this model's fields holding the key and the target's fields they
      reference, when this side holds it (`@relation(fields: [authorId], references: [id])`).
    relation_name: the name that pairs the two sides when a model relates to another more
      than once, or to itself (`@relation("Mentor")`).
    through: the join table of an implicit many-to-many relation (`_CategoryToPost`).
    """

    name: str
    target: str
    many: bool = False
    fields: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    relation_name: str | None = None
    optional: bool = False
    through: str | None = None


@dataclass(frozen=True)
class Model:
    """A table as the code names it: `fields` pairs each field name with its column, in order."""

    name: str
    namespace: str
    table: str
    fields: tuple[tuple[str, str], ...] = ()
    relations: tuple[Relation, ...] = ()
    file: str | None = None  # the file that declares it (Prisma's multi-file schemas)
    # Fields the application sets on every update (Prisma @updatedAt, Drizzle $onUpdate): a
    # database default such as now() may sit beside it, so it is not the column's default.
    updated_at: tuple[str, ...] = ()
    # The JS type each field's values have in the code (a Drizzle source: migrator.inspect.
    # _drizzle_reader.VALUE_TYPES — "number", "bigint", "string", "boolean", "Date", "Buffer",
    # "Uint8Array", "json", "driver" for a customType with no fromDriver); () when not known.
    values: tuple[tuple[str, str], ...] = ()

    def field_of(self, column: str) -> str:
        for name, col in self.fields:
            if col == column:
                return name
        return column


@dataclass(frozen=True)
class EnumName:
    """An enum type as the code names it: `export const bookingStatus = pgEnum("BookingStatus", …)`."""

    namespace: str
    name: str  # the type's name in the database
    variable: str
    file: str | None = None


@dataclass(frozen=True)
class AppModel:
    models: tuple[Model, ...] = ()
    derived: bool = False  # made by derive(), not read from the source's code
    url_env: str | None = None  # the environment variable the source's connection reads (Prisma's url = env("…"))
    enums: tuple[EnumName, ...] = ()  # what a Drizzle schema exports its enums as

    def by_table(self, namespace: str, table: str) -> Model | None:
        for m in self.models:
            if m.namespace == namespace and m.table == table:
                return m
        return None

    def by_name(self, name: str) -> Model | None:
        for m in self.models:
            if m.name == name:
                return m
        return None


_WORD = re.compile(r"[A-Za-z0-9]+")


def camel(name: str) -> str:
    """`created_at` -> `createdAt`, `User` -> `user`, `tutor_profiles` -> `tutorProfiles`."""
    words = _WORD.findall(name)
    if not words:
        return "_"
    head = words[0][0].lower() + words[0][1:]
    out = head + "".join(w[0].upper() + w[1:] for w in words[1:])
    return out if not out[0].isdigit() else "_" + out


def pascal(name: str) -> str:
    value = camel(name)
    return value[0].upper() + value[1:]


def derive(schema: Schema) -> AppModel:
    """Names for a schema read from a database or SQL: one model per table named after it
    (camelCase), fields named as their columns (a generator's casing option renames them), and for each foreign key a relation on both
    sides: `one` on the table holding it (named after the referenced table, or after its
    column without `_id`/`Id` when the table refers to that table more than once) and `many`
    on the referenced table (named after the referencing table)."""
    tables: list[tuple[str, Table]] = [(ns.name, t) for ns in schema.namespaces for t in ns.tables]
    names = {(ns, t.name): camel(t.name) for ns, t in tables}
    relations: dict[tuple[str, str], list[Relation]] = {key: [] for key in names}
    for ns, t in tables:
        targets = [fk.ref_table for fk in t.foreign_keys]
        for fk in t.foreign_keys:
            ref_ns = fk.ref_schema or ns
            if (ref_ns, fk.ref_table) not in names:
                continue
            target = names[(ref_ns, fk.ref_table)]
            repeated = targets.count(fk.ref_table) > 1 or (ref_ns, fk.ref_table) == (ns, t.name)
            one_name = camel(re.sub(r"(_id|Id|_ID)$", "", fk.columns[0])) if repeated and len(fk.columns) == 1 else target
            relation_name = f"{names[(ns, t.name)]}_{'_'.join(fk.columns)}" if repeated else None
            nullable = any(c.nullable for c in t.columns if c.name in fk.columns)
            relations[(ns, t.name)].append(Relation(one_name, target, False, fk.columns, fk.ref_columns,
                                                    relation_name, nullable))
            many_name = names[(ns, t.name)] + ("" if not repeated else "By" + pascal(one_name))
            relations[(ref_ns, fk.ref_table)].append(Relation(many_name, names[(ns, t.name)], True, relation_name=relation_name))
    models = []
    for ns, t in tables:
        used: set[str] = set()
        rels = []
        for r in relations[(ns, t.name)]:
            name = r.name
            while name in used or any(c.name == name for c in t.columns):
                name += "Relation"
            used.add(name)
            rels.append(r if name == r.name else Relation(name, r.target, r.many, r.fields, r.references,
                                                          r.relation_name, r.optional, r.through))
        models.append(Model(names[(ns, t.name)], ns, t.name, tuple((c.name, c.name) for c in t.columns), tuple(rels)))
    return AppModel(tuple(models), derived=True)


def differences(expected: AppModel, found: AppModel) -> list[str]:
    """What `found` names differently from `expected`, table by table: the model's name, each
    column's field, each relation (kind, target, key fields, relationName) and the updated-at
    fields. Files and optionality are not compared (a reader may not know them)."""
    out: list[str] = []
    theirs = {(m.namespace, m.table): m for m in found.models}
    by_name_found = {m.name: (m.namespace, m.table) for m in found.models}
    by_name_expected = {m.name: (m.namespace, m.table) for m in expected.models}
    for m in expected.models:
        where = f"{m.namespace}.{m.table}"
        other = theirs.get((m.namespace, m.table))
        if other is None:
            out.append(f"{where}: model {m.name} not found")
            continue
        if other.name != m.name:
            out.append(f"{where}: model {m.name} is named {other.name}")
        if dict((c, f) for f, c in other.fields) != dict((c, f) for f, c in m.fields):
            wrong = [f"{c} ({f} vs {dict((cc, ff) for ff, cc in other.fields).get(c)})" for f, c in m.fields
                     if dict((cc, ff) for ff, cc in other.fields).get(c) != f]
            out.append(f"{where}: fields differ: {', '.join(wrong) or 'extra fields'}")
        mine = {r.name: r for r in m.relations}
        found_rels = {r.name: r for r in other.relations}
        for name in sorted(set(mine) | set(found_rels)):
            a, b = mine.get(name), found_rels.get(name)
            if a is None or b is None:
                out.append(f"{where}: relation {name} {'missing' if b is None else 'not expected'}")
                continue
            if (a.many, by_name_expected.get(a.target), a.fields, a.references, a.relation_name) != (
                    b.many, by_name_found.get(b.target), b.fields, b.references, b.relation_name):
                out.append(f"{where}: relation {name} differs: {a} vs {b}")
        if tuple(sorted(m.updated_at)) != tuple(sorted(other.updated_at)):
            out.append(f"{where}: updated-at fields {sorted(m.updated_at)} vs {sorted(other.updated_at)}")
    return out
