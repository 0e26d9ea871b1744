"""Shared by the Query API rules: take a `s.query(…)….terminal(…)` chain apart and build
the 2.0 statement from it, reusing the original dots so chains split over lines keep
their line breaks and comments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrator.rewrite.rules import Rule
from migrator.rewrite.sessions import dotted

# Query methods with a same-behaving Select method (filter is where's old name).
CARRIED = {
    "filter": "where", "where": "where", "filter_by": "filter_by", "order_by": "order_by", "limit": "limit",
    "offset": "offset", "join": "join", "outerjoin": "outerjoin", "group_by": "group_by", "having": "having",
    "distinct": "distinct", "options": "options", "select_from": "select_from", "with_for_update": "with_for_update",
    "execution_options": "execution_options",
}


@dataclass
class QueryChain:
    receiver: cst.BaseExpression
    query_call: cst.Call
    steps: list[cst.Call]  # builder calls between .query(…) and the terminal, in order
    terminal: str
    terminal_call: cst.Call

    def step_name(self, step: cst.Call) -> str:
        assert isinstance(step.func, cst.Attribute)
        return step.func.attr.value


def decompose(call: cst.Call) -> Optional[QueryChain]:
    """`s.query(M).filter(x).all()` -> its parts; None when `call` does not end such a chain."""
    if not isinstance(call.func, cst.Attribute):
        return None
    terminal = call.func.attr.value
    node = call.func.value
    steps: list[cst.Call] = []
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value == "query":
            return QueryChain(node.func.value, node, steps[::-1], terminal, call)
        steps.append(node)
        node = node.func.value
    return None


def unfinished(expr: cst.BaseExpression) -> Optional[QueryChain]:
    """`s.query(M).filter(x)` (not finished by a terminal) -> its parts; terminal "", terminal_call the whole."""
    steps: list[cst.Call] = []
    node = expr
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        if node.func.attr.value == "query":
            return QueryChain(node.func.value, node, steps[::-1], "", expr)  # type: ignore[arg-type]
        if node.func.attr.value not in CARRIED:
            return None
        steps.append(node)
        node = node.func.value
    return None


# Calls that produce an entity (objects come back) and calls that produce column expressions.
_ENTITY_CALLS = {"aliased", "with_polymorphic"}
_COLUMN_CALLS = {"cast", "literal", "literal_column", "case", "label", "distinct", "coalesce", "type_coerce",
                 "null", "true", "false", "column", "desc", "asc"}


def runner_for(chain: QueryChain, entity_names: tuple[str, ...] = ()) -> Optional[str]:
    """"scalars" when the query selects one entity (objects), "execute" for rows, None when unknowable.

    `query(User)` returns objects and `query(User.email)` Rows; `query(self.model)` or
    `query(model)` could be either, and guessing wrong changes what the caller gets.
    Capitalised names are classes by Python convention; `cls` is a class; `entity_names`
    are the expressions the team declared ([rewrite] entity_names, --entity-name).
    """
    args = chain.query_call.args
    if len(args) != 1:
        return "execute"
    value = args[0].value
    if isinstance(value, cst.Call):
        name = dotted(value.func) or ""
        last = name.split(".")[-1]
        if last in _ENTITY_CALLS:
            return "scalars"
        if name.startswith(("func.", "sa.func.", "sqlalchemy.func.")) or last in _COLUMN_CALLS:
            return "execute"
        return None
    name = dotted(value)
    if name is None:
        return "execute" if isinstance(value, (cst.BinaryOperation, cst.Comparison, cst.UnaryOperation)) else None
    parts = name.split(".")
    if parts[-1][:1].isupper() or parts[-1] == "cls" or name in entity_names:
        return "scalars"
    if len(parts) >= 2 and parts[-2][:1].isupper():
        return "execute"  # User.email: a column of a class
    return None


def unknown_entity(chain: QueryChain) -> str:
    arg = chain.query_call.args[0].value
    shown = cst.Module([]).code_for_node(arg)
    return (f"cannot tell whether `{shown}` is a mapped class (objects) or a column (rows); "
            f"if it always holds a class, name it with --entity-name {shown!r}")


def unsupported_step(chain: QueryChain) -> Optional[str]:
    """Why the chain's builder steps cannot be carried over to select(), or None."""
    if not chain.query_call.args or any(a.keyword is not None or a.star for a in chain.query_call.args):
        return "query() without plain entities"
    for step in chain.steps:
        name = chain.step_name(step)
        if name not in CARRIED:
            return f"`.{name}()` has no select() equivalent this rule knows"
        if name in ("join", "outerjoin") and any(
            (a.keyword is not None and a.keyword.value == "aliased") or isinstance(a.value, cst.Tuple) for a in step.args
        ):
            return f"legacy `.{name}()` form (aliased=True or tuple arguments)"
    return None


