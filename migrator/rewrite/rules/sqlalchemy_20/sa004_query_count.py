"""SA004: `s.query(M)….count()` becomes a count over the statement as a subquery."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrator.rewrite.rules.sqlalchemy_20._query import QueryChain, QueryRule, build_select, method


class QueryCount(QueryRule):
    """s.query(M)….count() -> s.scalar(select(func.count()).select_from(select(M)….subquery()))"""

    code = "SA004"
    safety = "safe"
    terminals = ("count",)
    needles = (".count(",)
    imports_needed = ("select", "func")

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        if not self.convertible(original_node, chain, needs_runner=False):
            return original_node
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy", "func")
        # Query.count() is SELECT count(*) FROM (<query>): the same statement, spelled out.
        subquery = method(build_select(self, chain), "subquery")
        counter = cst.Call(cst.Name("select"), [cst.Arg(method(cst.Name("func"), "count"))])
        stmt = method(counter, "select_from", [cst.Arg(subquery)])
        return chain.terminal_call.with_changes(func=cst.Attribute(chain.receiver, cst.Name("scalar")), args=[cst.Arg(stmt)])
