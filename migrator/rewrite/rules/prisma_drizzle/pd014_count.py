from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class Count(PrismaRule):
    """`prisma.post.count({ where })` → `db.$count(posts, <condition>)` (a number, as Prisma's).

    Refused: `select` (per-field counts), `take`/`skip`/`orderBy`/`cursor`/`distinct`, and what
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
        args = call.args(cls.code, ("where",))
        where = args.get("where")
        condition = call.condition(where.value) if where is not None else None
        table = call.table
        return f"{call.client}.$count({table}{', ' + condition if condition else ''})"


_REASONS = {
    "select": "`select` counts per field (non-null values): $count counts rows; write count(column) by hand",
    "take": "`take` bounds the rows counted: not converted (a subquery by hand)",
    "skip": "`skip` bounds the rows counted: not converted (a subquery by hand)",
    "cursor": "`cursor` has no Drizzle form",
    "orderBy": "`orderBy` only matters with take/skip here: not converted",
    "distinct": "`distinct` has no Drizzle count form",
}
