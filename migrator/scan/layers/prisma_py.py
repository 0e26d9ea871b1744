"""prisma-client-py: `await db.user.find_many(…)` on a `Prisma()` client, and
`User.prisma().find_many(…)` on a generated model class. Model: the delegate (`user`) or
the class; operation: the action."""

from __future__ import annotations

from migrator.scan import Layer, register_layer
from migrator.scan.facts import Use

ACTIONS = frozenset(
    """find_many find_unique find_unique_or_raise find_first find_first_or_raise create create_many
    update update_many upsert delete delete_many count group_by""".split()
)
RAW = frozenset({"query_raw", "query_first", "execute_raw"})  # SQL through the client: no model


def interpret(use: Use) -> tuple[str, str] | None:
    chain = use.chain
    if len(chain) >= 2 and chain[0] == "prisma" and chain[1] in ACTIONS:
        return use.root, chain[1]  # User.prisma().find_many()
    if len(chain) >= 2 and chain[1] in ACTIONS:
        return chain[0], chain[1]
    if chain and chain[0] in RAW:
        return use.model or "unknown", chain[0]
    return None


LAYER = register_layer(
    Layer(
        name="prisma-py",
        language="python",
        description="prisma-client-py: await db.user.find_many(...)",
        packages=("prisma",),
        # A file calling a delegate names its action; _many/_unique/_first cover the finders.
        markers=(b"prisma", b"find_", b".create", b".update", b".delete", b".upsert", b".count", b"group_by", b"_raw"),
        interpret=interpret,
    )
)
