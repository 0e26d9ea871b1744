from __future__ import annotations

from migrator.rewrite.sql_drizzle.rule import SqlRule


class Call(SqlRule):
    """A call the rewrite cannot take apart or place: no driver or several in the file (mysql2 is not converted), `exec`/`batch`/`transaction`, a prepared statement kept in a variable, a name the converted code needs that is already bound, SQL that does not parse.

    Never changes code.
    """

    code = "SD102"
    safety = "report"
