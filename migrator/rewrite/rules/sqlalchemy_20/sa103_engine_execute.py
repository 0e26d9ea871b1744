"""SA103: connectionless `engine.execute()`; with --unsafe, converted to a `with` block on a
connection where the block provably spans every use of the result.

1.x ran `engine.execute(stmt)` on a connection of its own and committed it when 1.x's autocommit
rule said the statement wrote (INSERT/UPDATE/DELETE constructs, text starting with UPDATE,
INSERT, CREATE, DELETE, DROP or ALTER); a SELECT was never committed. So a write becomes
`with engine.begin() as conn:` (commit at the end of the block, which holds only that statement)
and a read `with engine.connect() as conn:` (rolled back on close, as 1.x did). The block holds:
- the statement alone, when the result does not outlive it: consumed in it (`.scalar()`,
  `.fetchall()`, `.rowcount`…, iterated by a list/set/dict comprehension or `list(…)`), discarded,
  or assigned to a name used nowhere else; for a write, also when the name is later read only for
  `rowcount`/`inserted_primary_key`/`lastrowid` (available after the connection closes, as in 1.x);
- for a read kept in a name (`result = engine.execute(select(…))`), the statements of the same
  block from the call through the last use of that name, when every use is in them, reads the
  result (`result.fetchall()`, `for row in result`), and no other engine.execute() is among them;
- `for row in engine.execute(…):` (a read) with its loop.
Anything else is a finding that says which condition failed.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst
import libcst.matchers as m
from libcst.metadata import PositionProvider

from migrator.rewrite.rules.sqlalchemy_20._core import (RUNTIME_ADVICE, CoreRule, autocommits, is_runtime_string,
                                                         keywords_as_dict, rebuilt_args, runtime_kind, scope_bindings, string_value)
from migrator.rewrite.sessions import dotted

# Steps after execute() that leave nothing tied to the connection (the last one decides).
MATERIALIZE = {"fetchall", "fetchone", "fetchmany", "first", "one", "one_or_none", "scalar", "scalar_one",
               "scalar_one_or_none", "all", "rowcount", "lastrowid", "inserted_primary_key", "close", "keys"}
PASS_THROUGH = {"scalars", "mappings", "unique"}
# What a write's result still answers after its connection is closed (1.x closed it at once as well).
WRITE_ATTRIBUTES = {"rowcount", "inserted_primary_key", "lastrowid", "close"}
CONSUMERS = {"list", "tuple", "set", "sorted", "frozenset"}
CONSTRUCTS = {"select", "insert", "update", "delete", "text", "union", "union_all"}
STATEMENTS = (cst.Expr, cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Return)
CONNECTION_NAMES = ("conn", "connection", "db_conn")
EXECUTE = m.Call(func=m.Attribute(attr=m.Name("execute")))


class EngineExecute(CoreRule):
    """engine.execute() was removed in 2.0: `with engine.connect() as conn:` (reads) / `engine.begin()` (writes)"""

    code = "SA103"
    safety = "unsafe"
    needles = (".execute(",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._engines: set[str] = set()
        # id(original block) -> [(first index, last index, call, connection name, "connect" | "begin")]
        self._blocks: dict[int, list[tuple[int, int, cst.Call, str, str]]] = {}
        self._planned: dict[int, str] = {}  # id(call) -> connection name
        self._why: dict[int, str] = {}  # id(call) -> why it is not converted
        self._spans: list[tuple[list, int, int, str]] = []  # (block body, first, last, connection name) of each plan
        self._taken_spans: dict[int, list[tuple[int, int]]] = {}  # id(block) -> (first, last) of its plans
        self._module_index: dict[int, int] = {}
        self._receivers: dict[int, cst.BaseExpression] = {}  # id(planned call) -> its (updated) engine expression

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        if isinstance(node.value, cst.Call) and (dotted(node.value.func) or "").split(".")[-1] in ("create_engine", "engine_from_config"):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self._engines.add(target.target.value)

    def _receiver(self, node: cst.CSTNode) -> Optional[str]:
        """The engine's dotted name when `node` is `<engine>.execute(…)`."""
        if not isinstance(node, cst.Call):
            return None
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "execute"):
            return None
        receiver = dotted(func.value) or ""
        last = receiver.split(".")[-1]
        # An engine by assignment from create_engine(), or by name in a module that uses SQLAlchemy.
        if receiver in self._engines or (self.imports_orm_layer and (last == "engine" or last.endswith("_engine"))):
            return receiver
        if receiver and self.is_engine(func.value):
            return receiver
        return None

    def _sites(self, node: cst.CSTNode) -> list[cst.Call]:
        return [c for c in m.findall(node, EXECUTE) if isinstance(c, cst.Call) and self._receiver(c)]

    def visit_Call(self, node: cst.Call) -> None:
        receiver = self._receiver(node)
        if receiver is None or (id(node) in self._planned and self.options.unsafe):
            return
        reason = (f"`{receiver}.execute()` (connectionless execution) was removed in 2.0; use "
                  f"`with {receiver}.connect() as conn:` for a read or `with {receiver}.begin() as conn:` for a write")
        # Plans are made with or without --unsafe, so the finding says whether --unsafe would help.
        if id(node) in self._planned:
            reason += "; `--unsafe` rewrites this site"
        else:
            reason += f"; not converted, even with --unsafe: {self._why.get(id(node), 'not a statement of its own')}"
        self.report(node, reason)

    # -- planning, on the original tree (before the calls are reported) -----------------
    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self._module_index = {id(stmt): index for index, stmt in enumerate(node.body)}

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._plan_block(node, list(node.body))

    # Module-level statements are planned one by one as they are reached: the imports and
    # `engine = create_engine(…)` above them are known only then.
    def _plan_module_statement(self, node: cst.CSTNode) -> None:
        index = self._module_index.get(id(node))
        if index is not None and self.module_node.body[index] is node:
            self._plan_block(self.module_node, list(self.module_node.body), only=index)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._plan_module_statement(node)

    def visit_For(self, node: cst.For) -> None:
        super().visit_For(node)
        self._plan_module_statement(node)

    def visit_If(self, node: cst.If) -> None:
        self._plan_module_statement(node)

    def visit_While(self, node: cst.While) -> None:
        self._plan_module_statement(node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        for call in self._sites(node):
            self._why.setdefault(id(call), "on the same line as its `if`/`for`/`def`…: put the statement on a line of its own")

    def _line(self, node: cst.CSTNode) -> int:
        return self.lazy_metadata(PositionProvider, node).start.line

    def _plan_block(self, block: cst.CSTNode, body: list, only: Optional[int] = None) -> None:
        function = self._function_of(block)
        taken_spans = self._taken_spans.setdefault(id(block), [])
        for index, stmt in enumerate(body):
            if only is not None and index != only:
                continue
            header = _header(stmt)
            calls = [c for part in header for c in self._sites(part)]
            if not calls:
                continue
            if len(calls) > 1:
                for call in calls:
                    self._why[id(call)] = "several engine.execute() calls in one statement"
                continue
            call = calls[0]
            if any(lo <= index <= hi for lo, hi in taken_spans):
                self._why[id(call)] = "inside the block planned for an earlier engine.execute()"
                continue
            plan = self._plan(body, index, stmt, call, function)
            if not isinstance(plan, str) and function is None and self._in_class(block):
                plan = "in a class body, where the `with` block's connection name would become a class attribute"
            if isinstance(plan, str):
                self._why[id(call)] = plan
                continue
            last, method = plan
            taken = {n.value for n in m.findall(function or self.module_node, m.Name()) if isinstance(n, cst.Name)}
            # The connection of an enclosing planned block stays in use around this one.
            taken |= {name for outer, lo, hi, name in self._spans
                      if any(_contains(outer[k], block) for k in range(lo, hi + 1))}
            conn = next((name for name in CONNECTION_NAMES if name not in taken), None)
            if conn is None:
                self._why[id(call)] = "no free name for the connection (conn, connection, db_conn are all taken)"
                continue
            self._blocks.setdefault(id(block), []).append((index, last, call, conn, method))
            self._planned[id(call)] = conn
            self._spans.append((body, index, last, conn))
            taken_spans.append((index, last))

    def _in_class(self, block: cst.CSTNode) -> bool:
        return not isinstance(block, cst.Module) and isinstance(self.parent(block), cst.ClassDef)

    def _function_of(self, block: cst.CSTNode) -> Optional[cst.FunctionDef]:
        """The function whose body (not a nested class's) holds `block`; None at module or class level."""
        node: Optional[cst.CSTNode] = block
        while node is not None and not isinstance(node, cst.Module):
            node = self.parent(node)
            if isinstance(node, cst.FunctionDef):
                return node
            if isinstance(node, cst.ClassDef):
                return None
        return None

    def _plan(self, body: list, index: int, stmt: cst.CSTNode, call: cst.Call,
              function: Optional[cst.FunctionDef]) -> "tuple[int, str] | str":
        """(index of the last statement the block holds, "connect" | "begin"), or why not."""
        if isinstance(stmt, cst.SimpleStatementLine):
            if len(stmt.body) != 1 or not isinstance(stmt.body[0], STATEMENTS):
                return "not a single assignment, expression or return statement"
            small: cst.CSTNode = stmt.body[0]
        elif isinstance(stmt, cst.For) and _contains(stmt.iter, call):
            small = stmt
        elif isinstance(stmt, (cst.If, cst.While)):
            kind = "an `if`" if isinstance(stmt, cst.If) else "a `while`"
            return (f"in {kind} condition: the block would also hold its body; assign the value to a name on the "
                    "line before (`value = engine.execute(…).scalar()`)")
        else:
            return "in the header of a `with` or other compound statement"
        if m.findall(small if not isinstance(small, cst.For) else small.iter, m.Lambda() | m.Yield() | m.Await()):
            return "inside a lambda, yield or await"
        why = self._sql_problem(call)
        if why is not None:
            return why
        first = call.args[0].value
        resolved = first
        if isinstance(first, cst.Name):
            verdict, bound, _ = self.string_source(first)
            if verdict == "literal" and bound is not None:
                resolved = bound
            else:
                resolved = self.single_value(first) or first
        writes = autocommits(resolved, self.text_name)
        if writes is None:
            return ("cannot tell whether 1.x autocommitted this statement (it committed INSERT/UPDATE/DELETE and text "
                    "starting with UPDATE, INSERT, CREATE, DELETE, DROP or ALTER): write `with engine.begin()` (it writes) "
                    "or `with engine.connect()` (it reads) by hand")
        method = "begin" if writes else "connect"
        repeated = _in_repetition(small, call)
        if repeated and writes:
            return (f"executed once per item of {repeated}: 1.x committed each execution at once, one "
                    "`engine.begin()` block would commit them together at its end")
        if isinstance(small, cst.For):
            if writes:
                return "a write iterated by a `for` loop: the loop body would run before the commit"
            return index, method
        if _consumed(small, call):
            return index, method
        if isinstance(small, cst.Expr) and small.value is call:
            return index, method  # the result is discarded
        if isinstance(small, cst.Return):
            return "the result object is returned, so it would be read after the connection closes; return `….fetchall()` or similar"
        if _lazily_iterated(small, call):
            return ("iterated lazily by a generator expression, which may run after the connection closes; "
                    "use a list comprehension")
        if isinstance(small, cst.Assign) and len(small.targets) > 1:
            return "the result is assigned to several names at once (`a = b = …`), whose uses are not followed"
        target = _single_target(small)
        if target is None or _strip(small) is None or _strip(small) is not call and not _chain_of(small, call):
            return "the result object is kept inside a larger expression, so it may be read after the connection closes"
        if function is None:
            return (f"the result is kept in `{target}` at module or class level, where its later uses are not followed; "
                    "consume it in the statement (`….fetchall()`)")
        bindings = scope_bindings(function).get(target, [])
        if len(bindings) != 1:
            return f"`{target}` is bound more than once in the function, so its uses cannot be tied to this result"
        uses = [n for n in _loads(function, target) if not _is_target(small, n)]
        if not uses:
            return index, method
        if writes:
            bad = next((u for u in uses if _attribute_of(function, u) not in WRITE_ATTRIBUTES), None)
            if bad is None:
                return index, method  # rowcount & co. are set once the statement ran
            return (f"a write (1.x committed it at once) whose result `{target}` is used at line {self._line(bad)} for more "
                    "than rowcount/inserted_primary_key/lastrowid: a `with engine.begin()` block spanning that use "
                    "would delay the commit")
        last = index
        for use in uses:
            position = next((k for k in range(index, len(body)) if _contains(body[k], use)), None)
            if position is None:
                return (f"`{target}` is used at line {self._line(use)}, outside the statements that follow the call in "
                        "its block, so no `with` block can span every use")
            if m.findall(body[position], m.FunctionDef() | m.Lambda()) and any(
                    _contains(n, use) for n in m.findall(body[position], m.FunctionDef() | m.Lambda())):
                return f"`{target}` is used inside a nested function or lambda at line {self._line(use)}"
            if not _reads(body[position], use):
                code = self.module_node.code_for_node(_use_context(body[position], use))
                return (f"the result `{target}` is passed on at line {self._line(use)} (`{code}`), so it may be read "
                        "after the connection closes")
            last = max(last, position)
        for k in range(index + 1, last + 1):
            # A site nested in a loop of the span gets a block of its own inside this one (as in 1.x, where
            # the kept result held its connection meanwhile); one at this level would need overlapping blocks.
            other = [c for part in _header(body[k]) for c in self._sites(part)]
            if other:
                return (f"another engine.execute() (line {self._line(other[0])}) comes before the last use of "
                        f"`{target}`: nested blocks would be needed; convert by hand")
            if m.findall(body[k], m.Yield()):
                return f"a `yield` (line {self._line(body[k])}) comes before the last use of `{target}`"
        return last, method

    def _sql_problem(self, call: cst.Call) -> Optional[str]:
        first, params = (call.args[0], call.args[1:]) if call.args else (None, [])
        if first is None or first.keyword is not None or first.star:
            return "no positional SQL argument"
        value = first.value
        sql = string_value(value)
        if sql is None and isinstance(value, cst.Name):
            verdict, bound, detail = self.string_source(value)
            if verdict == "runtime" and bound is not None:
                return (f"SQL string `{value.value}` built at run time ({runtime_kind(bound.value)}, line "
                        f"{self._line(bound)}); {RUNTIME_ADVICE}")
            if verdict == "unproven":
                return f"`{value.value}` holds a SQL string whose value is not proven: {detail}"
            if verdict == "literal" and bound is not None:
                sql = string_value(bound)
        if sql is not None:
            plan = self.string_execute(sql, value, params, session=False)
            return plan if isinstance(plan, str) else None
        if is_runtime_string(value):
            return f"SQL string built at run time ({runtime_kind(value)}); {RUNTIME_ADVICE}"
        if isinstance(value, cst.Name):
            bound_value = self.single_value(value)
            if bound_value is not None and _is_construct(bound_value, self.text_name):
                value = bound_value  # `stmt = users.insert()…; engine.execute(stmt)`
        if not _is_construct(value, self.text_name):
            return (f"the SQL argument `{self.module_node.code_for_node(value)}` is neither a string literal nor a "
                    "statement construct, so neither text() nor 1.x's autocommit choice can be decided")
        if params and keywords_as_dict(params) is None and not (
                len(params) == 1 and params[0].keyword is None and not params[0].star
                and isinstance(params[0].value, (cst.Dict, cst.List))):
            return "parameters as several positional arguments or a non-literal; Connection.execute() takes one dict or list of dicts"
        return None

    # -- rewriting ---------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        conn = self._planned.get(id(original_node))
        if conn is None:
            return updated_node
        first, params = updated_node.args[0], list(updated_node.args[1:])
        func = updated_node.func
        assert isinstance(func, cst.Attribute)
        method = "execute"
        sql = string_value(first.value)
        if sql is None and isinstance(first.value, cst.Name):
            verdict, bound, _ = self.string_source(first.value)
            sql = string_value(bound) if verdict == "literal" and bound is not None else None
        args = list(updated_node.args)
        if sql is not None:
            plan = self.string_execute(sql, first.value, params, session=False)
            assert not isinstance(plan, str)
            method, new = plan
            args = rebuilt_args(first, params, new)
        elif keywords_as_dict(params) is not None:
            args = rebuilt_args(first, params, [first, *(keywords_as_dict(params) or [])])
        self._receivers[id(original_node)] = func.value  # the engine as the earlier rules left it
        return updated_node.with_changes(func=func.with_changes(value=cst.Name(conn), attr=cst.Name(method)), args=args)

    def _wrap(self, original: cst.CSTNode, body: list) -> list:
        plans = self._blocks.get(id(original))
        if not plans or not self.options.unsafe:
            return body
        receivers = self._receivers
        for first, last, call, conn, method in sorted(plans, key=lambda p: p[0], reverse=True):
            engine = receivers.get(id(call), call.func.value if isinstance(call.func, cst.Attribute) else None)
            assert engine is not None
            statements = body[first:last + 1]
            opening = cst.Call(func=cst.Attribute(value=engine.deep_clone(), attr=cst.Name(method)))
            block = cst.With(
                items=[cst.WithItem(item=opening, asname=cst.AsName(name=cst.Name(conn)))],
                body=cst.IndentedBlock(body=[statements[0].with_changes(leading_lines=()), *statements[1:]]),
                leading_lines=statements[0].leading_lines,
            )
            body = [*body[:first], block, *body[last + 1:]]
        return body

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.BaseSuite:
        return updated_node.with_changes(body=self._wrap(original_node, list(updated_node.body)))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(body=self._wrap(original_node, list(updated_node.body)))


def _header(stmt: cst.CSTNode) -> list[cst.CSTNode]:
    """The parts of a statement that run as the statement itself (not its nested blocks)."""
    if isinstance(stmt, cst.SimpleStatementLine):
        return [stmt]
    if isinstance(stmt, cst.For):
        return [stmt.iter]
    if isinstance(stmt, (cst.If, cst.While)):
        return [stmt.test]
    if isinstance(stmt, cst.With):
        return list(stmt.items)
    return []


def _contains(node: cst.CSTNode, target: cst.CSTNode) -> bool:
    return _path(node, target) is not None


def _path(node: cst.CSTNode, target: cst.CSTNode) -> Optional[list[cst.CSTNode]]:
    if node is target:
        return [node]
    for child in node.children:
        found = _path(child, target)
        if found:
            return [node, *found]
    return None


def _steps_up(path: list[cst.CSTNode], node: cst.CSTNode) -> tuple[cst.CSTNode, list[str], int]:
    """Follow `node.attr`, `node.method(…)` up the path: (outermost node, steps, its index in path)."""
    i = len(path) - 1
    steps: list[str] = []
    while i >= 1 and isinstance(path[i - 1], cst.Attribute) and path[i - 1].value is node:
        attribute = path[i - 1]
        steps.append(attribute.attr.value)
        if i >= 2 and isinstance(path[i - 2], cst.Call) and path[i - 2].func is attribute:
            node, i = path[i - 2], i - 2
        else:
            node, i = attribute, i - 1
    return node, steps, i


def _materialized(steps: list[str]) -> bool:
    return bool(steps) and steps[-1] in MATERIALIZE and all(step in PASS_THROUGH for step in steps[:-1])


def _iterated_whole(path: list[cst.CSTNode], node: cst.CSTNode, i: int) -> bool:
    """`node` (at path[i]) is iterated to the end where it stands: a for loop, a list/set/dict comprehension, list(…)."""
    parent = path[i - 1] if i >= 1 else None
    if isinstance(parent, cst.For) and parent.iter is node:
        return True
    if isinstance(parent, cst.CompFor) and parent.iter is node and i >= 2:
        owner = path[i - 2]
        return isinstance(owner, (cst.ListComp, cst.SetComp, cst.DictComp)) and owner.for_in is parent
    if isinstance(parent, cst.Arg) and i >= 2 and isinstance(path[i - 2], cst.Call):
        call = path[i - 2]
        return dotted(call.func) in CONSUMERS and len(call.args) == 1 and not parent.keyword and not parent.star
    return False


def _consumed(stmt: cst.CSTNode, call: cst.Call) -> bool:
    """The statement reads the result to the end: `….fetchall()`, `.rowcount`, `[r.x for r in …]`, `list(…)`."""
    path = _path(stmt, call) or []
    node, steps, i = _steps_up(path, call)
    if _materialized(steps):
        return True
    return all(step in PASS_THROUGH for step in steps) and _iterated_whole(path, node, i)


def _lazily_iterated(stmt: cst.CSTNode, call: cst.Call) -> bool:
    path = _path(stmt, call) or []
    node, steps, i = _steps_up(path, call)
    parent = path[i - 1] if i >= 1 else None
    return (all(step in PASS_THROUGH for step in steps) and isinstance(parent, cst.CompFor) and parent.iter is node
            and i >= 2 and isinstance(path[i - 2], cst.GeneratorExp))


def _reads(stmt: cst.CSTNode, use: cst.Name) -> bool:
    """A later use of the kept result that reads it (a materializing call or attribute, or iterating it)."""
    path = _path(stmt, use) or []
    node, steps, i = _steps_up(path, use)
    if _materialized(steps):
        return True
    return all(step in PASS_THROUGH for step in steps) and _iterated_whole(path, node, i)


def _use_context(stmt: cst.CSTNode, use: cst.Name) -> cst.CSTNode:
    path = _path(stmt, use) or [use]
    for node in reversed(path[:-1]):
        if isinstance(node, (cst.Call, cst.Return, cst.Assign, cst.Expr)):
            return node
    return use


def _attribute_of(function: cst.CSTNode, use: cst.Name) -> Optional[str]:
    path = _path(function, use) or []
    if len(path) >= 2 and isinstance(path[-2], cst.Attribute) and path[-2].value is use:
        return path[-2].attr.value
    return None


def _in_repetition(small: cst.CSTNode, call: cst.Call) -> Optional[str]:
    """"a comprehension" when `call` is evaluated per item of one (not as its outermost iterable)."""
    path = _path(small, call) or []
    for k, node in enumerate(path):
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
            outer = node.for_in
            if k + 1 < len(path) and path[k + 1] is outer and k + 2 < len(path) and path[k + 2] is outer.iter:
                continue
            return "a comprehension"
    return None


def _single_target(small: cst.CSTNode) -> Optional[str]:
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target.value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
        return small.target.value
    return None


def _strip(small: cst.CSTNode) -> Optional[cst.BaseExpression]:
    return small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None


def _chain_of(small: cst.CSTNode, call: cst.Call) -> bool:
    """The assigned value is `call` followed by pass-through steps only (`.mappings()`, `.scalars()`)."""
    value = _strip(small)
    path = _path(small, call) or []
    node, steps, _ = _steps_up(path, call)
    return node is value and all(step in PASS_THROUGH for step in steps)


def _loads(scope: cst.CSTNode, name: str) -> list[cst.Name]:
    """Every `name` in scope that is a variable (not `x.name`, not a `name=` keyword or parameter)."""
    found = [n for n in m.findall(scope, m.Name(name)) if isinstance(n, cst.Name)]
    if not found:
        return []
    other = {id(a.attr) for a in m.findall(scope, m.Attribute(attr=m.Name(name))) if isinstance(a, cst.Attribute)}
    other |= {id(a.keyword) for a in m.findall(scope, m.Arg(keyword=m.Name(name))) if isinstance(a, cst.Arg)}
    other |= {id(p.name) for p in m.findall(scope, m.Param(name=m.Name(name))) if isinstance(p, cst.Param)}
    return [n for n in found if id(n) not in other]


def _is_target(small: cst.CSTNode, name: cst.Name) -> bool:
    if isinstance(small, cst.Assign):
        return any(t.target is name for t in small.targets)
    return isinstance(small, cst.AnnAssign) and small.target is name


def _is_construct(node: cst.BaseExpression, text_name: Optional[str]) -> bool:
    """`select(…)…`, `table.insert()…`, `text(…)` (any alias): a statement object, not a string."""
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value in CONSTRUCTS:
            return True
        node = node.func.value
    name = dotted(node.func) if isinstance(node, cst.Call) else None
    return name is not None and (name.split(".")[-1] in CONSTRUCTS or name == text_name)
