"""SA021: a function that returns a query, converted together with its callers in this file.

`def _base(self): return self.session.query(M).filter(…)` becomes `return select(M).where(…)`,
and every caller runs the statement on the session: `self._base().filter(x).all()` ->
`self.session.scalars(self._base().where(x)).all()`; `q = self._base()`, `q = q.filter(…)`,
`q.count()` as SA020 converts a query variable. Converted only when:

- every `return` of the function returns a query built on a session (the same session, the same
  kind of result), whose steps have select() equivalents, and the function does not yield;
- every caller is in this file: the function is private to its module by convention (a leading
  underscore), nested in another function, or the project index (migrator.rewrite.project) finds
  no call of its name in any other module; a function other modules call would hand them a
  Select where they expect a Query (a finding lists those callers);
- every reference to it in this file is a call — `self._base(…)` in a method of the same class,
  `_base(…)` for a function — whose result is finished there (builder steps, then .all(),
  .first(), .one(), .one_or_none(), .count(), or iterated), or kept in a variable SA020's
  conditions hold for;
- the caller can name the session: `self.<attr>` for a method (the caller's own `self`), a
  parameter (each caller passes a plain name for it), or a module-level name the caller does
  not shadow.

Otherwise one finding, at the function's query, says why and lists the callers in this file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import libcst as cst
from libcst.metadata import GlobalScope, ScopeProvider

from migrator.rewrite.rules import Rule
from migrator.rewrite.rules.sqlalchemy_20._query import CARRIED, QueryChain, build_select, runner_for, unfinished
from migrator.rewrite.rules.sqlalchemy_20.sa020_query_variable import (
    _FINISHERS, _HINTS, _QUERY_BUILDERS, QueryVariable, _blocking_step, _code, _Plan, _renamed)
from migrator.rewrite.sessions import SessionTracker, dotted


# A function whose callers SA021 may rewrite (private ones, or any the project index finds no other caller of).
# Nested functions need no needle: the function around them holds the query, so it is walked.
_DEF = re.compile(r"([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(")


@dataclass
class _Producer:
    function: cst.FunctionDef
    returns: list[cst.Return]
    variable: Optional[str] = None  # `return q`: the local variable holding the query
    queries: list[cst.Call] = field(default_factory=list)  # the `.query(…)` calls returned (directly or via `q`)
    chains: list[QueryChain] = field(default_factory=list)
    steps: list[cst.Call] = field(default_factory=list)  # every builder step of what it returns
    assigned: dict[str, list[cst.Call]] = field(default_factory=dict)  # `name = ….query(…)…` in its body
    enclosing: list[cst.FunctionDef] = field(default_factory=list)  # the functions it is nested in
    statements: dict[int, list[cst.Call]] = field(default_factory=dict)  # id(return/assignment) -> its `.query(…)`
    callers: list[cst.Call] = field(default_factory=list)


class QueryReturned(QueryVariable):
    """def _base(self): return s.query(M)… -> return select(M)…, its callers run it: s.scalars(self._base()…).all()"""

    code = "SA021"
    safety = "safe"
    needles = (".query(",)
    required = ()

    @classmethod
    def definition_needles(cls, text: str) -> tuple[str, ...]:
        """The definitions to walk: those with a query, and those that may call a private function
        (or a nested one) of this module, which this rule may convert together with its callers."""
        names: set[str] = set()
        lines = text.split("\n")
        for index, line in enumerate(lines):
            match = _DEF.match(line)
            if match is None or match.group(2).endswith("__"):
                continue
            indent = len(match.group(1))
            for body in lines[index + 1:]:  # the function's lines: blank, or indented deeper than `def`
                if body.strip() and len(body) - len(body.lstrip()) <= indent:
                    break
                if ".query(" in body:
                    names.add(match.group(2))
                    break
        return (*cls.needles, *(f"{name}(" for name in sorted(names)))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._callsite: dict[int, QueryChain] = {}  # id(caller expression) -> the query it holds
        self._pending: list[_Plan] = []
        self._returning: Optional[cst.FunctionDef] = None  # planning the variable this function returns

    # SA020 handles `.query(` variables; this rule only functions that return a query.
    def visit_Call(self, node: cst.Call) -> None:
        return None

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        candidates = [p for p in _producers(node) if self._queries_returned(p)]
        if not candidates:
            return
        statements: dict[int, list[cst.Call]] = {}
        for producer in candidates:
            for small, calls in producer.statements.items():
                statements.setdefault(small, []).extend(c for c in calls if c in producer.queries)
        probe = _Probe(self.options.session_names, statements,
                       {id(f) for p in candidates for f in (p.function, *p.enclosing)},
                       self.options.evidence.session_receivers)
        probe.replay(node.body)
        for producer in candidates:
            proven = [q for q in producer.queries if probe.proven.get(id(q))]
            if not proven:
                continue  # no query on a provable session: not this rule's business
            why = self._analyse(producer)
            if why is not None:
                query = proven[0]
                where = self.context.filename or "this file"
                lines = self._callers(producer.function)
                listed = f"; callers in this file: {', '.join(f'{where}:{n}' for n in lines)}" if lines else ""
                name = producer.function.name.value
                self.report(query, f"query returned from `{name}()`, not converted with its callers: {why}{listed}")

    def _queries_returned(self, producer: _Producer) -> bool:
        """Fill `producer.queries` (and `.variable`): the `.query(…)` calls it returns; False when none."""
        for ret in producer.returns:
            if ret.value is None:
                continue
            query = _query_call(ret.value)
            if query is not None:
                producer.queries.append(query)
            elif isinstance(ret.value, cst.Name) and producer.variable in (None, ret.value.value):
                found = producer.assigned.get(ret.value.value, [])
                if found:
                    producer.variable = ret.value.value
                    producer.queries.extend(q for q in found if q not in producer.queries)
        return bool(producer.queries)

    # -- the function, its callers --------------------------------------------------------
    def _analyse(self, producer: _Producer) -> Optional[str]:
        function = producer.function
        name = function.name.value
        if _yields(function):
            return f"`{name}()` is a generator"
        if function.decorators:
            shown = _code(function.decorators[0].decorator)
            return f"`{name}()` is decorated (`@{shown}`), which may change how it is called or what it returns"
        owner = self._owner(function)
        private = name.startswith("_") and not name.endswith("__")
        elsewhere = self.options.evidence.calls_elsewhere(name)
        if not private and not isinstance(owner, cst.FunctionDef) and elsewhere != ():
            kind = "method" if isinstance(owner, cst.ClassDef) else "function"
            if elsewhere:  # the project index found callers in other modules
                shown = ", ".join(elsewhere[:5]) + (" …" if len(elsewhere) > 5 else "")
                return (f"`{name}()` is also called from other modules ({shown}), which would get a select() "
                        f"where they expect a Query; convert those callers with it by hand")
            return (f"`{name}()` is a public {kind}: other modules may call it and would get a select() where they "
                    f"expect a Query; a private name (`_{name}`) or a nested function converts with its callers here")
        producer_plans: list[_Plan] = []
        if producer.variable is not None:
            why = self._returned_variable(producer, producer_plans)
            if why:
                return why
        else:
            for ret in producer.returns:
                line = self._line(ret)
                if ret.value is None or _query_call(ret.value) is None:
                    shown = "nothing" if ret.value is None else f"`{_code(ret.value)}`"
                    return f"`{name}()` also returns {shown} at line {line}"
                chain = unfinished(ret.value)
                if chain is None:
                    return f"`.{_blocking_step(ret.value)}()` at line {line} has no select() equivalent this rule knows"
                why = self.why_not_select(chain) or self._shadowed(ret)
                if why:
                    return why
                producer.chains.append(chain)
            first = producer.chains[0]
            for chain, ret in zip(producer.chains, producer.returns):
                if dotted(chain.receiver) != dotted(first.receiver):
                    return (f"`{name}()` returns queries on `{_code(first.receiver)}` and on `{_code(chain.receiver)}` "
                            f"(line {self._line(ret)})")
                if runner_for(chain, self.options.entity_names) != runner_for(first, self.options.entity_names):
                    return f"`{name}()` returns queries of objects and of rows (line {self._line(ret)})"
            producer.steps = [step for chain in producer.chains for step in chain.steps]
            returned = _Plan(first, [])
            returned.origins = {id(ret.value) for ret in producer.returns}
            producer_plans.append(returned)
        receiver = dotted(producer.chains[0].receiver)
        if receiver is None:
            return "its session is an expression, which the callers would evaluate again"
        params = _param_names(function)
        root, _, rest = receiver.partition(".")
        is_method = isinstance(owner, cst.ClassDef)
        rebound = [a.node for a in self.lazy_metadata(ScopeProvider, producer.returns[0]).assignments[root]
                   if isinstance(a.node, cst.CSTNode) and not isinstance(a.node, cst.Param)]
        if root in params and rebound:
            return f"`{root}` is rebound in `{name}()` at line {self._line(rebound[0])}"
        if is_method and params and root == params[0]:
            mapping = "self"
        elif root in params:
            mapping = "param"
        elif self.lazy_metadata(ScopeProvider, producer.returns[0]).assignments[root]:
            return f"its session `{root}` is local to `{name}()`, so the callers have no name for it"
        else:
            mapping = "global"
        references = self._references(function, is_method)
        if isinstance(references, str):
            return references
        producer.callers = references
        if not references:
            return f"`{name}()` has no caller in this file, so whoever calls it would still call Query methods on it"
        variables: list[tuple[cst.Name, object, int]] = []
        direct: list[_Plan] = []
        for call in references:
            line = self._line(call)
            caller = self._caller_receiver(call, function, mapping, params, root, rest, is_method)
            if isinstance(caller, str):
                return f"the call at line {line}: {caller}"
            why = self._shadowed(call)
            if why:
                return f"the call at line {line}: {why}"
            found = self._caller_use(call, caller, producer, variables, direct)
            if found:
                return found
        self._pending = []
        seen: set[tuple[int, str]] = set()
        for target, scope, line in variables:
            key = (id(scope), target.value)
            if key in seen:
                continue
            seen.add(key)
            why = self._plan(target, scope)
            if why:
                return f"the call at line {line}: {why}"
        for plan in (*producer_plans, *direct, *self._pending):
            QueryVariable._register(self, plan)
        return None

    def _returned_variable(self, producer: _Producer, plans: list[_Plan]) -> Optional[str]:
        """`q = s.query(…)…; if …: q = q.filter(…); return q`: the variable as SA020 plans it, `return q` allowed."""
        name = producer.function.name.value
        variable = producer.variable
        for ret in producer.returns:
            if not (isinstance(ret.value, cst.Name) and ret.value.value == variable):
                shown = "nothing" if ret.value is None else f"`{_code(ret.value)}`"
                return f"`{name}()` returns `{variable}` and also {shown} at line {self._line(ret)}"
        target = producer.returns[0].value
        assert isinstance(target, cst.Name)
        scope = self.lazy_metadata(ScopeProvider, target)
        self._pending, self._returning = [], producer.function
        try:
            why = self._plan(target, scope)
        finally:
            self._returning = None
        if why:
            return why
        plan = self._pending[0]
        producer.chains = [plan.chain]
        producer.steps = list(plan.steps)
        plans.append(plan)
        return self._shadowed(producer.returns[0])

    def _references(self, function: cst.FunctionDef, is_method: bool):
        """The calls to `function` in this module, or why some reference is not one this rule follows."""
        name = function.name.value
        calls: list[cst.Call] = []
        if is_method:
            owner = self._owner(function)
            for node in _walk(self.module_node):
                if isinstance(node, cst.Attribute) and node.attr.value == name:
                    call = self.parent(node)
                    if not (isinstance(call, cst.Call) and call.func is node):
                        return f"`{_code(node)}` at line {self._line(node)} is not a call"
                    why = self._not_on_self(node, call, owner)
                    if why:
                        return f"`{_code(node)}(…)` at line {self._line(node)} {why}"
                    calls.append(call)
            return calls
        scope = self.lazy_metadata(ScopeProvider, function)
        for assignment in scope.assignments[name]:
            if assignment.node is not function:
                return f"`{name}` is also bound at line {self._line(assignment.node)}"  # type: ignore[arg-type]
            for access in assignment.references:
                call = self.parent(access.node)
                if not (isinstance(call, cst.Call) and call.func is access.node):
                    return f"`{name}` at line {self._line(access.node)} is used without being called"
                calls.append(call)
        return calls

    def _not_on_self(self, attribute: cst.Attribute, call: cst.Call, owner) -> Optional[str]:
        """Why `x.method(…)` is not a call on the `self` of a method of the method's own class, or None."""
        current = self.parent(call)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Module)):
            current = self.parent(current)
        class_name = owner.name.value if isinstance(owner, cst.ClassDef) else "its class"
        if isinstance(current, cst.Lambda):
            return "is called inside a lambda, which this rule does not follow"
        if not isinstance(current, cst.FunctionDef):
            return f"is called outside the methods of `{class_name}`"
        if self._owner(current) is not owner:
            return f"is called from `{current.name.value}()`, which is not a method of `{class_name}`"
        if current.decorators:
            return (f"is called from `{current.name.value}()`, decorated (`@{_code(current.decorators[0].decorator)}`), "
                    f"whose first parameter may not be an instance")
        first = (_param_names(current) or [""])[0]
        if not (isinstance(attribute.value, cst.Name) and attribute.value.value == first):
            return f"is called on `{_code(attribute.value)}`, not on the `self` of `{current.name.value}()`"
        return None

    def _caller_receiver(self, call: cst.Call, function: cst.FunctionDef, mapping: str, params: list[str], root: str,
                         rest: str, is_method: bool):
        """The session expression for `call`'s function, or why there is none."""
        if mapping == "self":
            assert isinstance(call.func, cst.Attribute)
            own = _code(call.func.value)
            return cst.parse_expression(f"{own}.{rest}" if rest else own)
        if mapping == "param":
            index = params.index(root) - (1 if is_method else 0)
            arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == root), None)
            if arg is None and not any(a.star or a.keyword is not None for a in call.args[: index + 1]):
                positional = [a for a in call.args if a.keyword is None]
                arg = positional[index] if index < len(positional) else None
            if arg is None:
                return f"no argument is passed for `{root}`"
            shown = dotted(arg.value)
            if shown is None:
                return f"the session passed for `{root}` is an expression (`{_code(arg.value)}`)"
            return cst.parse_expression(f"{shown}.{rest}" if rest else shown)
        scope = self.lazy_metadata(ScopeProvider, call)
        while scope is not None and not isinstance(scope, GlobalScope):
            if scope.assignments[root]:
                return f"`{root}` means another thing there"
            scope = scope.parent
        return cst.parse_expression(f"{root}.{rest}" if rest else root)

    def _caller_use(self, call: cst.Call, receiver: cst.BaseExpression, producer: _Producer,
                    variables: list, direct: list[_Plan]) -> Optional[str]:
        """Plan one call's use of the returned query: finished, iterated or kept in a variable."""
        line = self._line(call)
        name = producer.function.name.value
        steps: list[cst.Call] = []
        top: cst.BaseExpression = call
        while True:
            parent = self.parent(top)
            outer = self.parent(parent) if isinstance(parent, cst.Attribute) else None
            if not (isinstance(parent, cst.Attribute) and parent.value is top and isinstance(outer, cst.Call)
                    and outer.func is parent):
                break
            step = parent.attr.value
            if step in _FINISHERS and not outer.args:
                plan = self._direct(producer, receiver, steps, call)
                if isinstance(plan, str):
                    return plan
                plan.finishers[id(outer)] = step
                direct.append(plan)
                return None
            if step not in CARRIED:
                return f"`{name}(…).{step}()` at line {line} has no conversion this rule can prove{_HINTS.get(step, '')}"
            steps.append(outer)
            top = outer
        parent = self.parent(top)
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is top:
            plan = self._direct(producer, receiver, steps, call)
            if isinstance(plan, str):
                return plan
            plan.finishers[id(top)] = "iterate"
            direct.append(plan)
            return None
        if (isinstance(parent, cst.Assign) and parent.value is top and len(parent.targets) == 1
                and isinstance(parent.targets[0].target, cst.Name)):
            target = parent.targets[0].target
            self._callsite[id(top)] = self._chain(producer, receiver, steps, top)
            variables.append((target, self.lazy_metadata(ScopeProvider, target), line))
            return None
        if isinstance(parent, cst.Return):
            outer = (self._function_around(parent) or producer.function).name.value
            return f"the call at line {line} is returned from `{outer}()`, whose own callers this rule does not follow"
        return self._consumer(top, parent, line, f"the result of `{name}()`")

    def _chain(self, producer: _Producer, receiver: cst.BaseExpression, steps: list[cst.Call],
               top: cst.BaseExpression) -> QueryChain:
        first = producer.chains[0]
        return QueryChain(receiver, first.query_call, [*producer.steps, *steps], "", top)  # type: ignore[arg-type]

    def _direct(self, producer: _Producer, receiver: cst.BaseExpression, steps: list[cst.Call], call: cst.Call):
        chain = self._chain(producer, receiver, steps, call)
        why = self.why_not_select(chain)
        if why:
            return why
        return _Plan(chain, list(chain.steps))

    # -- SA020's hooks ----------------------------------------------------------------------
    def _origin(self, value: cst.BaseExpression) -> Optional[QueryChain]:
        if self._returning is not None:
            return unfinished(value)  # the variable a function returns: `s.query(…)…` bindings
        return self._callsite.get(id(value))

    def _returns_allowed(self, statement: cst.Return) -> bool:
        return self._returning is not None and self._function_of(statement) is self._returning

    def _build_origin(self, updated_node: cst.Call) -> cst.BaseExpression:
        chain = unfinished(updated_node)
        if chain is not None:
            return build_select(self, chain)  # the function's own `return s.query(…)…`
        return _renamed(updated_node)  # a caller's `self._base().filter(…)`

    def _register(self, plan: _Plan) -> None:
        self._pending.append(plan)

    # -- helpers ----------------------------------------------------------------------------
    def _owner(self, function: cst.FunctionDef) -> Optional[cst.CSTNode]:
        current = self.parent(function)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Module)):
            current = self.parent(current)
        return current

    def _function_around(self, node: cst.CSTNode) -> Optional[cst.FunctionDef]:
        current = self.parent(node)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda, cst.Module)):
            current = self.parent(current)
        return current if isinstance(current, cst.FunctionDef) else None

    def _shadowed(self, node: cst.CSTNode) -> Optional[str]:
        """`select` or `func` bound in a function around `node` (a parameter, a local)."""
        scope = self.lazy_metadata(ScopeProvider, node)
        while scope is not None and not isinstance(scope, GlobalScope):
            for name in self.imports_needed:
                if scope.assignments[name]:
                    return f"`{name}` already means something else there; convert by hand"
            scope = scope.parent
        return None


