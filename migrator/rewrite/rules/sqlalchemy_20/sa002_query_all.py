"""SA002: `s.query(M)….all()` becomes `s.scalars(select(M)….).all()`."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules.sqlalchemy_20._query import (
    QueryChain, QueryRule, build_select, decompose, finish, has_joined_eager, is_entity_query)

# Builder steps: a chain whose outermost call is one of these is not finished yet.
_BUILDERS = {"query", "filter", "filter_by", "where", "order_by", "limit", "offset", "join", "outerjoin", "group_by",
             "having", "distinct", "options", "select_from", "with_for_update", "execution_options", "populate_existing",
             "with_entities", "yield_per", "enable_eagerloads", "autoflush", "params"}


class QueryAll(QueryRule):
    """s.query(M)….all() -> s.scalars(select(M)….).all() (columns: s.execute(select(a, b)….).all())"""

    code = "SA002"
    safety = "safe"
    terminals = ("all",)
    needles = (".all(", ".query(")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._finished: set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        # Parents are visited before children: mark every query() whose chain ends here.
        chain = decompose(node)
        if chain is not None and chain.terminal not in _BUILDERS:
            self._finished.add(id(chain.query_call))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "query" and id(original_node) not in self._finished
                and self.is_session(func.value)):
            self.report(original_node, "query not finished in this expression (kept in a variable or iterated); "
                                       "not converted, as its other uses cannot be proven safe")
        return super().leave_Call(original_node, updated_node)

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        if not self.convertible(original_node, chain):
            return original_node
        runner = "scalars" if is_entity_query(chain) else "execute"
        return finish(chain, runner, build_select(self, chain), "all", unique=has_joined_eager(chain))
