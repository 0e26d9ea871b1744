"""SA002: `s.query(M)….all()` becomes `s.scalars(select(M)….).all()`."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules.sqlalchemy_20._query import (
    QueryChain, QueryRule, build_select, finish, runner_for, unique_for)


class QueryAll(QueryRule):
    """s.query(M)….all() -> s.scalars(select(M)….).all() (columns: s.execute(select(a, b)….).all())"""

    code = "SA002"
    safety = "safe"
    terminals = ("all",)
    needles = (".all(",)

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        if not self.convertible(original_node, chain):
            return original_node
        runner = runner_for(chain, self.options.entity_names)
        return finish(chain, runner, build_select(self, chain), "all", unique=unique_for(self, chain))
