from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule, js_string


class Delete(PrismaRule):
    """`prisma.post.delete({ where })` → `db.delete(posts).where(…).returning().then((rows) => oneOrThrow(rows, "Post.delete"))` (P2025 when no row matches); `deleteMany` → `{ count }` when used.

    `delete`'s where must hold a unique key of the table by equality. `select` of fields →
    `.returning({ key: t.col, … })`; `include`, or a `select` naming relations → `readThenDelete(() =>
    db.query.t.findFirst({ where, columns, with }), () => db.delete(t).where(…).returning(), "M.delete")`
    (prisma-compat: the row and its relations are read before the delete, as Prisma returns them; P2025
    when no row matches). Refused: what PD005 refuses in `select`/`include` and PD004 in `where`.
    """

    code = "PD011"
    operations = ("delete", "deleteMany")
    write = True

    @classmethod
    def convert(cls, call) -> str:
        from migrator.rewrite.rules.prisma_drizzle.pd010_update import _keys
        from migrator.rewrite.typescript.write import (
            Returned, has_unique, helper_call, primary_returning, reread, returned)

        many = call.operation == "deleteMany"
        args = call.args(cls.code, ("where",) if many else ("where", "select", "include"), () if many else ("where",))
        shape = returned(call, args) if not many and call.used else Returned()
        where = args.get("where")
        if not many and not has_unique(call, where.value, cls.code):
            raise cls.refuse(f"`where` holds no unique key of {call.model.prisma} by equality "
                             f"({_keys(call.model.uniques)}): which row it names is not certain")
        calls = []
        condition = call.condition(where.value) if where is not None else None
        if condition is not None:
            calls.append(f".where({condition})")
        if not many and shape.read is not None and call.used:
            # Prisma returns the deleted row with its relations: read them while the row is there.
            from migrator.rewrite.rules.prisma_drizzle.pd004_where import Where

            call.needs.compat.add("readThenDelete")
            if call.relational == "v2":  # drizzle-orm 1.0's relational queries: an object where
                from migrator.rewrite.typescript.query_v2 import where_object

                read = reread(call, shape.read, where_object(call.ctx, call.model, where.value))
            else:
                read = reread(call, shape.read, Where.callback(call.ctx, call.model, where.value))
            remove = call.chain(f"() => {call.client}.delete({call.table})",
                                calls + [f".returning({primary_returning(call)})"])
            return helper_call(call, "readThenDelete", [read, remove, js_string(call.what)])
        if not many:
            call.needs.compat.add("oneOrThrow")
            returning = shape.returning if call.used else ""
            calls += [f".returning({returning})", f".then((rows) => oneOrThrow(rows, {js_string(call.what)}))"]
        elif call.used:
            calls += [".returning()", ".then((rows) => ({ count: rows.length }))"]
        return call.chain(f"{call.client}.delete({call.table})", calls)
