from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class UnsupportedOperation(PrismaRule):
    """A Prisma call no rule converts (createManyAndReturn/updateManyAndReturn, `$disconnect`, `$on`, …).

    Never changes code: every such site is listed with the operation, so none is silent.
    """

    code = "PD100"
    safety = "report"

    @staticmethod
    def reason(receiver: str, model: str, operation: str) -> str:
        path = [p for p in (receiver, "" if model in ("", "-", "unknown") else model, operation) if p]
        what = f"`{'.'.join(path)}()`"
        return (f"{what} is not converted: no rule converts `{operation}` (converted: find*, create, createMany, "
                f"update, updateMany, upsert, delete, deleteMany, count, aggregate, groupBy, $queryRaw, $executeRaw, "
                f"$transaction); rewrite it with Drizzle by hand")
