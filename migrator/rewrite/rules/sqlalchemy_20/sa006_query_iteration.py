"""SA006: iterating a Query (`for x in s.query(M)…:`) iterates the 2.0 result instead."""

from __future__ import annotations

from typing import Union

import libcst as cst

from migrator.rewrite.rules.sqlalchemy_20._query import QueryRule, run_statement, unfinished


class QueryIteration(QueryRule):
    """for x in s.query(M)…: -> for x in s.scalars(select(M)…): (columns: s.execute(select(a, b)…))"""

    code = "SA006"
    safety = "safe"
    needles = (".query(",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sessions: set[int] = set()  # loops whose query receiver was a session when the loop began

    def _remember(self, node: Union[cst.For, cst.CompFor]) -> None:
        chain = unfinished(node.iter)
        if chain is not None and self.is_session(chain.receiver):
            self._sessions.add(id(node))

    def visit_For(self, node: cst.For) -> None:
        self._remember(node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._remember(node)

    def _convert(self, original: Union[cst.For, cst.CompFor], updated):
        if id(original) not in self._sessions:
            return updated
        chain = unfinished(updated.iter)
        assert chain is not None
        why = self.why_not_select(chain)
        if why:
            self.report(original.iter, why)
            return updated
        return updated.with_changes(iter=run_statement(self, chain))

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        return self._convert(original_node, updated_node)

    def leave_CompFor(self, original_node: cst.CompFor, updated_node: cst.CompFor) -> cst.CompFor:
        return self._convert(original_node, updated_node)
