from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class Create(PrismaRule):
    """`prisma.user.create({ data })` → `db.insert(users).values({ … }).returning().then((rows) => rows[0])` (no `.returning()` when the result is not used).

    Client-side defaults (@default(uuid()/cuid()), @updatedAt) keep being set: the Drizzle schema
    `migrator generate drizzle` writes holds them as $defaultFn/$onUpdate. Refused: `select`,
    `include`, `omit` (the returned shape), and what PD015 refuses in `data`.
    """

    code = "PD008"
    operations = ("create",)
    write = True

    @classmethod
    def convert(cls, call) -> str:
        from migrator.rewrite.typescript.write import obj, values

        args = call.args(cls.code, ("data",), ("data",))
        data = obj(values(call, args["data"].value, "data"))
        calls = [f".values({data})"]
        if call.used:
            calls += [".returning()", ".then((rows) => rows[0])"]
        return call.chain(f"{call.client}.insert({call.table})", calls)
