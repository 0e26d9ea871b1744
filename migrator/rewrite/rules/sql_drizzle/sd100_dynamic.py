from __future__ import annotations

from migrator.rewrite.sql_drizzle.rule import SqlRule


class Dynamic(SqlRule):
    """SQL that is not one string literal (built with `+`, a template with substitutions, a variable) or parameters that are not an array literal: what runs is known only at run time.

    Never changes code.
    """

    code = "SD100"
    safety = "report"
