"""SA104: the legacy `Query.join()` forms removed in 2.0 (aliased=True, from_joinpoint=True, relationship
names as strings, `(target, onclause)` tuples, several targets in one call); reported, never changed."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.rules.sqlalchemy_20._query import decompose, unfinished
from migrator.rewrite.rules.sqlalchemy_20._report import keyword_value


class JoinAliased(Rule):
    """Query.join(…, aliased=True) and the other legacy join forms were removed in 2.0: join to an explicit aliased(Target)"""

    code = "SA104"
    safety = "report"
    needles = ("aliased=", "from_joinpoint=", "join(")

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in ("join", "outerjoin")):
            return
        method = func.attr.value
        query = decompose(node) is not None or unfinished(func.value) is not None
        if _true(keyword_value(node, "aliased")):
            if query or self.is_session(func.value) or self.imports_orm_layer:
                self.report(node, f"`.{method}(…, aliased=True)` was removed in 2.0: create `alias = aliased(Target)`, "
                                  f"join with `.{method}(alias, onclause)` and filter on `alias` instead")
            return
        if _true(keyword_value(node, "from_joinpoint")):
            if query or self.imports_orm_layer:
                self.report(node, f"`.{method}(…, from_joinpoint=True)` was removed in 2.0: join from the previous "
                                  f"target explicitly, `.{method}(Previous.relationship)` (with of_type(alias) for an alias)")
            return
        if not query:
            return  # `", ".join(…)`, os.path.join(…): only a Query's join is judged by its arguments
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if any(isinstance(a.value, (cst.SimpleString, cst.ConcatenatedString)) for a in positional):
            self.report(node, f"`.{method}(\"name\")`: relationship names as strings were removed in 2.0; "
                              f"join to the attribute, `.{method}(Parent.relationship)`")
        elif any(isinstance(a.value, cst.Tuple) for a in positional):
            self.report(node, f"`.{method}((target, onclause))`: the tuple form was removed in 2.0; "
                              f"pass them as two arguments, `.{method}(target, onclause)`")
        elif len(positional) > 2:
            self.report(node, f"`.{method}()` along several relationships in one call was removed in 2.0; "
                              f"chain one `.{method}()` per relationship")


def _true(value) -> bool:
    return value is not None and not (isinstance(value, cst.Name) and value.value in ("False", "None"))
