"""The `prisma-drizzle` rule set: Prisma Client calls → Drizzle ORM relational queries (v1 API).

One rule per module, discovered: a module's `PrismaRule` subclasses (migrator.rewrite.typescript.convert)
are its rules. Operation rules (PD001–PD003) convert a call, clause rules (PD004–PD007) a part of
its argument; the report rules (PD100–PD103) name what is refused. `--list-rules` prints them.
"""

from __future__ import annotations

import importlib
import pkgutil


def rules() -> list[type]:
    from migrator.rewrite.typescript.convert import PrismaRule

    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, PrismaRule) and value is not PrismaRule and value.code:
                found[value.code] = value
    return [found[code] for code in sorted(found)]
