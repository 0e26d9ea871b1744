from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class FindMany(PrismaRule):
    """`prisma.user.findMany({ … })` → `db.query.users.findMany({ … })` (the argument by PD004–PD007).

    Refused: whatever a clause rule refuses, and an argument that is not an object literal.
    """

    code = "PD001"
    operations = ("findMany",)
    target = "findMany"
    null_for_none = False
