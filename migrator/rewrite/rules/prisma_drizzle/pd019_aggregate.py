"""PD019: `aggregate()` → one `db.select({ … })` of drizzle-orm's aggregate functions, shaped as Prisma's result."""

from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule, Refusal, entries, field_key, short

# Column types (migrator.schema.SqlType.name) whose sum/avg Prisma returns as a JS number (and BigInt's
# avg): the SQL result (PostgreSQL: bigint/numeric text for sum(integer)/avg(…); SQLite: a number) is
# mapped with Number by prisma-compat's sumNumber/avgNumber. Decimal (Prisma's Decimal object) and BigInt's
# sum (a BigInt) are refused: drizzle gives strings or numbers there.
_NUMBER = {"integer", "smallint", "double", "real", "float"}
# min/max take the column's own mapping (a Date for a timestamp …): refused where Prisma's type and
# drizzle's differ for every read (Decimal, BigInt), where Json/arrays have no order, and for Boolean
# (PostgreSQL has no min(boolean); what Prisma sends instead is not checked here).
_NO_MIN_MAX = {"numeric", "decimal", "bigint", "json", "jsonb", "bytea", "blob", "boolean"}


def selection(call, args: dict, code: str) -> list[tuple[str, str]]:
    """Prisma's `_count`/`_sum`/`_avg`/`_min`/`_max` arguments → [(key, selection text)], e.g.
    ("_count", "{ id: count(posts.id) }"), ("_sum", "{ views: sumNumber(posts.views) }"); `_count: true`
    → ("_count", "count()")."""
    model = call.model
    out: list[tuple[str, str]] = []
    for key in ("_count", "_sum", "_avg", "_min", "_max"):
        if key not in args:
            continue
        e = args[key]
        if key == "_count" and e.kind == "true":
            call.needs.ops.add("count")
            out.append((key, "count()"))
            continue
        if e.kind == "false":
            continue
        if e.kind != "object":
            raise Refusal(code, f"`{key}` is `{short(e.text)}`, not true or an object literal: what is aggregated is "
                                f"known only at run time")
        inner: list[str] = []
        for f in entries(e.value, key, code):
            if f.shorthand or f.kind not in ("true", "false"):
                raise Refusal(code, f"`{key}.{f.key}` is `{short(f.text)}`, not true or false: whether it is "
                                    f"aggregated is known only at run time")
            if f.kind == "false":
                continue
            if key == "_count" and f.key == "_all":
                call.needs.ops.add("count")
                inner.append("_all: count()")
                continue
            if f.key not in model.fields:
                raise Refusal(code, f"`{key}.{f.key}` is not a field of {model.prisma}")
            column = f"{call.table}.{field_key(model, f.key, code)}"
            kind = model.types.get(f.key)
            if key == "_count":
                call.needs.ops.add("count")
                inner.append(f"{f.key}: count({column})")
            elif key in ("_sum", "_avg"):
                # Prisma's _avg of a BigInt field is a Float (a JS number); its _sum a BigInt.
                if kind not in _NUMBER and not (key == "_avg" and kind == "bigint"):
                    what = _TYPE_WORDS.get(kind or "", kind or "of a type not known here")
                    if kind in ("numeric", "decimal", "bigint"):
                        raise Refusal(code, f"`{key}.{f.key}`: {model.prisma}.{f.key} is {what}; Prisma returns {what} "
                                            f"there, drizzle-orm a string: not converted")
                    raise Refusal(code, f"`{key}.{f.key}`: {model.prisma}.{f.key} is {what}, not an Int or Float "
                                        f"field: not converted")
                helper = "sumNumber" if key == "_sum" else "avgNumber"
                call.needs.compat.add(helper)
                inner.append(f"{f.key}: {helper}({column})")
            else:
                if kind is None or kind in _NO_MIN_MAX or kind.endswith("[]"):
                    raise Refusal(code, f"`{key}.{f.key}`: {model.prisma}.{f.key} is "
                                        f"{_TYPE_WORDS.get(kind or '', kind or 'of an unknown type')}; Prisma's "
                                        f"value and drizzle-orm's differ in type there: not converted")
                fn = key[1:]
                call.needs.ops.add(fn)
                inner.append(f"{f.key}: {fn}({column})")
        if not inner:
            raise Refusal(code, f"`{key}` selects nothing: Prisma still returns `{key}: {{}}`; not converted")
        out.append((key, "{ " + ", ".join(inner) + " }"))
    return out


