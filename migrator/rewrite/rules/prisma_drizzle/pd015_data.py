from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class Data(PrismaRule):
    """`data: { … }` of create/update/upsert → Drizzle's `.values({ … })` / `.set({ … })` with the Drizzle property keys; `{ increment: n }` (decrement, multiply, divide) → sql`${t.col} + ${n}`, `{ set: v }` → v.

    Refused: `data` held in a variable, spreads, computed keys, relation fields (nested
    create/connect/connectOrCreate/…: Drizzle has no nested writes), object values other than one
    update operator (Json values), fields the Drizzle table lacks, an empty update.
    """

    code = "PD015"
