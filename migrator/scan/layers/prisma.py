"""Prisma Client (TypeScript/JavaScript): `db.user.findMany(…)`, `db.$transaction(…)`, ``db.$queryRaw`…` ``.

A Prisma client's first member is a model delegate named as the client spells it
(`tutorProfile` for `model TutorProfile`), kept as written so a report matches the code;
the second is the operation. Members starting with `$` are client methods (transactions,
raw queries, connection handling) that belong to no model.
"""

from __future__ import annotations

from migrator.scan import Layer, register_layer
from migrator.scan.facts import Use

DYNAMIC = "[]"  # the analyzer's chain element for a computed member: db[model]

# Prisma Client's model delegate methods and client methods (docs: Prisma Client API reference).
OPERATIONS = frozenset({
    "findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany", "create", "createMany",
    "createManyAndReturn", "update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany",
    "count", "aggregate", "groupBy", "findRaw", "aggregateRaw",
    "$transaction", "$queryRaw", "$executeRaw", "$queryRawUnsafe", "$executeRawUnsafe", "$queryRawTyped",
    "$runCommandRaw", "$connect", "$disconnect", "$on", "$use", "$extends",
})


def interpret(use: Use) -> tuple[str, str] | None:
    chain = use.chain
    if not chain:
        return None
    first = chain[0]
    if first.startswith("$"):
        return "-", first
    if len(chain) < 2:
        return None  # `db.user` alone, `db.toString`: not a query yet
    model = "unknown" if first == DYNAMIC else first
    return model, chain[1]


LAYER = register_layer(
    Layer(
        name="prisma",
        language="typescript",
        description="Prisma Client (@prisma/client or a generated client)",
        packages=("@prisma/client",),
        markers=(b"@prisma/client", b"PrismaClient"),
        interpret=interpret,
        operations=OPERATIONS,
    )
)