_TYPE_WORDS = {"numeric": "a Decimal", "decimal": "a Decimal", "bigint": "a BigInt", "json": "Json", "jsonb": "Json",
               "bytea": "Bytes", "blob": "Bytes", "text": "a String", "boolean": "a Boolean",
               "timestamp": "a DateTime", "enum": "an enum"}


def refused(call, code: str) -> None:
    """A Refusal for the arguments that bound or order the rows aggregated."""
    if call.arg is not None and call.arg.kind() == "object":
        for e in entries(call.arg, "the argument", "PD103"):
            if e.key in _REFUSED:
                raise Refusal(code, _REFUSED[e.key])


def select_head(call, pairs: list[tuple[str, str]]) -> str:
    """`db.select({ … })`, on one line when it fits in 100 columns, else one selected key a line."""
    one = f"{call.client}.select({{ " + ", ".join(f"{k}: {v}" for k, v in pairs) + " })"
    if call.column + len(one) <= 100:
        return one
    inner = call.indent + call.step
    return (f"{call.client}.select({{{call.nl}" + "".join(f"{inner}{k}: {v},{call.nl}" for k, v in pairs)
            + f"{call.indent}}})")


class Aggregate(PrismaRule):
    """`prisma.post.aggregate({ where, _count, _sum, _avg, _min, _max })` → `db.select({ _count: { id: count(posts.id) }, _sum: { views: sumNumber(posts.views) } }).from(posts).where(…).then(onlyRow)`.

    Prisma's result object, nested the same way (drizzle's select takes nested objects); `_count`
    counts non-null values of a field (`_all`, or `_count: true`: rows), a number; `_sum`/`_avg` of
    Int/Float fields a number or null (over no rows, or only NULLs), mapped with Number because
    drizzle's sum()/avg() return the database's text; `_min`/`_max` take the column's own mapping.
    Refused: `orderBy`/`take`/`skip`/`cursor` (they bound the rows aggregated), sums and averages of
    Decimal fields and sums of BigInt fields (Prisma returns Decimal/BigInt objects; a BigInt's
    average is a number and converts), min/max of Decimal/BigInt/Json/
    Bytes, values other than literal true/false, and what PD004 refuses in `where`.
    """

    code = "PD019"
    operations = ("aggregate",)
    write = True

    @classmethod
    def convert(cls, call) -> str:
        refused(call, cls.code)
        args = call.args(cls.code, ("where", "_count", "_sum", "_avg", "_min", "_max"))
        pairs = selection(call, args, cls.code)
        if not pairs:
            raise cls.refuse("no aggregate is selected: Prisma returns `{}`; not converted")
        where = args.get("where")
        condition = call.condition(where.value) if where is not None else None
        calls = [f".from({call.table})"]
        if condition is not None:
            calls.append(f".where({condition})")
        # An aggregate without GROUP BY gives exactly one row, also over no rows.
        call.needs.compat.add("onlyRow")
        calls.append(".then(onlyRow)")
        return call.chain(select_head(call, pairs), calls)


_REFUSED = {
    "orderBy": "`orderBy` only matters with take/skip in an aggregate: not converted",
    "take": "`take` bounds the rows aggregated: not converted (a subquery by hand)",
    "skip": "`skip` bounds the rows aggregated: not converted (a subquery by hand)",
    "cursor": "`cursor` has no Drizzle form",
}
