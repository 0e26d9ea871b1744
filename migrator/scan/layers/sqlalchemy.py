"""SQLAlchemy 2.0 style: statements built with select/insert/update/delete and executed
through Session.execute/scalars/scalar/get (or `text()`): the target layer of a 1.x -> 2.0 port.

The analyzer reads the statement itself (model: its first entity; operation: select,
insert, update, delete) when it sees it; through a client reached from another module the
chain alone is known, so the operation is the method (execute, scalars, get).
"""

from __future__ import annotations

from migrator.scan import Layer, register_layer
from migrator.scan.facts import Use
from migrator.scan.layers._python_chains import method_chain

# Session/Connection methods that run a statement object; get/get_one load by primary key.
METHODS = {
    "execute": "execute",
    "scalars": "scalars",
    "scalar": "scalar",
    "stream": "stream",
    "stream_scalars": "stream_scalars",
    "exec": "exec",  # SQLModel's Session.exec
    "get": "get",
    "get_one": "get",
}


def interpret(use: Use) -> tuple[str, str] | None:
    chain = method_chain(use)
    # A prefilled operation means SQL text was executed: plain strings are the legacy layer's.
    if not chain or use.operation is not None or chain[0] not in METHODS:
        return None
    return use.model or "unknown", METHODS[chain[0]]


LAYER = register_layer(
    Layer(
        name="sqlalchemy",
        language="python",
        description="SQLAlchemy 2.0: select()/insert()/update()/delete() through session.execute/scalars/get",
        packages=("sqlalchemy", "sqlmodel", "flask_sqlalchemy"),
        # A file building statements imports sqlalchemy; one only running them calls these.
        markers=(b"sqlalchemy", b"execute(", b"scalars(", b"scalar(", b".get(", b".get_one(", b".exec(", b"stream"),
        interpret=interpret,
    )
)
