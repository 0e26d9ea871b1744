from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class OrThrow(PrismaRule):
    """`prisma.user.findUniqueOrThrow({ … })` / `findFirstOrThrow` → the read as PD003/PD002 convert it, then `.then((row) => foundOrThrow(row, "User.findUniqueOrThrow"))` (P2025 when no row, as Prisma throws).

    Refused: what PD004–PD007 refuse.
    """

    code = "PD013"
    operations = ("findUniqueOrThrow", "findFirstOrThrow")
    target = "findFirst"
    null_for_none = False
    or_throw = True
