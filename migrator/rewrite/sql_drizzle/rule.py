"""The base of every sql-drizzle rule (migrator/rewrite/rules/sql_drizzle/, one per module, discovered):
its code, safety and description (the docstring's first line), and the refusal that becomes a finding."""

from __future__ import annotations

from migrator.rewrite.typescript.rulebase import Refusal, RuleBase, discover  # noqa: F401 (Refusal: re-exported)


class SqlRule(RuleBase):
    """Base of every sql-drizzle rule."""


def rules() -> list[type]:
    from migrator.rewrite.rules import sql_drizzle as package

    return discover(package, SqlRule)
