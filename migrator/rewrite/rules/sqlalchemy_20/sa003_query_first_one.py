"""SA003: `.first()`, `.one()`, `.one_or_none()` of a Query become their 2.0 result forms."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules.sqlalchemy_20._query import (
    QueryChain, QueryRule, build_select, finish, method, runner_for, unique_for)


class QueryFirstOne(QueryRule):
    """s.query(M)….first() -> s.scalars(select(M)….limit(1)).first(); .one()/.one_or_none() likewise"""

    code = "SA003"
    safety = "safe"
    terminals = ("first", "one", "one_or_none")
    needles = (".first(", ".one(", ".one_or_none(")

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        if not self.convertible(original_node, chain):
            return original_node
        stmt = build_select(self, chain)
        if chain.terminal == "first":
            # Query.first() applies LIMIT 1 itself; the statement has to say it now.
            stmt = method(stmt, "limit", [cst.Arg(cst.Integer("1"))])
        runner = runner_for(chain, self.options.entity_names)
        return finish(chain, runner, stmt, chain.terminal, unique=unique_for(self, chain))