class _Probe(SessionTracker):
    """Replays the session evidence a rule collects in source order, to ask `is_session` ahead of the walk.

    Statements only, through Rule's own handlers (imports, assignments, `with … as`, classes,
    functions); only the functions that are, or hold, a function returning a query are entered:
    what another function binds is local to it.
    """

    def __init__(self, session_names: tuple[str, ...], queries: dict[int, list[cst.Call]], functions: set[int],
                 proven: frozenset[tuple[str, str]] = frozenset()) -> None:
        self.init_tracker(session_names, proven)
        self.queries = queries  # id(statement) -> the `.query(…)` calls in it to check
        self.functions = functions
        self.proven: dict[int, bool] = {}

    def replay(self, statements) -> None:
        for stmt in statements:
            if isinstance(stmt, cst.FunctionDef) and id(stmt) not in self.functions:
                continue
            if isinstance(stmt, cst.ClassDef) and not any(id(s) in self.functions for s in _statements(stmt.body)):
                self.replay(_statements(stmt.body))  # its assignments only: no method of it is entered
                continue
            self._handle("visit_", stmt)
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    self._handle("visit_", small)
                    for call in self.queries.get(id(small), ()):
                        assert isinstance(call.func, cst.Attribute)
                        self.proven[id(call)] = self.is_session(call.func.value)
                    self._handle("leave_", small)
            elif isinstance(stmt, cst.If):
                self.replay(_statements(stmt.body))
                if stmt.orelse is not None:
                    self.replay([stmt.orelse] if isinstance(stmt.orelse, cst.If) else _statements(stmt.orelse.body))
            else:
                for item in getattr(stmt, "items", ()) or ():  # with … as x
                    self._handle("visit_", item)
                for suite in _suites(stmt):
                    self.replay(_statements(suite))
            self._handle("leave_", stmt)

    def _handle(self, prefix: str, node: cst.CSTNode) -> None:
        handler = _HANDLERS.get(prefix + type(node).__name__)
        if handler is not None:
            handler(self, node) if prefix == "visit_" else handler(self, node, node)


