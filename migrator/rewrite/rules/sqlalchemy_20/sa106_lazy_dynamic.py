"""SA106: `lazy="dynamic"` relationships are legacy in 2.0; reported, never changed."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.rules.sqlalchemy_20._report import keyword_value
from migrator.rewrite.sessions import dotted


class LazyDynamic(Rule):
    """relationship(…, lazy="dynamic") is legacy in 2.0: use lazy="write_only" with WriteOnlyMapped"""

    code = "SA106"
    safety = "report"
    needles = ("\"dynamic\"", "'dynamic'")

    def visit_Call(self, node: cst.Call) -> None:
        last = (dotted(node.func) or "").split(".")[-1]
        if not self.imports_orm_layer or last not in ("relationship", "backref", "dynamic_loader"):
            return
        value = keyword_value(node, "lazy")
        if last == "dynamic_loader" or (isinstance(value, (cst.SimpleString, cst.ConcatenatedString))
                                        and value.evaluated_value == "dynamic"):
            self.report(node, "lazy=\"dynamic\" (AppenderQuery) is legacy in 2.0 and does not work with select(): "
                              "annotate `WriteOnlyMapped[list[Target]]` with lazy=\"write_only\" and read through "
                              "`session.scalars(obj.collection.select())`")
