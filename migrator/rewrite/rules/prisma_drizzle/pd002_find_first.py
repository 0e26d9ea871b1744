from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class FindFirst(PrismaRule):
    """`prisma.user.findFirst({ … })` → `db.query.users.findFirst({ … }).then((row) => row ?? null)` (Prisma gives null where Drizzle gives undefined).

    Refused: `take` (Drizzle's findFirst reads one row), and whatever a clause rule refuses.
    """

    code = "PD002"
    operations = ("findFirst",)
    target = "findFirst"
    null_for_none = True
