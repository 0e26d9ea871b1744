"""SA103: connectionless `engine.execute()`; with --unsafe, a statement that consumes its
result becomes `with engine.begin() as conn: … conn.execute(…) …`."""

from __future__ import annotations

from typing import Optional

import libcst as cst
import libcst.matchers as m

from migrator.rewrite.rules.sqlalchemy_20._core import CoreRule, parameters_problem, string_value
from migrator.rewrite.sessions import dotted

# Steps after execute() that leave nothing tied to the connection (the last one decides).
MATERIALIZE = {"fetchall", "fetchone", "fetchmany", "first", "one", "one_or_none", "scalar", "scalar_one",
               "scalar_one_or_none", "all", "rowcount", "lastrowid", "inserted_primary_key", "close", "keys"}
PASS_THROUGH = {"scalars", "mappings", "unique"}
CONSTRUCTS = {"select", "insert", "update", "delete", "text", "union", "union_all"}
STATEMENTS = (cst.Expr, cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Return)
CONNECTION_NAMES = ("conn", "connection", "db_conn")


class EngineExecute(CoreRule):
    """engine.execute() was removed in 2.0: use `with engine.begin() as conn: conn.execute(text(…))`"""

    code = "SA103"
    safety = "unsafe"
    needles = (".execute(",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._engines: set[str] = set()
        self._functions: list[cst.FunctionDef] = []
        self._module: Optional[cst.Module] = None
        self._plans: dict[int, tuple[cst.Call, str]] = {}  # id(statement line) -> (engine.execute call, connection name)
        self._planned: set[int] = set()  # id(call) of the calls being converted
        self._why: dict[int, str] = {}  # id(call) -> why it is not converted

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self._module = node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        self._functions.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._functions.pop()
        return super().leave_FunctionDef(original_node, updated_node)

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        if isinstance(node.value, cst.Call) and (dotted(node.value.func) or "").split(".")[-1] in ("create_engine", "engine_from_config"):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self._engines.add(target.target.value)

    def _receiver(self, node: cst.Call) -> Optional[str]:
        """The engine's dotted name when `node` is `<engine>.execute(…)`."""
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "execute"):
            return None
        receiver = dotted(func.value) or ""
        last = receiver.split(".")[-1]
        # An engine by assignment from create_engine(), or by name in a module that uses SQLAlchemy.
        if receiver in self._engines or (self.imports_orm_layer and (last == "engine" or last.endswith("_engine"))):
            return receiver
        return None

    def visit_Call(self, node: cst.Call) -> None:
        receiver = self._receiver(node)
        if receiver is None or (id(node) in self._planned and self.options.unsafe):
            return
        reason = (f"`{receiver}.execute()` (connectionless execution) was removed in 2.0; "
                  "use `with engine.begin() as conn: conn.execute(text(…))`")
        # Plans are made with or without --unsafe, so the finding says whether --unsafe would help.
        if id(node) in self._planned:
            reason += "; `--unsafe` rewrites this site"
        else:
            reason += f"; not converted, even with --unsafe: {self._why.get(id(node), 'not a statement of its own')}"
        self.report(node, reason)

    # -- --unsafe: plan in visit (before the calls are reported), rewrite in leave ----------------
    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        calls = [c for c in m.findall(node, m.Call(func=m.Attribute(attr=m.Name("execute")))) if self._receiver(c)]
        if len(calls) != 1:
            for call in calls:
                self._why[id(call)] = "several engine.execute() calls in one statement"
            return
        call = calls[0]
        why = self._problem(node, call)
        scope = self._functions[-1] if self._functions else self._module
        taken = {name.value for name in m.findall(scope, m.Name())} if scope is not None else set()
        conn = next((name for name in CONNECTION_NAMES if name not in taken), None)
        if why is None and conn is None:
            why = "no free name for the connection"
        if why is not None:
            self._why[id(call)] = why
            return
        self._plans[id(node)] = (call, conn)
        self._planned.add(id(call))

    def _problem(self, line: cst.SimpleStatementLine, call: cst.Call) -> Optional[str]:
        if len(line.body) != 1 or not isinstance(line.body[0], STATEMENTS):
            return "not a single assignment, expression or return statement"
        stmt = line.body[0]
        if m.findall(stmt, m.Lambda() | m.Yield() | m.Await()):
            return "inside a lambda, yield or await"
        if not _consumed(stmt, call):
            unused = (isinstance(stmt, cst.Expr) and stmt.value is call) or (
                isinstance(stmt, cst.Assign) and stmt.value is call and len(stmt.targets) == 1
                and isinstance(stmt.targets[0].target, cst.Name) and self._unused(stmt.targets[0].target.value))
            if not unused:
                return "the result object is used after this statement, so the connection would outlive the `with` block"
        first, params = (call.args[0], call.args[1:]) if call.args else (None, [])
        if first is None or first.keyword is not None or first.star:
            return "no positional SQL argument"
        sql = string_value(first.value)
        if sql is not None:
            why = parameters_problem(sql, params)
            if why is None and self.text_call(first.value) is None:
                why = "`text` is another name in this scope"
            return why
        if not _is_construct(first.value, self.text_name):
            return "the SQL argument is neither a string literal nor a statement construct"
        if params and not (len(params) == 1 and params[0].keyword is None and not params[0].star
                           and isinstance(params[0].value, (cst.Dict, cst.List))):
            return "parameters as several arguments or keywords; Connection.execute() takes one dict or list of dicts"
        return None

    def _unused(self, name: str) -> bool:
        return bool(self._functions) and len(m.findall(self._functions[-1], m.Name(name))) == 1

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine) -> cst.BaseStatement:
        plan = self._plans.get(id(original_node))
        if plan is None:
            return updated_node
        call, conn = plan
        first = call.args[0]
        if string_value(first.value) is not None:
            first = first.with_changes(value=self.text_call(first.value))
        assert isinstance(call.func, cst.Attribute)
        new_call = call.with_changes(func=call.func.with_changes(value=cst.Name(conn)), args=[first, *call.args[1:]])
        line = original_node.visit(_Swap(call, new_call))
        assert isinstance(line, cst.SimpleStatementLine)
        begin = cst.Call(func=cst.Attribute(value=call.func.value.deep_clone(), attr=cst.Name("begin")))
        return cst.With(
            items=[cst.WithItem(item=begin, asname=cst.AsName(name=cst.Name(conn)))],
            body=cst.IndentedBlock(body=[line.with_changes(leading_lines=())]),
            leading_lines=original_node.leading_lines,
        )


