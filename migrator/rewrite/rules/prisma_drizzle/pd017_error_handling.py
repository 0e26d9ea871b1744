from __future__ import annotations

import re

from migrator.rewrite.typescript.convert import PrismaRule

PRISMA_ERROR = re.compile(r"\bP20\d\d\b|PrismaClient\w*Error|\bPrisma\.Prisma")


class ErrorHandling(PrismaRule):
    """A call whose errors a `catch` tests the Prisma way (`e.code === "P2002"`, `instanceof Prisma.PrismaClientKnownRequestError`): a try/catch around it, or `.catch(…)` on it.

    Never changes code: converted, the call would throw the driver's error (or prisma-compat's
    RecordNotFoundError) and the catch would silently stop matching. Rewrite the test with
    prisma-compat's isUniqueViolation() / isForeignKeyViolation() / isRecordNotFound() (they also
    recognize Prisma's codes' database causes), then rerun. A catch in a caller (another function)
    cannot be seen here.
    """

    code = "PD017"
    safety = "report"

    @classmethod
    def check(cls, call) -> None:
        """Refusal when a catch around `call` (or chained on it) tests a Prisma error."""
        node = call
        parent = node.parent()
        while parent is not None and parent.kind() in ("member_expression", "call_expression", "await_expression",
                                                         "parenthesized_expression"):
            if parent.kind() == "call_expression":
                fn = parent.field("function")
                if fn is not None and fn.kind() == "member_expression" and fn.field("property").text() in (
                        "catch", "then", "finally"):
                    args = parent.field("arguments")
                    if args is not None and PRISMA_ERROR.search(args.text()):
                        raise cls.refuse(cls._reason(PRISMA_ERROR.search(args.text()).group(0), "a `.catch`"))
            parent = parent.parent()
        for anc in call.ancestors():
            if anc.kind() != "try_statement":
                continue
            body = anc.field("body")
            if body is None or not (body.range().start.index <= call.range().start.index < body.range().end.index):
                continue
            handler = anc.field("handler")
            if handler is not None and PRISMA_ERROR.search(handler.text()):
                raise cls.refuse(cls._reason(PRISMA_ERROR.search(handler.text()).group(0), "the `catch` around it"))

    @staticmethod
    def _reason(what: str, where: str) -> str:
        return (f"{where} tests Prisma's error (`{what}`): Drizzle throws the driver's error instead, so the catch "
                f"would stop matching; test it with prisma-compat's isUniqueViolation() / isForeignKeyViolation() / "
                f"isRecordNotFound(), then rerun")
