"""Which names are SQLAlchemy sessions, as far as static evidence in one module goes.

A rule converts `x.query(M)…` only when `x` is provably a session: imported `Session`
(any alias) in an annotation, an assignment from `Session(…)`, a `sessionmaker`/
`scoped_session` factory call, `SessionLocal()`, `with Session(…) as x`, Flask-SQLAlchemy's
`db.session`, or a conventional name the user configured. Guessing would rewrite
`client.query(…)` of an HTTP client, so everything else becomes a finding instead.
"""

from __future__ import annotations

import ast
from typing import Optional

import libcst as cst

SESSION_MODULES = ("sqlalchemy", "sqlalchemy.orm", "sqlalchemy.orm.session", "sqlalchemy.ext.asyncio", "sqlmodel")
SESSION_TYPES = ("Session", "AsyncSession")
FACTORY_MAKERS = ("sessionmaker", "async_sessionmaker")
SCOPED_MAKERS = ("scoped_session", "async_scoped_session")
# The factory name of every SQLAlchemy tutorial and of FastAPI's docs; a call to it is
# the one conventional name accepted without configuration (the brief lists it as evidence).
CONVENTIONAL_FACTORIES = ("SessionLocal",)


def dotted(node: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` -> "a.b.c"; None for anything that is not a plain dotted name."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


class SessionTracker:
    """Scoped evidence collected while a rule walks a module in source order.

    Rules mix this in and call `track_*` from their visit methods; `is_session(expr)`
    then answers for the receiver of a `.query(…)` call seen later in the walk.
    """

    def init_tracker(self, session_names: tuple[str, ...] = (), proven: frozenset[tuple[str, str]] = frozenset()) -> None:
        self.configured = set(session_names)
        # (enclosing qualname, receiver source) the project index proves to be sessions
        # (migrator.rewrite.project): a base class in another module, a scoped session of a package.
        self.proven_receivers = proven
        self.proven_sources = {source for _, source in proven}
        self.qualname: list[str] = []  # enclosing classes and functions, outermost first
        self.type_names: set[str] = set()       # local names of Session/AsyncSession
        self.maker_names: dict[str, str] = {}   # local name -> "factory" | "scoped"
        self.sa_module_aliases: set[str] = set()  # `import sqlalchemy as sa`, `from sqlalchemy import orm`
        self.flask_sqlalchemy: set[str] = set()  # local names of flask_sqlalchemy.SQLAlchemy
        self.imports_orm_layer = False
        self.scopes: list[dict[str, str]] = [{}]  # name -> "session" | "factory" | "scoped" | "db"
        # Per scope: name -> the value it was last bound to (None: a parameter), for findings' reasons.
        self.bound: list[dict[str, Optional[cst.CSTNode]]] = [{}]
        self.classes: list[dict[str, str]] = []  # per enclosing class: `self.<attr>` -> "session" | "unknown"

    # -- imports -------------------------------------------------------------------
    def track_import_from(self, node: cst.ImportFrom) -> None:
        module = dotted(node.module) if node.module is not None else None
        if not module or isinstance(node.names, cst.ImportStar):
            return
        root = module.split(".")[0]
        if root in ("sqlalchemy", "sqlmodel", "flask_sqlalchemy"):
            self.imports_orm_layer = True
        for alias in node.names:
            name = dotted(alias.name) or ""
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            if module in SESSION_MODULES and name in SESSION_TYPES:
                self.type_names.add(local)
            elif module.startswith("sqlalchemy") and name in FACTORY_MAKERS:
                self.maker_names[local] = "factory"
            elif module.startswith("sqlalchemy") and name in SCOPED_MAKERS:
                self.maker_names[local] = "scoped"
            elif module == "flask_sqlalchemy" and name == "SQLAlchemy":
                self.flask_sqlalchemy.add(local)
            elif module == "sqlalchemy" and name in ("orm",):
                self.sa_module_aliases.add(local)

    def track_import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted(alias.name) or ""
            if name.split(".")[0] in ("sqlalchemy", "sqlmodel", "flask_sqlalchemy"):
                self.imports_orm_layer = True
                local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
                self.sa_module_aliases.add(local)

    # -- scopes --------------------------------------------------------------------
    def push_scope(self, params: Optional[cst.Parameters] = None) -> None:
        scope: dict[str, str] = {}
        if params is not None:
            for param in (*params.posonly_params, *params.params, *params.kwonly_params):
                if param.annotation is not None and self._is_session_type(param.annotation.annotation):
                    scope[param.name.value] = "session"
                else:
                    scope[param.name.value] = "unknown"  # shadows an outer session of the same name
        self.scopes.append(scope)
        self.bound.append(dict.fromkeys(scope))

    def pop_scope(self) -> None:
        self.scopes.pop()
        self.bound.pop()

    def _lookup(self, name: str) -> Optional[str]:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def bind(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression], annotation: Optional[cst.BaseExpression] = None) -> None:
        if not isinstance(target, cst.Name):
            return
        kind = "unknown"
        if annotation is not None and self._is_session_type(annotation):
            kind = "session"
        elif value is not None:
            kind = self._kind_of_value(value)
        self.scopes[-1][target.value] = kind
        self.bound[-1][target.value] = value

    # -- classes: the repository pattern, `self.session = session` in __init__ ------------
    def push_class(self, node: cst.ClassDef) -> None:
        """Decide, before any method is visited, which `self.<attr>` are sessions in this class.

        An attribute is a session when every assignment to it in the class's methods is one
        (a parameter annotated Session, `SessionLocal()`, `Session(engine)`…) or when the class
        body annotates it (`session: Session`, for dataclasses, attrs, pydantic); one other
        assignment anywhere makes it unknown, whatever the order of the methods.
        """
        attrs: dict[str, str] = {}
        for stmt in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
            for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    attrs[small.target.value] = "session" if self._is_session_type(small.annotation.annotation) else "unknown"
            if isinstance(stmt, cst.FunctionDef):
                self.push_scope(stmt.params)
                for target, value, annotation in _self_assignments(stmt):
                    ok = (annotation is not None and self._is_session_type(annotation)) or (
                        value is not None and self._kind_of_value(value) == "session")
                    attrs[target] = "session" if ok and attrs.get(target, "session") == "session" else "unknown"
                self.pop_scope()
        self.classes.append(attrs)

    def pop_class(self) -> None:
        self.classes.pop()

    # -- evidence ------------------------------------------------------------------
    def _is_session_type(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Subscript) and dotted(node.value) in ("Annotated", "typing.Annotated", "Optional", "typing.Optional"):
            first = node.slice[0].slice if node.slice else None
            return isinstance(first, cst.Index) and self._is_session_type(first.value)
        name = dotted(node)
        if name is None:
            return False
        if name in self.type_names:
            return True
        head, _, last = name.rpartition(".")
        return last in SESSION_TYPES and head.split(".")[0] in self.sa_module_aliases

    def _is_maker_call(self, node: cst.BaseExpression, kinds: tuple[str, ...]) -> bool:
        if not isinstance(node, cst.Call):
            return False
        name = dotted(node.func) or ""
        if self.maker_names.get(name) in kinds:
            return True
        head, _, last = name.rpartition(".")
        makers = (FACTORY_MAKERS if "factory" in kinds else ()) + (SCOPED_MAKERS if "scoped" in kinds else ())
        return bool(head) and last in makers and head.split(".")[0] in self.sa_module_aliases

    def _kind_of_value(self, value: cst.BaseExpression) -> str:
        if self._is_maker_call(value, ("factory",)):
            return "factory"
        if self._is_maker_call(value, ("scoped",)):
            return "scoped"  # a scoped_session proxies Session methods: `Session.query(…)`
        if isinstance(value, cst.Call):
            func = value.func
            name = dotted(func)
            if name is not None and name.split(".")[-1] in self.flask_sqlalchemy | {"SQLAlchemy"} and self.flask_sqlalchemy:
                return "db"
            if self._is_session_type(func):
                return "session"  # Session(engine)
            if self._is_maker_call(func, ("factory", "scoped")):
                return "session"  # sessionmaker(…)()
            if name is not None and (self._lookup(name) in ("factory", "scoped") or name in CONVENTIONAL_FACTORIES
                                     or self.maker_names.get(name) == "factory"):
                return "session"  # SessionLocal()
            if isinstance(func, cst.Attribute) and func.attr.value == "begin" and self._is_factory_expr(func.value):
                return "session"  # with SessionLocal.begin() as s
        if self.is_session(value):
            return "session"  # s2 = s
        return "unknown"

    def _is_factory_expr(self, node: cst.BaseExpression) -> bool:
        name = dotted(node)
        return name is not None and (self._lookup(name) in ("factory", "scoped") or name in CONVENTIONAL_FACTORIES)

    def is_session(self, node: cst.BaseExpression) -> bool:
        """True only when static evidence says `node` is a Session (or a scoped_session proxy)."""
        if isinstance(node, cst.Name):
            kind = self._lookup(node.value)
            if kind in ("session", "scoped"):
                return True
            if kind in (None, "unknown") and node.value in self.configured:
                return True
            return kind in (None, "unknown") and bool(self.proven_receivers) and self._proven_here(node)
        if (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self"
                and self.classes and self.classes[-1].get(node.attr.value) == "session"):
            return True  # self.session, bound from a Session in a method or annotated in the class body
        if isinstance(node, cst.Attribute) and node.attr.value == "session":
            base = dotted(node.value)
            if base is not None and self._lookup(base) == "db":
                return True
            # `from app.extensions import db` in a Flask-SQLAlchemy project: `db.session`.
            if base == "db" and self.flask_sqlalchemy_project:
                return True
        if isinstance(node, cst.Call) and (self._is_session_type(node.func) or self._is_factory_expr(node.func)):
            return True  # Session(engine).query(…), SessionLocal().query(…)
        name = dotted(node)
        if name is not None and name in self.configured:
            return True
        return bool(self.proven_receivers) and self._proven_here(node)

    def why_not_session(self, node: cst.BaseExpression, position=None) -> str:
        """The exact reason `node` is not provably a Session, for a finding.

        position: a callable giving a node's line (the rule's lazy metadata), to name where a
        name was bound.
        """
        name = dotted(node) or cst.Module([]).code_for_node(node)
        root = name.split(".")[0].split("(")[0]
        hint = "name it with --session-name ([rewrite] session_names) to convert"
        for scope, bound in zip(reversed(self.scopes), reversed(self.bound)):
            if root in scope:
                value = bound.get(root)
                if value is None:
                    return (f"`{name}`: `{root}` is an unannotated parameter and nothing in the project proves it is "
                            f"a Session; annotate it (`{root}: Session`) or {hint}")
                shown = cst.Module([]).code_for_node(value)
                shown = shown if len(shown) <= 40 else shown[:37] + "…"
                where = f" at line {position(value)}" if position is not None else ""
                return (f"`{name}`: `{root}` is assigned from `{shown}`{where}, which does not prove a Session "
                        f"(a lookup or call nothing types); {hint}")
        return (f"`{name}` is not provably a Session: no import, annotation, assignment or value flow in the project "
                f"says so; {hint}")

    def _proven_here(self, node: cst.BaseExpression) -> bool:
        if not self.proven_sources:
            return False  # nothing proven in this file: no need for the source text
        source = _source(node)
        return source in self.proven_sources and (".".join(self.qualname), source) in self.proven_receivers

    @property
    def flask_sqlalchemy_project(self) -> bool:
        return bool(self.flask_sqlalchemy) or "db.session" in self.configured


def _source(node: cst.BaseExpression) -> str:
    """`node` as `ast.unparse` prints it: the key of the project index's receivers.

    Every rule asks for the same nodes: memoized by identity (the entry keeps the node alive).
    """
    name = dotted(node)
    if name is not None:
        return name
    hit = _SOURCES.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    code = cst.Module([]).code_for_node(node)
    try:
        source = ast.unparse(ast.parse(f"({code})", mode="eval").body)
    except SyntaxError:
        source = code
    if len(_SOURCES) >= 4096:
        _SOURCES.clear()
    _SOURCES[id(node)] = (node, source)
    return source


_SOURCES: dict[int, tuple[cst.CSTNode, str]] = {}


class _SelfAssignments(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[str, Optional[cst.BaseExpression], Optional[cst.BaseExpression]]] = []

    def _target(self, target: cst.BaseExpression, value, annotation=None) -> None:
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            self.found.append((target.attr.value, value, annotation))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value, None)  # unpacking: not provably anything

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._target(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target, node.value, node.annotation.annotation)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._target(node.asname.name, node.item)

    def visit_For(self, node: cst.For) -> None:
        self._target(node.target, None)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's `self` is another object


def _self_assignments(method: cst.FunctionDef):
    """(attr, value, annotation) of every `self.<attr> = …` in a method's body.

    Every rule's push_class asks for every method of the class: the walk is done once per
    method (memoized by identity; the entry keeps the node alive, so its id is not reused).
    """
    hit = _SELF_ASSIGNMENTS.get(id(method))
    if hit is not None and hit[0] is method:
        return hit[1]
    visitor = _SelfAssignments()
    method.body.visit(visitor)
    if len(_SELF_ASSIGNMENTS) >= 4096:
        _SELF_ASSIGNMENTS.clear()
    _SELF_ASSIGNMENTS[id(method)] = (method, tuple(visitor.found))
    return _SELF_ASSIGNMENTS[id(method)][1]


_SELF_ASSIGNMENTS: dict[int, tuple[cst.FunctionDef, tuple]] = {}
