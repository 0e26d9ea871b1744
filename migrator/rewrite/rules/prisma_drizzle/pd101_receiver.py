from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class Receiver(PrismaRule):
    """A call whose Prisma client cannot simply become the Drizzle client: a transaction client (`tx` in a `$transaction(async (tx) => …)` that PD016 does not convert: converted alone, the query would leave the transaction), a parameter or local variable, `this.prisma`, a name also bound locally.

    Never changes code.
    """

    code = "PD101"
    safety = "report"
