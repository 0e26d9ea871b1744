"""Drizzle ORM (TypeScript/JavaScript): the query builder, the relational query API and the `sql` tag.

`db.select().from(users)`, `db.insert(users)`, `db.update(t)`, `db.delete(t)` name their
table in an argument, which the analyzer passes on as the Use's model hint (the
identifier, `users`); `db.query.users.findMany()` names it in the chain. `sql\\`…\\``
imported from drizzle-orm is a site of its own, found by the analyzer in pass 1.
"""

from __future__ import annotations

from migrator.scan import Layer, register_layer
from migrator.scan.facts import Use
from migrator.scan.layers._operations import by_operation

# First chain member -> operation. Members that only prepare a query (`with`, `$with`)
# are skipped; anything else (`db.$client`, `db.toString`) is not a query.
OPERATIONS = {
    "select": "select", "selectDistinct": "select", "selectDistinctOn": "select",
    "insert": "insert", "update": "update", "delete": "delete",
    "execute": "execute", "run": "execute", "all": "execute", "get": "execute", "values": "execute",
    "transaction": "transaction", "batch": "batch", "$count": "count", "refreshMaterializedView": "refresh",
}
PREFIXES = frozenset({"with", "$with"})
# Operations that are about the whole client rather than one table.
NO_TABLE = frozenset({"transaction", "batch"})


def interpret(use: Use) -> tuple[str, str] | None:
    chain = use.chain
    i = 0
    while i < len(chain) and chain[i] in PREFIXES:
        i += 1
    if i >= len(chain):
        return None
    first = chain[i]
    if first == "query":
        # db.query.users.findMany(): the relational API names the table in the chain.
        if len(chain) > i + 2:
            return ("unknown" if chain[i + 1] == "[]" else chain[i + 1]), chain[i + 2]
        return None
    return by_operation(use, first, OPERATIONS, NO_TABLE)


LAYER = register_layer(
    Layer(
        name="drizzle",
        language="typescript",
        description="Drizzle ORM (drizzle-orm)",
        packages=("drizzle-orm",),
        markers=(b"drizzle-orm",),
        interpret=interpret,
        # The relational API's methods, and the builder's first members.
        operations=frozenset(OPERATIONS.values()) | {"findMany", "findFirst"},
    )
)
