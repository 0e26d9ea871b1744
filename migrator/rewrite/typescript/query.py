"""A Prisma query argument → the Drizzle relational-query config, through the clause rules."""

from __future__ import annotations

from typing import Optional

from migrator.rewrite.typescript.convert import Context, Refusal, entries, is_undefined
from migrator.rewrite.typescript.mapping import ModelMap


def pairs(ctx: Context, model: ModelMap, node, label: str, relation_many: bool = True,
          top: bool = False) -> list[tuple[str, str]]:
    """[(drizzle key, text)] in the order of Prisma's keys."""
    from migrator.rewrite.rules.prisma_drizzle.pd004_where import Where
    from migrator.rewrite.rules.prisma_drizzle.pd005_select_include import SelectInclude
    from migrator.rewrite.rules.prisma_drizzle.pd006_order_by import OrderBy
    from migrator.rewrite.rules.prisma_drizzle.pd007_take_skip import TakeSkip
    from migrator.rewrite.rules.prisma_drizzle.pd103_arguments import Arguments

    code = "PD103" if top else SelectInclude.code
    found = entries(node, label if not top else "the argument", code)
    keys = {e.key: e for e in found}
    out: list[tuple[str, str]] = []
    shaped = False
    for e in found:
        where = f"{label}.{e.key}" if not top else e.key
        if e.key in Arguments.REASONS:
            raise Refusal(Arguments.code, Arguments.REASONS[e.key])
        if e.key not in ("where", "select", "include", "orderBy", "take", "skip"):
            raise Refusal(code, f"`{where}` is not a query argument the rewrite knows")
        if not relation_many and e.key in ("where", "orderBy", "take", "skip"):
            raise Refusal(SelectInclude.code, f"`{where}` on a to-one relation: Drizzle's `with` takes only "
                                              f"`columns` and `with` there")
        if e.shorthand or is_undefined(e.value):
            rule = {"where": Where, "orderBy": OrderBy, "take": TakeSkip, "skip": TakeSkip}.get(e.key, SelectInclude)
            held = "undefined (Prisma ignores it)" if not e.shorthand else "held in a variable"
            raise Refusal(rule.code, f"`{where}` is {held}: what it holds is known only at run time")
        if e.key == "where":
            callback = Where.callback(ctx, model, e.value)
            if callback is not None:
                out.append(("where", callback))
        elif e.key in ("select", "include"):
            if shaped:
                continue
            shaped = True
            sel, inc = keys.get("select"), keys.get("include")
            out.extend(SelectInclude.shape(ctx, model, sel.value if sel else None, inc.value if inc else None))
        elif e.key == "orderBy":
            out.append(("orderBy", OrderBy.callback(ctx, model, e.value, where)))
        else:
            out.append(TakeSkip.convert(ctx, e.key, e.value, where))
    return out


def config(ctx: Context, model: ModelMap, node, label: str, relation_many: bool = True) -> Optional[str]:
    """A nested (relation) config, on one line: `{ columns: { … }, with: { … } }`; None when empty."""
    found = pairs(ctx, model, node, label, relation_many)
    if not found:
        return None
    return "{ " + ", ".join(f"{k}: {v}" for k, v in found) + " }"
