from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class Transaction(PrismaRule):
    """`prisma.$transaction(async (tx) => { … })` → `db.transaction(async (tx) => { … })`, every `tx.model.op(…)` in it converted against `tx` (a throw still rolls back; the callback's value is the result); the array form `$transaction([a, b])` → `db.transaction(async (tx) => [await a′, await b′])` when every element converts.

    Converted only when every `tx` call in the callback converts and `tx` is used for nothing else
    (passed to a function, a raw query); otherwise the transaction and its calls stay, each with its
    finding. Refused: an array holding anything but Prisma calls, transaction options (isolationLevel,
    maxWait, timeout), a SQLite Drizzle schema (better-sqlite3's
    db.transaction() rejects an async callback), a callback that is not an inline async function of one plain parameter, a
    parameter with a Prisma type annotation.
    """

    code = "PD016"
