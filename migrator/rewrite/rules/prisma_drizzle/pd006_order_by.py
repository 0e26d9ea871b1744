from __future__ import annotations

from migrator.rewrite.typescript.convert import Context, PrismaRule, entries, field_key, short, string_value
from migrator.rewrite.typescript.mapping import ModelMap


class OrderBy(PrismaRule):
    """`orderBy: { createdAt: "desc" }` or an array of such objects → `orderBy: (t, { asc, desc }) => [desc(t.createdAt)]`.

    Refused: an orderBy held in a variable, a direction that is not the literal "asc"/"desc" (or
    `{ sort, nulls }`), several keys in one object, ordering by a relation or `_count`/`_relevance`,
    and fields the Drizzle table lacks.
    """

    code = "PD006"

    @classmethod
    def callback(cls, ctx: Context, model: ModelMap, node, label: str = "orderBy") -> str:
        items = [node]
        if node.kind() == "array":
            items = [c for c in node.children() if c.kind() not in ("[", "]", ",", "comment")]
        p = ctx.param_name()
        ops: set[str] = set()
        terms = []
        for item in items:
            if item.kind() != "object":
                raise cls.refuse(f"`{label}` holds `{short(item.text())}`, not an object literal: the order is known "
                                 f"only at run time")
            found = entries(item, label, cls.code)
            if len(found) != 1:
                raise cls.refuse(f"`{label}` has an object with {len(found)} keys; Prisma wants one key per object "
                                 f"(use an array to order by several fields)")
            e = found[0]
            if e.key not in model.fields:
                raise cls.refuse(f"`{label}.{e.key}` is not a field of {model.prisma} (ordering by a relation or an "
                                 f"aggregate has no relational-query form)")
            direction = None if e.shorthand else string_value(e.value)
            if direction not in ("asc", "desc"):
                raise cls.refuse(f"`{label}.{e.key}` is `{short(e.text)}`, not the literal \"asc\" or \"desc\"")
            ops.add(direction)
            terms.append(f"{direction}({p}.{field_key(model, e.key, cls.code)})")
        if not terms:
            raise cls.refuse(f"`{label}` is empty")
        return ctx.callback(ops, "[" + ", ".join(terms) + "]")
