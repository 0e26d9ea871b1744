from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule, js_string


class Delete(PrismaRule):
    """`prisma.post.delete({ where })` → `db.delete(posts).where(…).returning().then((rows) => oneOrThrow(rows, "Post.delete"))` (P2025 when no row matches); `deleteMany` → `{ count }` when used.

    `delete`'s where must hold a unique key of the table by equality. Refused: `select`/`include`,
    and what PD004 refuses in `where`.
    """

    code = "PD011"
    operations = ("delete", "deleteMany")
    write = True

    @classmethod
    def convert(cls, call) -> str:
        from migrator.rewrite.rules.prisma_drizzle.pd010_update import _keys
        from migrator.rewrite.typescript.write import has_unique

        many = call.operation == "deleteMany"
        args = call.args(cls.code, ("where",), () if many else ("where",))
        where = args.get("where")
        if not many and not has_unique(call, where.value, cls.code):
            raise cls.refuse(f"`where` holds no unique key of {call.model.prisma} by equality "
                             f"({_keys(call.model.uniques)}): which row it names is not certain")
        calls = []
        condition = call.condition(where.value) if where is not None else None
        if condition is not None:
            calls.append(f".where({condition})")
        if not many:
            call.needs.compat.add("oneOrThrow")
            calls += [".returning()", f".then((rows) => oneOrThrow(rows, {js_string(call.what)}))"]
        elif call.used:
            calls += [".returning()", ".then((rows) => ({ count: rows.length }))"]
        return call.chain(f"{call.client}.delete({call.table})", calls)
