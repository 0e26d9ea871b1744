"""SA115: `and_()` / `or_()` with no arguments (or only `*args` that may be empty) are deprecated in 2.0; reported."""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from migrator.rewrite.rules import Rule
from migrator.rewrite.sessions import dotted

_ALIAS = re.compile(r"\b(?:and_|or_)\s+as\s+(\w+)")
MODULES = ("sqlalchemy", "sqlalchemy.sql", "sqlalchemy.sql.expression")

AND_EMPTY = ("and_() with no arguments is deprecated in 2.0 (a later release raises); it adds no criterion: drop it, "
             "or write `true()`")
OR_EMPTY = ("or_() with no arguments is deprecated in 2.0 (a later release raises); it adds no criterion, so every "
            "row matches: drop it, or write `true()` (`or_(false())` would match no row)")
AND_STAR = ("`{call}` is deprecated in 2.0 when `{arg}` is empty (a later release raises): "
            "`and_(true(), {star})` builds the same SQL when it is not empty and `true` when it is")
OR_STAR = ("`{call}` is deprecated in 2.0 when `{arg}` is empty, where it adds no criterion (every row matches); "
           "the suggested `or_(false(), {star})` matches no row instead: write "
           "`or_({star}) if {arg} else true()` to keep the 1.x result, or or_(false(), …) if none was meant")


class EmptyAndOr(Rule):
    """and_() / or_() without arguments (or with *args that may be empty) are deprecated in 2.0"""

    code = "SA115"
    safety = "report"
    needles = ("and_(", "or_(")

    def definition_needles(self, text: str) -> tuple[str, ...]:
        """Definitions to walk: those calling and_/or_ under their own names or an alias (`or_ as either`)."""
        return (*self.needles, *(f"{alias}(" for alias in sorted(set(_ALIAS.findall(text)))))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._names: dict[str, str] = {}  # local name -> "and_" | "or_"

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        if node.module is None or node.relative or dotted(node.module) not in MODULES or isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted(alias.name)
            if name in ("and_", "or_"):
                self._names[dotted(alias.asname.name if alias.asname else alias.name) or name] = name

    def _which(self, func: cst.BaseExpression) -> Optional[str]:
        name = dotted(func) or ""
        if name in self._names and not any(name in scope for scope in self.scopes[1:]):
            return self._names[name]
        head, _, last = name.rpartition(".")
        if last not in ("and_", "or_") or not head:
            return None
        root = head.split(".")[0]
        if root in self.sa_module_aliases or (root == "db" and self.flask_sqlalchemy_project):
            return last
        return None

    def visit_Call(self, node: cst.Call) -> None:
        which = self._which(node.func)
        if which is None:
            return
        args = node.args
        if not args:
            self.report(node, AND_EMPTY if which == "and_" else OR_EMPTY)
            return
        if all(a.star == "*" and not _non_empty(a.value) for a in args):
            code = cst.Module([]).code_for_node
            star = ", ".join(code(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for a in args)
            arg = " + ".join(code(a.value) for a in args) if len(args) > 1 else code(args[0].value)
            call = f"{dotted(node.func)}({star})"
            self.report(node, (AND_STAR if which == "and_" else OR_STAR).format(call=call, arg=arg, star=star))


def _non_empty(value: cst.BaseExpression) -> bool:
    return isinstance(value, (cst.List, cst.Tuple, cst.Set)) and any(not isinstance(e, cst.StarredElement) for e in value.elements)
