"""SA018: Query methods that 2.0 expresses on the statement, converted where the state is provably the same.

- `.yield_per(n)` in a session query -> `.execution_options(yield_per=n)` (1.4+ documents them as
  the same ORM option), so the chain's other rules can carry it to select().
- `s.query(M)….with_entities(a, b)` -> `s.query(a, b)…` (with_entities only replaces the entities;
  every builder before it is kept as state, except filter_by, which binds to the entity at once).
- `s.query(M).from_statement(stmt)` finished by .all()/.first()/.one()/.one_or_none() or iterated
  -> `s.scalars(select(M).from_statement(stmt))` (Query.first() adds no LIMIT to a statement).
- `s.query(<one row>).scalar()` -> `s.scalar(select(<one row>)…)` when one row is guaranteed: an
  EXISTS (`q.exists()` of a session query becomes `select(M)….exists()`, or `exists(…)`), or an
  aggregate without GROUP BY; Query.scalar() only differs from Session.scalar() on several rows.
  Other column queries: `s.query(M.a)….scalar()` -> `s.execute(select(M.a)…).scalar_one_or_none()`
  (raises on several rows, None on none, as Query.scalar() did); entity queries stay SA102 findings.
- `.with_parent(obj, Parent.rel)` on `s.query(M)` (M a plain class, no join before) -> `.filter(with_parent(obj,
  Parent.rel))`: Query.with_parent only adds that criterion, adapted when the entity is aliased.
- `s.query(M)….value(col)` -> `s.scalar(select(col)…)`; `.values(a, b)` -> `s.execute(select(a, b)…)`
  (both removed in 2.0: with_entities() and the first row, or an iterator of rows).
Anything else these methods appear in is a finding saying why.
"""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrator.rewrite.rules import Rule
from migrator.rewrite.rules.sqlalchemy_20._query import (
    CARRIED, QueryChain, build_select, decompose, run_statement, runner_for, unfinished, unknown_entity,
    unsupported_step)
from migrator.rewrite.sessions import dotted

AGGREGATES = ("count", "sum", "avg", "min", "max")
# Steps that keep a query of one aggregate or EXISTS at exactly one row.
ONE_ROW_STEPS = ("filter", "where", "join", "outerjoin", "select_from", "execution_options")
# Steps that are only state, the same whatever the entities (filter_by binds to the entity when called).
ENTITY_FREE_STEPS = tuple(name for name in CARRIED if name != "filter_by")
VALUE_STEPS = ("filter", "where", "order_by", "limit", "offset", "select_from", "distinct", "execution_options")
RESULT_TERMINALS = ("all", "first", "one", "one_or_none")
EXISTS_BUILDERS = ("where", "correlate", "correlate_except", "select_from")


def exists_of_query(rule: Rule, value: cst.BaseExpression) -> Optional[QueryChain]:
    """`s.query(M)….exists()` with `s` a session and select()-able steps -> the inner chain."""
    if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "exists"
            and not value.args):
        return None
    chain = unfinished(value.func.value)
    if chain is None or not rule.is_session(chain.receiver) or unsupported_step(chain) is not None:
        return None
    return chain


def one_row(rule: Rule, chain: QueryChain) -> bool:
    """The query selects one EXISTS or aggregate and no step can make that more than one row."""
    args = chain.query_call.args
    if len(args) != 1 or args[0].keyword is not None or args[0].star:
        return False
    if any(chain.step_name(step) not in ONE_ROW_STEPS for step in chain.steps):
        return False
    value = args[0].value
    if exists_of_query(rule, value) is not None:
        return True
    if not isinstance(value, cst.Call):
        return False
    if isinstance(value.func, cst.Attribute) and value.func.attr.value == "exists" and not value.args:
        return _is_select_chain(value.func.value)  # select(M).where(…).exists()
    base: cst.BaseExpression = value
    while isinstance(base, cst.Call) and isinstance(base.func, cst.Attribute) and base.func.attr.value in EXISTS_BUILDERS:
        base = base.func.value  # exists().where(…)
    parts = (dotted(base.func) or "").split(".") if isinstance(base, cst.Call) else [""]
    if parts[-1] == "exists" and (len(parts) == 1 or parts[-2] in ("sa", "sqlalchemy", "sql", "expression")):
        return True  # exists(…) / sa.exists(…)
    name = dotted(value.func) or ""
    parts = name.split(".")
    return len(parts) >= 2 and parts[-2] == "func" and parts[-1].lower() in AGGREGATES


def _is_select_chain(node: cst.BaseExpression) -> bool:
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value != "select":
        node = node.func.value
    return isinstance(node, cst.Call) and (dotted(node.func) or "").split(".")[-1] == "select" and (
        dotted(node.func) or "").split(".")[0] in ("select", "sa", "sqlalchemy", "db")


