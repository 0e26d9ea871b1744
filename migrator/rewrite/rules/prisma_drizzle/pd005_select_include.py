from __future__ import annotations

from migrator.rewrite.typescript.convert import Context, PrismaRule, entries, field_key
from migrator.rewrite.typescript.mapping import ModelMap


class SelectInclude(PrismaRule):
    """`select` → `columns` (its relation keys → `with`), `include` → `with`, nested `select`/`include`/`where`/`orderBy`/`take`/`skip` of a relation recursively.

    Refused: `select` and `include` together, a value other than `true`/`false`/an object literal
    (a flag held in a variable), `_count`, a `select` with no scalar field (Drizzle's `columns: {}`
    differs), `where`/`orderBy`/`take`/`skip` on a to-one relation (Drizzle has none there), and
    fields or relations the Drizzle schema lacks.
    """

    code = "PD005"

    @classmethod
    def shape(cls, ctx: Context, model: ModelMap, select, include) -> list[tuple[str, str]]:
        """[("columns", "{ … }"), ("with", "{ … }")] for Prisma's select or include node."""
        if select is not None and include is not None:
            raise cls.refuse("`select` and `include` together: Prisma refuses the call")
        columns: list[str] = []
        withs: list[str] = []
        node = select if select is not None else include
        label = "select" if select is not None else "include"
        for e in entries(node, label, cls.code):
            if e.key == "_count":
                raise cls.refuse(f"`{label}._count`: relation counts have no Drizzle relational-query form "
                                 f"(an `extras` subquery by hand)")
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
                    inner = config(ctx, target, e.value, f"{label}.{e.key}", relation_many=rel.many)
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
            if not columns:
                raise cls.refuse("`select` names no scalar field: Prisma returns only the relations, Drizzle's "
                                 "`columns: {}` is not the same; list the fields to keep")
            out.append(("columns", "{ " + ", ".join(columns) + " }"))
        if withs:
            out.append(("with", "{ " + ", ".join(withs) + " }"))
        return out
