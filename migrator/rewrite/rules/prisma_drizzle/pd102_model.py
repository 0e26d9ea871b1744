from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class UnmappedModel(PrismaRule):
    """The model has no table in the Drizzle schema (matched by physical table name), or the accessor is no model of the Prisma schema.

    Never changes code; port the table to the Drizzle schema first.
    """

    code = "PD102"
    safety = "report"
