"""SA005: the 1.x calling forms of `select()` become 2.0's.

`select([a, b])` -> `select(a, b)`; the legacy positional and keyword arguments become the
generative methods that set the same statement state (1.4's `Select.create_legacy_select`):
whereclause -> `.where()`, from_obj -> `.select_from()`, distinct -> `.distinct()`, having ->
`.having()`, correlate=False -> `.correlate(None)`, prefixes/suffixes -> `.prefix_with()`/
`.suffix_with()`, order_by/group_by/limit/offset -> the methods of those names, use_labels=True ->
`.set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)`, for_update=True -> `.with_for_update()`.
`select(cols)` with `cols` provably a list or tuple (every binding in its scope a list/tuple
display or comprehension) -> `select(*cols)`. Everything else that may be a legacy form is a
finding. `select` is recognised under any alias: `from sqlalchemy import select as sa_select`,
`sa.select`, `sa.sql.select`, `sqlalchemy.sql.expression.select`, `expression.select`.
"""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrator.rewrite.rules import Rule
from migrator.rewrite.sessions import dotted

SELECT_MODULES = ("sqlalchemy", "sqlalchemy.sql", "sqlalchemy.sql.expression", "sqlalchemy.sql.selectable", "sqlalchemy.future")
# 1.x positional parameters of select() after `columns`.
POSITIONAL = ("whereclause", "from_obj", "distinct", "having", "correlate", "prefixes", "suffixes")
# Keywords whose value is a single clause: keyword -> method.
SINGLE = {"whereclause": "where", "having": "having", "limit": "limit", "offset": "offset"}
# Keywords whose value goes through util.to_list(): keyword -> method taking *elements.
LISTS = {"from_obj": "select_from", "order_by": "order_by", "group_by": "group_by", "prefixes": "prefix_with",
         "suffixes": "suffix_with"}
# Methods in the order they are chained (the statement state does not depend on it).
ORDER = ("select_from", "where", "group_by", "having", "order_by", "limit", "offset", "distinct", "correlate",
         "prefix_with", "suffix_with", "set_label_style", "with_for_update")
_ALIAS = re.compile(r"\bselect\s+as\s+(\w+)")
_ASSIGNED = re.compile(r"^(\w+)[ \t]*=[ \t]*[\w.]*\bselect[ \t]*$", re.MULTILINE)  # `_select = sa.sql.select`
LIST_CALLS = ("list", "tuple", "sorted")
# Calls whose result is one FROM/column/entity, never a list: `select(x)` after `x = aliased(M)`.
SINGLE_CALLS = {"aliased", "with_polymorphic", "Table", "table", "alias", "subquery", "cte", "label", "column",
                "literal_column", "literal", "text", "join", "outerjoin", "lateral", "scalar_subquery", "union",
                "union_all", "select", "values", "exists", "cast", "case", "coalesce", "type_coerce", "tablesample"}


