from __future__ import annotations

from migrator.rewrite.typescript.convert import Context, PrismaRule, is_undefined, short


class TakeSkip(PrismaRule):
    """`take: n` → `limit: n`, `skip: n` → `offset: n`.

    Refused: a negative literal `take` (Prisma then reads backwards from the cursor/end), a literal
    `undefined`, `take` on findFirst/findUnique (Drizzle's findFirst always takes one row), and on a
    to-one relation.
    """

    code = "PD007"

    @classmethod
    def convert(cls, ctx: Context, key: str, node, label: str) -> tuple[str, str]:
        if is_undefined(node):
            raise cls.refuse(f"`{label}: undefined`: Prisma ignores it; remove it")
        text = node.text()
        if node.kind() == "unary_expression" and text.lstrip().startswith("-"):
            raise cls.refuse(f"`{label}: {short(text)}`: a negative {key} reads rows backwards in Prisma; Drizzle has "
                             f"no such form")
        if key == "take" and ctx.operation != "findMany" and label == "take":
            raise cls.refuse(f"`take` on {ctx.operation}: Drizzle's findFirst always reads one row")
        return ("limit" if key == "take" else "offset", text)
