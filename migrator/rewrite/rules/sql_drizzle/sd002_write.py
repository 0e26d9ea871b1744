from __future__ import annotations

from migrator.rewrite.sql_drizzle.rule import SqlRule


class Write(SqlRule):
    """A literal INSERT … VALUES / UPDATE … SET / DELETE (with RETURNING) → `db.insert(t).values(…)`, `db.update(t).set(…)`, `db.delete(t)` with `.where(…)` and `.returning({ … })`.

    Converted where the result is unused, or read as the RETURNING rows; a row count read from the
    result (`rowCount`, `rowsAffected`) becomes the length of `.returning()`'s rows.
    """

    code = "SD002"
