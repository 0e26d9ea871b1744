from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class Count(PrismaRule):
    """`prisma.post.count({ where })` → `db.$count(posts, <condition>)` (a number, as Prisma's).

    `select: { _all: true, title: true }` (per-field counts of non-null values) → a `db.select` of
    count()/count(column), as PD019 writes `_count`: Prisma's `{ _all: n, title: n }`.
    Refused: `take`/`skip`/`orderBy`/`cursor`/`distinct`, and what
    PD004 refuses in `where`.
    """

    code = "PD014"
    operations = ("count",)
    write = True

    @classmethod
    def convert(cls, call) -> str:
        if call.arg is not None and call.arg.kind() == "object":
            from migrator.rewrite.typescript.convert import entries

            for e in entries(call.arg, "the argument", "PD103"):
                if e.key in _REASONS:
                    raise cls.refuse(_REASONS[e.key])
        args = call.args(cls.code, ("where", "select"))
        where = args.get("where")
        condition = call.condition(where.value) if where is not None else None
        table = call.table
        if "select" in args:
            # Per-field counts: Prisma's `{ _all: n, title: n }` is PD019's `_count` object, selected alone.
            from migrator.rewrite.rules.prisma_drizzle.pd019_aggregate import selection

            [(_, counts)] = selection(call, {"_count": args["select"]}, cls.code) or [(None, None)]
            if counts is None or not counts.startswith("{"):
                raise cls.refuse("`select` counts nothing")
            call.needs.compat.add("onlyRow")
            calls = [f".from({table})"] + ([f".where({condition})"] if condition else []) + [".then(onlyRow)"]
            return call.chain(f"{call.client}.select({counts})", calls)
        return f"{call.client}.$count({table}{', ' + condition if condition else ''})"


_REASONS = {
    "take": "`take` bounds the rows counted: not converted (a subquery by hand)",
    "skip": "`skip` bounds the rows counted: not converted (a subquery by hand)",
    "cursor": "`cursor` has no Drizzle form",
    "orderBy": "`orderBy` only matters with take/skip here: not converted",
    "distinct": "`distinct` has no Drizzle count form",
}
