from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class Arguments(PrismaRule):
    """An argument the rewrite does not take apart: not an object literal (held in a variable), spreads, computed keys, `cursor`, `distinct`, `omit`, `relationLoadStrategy`, unknown keys, a Prisma call nested in another, names the Drizzle callbacks would capture.

    Never changes code.
    """

    code = "PD103"
    safety = "report"

    REASONS = {
        "cursor": "`cursor` (cursor pagination) has no Drizzle relational-query form: rewrite it as a `where` on the "
                  "ordered key by hand",
        "distinct": "`distinct` has no Drizzle relational-query form (Prisma de-duplicates in memory): use "
                    "db.selectDistinctOn(…) by hand",
        "omit": "`omit` → `columns: { field: false }` is not converted yet",
        "relationLoadStrategy": "`relationLoadStrategy` has no Drizzle equivalent (Drizzle always loads with one query)",
    }