# Rule's evidence handlers, minus the module's own set-up.
_HANDLERS = {name: handler for name, handler in vars(Rule).items()
             if name.startswith(("visit_", "leave_")) and name != "visit_Module"}


def _statements(body) -> list:
    if isinstance(body, cst.IndentedBlock):
        return list(body.body)
    if isinstance(body, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=body.body)]
    return []


def _query_call(value: cst.BaseExpression) -> Optional[cst.Call]:
    """The `.query(…)` call of a `x.query(…)…` chain of Query builders, or None."""
    node = value
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value == "query":
            return node
        if node.func.attr.value not in _QUERY_BUILDERS:
            return None
        node = node.func.value
    return None


def _producers(module: cst.Module) -> list[_Producer]:
    """Every function with a `return` of a `x.query(…)…` chain, with all its returns."""
    found: list[_Producer] = []
    stack: list[cst.FunctionDef] = []

    def statements(body) -> list:
        if isinstance(body, cst.IndentedBlock):
            return list(body.body)
        if isinstance(body, cst.SimpleStatementSuite):
            return [cst.SimpleStatementLine(body=body.body)]
        return list(body) if isinstance(body, (list, tuple)) else []

    def walk(stmts, returns: Optional[list]) -> None:  # returns: the function's `return`s and assignments
        for stmt in stmts:
            if isinstance(stmt, cst.FunctionDef):
                own: list = []
                stack.append(stmt)
                walk(statements(stmt.body), own)
                stack.pop()
                returns = [r for r in own if isinstance(r, cst.Return)]
                # `name = ….query(…)…` in the function: `return name` may return a query.
                queried: dict[str, list[cst.Call]] = {}
                where: dict[int, list[cst.Call]] = {}
                for a in own:
                    query = _query_call(a.value) if a.value is not None else None
                    if query is not None:
                        where[id(a)] = [query]
                    if query is not None and isinstance(a, cst.Assign):
                        for t in a.targets:
                            if isinstance(t.target, cst.Name):
                                queried.setdefault(t.target.value, []).append(query)
                if any(r.value is not None and (_query_call(r.value) is not None
                                                or (isinstance(r.value, cst.Name) and r.value.value in queried))
                       for r in returns):
                    found.append(_Producer(stmt, returns, assigned=queried, enclosing=list(stack), statements=where))
            elif isinstance(stmt, cst.ClassDef):
                walk(statements(stmt.body), None)
            elif isinstance(stmt, cst.SimpleStatementLine):
                if returns is not None:
                    returns.extend(s for s in stmt.body if isinstance(s, (cst.Return, cst.Assign)))
            elif isinstance(stmt, cst.If):
                walk(statements(stmt.body), returns)
                if stmt.orelse is not None:
                    walk([stmt.orelse] if isinstance(stmt.orelse, cst.If) else statements(stmt.orelse.body), returns)
            else:
                for suite in _suites(stmt):
                    walk(statements(suite), returns)

    walk(module.body, None)
    return found


def _suites(stmt: cst.CSTNode) -> list:
    out = []
    for attr in ("body", "orelse", "finalbody"):
        part = getattr(stmt, attr, None)
        if isinstance(part, (cst.Else, cst.Finally)):
            out.append(part.body)
        elif isinstance(part, cst.BaseSuite):
            out.append(part)
    for handler in getattr(stmt, "handlers", ()) or ():
        out.append(handler.body)
    for case in getattr(stmt, "cases", ()) or ():
        out.append(case.body)
    return out


def _yields(function: cst.FunctionDef) -> bool:
    def search(node: cst.CSTNode) -> bool:
        for child in node.children:
            if isinstance(child, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                continue
            if isinstance(child, cst.Yield) or search(child):
                return True
        return False

    return search(function.body)


def _walk(node: cst.CSTNode):
    yield node
    for child in node.children:
        yield from _walk(child)


def _param_names(function: cst.FunctionDef) -> list[str]:
    params = function.params
    return [p.name.value for p in (*params.posonly_params, *params.params)]
