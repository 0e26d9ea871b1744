from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule


class Receiver(PrismaRule):
    """A call whose Prisma client cannot simply become the Drizzle client: a transaction client (`tx` in a `$transaction(async (tx) => …)` that PD016 does not convert: converted alone, the query would leave the transaction), a parameter or local variable, a client whose extension or middleware changes what the standard operations do, a class-held client that is not provably the one PrismaClient instance.

    Never changes code. What keeps a client convertible (engine._receiver, engine._plain_client,
    typescript/clients.py): a module-level name, followed through imports, `export { a as b }` and
    re-exports to what it is built from; `$extends` components `model`/`client` (new methods; a method
    named like a standard operation refuses), known packages (read replicas, Accelerate without
    `cacheStrategy`, Optimize, Kysely), a project-local extension function read like an inline one.
    Refused, naming the component and its file:line: `query`, `result`, `$use`, an unknown package.
    `this.<member>` converts when the member is a constructor parameter property or a field typed as
    PrismaClient or a project subclass of it (or `= new PrismaClient()`), no decorator chooses it, the
    class never reassigns it, and no test of the project puts a double in its place; `this` in a
    class extending PrismaClient likewise.
    """

    code = "PD101"
    safety = "report"
