"""SA008: a plain SQL string executed on a Connection or Session becomes `text("…")` (or
`exec_driver_sql("…")` where that is what 1.x did and text() would differ).

Receivers: a provable Connection (`engine.connect()`, `engine.begin()`, a `Connection`
annotation, Alembic's `op.get_bind()`) or Session. The SQL: a string literal, or a name bound
once to one (in the same function, or at module level and never rebound). SQL built at run
time (f-string, `%`, `.format()`, `+`), directly or through a variable, is a finding with a
bind-parameter suggestion. Alembic's own `op.execute("…")` is left alone: Alembic wraps strings
in text() itself, in 1.x and 2.0 alike.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider

from migrator.rewrite.rules.sqlalchemy_20._core import (RUNTIME_ADVICE, CoreRule, is_runtime_string, rebuilt_args,
                                                         runtime_kind,                                                          string_value)


# Session.execute()'s own keywords in 2.0.
SESSION_KEYWORDS = ("params", "execution_options", "bind_arguments")


class ExecuteString(CoreRule):
    """conn.execute("SQL") / session.execute("SQL") (literal or a variable bound to one) -> text("SQL"), or exec_driver_sql where 1.x sent the string raw"""

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
        connection = self.is_connection(func.value)
        if not connection and self.is_engine(func.value):
            return updated_node  # connectionless engine.execute(): SA103's
        session = not connection and self.is_session(func.value)
        if not (session or connection):
            return updated_node
        if session and any(p.keyword is not None and p.keyword.value not in SESSION_KEYWORDS for p in params):
            self.report(original_node, "keyword arguments to Session.execute() were bind arguments in 1.4 (`mapper=`, "
                                       "`clause=`) and are refused in 2.0: pass them as `bind_arguments={…}`")
        value = first.value
        sql = string_value(value)
        via = ""
        if sql is None and isinstance(value, cst.Name):
            verdict, bound, detail = self.string_source(value)
            line = self.lazy_metadata_line(bound) if bound is not None else 0
            if verdict == "runtime":
                self.report(original_node, f"SQL string `{value.value}` is built at run time ({runtime_kind(bound.value)}, "
                                           f"line {line}) and passed to execute(), which takes no strings in 2.0; {RUNTIME_ADVICE}")
                return updated_node
            if verdict == "unproven":
                self.report(original_node, f"`{value.value}` holds a SQL string passed to execute(), which takes no strings in "
                                           f"2.0, but its value is not proven: {detail}; wrap it in text() by hand")
                return updated_node
            if verdict != "literal":
                return updated_node
            sql = string_value(bound)
            via = f" (`{value.value}`, bound to a string literal at line {line})"
        if sql is None:
            if is_runtime_string(value):
                self.report(original_node, f"SQL string built at run time ({runtime_kind(value)}) passed to execute(), "
                                           f"which takes no strings in 2.0; {RUNTIME_ADVICE}")
            return updated_node
        plan = self.string_execute(sql, value, params, session)
        if isinstance(plan, str):
            self.report(original_node, f"plain SQL string{via} passed to execute() (removed in 2.0): {plan}")
            return updated_node
        method, args = plan
        return updated_node.with_changes(func=func.with_changes(attr=cst.Name(method)), args=rebuilt_args(first, params, args))

    def lazy_metadata_line(self, node: cst.CSTNode) -> int:
        return self.lazy_metadata(PositionProvider, node).start.line
