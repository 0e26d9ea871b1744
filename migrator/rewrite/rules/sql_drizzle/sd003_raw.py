from __future__ import annotations

from migrator.rewrite.sql_drizzle.rule import SqlRule


class Raw(SqlRule):
    """SQL the query builder cannot say, through a Drizzle client of the same driver: libsql `client.execute(…)` → `db.run(sql\\`…\\`)`, better-sqlite3 `.prepare(…).all/get/run(…)` → `db.all/get/run(sql\\`…\\`)`, the driver's own result object.

    Drizzle's libsql `run()` returns the client's ResultSet, and its better-sqlite3 `all()`/`get()`/`run()`
    return the statement's rows, first row and RunResult synchronously: the same values, so the result
    may be used in any way. Parameters are bound with `sql.param()` (the template alone would expand an
    array and drop `undefined`).
    """

    code = "SD003"
