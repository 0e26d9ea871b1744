"""SA002: `s.query(M)….all()` becomes `s.scalars(select(M)….).all()`."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules.sqlalchemy_20._query import (
    QueryChain, QueryRule, build_select, finish, has_joined_eager, is_entity_query)


class QueryAll(QueryRule):
    """s.query(M)….all() -> s.scalars(select(M)….).all() (columns: s.execute(select(a, b)….).all())"""

    code = "SA002"
    safety = "safe"
    terminals = ("all",)
    needles = (".all(",)

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        if not self.convertible(original_node, chain):
            return original_node
        runner = "scalars" if is_entity_query(chain) else "execute"
        return finish(chain, runner, build_select(self, chain), "all", unique=has_joined_eager(chain))
