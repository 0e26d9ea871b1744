"""PD022: the value types a converted `$queryRaw` may still return differently from Prisma (a note on a converted site)."""

from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class RawResultTypes(PrismaRule):
    """A converted `$queryRaw` whose rows are used: the column values Prisma converts itself and drizzle's raw result may not.

    Never changes code; its finding sits on a site PD021 converted. prisma-compat's queryRaw gives
    the rows array, and with node-postgres turns bigint (count(*)) into BigInt and timestamp/
    timestamptz/date into Date, as Prisma does (tests/rewrite_ts/test_prisma_drizzle_aggregates.py);
    what still differs: numeric (Prisma's Decimal, a string here), time/interval/arrays of dates
    (text), and on SQLite an integer computed in the query (Prisma: BigInt; better-sqlite3: a number)
    and dates; postgres-js keeps its own types.
    """

    code = "PD022"
    note = True
    safety = "report"

    @staticmethod
    def reason(label: str) -> str:
        return (f"{label} converted to queryRaw(db, sql`…`); check the column types it returns: PostgreSQL numeric "
                f"stays a string (Prisma: Decimal), time/interval and date arrays stay text; on SQLite an integer "
                f"computed in the query (count(*)) is a number (Prisma: BigInt) and dates stay text; with postgres-js "
                f"bigint and dates keep the driver's types (with node-postgres they are converted as Prisma does)")