class SelectList(Rule):
    """select([a, b], whereclause, from_obj=…) -> select(a, b).where(…).select_from(…); select(cols) -> select(*cols) for a list"""

    code = "SA005"
    safety = "safe"
    needles = ("select(", "select as ")

    def definition_needles(self, text: str) -> tuple[str, ...]:
        """Definitions to walk: those calling select, under its own name or an alias (`select as S`)."""
        aliases = {*_ALIAS.findall(text), *_ASSIGNED.findall(text)}
        return (*self.needles, *(f"{alias}(" for alias in sorted(aliases)))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._select_names: set[str] = set()
        self._module_names: dict[str, str] = {}  # local name -> sqlalchemy, sqlalchemy.sql, …expression

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        module = dotted(node.module) if node.module is not None and not node.relative else ""
        if isinstance(node.names, cst.ImportStar) or not module:
            return
        for alias in node.names:
            name = dotted(alias.name)
            local = dotted(alias.asname.name) if alias.asname else name
            if module in SELECT_MODULES and name == "select":
                self._select_names.add(local or "select")
            elif f"{module}.{name}" in SELECT_MODULES and local:
                self._module_names[local] = f"{module}.{name}"  # from sqlalchemy.sql import expression

    def visit_Import(self, node: cst.Import) -> None:
        super().visit_Import(node)
        for alias in node.names:
            name = dotted(alias.name) or ""
            if name.split(".")[0] == "sqlalchemy":
                if alias.asname is not None:
                    self._module_names[dotted(alias.asname.name) or ""] = name
                else:
                    self._module_names["sqlalchemy"] = "sqlalchemy"  # import sqlalchemy.sql binds `sqlalchemy`

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        # `_select = sqlalchemy.sql.select` at module level: another name for select.
        if len(self.scopes) == 1 and isinstance(node.value, (cst.Name, cst.Attribute)) and self._is_select(node.value):
            self._select_names.update(t.target.value for t in node.targets if isinstance(t.target, cst.Name))

    def _is_select(self, func: cst.BaseExpression) -> bool:
        name = dotted(func) or ""
        if name in self._select_names:
            return not any(name in scope for scope in self.scopes[1:])  # a parameter named like it
        head, _, last = name.rpartition(".")
        if last != "select" or not head:
            return False
        # `sa.select`, `sa.sql.select`, `sqlalchemy.sql.expression.select`, `expression.select`.
        root, _, rest = head.partition(".")
        if head == "db" and (self.flask_sqlalchemy_project or self._lookup("db") == "db"):
            return True  # Flask-SQLAlchemy's db.select is sqlalchemy's
        module = self._module_names.get(root)
        if module is None or any(root in scope for scope in self.scopes[1:]):
            return False
        return (f"{module}.{rest}" if rest else module) in SELECT_MODULES

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        args = updated_node.args
        if not args or not self._is_select(updated_node.func):
            return updated_node
        first = args[0]
        if first.keyword is not None or first.star:
            if any(a.keyword is not None and a.keyword.value in (*POSITIONAL, "columns") for a in args):
                self.report(original_node, "select() with 1.x keyword arguments and no column list; "
                                           "write select(<columns>).where(…)/.select_from(…) by hand")
            return updated_node
        value = first.value
        if isinstance(value, cst.Name) and len(args) == 1:
            return self._variable(original_node, updated_node, value)
        if isinstance(value, cst.Name) and self._list_verdict(value) == "list":
            columns = [cst.Arg(value, star="*")]  # select(cols, whereclause) with cols a list
        elif not isinstance(value, (cst.List, cst.Tuple)):
            if len(args) > 1 and any(a.keyword is not None and a.keyword.value in (*POSITIONAL, *LISTS, *SINGLE) for a in args[1:]):
                self.report(original_node, "select() with 1.x keyword arguments after a column expression; "
                                           "chain .where()/.select_from()/… by hand")
            return updated_node
        else:
            columns = _spread(value)
        calls, why = self._legacy_arguments(args[1:])
        if why is not None:
            self.report(original_node, why)
            return updated_node
        new = updated_node.with_changes(args=columns)
        for name in ORDER:
            for method_args in calls.get(name, ()):
                new = cst.Call(func=cst.Attribute(value=new, attr=cst.Name(name)), args=method_args)
        return new

    # -- select(cols) -----------------------------------------------------------------
    def _variable(self, original_node: cst.Call, updated_node: cst.Call, name: cst.Name) -> cst.BaseExpression:
        shown = name.value
        if shown[:1].isupper() or shown in ("cls", "self") or shown in self.options.entity_names:
            return updated_node  # a class, by convention or declaration
        verdict = self._list_verdict(name)
        if verdict == "list":
            return updated_node.with_changes(args=[updated_node.args[0].with_changes(star="*")])
        if verdict == "single" or not self._saw_list:
            # `select(model)` with a parameter or a call's result is 2.0 code as much as 1.x: only a
            # binding that IS a list (in some branch) makes it a legacy site worth a finding.
            return updated_node
        self.report(original_node, f"select({shown}): {verdict}; 2.0's select() takes columns as separate arguments, "
                                   f"so a list must be spread: select(*{shown}). If `{shown}` always holds one entity, "
                                   f"name it with --entity-name {shown!r}")
        return updated_node

    def _list_verdict(self, name: cst.Name) -> str:
        """"list" when every binding of `name` in its scope is a list/tuple, "single" when provably
        one clause/entity, else why neither can be told (a finding)."""
        scope_node: Optional[cst.CSTNode] = None
        for ancestor in reversed(self.ancestors):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                scope_node = ancestor
                break
        collector = _Bindings(name.value)
        self._saw_list = False
        params = scope_node.params if isinstance(scope_node, (cst.FunctionDef, cst.Lambda)) else None
        if params is not None:
            for param in (*params.posonly_params, *params.params, *params.kwonly_params,
                          *(p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param))):
                if param.name.value == name.value:
                    if param.annotation is not None and _list_annotation(param.annotation.annotation):
                        self._saw_list = True
                        return "a parameter annotated as a sequence (an annotation is not a proof)"
                    if param.annotation is not None:
                        return "single"
                    return "a parameter that may hold a list of columns (1.x select() took a list)"
        if scope_node is not None:
            scope_node.body.visit(collector)
        if not collector.values and not collector.other:
            collector = _Bindings(name.value)
            self.module_node.visit(collector)
            if not collector.values and not collector.other:
                bound = self.module_bindings.get(name.value)
                return "single" if bound is not None else "cannot tell where it is bound (global or closure)"
        self._saw_list = any(_value_kind(v) == "list" for v in collector.values)
        if collector.other:
            also = "also " if collector.values else ""
            return f"`{name.value}` is {also}bound by {collector.other[0]}, so what it holds cannot be told"
        kinds = {_value_kind(v) for v in collector.values}
        if kinds == {"list"}:
            return "list"
        if kinds == {"single"}:
            return "single"
        return "cannot tell whether it holds a list of columns or one column/entity"

    # -- legacy arguments -----------------------------------------------------------------
    def _legacy_arguments(self, rest) -> tuple[dict[str, list], Optional[str]]:
        calls: dict[str, list] = {}
        for index, arg in enumerate(rest):
            if arg.star:
                return calls, "select([…]) with *args/**kwargs after the column list; convert by hand"
            if arg.keyword is None:
                if index >= len(POSITIONAL):
                    return calls, "select([…]) with more positional arguments than 1.x accepted"
                keyword = POSITIONAL[index]
            else:
                keyword = arg.keyword.value
            why = self._one_argument(keyword, arg.value, calls)
            if why is not None:
                return calls, why
        return calls, None

    def _one_argument(self, keyword: str, value: cst.BaseExpression, calls: dict[str, list]) -> Optional[str]:
        none = isinstance(value, cst.Name) and value.value == "None"
        if keyword in SINGLE:
            if not none:
                calls.setdefault(SINGLE[keyword], []).append([cst.Arg(value)])
            return None
        if keyword in LISTS:
            if none:
                return None
            if isinstance(value, (cst.List, cst.Tuple)):
                calls.setdefault(LISTS[keyword], []).append(_spread(value))
                return None
            if isinstance(value, (cst.Call, cst.Attribute, cst.Subscript)) or (
                    isinstance(value, cst.Name) and (value.value[:1].isupper() or self._list_verdict(value) == "single")):
                calls.setdefault(LISTS[keyword], []).append([cst.Arg(value)])
                return None
            if isinstance(value, cst.Name) and self._list_verdict(value) == "list":
                calls.setdefault(LISTS[keyword], []).append([cst.Arg(value, star="*")])
                return None
            return f"select([…], {keyword}={_code(value)}): cannot tell whether it is a list (1.x spread it) or one clause; convert by hand"
        if keyword == "distinct":
            if isinstance(value, cst.Name) and value.value == "False":
                return None
            if isinstance(value, cst.Name) and value.value == "True":
                calls["distinct"] = [[]]
                return None
            if isinstance(value, (cst.List, cst.Tuple)):
                calls["distinct"] = [_spread(value)]  # DISTINCT ON (…)
                return None
            return f"select([…], distinct={_code(value)}): True, False or a list (DISTINCT ON) can be converted; convert by hand"
        if keyword == "correlate":
            if isinstance(value, cst.Name) and value.value == "True":
                return None
            if isinstance(value, cst.Name) and value.value == "False":
                calls["correlate"] = [[cst.Arg(cst.Name("None"))]]
                return None
            return f"select([…], correlate={_code(value)}): only a literal True/False can be converted"
        if keyword == "use_labels":
            if isinstance(value, cst.Name) and value.value == "False":
                return None
            if isinstance(value, cst.Name) and value.value == "True" and self.free_name("LABEL_STYLE_TABLENAME_PLUS_COL"):
                AddImportsVisitor.add_needed_import(self.context, "sqlalchemy", "LABEL_STYLE_TABLENAME_PLUS_COL")
                calls["set_label_style"] = [[cst.Arg(cst.Name("LABEL_STYLE_TABLENAME_PLUS_COL"))]]
                return None
            return "select([…], use_labels=…): use .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL) by hand"
        if keyword == "for_update":
            if isinstance(value, cst.Name) and value.value == "False":
                return None
            if isinstance(value, cst.Name) and value.value == "True":
                calls["with_for_update"] = [[]]
                return None
            return (f"select([…], for_update={_code(value)}): the string modes were removed; use "
                    f".with_for_update(nowait=True / read=True / …) by hand")
        if keyword == "bind":
            return "select([…], bind=…): bound metadata and statements were removed in 2.0; execute on a connection or session"
        if keyword == "autocommit":
            return "select([…], autocommit=…): the autocommit option was removed in 2.0; commit explicitly"
        return f"select([…]) with keyword `{keyword}` this rule does not know; convert by hand"


