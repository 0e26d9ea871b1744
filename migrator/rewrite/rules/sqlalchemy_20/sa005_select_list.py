"""SA005: `select([a, b])` becomes `select(a, b)`."""

from __future__ import annotations

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.sessions import dotted


class SelectList(Rule):
    """select([a, b]) -> select(a, b) for SQLAlchemy's select"""

    code = "SA005"
    safety = "safe"
    needles = ("select([",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._select_names: set[str] = set()

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        module = dotted(node.module) if node.module is not None else ""
        if module in ("sqlalchemy", "sqlalchemy.sql", "sqlalchemy.sql.expression", "sqlalchemy.future") and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                if dotted(alias.name) == "select":
                    local = alias.asname.name if alias.asname else alias.name
                    self._select_names.add(dotted(local) or "select")

    def _is_select(self, func: cst.BaseExpression) -> bool:
        name = dotted(func) or ""
        if name in self._select_names:
            return True
        head, _, last = name.rpartition(".")
        return last == "select" and head.split(".")[0] in self.sa_module_aliases

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        args = updated_node.args
        if not (args and isinstance(args[0].value, cst.List) and args[0].keyword is None and not args[0].star):
            return updated_node
        if not self._is_select(updated_node.func):
            return updated_node
        if len(args) > 1:
            self.report(original_node, "select([…]) with whereclause or other arguments; convert by hand")
            return updated_node
        elements = args[0].value.elements
        if any(isinstance(e, cst.StarredElement) for e in elements):
            new_args = [cst.Arg(e.value, star="*", comma=e.comma) if isinstance(e, cst.StarredElement) else cst.Arg(e.value, comma=e.comma) for e in elements]
        else:
            new_args = [cst.Arg(e.value, comma=e.comma) for e in elements]
        if new_args and new_args[-1].comma is not cst.MaybeSentinel.DEFAULT:
            new_args[-1] = new_args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(args=new_args)
