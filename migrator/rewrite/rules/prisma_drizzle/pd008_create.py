from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class Create(PrismaRule):
    """`prisma.user.create({ data })` → `db.insert(users).values({ … }).returning().then(onlyRow)` (no `.returning()` when the result is not used).

    Client-side defaults (@default(uuid()/cuid()), @updatedAt) keep being set: the Drizzle schema
    `migrator generate drizzle` writes holds them as $defaultFn/$onUpdate. A `select` of fields →
    `.returning({ key: t.col, … })` (exactly those keys); `include`, or a `select` naming relations →
    `writeThenRead(<insert … .returning({ pk })>, (written) => db.query.t.findFirst({ where: <pk>, columns,
    with }), "M.create")` (prisma-compat: the row re-read by its primary key with its relations). Unused
    results get neither. A nested `connect` on the side holding the foreign key → the foreign key
    (PD015), the write wrapped in `afterConnect([<read of the connected row>], <write>, "M.create")`.
    Refused: `omit`, what PD005 refuses in `select`/`include`, and what PD015 refuses in `data`.
    """

    code = "PD008"
    operations = ("create",)
    write = True

    @classmethod
    def convert(cls, call) -> str:
        from migrator.rewrite.typescript.write import obj, values

        from migrator.rewrite.typescript.convert import js_string
        from migrator.rewrite.typescript.write import (
            Returned, after_connect, helper_call, primary_returning, reread, returned)

        args = call.args(cls.code, ("data", "select", "include"), ("data",))
        shape = returned(call, args) if call.used else Returned()  # a dropped result: its shape does not matter
        data = obj(values(call, args["data"].value, "data", connect=True))
        calls = [f".values({data})"]
        head = f"{call.client}.insert({call.table})"
        if not call.used:  # the result is dropped: no returning, no re-read
            return after_connect(call, call.chain(head, calls))
        if shape.read is not None:
            call.needs.compat.add("writeThenRead")
            write = after_connect(call, call.chain(head, calls + [f".returning({primary_returning(call)})"]))
            return helper_call(call, "writeThenRead", [write, reread(call, shape.read), js_string(call.what)])
        if call.connects:
            call.needs.compat.add("onlyRow")
            return after_connect(call, call.chain(head, calls + [f".returning({shape.returning})"])) + \
                ".then(onlyRow)"
        call.needs.compat.add("onlyRow")
        calls += [f".returning({shape.returning})", ".then(onlyRow)"]
        return call.chain(head, calls)
