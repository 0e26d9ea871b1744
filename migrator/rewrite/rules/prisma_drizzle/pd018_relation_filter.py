"""Relation filters in a `where` (reads and writes alike): correlated `exists(…)` subqueries.

Drizzle's relational `where` (and the query builder's) has no relation filter; Prisma's become
subqueries on an aliased copy of the related table, built with the query builder on the call's
own Drizzle client, correlated with the outer row through the relation's key fields:

    posts: { some: { published: true } }
    → exists(db.select().from(alias(posts, "posts_1")).where((p) => and(eq(p.authorId, t.id), eq(p.published, true))))

The alias (drizzle-orm's `alias()`, from the Drizzle schema's core module) keeps a self-relation or
a table of the same name from capturing the outer row's columns; the subquery's `.where(cb)` gets
the aliased columns. Inside a relational query, `t` is drizzle's root (or nested) alias; since the
subquery is a query builder (not raw SQL), drizzle leaves its columns alone when it re-aliases the
callback's SQL (mapColumnsInSQLToAlias does not descend into it).

What Prisma 7 emits, read from its query log on PostgreSQL and SQLite, and matched here:
- some C: EXISTS(related WHERE link AND C); none C: NOT EXISTS(same);
  every C: NOT EXISTS(related WHERE link AND NOT C) — a related row whose C is NULL (a NULL
  column compared) is not a row "not matching": NOT NULL is NULL, so it does not count.
- is C (to-one, either side): a LEFT JOIN on the link, C AND related id IS NOT NULL: at most one
  related row, so exists(related WHERE link AND C).
- isNot C: (NOT C) OR related id IS NULL: no related row, or one where NOT C is true (a related
  row whose C is NULL is excluded): or(notExists(link), exists(link AND NOT C)).
- is: null / a bare `author: null`: on the side holding the key, every key field IS NULL (Prisma
  reads the key, not the related row); on the back side, no related row. isNot: null: the
  negation (NOT (a IS NULL AND b IS NULL)); on the back side, a related row exists.
- `{ author: { name: "x" } }` (a to-one filter without is/isNot) is `is`.
- An implicit many-to-many goes through its join table (`_PostToTag`: A holds the id of the model
  whose name sorts first): EXISTS(join WHERE join.near = t.id AND EXISTS(target WHERE target.id =
  join.far AND C)), as Prisma's join-table-INNER-JOIN-target subquery.
"""

from __future__ import annotations

import json

from migrator.rewrite.typescript.convert import Context, Entry, PrismaRule, entries, field_key, is_undefined, short
from migrator.rewrite.typescript.mapping import ModelMap, RelationMap

# Where `alias` comes from, by the Drizzle schema's dialect (MySQL is not converted: an UPDATE/DELETE
# there cannot read its own table in a subquery, as a self-relation's filter would).
_CORE = {"postgresql": "drizzle-orm/pg-core", "sqlite": "drizzle-orm/sqlite-core"}
_TO_MANY = ("some", "every", "none")
_TO_ONE = ("is", "isNot")
# drizzle-orm's operator names (the callback's or the file's imports): a subquery's parameter never takes one.
_OPERATORS = frozenset(("and", "or", "not", "eq", "ne", "gt", "gte", "lt", "lte", "like", "ilike", "notLike", "notIlike",
                        "inArray", "notInArray", "isNull", "isNotNull", "exists", "notExists", "between",
                        "notBetween", "sql", "alias"))


