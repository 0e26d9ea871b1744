"""SA108: parameters as keywords, `conn.execute(stmt, id=5)`, become the one dict 1.x built from
them: `conn.execute(stmt, {"id": 5})` (2.0's Connection.execute takes no parameter keywords).

1.x `Connection.execute(statement, *multiparams, **params)` executed keyword-only parameters as
`[params]`; 2.0 takes that dict positionally. Only on a provable Connection (a Session's keywords
meant something else in 1.x); plain SQL strings are SA008's (it moves their keywords too).
Positional and keyword parameters together are a finding.
"""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules.sqlalchemy_20._core import CoreRule, is_runtime_string, keywords_as_dict, rebuilt_args, string_value


class ExecuteKeywords(CoreRule):
    """conn.execute(stmt, id=5) -> conn.execute(stmt, {"id": 5}) on a Connection"""

    code = "SA108"
    safety = "safe"
    needles = (".execute(",)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "execute" and len(updated_node.args) > 1):
            return updated_node
        first, params = updated_node.args[0], updated_node.args[1:]
        if first.keyword is not None or first.star or not any(p.keyword is not None or p.star == "**" for p in params):
            return updated_node
        if not self.is_connection(func.value) or string_value(first.value) is not None or is_runtime_string(first.value):
            return updated_node
        keywords = keywords_as_dict(params)
        if keywords is None:
            self.report(original_node, "positional and keyword parameters together: 2.0's Connection.execute() takes one "
                                       "dict (or a list of dicts); merge them into one dict by hand")
            return updated_node
        return updated_node.with_changes(args=rebuilt_args(first, params, [first, *keywords]))
