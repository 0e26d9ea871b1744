from __future__ import annotations

from migrator.rewrite.sql_drizzle.rule import SqlRule


class Fallback(SqlRule):
    """SQL the query builder cannot say (functions, GROUP BY, subqueries, an unknown table or column): the finding gives the exact `db.execute(sql\\`…\\`)` and the reason; the call stays, since `db.execute` returns the driver's own result shape.

    Never changes code.
    """

    code = "SD101"
    safety = "report"
