"""Shared by the Core rules (SA008, SA009, SA103, SA107, SA108, SA110): which names are Engines,
Connections, Results and Rows, as far as static evidence in one module goes; what a name used
as SQL provably holds (`string_source`, `single_value`: one binding, in the function or a
never-rebound module constant); how a plain SQL string runs the same in 2.0 (`string_execute`:
text(), or exec_driver_sql() where 1.x sent it raw and text() would differ); 1.x's autocommit
decision (`autocommits`).

Evidence, on top of the session evidence of migrator.rewrite.sessions:
engine    `create_engine(…)`/`engine_from_config(…)`, an `Engine` annotation, or (as SA103 always
          did) a name `engine`/`…_engine` in a module that imports SQLAlchemy;
connection `engine.connect()`/`engine.begin()` (assigned or `with … as conn`), `session.connection()`,
          Alembic's `op.get_bind()` (`from alembic import op`), a `Connection` annotation;
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

from libcst.metadata import PositionProvider

from migrator.rewrite.rules import Rule
from migrator.rewrite.sessions import dotted

CORE_MODULES = ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.engine.base", "sqlalchemy.future", "sqlalchemy.future.engine")
CORE_TYPES = {"Connection": "connection", "Engine": "engine"}
ENGINE_MAKERS = ("create_engine", "engine_from_config")
TEXT_MODULES = ("sqlalchemy", "sqlalchemy.sql", "sqlalchemy.sql.expression")
ROW_METHODS = ("first", "fetchone", "one", "one_or_none")
ROWS_METHODS = ("fetchall", "all", "fetchmany")
CORE_KINDS = ("engine", "connection", "result", "row", "rows")
ALEMBIC_MODULES = ("alembic", "alembic.op")
# 1.x's autocommit test for textual SQL (sqlalchemy.engine.default.AUTOCOMMIT_REGEXP, matched at the start).
AUTOCOMMIT_REGEXP = re.compile(r"\s*(?:UPDATE|INSERT|CREATE|DELETE|DROP|ALTER)", re.I | re.UNICODE)
# text()'s own bind pattern: `:name` not preceded by a colon, word character or backslash.
BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


def string_value(node: cst.BaseExpression) -> Optional[str]:
    """The value of a plain (non-f, non-bytes) string literal, implicit concatenation included."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def runtime_kind(node: cst.BaseExpression) -> str:
    """How a runtime-built SQL string is built, for findings."""
    if isinstance(node, cst.FormattedString) or (isinstance(node, cst.ConcatenatedString) and string_value(node) is None):
        return "an f-string"
    if isinstance(node, cst.BinaryOperation):
        return "`%` formatting" if isinstance(node.operator, cst.Modulo) else "string concatenation"
    return "`.format()`"


RUNTIME_ADVICE = ("pass the values as bind parameters instead: `execute(text(\"… WHERE id = :id\"), {\"id\": …})` "
                  "or `text(\"… :id\").bindparams(id=…)` (table or column names cannot be bound: check them, then "
                  "wrap the string in text() by hand)")


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


def is_scalar_literal(node: cst.BaseExpression) -> bool:
    """A number, plain string, None, True or False literal: never a sequence or a mapping at run time."""
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return is_scalar_literal(node.expression)
    if isinstance(node, cst.Name):
        return node.value in ("None", "True", "False")
    return string_value(node) is not None


def keywords_as_dict(params: Sequence[cst.Arg]) -> Optional[list[cst.Arg]]:
    """`execute(stmt, id=5, **more)` parameters as the one dict 1.x built from them: `[{"id": 5, **more}]`.

    1.x `Connection.execute(stmt, **kw)` executed with `[kw]`; 2.0 takes that dict positionally.
    None when the parameters are not keywords only.
    """
    if not params or any(p.keyword is None and p.star != "**" for p in params):
        return None
    elements: list[cst.BaseDictElement] = []
    for p in params:
        if p.star == "**":
            elements.append(cst.StarredDictElement(value=p.value))
        else:
            assert p.keyword is not None
            elements.append(cst.DictElement(key=cst.SimpleString(repr(p.keyword.value).replace("'", '"')), value=p.value))
    return [cst.Arg(cst.Dict(elements=elements))]


