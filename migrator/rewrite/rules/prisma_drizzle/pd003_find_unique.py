from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class FindUnique(PrismaRule):
    """`prisma.user.findUnique({ where: { id } })` → `db.query.users.findFirst({ where: … }).then((row) => row ?? null)`; a compound unique key `email_tenantId: { email, tenantId }` → `and(eq(…), eq(…))`.

    Refused: whatever a clause rule refuses (findUniqueOrThrow is not converted yet: PD100).
    """

    code = "PD003"
    operations = ("findUnique",)
    target = "findFirst"
    null_for_none = True
