"""DB-API drivers used directly: SQL strings through cursor.execute/executemany (sqlite3,
psycopg, psycopg2, pymysql, aiosqlite) and asyncpg's fetch/fetchrow/fetchval/execute.

Model: the table after FROM/INTO/UPDATE/JOIN when the SQL is a literal; operation: the
statement's first keyword (select, insert, …), or the method when the SQL is not literal.
"""

from __future__ import annotations

from migrator.scan import Layer, register_layer
from migrator.scan.facts import Use
from migrator.scan.layers._python_chains import method_chain

METHODS = frozenset({"execute", "executemany", "executescript", "fetch", "fetchrow", "fetchval", "copy_expert"})


def interpret(use: Use) -> tuple[str, str] | None:
    chain = method_chain(use)
    if not chain or chain[0] not in METHODS:
        return None  # commit(), close(), fetchall() on a cursor: no statement of their own
    return use.model or "unknown", use.operation or chain[0]


LAYER = register_layer(
    Layer(
        name="dbapi",
        language="python",
        description="DB-API drivers: cursor.execute(\"SQL\") with sqlite3, psycopg, psycopg2, asyncpg",
        packages=("sqlite3", "psycopg", "psycopg2", "psycopg_pool", "asyncpg", "aiosqlite", "pymysql", "MySQLdb"),
        markers=(b"execute", b"fetch"),
        interpret=interpret,
    )
)
