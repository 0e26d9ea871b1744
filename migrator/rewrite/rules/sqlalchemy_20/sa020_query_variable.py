"""SA020: a query kept in a local variable and finished later, converted only when provably safe.

`q = s.query(M)…` becomes `q = select(M)…`; `q = q.filter(…)` becomes `q = q.where(…)`;
`q.all()`, `.first()`, `.one()`, `.one_or_none()`, `.count()` and `for x in q` run the
statement on the same session. Provably safe means, within one function:

- the variable is bound once from `<session>.query(…)` and otherwise only by `q = q.<builder>(…)`;
- every other use of it is one of the finishing forms above, after that first binding,
  in the function itself (not in a nested function or lambda, which may run later);
- the session is a plain name (or dotted name) not rebound after the query was built;
- every builder step has a select() equivalent.

A Query is immutable and generative, like select(), so reassignment through builders
keeps its meaning. Anything else (the query returned, passed to a function, stored on
an object, used at module level) is a finding: its consumers elsewhere would still call
Query methods. Queries not finished where they are built and not kept in a variable
(returned, passed on) are findings too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import FunctionScope, PositionProvider, ScopeProvider

from migrator.rewrite.rules.sqlalchemy_20._query import (
    CARRIED, QueryChain, QueryRule, build_select, has_joined_eager, method, runner_for, unfinished)
from migrator.rewrite.sessions import dotted

_FINISHERS = ("all", "first", "one", "one_or_none", "count")
# Query methods that return a Query: a chain ending in one of these is not finished yet.
_QUERY_BUILDERS = set(CARRIED) | {"populate_existing", "with_entities", "yield_per", "enable_eagerloads", "autoflush",
                                  "params", "from_self", "correlate", "with_parent", "add_columns", "add_entity",
                                  "union", "union_all", "except_", "intersect", "with_hint", "prefix_with",
                                  "suffix_with", "with_labels", "set_label_style", "reset_joinpoint", "enable_assertions"}


@dataclass
class _Plan:
    chain: QueryChain  # the origin: `s.query(…)…` as first bound
    unique: bool
    finishers: dict[int, str] = field(default_factory=dict)  # id(outermost original node) -> how to finish
    rebuilds: set[int] = field(default_factory=set)  # id(builder chains on the variable) -> rename steps


class QueryVariable(QueryRule):
    """q = s.query(M)…; …; q.all() -> q = select(M)…; …; s.scalars(q).all(), only when provably safe"""

    code = "SA020"
    safety = "safe"
    needles = (".query(",)
    imports_needed = ("select", "func")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._origins: dict[int, _Plan] = {}  # id(origin chain node) -> plan
        self._uses: dict[int, _Plan] = {}     # id(any planned node) -> its plan

    # -- analysis ------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "query" and self.is_session(func.value)):
            return
        top = self._chain_top(node)
        if top is None:
            return  # finished by a terminal in the same expression: the other rules' business
        parent = self.parent(top)
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is top:
            return  # SA006
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
            why = self._plan(parent, top)
        else:
            why = "the query object escapes this expression (returned, passed or stored); its users would still call Query methods"
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

    def _plan(self, origin: cst.Assign, top: cst.BaseExpression) -> Optional[str]:
        chain = unfinished(top)
        if chain is None:
            return "it uses a builder without a select() equivalent"
        why = self.why_not_select(chain)
        if why:
            return why
        receiver = dotted(chain.receiver)
        if receiver is None:
            return "its session is an expression, which the finishing calls would evaluate again"
        target = origin.targets[0].target
        assert isinstance(target, cst.Name)
        scope = self.lazy_metadata(ScopeProvider, target)
        if not isinstance(scope, FunctionScope):
            return f"`{target.value}` is not a function's local variable"
        start = self._pos(origin)
        session_root = receiver.split(".")[0]
        if any(self._pos(a.node) > start for a in scope.assignments[session_root] if isinstance(a.node, cst.CSTNode)):
            return f"`{session_root}` is rebound after the query is built"
        plan = _Plan(chain, has_joined_eager(chain))
        for assignment in scope.assignments[target.value]:
            node = assignment.node
            if node is target:
                continue
            why = self._reassignment(node, target.value, start, plan)
            if why:
                return why
        accesses = {access for assignment in scope.assignments[target.value] for access in assignment.references}
        for access in accesses:
            why = self._use(access.node, access.scope is scope, target.value, start, plan)
            if why:
                return why
        if not plan.finishers:
            return f"`{target.value}` is never finished in this function"
        plan.rebuilds.add(id(top))
        self._origins[id(top)] = plan
        for key in (*plan.finishers, *plan.rebuilds):
            self._uses[key] = plan
        return None

    def _reassignment(self, node: cst.CSTNode, name: str, start: tuple[int, int], plan: _Plan) -> Optional[str]:
        assign_target = self.parent(node)
        assign = self.parent(assign_target) if isinstance(assign_target, cst.AssignTarget) else None
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 or self._pos(assign) <= start:
            return f"`{name}` is bound another way (loop target, unpacking, with, annotation or a second query)"
        steps = _steps_on(assign.value, name)
        if steps is None:
            return f"`{name}` is reassigned from something other than its own builder calls"
        if any(s.func.attr.value not in CARRIED for s in steps):  # type: ignore[union-attr]
            return "a reassignment uses a builder without a select() equivalent"
        plan.unique = plan.unique or has_joined_eager(_as_chain(plan.chain, steps))
        plan.rebuilds.add(id(assign.value))
        return None

    def _use(self, node: cst.CSTNode, same_scope: bool, name: str, start: tuple[int, int], plan: _Plan) -> Optional[str]:
        if not same_scope:
            return f"`{name}` is used in a nested function or lambda"
        if self._pos(node) <= start:
            return f"`{name}` is used before the query is built"
        top = node
        while True:  # climb through builder steps: q.filter(…).limit(…)
            parent = self.parent(top)
            call = self.parent(parent) if isinstance(parent, cst.Attribute) else None
            if not (isinstance(parent, cst.Attribute) and parent.value is top and isinstance(call, cst.Call) and call.func is parent):
                break
            if parent.attr.value in _FINISHERS and not call.args:
                plan.finishers[id(call)] = parent.attr.value
                if top is not node:
                    plan.rebuilds.add(id(top))
                return None
            if parent.attr.value not in CARRIED:
                return f"`{name}.{parent.attr.value}()` has no conversion this rule can prove"
            top = call
        parent = self.parent(top)
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is top:
            plan.finishers[id(top)] = "iterate"
            return None
        if isinstance(parent, cst.Assign) and id(parent.value) in plan.rebuilds | {id(top)} and top is parent.value:
            return None  # the base of a reassignment, checked with the assignments
        return f"`{name}` is used in another way (returned, passed, stored or indexed)"

    def _pos(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.lazy_metadata(PositionProvider, node).start
        return (start.line, start.column)

    # -- rewriting -------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        plan = self._uses.get(id(original_node))
        if plan is None:
            return updated_node
        if id(original_node) in self._origins:
            return build_select(self, unfinished(updated_node))  # type: ignore[arg-type]
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
        if plan.unique:
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
    return steps[::-1] if isinstance(node, cst.Name) and node.value == name else None


def _as_chain(origin: QueryChain, steps: list[cst.Call]) -> QueryChain:
    return QueryChain(origin.receiver, origin.query_call, steps, "", origin.terminal_call)


def _renamed(expr: cst.BaseExpression) -> cst.BaseExpression:
    """Rename Query builder steps to their Select names (filter -> where) along a chain."""
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        inner = _renamed(expr.func.value)
        name = CARRIED.get(expr.func.attr.value, expr.func.attr.value)
        return expr.with_changes(func=expr.func.with_changes(value=inner, attr=cst.Name(name)))
    return expr
