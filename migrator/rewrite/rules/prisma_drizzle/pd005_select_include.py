from __future__ import annotations

from migrator.rewrite.typescript.convert import Context, PrismaRule, entries, field_key
from migrator.rewrite.typescript.mapping import ModelMap


class SelectInclude(PrismaRule):
    """`select` → `columns` (its relation keys → `with`), `include` → `with`, nested `select`/`include`/`where`/`orderBy`/`take`/`skip` of a relation recursively.

    A `select` naming only relations → `columns: {}` (no column) beside the `with`.
    Refused: `select` and `include` together, a value other than `true`/`false`/an object literal
    (a flag held in a variable), `_count` inside a relation's select/include of a write (the query's
    own, or a read's relation's, `_count: true` / `_count: { select: { rel: true | { where } } }` → a
    correlated count in `extras`,
    nested back as Prisma's `_count: { rel: n }`), a `select` that selects nothing, `where`/`orderBy`/`take`/`skip`
    on a to-one relation (Drizzle has none there), and fields or relations the Drizzle schema lacks.
    """

    code = "PD005"

    @classmethod
    def shape(cls, ctx: Context, model: ModelMap, select, include, top: bool = False) -> list[tuple[str, str]]:
        """[("columns", "{ … }"), ("with", "{ … }"), ("extras", …)] for Prisma's select or include node; `top`:
        the query's own select/include (not a relation's), where `_count` converts."""
        if select is not None and include is not None:
            raise cls.refuse("`select` and `include` together: Prisma refuses the call")
        columns: list[str] = []
        withs: list[str] = []
        extras: list[str] = []
        node = select if select is not None else include
        label = "select" if select is not None else "include"
        for e in entries(node, label, cls.code):
            if e.key == "_count":
                if not top and ctx.operation not in _READS:
                    raise cls.refuse(f"`{label}._count` inside a relation's {label} of a write: relation counts "
                                     f"convert there only in the write's own select/include (an `extras` subquery "
                                     f"by hand)")
                extras.extend(cls.counts(ctx, model, e, label))
                continue
            if e.shorthand or e.kind not in ("true", "false", "object"):
                raise cls.refuse(f"`{label}.{e.key}` is `{e.text}`, not true, false or an object literal: "
                                 f"whether it is loaded is known only at run time")
            if e.key in model.relations:
                if e.kind == "false":
                    continue
                rel = model.relations[e.key]
                if rel.drizzle is None:
                    raise cls.refuse(f"relation {model.prisma}.{e.key} has no relation in the Drizzle schema's "
                                     f"`relations(…)` of `{model.export}`")
                if e.kind == "true":
                    withs.append(f"{rel.drizzle}: true")
                else:
                    from migrator.rewrite.typescript.query import config

                    target = ctx.names.by_prisma(rel.target)
                    if target is None or target.export is None:
                        raise cls.refuse(f"model {rel.target} has no table in the Drizzle schema")
                    ctx.path.append((rel.drizzle, rel.many))  # where a nested `_count` sits in the result
                    try:
                        inner = config(ctx, target, e.value, f"{label}.{e.key}", relation_many=rel.many)
                    finally:
                        ctx.path.pop()
                    withs.append(f"{rel.drizzle}: {inner or 'true'}")
            elif e.key in model.fields:
                if label == "include":
                    raise cls.refuse(f"`include.{e.key}`: {e.key} is a field, not a relation")
                if e.kind == "object":
                    raise cls.refuse(f"`select.{e.key}` is an object, but {e.key} is a field")
                if e.kind == "true":
                    columns.append(f"{field_key(model, e.key, cls.code)}: true")
            else:
                raise cls.refuse(f"`{label}.{e.key}` is neither a field nor a relation of {model.prisma}")
        out: list[tuple[str, str]] = []
        if label == "select":
            if not columns and not withs and not extras:
                raise cls.refuse("`select` selects nothing (no field or relation is true): Prisma refuses the call")
            # Only relations: `columns: {}` selects no column (drizzle-orm reads an empty `columns` as
            # "none", and an absent one as "all"), so the row holds exactly the relations, as Prisma's.
            out.append(("columns", "{ " + ", ".join(columns) + " }" if columns else "{}"))
        if withs:
            out.append(("with", "{ " + ", ".join(withs) + " }"))
        if extras:
            out.append(("extras", f"({ctx.param_name()}) => ({{ " + ", ".join(extras) + " })"))
        return out

    @classmethod
    def counts(cls, ctx: Context, model: ModelMap, e, label: str) -> list[str]:
        """`_count: true` / `_count: { select: { views: true | { where } } }` → the `extras` entries
        `_count_views: relationCount(views, "_count_views", (c) => eq(c.documentId, t.id)).as("_count_views")` (a
        correlated count subquery, prisma-compat; a `where` is PD004's condition on `c`, and-ed), the
        relations noted in `ctx.counts`: the engine nests the `_count_<relation>` values into Prisma's
        `_count: { views: n }` with withCount."""
        where = f"{label}._count"
        if e.shorthand or e.kind not in ("true", "false", "object"):
            raise cls.refuse(f"`{where}` is `{e.text}`, not true or an object literal: what is counted is known only "
                             f"at run time")
        if e.kind == "false":
            return []
        if e.kind == "true":
            wanted = [(name, None) for name, rel in model.relations.items() if rel.many]
        else:
            inner = entries(e.value, where, cls.code)
            if len(inner) != 1 or inner[0].key != "select" or inner[0].shorthand or inner[0].kind != "object":
                raise cls.refuse(f"`{where}` is not `true` or `{{ select: {{ … }} }}` written here")
            wanted = []
            for f in entries(inner[0].value, f"{where}.select", cls.code):
                if f.kind == "object" and not f.shorthand:
                    found = entries(f.value, f"{where}.select.{f.key}", cls.code)
                    if [x.key for x in found] != ["where"] or found[0].shorthand:
                        raise cls.refuse(f"`{where}.select.{f.key}` is an object other than `{{ where: {{ … }} }}`")
                    wanted.append((f.key, found[0].value))
                elif f.shorthand or f.kind not in ("true", "false"):
                    raise cls.refuse(f"`{where}.select.{f.key}` is `{f.text}`, not true, false or `{{ where }}`: "
                                     f"whether it is counted is known only at run time")
                elif f.kind == "true":
                    wanted.append((f.key, None))
        if not wanted:
            raise cls.refuse(f"`{where}` counts no relation: Prisma returns `_count: {{}}`; not converted")
        p = ctx.param_name()
        c = next((n for n in ("c", "counted", "c0", "c1", "c2") if n not in ctx.identifiers and n != p), None)
        if c is None:
            raise cls.refuse("every name the count's callback would use is taken by the call's own identifiers")
        out = []
        for name, filter_node in wanted:
            rel = model.relations.get(name)
            if rel is None or not rel.many:
                raise cls.refuse(f"`{where}.select.{name}` is not a list relation of {model.prisma}")
            target = ctx.names.by_prisma(rel.target)
            if target is None or target.export is None:
                raise cls.refuse(f"model {rel.target} (counted by `{where}`) has no table in the Drizzle schema")
            back = [r for r in target.relations.values() if r.target == model.prisma and not r.many and r.fields]
            if len(back) != 1 or len(back[0].fields) != len(back[0].references):
                raise cls.refuse(f"`{where}`: the foreign key of {model.prisma}.{name} is not one {rel.target} relation "
                                 f"with fields (a many-to-many relation, or {model.prisma} related twice): not converted")
            key = f"_count_{name}"
            if key in model.fields or any(key == v for v in model.fields.values()):
                raise cls.refuse(f"`{where}`: {model.prisma} has a field named `{key}`, the key the count would use")
            table = ctx.table(target.export)
            terms = [f"eq({c}.{field_key(target, f, cls.code)}, {p}.{field_key(model, r, cls.code)})"
                     for f, r in zip(back[0].fields, back[0].references)]
            ctx.needs.ops.add("eq")
            if filter_node is not None:
                from migrator.rewrite.rules.prisma_drizzle.pd004_where import Where

                condition = Where._object(ctx, target, filter_node, c, ctx.needs.ops, f"{where}.select.{name}.where")
                if condition is not None:
                    terms.append(condition)
            if len(terms) > 1:
                ctx.needs.ops.add("and")
            on = terms[0] if len(terms) == 1 else f"and({', '.join(terms)})"
            ctx.needs.compat.update(("relationCount", "withCount"))
            if ctx.path:  # in a relation's select/include (a read): nested back at that path
                ctx.nested_counts.append((tuple(ctx.path), name))
            else:
                ctx.counts.append(name)
            out.append(f'{key}: relationCount({table}, "{key}", ({c}) => {on}).as("{key}")')
        return out


# The reads whose result the engine reshapes for nested relation counts (ctx.nested_counts).
_READS = ("findMany", "findFirst", "findUnique", "findFirstOrThrow", "findUniqueOrThrow")