def rebuilt_args(first: cst.Arg, params: Sequence[cst.Arg], new: Sequence[cst.Arg]) -> list[cst.Arg]:
    """`new` (SQL, then parameters) in the place of `first, *params`, keeping their commas and layout when the shapes match."""
    sql = first.with_changes(value=new[0].value)
    rest = list(new[1:])
    if len(rest) == len(params) and all(p.keyword is None and not p.star for p in params):
        return [sql, *(p.with_changes(value=a.value) for p, a in zip(params, rest))]
    if not rest:
        return [sql.with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    if not isinstance(sql.comma, cst.Comma):
        sql = sql.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    last = params[-1].comma if params else cst.MaybeSentinel.DEFAULT
    return [sql, *(a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in rest[:-1]), rest[-1].with_changes(comma=last)]


def driver_parameters(params: Sequence[cst.Arg]) -> Optional[list[cst.Arg]]:
    """The parameters for `exec_driver_sql(sql, …)` that run exactly as 1.x `execute(sql, …)` did; None if unprovable.

    1.x distilled positional parameters at run time (`_distill_params`): one tuple whose first item is
    not iterable -> one execution; a list of tuples/dicts -> executemany; a scalar -> `[[x]]`; several
    scalars -> one execution with all of them. exec_driver_sql() takes the same shapes explicitly, so
    only literal shapes whose 1.x reading is certain are converted.
    """
    if not params:
        return []
    keywords = keywords_as_dict(params)
    if keywords is not None:
        return keywords
    if any(p.keyword is not None or p.star for p in params):
        return None
    if len(params) > 1:
        # execute(sql, 1, "a"): one execution with (1, "a") when the first is not iterable.
        if not is_scalar_literal(params[0].value):
            return None
        return [cst.Arg(cst.Tuple([cst.Element(p.value) for p in params]))]
    value = params[0].value
    if isinstance(value, cst.Dict):
        return [cst.Arg(value)]
    if isinstance(value, cst.Tuple) and value.elements and isinstance(value.elements[0], cst.Element) \
            and is_scalar_literal(value.elements[0].value):
        return [cst.Arg(value)]
    if isinstance(value, cst.List) and value.elements and all(
            isinstance(e, cst.Element) and isinstance(e.value, (cst.Tuple, cst.Dict)) and (
                not isinstance(e.value, cst.Tuple) or e.value.elements) for e in value.elements):
        return [cst.Arg(value)]  # executemany
    if is_scalar_literal(value):
        return [cst.Arg(cst.Tuple([cst.Element(value, comma=cst.Comma())]))]
    return None


def autocommits(node: cst.BaseExpression, text_name: Optional[str]) -> Optional[bool]:
    """Whether 1.x connectionless execution autocommitted this statement; None when it cannot be told.

    1.x committed after INSERT/UPDATE/DELETE constructs and after text whose start matched
    AUTOCOMMIT_REGEXP (UPDATE, INSERT, CREATE, DELETE, DROP, ALTER); a SELECT was not committed.
    """
    sql = string_value(node)
    if sql is not None:
        return bool(AUTOCOMMIT_REGEXP.match(sql))
    while isinstance(node, cst.Call):
        func = node.func
        name = dotted(func) or ""
        last = name.split(".")[-1] if name else (func.attr.value if isinstance(func, cst.Attribute) else "")
        if last == "execution_options":
            return None  # autocommit=… may be set on the statement
        if last in ("insert", "update", "delete"):
            return True
        if last in ("select", "union", "union_all", "except_", "intersect"):
            return False
        if (name and (name == text_name or last == "text")) and node.args:
            inner = string_value(node.args[0].value)
            return None if inner is None else bool(AUTOCOMMIT_REGEXP.match(inner))
        if not isinstance(func, cst.Attribute):
            return None
        node = func.value
    return None


class _Bindings(cst.CSTVisitor):
    """Every binding of a name in one scope (nested functions, classes and comprehensions excluded)."""

    def __init__(self) -> None:
        self.found: dict[str, list[tuple[str, cst.CSTNode]]] = {}

    def add(self, target: cst.BaseExpression, how: str, node: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self.found.setdefault(target.value, []).append((how, node))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.add(element.value, "unpacking", node)
        elif isinstance(target, cst.StarredElement):
            self.add(target.value, "unpacking", node)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.add(target.target, "assign" if len(node.targets) == 1 else "chained", node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.add(node.target, "assign" if node.value is not None else "annotation", node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.add(node.target, "augmented", node)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.add(node.target, "walrus", node)

    def visit_For(self, node: cst.For) -> None:
        self.add(node.target, "loop", node)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.add(node.asname.name, "with", node)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self.add(node.name.name, "except", node)

    def visit_Del(self, node: cst.Del) -> None:
        self.add(node.target, "del", node)

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.found.setdefault(item.name.value, []).append(("global", node))

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self.found.setdefault(item.name.value, []).append(("nonlocal", node))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = alias.asname.name if alias.asname else alias.name
            self.add(cst.Name(dotted(name).split(".")[0]) if dotted(name) else name, "import", node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                self.add(alias.asname.name if alias.asname else alias.name, "import", node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.found.setdefault(node.name.value, []).append(("def", node))
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.found.setdefault(node.name.value, []).append(("class", node))
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def _comprehension(self, node: cst.CSTNode) -> bool:
        for walrus in _walruses(node):  # `:=` in a comprehension binds in the enclosing scope
            self.visit_NamedExpr(walrus)
        return False

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension


def _walruses(node: cst.CSTNode) -> list[cst.NamedExpr]:
    import libcst.matchers as m
    return [n for n in m.findall(node, m.NamedExpr()) if isinstance(n, cst.NamedExpr)]


_binding_cache: dict[int, tuple[cst.CSTNode, dict]] = {}


def scope_bindings(scope: cst.CSTNode) -> dict[str, list[tuple[str, cst.CSTNode]]]:
    """name -> [(how, node)] for the bindings made directly in a function's body or a module."""
    cached = _binding_cache.get(id(scope))
    if cached is not None and cached[0] is scope:
        return cached[1]
    visitor = _Bindings()
    body = scope.body if isinstance(scope, cst.Module) else scope.body
    if isinstance(scope, cst.Module):
        for stmt in scope.body:
            stmt.visit(visitor)
    else:
        body.visit(visitor)
    if len(_binding_cache) > 256:
        _binding_cache.clear()
    _binding_cache[id(scope)] = (scope, visitor.found)
    return visitor.found


def _params_of(function: cst.FunctionDef) -> set[str]:
    p = function.params
    names = {param.name.value for param in (*p.posonly_params, *p.params, *p.kwonly_params)}
    for star in (p.star_arg, p.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names


class CoreRule(Rule):
    """Base of the Core rules: engine/connection/result/row evidence and the text() helper."""

    # Every kind of evidence below names one of these: sqlite3/psycopg code (`cursor.execute(`)
    # without them is never parsed.
    evidence = ("sqlalchemy", "engine", "Engine", "Connection", "connection(", "session", "Session", "sqlmodel", "get_bind(")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.core_types: dict[str, str] = {}  # local name of Connection/Engine -> kind
        self.text_name: Optional[str] = None  # local name of sqlalchemy's text(), when imported
        self.alembic_ops: set[str] = set()  # local names of alembic's `op`
        self.functions: list[cst.FunctionDef] = []  # the enclosing functions, innermost last
        self.function_depths: list[int] = []  # index in self.scopes of each enclosing function's scope

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
            elif module == "alembic" and name == "op":
                self.alembic_ops.add(local)

    def visit_Import(self, node: cst.Import) -> None:
        super().visit_Import(node)
        for alias in node.names:
            if dotted(alias.name) == "alembic.op":
                self.alembic_ops.add(alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name)
                                     else "alembic.op")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        self.functions.append(node)
        self.function_depths.append(len(self.scopes) - 1)

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.functions.pop()
        self.function_depths.pop()
        return super().leave_FunctionDef(original_node, updated_node)

    # -- a name's string value: `sql = "SELECT …"; conn.execute(sql)` -------------------
    def string_source(self, node: cst.BaseExpression) -> tuple[str, Optional[cst.CSTNode], str]:
        """What a Name used as SQL provably holds: (verdict, node, detail).

        verdict: "literal" (bound once, to a plain string literal, in this function or, never
        rebound, at module level: node is the literal), "runtime" (some binding builds a string
        at run time: node is that binding), "unproven" (bound to a string but more than once or
        not in a way that proves its value: detail says how), or "unknown" (no string in sight).
        """
        if not isinstance(node, cst.Name):
            return "unknown", None, ""
        name = node.value
        # A lambda parameter or comprehension variable inside the function shadows its bindings.
        inner = self.scopes[(self.function_depths[-1] if self.function_depths else 0) + 1:]
        if any(name in scope for scope in inner):
            return "unknown", None, ""
        scopes: list[cst.CSTNode] = []
        if self.functions:
            function = self.functions[-1]
            if name in _params_of(function):
                return "unknown", None, ""
            if name in scope_bindings(function):
                scopes = [function]
            elif any(name in scope_bindings(f) or name in _params_of(f) for f in self.functions[:-1]):
                return "unknown", None, ""  # a closure variable: not followed
        if not scopes:
            scopes = [self.module_node]
            if any(how in ("global",) for f in self._all_functions() for how, _ in scope_bindings(f).get(name, ())):
                return "unproven", None, "it is rebound through `global` in a function"
        bindings = scope_bindings(scopes[0]).get(name, [])
        strings = [(how, n) for how, n in bindings if how == "assign" and _assigned(n) is not None
                   and (string_value(_assigned(n)) is not None or is_runtime_string(_assigned(n)))]
        runtime = next(((how, n) for how, n in strings if is_runtime_string(_assigned(n))), None)
        if runtime is not None:
            return "runtime", runtime[1], ""
        if not strings:
            return "unknown", None, ""
        if len(bindings) == 1:
            return "literal", _assigned(strings[0][1]), ""
        where = "module" if scopes[0] is self.module_node else "function"
        others = [n for _, n in bindings if n is not strings[0][1]]
        lines = ", ".join(str(self.lazy_metadata(PositionProvider, n).start.line) for n in others[:3])
        return "unproven", strings[0][1], f"`{name}` is bound more than once in the {where} (also at line {lines})"

    def single_value(self, node: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        """The value a Name is bound to when that is its one binding (same function, or module level never rebound)."""
        if not isinstance(node, cst.Name):
            return None
        inner = self.scopes[(self.function_depths[-1] if self.function_depths else 0) + 1:]
        if any(node.value in scope for scope in inner):
            return None
        scope: Optional[cst.CSTNode] = None
        if self.functions:
            function = self.functions[-1]
            if node.value in _params_of(function):
                return None
            if node.value in scope_bindings(function):
                scope = function
            elif any(node.value in scope_bindings(f) or node.value in _params_of(f) for f in self.functions[:-1]):
                return None
        if scope is None:
            scope = self.module_node
            if any(how == "global" for f in self._all_functions() for how, _ in scope_bindings(f).get(node.value, ())):
                return None
        bindings = scope_bindings(scope).get(node.value, [])
        if len(bindings) == 1 and bindings[0][0] == "assign":
            return _assigned(bindings[0][1])
        return None

    def _all_functions(self) -> list[cst.FunctionDef]:
        import libcst.matchers as m
        cache = getattr(self, "_functions_cache", None)
        if cache is None or cache[0] is not self.module_node:
            found = [n for n in m.findall(self.module_node, m.FunctionDef()) if isinstance(n, cst.FunctionDef)]
            cache = (self.module_node, found)
            self._functions_cache = cache
        return cache[1]

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
                if method == "get_bind" and self.is_alembic_op(receiver):
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

    def is_alembic_op(self, node: cst.BaseExpression) -> bool:
        name = dotted(node)
        return name is not None and name in self.alembic_ops and self._lookup(name.split(".")[0]) is None

    def is_connection(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            if node.func.attr.value == "get_bind":
                return self.is_alembic_op(node.func.value)
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

    # -- a plain SQL string given to execute() ------------------------------------------
    def string_execute(self, sql: str, sql_node: cst.BaseExpression, params: Sequence[cst.Arg],
                       session: bool) -> "tuple[str, list[cst.Arg]] | str":
        """How `<receiver>.execute(<plain string>, *params)` runs the same in 2.0: (method, args), or why not.

        A Session coerced strings to text() in 1.x already, so text() is the same statement. A
        Connection (and connectionless engine.execute) handed the string and its parameters to the
        driver unchanged: text() runs the same only when its binds are exactly the dict's keys and
        the SQL has no `%` (text() doubles it for format/pyformat drivers such as psycopg2, the raw
        string did not); otherwise exec_driver_sql(), 2.0's name for the 1.x behaviour, when the
        parameters' 1.x reading is certain.
        """
        if session:
            wrapped = self.text_call(sql_node)
            if wrapped is None:
                return "`text` is another name in this scope; wrap the SQL in sqlalchemy.text() by hand"
            return "execute", [cst.Arg(wrapped), *params]
        keywords = keywords_as_dict(params)
        effective = keywords if keywords is not None else list(params)
        why = parameters_problem(sql, effective)
        if why is None and "%" not in sql:
            wrapped = self.text_call(sql_node)
            if wrapped is None:
                return "`text` is another name in this scope; wrap the SQL in sqlalchemy.text() by hand"
            return "execute", [cst.Arg(wrapped), *effective]
        if why is None or not BIND.findall(sql) or not params:
            driver = driver_parameters(params)
            if driver is not None:
                return "exec_driver_sql", [cst.Arg(sql_node), *driver]
            if not BIND.findall(sql):
                why = "the SQL uses driver placeholders (? or %s), not text()'s :name binds"
            why = why or "the SQL has `%`, which text() doubles for format/pyformat drivers (psycopg2, mysqlclient)"
            shown = ", ".join(self.module_node.code_for_node(p) for p in params)
            return (f"{why}; 1.x sent the string to the driver as it is and read `{shown}` as one value, a tuple or a "
                    "list of tuples by its run-time type, so no 2.0 form is provably the same: "
                    f"`exec_driver_sql(sql, ({shown},))` if it is one value, or :name binds and a dict "
                    "(`execute(text(\"… WHERE id = :id\"), {\"id\": …})`)")
        if "keys" in why:
            return f"{why}: make them match (`{{\"id\": …}}` for `:id`), then wrap the SQL in text()"
        return f"{why}; use :name binds and one dict: `execute(text(\"… WHERE id = :id\"), {{\"id\": …}})`"

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


def _assigned(node: cst.CSTNode) -> Optional[cst.BaseExpression]:
    return node.value if isinstance(node, (cst.Assign, cst.AnnAssign)) else None


def _names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _names(e.value)]
    return []
