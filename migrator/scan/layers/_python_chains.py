"""What the Python layers share when they read a Use: the prefixes a client is reached through.

The Python analyzer (migrator.scan.analyzers.python) fills a Use this way, and the layers
rely on it:
- model: what it read from the call's arguments — the first entity of `query(…)`, of an
  executed `select(…)`, of `get(Model, pk)`, or the table named by SQL text; None when the
  arguments name nothing (the layer then reads the chain, e.g. `User.query…` -> "User").
- operation: set only when the executed argument was SQL text (`execute("SELECT …")`): the
  statement's first keyword, lower case. That is how a plain-string execute (legacy on a
  SQLAlchemy client, removed in 2.0) is told from one of a statement object.
"""

from __future__ import annotations

from migrator.scan.facts import Use

# Attributes a client is reached through before the call that matters:
# Flask-SQLAlchemy's `db.session.query(…)`, a DB-API `conn.cursor().execute(…)`.
THROUGH = frozenset({"session", "cursor", "connection"})


def method_chain(use: Use) -> tuple[str, ...]:
    """The chain without the attributes a client is reached through."""
    chain = use.chain
    while chain and chain[0] in THROUGH:
        chain = chain[1:]
    return chain


def is_model_name(name: str) -> bool:
    """Model classes are CamelCase by convention; clients and sessions are not."""
    return name[:1].isupper()
