"""Shared by the Core rules (SA008, SA009, SA103): which names are Engines, Connections,
Results and Rows, as far as static evidence in one module goes, and how a plain SQL string
becomes `text()`.

Evidence, on top of the session evidence of migrator.rewrite.sessions:
engine    `create_engine(…)`/`engine_from_config(…)`, an `Engine` annotation, or (as SA103 always
          did) a name `engine`/`…_engine` in a module that imports SQLAlchemy;
connection `engine.connect()`/`engine.begin()` (assigned or `with … as conn`), `session.connection()`,
          a `Connection` annotation;
result    `<connection|session|engine>.execute(…)`;
row       `result.first()/fetchone()/one()/one_or_none()`, a loop (or comprehension) target over a
          result or over rows;
rows      `result.fetchall()/all()/fetchmany(…)`.
Everything else (a sqlite3 cursor, `.mappings()`, an unannotated parameter) is not evidence.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrator.rewrite.rules import Rule
from migrator.rewrite.sessions import dotted

CORE_MODULES = ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.engine.base", "sqlalchemy.future", "sqlalchemy.future.engine")
CORE_TYPES = {"Connection": "connection", "Engine": "engine"}
ENGINE_MAKERS = ("create_engine", "engine_from_config")
TEXT_MODULES = ("sqlalchemy", "sqlalchemy.sql", "sqlalchemy.sql.expression")
ROW_METHODS = ("first", "fetchone", "one", "one_or_none")
ROWS_METHODS = ("fetchall", "all", "fetchmany")
CORE_KINDS = ("engine", "connection", "result", "row", "rows")
# text()'s own bind pattern: `:name` not preceded by a colon, word character or backslash.
BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


def string_value(node: cst.BaseExpression) -> Optional[str]:
    """The value of a plain (non-f, non-bytes) string literal, implicit concatenation included."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def is_runtime_string(node: cst.BaseExpression) -> bool:
    """An f-string, or `"…" + x` / `"…" % x` / `"…".format(…)`: SQL assembled at run time."""
    if isinstance(node, cst.FormattedString):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return string_value(node) is None
    if isinstance(node, cst.BinaryOperation):
        return is_runtime_string(node.left) or string_value(node.left) is not None
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        return string_value(node.func.value) is not None
    return False


def parameters_problem(sql: str, params: Sequence[cst.Arg]) -> Optional[str]:
    """Why `text(sql)` with these parameters would not run as the 1.x string did; None if it would."""
    binds = set(BIND.findall(sql))
    if not params:
        if binds or "\\:" in sql:
            return "the SQL has `:name` look-alikes but no parameters; text() would read them as bind parameters"
        return None
    if len(params) > 1 or any(p.keyword is not None or p.star for p in params):
        return "parameters passed as several arguments or keywords; text() takes one dict (or a list of dicts) of named binds"
    value = params[0].value
    if isinstance(value, cst.Dict):
        dicts = [value]
    elif isinstance(value, cst.List) and value.elements and all(
            isinstance(e, cst.Element) and isinstance(e.value, cst.Dict) for e in value.elements):
        dicts = [e.value for e in value.elements]
    else:
        return "parameters are not a dict literal; text() needs named binds (`:name`) and a dict"
    if not binds:
        return "the SQL has no `:name` binds (driver placeholders such as ? or %s); rewrite them as :name binds"
    for d in dicts:
        keys = [string_value(e.key) if isinstance(e, cst.DictElement) else None for e in d.elements]
        if None in keys or set(keys) != binds:
            return "the dict's keys are not exactly the SQL's `:name` binds"
    return None


