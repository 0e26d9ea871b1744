from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule, js_string


class Update(PrismaRule):
    """`prisma.user.update({ where, data })` → `db.update(users).set({ … }).where(…).returning().then((rows) => oneOrThrow(rows, "User.update"))` (P2025 when no row matches, as Prisma throws); `updateMany` → `{ count }` (`.returning().then((rows) => ({ count: rows.length }))` when used).

    `update`'s where must hold a unique key of the table by equality (the Prisma and Drizzle schema
    both declare it). Refused: `select`/`include`/`omit`, and what PD004 refuses in `where` and PD015
    in `data`.
    """

    code = "PD010"
    operations = ("update", "updateMany")
    write = True

    @classmethod
    def convert(cls, call) -> str:
        from migrator.rewrite.typescript.write import has_unique, obj, values

        many = call.operation == "updateMany"
        args = call.args(cls.code, ("where", "data"), ("data",) if many else ("where", "data"))
        where = args.get("where")
        if not many and not has_unique(call, where.value, cls.code):
            raise cls.refuse(f"`where` holds no unique key of {call.model.prisma} by equality "
                             f"({_keys(call.model.uniques)}): which row it names is not certain")
        data = obj(values(call, args["data"].value, "data", update=True))
        calls = [f".set({data})"]
        condition = call.condition(where.value) if where is not None else None
        if condition is not None:
            calls.append(f".where({condition})")
        if not many:
            call.needs.compat.add("oneOrThrow")
            calls += [".returning()", f".then((rows) => oneOrThrow(rows, {js_string(call.what)}))"]
        elif call.used:
            calls += [".returning()", ".then((rows) => ({ count: rows.length }))"]
        return call.chain(f"{call.client}.update({call.table})", calls)


def _keys(uniques) -> str:
    return ", ".join("(" + ", ".join(u) + ")" for u in uniques) or "none declared in both schemas"
