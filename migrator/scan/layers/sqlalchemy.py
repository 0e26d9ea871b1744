"""SQLAlchemy 2.0 style: the target layer of a 1.x -> 2.0 port.

One site per statement, where it is built: `select(…)`/`insert(…)`/`update(…)`/`delete(…)`
of sqlalchemy or sqlmodel (`sa.select`), a Core table's `t.select()`…, a write-only
relationship's `user.posts.select()`…, a subquery being a statement of its own; plus one per
`session.get(M, pk)` (also `get_one`, Flask-SQLAlchemy 3's `db.get_or_404(M, pk)`) and per
`execute(text("…"))`. Executing a statement adds no site: `session.scalars(stmt)` runs one
counted where it was built (in this file or another), and `db.paginate(stmt)`,
`db.first_or_404(stmt)` likewise.

The analyzer finds statements and text() itself (pass 1). Through a client reached from
another module, this layer reads a Use: `get` by primary key, and a statement built on a
client's member when the analyzer marked it so (Use.operation equal to the statement kind:
`user.followers.select()` on a member a class of the project declares write-only).
"""

from __future__ import annotations

from migrator.scan import Layer, register_layer
from migrator.scan.facts import Use
from migrator.scan.layers._python_chains import method_chain

# Session methods that load by primary key.
GET = {"get": "get", "get_one": "get", "get_or_404": "get"}
STATEMENTS = frozenset({"select", "insert", "update", "delete"})


def interpret(use: Use) -> tuple[str, str] | None:
    chain = method_chain(use)
    if not chain:
        return None
    if chain[0] in STATEMENTS and use.operation == chain[0]:
        return use.model or "unknown", chain[0]
    # A prefilled operation means SQL text was executed: plain strings are the legacy layer's.
    if use.operation is not None or chain[0] not in GET:
        return None
    return use.model or "unknown", GET[chain[0]]


LAYER = register_layer(
    Layer(
        name="sqlalchemy",
        language="python",
        description="SQLAlchemy 2.0: statements built with select()/insert()/update()/delete(), session.get, execute(text())",
        packages=("sqlalchemy", "sqlmodel", "flask_sqlalchemy"),
        # A file building statements imports sqlalchemy; one only running them calls these.
        markers=(b"sqlalchemy", b"execute(", b"scalars(", b"scalar(", b".get(", b".get_one(", b".exec(", b"stream",
                 b"get_or_404(", b".select()"),
        interpret=interpret,
    )
)