class _Swap(cst.CSTTransformer):
    def __init__(self, target: cst.Call, replacement: cst.Call) -> None:
        super().__init__()
        self.target, self.replacement = target, replacement

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self.replacement if original_node is self.target else updated_node


def _path(node: cst.CSTNode, target: cst.CSTNode) -> Optional[list[cst.CSTNode]]:
    if node is target:
        return [node]
    for child in node.children:
        found = _path(child, target)
        if found:
            return [node, *found]
    return None


def _consumed(stmt: cst.CSTNode, call: cst.Call) -> bool:
    """True when the statement reads the result to the end: `….fetchall()`, `….scalar()`, `.rowcount`…"""
    path = _path(stmt, call) or []
    node, i, steps = call, len(path) - 1, []
    while i >= 1 and isinstance(path[i - 1], cst.Attribute) and path[i - 1].value is node:
        attribute = path[i - 1]
        steps.append(attribute.attr.value)
        if i >= 2 and isinstance(path[i - 2], cst.Call) and path[i - 2].func is attribute:
            node, i = path[i - 2], i - 2
        else:
            node, i = attribute, i - 1
    return bool(steps) and steps[-1] in MATERIALIZE and all(step in PASS_THROUGH for step in steps[:-1])


def _is_construct(node: cst.BaseExpression, text_name: Optional[str]) -> bool:
    """`select(…)…`, `table.insert()…`, `text(…)` (any alias): a statement object, not a string."""
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value in CONSTRUCTS:
            return True
        node = node.func.value
    name = dotted(node.func) if isinstance(node, cst.Call) else None
    return name is not None and (name.split(".")[-1] in CONSTRUCTS or name == text_name)
