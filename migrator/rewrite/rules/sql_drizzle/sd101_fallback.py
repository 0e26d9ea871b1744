from __future__ import annotations

from migrator.rewrite.sql_drizzle.rule import SqlRule


class Fallback(SqlRule):
    """SQL the query builder cannot say (functions, GROUP BY, subqueries, an unknown table or column): the finding gives the exact `db.execute(sql\\`…\\`)` and the reason; the call stays, since its result is not the driver call's.

    The finding states both shapes: node-postgres' `{ rows, rowCount }` with dates as strings (Drizzle's
    node-postgres client does not parse them), postgres.js' row array with dates as strings, libsql's
    ResultSet, better-sqlite3's synchronous values; the same driver on both sides for libsql and
    better-sqlite3 is SD003 instead. Never changes code.
    """

    code = "SD101"
    safety = "report"
