from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class Data(PrismaRule):
    """`data: { … }` of create/update/upsert → Drizzle's `.values({ … })` / `.set({ … })` with the Drizzle property keys; `{ increment: n }` (decrement, multiply, divide) → sql`${t.col} + ${n}`, `{ set: v }` → v.

    `relation: { connect: { id: v } }` of create/update on the side holding the foreign key, naming
    exactly the fields it references → the foreign key (`authorId: v`), the write run by prisma-compat's
    `afterConnect` once a read finds the connected row (Prisma throws P2025 "No record found for a
    nested connect"; the foreign key alone would give 23503, or nothing on SQLite without foreign_keys).
    `v` must be a name, a property path or a literal (it is read twice). In createMany's rows, a spread
    (`{ ...row, title }`) is kept when the model's rows may pass as they are (PD009).

    Refused: `data` held in a variable and spreads in create/update/upsert (they may hold nested writes
    Prisma performs and Drizzle would drop), computed keys, other relation writes (create,
    connectOrCreate, disconnect, set, a connect by another unique or on the back side: Drizzle has no
    nested writes), a field given both directly and by `connect`, object values other than one update
    operator on a field that is not Json, fields the Drizzle table lacks, an empty update. A Json
    field's object or array literal is its value (write.json_column says when the Drizzle column writes
    it as Prisma does); a bare null, Prisma.JsonNull/DbNull/AnyNull are refused.
    """

    code = "PD015"
