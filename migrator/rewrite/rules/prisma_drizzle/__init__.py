"""The `prisma-drizzle` rule set: Prisma Client calls → Drizzle ORM relational queries (v1 API).

One rule per module, discovered: a module's `PrismaRule` subclasses (migrator.rewrite.typescript.convert)
are its rules. Operation rules (PD001–PD003) convert a call, clause rules (PD004–PD007) a part of
its argument; the report rules (PD100–PD103) name what is refused. `--list-rules` prints them.
"""

from __future__ import annotations

import sys


def rules() -> list[type]:
    from migrator.rewrite.typescript.convert import PrismaRule
    from migrator.rewrite.typescript.rulebase import discover

    return discover(sys.modules[__name__], PrismaRule)
