"""SA113: `Query.select_entity_from()` was removed in 2.0; reported, never changed."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.rules.sqlalchemy_20._query import decompose, unfinished


class SelectEntityFrom(Rule):
    """Query.select_entity_from() was removed in 2.0: select from aliased(M, subquery) by hand"""

    code = "SA113"
    safety = "report"
    needles = (".select_entity_from(",)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "select_entity_from"):
            return
        if decompose(node) is not None or unfinished(func.value) is not None or self.imports_orm_layer:
            self.report(node, "Query.select_entity_from() was removed in 2.0: make the entity an alias of the "
                              "subquery, `m = aliased(M, subq)`, and use `select(m)` (or `.select_from(m)`) with "
                              "criteria on `m`; the subquery's columns are then adapted as select_entity_from did")
