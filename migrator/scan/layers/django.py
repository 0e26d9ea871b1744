"""Django's ORM: `Model.objects.<op>(…)`. Model: the class; operation: the chain's terminal method."""

from __future__ import annotations

from migrator.scan import Layer, register_layer
from migrator.scan.facts import Use


def interpret(use: Use) -> tuple[str, str] | None:
    chain = use.chain
    if len(chain) >= 2 and chain[0] == "objects":
        return use.model or use.root, chain[-1]
    return None


LAYER = register_layer(
    Layer(
        name="django",
        language="python",
        description="Django ORM: Model.objects.filter(...)",
        packages=("django",),
        markers=(b".objects",),
        interpret=interpret,
    )
)
