"""PD020: `groupBy()` → `db.select({ <by fields>, _count: { … }, … }).from(t).where(…).groupBy(…)`."""

from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule, entries, field_key, short, string_value


class GroupBy(PrismaRule):
    """`prisma.view.groupBy({ by: ["documentId"], where, _count: { id: true }, orderBy })` → `db.select({ documentId: views.documentId, _count: { id: count(views.id) } }).from(views).where(…).groupBy(views.documentId)`.

    One row per group, shaped as Prisma's (the `by` fields, then the aggregates nested as PD019
    writes them). `orderBy` on a `by` field or on `_count` of a field (never NULL) with a literal
    "asc"/"desc" → `.orderBy(…)`. Refused: `having`, `take`/`skip`/`cursor`, ordering by a
    sum/avg/min/max (where NULLs sort is the database's rule, not checked here), `by` held in a
    variable, and what PD019 and PD004 refuse.
    """

    code = "PD020"
    operations = ("groupBy",)
    write = True

    @classmethod
    def convert(cls, call) -> str:
        from migrator.rewrite.rules.prisma_drizzle.pd019_aggregate import select_head, selection

        if call.arg is not None and call.arg.kind() == "object":
            for e in entries(call.arg, "the argument", "PD103"):
                if e.key in _REFUSED:
                    raise cls.refuse(_REFUSED[e.key])
        args = call.args(cls.code, ("by", "where", "_count", "_sum", "_avg", "_min", "_max", "orderBy"), ("by",))
        model = call.model
        by = _by(args["by"].value)
        if by is None:
            raise cls.refuse(f"`by` is `{short(args['by'].text)}`, not a list of field names written here")
        columns: list[str] = []
        pairs: list[tuple[str, str]] = []
        for name in by:
            if name not in model.fields:
                raise cls.refuse(f"`by` names `{name}`, not a field of {model.prisma}")
            column = f"{call.table}.{field_key(model, name, cls.code)}"
            columns.append(column)
            pairs.append((name, column))
        pairs += selection(call, args, cls.code)
        where = args.get("where")
        condition = call.condition(where.value) if where is not None else None
        calls = [f".from({call.table})"]
        if condition is not None:
            calls.append(f".where({condition})")
        calls.append(f".groupBy({', '.join(columns)})")
        if "orderBy" in args:
            calls.append(f".orderBy({', '.join(cls._order(call, args['orderBy'].value, by))})")
        return call.chain(select_head(call, pairs), calls)

    @classmethod
    def _order(cls, call, node, by: list[str]) -> list[str]:
        model = call.model
        items = [node]
        if node.kind() == "array":
            items = [c for c in node.children() if c.kind() not in ("[", "]", ",", "comment")]
        terms = []
        for item in items:
            if item.kind() != "object":
                raise cls.refuse(f"`orderBy` holds `{short(item.text())}`, not an object literal")
            found = entries(item, "orderBy", cls.code)
            if len(found) != 1:
                raise cls.refuse("`orderBy` has an object with other than one key")
            e = found[0]
            if e.key == "_count" and not e.shorthand and e.kind == "object":
                inner = entries(e.value, "orderBy._count", cls.code)
                if len(inner) != 1 or inner[0].key not in model.fields:
                    raise cls.refuse("`orderBy._count` is not one field of the model")
                direction = None if inner[0].shorthand else string_value(inner[0].value)
                target = f"count({call.table}.{field_key(model, inner[0].key, cls.code)})"
                call.needs.ops.add("count")
            elif e.key in by:
                direction = None if e.shorthand else string_value(e.value)
                target = f"{call.table}.{field_key(model, e.key, cls.code)}"
            else:
                raise cls.refuse(f"`orderBy.{e.key}`: only `by` fields and `_count` of a field are converted (the "
                                 f"place of NULL sums/averages/minimums is not checked)")
            if direction not in ("asc", "desc"):
                raise cls.refuse(f"`orderBy.{e.key}` is not the literal \"asc\" or \"desc\" ({{ sort, nulls }} is not "
                                 f"converted)")
            call.needs.ops.add(direction)
            terms.append(f"{direction}({target})")
        if not terms:
            raise cls.refuse("`orderBy` is empty")
        return terms


def _by(node):
    """`["a", "b"]` or `"a"` → ["a", "b"]; None for anything else."""
    single = string_value(node)
    if single is not None:
        return [single]
    if node.kind() != "array":
        return None
    out = []
    for c in node.children():
        if c.kind() in ("[", "]", ","):
            continue
        value = string_value(c)
        if value is None:
            return None
        out.append(value)
    return out or None


_REFUSED = {
    "having": "`having` is not converted (a filter on aggregates: write .having(…) by hand)",
    "take": "`take` on groups is not converted",
    "skip": "`skip` on groups is not converted",
    "cursor": "`cursor` has no Drizzle form",
}
