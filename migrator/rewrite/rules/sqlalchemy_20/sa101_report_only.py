"""SA101–SA103: legacy forms with no mechanical 2.0 equivalent; reported, never changed."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.rules.sqlalchemy_20._query import decompose
from migrator.rewrite.sessions import dotted


class FromSelf(Rule):
    """Query.from_self() was removed in 2.0: rewrite with an explicit subquery and aliased()"""

    code = "SA101"
    safety = "report"
    needles = (".from_self(",)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "from_self" and decompose(node) is not None:
            self.report(node, "Query.from_self() was removed in 2.0; select from `stmt.subquery()` with aliased()")


class QueryScalar(Rule):
    """Query.scalar(): the 2.0 form depends on whether one row is guaranteed"""

    code = "SA102"
    safety = "report"
    needles = (".scalar(",)

    def visit_Call(self, node: cst.Call) -> None:
        chain = decompose(node)
        if chain is not None and chain.terminal == "scalar" and (self.is_session(chain.receiver) or self.imports_orm_layer):
            self.report(node, "Query.scalar() raises on several rows; use s.scalar(select(…)) or s.execute(…).scalar_one_or_none()")


class EngineExecute(Rule):
    """engine.execute() was removed in 2.0: use `with engine.begin() as conn: conn.execute(text(…))`"""

    code = "SA103"
    safety = "report"
    needles = (".execute(",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._engines: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        if isinstance(node.value, cst.Call) and (dotted(node.value.func) or "").split(".")[-1] in ("create_engine", "engine_from_config"):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self._engines.add(target.target.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "execute"):
            return
        receiver = dotted(func.value) or ""
        last = receiver.split(".")[-1]
        # An engine by assignment from create_engine(), or by name in a module that uses SQLAlchemy.
        if receiver in self._engines or (self.imports_orm_layer and (last == "engine" or last.endswith("_engine"))):
            self.report(node, f"`{receiver}.execute()` (connectionless execution) was removed in 2.0; "
                              "use `with engine.begin() as conn: conn.execute(text(…))`")