class CoreRule(Rule):
    """Base of the Core rules: engine/connection/result/row evidence and the text() helper."""

    # Every kind of evidence below names one of these: sqlite3/psycopg code (`cursor.execute(`)
    # without them is never parsed.
    evidence = ("sqlalchemy", "engine", "Engine", "Connection", "connection(", "session", "Session", "sqlmodel")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.core_types: dict[str, str] = {}  # local name of Connection/Engine -> kind
        self.text_name: Optional[str] = None  # local name of sqlalchemy's text(), when imported

    # -- imports -------------------------------------------------------------------
    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        module = dotted(node.module) if node.module is not None else None
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted(alias.name) or ""
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            if module in CORE_MODULES and name in CORE_TYPES:
                self.core_types[local] = CORE_TYPES[name]
            elif module in TEXT_MODULES and name == "text":
                self.text_name = local

    # -- scopes: parameters, assignments, loops, comprehensions --------------------
    def push_scope(self, params: Optional[cst.Parameters] = None) -> None:
        super().push_scope(params)
        if params is not None:
            for param in (*params.posonly_params, *params.params, *params.kwonly_params):
                kind = self._core_type(param.annotation.annotation) if param.annotation is not None else None
                if kind:
                    self.scopes[-1][param.name.value] = kind

    def bind(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression],
             annotation: Optional[cst.BaseExpression] = None) -> None:
        super().bind(target, value, annotation)
        if isinstance(target, cst.Name) and self.scopes[-1].get(target.value) == "unknown":
            kind = self._core_type(annotation) if annotation is not None else None
            if kind is None and value is not None:
                kind = self.core_kind(value)
            if kind:
                self.scopes[-1][target.value] = kind

    def _bind_loop(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        row = self.is_result(iterable) or self.kind(iterable) == "rows" or self._is_rows_call(iterable)
        if isinstance(target, cst.Name):
            self.scopes[-1][target.value] = "row" if row else "unknown"
        else:
            for name in _names(target):
                self.scopes[-1][name] = "unknown"

    def visit_For(self, node: cst.For) -> None:
        self._bind_loop(node.target, node.iter)

    def _enter_comprehension(self, node: cst.BaseComp) -> None:
        # The element is visited before the `for`: bind the loop targets up front, in a scope of their own.
        self.push_scope()
        comp: Optional[cst.CompFor] = node.for_in
        while comp is not None:
            self._bind_loop(comp.target, comp.iter)
            comp = comp.inner_for_in

    def _leave_comprehension(self, original_node: cst.BaseComp, updated_node: cst.BaseComp) -> cst.BaseExpression:
        self.pop_scope()
        return updated_node

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _enter_comprehension
    leave_ListComp = leave_SetComp = leave_GeneratorExp = leave_DictComp = _leave_comprehension

    # -- evidence ------------------------------------------------------------------
    def _core_type(self, node: cst.BaseExpression) -> Optional[str]:
        if isinstance(node, cst.Subscript) and dotted(node.value) in ("Annotated", "typing.Annotated", "Optional", "typing.Optional"):
            first = node.slice[0].slice if node.slice else None
            return self._core_type(first.value) if isinstance(first, cst.Index) else None
        name = dotted(node)
        if name is None:
            return None
        if name in self.core_types:
            return self.core_types[name]
        head, _, last = name.rpartition(".")
        return CORE_TYPES.get(last) if head and head.split(".")[0] in self.sa_module_aliases else None

    def kind(self, node: cst.BaseExpression) -> Optional[str]:
        name = dotted(node)
        return self._lookup(name) if name is not None else None

    def core_kind(self, value: cst.BaseExpression) -> Optional[str]:
        """engine | connection | result | row | rows for an assigned value, or None."""
        if isinstance(value, cst.Call):
            func = value.func
            if (dotted(func) or "").split(".")[-1] in ENGINE_MAKERS and self.imports_orm_layer:
                return "engine"
            if isinstance(func, cst.Attribute):
                method, receiver = func.attr.value, func.value
                if method in ("connect", "begin") and self.is_engine(receiver):
                    return "connection"
                if method == "connection" and self.is_session(receiver):
                    return "connection"
                if self.is_result(value):
                    return "result"
                if method in ROW_METHODS and self.is_result(receiver):
                    return "row"
                if self._is_rows_call(value):
                    return "rows"
            return None
        kind = self.kind(value)
        return kind if kind in CORE_KINDS else None

    def is_engine(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call):
            return (dotted(node.func) or "").split(".")[-1] in ENGINE_MAKERS and self.imports_orm_layer
        name = dotted(node)
        if name is None:
            return False
        kind = self._lookup(name)
        if kind == "engine":
            return True
        last = name.split(".")[-1]
        return kind in (None, "unknown") and self.imports_orm_layer and (last == "engine" or last.endswith("_engine"))

    def is_connection(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            return node.func.attr.value in ("connect",) and self.is_engine(node.func.value)
        return self.kind(node) == "connection"

    def is_result(self, node: cst.BaseExpression, engines: bool = True) -> bool:
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "execute":
            receiver = node.func.value
            return self.is_connection(receiver) or self.is_session(receiver) or (engines and self.is_engine(receiver))
        return self.kind(node) == "result"

    def _is_rows_call(self, node: cst.BaseExpression) -> bool:
        return (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in ROWS_METHODS
                and self.is_result(node.func.value))

    def is_row(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            return node.func.attr.value in ROW_METHODS and self.is_result(node.func.value)
        return self.kind(node) == "row"

    # -- text() --------------------------------------------------------------------
    def text_call(self, sql: cst.BaseExpression) -> Optional[cst.Call]:
        """`text(<sql>)` (under its imported alias, else with the import added); None on a name clash."""
        if self.text_name is not None:
            if any(self.text_name in scope for scope in self.scopes[1:]):
                return None  # a parameter or local variable shadows it
            name = self.text_name
        elif self.free_name("text"):
            AddImportsVisitor.add_needed_import(self.context, "sqlalchemy", "text")
            name = "text"
        else:
            return None
        return cst.Call(func=cst.Name(name), args=[cst.Arg(sql)])


def _names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _names(e.value)]
    return []
