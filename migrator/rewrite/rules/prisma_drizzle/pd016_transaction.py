from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class Transaction(PrismaRule):
    """`prisma.$transaction(async (tx) => { … })` → `db.transaction(async (tx) => { … })`, every `tx.model.op(…)` in it converted against `tx` (a throw still rolls back; the callback's value is the result); the array form `$transaction([a, b])` → `db.transaction(async (tx) => [await a′, await b′])` when every element converts; `{ isolationLevel }` → Drizzle's config (PostgreSQL).

    Converted only when every `tx` call in the callback converts and `tx` is used for nothing else
    (passed to a function, a raw query); otherwise the transaction and its calls stay, each with its
    finding. Options: `isolationLevel` ("Serializable" or Prisma.TransactionIsolationLevel.X) becomes
    pg-core's "read uncommitted" / "read committed" / "repeatable read" / "serializable" on a
    PostgreSQL Drizzle schema; `timeout` and `maxWait` have no Drizzle equivalent and refuse, as do
    options not written out as an object literal and SQL Server's Snapshot. Refused too: an array
    holding anything but Prisma calls, a SQLite Drizzle schema unless the Drizzle client module imports
    drizzle-orm/libsql (better-sqlite3's db.transaction() rejects an async callback; an unknown driver,
    d1 or sqlite-proxy is not proven), an isolation level on SQLite, a callback that is not an inline async function of one plain
    parameter, a parameter with a Prisma type annotation.
    """

    code = "PD016"
