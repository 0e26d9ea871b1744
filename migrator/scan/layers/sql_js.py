"""Raw SQL from JavaScript: node-postgres, postgres.js, @libsql/client, better-sqlite3, mysql2, Neon.

`pool.query("SELECT … FROM users")`, `db.prepare(…).all()`, `client.execute(…)` and the
postgres.js tag `sql\\`…\\`` (the analyzer's chain element "``"). The model is the first
table named after FROM/INTO/UPDATE/JOIN in the literal SQL when the call has one (the
analyzer reads it in pass 1 with table_in_sql and passes it as the Use's model hint),
else "unknown".
"""

from __future__ import annotations

import re

from migrator.scan import Layer, register_layer
from migrator.scan.facts import Use
from migrator.scan.layers._operations import by_operation

TAGGED = "``"  # the analyzer's chain element for a tagged template: sql`…`

# First chain member -> operation.
OPERATIONS = {
    TAGGED: "sql", "unsafe": "sql", "file": "sql",  # postgres.js
    "query": "query", "execute": "execute", "batch": "batch", "executeMultiple": "execute",  # pg, libsql, mysql2
    "prepare": "prepare", "exec": "exec",  # better-sqlite3
    "begin": "transaction", "transaction": "transaction",
}

# Operations about the connection rather than one statement.
NO_TABLE = frozenset({"transaction"})

_NAME = r'(?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)'
_TABLE = re.compile(rf"\b(?:from|into|update|join)\s+({_NAME}(?:\s*\.\s*{_NAME})?)", re.IGNORECASE)
_QUOTES = str.maketrans("", "", '"`[] ')


def table_in_sql(text: str) -> str | None:
    """The first table named after FROM/INTO/UPDATE/JOIN in SQL text (quotes removed), or None."""
    match = _TABLE.search(text)
    return match.group(1).translate(_QUOTES) if match else None


def interpret(use: Use) -> tuple[str, str] | None:
    if not use.chain:
        return None
    return by_operation(use, use.chain[0], OPERATIONS, NO_TABLE)


LAYER = register_layer(
    Layer(
        name="sql-js",
        language="typescript",
        description="raw SQL clients for JavaScript (pg, postgres, @libsql/client, better-sqlite3, mysql2)",
        packages=("pg", "postgres", "@libsql/client", "better-sqlite3", "mysql2", "@neondatabase/serverless"),
        markers=(b"'pg'", b'"pg"', b"'postgres'", b'"postgres"', b"@libsql/client", b"better-sqlite3", b"mysql2",
                 b"@neondatabase/serverless"),
        interpret=interpret,
    )
)
