"""SA101–SA102: legacy forms with no mechanical 2.0 equivalent; reported, never changed (SA103: sa103_engine_execute)."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.rules.sqlalchemy_20._query import decompose


class FromSelf(Rule):
    """Query.from_self() was removed in 2.0: rewrite with an explicit subquery and aliased()"""

    code = "SA101"
    safety = "report"
    needles = (".from_self(",)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "from_self" and decompose(node) is not None:
            self.report(node, "Query.from_self() was removed in 2.0; select from `stmt.subquery()` with aliased()")


class QueryScalar(Rule):
    """Query.scalar(): the 2.0 form depends on whether one row is guaranteed"""

    code = "SA102"
    safety = "report"
    needles = (".scalar(",)
    required = (".query(",)

    def visit_Call(self, node: cst.Call) -> None:
        chain = decompose(node)
        if chain is not None and chain.terminal == "scalar" and (self.is_session(chain.receiver) or self.imports_orm_layer):
            self.report(node, "Query.scalar() raises on several rows; use s.scalar(select(…)) or s.execute(…).scalar_one_or_none()")
