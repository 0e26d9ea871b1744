"""SA104: `Query.join(…, aliased=True)` was removed in 2.0; reported, never changed."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.rules.sqlalchemy_20._query import decompose
from migrator.rewrite.rules.sqlalchemy_20._report import keyword_value


class JoinAliased(Rule):
    """Query.join(…, aliased=True) was removed in 2.0: join to an explicit aliased(Target)"""

    code = "SA104"
    safety = "report"
    needles = ("aliased=",)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in ("join", "outerjoin")):
            return
        value = keyword_value(node, "aliased")
        if value is None or (isinstance(value, cst.Name) and value.value == "False"):
            return
        if decompose(node) is not None or self.is_session(func.value) or self.imports_orm_layer:
            self.report(node, f"`.{func.attr.value}(…, aliased=True)` was removed in 2.0: create `alias = aliased(Target)`, "
                              f"join with `.{func.attr.value}(alias, onclause)` and filter on `alias` instead")
