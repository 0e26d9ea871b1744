"""SA116: `Query.get()` on a Query built elsewhere (a `Query` parameter or attribute, `Query(M, s)`); reported."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.sessions import dotted

QUERY_MODULES = ("sqlalchemy.orm", "sqlalchemy.orm.query")


class QueryGetElsewhere(Rule):
    """Query.get() on a Query whose session and entity are not in view: session.get(M, pk) by hand"""

    code = "SA116"
    safety = "report"
    needles = (".get(",)
    required = ("Query",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._query_types: set[str] = set()
        self._typed: list[set[str]] = [set()]  # names annotated or assigned as a Query, per function

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        if node.module is not None and not node.relative and dotted(node.module) in QUERY_MODULES \
                and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                if dotted(alias.name) == "Query":
                    self._query_types.add(dotted(alias.asname.name if alias.asname else alias.name) or "Query")

    def _is_query_type(self, node: Optional[cst.BaseExpression]) -> bool:
        if node is None:
            return False
        if isinstance(node, cst.Subscript):
            if dotted(node.value) in ("Optional", "typing.Optional") and node.slice and isinstance(node.slice[0].slice, cst.Index):
                return self._is_query_type(node.slice[0].slice.value)
            node = node.value  # Query[User]
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = node.evaluated_value
            return isinstance(value, str) and value.split("[")[0] in self._query_types
        name = dotted(node) or ""
        head, _, last = name.rpartition(".")
        return name in self._query_types or (last == "Query" and head.split(".")[0] in self.sa_module_aliases)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        params = node.params
        self._typed.append({p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)
                            if p.annotation is not None and self._is_query_type(p.annotation.annotation)})

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._typed.pop()
        return super().leave_FunctionDef(original_node, updated_node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        super().visit_AnnAssign(node)
        if isinstance(node.target, cst.Name) and self._is_query_type(node.annotation.annotation):
            self._typed[-1].add(node.target.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                if isinstance(node.value, cst.Call) and self._is_query_type(node.value.func):
                    self._typed[-1].add(target.target.value)
                else:
                    self._typed[-1].discard(target.target.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "get" and len(node.args) == 1):
            return
        receiver = func.value
        shown = cst.Module([]).code_for_node(receiver)
        if isinstance(receiver, cst.Call) and self._is_query_type(receiver.func):
            why = f"`{shown}` builds a Query directly"
        elif isinstance(receiver, cst.Name) and receiver.value in self._typed[-1]:
            why = f"`{shown}` is a Query built elsewhere (its entity and session are not in view)"
        else:
            return
        hint = f"`{shown}.session` is its session; " if isinstance(receiver, cst.Name) else ""
        self.report(node, f"Query.get() is legacy in 2.0 and {why}: call `session.get(Model, pk)` by hand "
                          f"({hint}pass the Query's loader options as options=[…])")
