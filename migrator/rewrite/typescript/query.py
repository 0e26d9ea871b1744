"""A Prisma query argument → the Drizzle relational-query config, through the clause rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional

from migrator.rewrite.typescript.convert import Context, Refusal, entries, is_undefined
from migrator.rewrite.typescript.mapping import ModelMap


@dataclass(frozen=True)
class Clauses:
    """How one relational query API writes each clause (v1 here, v2 in query_v2): `where` (None for an
    empty one), the select/include shape's pairs, `orderBy`; `to_one` says what a to-one relation's
    config takes."""

    where: Callable[[Context, ModelMap, object, str], Optional[str]]
    shape: Callable[..., list[tuple[str, str]]]
    order_by: Callable[[Context, ModelMap, object, str], str]
    to_one: str


def walk(clauses: Clauses, ctx: Context, model: ModelMap, node, label: str, relation_many: bool = True,
         top: bool = False) -> list[tuple[str, str]]:
    """[(drizzle key, text)] in the order of Prisma's keys: the query arguments read strictly (a key
    this rewrite does not know, one held in a variable or `undefined`, is a Refusal with its clause's
    code), each written by `clauses`."""
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
            raise Refusal(SelectInclude.code, f"`{where}` on a to-one relation: {clauses.to_one}")
        if e.shorthand or is_undefined(e.value):
            rule = {"where": Where, "orderBy": OrderBy, "take": TakeSkip, "skip": TakeSkip}.get(e.key, SelectInclude)
            held = "undefined (Prisma ignores it)" if not e.shorthand else "held in a variable"
            raise Refusal(rule.code, f"`{where}` is {held}: what it holds is known only at run time")
        if e.key == "where":
            condition = clauses.where(ctx, model, e.value, where)
            if condition is not None:
                out.append(("where", condition))
        elif e.key in ("select", "include"):
            if shaped:
                continue
            shaped = True
            sel, inc = keys.get("select"), keys.get("include")
            out.extend(clauses.shape(ctx, model, sel.value if sel else None, inc.value if inc else None, top=top))
        elif e.key == "orderBy":
            out.append(("orderBy", clauses.order_by(ctx, model, e.value, where)))
        else:
            out.append(TakeSkip.convert(ctx, e.key, e.value, where))
    return out


def one_line(found: list[tuple[str, str]]) -> Optional[str]:
    """A nested (relation) config on one line: `{ columns: { … }, with: { … } }`; None when empty."""
    return "{ " + ", ".join(f"{k}: {v}" for k, v in found) + " }" if found else None


def _v1() -> Clauses:
    from migrator.rewrite.rules.prisma_drizzle.pd004_where import Where
    from migrator.rewrite.rules.prisma_drizzle.pd005_select_include import SelectInclude
    from migrator.rewrite.rules.prisma_drizzle.pd006_order_by import OrderBy

    return Clauses(where=lambda ctx, model, node, label: Where.callback(ctx, model, node),
                   shape=SelectInclude.shape,
                   order_by=lambda ctx, model, node, label: OrderBy.callback(ctx, model, node, label),
                   to_one="Drizzle's `with` takes only `columns` and `with` there")


def pairs(ctx: Context, model: ModelMap, node, label: str, relation_many: bool = True,
          top: bool = False) -> list[tuple[str, str]]:
    """[(drizzle key, text)] in the order of Prisma's keys, for drizzle-orm 0.x's relational queries."""
    return walk(_v1(), ctx, model, node, label, relation_many, top)


def config(ctx: Context, model: ModelMap, node, label: str, relation_many: bool = True) -> Optional[str]:
    """A nested (relation) config, on one line: `{ columns: { … }, with: { … } }`; None when empty."""
    return one_line(pairs(ctx, model, node, label, relation_many))
