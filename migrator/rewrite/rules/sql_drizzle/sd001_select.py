from __future__ import annotations

from migrator.rewrite.sql_drizzle.rule import SqlRule


class Select(SqlRule):
    """A literal SELECT (one table, inner/left joins; WHERE, ORDER BY, LIMIT/OFFSET) → `db.select({ … }).from(t)…`, rows keyed by the SQL's output names as the driver returned them.

    `const { rows } = await pool.query(…)` → `const rows = await db.select(…)…`; `res.rows` → `res` when
    every use of `res` is `.rows` (`.rowCount` → `.length`); postgres.js `sql\\`…\\`` rows as they are;
    better-sqlite3 `.all()` → `await …`, `.get()` → `await ….then((r) => r[0])` in an async function.
    """

    code = "SD001"
