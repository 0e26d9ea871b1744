"""Pass 1 for Python: one file's text -> FileFacts, with the stdlib `ast` (one parse, one walk).

What it reads (see migrator.scan.facts for the shapes):
- imports, relative ones and packages in the tree resolved to repository-relative files
  through Project.python_roots and Project.files;
- exports: every module-level binding (Python has no export keyword), re-exported imports;
- clients: `create_engine(…)`, `sessionmaker(…)`, `scoped_session(…)`, Flask-SQLAlchemy's
  `SQLAlchemy()`, prisma-client-py's `Prisma()`, DB-API `connect(…)`, also through a local
  factory function (`engine = make_engine()`), with the environment variables they read;
  Flask-SQLAlchemy and Django model classes are clients too (`User.query…`, `User.objects…`);
- getters: module-level functions that return or yield a client (`def get_db(): return
  SessionLocal()`, FastAPI generator dependencies);
- sites this file alone proves: SQLAlchemy statements, one site each where it is built —
  `select([…])` legacy; `select(M)`/`insert`/`update`/`delete` of sqlalchemy or sqlmodel
  (`sa.select`), a Core table's `t.select()`… (`t = sa.Table(…)`, `db.Table(…)`,
  `M.__table__.delete()`), a subquery being a statement of its own — whether executed here,
  elsewhere, twice or never: executing a statement (`session.scalars(stmt)`, `db.paginate(stmt)`,
  `db.first_or_404(stmt)`) adds no site, and executing one built elsewhere adds none either;
  `x.query(M)…` and `x.get(M, pk)` (`get_one`, Flask-SQLAlchemy's `db.get_or_404(M, pk)`) where
  sqlalchemy is imported or the receiver is a session, SQL text given to `execute` (through
  `text()`: sqlalchemy; a plain string: legacy), Django `M.objects…`, prisma calls on a local
  client;
- write-only relationships: a class member annotated `WriteOnlyMapped[…]` (or
  `relationship(…, lazy="write_only")`) is the Binding "Cls#member" holding a sqlalchemy value;
  `<anything>.member.select()` (also `insert`/`update`/`delete`, no arguments) is a Use of
  `member` on ANY_RECEIVER, a Binding of kind "param", so the resolver's field-based flow
  reads the member by name from every class of the project: a site where the project declares
  a write-only member of that name (the receiver's class is rarely known: `current_user`, a row
  loaded elsewhere);
- model classes made by a library call (MODEL_CLASS_FUNCTIONS: sqlalchemy_continuum's
  `version_class(Person)`…) are what their argument is: a Flask-SQLAlchemy model class stays a
  client (`PersonVersion.query…`), in this file and, through value flow, in importers;
- bindings (value flow, solved project-wide by migrator.scan.resolve): what flows into
  module-level names (also when assigned inside a function under `global`: lazily created
  caches), functions (what they return or yield: getters, `@lru_cache` factories,
  `@contextmanager` session scopes; properties are values), module-level classes (their
  bases) and their members (class attributes "Cls.attr" and "Cls#attr", `self.x = …` in a
  method "Cls#x", `x: Session` fields), locals and parameters ("name@qualified.function":
  defaults, annotations `Session`/`Optional[…]`/`Annotated[…, Depends(get_db)]`/project
  classes/type aliases, `Depends(…)`, a method's `self` = an instance of its class), and names
  bound by `with … as`, `async with`, `for … in` (the context manager or generator's value;
  `engine.begin()`, `.connect()`, `.cursor()` hand back the same client). Only bindings whose
  sources may reach a client (a package's factory or client type, or a project module) are
  reported;
- uses: the remaining member chains rooted at names that may be clients of another module
  (imports from the project, getters, `Depends(get_db)` parameters), and chains naming a
  database method on a flowed symbol (`self.session.query(User)`, `get_engine().execute(…)`),
  for the resolver. SQL text executed on a receiver nothing types is a DB-API site unless its
  value flows from a client.

Names are followed through simple local aliases (`session = SessionLocal()`, `with
SessionLocal() as s`, `cur = conn.cursor()`, `stmt = select(User)`), so a use is recorded
against the binding another module exports. A chain is a site of pass 1 or a Use, never
both. Strings and comments never count: only calls do.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field

from migrator.scan import Project, all_layers, register_analyzer
from migrator.scan.facts import Binding, Client, Export, FileFacts, Getter, Import, Site, Use
from migrator.scan.layers import prisma_py
from migrator.scan.layers._python_chains import THROUGH

SA = ("sqlalchemy", "sqlalchemy-legacy")  # a SQLAlchemy engine or session serves both APIs

# (top-level package, callable) -> layers of the client it returns.
CLIENT_FACTORIES: dict[tuple[str, str], tuple[str, ...]] = {
    **{("sqlalchemy", name): SA for name in (
        "create_engine", "create_async_engine", "engine_from_config", "sessionmaker",
        "async_sessionmaker", "scoped_session", "async_scoped_session", "Session", "AsyncSession")},
    **{("sqlmodel", name): SA for name in ("create_engine", "Session")},
    ("flask_sqlalchemy", "SQLAlchemy"): SA,
    ("prisma", "Prisma"): ("prisma-py",),
    ("prisma", "Client"): ("prisma-py",),
    **{(driver, "connect"): ("dbapi",) for driver in (
        "sqlite3", "psycopg", "psycopg2", "asyncpg", "aiosqlite", "pymysql", "MySQLdb")},
    ("asyncpg", "create_pool"): ("dbapi",),
    ("psycopg_pool", "ConnectionPool"): ("dbapi",),
    ("psycopg_pool", "AsyncConnectionPool"): ("dbapi",),
    ("psycopg2", "SimpleConnectionPool"): ("dbapi",),
    ("psycopg2", "ThreadedConnectionPool"): ("dbapi",),
}

# Parameter annotations that make the parameter a client (top-level package, type name).
CLIENT_TYPES: dict[tuple[str, str], tuple[str, ...]] = {
    **{(pkg, name): SA for pkg in ("sqlalchemy", "sqlmodel") for name in (
        "Session", "AsyncSession", "scoped_session", "Connection", "AsyncConnection", "Engine", "AsyncEngine")},
    **{(driver, name): ("dbapi",) for driver in ("sqlite3", "psycopg", "psycopg2", "asyncpg", "aiosqlite")
       for name in ("Connection", "Cursor", "AsyncConnection", "AsyncCursor", "Pool", "connection", "cursor")},
    ("prisma", "Prisma"): ("prisma-py",),
}

# Import -> the layer it brings in (FileFacts.layers_imported) and what it is evidence of.
# Evidence lets a file prove a site on a receiver it cannot see the type of (an untyped
# `session` parameter in a module that imports sqlalchemy).
PACKAGES: dict[str, tuple[str | None, str]] = {
    "sqlalchemy": ("sqlalchemy", "sa"),
    "sqlmodel": ("sqlalchemy", "sa"),
    "flask_sqlalchemy": ("sqlalchemy", "flask"),
    "django.db": ("django", "django"),
    "django": (None, "django"),
    "prisma": ("prisma-py", "prisma"),
    **{driver: ("dbapi", "dbapi") for driver in (
        "sqlite3", "psycopg", "psycopg2", "psycopg_pool", "asyncpg", "aiosqlite", "pymysql", "MySQLdb")},
}

STATEMENTS = frozenset({"select", "insert", "update", "delete"})  # sqlalchemy/sqlmodel statement constructors
EXECUTE = frozenset({"execute", "executemany", "executescript", "exec", "scalars", "scalar", "stream",
                     "stream_scalars", "fetch", "fetchrow", "fetchval"})
DBAPI_ONLY = frozenset({"executemany", "executescript", "fetch", "fetchrow", "fetchval"})
# Load by primary key: Session.get/get_one, Flask-SQLAlchemy 3's db.get_or_404(M, pk) (its 2.0 equivalent).
GET = frozenset({"get", "get_one", "get_or_404"})
# Library functions that return a mapped class for a mapped class (top-level package, function):
# `PersonVersion = version_class(Person)` is a model class as Person is (`PersonVersion.query…`).
MODEL_CLASS_FUNCTIONS = frozenset({
    ("sqlalchemy_continuum", "version_class"),
    ("sqlalchemy_continuum", "parent_class"),
    ("sqlalchemy_continuum", "transaction_class"),
})
# Core tables (top-level package, constructor): `t = sa.Table("t", metadata, …)`; `t.select()` builds a statement.
TABLE_FACTORIES = frozenset({("sqlalchemy", "Table"), ("sqlalchemy", "table"), ("sqlmodel", "Table")})
# Annotation of a write-only relationship (`posts: so.WriteOnlyMapped["Post"] = so.relationship(…)`,
# or `relationship(…, lazy="write_only")`): `user.posts.select()` builds a statement.
WRITE_ONLY = "WriteOnlyMapped"
# The symbol a write-only chain's receiver is reported as (facts.Binding kind "param": nothing is
# known of it), so that the resolver reads its member by name: whatever the project declares under it.
ANY_RECEIVER = "?"
# Calls whose result is still the same connection for aliasing: `cur = conn.cursor()`.
ALIAS_CALLS = frozenset({"cursor", "connection", "connect", "begin", "acquire"})
# Names inside statements that are functions or namespaces, never the entity queried.
NOT_ENTITIES = frozenset({"func", "sa", "sqlalchemy", "db", "self", "text", "literal", "literal_column", "and_",
                          "or_", "not_", "distinct", "case", "cast", "true", "false", "null", "label"})
ENV_READERS = frozenset({"getenv", "get", "environ"})
# Calls that hand back the same client for value flow: `with engine.begin() as conn`, `conn.cursor()`.
SAME_CLIENT = frozenset({"begin", "connect", "acquire", "cursor", "connection", "begin_nested"})
PASS_THROUGH = SAME_CLIENT - {"cursor", "connection"}  # these two the layers read (dbapi: cursor().execute)
# Members a layer reads a call from (see the layers' interpret): a chain naming none of them
# cannot become a site, so it is no Use of a flowed value.
DATABASE_MEMBERS = EXECUTE | GET | frozenset({"query", "objects", "prisma", "copy_expert"}) | prisma_py.ACTIONS | prisma_py.RAW
TYPE_UNIONS = frozenset({"Optional", "Union"})
GUESS = "dbapi?"  # _classify: SQL text through .execute() on a receiver nothing in the file types

_SQL_START = re.compile(
    r"\s*(?:--[^\n]*\n\s*)*(select|insert|update|delete|with|create|alter|drop|pragma|replace|merge|"
    r"truncate|copy|explain|vacuum|begin|commit|rollback|savepoint|show|set|call|grant|analyze)\b",
    re.IGNORECASE,
)
_SQL_TABLE = re.compile(
    r'\b(?:from|into|update|join|table)\s+(?:only\s+|if\s+(?:not\s+)?exists\s+)?'
    r'("?[A-Za-z_][\w$]*"?(?:\."?[A-Za-z_][\w$]*"?)?)',
    re.IGNORECASE,
)


def sql_summary(text: str) -> tuple[str, str] | None:
    """(table or "unknown", first keyword) when `text` is SQL, else None."""
    start = _SQL_START.match(text)
    if start is None:
        return None
    table = _SQL_TABLE.search(text)
    return (table.group(1).replace('"', "") if table else "unknown"), start.group(1).lower()


@dataclass(slots=True)
class _Binding:
    """What a name means at a point of the file.

    kind: "ref" (may be a client: imported, a module-level client, an alias of one),
    "construct" (a SQLAlchemy statement), "sql" (SQL text), "table" (a Core table; root: its
    name), "shadow" (anything else).
    root/call/prefix: the binding other modules know and how this name reaches it
    (`cur = get_db().cursor()` -> root "get_db", call True, prefix ("cursor",)).
    layers: the layers proven in this file (a local client, an annotated parameter).
    candidate: the root may be another module's client (import, getter, client defined here).
    """

    kind: str
    root: str = ""
    call: bool = False
    prefix: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
    candidate: bool = False
    model_class: bool = False  # a Flask-SQLAlchemy or Django model class
    sql: tuple[str, str] | None = None
    text_call: bool = False  # sql came through sqlalchemy.text()
    construct: _Construct | None = None


@dataclass(slots=True)
class _Construct:
    """A SQLAlchemy statement: one site where it is built, whether it is executed, where and how often."""

    line: int
    column: int
    layer: str
    model: str
    kind: str


@dataclass(slots=True)
class _FunctionInfo:
    """What a module-level function binds and returns, gathered while it is walked."""

    created: dict[str, tuple[str, ...]] = field(default_factory=dict)  # local -> layers of a factory call
    local: dict[str, str] = field(default_factory=dict)  # local -> module-level client it came from
    returned: list[ast.expr] = field(default_factory=list)  # values returned or yielded


@dataclass(slots=True)
class _Frame:
    """A function or class body being walked, for value-flow symbols (facts.Binding).

    qual: its qualified name ("Repo.__init__"); locals are "name@qual".
    cls: the module-level class this is the body of, or a method of (instance members are "cls#name").
    """

    qual: str
    cls: str | None = None
    is_class: bool = False
    names: set[str] = field(default_factory=set)  # parameters and names assigned so far
    globals: set[str] = field(default_factory=set)
    self_name: str | None = None  # a method's first parameter: an instance of cls
    returns: dict[tuple[str, ...], None] = field(default_factory=dict)


@dataclass
class _Facts:
    imports: list[Import] = field(default_factory=list)
    exports: dict[str, Export] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)
    getters: list[Getter] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    layers_imported: set[str] = field(default_factory=set)


class _Reader(ast.NodeVisitor):
    """One walk over the module. Imports, exports and clients made by a library call are
    collected from the top-level statements first (a function may use a client bound below
    it); then every scope is walked in source order, and each module-level function is
    judged a getter or a client factory once walked — so it counts for code below it."""

    def __init__(self, path: str, project: Project) -> None:
        self.path = path
        self.project = project
        self.out = _Facts()
        self.evidence: set[str] = set()
        self.quals: dict[str, str] = {}  # local name -> dotted name it was imported as
        self.imported: dict[str, bool] = {}  # local name -> imported from a module of the project
        self.scopes: list[dict[str, _Binding]] = [{}]
        self.constructs: dict[int, _Construct] = {}
        self.env_names: dict[str, tuple[str, ...]] = {}  # module-level names that hold env reads
        self.factories: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # local def -> (layers, env)
        self.module_clients: set[str] = set()
        self.function: _FunctionInfo | None = None  # the module-level function being walked
        self.layer_objects = all_layers()
        self.depth = 0
        # Value flow (facts.Binding): symbol -> [kind, sources], the frames walked, uses on flowed symbols.
        self.flow: dict[str, list] = {}
        self.frames: list[_Frame] = []
        self.module_names: set[str] = set()
        self.flow_uses: list[Use] = []
        self.guesses: list[Use] = []  # SQL text executed on a flowed value: DB-API unless it flows from a client

    # --- module-level names ---------------------------------------------------------

    def read_module(self, tree: ast.Module) -> None:
        body = list(_module_statements(tree.body))
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                self._import(stmt, exported=True)
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._export(stmt.name)
            elif isinstance(stmt, ast.ClassDef):
                self._export(stmt.name)
                self._model_class(stmt)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                names = [n.id for t in targets for n in _target_names(t)]
                for name in names:
                    self._export(name)
                if "__all__" in names:
                    self._all(stmt.value)
                env = self._env_of(stmt.value)
                if env:
                    for name in names:
                        self.env_names[name] = env
                if len(names) == 1 and isinstance(stmt.value, (ast.Call, ast.Await)):
                    self._module_client(names[0], stmt.value, stmt.lineno)
        self.module_names.update(name for name in self.out.exports if not name.startswith("*"))
        for stmt in tree.body:
            self.visit(stmt)

    def _export(self, name: str, **more: str | None) -> None:
        self.out.exports[name] = Export(name=name, local=more.get("local", name), module=more.get("module"),
                                        resolved=more.get("resolved"))

    def _all(self, value: ast.expr) -> None:
        # __all__ names what `import *` takes; every binding stays importable, so it only adds.
        if isinstance(value, (ast.List, ast.Tuple)):
            for element in value.elts:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    self.out.exports.setdefault(element.value, Export(name=element.value, local=element.value))

    def _module_client(self, name: str, value: ast.expr, line: int) -> None:
        call = value.value if isinstance(value, ast.Await) else value
        if not isinstance(call, ast.Call):
            return
        layers, env = self._creates(call)
        if not layers:
            return
        for layer in layers:
            self.out.clients.append(Client(local=name, layer=layer, line=line, env=env))
        self.scopes[0][name] = _Binding("ref", root=name, layers=layers, candidate=True)
        self.module_clients.add(name)

    def _creates(self, call: ast.Call) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The layers of the client a call creates, and the env variables it reads."""
        qual = self._qual(call.func)
        if qual is not None:
            layers = CLIENT_FACTORIES.get(_key(qual))
            if layers:
                return layers, self._env_of(call)
        if isinstance(call.func, ast.Name):
            if call.func.id in self.factories:
                layers, env = self.factories[call.func.id]
                return layers, tuple(dict.fromkeys(env + self._env_of(call)))
            binding = self.scopes[0].get(call.func.id)
            if binding is not None and binding.layers and not binding.model_class:
                # `session = SessionLocal()` at module level: an instance of a client here.
                return binding.layers, ()
        return (), ()

    def _model_class(self, cls: ast.ClassDef) -> None:
        """Flask-SQLAlchemy (`class User(db.Model)`) and Django models are clients of their layer."""
        for base in cls.bases:
            qual = self._qual(base) or ""
            if qual.startswith("django.") and qual.endswith(".Model"):
                layers = ("django",)
            elif isinstance(base, ast.Attribute) and base.attr == "Model" and isinstance(base.value, ast.Name):
                # `db.Model`: db is a Flask-SQLAlchemy SQLAlchemy() here or imported.
                layers = ("sqlalchemy-legacy",)
            else:
                continue
            for layer in layers:
                self.out.clients.append(Client(local=cls.name, layer=layer, line=cls.lineno, model=True))
            self.scopes[0][cls.name] = _Binding("ref", root=cls.name, layers=layers, candidate=True, model_class=True)
            return

    def _function_done(self, func: ast.FunctionDef | ast.AsyncFunctionDef, info: _FunctionInfo) -> None:
        """After walking a module-level function: is it a client factory (`def make_engine(url=…):
        eng = create_engine(url); …; return eng`) or a getter (`def get_db(): db = SessionLocal();
        yield db`)? Factories make `engine = make_engine()` a client; getters are followed by pass 2."""
        for value in info.returned:
            layers = info.created.get(value.id, ()) if isinstance(value, ast.Name) else ()
            if isinstance(value, ast.Call):
                layers = CLIENT_FACTORIES.get(_key(self._qual(value.func) or ""), ())
            if layers:
                self.factories[func.name] = (layers, self._env_of(func))  # parameter defaults included
                return
        for value in info.returned:
            root = info.local.get(value.id) if isinstance(value, ast.Name) else None
            root = root or self._client_root(value)
            if root:
                self.out.getters.append(Getter(name=func.name, returns=root))
                self.scopes[0][func.name] = _Binding("ref", root=func.name, candidate=True,
                                                     layers=self._layers_of_name(root))
                return

    def _client_root(self, value: ast.expr) -> str | None:
        """`SessionLocal()`, `SessionLocal`, `db` -> that name when it may be a client."""
        if isinstance(value, ast.Await):
            value = value.value
        with_arguments = isinstance(value, ast.Call) and bool(value.args or value.keywords)
        if isinstance(value, ast.Call):
            value = value.func
        if not isinstance(value, ast.Name) or value.id in self.factories:
            return None
        binding = self.scopes[0].get(value.id)
        if binding is None or binding.kind != "ref" or not binding.candidate or binding.model_class:
            return None
        # An imported name called with arguments is most likely a class being instantiated
        # (`return Enrollment(user_id=…)`); session factories are called bare.
        if with_arguments and not binding.layers:
            return None
        return value.id

    def _layers_of_name(self, name: str) -> tuple[str, ...]:
        binding = self.scopes[0].get(name)
        return binding.layers if binding is not None else ()

    # --- imports --------------------------------------------------------------------

    def _import(self, node: ast.Import | ast.ImportFrom, exported: bool) -> None:
        scope = self.scopes[-1]
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                module = alias.name if alias.asname else local
                self.quals[local] = module
                self._package(alias.name)
                resolved = self._resolve_module(module.replace(".", "/"))
                self.imported[local] = resolved is not None
                self.out.imports.append(Import(local=local, module=module, name="*", line=node.lineno,
                                               resolved=resolved))
                scope[local] = _Binding("ref", root=local, candidate=resolved is not None)
                if exported:
                    self._export(local, local="*", module=module, resolved=resolved)
            return
        base = self._base_path(node)
        written = "." * node.level + (node.module or "")
        if node.level == 0:
            self._package(node.module or "")
        for alias in node.names:
            local = alias.asname or alias.name
            resolved = name = None
            if base is not None:
                # `from pkg import mod` imports the submodule when there is one.
                sub = self._resolve_module(f"{base}/{alias.name}" if base else alias.name)
                resolved, name = (sub, "*") if sub else (self._resolve_module(base), alias.name)
            if alias.name == "*":
                if exported:
                    self.out.exports["*" + written] = Export(name="*", module=written, resolved=resolved)
                self.out.imports.append(Import(local="*", module=written, name="*", line=node.lineno,
                                               resolved=resolved))
                continue
            self.quals[local] = f"{node.module}.{alias.name}" if node.level == 0 and node.module else alias.name
            self.imported[local] = resolved is not None
            self.out.imports.append(Import(local=local, module=written, name=name or alias.name,
                                           line=node.lineno, resolved=resolved))
            scope[local] = _Binding("ref", root=local, candidate=resolved is not None or node.level > 0)
            if exported:
                self._export(local, local=name or alias.name, module=written, resolved=resolved)

    def _package(self, module: str) -> None:
        parts = module.split(".")
        for end in range(len(parts), 0, -1):
            entry = PACKAGES.get(".".join(parts[:end]))
            if entry is not None:
                layer, evidence = entry
                self.evidence.add(evidence)
                if layer:
                    self.out.layers_imported.add(layer)
                if end > 1 and parts[0] in PACKAGES:
                    self.evidence.add(PACKAGES[parts[0]][1])
                return

    def _base_path(self, node: ast.ImportFrom) -> str | None:
        """The folder/module path (no extension) an ImportFrom names, relative to the repository;
        "" for the root; None when a relative import climbs out of the repository."""
        module_path = (node.module or "").replace(".", "/")
        if node.level == 0:
            return module_path
        parts = self.path.split("/")[:-1]
        up = node.level - 1
        if up > len(parts):
            return None
        parts = parts[: len(parts) - up]
        return "/".join(p for p in (*parts, module_path) if p)

    def _resolve_module(self, module_path: str) -> str | None:
        """`app/db` -> "app/db.py" or "app/db/__init__.py" under a Python root, if in the tree."""
        if not module_path:
            return None
        roots = self.project.python_roots or (".",)
        for root in roots:
            prefix = "" if root in (".", "") else root.rstrip("/") + "/"
            for candidate in (f"{prefix}{module_path}.py", f"{prefix}{module_path}/__init__.py"):
                if self._exists(candidate):
                    return candidate
        return None

    def _exists(self, relative: str) -> bool:
        if self.project.files:
            return relative in self.project.files
        return os.path.isfile(os.path.join(self.project.root, relative))

    # --- names ----------------------------------------------------------------------

    def _qual(self, node: ast.expr) -> str | None:
        """`sa.orm.sessionmaker` -> "sqlalchemy.orm.sessionmaker" through the imports."""
        attrs: list[str] = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.quals:
            return None
        return ".".join([self.quals[node.id], *reversed(attrs)])

    def _lookup(self, name: str) -> _Binding | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def _env_of(self, node: ast.AST) -> tuple[str, ...]:
        """Environment variables read under `node`: os.environ["X"], os.environ.get("X"),
        os.getenv("X"), and module-level names that read one."""
        found: list[str] = []
        for sub in ast.walk(node):
            if isinstance(sub, ast.Subscript) and _is_environ(sub.value) and _is_str(sub.slice):
                found.append(sub.slice.value)
            elif isinstance(sub, ast.Call) and sub.args and _is_str(sub.args[0]):
                func = sub.func
                if (isinstance(func, ast.Attribute) and func.attr in ENV_READERS and
                        (_is_environ(func.value) or _name_of(func.value) == "os")) or (
                        isinstance(func, ast.Name) and func.id == "getenv"):
                    found.append(sub.args[0].value)
            elif isinstance(sub, ast.Name) and sub.id in self.env_names:
                found.extend(self.env_names[sub.id])
        return tuple(dict.fromkeys(found))

    # --- scopes ---------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        if self.depth:
            self._import(node, exported=False)
            for alias in node.names:
                if alias.name != "*":
                    local = alias.asname or (alias.name.split(".")[0] if isinstance(node, ast.Import) else alias.name)
                    self.module_names.add(local)  # the resolver knows imports by their local name
                    for frame in self.frames:
                        frame.names.discard(local)

    visit_ImportFrom = visit_Import

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        if not isinstance(node, ast.Lambda):
            for decorator in node.decorator_list:
                self.visit(decorator)
            if node.returns is not None:
                self.visit(node.returns)
        args = node.args
        for default in (*args.defaults, *(d for d in args.kw_defaults if d is not None)):
            self.visit(default)
        scope: dict[str, _Binding] = {}
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        pairs = [*zip(positional, defaults), *zip(args.kwonlyargs, args.kw_defaults)]
        pairs += [(a, None) for a in (args.vararg, args.kwarg) if a is not None]
        for arg, default in pairs:
            scope[arg.arg] = self._parameter(arg, default)
        frame, symbol, kind = self._enter_function(node, positional, pairs)
        self.scopes.append(scope)
        top = self.depth == 0 and not isinstance(node, ast.Lambda)
        if top:
            self.function = _FunctionInfo()
        self.depth += 1
        if isinstance(node, ast.Lambda):
            self.visit(node.body)
        else:
            for stmt in node.body:
                self.visit(stmt)
        self.depth -= 1
        self.scopes.pop()
        self.frames.pop()
        if symbol is not None and frame.returns:
            self._flow_add(symbol, kind, frame.returns)
            if kind == "function" and frame.self_name is None and frame.cls is not None:
                self._flow_add(f"{frame.cls}.{node.name}", kind, frame.returns)  # a static or class method
        if top:
            info, self.function = self.function, None
            self._function_done(node, info)

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in (*node.decorator_list, *node.bases, *(k.value for k in node.keywords)):
            self.visit(expr)
        if not self.frames:
            # A module-level class: its bases give instances their members (and a client's class, clients).
            self._flow_add(node.name, "class", [s for base in node.bases for s in self._sources(base)])
            self.frames.append(_Frame(node.name, cls=node.name, is_class=True))
        else:
            self._declare(node.name)
            self.frames.append(_Frame(f"{self.frames[-1].qual}.{node.name}", is_class=True))
        self.scopes.append({})
        self.depth += 1
        for stmt in node.body:
            self.visit(stmt)
        self.depth -= 1
        self.scopes.pop()
        self.frames.pop()

    # --- value flow (facts.Binding) ------------------------------------------------------

    def _enter_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, positional: list[ast.arg],
                        pairs: list[tuple[ast.arg, ast.expr | None]]) -> tuple[_Frame, str | None, str]:
        """Push the frame of a function: its symbol (what calling it returns), its parameters'
        sources (defaults, annotations, Depends, a method's self)."""
        parent = self.frames[-1] if self.frames else None
        lambda_ = type(node) is ast.Lambda
        name = "<lambda>" if lambda_ else node.name
        qual = f"{parent.qual}.{name}" if parent is not None else name
        decorators = {d.attr if isinstance(d, ast.Attribute) else d.id if isinstance(d, ast.Name) else ""
                      for d in node.decorator_list} if not lambda_ and node.decorator_list else _NO_NAMES
        kind = "value" if decorators & _PROPERTIES else "function"
        if lambda_:
            symbol = None
        elif parent is None:
            symbol = name
        elif parent.is_class:
            symbol = f"{parent.cls}#{name}" if parent.cls else None
        else:
            symbol = self._declare(name)
        frame = _Frame(qual, cls=parent.cls if parent is not None and parent.is_class else None)
        method = frame.cls is not None and positional and "staticmethod" not in decorators
        if method:
            if "classmethod" in decorators:
                first_source = (frame.cls,)
            else:
                frame.self_name = positional[0].arg
                first_source = (frame.cls, "#")
        found: list[tuple[str, list]] = []
        for arg, default in pairs:
            # Defaults and annotations are read in the enclosing scope: before the frame is pushed.
            if method and arg is positional[0]:
                found.append((arg.arg, [first_source]))
            elif arg.annotation is not None or default is not None:
                sources = [a + ("#",) for a in self._annotation(arg.annotation)] if arg.annotation is not None else []
                if default is not None:
                    sources += self._sources(default)
                if sources:
                    found.append((arg.arg, sources))
        frame.names = {arg.arg for arg, _ in pairs}
        self.frames.append(frame)
        for arg_name, sources in found:
            self._flow_add(f"{arg_name}@{qual}", "value", sources)
        return frame, symbol, kind

    def _flow_add(self, symbol: str, kind: str, sources) -> None:
        entry = self.flow.get(symbol)
        if entry is None:
            entry = self.flow[symbol] = [kind, {}]
        for source in sources:
            entry[1][source] = None

    def _declare(self, name: str) -> str | None:
        """The symbol an assignment to `name` binds in the current scope (None in a nested class body)."""
        if not self.frames:
            return name
        frame = self.frames[-1]
        if frame.is_class:
            return None
        if name in frame.globals:
            return name
        frame.names.add(name)
        return f"{name}@{frame.qual}"

    def _symbol(self, name: str) -> str | None:
        """The symbol a read of `name` refers to: a local of an enclosing function, else a module-level name."""
        for frame in reversed(self.frames):
            if frame.is_class:
                continue
            if name in frame.globals:
                return name
            if name in frame.names:
                return f"{name}@{frame.qual}"
        return name if name in self.module_names else None

    def _sources(self, node: ast.expr) -> list[tuple[str, ...]]:
        """What flows from an expression: [(root, *steps)], see facts.Binding; [] when nothing can."""
        kind = type(node)
        if kind not in _CHAIN_NODES:
            if kind is ast.Await or kind is ast.NamedExpr:
                return self._sources(node.value)
            if kind is ast.IfExp:
                return self._sources(node.body) + self._sources(node.orelse)
            if kind is ast.BoolOp:
                return [s for value in node.values for s in self._sources(value)]
            return []
        if kind is ast.Call:
            depends = _depends_target(node)
            if depends is not None:
                symbol = self._symbol(depends)
                return [(symbol, "()")] if symbol else []
            if node.args and _key(self._qual(node.func) or "") in MODEL_CLASS_FUNCTIONS:
                return self._sources(node.args[0])  # version_class(Person): what Person is, from wherever it comes
        steps: list[str] = []
        while True:
            if isinstance(node, ast.Call):
                steps.append("()")
                node = node.func
            elif isinstance(node, ast.Attribute):
                steps.append("." + node.attr)
                node = node.value
            elif isinstance(node, ast.Name):
                break
            else:
                return []
        steps.reverse()
        symbol = self._symbol(node.id)
        roots: tuple[str, ...] = (symbol,) if symbol else ()
        if symbol is not None and "@" not in symbol and node.id in self.quals:
            # An import: a package's client factory (`sa.orm.sessionmaker(…)`), else a project module's name.
            qual = self.quals[node.id]
            roots = (node.id,) if self.imported.get(node.id) else ()
            for taken in range(len(steps) + 1):
                if taken and not steps[taken - 1].startswith("."):
                    break
                layers = CLIENT_FACTORIES.get(_key(".".join([qual, *(s[1:] for s in steps[:taken])])))
                if layers:
                    roots, steps = tuple(f"@@{layer}" for layer in layers), steps[taken:]
                    break
        if not roots:
            return []
        if len(steps) > 1:
            kept: list[str] = []
            for step in steps:
                if step == "()" and kept and kept[-1][1:] in SAME_CLIENT and kept[-1] != "()":
                    kept.pop()  # engine.begin(): the same client
                else:
                    kept.append(step)
            steps = kept
        return [(root, *steps) for root in roots]

    def _annotation(self, node: ast.expr | None) -> list[tuple[str, ...]]:
        """The types an annotation names, as sources of the type (add "#" for an instance)."""
        if node is None:
            return []
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except (SyntaxError, ValueError):
                return []
            return self._annotation(node)
        if isinstance(node, (ast.Name, ast.Attribute)):
            layers = CLIENT_TYPES.get(_key(self._qual(node) or ""))
            if layers:
                return [(f"@@{layer}",) for layer in layers]
            return self._sources(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._annotation(node.left) + self._annotation(node.right)
        if isinstance(node, ast.Subscript):
            base = node.value
            name = base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else ""
            elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if name in TYPE_UNIONS:
                return [s for e in elements for s in self._annotation(e)]
            if name == "Annotated" and elements:
                found = self._annotation(elements[0])
                for meta in elements[1:]:
                    target = _depends_target(meta)
                    symbol = self._symbol(target) if target else None
                    if symbol:
                        found.append((symbol,))  # an instance of the type is what the dependency yields
                return found
        return []

    def _flow_target(self, target: ast.expr, sources: list[tuple[str, ...]], kind: str = "value") -> None:
        """Bind an assignment target: a name, a class attribute, or `self.member` in a method."""
        if isinstance(target, ast.Name):
            frame = self.frames[-1] if self.frames else None
            if frame is not None and frame.is_class:
                if frame.cls is not None and sources:
                    self._flow_add(f"{frame.cls}.{target.id}", kind, sources)
                    self._flow_add(f"{frame.cls}#{target.id}", kind, sources)
                return
            symbol = self._declare(target.id)
            if symbol is not None and sources:
                self._flow_add(symbol, kind, sources)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            frame = self._method_frame()
            if frame is not None and sources and target.value.id == frame.self_name and self._symbol(
                    frame.self_name) == f"{frame.self_name}@{frame.qual}":
                self._flow_add(f"{frame.cls}#{target.attr}", "value", sources)
        else:
            for name in _target_names(target):
                self._declare(name.id)

    def _method_frame(self) -> _Frame | None:
        frame = self.frames[-1] if self.frames else None
        return frame if frame is not None and frame.self_name is not None and frame.cls is not None else None

    def visit_Global(self, node: ast.Global) -> None:
        if self.frames and not self.frames[-1].is_class:
            self.frames[-1].globals.update(node.names)
        self.module_names.update(node.names)

    def _flow_use(self, root: ast.Name, root_call: ast.Call | None, names: list[str],
                  calls: list[ast.Call | None], guess: bool = False) -> bool:
        """A chain on a flowed symbol (a local, a parameter, `self`, a module-level cache) that
        pass 1 could not prove: a Use the resolver makes a site when the value holds a client.
        guess: pass 1 would call it DB-API (SQL text through `.execute`); flow_facts keeps the
        guess unless the receiver's value flows from a client factory or another module."""
        if not any(name in DATABASE_MEMBERS for name in names):
            return False
        symbol = self._symbol(root.id)
        if symbol is None:
            return False
        model = operation = None
        for name, call in zip(names, calls):
            if call is None:
                continue
            if name == "query":
                model = _entity_of_args(call) or "unknown"
                break
            if name in EXECUTE:
                if call.args:
                    arg = call.args[0]
                    if self._construct(arg) is not None:
                        return False  # the statement is a site of its own
                    sql = self._sql(arg)
                    summary = sql_summary(sql[0]) if sql is not None else None
                    if summary is not None:
                        model, operation = summary[0], (None if sql[1] else summary[1])
                break
            if name in GET:
                if call.args and isinstance(call.args[0], (ast.Name, ast.Attribute)):
                    entity = _entity(call.args[0])
                    model = entity if entity and _is_model_name(entity) else None
                break
        use = Use(root=symbol, chain=tuple(names), line=root.lineno, column=root.col_offset + 1,
                  call=root_call is not None, model=model, operation=operation,
                  calls=tuple(i for i, call in enumerate(calls) if call is not None))
        if guess:
            self.guesses.append(use)
        else:
            self.flow_uses.append(use)
        return True

    def _grounded(self, use: Use) -> bool:
        """Whether the root's value may come from a client: its sources reach a package's factory
        or type, or a project module (an instance's member of the chain's first name included)."""
        pending, seen = [use.root], set()
        while pending:
            symbol = pending.pop()
            if symbol in seen:
                continue
            seen.add(symbol)
            if symbol.startswith("@@") and symbol != "@@dbapi" or self.imported.get(symbol):
                return True
            entry = self.flow.get(symbol)
            if entry is None:
                continue
            if entry[0] == "class" and use.chain:
                pending.append(f"{symbol}#{use.chain[0]}")
            pending.extend(source[0] for source in entry[1])
        return False

    def flow_facts(self) -> tuple[list[Binding], list[Use]]:
        """The Bindings worth reporting and the Uses on them. A binding is reported when its value
        may hold a client — a source reaches a package's factory or type, or a project module,
        directly or through other such bindings (a class: through its bases or members) — and
        is a module-level name, a class member, or read by one of these or by a Use."""
        for use in self.guesses:
            if self._grounded(use):
                self.flow_uses.append(use)
            else:
                self.out.sites.append(Site(file=self.path, line=use.line, column=use.column, layer="dbapi",
                                           model=use.model or "unknown", operation=use.operation or use.chain[-1]))
        flow = self.flow
        readers: dict[str, list[str]] = {}  # symbol -> the bindings with a source rooted at it
        pending: list[str] = []
        for symbol, (kind, sources) in flow.items():
            for source in sources:
                root = source[0]
                if root[0] == "@" or self.imported.get(root):
                    pending.append(symbol)
                else:
                    readers.setdefault(root, []).append(symbol)
            if "@" not in symbol:
                for sep in ("#", "."):
                    owner, found, _ = symbol.partition(sep)
                    if found and owner in flow:
                        readers.setdefault(symbol, []).append(owner)  # a class with a live member is live
                        break
        live: set[str] = set()
        while pending:
            symbol = pending.pop()
            if symbol not in live:
                live.add(symbol)
                pending.extend(readers.get(symbol, ()))
        pending = [s for s in live if "@" not in s] + [u.root for u in self.flow_uses if u.root in live]
        kept: set[str] = set()
        while pending:
            symbol = pending.pop()
            if symbol in kept or symbol not in live:
                continue
            kept.add(symbol)
            pending.extend(source[0] for source in flow[symbol][1])
        bindings = [Binding(symbol, kind, tuple(sources)) for symbol, (kind, sources) in flow.items() if symbol in kept]
        if any(use.root == ANY_RECEIVER for use in self.out.uses):
            bindings.append(Binding(ANY_RECEIVER, "param"))
        return bindings, [u for u in self.flow_uses if u.root in kept]

    def _parameter(self, arg: ast.arg, default: ast.expr | None) -> _Binding:
        """A typed session, a cursor, or a FastAPI `Depends(get_db)` parameter is a client."""
        depends = _depends_target(default)
        layers: tuple[str, ...] = ()
        annotation = arg.annotation
        if isinstance(annotation, (ast.Name, ast.Attribute)):
            layers = CLIENT_TYPES.get(_key(self._qual(annotation) or ""), ())  # the common case, without a walk
        elif annotation is not None:
            for sub in ast.walk(annotation):
                if isinstance(sub, ast.Call) and depends is None:
                    depends = _depends_target(sub)  # Annotated[Session, Depends(get_db)]
                elif isinstance(sub, (ast.Name, ast.Attribute)):
                    layers = layers or CLIENT_TYPES.get(_key(self._qual(sub) or ""), ())
                elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    layers = layers or CLIENT_TYPES.get(_key(self.quals.get(sub.value, "")), ())
        if depends is not None:
            target = self._lookup(depends)
            if target is not None and target.kind == "ref":
                return _Binding("ref", root=target.root, call=True, prefix=target.prefix,
                                layers=layers or target.layers, candidate=target.candidate)
        if layers:
            return _Binding("ref", root=arg.arg, layers=layers)
        return _Binding("shadow")

    def _bind(self, target: ast.expr, binding: _Binding) -> None:
        scope = self.scopes[-1]
        if isinstance(target, ast.Name):
            # A module-level client keeps the meaning read before the walk: other modules import it by that name.
            if not (self.depth == 0 and target.id in self.module_clients):
                scope[target.id] = binding
        else:
            for name in _target_names(target):
                scope[name.id] = _Binding("shadow")

    def visit_Assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        frame = self.frames[-1] if self.frames else None
        if frame is not None and frame.is_class and frame.cls is not None and not isinstance(node, ast.AugAssign) and (
                self._declares_write_only(node) if isinstance(node, ast.AnnAssign) else _lazy_write_only(node.value)):
            # A write-only relationship: its `.select()`/`.insert()`/`.update()`/`.delete()` build statements
            # (see _write_only). A member of every instance, holding a value of the sqlalchemy layer.
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                if isinstance(target, ast.Name):
                    self._flow_add(f"{frame.cls}#{target.id}", "value", [("@sqlalchemy",)])
        if node.value is None:
            # `session: Session` in a class body (a dataclass field) or a method.
            self._flow_target(node.target, [a + ("#",) for a in self._annotation(node.annotation)])
            return
        self.visit(node.value)
        binding = self._meaning(node.value)
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if (frame is None and len(targets) == 1 and isinstance(targets[0], ast.Name)
                and isinstance(node.value, (ast.Name, ast.Attribute))):
            qual = self._qual(node.value)
            if qual is not None and _key(qual) in _STATEMENT_KEYS:
                self.quals[targets[0].id] = qual  # `_select = sqlalchemy.sql.select`: another name for it
        if len(targets) == 1 and isinstance(targets[0], ast.Name) and not isinstance(node, ast.AugAssign):
            self._record(targets[0].id, node.value, node.lineno)
        for target in targets:
            if isinstance(node, ast.AugAssign):
                self._bind(target, _Binding("shadow"))
            else:
                self._bind(target, binding)
        if isinstance(node, ast.AugAssign):
            self._flow_target(node.target, [])
            return
        value = node.value
        if isinstance(value, ast.Subscript) and _subscript_name(value) in TYPE_ALIASES and not self.frames:
            # `SessionDep = Annotated[Session, Depends(get_db)]`: a parameter annotated with it is a session.
            kind, sources = "type", self._annotation(value)
        else:
            kind, sources = "value", self._sources(value)
            if isinstance(node, ast.AnnAssign):
                sources += [a + ("#",) for a in self._annotation(node.annotation)]
        for target in targets:
            self._flow_target(target, sources, kind)

    visit_AnnAssign = visit_Assign
    visit_AugAssign = visit_Assign

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self._bind(item.optional_vars, self._meaning(item.context_expr))
                # What `as` binds is taken to be the context manager's value (sessions and
                # connections return themselves; a @contextmanager function what it yields).
                self._flow_target(item.optional_vars, self._sources(item.context_expr))
                if isinstance(item.optional_vars, ast.Name):
                    self._record(item.optional_vars.id, item.context_expr, node.lineno)
        for stmt in node.body:
            self.visit(stmt)

    visit_AsyncWith = visit_With

    def visit_Return(self, node: ast.Return | ast.Yield) -> None:
        if node.value is not None:
            if self.function is not None:
                self.function.returned.append(node.value)
            if self.frames and not self.frames[-1].is_class:
                self.frames[-1].returns.update(dict.fromkeys(self._sources(node.value)))
            self.visit(node.value)

    visit_Yield = visit_Return

    def _record(self, name: str, value: ast.expr, line: int) -> None:
        """Module level: a client made through a local factory or an instance of a client;
        inside a module-level function: what its names hold, for _function_done."""
        if self.depth == 0:
            if name not in self.module_clients and isinstance(value, (ast.Call, ast.Await)):
                self._module_client(name, value, line)
        elif self.function is not None:
            if isinstance(value, ast.Call):
                layers = CLIENT_FACTORIES.get(_key(self._qual(value.func) or ""))
                if layers:
                    self.function.created[name] = layers
            root = self._client_root(value)
            if root:
                self.function.local[name] = root

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self._bind(node.target, _Binding("shadow"))
        # `for s in get_db():` iterates what a generator yields: its function's result.
        self._flow_target(node.target, self._sources(node.iter))
        for stmt in (*node.body, *node.orelse):
            self.visit(stmt)

    visit_AsyncFor = visit_For

    def _meaning(self, value: ast.expr) -> _Binding:
        """What a name bound to `value` means for later uses in the scope."""
        if isinstance(value, ast.Await):
            value = value.value
        sql = self._sql(value)
        if sql is not None:
            return _Binding("sql", sql=sql[0], text_call=sql[1])
        construct = self._construct(value)
        if construct is not None:
            return _Binding("construct", construct=construct)
        if isinstance(value, ast.Call):
            table = self._table(value)
            if table is not None:
                return _Binding("table", root=table)
            if value.args and isinstance(value.args[0], ast.Name) and _key(self._qual(value.func) or "") in MODEL_CLASS_FUNCTIONS:
                # `PersonVersion = version_class(Person)`: a model class as Person is.
                found = self._lookup(value.args[0].id)
                return found if found is not None and found.kind == "ref" else _Binding("shadow")
        if isinstance(value, ast.Name):
            found = self._lookup(value.id)
            return found if found is not None and found.kind == "ref" else _Binding("shadow")
        if isinstance(value, ast.Call):
            layers = CLIENT_FACTORIES.get(_key(self._qual(value.func) or ""), ())
            if not layers and isinstance(value.func, ast.Name) and value.func.id in self.factories:
                layers = self.factories[value.func.id][0]
            if layers:
                return _Binding("ref", layers=layers)  # Session(engine), sqlite3.connect(…): a client local to here
        root, root_call, steps = _flatten(value)
        if steps and steps[-1][0] == "cursor" and steps[-1][1] is not None:
            # Whatever it came from, a cursor runs SQL through the DB-API.
            found = self._lookup(root.id) if root is not None else None
            if found is None or found.kind != "ref":
                return _Binding("ref", layers=("dbapi",))
            return _Binding("ref", root=found.root, call=found.call or root_call is not None,
                            prefix=found.prefix + tuple(name for name, _ in steps), layers=("dbapi",),
                            candidate=found.candidate)
        if root is None:
            return _Binding("shadow")
        found = self._lookup(root.id)
        if found is None or found.kind != "ref" or found.model_class:
            return _Binding("shadow")
        # Only attribute hops and connection-returning calls keep the client: a bound
        # `q = session.query(User)` is already a site, and following it would count it twice.
        for index, (name, call) in enumerate(steps):
            if call is not None and not (name in ALIAS_CALLS and index == len(steps) - 1):
                return _Binding("shadow")
        if root_call is not None and steps and found.call:
            return _Binding("shadow")
        if root_call is not None and found.model_class:
            return _Binding("shadow")
        # `engine.begin()`, `engine.connect()`, `pool.acquire()` hand back a connection of the
        # same client, whose methods the layers read: not a member to keep in the chain.
        return _Binding("ref", root=found.root, call=found.call or root_call is not None,
                        prefix=found.prefix + tuple(name for name, call in steps
                                                    if call is None or name not in PASS_THROUGH),
                        layers=found.layers, candidate=found.candidate)

    # --- expressions ----------------------------------------------------------------

    def visit_Call(self, node: ast.Call | ast.Attribute) -> None:
        root, root_call, steps = _flatten(node)
        if root is not None:
            self._chain(root, root_call, steps)
        # Arguments of every call in the chain (and a root that is not a plain name) are
        # expressions of their own; the chain's inner links are not visited again.
        inner = node
        while True:
            if isinstance(inner, ast.Call):
                for arg in (*inner.args, *(k.value for k in inner.keywords)):
                    self.visit(arg)
                inner = inner.func
            elif isinstance(inner, ast.Attribute):
                inner = inner.value
            else:
                break
        if root is None:
            self.visit(inner)

    visit_Attribute = visit_Call

    def _chain(self, root: ast.Name, root_call: ast.Call | None, steps: list[tuple[str, ast.Call | None]]) -> None:
        if self._construct_chain(root, root_call, steps) is not None or self._write_only(root, root_call, steps):
            return
        binding = self._lookup(root.id)
        flowable = binding is None or binding.kind == "shadow"
        if binding is None or binding.kind != "ref":
            binding = _Binding("shadow")
        names = [*binding.prefix, *(name for name, _ in steps)]
        calls: list[ast.Call | None] = [None] * len(binding.prefix) + [call for _, call in steps]
        if not names or not any(calls):
            return
        called = binding.call or root_call is not None
        use_root = binding.root or root.id
        found = self._classify(root, binding, names, calls, called)
        if found is None:
            return
        layer, model, operation, use_model, use_operation = found
        if layer == GUESS:
            if flowable and self._flow_use(root, root_call, names, calls, guess=True):
                return  # decided in flow_facts: a Use when the receiver's value flows from a client
            layer = "dbapi"
        if layer is not None:
            self._site(root, layer, model, operation)
        elif binding.layers or binding.candidate:
            use = Use(root=use_root, chain=tuple(names), line=root.lineno, column=root.col_offset + 1,
                      call=called, model=use_model, operation=use_operation)
            for name in binding.layers:
                # A client made in this file: its layers say what the chain is.
                result = self.layer_objects[name].interpret(use) if name in self.layer_objects else None
                if result is not None:
                    self._site(root, name, *result)
                    return
            if binding.candidate and binding.root:
                self.out.uses.append(use)
        elif flowable:
            self._flow_use(root, root_call, names, calls)

    def _classify(self, root: ast.Name, binding: _Binding, names: list[str], calls: list[ast.Call | None],
                  called: bool):
        """(layer or None, model, operation, Use.model, Use.operation) for a chain, or None.

        A layer is returned when the file proves it; otherwise the chain may still be a Use
        of a client from another module, with what the arguments said prefilled."""
        start = 0
        # `db.session.query`, `conn.cursor.execute`, `metadata.bind.execute` (an Engine bound to MetaData).
        while start < len(names) - 1 and names[start] in ("session", "cursor", "connection", "bind"):
            start += 1
        if "bind" in names[start:-1]:
            start = names.index("bind", start) + 1  # `self.metadata.bind.execute(…)`: the bound Engine
        first, call = names[start], calls[start]
        terminal = next((n for n, c in zip(reversed(names), reversed(calls)) if c is not None), first)
        sa = "sa" in self.evidence or any(layer in SA for layer in binding.layers)
        if first == "query" and call is not None:
            model = _entity_of_args(call) or "unknown"
            return ("sqlalchemy-legacy" if sa else None), model, terminal, model, None
        if first == "query" and start == 0 and not called and len(names) > 1 and _is_model_name(root.id):
            # Flask-SQLAlchemy's Model.query: proven by a model class defined here or by the import.
            proven = binding.model_class or "flask" in self.evidence
            # The model is the name written (`PersonTransaction = transaction_class(Person)` is an alias of Person's client).
            return ("sqlalchemy-legacy" if proven else None), root.id, terminal, root.id, None
        if first == "objects" and len(names) > 1 and not called:
            proven = "django" in self.evidence or "django" in binding.layers
            return ("django" if proven else None), root.id, terminal, None, None
        if first == "prisma" and call is not None and len(names) > 1 and "prisma" in self.evidence:
            return "prisma-py", root.id, names[start + 1], None, None
        if call is None or not call.args:
            return None, "unknown", terminal, None, None
        arg = call.args[0]
        if first in EXECUTE:
            if self._construct(arg, executed=True) is not None:
                return None  # the statement is the site, where it is built (finish)
            sql = self._sql(arg)
            if sql is not None and (summary := sql_summary(sql[0])) is not None:
                table, verb = summary
                if sql[1]:
                    return "sqlalchemy", table, verb, table, None
                cursor = "dbapi" in binding.layers or "cursor" in names[:start] or first in DBAPI_ONLY or (
                    "dbapi" in self.evidence and not (sa or "flask" in self.evidence))
                if cursor:
                    return "dbapi", table, verb, table, verb
                if sa:
                    return "sqlalchemy-legacy", table, verb, table, verb
                if binding.candidate:
                    return None, table, verb, table, verb
                return GUESS, table, verb, table, verb  # SQL text through .execute(): a DB-API call, unless flow says
            if sa and first not in DBAPI_ONLY and "cursor" not in names[:start] and "dbapi" not in binding.layers:
                return None  # a statement built elsewhere (a parameter, a helper's result): counted where built
            if "dbapi" in binding.layers or ("dbapi" in self.evidence and not sa):
                return "dbapi", "unknown", first, None, None
            return None, "unknown", first, None, None
        if first in GET and isinstance(arg, (ast.Name, ast.Attribute)):
            model = _entity(arg)
            if model and _is_model_name(model):
                return ("sqlalchemy" if sa else None), model, "get", model, None
        return None, "unknown", terminal, None, None

    def _site(self, root: ast.Name, layer: str, model: str, operation: str) -> None:
        self.out.sites.append(Site(file=self.path, line=root.lineno, column=root.col_offset + 1,
                                   layer=layer, model=model, operation=operation))

    # --- statements and SQL text ----------------------------------------------------

    def _construct(self, node: ast.expr, executed: bool = False) -> _Construct | None:
        """The SQLAlchemy statement `node` builds or names (`select(User).where(…)`, `stmt`)."""
        if isinstance(node, ast.Name):
            binding = self._lookup(node.id)
            return binding.construct if binding is not None else None
        root, root_call, steps = _flatten(node)
        return self._construct_chain(root, root_call, steps, inside_execute=executed) if root else None

    def _construct_chain(self, root: ast.Name, root_call: ast.Call | None, steps: list[tuple[str, ast.Call | None]],
                         inside_execute: bool = False) -> _Construct | None:
        """A chain that starts with a statement constructor, or continues a bound statement."""
        binding = self._lookup(root.id)
        if binding is not None and binding.kind == "construct" and root_call is None:
            return binding.construct  # stmt.where(…): the same statement
        for candidate in (root_call, steps[0][1] if steps else None):
            if candidate is not None and id(candidate) in self.constructs:
                return self.constructs[id(candidate)]
        call, kind, rest, model = root_call, None, steps, None
        if (binding is not None and binding.kind == "table" and root_call is None and steps
                and steps[0][0] in STATEMENTS and steps[0][1] is not None):
            # A Core table: `person_helper.update().where(…)`.
            call, kind, rest, model = steps[0][1], steps[0][0], steps[1:], binding.root
        elif (root_call is None and len(steps) > 1 and steps[0] == ("__table__", None) and steps[1][0] in STATEMENTS
              and steps[1][1] is not None and _is_model_name(root.id)):
            # A mapped class's table: `User.__table__.insert()`.
            call, kind, rest, model = steps[1][1], steps[1][0], steps[2:], root.id
        elif root_call is not None:
            qual = self.quals.get(root.id, "")
            if _key(qual) in _STATEMENT_KEYS and (binding is None or binding.kind == "ref"):
                kind = qual.rsplit(".", 1)[-1]
        elif steps and steps[0][1] is not None and steps[0][0] in STATEMENTS:
            qual = self._qual(ast.Attribute(value=root, attr=steps[0][0])) or ""
            # sa.select(…); db.select(…) of Flask-SQLAlchemy when a client is local or it is executed.
            if _key(qual) in _STATEMENT_KEYS or (binding is not None and binding.kind == "ref" and (
                    any(layer in SA for layer in binding.layers) or (inside_execute and binding.candidate))):
                call, kind, rest = steps[0][1], steps[0][0], steps[1:]
        if kind is None or call is None:
            return None
        existing = self.constructs.get(id(call))
        if existing is not None:
            return existing
        legacy = kind == "select" and bool(call.args) and isinstance(call.args[0], (ast.List, ast.Tuple))
        model = model or _entity_of_args(call)
        if model is None:
            # select(func.count()).select_from(Lesson): the entity is named later in the chain.
            model = next((_entity_of_args(c) for n, c in rest if n in ("select_from", "join") and c), None)
        construct = _Construct(line=root.lineno, column=root.col_offset + 1,
                               layer="sqlalchemy-legacy" if legacy else "sqlalchemy",
                               model=model or "unknown", kind=kind)
        self.constructs[id(call)] = construct
        return construct

    def _table(self, call: ast.Call) -> str | None:
        """The name of the Core table a call makes (`sa.Table("person", metadata, …)`, Flask-SQLAlchemy's
        `db.Table(…)` on a client), else None."""
        func = call.func
        made = _key(self._qual(func) or "") in TABLE_FACTORIES
        if not made and isinstance(func, ast.Attribute) and func.attr == "Table" and isinstance(func.value, ast.Name):
            binding = self._lookup(func.value.id)
            made = binding is not None and binding.kind == "ref" and (
                binding.candidate or any(layer in SA for layer in binding.layers))
        if not made:
            return None
        first = call.args[0] if call.args else None
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else "unknown"

    def _write_only(self, root: ast.Name, root_call: ast.Call | None, steps: list[tuple[str, ast.Call | None]]) -> bool:
        """`user.followers.select()`, `self.notifications.delete().where(…)`: a statement built by a
        write-only relationship — when the project declares `followers` one (WriteOnlyMapped) in some
        class. Which class the receiver is an instance of is rarely known (`current_user`, a row loaded
        in another function), so the chain is a Use of the member by name, on ANY_RECEIVER: the resolver
        reads the member from every class member of that name in the project (the declarations are
        Bindings "Cls#member" holding a sqlalchemy value, see visit_Assign)."""
        if root_call is not None:
            return False
        for index, (name, call) in enumerate(steps):
            if call is not None:
                if (index == 0 or name not in STATEMENTS or call.args or call.keywords
                        or steps[index - 1][0] in THROUGH or steps[index - 1][0] == "__table__"):
                    return False
                member = steps[index - 1][0]
                self.out.uses.append(Use(root=ANY_RECEIVER, chain=(member, name), line=root.lineno,
                                         column=root.col_offset + 1, operation=name))
                return True
        return False

    def _declares_write_only(self, node: ast.AnnAssign) -> bool:
        """`posts: so.WriteOnlyMapped["Post"] = …` or `posts = relationship(…, lazy="write_only")`."""
        annotation = node.annotation
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except (SyntaxError, ValueError):
                return False
        if isinstance(annotation, ast.Subscript):
            annotation = annotation.value
        if (isinstance(annotation, ast.Attribute) and annotation.attr == WRITE_ONLY) or (
                isinstance(annotation, ast.Name) and annotation.id == WRITE_ONLY):
            return True
        return _lazy_write_only(node.value)

    def _sql(self, node: ast.expr) -> tuple[str, bool] | None:
        """(SQL text, through text()) for a literal, an f-string, "…" + x, "…".format(…),
        text("…") or a name bound to one of these."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text, via_text = node.value, False
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            via_text = False
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            return self._sql(node.left)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "format":
                return self._sql(func.value)
            if node.args and _key(self._qual(func) or "") in (("sqlalchemy", "text"), ("sqlmodel", "text")):
                inner = self._sql(node.args[0])
                return (inner[0], True) if inner else None
            return None
        elif isinstance(node, ast.Name):
            binding = self._lookup(node.id)
            if binding is not None and binding.kind == "sql" and binding.sql is not None:
                return binding.sql, binding.text_call
            return None
        else:
            return None
        return (text, via_text) if _SQL_START.match(text) else None

    def finish(self) -> None:
        # One site per statement, where it is built: executing it (here, in another module, or
        # twice) adds none.
        for construct in self.constructs.values():
            self.out.sites.append(Site(file=self.path, line=construct.line, column=construct.column,
                                       layer=construct.layer, model=construct.model, operation=construct.kind))
        self.out.sites.sort(key=lambda s: (s.line, s.column))


_STATEMENT_KEYS = frozenset((pkg, kind) for pkg in ("sqlalchemy", "sqlmodel") for kind in STATEMENTS)


def _key(qual: str) -> tuple[str, str]:
    """"sqlalchemy.orm.session.sessionmaker" -> ("sqlalchemy", "sessionmaker")."""
    return qual.split(".", 1)[0], qual.rsplit(".", 1)[-1]


def _flatten(node: ast.expr) -> tuple[ast.Name | None, ast.Call | None, list[tuple[str, ast.Call | None]]]:
    """`a().b.c(x).d` -> (Name a, the call of a, [("b", None), ("c", call), ("d", None)])."""
    steps: list[tuple[str, ast.Call | None]] = []
    call: ast.Call | None = None
    while True:
        if isinstance(node, ast.Call):
            if call is not None:
                return None, None, []  # f()(): not a member chain
            call, node = node, node.func
        elif isinstance(node, ast.Attribute):
            steps.append((node.attr, call))
            call, node = None, node.value
        elif isinstance(node, ast.Name):
            steps.reverse()
            return node, call, steps
        else:
            return None, None, []


def _entity(node: ast.expr) -> str | None:
    """The model a statement argument names: `User` and `User.id` -> "User"; `func.count(X.id)` -> "X"."""
    if isinstance(node, ast.Name):
        return None if node.id in NOT_ENTITIES else node.id
    if isinstance(node, ast.Attribute):
        while isinstance(node, ast.Attribute):
            node = node.value
        return _entity(node) if isinstance(node, ast.Name) else None
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute) and not isinstance(node.func.value, ast.Name):
            return _entity(node.func.value)  # User.id.label("x")
        return _entity_of_args(node)
    if isinstance(node, (ast.List, ast.Tuple)):
        return next((e for e in map(_entity, node.elts) if e), None)
    if isinstance(node, ast.Starred):
        return _entity(node.value)
    return None


def _entity_of_args(call: ast.Call) -> str | None:
    return next((e for e in map(_entity, call.args) if e), None)


def _is_model_name(name: str) -> bool:
    """CamelCase, as model classes are; not a CONSTANT (`MAPPING.get(KEY)`)."""
    return name[:1].isupper() and not name.isupper()


def _lazy_write_only(value: ast.expr | None) -> bool:
    """`relationship(…, lazy="write_only")`."""
    return isinstance(value, ast.Call) and any(
        k.arg == "lazy" and isinstance(k.value, ast.Constant) and k.value.value == "write_only" for k in value.keywords)


def _depends_target(node: ast.expr | None) -> str | None:
    """`Depends(get_db)` -> "get_db"."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name == "Depends":
            return node.args[0].id
    return None


TYPE_ALIASES = TYPE_UNIONS | {"Annotated"}
_CHAIN_NODES = frozenset({ast.Name, ast.Attribute, ast.Call})
_NO_NAMES: frozenset[str] = frozenset()
_PROPERTIES = frozenset({"property", "cached_property"})


def _subscript_name(node: ast.Subscript) -> str:
    base = node.value
    return base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else ""


def _target_names(target: ast.expr) -> list[ast.Name]:
    if isinstance(target, ast.Name):
        return [target]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for element in target.elts for n in _target_names(element)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _module_statements(body: list[ast.stmt]):
    """Top-level statements, including those under module-level if/try (optional imports)."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield from _module_statements(stmt.body)
            yield from _module_statements(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody):
                yield from _module_statements(block)
        else:
            yield stmt


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or _name_of(node) == "environ"


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _name_of(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


class PythonAnalyzer:
    language = "python"
    extensions = (".py",)

    def analyze(self, path: str, text: str, project: Project) -> FileFacts:
        try:
            tree = ast.parse(text, filename=path)
        except (SyntaxError, ValueError) as error:
            # NUL bytes are a ValueError before Python 3.12 and a SyntaxError without a place after.
            where = getattr(error, "lineno", None)
            reason = f"syntax error at {where}:{error.offset or 0}" if where else "null bytes" if "null" in str(
                error) else "syntax error"
            return FileFacts(path=path, language="python", skipped=reason)
        reader = _Reader(path, project)
        try:
            reader.read_module(tree)
        except RecursionError:
            return FileFacts(path=path, language="python", skipped="too deeply nested")
        bindings, flow_uses = reader.flow_facts()
        reader.finish()
        out = reader.out
        return FileFacts(
            path=path,
            language="python",
            imports=tuple(out.imports),
            exports=tuple(out.exports.values()),
            clients=tuple(sorted(out.clients, key=lambda c: c.line)),  # stable: a client's layers keep their order
            getters=tuple(out.getters),
            bindings=tuple(bindings),
            uses=(*out.uses, *flow_uses),
            sites=tuple(out.sites),
            layers_imported=tuple(sorted(out.layers_imported)),
        )


ANALYZER = register_analyzer(PythonAnalyzer())
