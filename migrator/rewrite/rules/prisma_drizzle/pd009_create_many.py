from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule, short


class CreateMany(PrismaRule):
    """`prisma.post.createMany({ data: [ … ], skipDuplicates })` → `db.insert(posts).values([ … ])` (`.onConflictDoNothing()` for `skipDuplicates: true`); a used result `{ count }` → `.returning().then((rows) => ({ count: rows.length }))`.

    One object for `data` is one row. Rows known only at run time (`data: rows`, `data: items.map(…)`,
    an array or a row spreading one) → `insertRows(data, (rows) => db.insert(t).values(rows).returning({ pk }))`
    (prisma-compat: `{ count }`, and 0 for an empty list where Drizzle's values([]) throws), when they can
    pass as they are: every field of the model is the Drizzle property of the same name and none is Json
    (createMany's rows hold only scalar fields: no nested writes are lost); rows from `items.map((x) =>
    ({ … }))` need neither, the literal being converted as a row. Refused: such rows otherwise,
    an empty array literal, `skipDuplicates` other than the literal true/false, and what PD015 refuses in
    each row.
    """

    code = "PD009"
    operations = ("createMany",)
    write = True

    @classmethod
    def convert(cls, call) -> str:
        from migrator.rewrite.typescript.write import (
            _free, helper_call, obj, primary_returning, scalar_rows, values)

        args = call.args(cls.code, ("data", "skipDuplicates"), ("data",), held=("data",))
        entry = args["data"]
        data = entry.value
        skip = args.get("skipDuplicates")
        if skip is not None and skip.value.kind() not in ("true", "false"):
            raise cls.refuse(f"`skipDuplicates: {short(skip.text)}` is not the literal true or false")
        conflict = [".onConflictDoNothing()"] if skip is not None and skip.value.kind() == "true" else []
        if entry.shorthand or data.kind() not in ("object", "array") or any(
                c.kind() == "spread_element" for c in data.children()) and data.kind() == "array":
            # Rows known only at run time (a variable, a .map(…), an array spreading one): they pass to
            # values() as they are, through insertRows (prisma-compat), which counts 0 for an empty list
            # where Drizzle's values([]) throws. createMany's rows hold only scalar fields (no nested writes).
            text = entry.key if entry.shorthand else data.text()
            mapped = None if entry.shorthand else _mapped_rows(call, data)
            reason = scalar_rows(call.model) if mapped is None else None
            if reason is not None:
                raise cls.refuse(f"`data` is `{short(text)}`, rows known only at run time: {reason}")
            if mapped is not None:
                text = mapped
            if not entry.shorthand and data.kind() == "array":
                items = [c for c in data.children() if c.kind() not in ("[", "]", ",", "comment")]
                text = "[" + ", ".join(c.text() if c.kind() == "spread_element" else obj(
                    values(call, c, f"data[{i}]", spreads=True)) for i, c in enumerate(items)) + "]"
            name = _free(call.ctx, ("rows", "values", "items", "batch"))
            returning = primary_returning(call) if call.model.primary else ""
            insert = call.chain(f"({name}) => {call.client}.insert({call.table})",
                                [f".values({name})", *conflict, f".returning({returning})"])
            call.needs.compat.add("insertRows")
            keep = (0,) if not entry.shorthand and (text == data.text() or mapped is not None) else ()
            return helper_call(call, "insertRows", [text, insert], keep=keep)
        if data.kind() == "object":  # Prisma takes one row as an object too
            rows = [data]
        else:
            rows = [c for c in data.children() if c.kind() not in ("[", "]", ",", "comment")]
        if not rows:
            raise cls.refuse("`data: []`: Drizzle's values([]) throws where Prisma counts 0")
        texts = [obj(values(call, row, f"data[{i}]", spreads=True)) for i, row in enumerate(rows)]
        calls = [f".values([{', '.join(texts)}])", *conflict]
        if call.used:
            calls += [".returning()", ".then((rows) => ({ count: rows.length }))"]
        return call.chain(f"{call.client}.insert({call.table})", calls)


def _mapped_rows(call, data):
    """`items.map((x) => ({ … }))`: the rows' keys are the object literal's, known here; its text with
    that literal converted as a row (property keys, PD015), else None."""
    from migrator.rewrite.typescript.write import obj, values

    if data.kind() != "call_expression":
        return None
    fn = data.field("function")
    if fn is None or fn.kind() != "member_expression" or fn.field("property").text() != "map":
        return None
    args = [c for c in data.field("arguments").children() if c.kind() not in ("(", ")", ",")]
    if len(args) != 1 or args[0].kind() != "arrow_function":
        return None
    body = args[0].field("body")
    while body is not None and body.kind() == "parenthesized_expression":
        body = next((c for c in body.children() if c.kind() not in ("(", ")")), None)
    if body is None or body.kind() != "object":
        return None
    row = obj(values(call, body, "data[…]", spreads=True))
    start, end = body.range().start.index - data.range().start.index, body.range().end.index - data.range().start.index
    text = data.text()
    return text[:start] + row + text[end:]
