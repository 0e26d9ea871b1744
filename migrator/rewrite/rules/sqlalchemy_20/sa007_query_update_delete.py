"""SA007: bulk `Query.update()` / `Query.delete()` become ORM-enabled `update()` / `delete()` statements.

Query.update/delete return the matched row count; the statement form returns a
CursorResult, so `.rowcount` is appended wherever the value is used. synchronize_session
moves to `.execution_options(…)`, where 2.0 reads it. Only `filter`/`filter_by`/`where`
may precede the call: Query refuses joins, ordering and limits in bulk operations too.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrator.rewrite.rules.sqlalchemy_20._query import QueryChain, QueryRule, method

_FILTERS = {"filter": "where", "where": "where", "filter_by": "filter_by"}


class QueryUpdateDelete(QueryRule):
    """s.query(M).filter(…).update({…}) -> s.execute(update(M).where(…).values({…})).rowcount; .delete() likewise"""

    code = "SA007"
    safety = "safe"
    terminals = ("update", "delete")
    needles = (".update(", ".delete(")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._discarded: set[int] = set()  # calls whose value is thrown away (expression statements)

    def visit_Expr(self, node: cst.Expr) -> None:
        self._discarded.add(id(node.value))

    def convert(self, original_node: cst.Call, chain: QueryChain) -> cst.BaseExpression:
        why = self._unsupported(chain)
        if why is None and not chain.terminal_call.args and _has_comment(chain.terminal_call.func):
            why = f"a comment before .{chain.terminal}() would be lost; convert by hand"
        if why is None and not self.free_name(chain.terminal):
            why = f"`{chain.terminal}` already means something else here; convert by hand"
        if why:
            self.report(original_node, why)
            return original_node
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy", chain.terminal)
        stmt: cst.BaseExpression = cst.Call(cst.Name(chain.terminal), [cst.Arg(chain.query_call.args[0].value)])
        for step in chain.steps:
            assert isinstance(step.func, cst.Attribute)
            stmt = step.with_changes(func=step.func.with_changes(value=stmt, attr=cst.Name(_FILTERS[chain.step_name(step)])))
        positional = [a for a in chain.terminal_call.args if a.keyword is None]
        keywords = [a for a in chain.terminal_call.args if a.keyword is not None]
        # The terminal's dot carries its line break and any comment before it: the first
        # appended call inherits it.
        assert isinstance(chain.terminal_call.func, cst.Attribute)
        dot = chain.terminal_call.func.dot
        for name, args in (("values", positional), ("execution_options", keywords)):
            if args:
                stmt = method(stmt, name, [args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)], dot=dot)
                dot = cst.Dot()
        result: cst.BaseExpression = chain.terminal_call.with_changes(
            func=cst.Attribute(chain.receiver, cst.Name("execute")), args=[cst.Arg(stmt)])
        if id(original_node) in self._discarded:
            return result
        return cst.Attribute(result, cst.Name("rowcount"))

    def _unsupported(self, chain: QueryChain) -> str | None:
        args = chain.query_call.args
        if len(args) != 1 or args[0].keyword is not None or args[0].star:
            return f"bulk .{chain.terminal}() on other than one mapped class; convert by hand"
        for step in chain.steps:
            if chain.step_name(step) not in _FILTERS:
                return f"`.{chain.step_name(step)}()` before bulk .{chain.terminal}(); convert by hand"
        args = chain.terminal_call.args
        positional = [a for a in args if a.keyword is None]
        keywords = [a for a in args if a.keyword is not None]
        expected_positional = 1 if chain.terminal == "update" else 0
        if any(a.star for a in args) or len(positional) != expected_positional or positional and args[0].keyword:
            return f"unexpected arguments to Query.{chain.terminal}(); convert by hand"
        if any(a.keyword.value != "synchronize_session" for a in keywords if a.keyword):
            return f"Query.{chain.terminal}() argument other than synchronize_session (update_args?); convert by hand"
        return None


def _has_comment(func: cst.BaseExpression) -> bool:
    return isinstance(func, cst.Attribute) and "#" in cst.Module([]).code_for_node(func.dot)
