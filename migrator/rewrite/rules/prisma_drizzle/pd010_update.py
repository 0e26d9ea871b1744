from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule, js_string


class Update(PrismaRule):
    """`prisma.user.update({ where, data })` → `db.update(users).set({ … }).where(…).returning().then((rows) => oneOrThrow(rows, "User.update"))` (P2025 when no row matches, as Prisma throws); `updateMany` → `{ count }` (`.returning().then((rows) => ({ count: rows.length }))` when used).

    `update`'s where must hold a unique key of the table by equality (the Prisma and Drizzle schema
    both declare it). `select` of fields → `.returning({ key: t.col, … })`; `include`, or a `select`
    naming relations → `writeThenRead(<update … .returning({ pk })>, (written) => db.query.t.findFirst({ … }),
    "M.update")` (prisma-compat: P2025 when no row matched, else the row re-read by its primary key with
    its relations); an unused result gets neither. A `data` whose fields all come from conditional
    spreads → `updateOrRead({ ...(c && { … }) }, (set) => <update>, () => <select by where>, "M.update")`
    (prisma-compat): with nothing to set at run time Prisma only reads the row (P2025 when none). Refused: `omit`, what PD005 refuses in
    `select`/`include`, PD004 in `where` and PD015 in `data`.
    """

    code = "PD010"
    operations = ("update", "updateMany")
    write = True

    @classmethod
    def convert(cls, call) -> str:
        from migrator.rewrite.typescript.write import (
            Returned, after_connect, has_unique, helper_call, obj, primary_returning, reread, returned, settled,
            values)

        many = call.operation == "updateMany"
        args = call.args(cls.code, ("where", "data") if many else ("where", "data", "select", "include"),
                         ("data",) if many else ("where", "data"))
        shape = returned(call, args) if not many and call.used else Returned()
        where = args.get("where")
        if not many and not has_unique(call, where.value, cls.code):
            raise cls.refuse(f"`where` holds no unique key of {call.model.prisma} by equality "
                             f"({_keys(call.model.uniques)}): which row it names is not certain")
        pairs = values(call, args["data"].value, "data", update=True, connect=not many, maybe_empty=not many)
        data = obj(pairs)
        if not settled(pairs, call):
            return cls._update_or_read(call, where.value, data, shape)
        calls = [f".set({data})"]
        condition = call.condition(where.value) if where is not None else None
        if condition is not None:
            calls.append(f".where({condition})")
        if not many and shape.read is not None and call.used:
            call.needs.compat.add("writeThenRead")
            write = call.chain(f"{call.client}.update({call.table})", calls + [f".returning({primary_returning(call)})"])
            write = after_connect(call, write)
            return helper_call(call, "writeThenRead", [write, reread(call, shape.read), js_string(call.what)])
        if not many:
            call.needs.compat.add("oneOrThrow")
            returning = shape.returning if call.used else ""
            tail = f".then((rows) => oneOrThrow(rows, {js_string(call.what)}))"
            if call.connects:
                write = call.chain(f"{call.client}.update({call.table})", calls + [f".returning({returning})"])
                return after_connect(call, write) + tail
            calls += [f".returning({returning})", tail]
        elif call.used:
            calls += [".returning()", ".then((rows) => ({ count: rows.length }))"]
        return call.chain(f"{call.client}.update({call.table})", calls)

    @classmethod
    def _update_or_read(cls, call, where, data: str, shape) -> str:
        """`data` sets fields only through conditional spreads: `updateOrRead(<set>, (set) => <update>,
        () => <select by where>, "M.update")`: with nothing to set at run time, the row is only read, as
        Prisma does (Drizzle's .set({}) throws)."""
        from migrator.rewrite.typescript.convert import js_string
        from migrator.rewrite.typescript.write import _free, helper_call

        if shape.read is not None or call.connects:
            raise cls.refuse("`data` sets fields only through conditional spreads, with relations returned or a "
                             "connect: not converted (Prisma only reads the row when there is nothing to set)")
        condition = call.condition(where)
        name = _free(call.ctx, ("set", "values", "changes", "patch"))
        returning = shape.returning if call.used else ""
        update = call.chain(f"({name}) => {call.client}.update({call.table})",
                            [f".set({name})", f".where({condition})", f".returning({returning})"])
        read = f"() => {call.client}.select({returning}).from({call.table}).where({condition})"
        call.needs.compat.add("updateOrRead")
        return helper_call(call, "updateOrRead", [data, update, read, js_string(call.what)])


def _keys(uniques) -> str:
    return ", ".join("(" + ", ".join(u) + ")" for u in uniques) or "none declared in both schemas"