class RelationFilter(PrismaRule):
    """Relation filters in `where` → correlated `exists(…)`/`notExists(…)` subqueries on an aliased table: to-many `some`/`none`/`every`, to-one `is`/`isNot` (`null` included, and the shorthand `{ author: { … } }`), implicit many-to-many through the join table.

    Refused: a relation filter held in a variable or `undefined`, an empty one (`author: {}`,
    `posts: {}`), `some`/`is` mixed with fields, a relation whose key fields are not known (no
    partner relation), an implicit many-to-many whose join table the Drizzle schema lacks (or a
    self many-to-many), models without a table or fields without a column in the Drizzle schema, and
    a Drizzle schema that is neither PostgreSQL nor SQLite (`alias` comes from its core module).
    """

    code = "PD018"

    @classmethod
    def convert(cls, ctx: Context, model: ModelMap, e: Entry, p: str, ops: set[str], where: str) -> list[str]:
        """The conditions for `where.<relation>: …` on the row `p` (a callback parameter or a table)."""
        rel = model.relations[e.key]
        label = f"{where}.{e.key}"
        if e.shorthand:
            raise cls.refuse(f"`{label}` is held in a variable: which relation filter it is is known only at run time")
        if e.kind == "null":
            if rel.many:
                raise cls.refuse(f"`{label}: null`: a list relation is filtered with some, every or none")
            return [cls._to_one(ctx, model, rel, p, ops, "is", None, label)]
        if e.kind != "object":
            raise cls.refuse(f"`{label}` is `{short(e.text)}`, not an object literal: what it filters is known only at "
                             f"run time")
        items = entries(e.value, label, cls.code)
        if not items:
            raise cls.refuse(f"`{label}: {{}}` is an empty relation filter (Prisma reads it as no condition); remove it "
                             f"or say what is meant")
        keys = {x.key for x in items}
        if rel.many:
            out: list[str] = []
            for x in items:
                if x.key not in _TO_MANY:
                    raise cls.refuse(f"`{label}.{x.key}`: the list relation {model.prisma}.{e.key} is filtered with "
                                     f"some, every or none")
                out.extend(cls._to_many(ctx, model, rel, p, ops, x, f"{label}.{x.key}"))
            return out
        if keys <= set(_TO_ONE):
            out = []
            for x in items:
                sub = f"{label}.{x.key}"
                node = cls._value(x, sub, allow_null=True)
                out.append(cls._to_one(ctx, model, rel, p, ops, x.key, node, sub))
            return out
        if keys & set(_TO_ONE):
            raise cls.refuse(f"`{label}` mixes `is`/`isNot` with fields of {rel.target}")
        return [cls._to_one(ctx, model, rel, p, ops, "is", e.value, label)]  # Prisma's shorthand for `is`

    @classmethod
    def _value(cls, x: Entry, label: str, allow_null: bool = False):
        """The object node of `some: { … }` / `is: { … }`; None for `is: null`."""
        if x.shorthand:
            raise cls.refuse(f"`{label}` is held in a variable: what it holds is known only at run time")
        if is_undefined(x.value):
            raise cls.refuse(f"`{label}: undefined`: Prisma drops a filter whose value is undefined; remove it or say "
                             f"what is meant")
        if x.kind == "null" and allow_null:
            return None
        if x.kind != "object":
            raise cls.refuse(f"`{label}` is `{short(x.text)}`, not an object literal: what it filters is known only at "
                             f"run time")
        return x.value

    @classmethod
    def _to_many(cls, ctx, model, rel: RelationMap, p, ops, x: Entry, label: str) -> list[str]:
        node = cls._value(x, label)
        if x.key == "every":
            # NOT EXISTS(a related row WHERE NOT C); `every: {}` (NOT 1=1) holds for every row.
            counter = cls._subquery(ctx, model, rel, p, ops, node, label, negate=True)
            if counter is None:
                return []
            ops.add("notExists")
            return [f"notExists({counter})"]
        op = "exists" if x.key == "some" else "notExists"
        ops.add(op)
        return [f"{op}({cls._subquery(ctx, model, rel, p, ops, node, label)})"]

    @classmethod
    def _to_one(cls, ctx, model, rel: RelationMap, p, ops, kind: str, node, label: str) -> str:
        if node is None:
            if rel.fields:
                # The side holding the key: Prisma tests the key fields themselves.
                cols = [f"{p}.{field_key(model, f, cls.code)}" for f in rel.fields]
                if kind == "isNot" and len(cols) == 1:
                    ops.add("isNotNull")
                    return f"isNotNull({cols[0]})"
                ops.add("isNull")
                both = cls._and([f"isNull({c})" for c in cols], ops)
                if kind == "is":
                    return both
                ops.add("not")
                return f"not({both})"  # Prisma's NOT (a IS NULL AND b IS NULL)
            op = "notExists" if kind == "is" else "exists"
            ops.add(op)
            return f"{op}({cls._subquery(ctx, model, rel, p, ops, None, label)})"
        if kind == "is":
            ops.add("exists")
            return f"exists({cls._subquery(ctx, model, rel, p, ops, node, label)})"
        # isNot: no related row, or one where NOT C holds.
        ops.add("notExists")
        absent = f"notExists({cls._subquery(ctx, model, rel, p, ops, None, label)})"
        other = cls._subquery(ctx, model, rel, p, ops, node, label, negate=True)
        if other is None:  # `isNot: {}`: no related row
            return absent
        ops.update(("or", "exists"))
        return f"or({absent}, exists({other}))"

    @staticmethod
    def _and(parts: list[str], ops: set[str]) -> str:
        if len(parts) == 1:
            return parts[0]
        ops.add("and")
        return f"and({', '.join(parts)})"

    @classmethod
    def _subquery(cls, ctx: Context, model: ModelMap, rel: RelationMap, p: str, ops: set[str], node, label: str,
                  negate: bool = False):
        """`db.select().from(alias(T, "T_1")).where((q) => and(<link>, <C>))` for the related rows of `p`; with
        `negate`, the rows where NOT C — None when C is no condition at all (`{}`)."""
        target = cls._model(ctx, rel.target)
        if rel.through:
            return cls._through(ctx, model, rel, target, p, ops, node, label, negate)
        if not rel.link_fields:
            raise cls.refuse(f"the key fields of the relation {model.prisma}.{rel.prisma} are not known (no partner "
                             f"relation with `fields:` in {rel.target})")
        q, name = cls._names(ctx, target.export or "")
        parts = [f"eq({q}.{field_key(target, r, cls.code)}, {p}.{field_key(model, f, cls.code)})"
                 for f, r in zip(rel.link_fields, rel.link_references)]
        condition = cls._condition(ctx, target, q, ops, node, label, negate)
        if negate and not condition:
            return None
        ops.add("eq")
        return cls._select(ctx, target.export or "", name, q, cls._and(parts + condition, ops))

    @classmethod
    def _through(cls, ctx, model: ModelMap, rel: RelationMap, target: ModelMap, p, ops, node, label, negate):
        """An implicit many-to-many: the join table's rows of `p`, each with its target row."""
        join = ctx.names.joins.get(rel.through or "")
        if join is None:
            raise cls.refuse(f"the join table `{rel.through}` of the implicit many-to-many relation "
                             f"{model.prisma}.{rel.prisma} is not in the Drizzle schema")
        if rel.target == model.prisma:
            raise cls.refuse(f"{model.prisma}.{rel.prisma} is a self many-to-many relation: which of the join "
                             f"table's columns A/B is which side is not converted")
        if len(model.primary) != 1 or len(target.primary) != 1:
            raise cls.refuse(f"the implicit many-to-many {model.prisma}.{rel.prisma} needs a single-field id on both "
                             f"models (declared in both schemas)")
        near, far = ("A", "B") if sorted([model.prisma, rel.target])[0] == model.prisma else ("B", "A")
        if near not in join.columns or far not in join.columns:
            raise cls.refuse(f"the join table `{rel.through}` has no columns A and B in the Drizzle schema")
        j, join_name = cls._names(ctx, join.export)
        q, name = cls._names(ctx, target.export or "")
        inner = [f"eq({q}.{field_key(target, target.primary[0], cls.code)}, {j}.{join.columns[far]})"]
        condition = cls._condition(ctx, target, q, ops, node, label, negate)
        if negate and not condition:
            return None
        ops.update(("eq", "exists"))
        inner += condition
        related = cls._select(ctx, target.export or "", name, q, cls._and(inner, ops))
        outer = [f"eq({j}.{join.columns[near]}, {p}.{field_key(model, model.primary[0], cls.code)})",
                 f"exists({related})"]
        return cls._select(ctx, join.export, join_name, j, cls._and(outer, ops))

    @classmethod
    def _condition(cls, ctx, target: ModelMap, q: str, ops: set[str], node, label: str, negate: bool) -> list[str]:
        """The related rows' condition C (or NOT C) on `q`; [] for none."""
        if node is None:
            return []
        from migrator.rewrite.rules.prisma_drizzle import pd004_where

        condition = pd004_where.Where._object(ctx, target, node, q, ops, label)
        if condition is None:
            return []
        if negate:
            if any(guard in condition for guard in getattr(pd004_where, "_GUARDS", ())):
                raise cls.refuse(f"`{label}` holds a value that may be undefined at run time: Prisma drops that "
                                 f"condition, but the negated condition every/isNot needs (not(…)) cannot drop it; "
                                 f"write the condition by hand")
            ops.add("not")
            return [f"not({condition})"]
        return [condition]

    @classmethod
    def _select(cls, ctx: Context, export: str, name: str, q: str, where: str) -> str:
        core = _CORE.get(ctx.names.dialect)
        if core is None:
            raise cls.refuse(f"the Drizzle schema's dialect is {ctx.names.dialect or 'not known'}: a relation "
                             f"filter's subquery is written for PostgreSQL and SQLite (`alias` from drizzle-orm/pg-core "
                             f"or sqlite-core)")
        ctx.needs.modules.setdefault(core, set()).add("alias")
        table = ctx.table(export)  # the file's name for the table (`team as teamTable` when `team` is taken)
        return f"{ctx.client}.select().from(alias({table}, {json.dumps(name)})).where(({q}) => {where})"

    @classmethod
    def _model(cls, ctx: Context, name: str) -> ModelMap:
        target = ctx.names.by_prisma(name)
        if target is None or target.export is None:
            raise cls.refuse(f"model {name} has no table in the Drizzle schema")
        return target

    @staticmethod
    def _names(ctx: Context, export: str) -> tuple[str, str]:
        """A parameter name for the subquery's callback and an SQL alias for its table, both new to the call
        (the alias also differs from every table's name and export, so that no outer name is captured)."""
        known = {m.export for m in ctx.names.models.values() if m.export} | {m.table for m in ctx.names.models.values()}
        known |= {j.export for j in ctx.names.joins.values()} | set(ctx.names.joins)
        known |= set(ctx.tables.values())
        taken = set(ctx.identifiers) | ctx.introduced | known | _OPERATORS | {ctx.client, ctx.param_name()}
        letter = export[:1].lower() if export[:1].isalpha() else "r"
        param = next(c for c in [letter, *(f"{letter}{i}" for i in range(1, 1000))] if c not in taken)
        name = next(c for c in (f"{export}_{i}" for i in range(1, 1000)) if c not in taken)
        ctx.introduced.update((param, name))
        return param, name
