from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule, short


class CreateMany(PrismaRule):
    """`prisma.post.createMany({ data: [ … ], skipDuplicates })` → `db.insert(posts).values([ … ])` (`.onConflictDoNothing()` for `skipDuplicates: true`); a used result `{ count }` → `.returning().then((rows) => ({ count: rows.length }))`.

    One object for `data` is one row. Refused: `data` that is not an array literal of object literals (held in a variable, a
    `.map(…)`: Drizzle refuses an empty values([]) where Prisma counts 0), an empty array,
    `skipDuplicates` other than the literal true/false, and what PD015 refuses in each row.
    """

    code = "PD009"
    operations = ("createMany",)
    write = True

    @classmethod
    def convert(cls, call) -> str:
        from migrator.rewrite.typescript.write import obj, values

        args = call.args(cls.code, ("data", "skipDuplicates"), ("data",))
        data = args["data"].value
        if data.kind() == "object":  # Prisma takes one row as an object too
            rows = [data]
        elif data.kind() != "array":
            raise cls.refuse(f"`data` is `{short(data.text())}`, not an array literal: Drizzle's values([]) throws on "
                             f"an empty list where Prisma counts 0; convert by hand")
        else:
            rows = [c for c in data.children() if c.kind() not in ("[", "]", ",", "comment")]
        if not rows:
            raise cls.refuse("`data: []`: Drizzle's values([]) throws where Prisma counts 0")
        texts = []
        for i, row in enumerate(rows):
            if row.kind() == "spread_element":
                raise cls.refuse(f"`data` spreads `{short(row.text())}`: its rows are known only at run time")
            texts.append(obj(values(call, row, f"data[{i}]")))
        skip = args.get("skipDuplicates")
        if skip is not None and skip.value.kind() not in ("true", "false"):
            raise cls.refuse(f"`skipDuplicates: {short(skip.text)}` is not the literal true or false")
        calls = [f".values([{', '.join(texts)}])"]
        if skip is not None and skip.value.kind() == "true":
            calls.append(".onConflictDoNothing()")
        if call.used:
            calls += [".returning()", ".then((rows) => ({ count: rows.length }))"]
        return call.chain(f"{call.client}.insert({call.table})", calls)
