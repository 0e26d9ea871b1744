from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule, entries, js_string


class Upsert(PrismaRule):
    """`prisma.user.upsert({ where, create, update })` → `db.insert(users).values({ … }).onConflictDoUpdate({ target, set: { … } }).returning().then(onlyRow)`; with `update: {}` → `selectOrInsert(() => <select by the unique>, () => db.insert(…).values(…).onConflictDoNothing({ target }).returning(), "User.upsert")` (prisma-compat): the existing row is returned as Prisma does (not the [] of onConflictDoNothing().returning()), read first as Prisma does.

    The conflict target is a real unique of the table: `where` must be exactly the columns of one
    unique key both schemas declare (@id/@unique/@@unique ↔ primaryKey/unique), and `create` must
    set those fields to the same values (ON CONFLICT looks at the inserted values, Prisma at
    `where`). `select` of fields → `.returning({ key: t.col, … })` (and `db.select({ … })` in
    selectOrInsert); `include`, or a `select` naming relations, with a non-empty `update` →
    `writeThenRead(<upsert … .returning({ pk })>, (written) => db.query.t.findFirst({ … }), "M.upsert")`.
    Refused otherwise, relations returned with `update: {}`, and what PD005 refuses in
    `select`/`include` and PD015 in `create`/`update`.
    """

    code = "PD012"
    operations = ("upsert",)
    write = True

    @classmethod
    def convert(cls, call) -> str:
        from migrator.rewrite.rules.prisma_drizzle.pd010_update import _keys
        from migrator.rewrite.typescript.write import (
            Returned, helper_call, obj, primary_returning, reread, returned, unique_keys, values)

        args = call.args(cls.code, ("where", "create", "update", "select", "include"), ("where", "create", "update"))
        shape = returned(call, args) if call.used else Returned()  # a dropped result: its shape does not matter
        found = unique_keys(call, args["where"].value, cls.code)
        if found is None:
            raise cls.refuse(f"`where` is not exactly one unique key of {call.model.prisma} "
                             f"({_keys(call.model.uniques)}) with plain values: no ON CONFLICT target matches it")
        unique, where_values = found
        created = {e.key: (e.key if e.shorthand else e.text) for e in entries(args["create"].value, "create", cls.code)} \
            if args["create"].value.kind() == "object" else {}
        for name in unique:
            if created.get(name) != where_values[name]:
                raise cls.refuse(f"`create.{name}` is not the same expression as `where`'s "
                                 f"(`{where_values[name]}`): ON CONFLICT compares the inserted values, Prisma looks "
                                 f"the row up by `where`")
        create = obj(values(call, args["create"].value, "create"))
        table = call.table
        cols = [f"{table}.{call.model.fields[name]}" for name in unique]
        target = cols[0] if len(cols) == 1 else "[" + ", ".join(cols) + "]"
        update_node = args["update"].value
        if update_node.kind() == "object" and not entries(update_node, "update", cls.code):
            if shape.read is not None:
                raise cls.refuse("`update: {}` with relations in `select`/`include`: not converted (the row "
                                 "selectOrInsert returns would need a re-read with its relations; write it by hand)")
            call.needs.compat.add("selectOrInsert")
            condition = call.condition(args["where"].value)
            select = (f"() => {call.client}.select({shape.returning}).from({table}).where({condition})"
                      f".then((rows) => rows[0])")
            insert = call.chain(f"() => {call.client}.insert({table})",
                                [f".values({create})", f".onConflictDoNothing({{ target: {target} }})",
                                 f".returning({shape.returning})"])
            one = f"selectOrInsert({select}, {insert}, {js_string(call.what)})"
            if "\n" not in insert and call.column + len(one) <= 100:
                return one
            nl, inner = call.nl, call.indent + "  "
            insert = insert.replace(nl, nl + "  ")
            return f"selectOrInsert({nl}{inner}{select},{nl}{inner}{insert},{nl}{inner}{js_string(call.what)},{nl}{call.indent})"
        update = obj(values(call, update_node, "update", update=True))
        calls = [f".values({create})", f".onConflictDoUpdate({{ target: {target}, set: {update} }})"]
        if shape.read is not None:
            call.needs.compat.add("writeThenRead")
            write = call.chain(f"{call.client}.insert({table})", calls + [f".returning({primary_returning(call)})"])
            return helper_call(call, "writeThenRead", [write, reread(call, shape.read), js_string(call.what)])
        call.needs.compat.add("onlyRow")
        return call.chain(f"{call.client}.insert({table})", calls + [f".returning({shape.returning})", ".then(onlyRow)"])
