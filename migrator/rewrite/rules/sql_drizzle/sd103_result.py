from __future__ import annotations

from migrator.rewrite.sql_drizzle.rule import SqlRule


class Result(SqlRule):
    """A result whose shape the Drizzle call would change: the promise passed on or returned, a result object read other than `.rows`/`.rowCount`, better-sqlite3 outside an async function or `.run()`'s result used.

    Never changes code.
    """

    code = "SD103"
    safety = "report"