def converts_scalar(rule: Rule, chain: QueryChain) -> Optional[str]:
    """How SA018 converts this `s.query(…).scalar()` (SA102 stays quiet on it), or None.

    "one_row": `s.scalar(select(…))`, one row guaranteed; "columns": `s.execute(select(…)).scalar_one_or_none()`,
    which like Query.scalar() raises on several rows and gives None on none (entity queries are left
    to SA102: legacy Query de-duplicated joined eager rows, a Result needs .unique() for that).
    """
    if not (chain.terminal == "scalar" and not chain.terminal_call.args and rule.is_session(chain.receiver)
            and unsupported_step(chain) is None):
        return None
    if one_row(rule, chain):
        return "one_row"
    if runner_for(chain, rule.options.entity_names) == "execute":
        return "columns"
    return None


class QueryForms(Rule):
    """s.query(…).yield_per/with_entities/with_parent/from_statement/exists().scalar()/value/values -> their 2.0 statement forms"""

    code = "SA018"
    safety = "safe"
    needles = (".yield_per(", ".with_entities(", ".from_statement(", ".scalar(", ".value(", ".values(", ".with_parent(")
    required = (".query(",)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        if not isinstance(func, cst.Attribute):
            return updated_node
        name = func.attr.value
        if name == "yield_per":
            return self._yield_per(updated_node)
        if name == "with_entities":
            return self._with_entities(original_node, updated_node)
        if name == "from_statement":
            return self._from_statement(original_node, updated_node)
        if name == "with_parent":
            return self._with_parent(original_node, updated_node)
        if name in ("scalar", "value", "values"):
            chain = decompose(updated_node)
            if chain is None or not self.is_session(chain.receiver):
                return updated_node
            if name == "scalar":
                how = converts_scalar(self, chain)
                return self._scalar(original_node, chain, how) if how else updated_node
            return self._values(original_node, chain)
        return updated_node

    # -- loops over a query this rule made select()-able (SA006 decided before it was) ----------
    def _loop(self, original: Union[cst.For, cst.CompFor], updated):
        if unfinished(original.iter) is not None or not _has_step(original.iter, ("yield_per", "with_entities")):
            return updated
        chain = self._session_chain(updated.iter)
        if chain is None:
            return updated
        why = unsupported_step(chain)
        if why is None and runner_for(chain, self.options.entity_names) is None:
            why = unknown_entity(chain)
        if why is not None:
            self.report(original.iter, why)
            return updated
        if self._clash(original.iter):
            return updated
        return updated.with_changes(iter=run_statement(self, chain))

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        return self._loop(original_node, updated_node)

    def leave_CompFor(self, original_node: cst.CompFor, updated_node: cst.CompFor) -> cst.CompFor:
        return self._loop(original_node, updated_node)

    def _session_chain(self, node: cst.BaseExpression) -> Optional[QueryChain]:
        chain = unfinished(node)
        return chain if chain is not None and self.is_session(chain.receiver) else None

    def _clash(self, original_node: cst.CSTNode) -> bool:
        if self.free_name("select"):
            return False
        self.report(original_node, "`select` already means something else here; convert by hand")
        return True

    # -- yield_per ------------------------------------------------------------------------
    def _yield_per(self, node: cst.Call) -> cst.BaseExpression:
        assert isinstance(node.func, cst.Attribute)
        if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
            return node
        if self._session_chain(node.func.value) is None:
            return node
        arg = cst.Arg(node.args[0].value, keyword=cst.Name("yield_per"),
                      equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
        return node.with_changes(func=node.func.with_changes(attr=cst.Name("execution_options")), args=[arg])

    # -- with_entities ----------------------------------------------------------------------
    def _with_entities(self, original_node: cst.Call, node: cst.Call) -> cst.BaseExpression:
        assert isinstance(node.func, cst.Attribute)
        chain = self._session_chain(node.func.value)
        if chain is None or not node.args:
            return node
        if any(a.keyword is not None for a in node.args) or any(a.keyword is not None or a.star for a in chain.query_call.args):
            return node
        bad = next((chain.step_name(s) for s in chain.steps if chain.step_name(s) not in ENTITY_FREE_STEPS), None)
        if bad is not None:
            self.report(original_node, f"`.with_entities()` after `.{bad}()`: {bad} binds to the query's first entity "
                                       f"when called; move the columns into query(…) by hand")
            return node
        query_call = chain.query_call.with_changes(args=list(node.args))
        stmt: cst.BaseExpression = query_call
        for step in chain.steps:
            assert isinstance(step.func, cst.Attribute)
            stmt = step.with_changes(func=step.func.with_changes(value=stmt))
        return stmt

    # -- with_parent ----------------------------------------------------------------------------
    def _with_parent(self, original_node: cst.Call, node: cst.Call) -> cst.BaseExpression:
        assert isinstance(node.func, cst.Attribute)
        chain = self._session_chain(node.func.value)
        if chain is None:
            return node
        args = node.args
        first = chain.query_call.args[0].value if chain.query_call.args else None
        entity = dotted(first) if first is not None else None
        why = None
        if len(args) != 2 or any(a.keyword is not None or a.star for a in args) or not isinstance(args[1].value, cst.Attribute):
            why = "Query.with_parent() without an explicit `Parent.relationship` property (a string or none)"
        elif any(chain.step_name(s) in ("join", "outerjoin", "select_from") for s in chain.steps):
            why = "Query.with_parent() after a join or select_from (it binds to the last joined entity)"
        elif entity is None or not entity.split(".")[-1][:1].isupper() or self._lookup(entity) is not None:
            why = "Query.with_parent() on a query whose first entity is not provably a plain mapped class (an aliased() entity changes it)"
        elif not self.free_name("with_parent"):
            why = "`with_parent` already means something else here"
        if why is not None:
            self.report(original_node, f"{why}: write `.where(with_parent(instance, Parent.relationship, from_entity))` by hand")
            return node
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.orm", "with_parent")
        criterion = cst.Call(func=cst.Name("with_parent"), args=[a.with_changes(comma=a.comma) for a in args])
        return node.with_changes(func=node.func.with_changes(attr=cst.Name("filter")), args=[cst.Arg(criterion)])

    # -- from_statement ---------------------------------------------------------------------
    def _from_statement(self, original_node: cst.Call, node: cst.Call) -> cst.BaseExpression:
        assert isinstance(node.func, cst.Attribute)
        query_call = node.func.value
        if not (isinstance(query_call, cst.Call) and isinstance(query_call.func, cst.Attribute)
                and query_call.func.attr.value == "query" and self.is_session(query_call.func.value)):
            return node
        if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
            return node
        parent = self.parent(original_node)
        grand = self.parent(parent) if parent is not None else None
        finished = (isinstance(parent, cst.Attribute) and parent.attr.value in RESULT_TERMINALS
                    and isinstance(grand, cst.Call) and not grand.args) or (
            isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is original_node)
        if not finished:
            self.report(original_node, "Query.from_statement() is finished by something other than .all()/.first()/"
                                       ".one()/.one_or_none() or a loop; use s.scalars(select(M).from_statement(stmt)) "
                                       "(s.execute(…) for columns) by hand")
            return node
        chain = QueryChain(query_call.func.value, query_call, [], "", node)
        why = unsupported_step(chain)
        runner = runner_for(chain, self.options.entity_names)
        if why is None and runner is None:
            why = unknown_entity(chain)
        if why is not None:
            self.report(original_node, why)
            return node
        if self._clash(original_node):
            return node
        stmt = cst.Call(func=cst.Attribute(value=build_select(self, chain), attr=cst.Name("from_statement")),
                        args=[node.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)])
        return cst.Call(func=cst.Attribute(value=chain.receiver, attr=cst.Name(runner)), args=[cst.Arg(stmt)])

    # -- scalar of one row --------------------------------------------------------------------
    def _scalar(self, original_node: cst.Call, chain: QueryChain, how: str) -> cst.BaseExpression:
        if self._clash(original_node):
            return original_node
        if how == "columns":
            result = cst.Call(func=cst.Attribute(value=chain.receiver, attr=cst.Name("execute")),
                              args=[cst.Arg(build_select(self, chain))])
            assert isinstance(chain.terminal_call.func, cst.Attribute)
            return chain.terminal_call.with_changes(
                func=chain.terminal_call.func.with_changes(value=result, attr=cst.Name("scalar_one_or_none")))
        value = chain.query_call.args[0].value
        inner = exists_of_query(self, value)
        if inner is not None:
            assert isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
            converted = value.with_changes(func=value.func.with_changes(value=build_select(self, inner)))
            arg = chain.query_call.args[0].with_changes(value=converted, comma=cst.MaybeSentinel.DEFAULT)
            chain = QueryChain(chain.receiver, chain.query_call.with_changes(args=[arg]), chain.steps,
                               chain.terminal, chain.terminal_call)
        return cst.Call(func=cst.Attribute(value=chain.receiver, attr=cst.Name("scalar")),
                        args=[cst.Arg(build_select(self, chain))])

    # -- value / values -----------------------------------------------------------------------
    def _values(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        terminal = chain.terminal
        args = chain.terminal_call.args
        if not args or any(a.keyword is not None or a.star for a in args) or (terminal == "value" and len(args) != 1):
            self.report(original_node, f"Query.{terminal}() was removed in 2.0; use "
                                       f"{'s.scalar(select(col)…)' if terminal == 'value' else 's.execute(select(a, b)…)'} by hand")
            return original_node
        bad = next((chain.step_name(s) for s in chain.steps if chain.step_name(s) not in VALUE_STEPS), None)
        if bad is not None:
            self.report(original_node, f"Query.{terminal}() was removed in 2.0 and `.{bad}()` depends on the replaced "
                                       f"entity; use {'s.scalar' if terminal == 'value' else 's.execute'}(select(…)…) by hand")
            return original_node
        if self._clash(original_node):
            return original_node
        columns = [a.with_changes(comma=a.comma) for a in args]
        replaced = QueryChain(chain.receiver, chain.query_call.with_changes(args=columns), chain.steps, "", chain.terminal_call)
        runner = "scalar" if terminal == "value" else "execute"
        return cst.Call(func=cst.Attribute(value=chain.receiver, attr=cst.Name(runner)),
                        args=[cst.Arg(build_select(self, replaced))])


def _has_step(node: cst.BaseExpression, names: tuple[str, ...]) -> bool:
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value in names:
            return True
        node = node.func.value
    return False