def has_joined_eager(chain: QueryChain) -> bool:
    # Legacy Query de-duplicates rows when joined eager loading is present; 2.0 results
    # refuse to fetch them without .unique(), so the rules add it.
    for step in chain.steps:
        if chain.step_name(step) == "options":
            for arg in step.args:
                for call in _calls(arg.value):
                    name = dotted(call.func) or ""
                    if name.split(".")[-1] == "joinedload":
                        return True
    return False


def _calls(node: cst.CSTNode):
    if isinstance(node, cst.Call):
        yield node
    for child in node.children:
        yield from _calls(child)


def build_select(rule: Rule, chain: QueryChain) -> cst.BaseExpression:
    """select(<query args>) with the builder steps applied, importing `select`."""
    AddImportsVisitor.add_needed_import(rule.context, "sqlalchemy", "select")
    return select_with_steps(cst.Name("select"), chain)


def select_with_steps(select_func: cst.BaseExpression, chain: QueryChain) -> cst.BaseExpression:
    """`<select_func>(<query args>)` with the builder steps applied (e.g. `db.select` for Flask-SQLAlchemy)."""
    stmt: cst.BaseExpression = cst.Call(func=select_func, args=_strip_last_comma(chain.query_call.args))
    for step in chain.steps:
        assert isinstance(step.func, cst.Attribute)
        stmt = step.with_changes(func=step.func.with_changes(value=stmt, attr=cst.Name(CARRIED[chain.step_name(step)])))
    return stmt


def _strip_last_comma(args):
    args = list(args)
    if args and args[-1].comma is not cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return args


def method(value: cst.BaseExpression, name: str, args=(), dot: Optional[cst.Dot] = None) -> cst.Call:
    attr = cst.Attribute(value=value, attr=cst.Name(name), dot=dot or cst.Dot())
    return cst.Call(func=attr, args=list(args))


def run_statement(rule: Rule, chain: QueryChain, stmt: Optional[cst.BaseExpression] = None) -> cst.BaseExpression:
    """`s.scalars(stmt)` for entity queries, `s.execute(stmt)` for column queries; `.unique()` after joinedload."""
    runner = runner_for(chain, rule.options.entity_names) or "execute"
    result: cst.BaseExpression = method(chain.receiver, runner, [cst.Arg(stmt if stmt is not None else build_select(rule, chain))])
    return method(result, "unique") if has_joined_eager(chain) else result


def finish(chain: QueryChain, runner: str, stmt: cst.BaseExpression, terminal: str, unique: bool = False) -> cst.Call:
    """`<receiver>.<runner>(stmt)[.unique()].<terminal>()`, keeping the terminal's dot and arguments."""
    result: cst.BaseExpression = method(chain.receiver, runner, [cst.Arg(stmt)])
    if unique:
        result = method(result, "unique")
    assert isinstance(chain.terminal_call.func, cst.Attribute)
    func = chain.terminal_call.func.with_changes(value=result, attr=cst.Name(terminal))
    return chain.terminal_call.with_changes(func=func)


class QueryRule(Rule):
    """Base of the rules that finish a Query chain: the receiver check and its finding."""

    terminals: tuple[str, ...] = ()
    needles = (".query(",)
    required = (".query(",)
    imports_needed: tuple[str, ...] = ("select",)  # names the converted code imports from sqlalchemy

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        chain = decompose(updated_node)
        if chain is None or chain.terminal not in self.terminals:
            return updated_node
        if not self.is_session(chain.receiver):
            if self.imports_orm_layer:
                name = dotted(chain.receiver) or "the receiver"
                self.report(original_node, f"`{name}` is not provably a Session (no import, annotation or assignment "
                                           f"says so); name it with --session-name to convert")
            return updated_node
        return self.convert(original_node, chain)

    def convertible(self, original_node: cst.Call, chain: QueryChain, needs_runner: bool = True) -> bool:
        """False (with a finding when it is worth one) for chains select() cannot express."""
        if chain.terminal_call.args:
            return False
        why = self.why_not_select(chain, needs_runner)
        if why:
            self.report(original_node, why)
            return False
        return True

    def why_not_select(self, chain: QueryChain, needs_runner: bool = True) -> Optional[str]:
        """Why the chain cannot become a select() run on its session here, or None."""
        why = unsupported_step(chain) or self.name_clash()
        if why is None and needs_runner and runner_for(chain, self.options.entity_names) is None:
            why = unknown_entity(chain)
        return why

    def name_clash(self) -> Optional[str]:
        clash = next((name for name in self.imports_needed if not self.free_name(name)), None)
        return f"`{clash}` already means something else here; convert by hand" if clash else None

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:  # pragma: no cover
        raise NotImplementedError
