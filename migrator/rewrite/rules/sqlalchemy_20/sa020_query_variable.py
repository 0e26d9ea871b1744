"""SA020: a query kept in a local variable and finished later, converted only when provably safe.

`q = s.query(M)…` becomes `q = select(M)…`; `q = q.filter(…)` becomes `q = q.where(…)`;
`q.all()`, `.first()`, `.one()`, `.one_or_none()`, `.count()` and `for x in q` run the
statement on the same session. Provably safe means, within one function:

- every binding of the variable is a plain `q = …` statement whose value is either a query
  built on the session (`s.query(…)…`, in any branch or loop) or the variable's own
  builder calls (`q = q.filter(…)`, typically under an `if`): whatever path runs, the
  variable holds a Query, and after the rewrite a Select;
- every use of it is a finishing form above (possibly after builder steps), the base of
  such a rebinding, or the iterable of a loop, in the function itself or a comprehension
  of it (not in a nested function or lambda, where the session name may mean another thing);
- every query assigned to it is built on the same session, a plain (dotted) name bound at most
  once in the function (not by a loop) and not after the first query is built, and selects the
  same kind of result (objects or rows); the variable is not declared `global`/`nonlocal`;
- every builder step has a select() equivalent.

A Query is immutable and generative, like select(), so reassignment through builders
keeps its meaning. Anything else is one finding, at the first query assigned to the
variable, naming the line and the reason: bound by tuple unpacking, as a loop target, or
to something else; returned, passed to a function or stored (its consumers would still
call Query methods); used in a nested function. A function returning the query itself
(`return s.query(…)…`, or `return q` of such a variable) is SA021's: converted with its
callers, or reported at its query with the callers in this file listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ComprehensionScope, FunctionScope, PositionProvider, ScopeProvider

from migrator.rewrite.rules.sqlalchemy_20._query import (
    CARRIED, QueryChain, QueryRule, build_select, carried, method, runner_for, unfinished, unique_for)
from migrator.rewrite.sessions import dotted

_FINISHERS = ("all", "first", "one", "one_or_none", "count")
# Query methods that return a Query: a chain ending in one of these is not finished yet.
_QUERY_BUILDERS = set(CARRIED) | {"populate_existing", "with_entities", "yield_per", "enable_eagerloads", "autoflush",
                                  "params", "from_self", "correlate", "with_parent", "add_columns", "add_entity",
                                  "union", "union_all", "except_", "intersect", "with_hint", "prefix_with",
                                  "suffix_with", "with_labels", "set_label_style", "reset_joinpoint", "enable_assertions"}

# What to write by hand instead of a Query method no rule converts on a variable.
_HINTS = {
    "paginate": " (Flask-SQLAlchemy: `db.paginate(select(…))` takes the statement)",
    "get": " (`session.get(Model, pk)`)",
    "scalar": " (`session.scalar(stmt)` raises on several rows unlike Query.scalar(); check which is meant)",
    "delete": " (`session.execute(delete(Model).where(…))`)",
    "update": " (`session.execute(update(Model).where(…).values(…))`)",
    "exists": " (`select(stmt.exists())`)",
    "subquery": " (`stmt.subquery()`, after converting the query by hand)",
}


@dataclass
class _Plan:
    chain: QueryChain  # the first query assigned: its receiver and entities decide how to run
    steps: list[cst.Call]  # every builder step the variable gets (queries, rebinds): decides .unique()
    origins: set[int] = field(default_factory=set)  # id(`s.query(…)…` chains assigned) -> build select()
    finishers: dict[int, str] = field(default_factory=dict)  # id(outermost original node) -> how to finish
    rebuilds: set[int] = field(default_factory=set)  # id(builder chains on the variable) -> rename steps


def _code(node: cst.CSTNode, limit: int = 40) -> str:
    text = " ".join(cst.Module([]).code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class QueryVariable(QueryRule):
    """q = s.query(M)…; …; q.all() -> q = select(M)…; …; s.scalars(q).all(), only when provably safe"""

    code = "SA020"
    safety = "safe"
    needles = (".query(",)
    imports_needed = ("select", "func")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._uses: dict[int, _Plan] = {}     # id(any planned node) -> its plan
        self._variables: set[tuple[int, str]] = set()  # (id(scope), name) already analysed

    # -- analysis ------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "query" and self.is_session(func.value)):
            return
        top = self._chain_top(node)
        if top is None or id(top) in self._uses:
            return  # finished in the same expression (the other rules' business), or planned with its variable
        parent = self.parent(top)
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is top:
            return  # SA006
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
            target = parent.targets[0].target
            scope = self.lazy_metadata(ScopeProvider, target)
            key = (id(scope), target.value)
            if key in self._variables:
                return  # a later query of a variable already analysed (and reported once, at its first)
            self._variables.add(key)
            if isinstance(scope, FunctionScope) and self._returned_bare(target.value, scope):
                return  # `return q`: the function returns the query; SA021 converts it with its callers, or reports it
            why = self._plan(target, scope)
        else:
            why = self._escape(top, parent)
        if why:
            self.report(node, f"query not finished where it is built: {why}; not converted")

    def _chain_top(self, node: cst.CSTNode) -> Optional[cst.BaseExpression]:
        """The outermost builder call above `node`, or None when a non-builder method finishes it."""
        top = node
        while True:
            parent = self.parent(top)
            if not (isinstance(parent, cst.Attribute) and parent.value is top):
                return top
            call = self.parent(parent)
            if not (isinstance(call, cst.Call) and call.func is parent):
                return top  # `q.statement`, `q.session`: an attribute, not a finisher
            if parent.attr.value not in _QUERY_BUILDERS:
                return None
            top = call

    # -- why a query object leaves the expression that builds it --------------------------
    def _escape(self, top: cst.BaseExpression, parent: Optional[cst.CSTNode]) -> str:
        line = self._line(top)
        if isinstance(parent, cst.Return):
            function = self._function_of(parent)
            if function is None:
                return f"it is returned at line {line}"
            return ""  # a function returning a query: SA021 converts it with its callers, or reports it
        if isinstance(parent, cst.Element):
            holder = self.parent(parent)
            statement = self.parent(holder) if holder is not None else None
            if (isinstance(holder, cst.Tuple) and isinstance(statement, cst.Assign) and statement.value is holder
                    and any(isinstance(t.target, (cst.Tuple, cst.List)) for t in statement.targets)):
                index = holder.elements.index(parent)
                unpacked = statement.targets[-1].target
                name = _code(statement.targets[0].target)
                if isinstance(unpacked, (cst.Tuple, cst.List)) and index < len(unpacked.elements):
                    name = _code(unpacked.elements[index].value)
                return (f"`{name}` is bound by tuple unpacking at line {line} (`{_code(statement, 60)}`); "
                        f"assign the query on a line of its own (`{name} = ….query(…)`) to convert")
            kind = {cst.Tuple: "a tuple", cst.List: "a list", cst.Set: "a set"}.get(type(holder), "a container")
            return f"it is put in {kind} at line {line}; its users would still call Query methods"
        return self._consumer(top, parent, line, "it")

    def _consumer(self, top: cst.CSTNode, parent: Optional[cst.CSTNode], line: int, subject: str) -> str:
        """What an expression holding a Query flows into, as a reason: passed, stored, yielded…"""
        if isinstance(parent, cst.Arg):
            call = self.parent(parent)
            name = dotted(call.func) if isinstance(call, cst.Call) else None
            shown = f"`{name}()`" if name else "a call"
            return f"{subject} is passed to {shown} at line {line}, which would still call Query methods on it"
        if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
            if isinstance(parent, cst.AnnAssign) and len(targets) == 1 and isinstance(targets[0], cst.Name):
                return (f"{subject} is bound with an annotation at line {line} (`{_code(parent.annotation.annotation)}`), "
                        f"which would be wrong for a select()")
            if len(targets) > 1:
                return f"{subject} is bound to several names at line {line} (`{' = '.join(_code(t) for t in targets)} = …`)"
            return f"{subject} is stored in `{_code(targets[0])}` at line {line}; its users would still call Query methods"
        if isinstance(parent, (cst.Yield, cst.Return)):
            return f"{subject} is {'yielded' if isinstance(parent, cst.Yield) else 'returned'} at line {line}"
        if isinstance(parent, cst.Lambda):
            return f"{subject} is returned by the lambda at line {line}"
        if isinstance(parent, (cst.DictElement, cst.Element, cst.StarredElement)):
            holder = self.parent(parent)
            outer = self.parent(holder) if holder is not None else None
            if isinstance(holder, cst.Tuple) and isinstance(outer, cst.Return):
                function = self._function_of(outer)
                if function is not None:
                    return self._returned(function, line, f"{subject} is returned in a tuple")
            kind = {cst.Tuple: "a tuple", cst.List: "a list", cst.Set: "a set", cst.Dict: "a dict"}.get(type(holder), "a container")
            return f"{subject} is put in {kind} at line {line}; its users would still call Query methods"
        if isinstance(parent, cst.Subscript) and parent.value is top:
            return (f"{subject} is indexed or sliced at line {line} (`[{_code(parent.slice[0].slice) if parent.slice else ''}]`); "
                    f"a Query's `[a:b]` is `.offset(a).limit(b - a)` and a finishing call, `[:]` is `.all()`: "
                    f"written so, it converts")
        if isinstance(parent, cst.Del):
            return f"{subject} is deleted at line {line}"
        shown = _code(parent) if parent is not None else "an expression"
        return f"{subject} is used in `{shown}` at line {line}, which this rule cannot follow"

    def _returned(self, function: cst.FunctionDef, line: int, subject: str) -> str:
        name = function.name.value
        callers = self._callers(function)
        where = self.context.filename or "this file"
        listed = (f"callers in this file: {', '.join(f'{where}:{n}' for n in callers)}" if callers
                  else "no caller in this file")
        return (f"{subject} from `{name}()` at line {line}, so its callers would still call Query methods on what "
                f"`{name}()` returns ({listed}); convert it and its callers together by hand")

    def _callers(self, function: cst.FunctionDef) -> list[int]:
        """Lines of the calls to `function` in this module: `name(…)`, or `<x>.name(…)` for a method."""
        name = function.name.value
        is_method = isinstance(self._enclosing(function), cst.ClassDef)
        found: set[int] = set()

        class Calls(cst.CSTVisitor):
            def visit_Call(inner, node: cst.Call) -> None:  # noqa: N805
                func = node.func
                if (isinstance(func, cst.Attribute) and func.attr.value == name) or (
                        not is_method and isinstance(func, cst.Name) and func.value == name):
                    found.add(self._line(node))

        self.module_node.visit(Calls())
        return sorted(found)

    def _function_of(self, node: cst.CSTNode) -> Optional[cst.FunctionDef]:
        current = self.parent(node)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda, cst.Module, cst.ClassDef)):
            current = self.parent(current)
        return current if isinstance(current, cst.FunctionDef) else None

    def _enclosing(self, function: cst.FunctionDef) -> Optional[cst.CSTNode]:
        current = self.parent(function)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Module)):
            current = self.parent(current)
        return current

    # -- a query variable: every binding, every use -----------------------------------------
    def _plan(self, target: cst.Name, scope) -> Optional[str]:
        name = target.value
        if not isinstance(scope, FunctionScope):
            return f"`{name}` is a module or class variable (line {self._line(target)}), which other code may use"
        declared = _declared(scope.node, name)
        if declared is not None:
            keyword = "global" if isinstance(declared, cst.Global) else "nonlocal"
            return f"`{name}` is declared `{keyword}` at line {self._line(declared)}, so other code may use it"
        assignments = sorted((a for a in scope.assignments[name] if isinstance(a.node, cst.CSTNode)),
                             key=lambda a: self._pos(a.node))
        plan: Optional[_Plan] = None
        first_line = self._line(target)
        rebinds: list[tuple[cst.Assign, list[cst.Call]]] = []
        queries: list[tuple[cst.Assign, QueryChain]] = []
        for assignment in assignments:
            node = assignment.node
            line = self._line(node)
            if self.lazy_metadata(ScopeProvider, node) is not scope:
                return f"`{name}` is rebound in a nested function at line {line}"
            assign = self._single_assign(node)
            if assign is None:
                return f"`{name}` {self._binding_kind(node)} at line {line}"
            value = assign.value
            steps = _steps_on(value, name)
            if steps is not None:
                bad = next((s for s in steps if s.func.attr.value not in CARRIED), None)  # type: ignore[union-attr]
                if bad is not None:
                    return (f"`{name}.{bad.func.attr.value}()` at line {line} "  # type: ignore[union-attr]
                            f"has no select() equivalent this rule knows")
                rebinds.append((assign, steps))
                continue
            chain = self._origin(value)
            if chain is None:
                step = _blocking_step(value)
                if step is not None:
                    return f"the query assigned to `{name}` at line {line} uses `.{step}()`, which has no select() equivalent this rule knows"
                return (f"`{name}` is also bound at line {line} to `{_code(value)}`, which is not a "
                        f"`<session>.query(…)…` chain this rule can follow")
            queries.append((assign, chain))
        if not queries:
            return f"`{name}` is never bound to a query this rule can convert"
        first_assign, first = queries[0]
        first_line = self._line(first_assign)
        receiver = dotted(first.receiver)
        if receiver is None:
            return "its session is an expression, which the finishing calls would evaluate again"
        runner = runner_for(first, self.options.entity_names)
        for assign, chain in queries:
            line = self._line(assign)
            why = self.why_not_select(chain)
            if why:
                return why if assign is first_assign else f"the query assigned to `{name}` at line {line}: {why}"
            if dotted(chain.receiver) != receiver:
                return (f"`{name}` holds queries on `{receiver}` (line {first_line}) and on "
                        f"`{_code(chain.receiver)}` (line {line}); the finishing calls need one session")
            if runner_for(chain, self.options.entity_names) != runner:
                return (f"the queries assigned to `{name}` at lines {first_line} and {line} select different kinds "
                        f"of result (objects and rows)")
        session_root = receiver.split(".")[0]
        start = self._pos(first_assign)
        bindings = sorted((a.node for a in scope.assignments[session_root]
                           if isinstance(a.node, cst.CSTNode) and not isinstance(a.node, cst.Param)), key=self._pos)
        for node in bindings:
            if self._pos(node) > start:
                return (f"`{session_root}` is rebound at line {self._line(node)}, after the query is "
                        f"built at line {first_line}")
        if len(bindings) > 1 or (bindings and self._binding_kind(bindings[0]).startswith("is bound as a loop target")):
            lines = ", ".join(str(self._line(node)) for node in bindings)
            return (f"`{session_root}` is bound more than once or by a loop (line{'s' if len(bindings) > 1 else ''} "
                    f"{lines}), so a query built on one "
                    f"session could be finished on another")
        plan = _Plan(first, [step for _, chain in queries for step in chain.steps])
        for assign, chain in queries:
            plan.origins.add(id(assign.value))
        for assign, steps in rebinds:
            plan.steps.extend(steps)
            plan.rebuilds.add(id(assign.value))
        rebuilt = {id(assign.value) for assign, _ in rebinds}
        accesses = sorted({access for a in scope.assignments[name] for access in a.references},
                          key=lambda access: self._pos(access.node))
        for access in accesses:
            why = self._use(access, scope, name, session_root, plan, rebuilt)
            if why:
                return why
        if not plan.finishers:
            return f"`{name}` is never finished in this function (built at line {first_line})"
        self._register(plan)
        return None

    # Hooks SA021 overrides: what a query assigned to a variable looks like, how it is rewritten,
    # and where a finished plan goes (SA021 keeps it until every caller of a function is planned).
    def _origin(self, value: cst.BaseExpression) -> Optional[QueryChain]:
        return unfinished(value)

    def _build_origin(self, updated_node: cst.Call) -> cst.BaseExpression:
        return build_select(self, unfinished(updated_node))  # type: ignore[arg-type]

    def _returned_bare(self, name: str, scope: FunctionScope) -> bool:
        """`return <name>` in the function itself (not in a nested function, lambda or comprehension)."""
        for assignment in scope.assignments[name]:
            for access in assignment.references:
                parent = self.parent(access.node) if access.scope is scope else None
                if isinstance(parent, cst.Return) and parent.value is access.node:
                    return True
        return False

    def _returns_allowed(self, statement: cst.Return) -> bool:
        return False  # SA021: `return q` of the function whose callers it converts

    def _register(self, plan: _Plan) -> None:
        for key in (*plan.origins, *plan.finishers, *plan.rebuilds):
            self._uses[key] = plan

    def _single_assign(self, node: cst.CSTNode) -> Optional[cst.Assign]:
        target = self.parent(node)
        assign = self.parent(target) if isinstance(target, cst.AssignTarget) else None
        if isinstance(assign, cst.Assign) and len(assign.targets) == 1 and assign.targets[0].target is node:
            return assign
        return None

    def _binding_kind(self, node: cst.CSTNode) -> str:
        """How a name is bound, other than `name = value`: "is bound by tuple unpacking"…"""
        if isinstance(node, cst.Param):
            return "is a parameter: callers pass it in,"
        parent = self.parent(node)
        if isinstance(parent, cst.AssignTarget):
            return "is bound to several names at once (`a = b = …`)"
        if isinstance(parent, (cst.Element, cst.StarredElement)):
            while isinstance(parent, (cst.Element, cst.StarredElement, cst.Tuple, cst.List)):
                parent = self.parent(parent)
            if isinstance(parent, (cst.For, cst.CompFor)):
                return "is bound as a loop target (unpacked)"
            return "is bound by tuple unpacking"
        if isinstance(parent, (cst.For, cst.CompFor)):
            return "is bound as a loop target"
        if isinstance(parent, cst.AnnAssign):
            return "is bound with an annotation, which would be wrong for a select(),"
        if isinstance(parent, cst.AugAssign):
            return "is bound by an augmented assignment"
        if isinstance(parent, cst.AsName):
            return "is bound by `with … as`, `except … as` or an import"
        if isinstance(parent, cst.NamedExpr):
            return "is bound by `:=`"
        return f"is bound by `{_code(parent or node)}`"

    def _use(self, access, scope, name: str, session_root: str, plan: _Plan, rebuilt: set[int]) -> Optional[str]:
        node = access.node
        line = self._line(node)
        inner = access.scope
        while isinstance(inner, ComprehensionScope) and inner is not scope:
            if inner.assignments[session_root]:
                return f"`{session_root}` means another thing in the comprehension at line {line} that uses `{name}`"
            inner = inner.parent
        if inner is not scope:
            return (f"`{name}` is used inside a nested function or lambda at line {line}, where `{session_root}` "
                    f"may mean something else or be rebound")
        top = node
        while True:  # climb through builder steps: q.filter(…).limit(…)
            parent = self.parent(top)
            call = self.parent(parent) if isinstance(parent, cst.Attribute) else None
            if not (isinstance(parent, cst.Attribute) and parent.value is top and isinstance(call, cst.Call) and call.func is parent):
                break
            step = parent.attr.value
            if step in _FINISHERS and not call.args:
                plan.finishers[id(call)] = step
                if top is not node:
                    plan.rebuilds.add(id(top))
                return None
            if step not in CARRIED:
                hint = _HINTS.get(step, "")
                return f"`{name}.{step}()` at line {line} has no conversion this rule can prove{hint}"
            top = call
        parent = self.parent(top)
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is top:
            plan.finishers[id(top)] = "iterate"
            if top is not node:
                plan.rebuilds.add(id(top))
            return None
        if isinstance(parent, cst.Assign) and top is parent.value and id(top) in rebuilt:
            return None  # the base of a reassignment, checked with the assignments
        if isinstance(parent, cst.Attribute) and parent.value is top:
            return f"`{_code(parent)}` at line {line} has no conversion this rule can prove"
        if isinstance(parent, cst.Return):
            if top is node and self._returns_allowed(parent):
                plan.finishers[id(node)] = "return"  # left as it is: the function returns a select()
                return None
            function = self._function_of(parent)
            if function is not None:
                return self._returned(function, line, f"`{name}` is returned")
        subject = f"`{name}`" if top is node else f"`{_code(top)}`"
        return self._consumer(top, parent, line, subject)

    def _pos(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.lazy_metadata(PositionProvider, node).start
        return (start.line, start.column)

    def _line(self, node: cst.CSTNode) -> int:
        return self.lazy_metadata(PositionProvider, node).start.line

    # -- rewriting -------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        plan = self._uses.get(id(original_node))
        if plan is None:
            return updated_node
        if id(original_node) in plan.origins:
            return self._build_origin(updated_node)
        kind = plan.finishers.get(id(original_node))
        if kind is None or kind == "iterate":
            return self._finish(plan, _renamed(updated_node), kind) if kind else _renamed(updated_node)
        assert isinstance(updated_node.func, cst.Attribute)
        return self._finish(plan, _renamed(updated_node.func.value), kind, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        plan = self._uses.get(id(original_node))
        if plan is not None and plan.finishers.get(id(original_node)) == "iterate":
            return self._finish(plan, updated_node, "iterate")
        return updated_node

    def _finish(self, plan: _Plan, stmt: cst.BaseExpression, kind: str, call: Optional[cst.Call] = None) -> cst.BaseExpression:
        receiver = plan.chain.receiver
        if kind == "count":
            AddImportsVisitor.add_needed_import(self.context, "sqlalchemy", "func")
            AddImportsVisitor.add_needed_import(self.context, "sqlalchemy", "select")
            counter = method(cst.Call(cst.Name("select"), [cst.Arg(method(cst.Name("func"), "count"))]),
                             "select_from", [cst.Arg(method(stmt, "subquery"))])
            return method(receiver, "scalar", [cst.Arg(counter)])
        if kind == "first":
            stmt = method(stmt, "limit", [cst.Arg(cst.Integer("1"))])
        result: cst.BaseExpression = method(receiver, runner_for(plan.chain, self.options.entity_names) or "execute", [cst.Arg(stmt)])
        if unique_for(self, _as_chain(plan.chain, [*plan.steps, *_calls_on(stmt)]), kind):
            result = method(result, "unique")
        if kind == "iterate":
            return result
        assert call is not None and isinstance(call.func, cst.Attribute)
        return call.with_changes(func=call.func.with_changes(value=result))


def _steps_on(expr: cst.BaseExpression, name: str) -> Optional[list[cst.Call]]:
    """`q.filter(a).limit(b)` on variable `name` -> its calls innermost first; None otherwise."""
    steps: list[cst.Call] = []
    node = expr
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        steps.append(node)
        node = node.func.value
    return steps[::-1] if isinstance(node, cst.Name) and node.value == name and steps else None


def _blocking_step(expr: cst.BaseExpression) -> Optional[str]:
    """The outermost step without a select() equivalent of a `s.query(…)…` chain, or None."""
    node, blocking = expr, None
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value == "query":
            return blocking
        if node.func.attr.value not in CARRIED:
            blocking = node.func.attr.value
        node = node.func.value
    return None


def _calls_on(expr: cst.BaseExpression) -> list[cst.Call]:
    """The builder calls of `q.where(a).limit(b)` (finishing a variable), innermost first."""
    calls: list[cst.Call] = []
    while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        calls.append(expr)
        expr = expr.func.value
    return calls[::-1]


def _as_chain(origin: QueryChain, steps: list[cst.Call]) -> QueryChain:
    return QueryChain(origin.receiver, origin.query_call, steps, "", origin.terminal_call)


def _renamed(expr: cst.BaseExpression) -> cst.BaseExpression:
    """Rename Query builder steps to their Select names (filter -> where) along a chain."""
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        return carried(expr, _renamed(expr.func.value))
    return expr


def _declared(function: cst.CSTNode, name: str) -> Optional[cst.CSTNode]:
    """The `global name` / `nonlocal name` statement of `function`'s own body, if any."""
    def search(node: cst.CSTNode) -> Optional[cst.CSTNode]:
        for child in node.children:
            if isinstance(child, (cst.Global, cst.Nonlocal)) and any(n.name.value == name for n in child.names):
                return child
            if isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                continue
            found = search(child)
            if found is not None:
                return found
        return None

    body = getattr(function, "body", None)
    return search(body) if isinstance(body, cst.CSTNode) else None
