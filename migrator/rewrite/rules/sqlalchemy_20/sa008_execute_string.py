"""SA008: a plain SQL string executed on a Connection or Session becomes `text("…")`."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules.sqlalchemy_20._core import CoreRule, is_runtime_string, parameters_problem, string_value


class ExecuteString(CoreRule):
    """conn.execute("SQL") / session.execute("SQL") -> conn.execute(text("SQL")) when the binds allow"""

    code = "SA008"
    safety = "safe"
    needles = (".execute(",)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "execute" and updated_node.args):
            return updated_node
        first, params = updated_node.args[0], updated_node.args[1:]
        if first.keyword is not None or first.star:
            return updated_node
        if not (self.is_connection(func.value) or self.is_session(func.value)):
            return updated_node
        sql = string_value(first.value)
        if sql is None:
            if is_runtime_string(first.value):
                self.report(original_node, "SQL string built at run time (f-string, + or format); "
                                           "use text() with :name bind parameters instead of interpolation")
            return updated_node
        why = parameters_problem(sql, params)
        if why is None:
            wrapped = self.text_call(first.value)
            if wrapped is not None:
                return updated_node.with_changes(args=[first.with_changes(value=wrapped), *params])
            why = "`text` is another name in this scope; wrap the SQL in sqlalchemy.text() by hand"
        self.report(original_node, f"plain SQL string passed to execute() (removed in 2.0): {why}")
        return updated_node