class _Bindings(cst.CSTVisitor):
    """Every binding of one name in a function body (not in nested functions or classes)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: list[cst.BaseExpression] = []
        self.other: list[str] = []

    def _target(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression], what: str) -> None:
        if isinstance(target, cst.Name) and target.value == self.name:
            if value is None:
                self.other.append(what)
            else:
                self.values.append(value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value, None, "unpacking")
        elif isinstance(target, cst.StarredElement):
            self._target(target.value, None, "unpacking")

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._target(target.target, node.value, "an assignment")

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target, node.value, "an annotation without a value")

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and node.target.value == self.name:
            if not (isinstance(node.operator, cst.AddAssign) and isinstance(node.value, (cst.List, cst.Tuple, cst.ListComp))):
                self.other.append(f"`{self.name} {cst.Module([]).code_for_node(node.operator).strip()} …`")

    def visit_For(self, node: cst.For) -> None:
        self._target(node.target, None, "a for loop")

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._target(node.target, None, "a comprehension")

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._target(node.asname.name, None, "a with statement")

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._target(node.target, node.value, "an assignment")

    def visit_Global(self, node: cst.Global) -> None:
        if any(n.name.value == self.name for n in node.names):
            self.other.append("a global statement")

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        if any(n.name.value == self.name for n in node.names):
            self.other.append("a nonlocal statement")

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        local = node.asname.name if node.asname else node.name
        if (dotted(local) or "").split(".")[0] == self.name:
            self.values.append(cst.Name("__import__"))  # an imported name: one object

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._target(node.name.name, None, "an except clause")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if node.name.value == self.name:
            self.values.append(cst.Name("__def__"))
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        if node.name.value == self.name:
            self.values.append(cst.Name("__def__"))
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def _value_kind(value: cst.BaseExpression) -> str:
    if isinstance(value, (cst.List, cst.Tuple, cst.ListComp)):
        return "list"
    if isinstance(value, cst.Call):
        name = dotted(value.func) or ""
        last = name.split(".")[-1]
        if name in LIST_CALLS:
            return "list"
        if last in SINGLE_CALLS or last[:1].isupper() or name.startswith(("func.", "sa.func.", "sqlalchemy.func.")):
            return "single"
        return "unknown"
    if isinstance(value, cst.Name) and value.value in ("__import__", "__def__"):
        return "single"
    if isinstance(value, cst.Subscript) and len(value.slice) == 1 and isinstance(value.slice[0].slice, cst.Index) \
            and isinstance(value.slice[0].slice.value, (cst.SimpleString, cst.ConcatenatedString)):
        return "single"  # metadata.tables["users"], table.c["id"]
    if isinstance(value, cst.Attribute):
        name = dotted(value)
        parts = (name or "").split(".")
        if name and (parts[0][:1].isupper() or "c" in parts[1:-1] or "columns" in parts[1:-1]):
            return "single"  # User.id, User.__table__, users.c.id
    return "unknown"


def _list_annotation(node: cst.BaseExpression) -> bool:
    base = node.value if isinstance(node, cst.Subscript) else node
    last = (dotted(base) or "").split(".")[-1]
    return last.lower() in ("list", "tuple", "sequence", "iterable", "collection")


def _spread(value: cst.BaseExpression) -> list[cst.Arg]:
    """The elements of a list/tuple display as call arguments (starred elements stay starred)."""
    elements = value.elements  # type: ignore[attr-defined]
    args = [cst.Arg(e.value, star="*", comma=e.comma) if isinstance(e, cst.StarredElement) else cst.Arg(e.value, comma=e.comma)
            for e in elements]
    if args and args[-1].comma is not cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return args


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)
