"""The SQLAlchemy 1.x API that 2.0 removes or deprecates: the legacy layer of a 1.x -> 2.0 port.

- `session.query(Model)…` and Flask-SQLAlchemy's `Model.query…`: model from the query's
  first entity (or the model class), operation the chain's terminal method (all, first,
  one, get, count, update, filter when the query is finished elsewhere);
- `engine.execute("SQL")`, `session.execute("SQL")`: plain SQL strings executed without
  `text()`; model the table the SQL names, operation its first keyword;
- `select([…])` with a list (found by the analyzer itself, never through a client).
"""

from __future__ import annotations

from migrator.scan import Layer, register_layer
from migrator.scan.facts import Use
from migrator.scan.layers._python_chains import is_model_name, method_chain

EXECUTE = frozenset({"execute", "scalar"})  # Engine/Connection/Session methods that took plain strings in 1.x


def interpret(use: Use) -> tuple[str, str] | None:
    chain = method_chain(use)
    if not chain:
        return None
    if chain[0] == "query":
        # session.query(M)… has its model prefilled; Flask's M.query… is rooted at the model.
        model = use.model or (use.root if is_model_name(use.root) else "unknown")
        return model, chain[-1] if len(chain) > 1 else "query"
    if chain[0] in EXECUTE and use.operation is not None:
        return use.model or "unknown", use.operation
    return None


LAYER = register_layer(
    Layer(
        name="sqlalchemy-legacy",
        language="python",
        description="SQLAlchemy 1.x: session.query(), Model.query, select([...]), engine.execute(\"SQL\")",
        packages=("sqlalchemy", "flask_sqlalchemy"),
        # query( / .query. for Query chains, select([ for list selects, execute( for plain strings.
        markers=(b".query", b"select([", b"execute("),
        interpret=interpret,
    )
)
