"""What a Python module says about its ORM classes, read with `ast`: shared by `migrator scan`
(a `x.query(M)` call with M a mapped class is a legacy site) and `migrator rewrite`'s project
index (migrator.rewrite.project).

OrmReader walks one module: its classes (bases by last name, mapping decorators, `__abstract__`,
`query_class`, methods, relationship() attributes, what is assigned to `self.<attr>` and class
attributes), the names bound to a declarative base (`Base = declarative_base()`), to
Flask-SQLAlchemy's `SQLAlchemy()`, to `version_class(M)`-style model aliases, classes mapped
classically (`mapper(Cls, table)`), calls that reach a class's `__init__`, and every
`x.query(E, …)` call. `mapped_classes()` then solves, project-wide and by name, which classes
are mapped.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from migrator.files import atomic_write
from migrator.scan.facts import Site

# Calls whose value is a declarative base class (`Base = declarative_base()`), by last name.
BASE_FACTORIES = ("declarative_base", "generate_base")
# Classes whose subclasses are declarative bases or mapped classes.
BASE_CLASSES = ("DeclarativeBase", "DeclarativeBaseNoMeta", "SQLModel")
# Class decorators that map a class (`@mapper_registry.mapped`, `@as_declarative()`).
MAPPING_DECORATORS = ("mapped", "as_declarative", "mapped_as_dataclass")
# Classical (imperative) mapping: `mapper(Package, package_table)`, `registry.map_imperatively(…)`.
IMPERATIVE_MAPPERS = ("mapper", "map_imperatively")
# Library calls that return a mapped class made from their argument (sqlalchemy_continuum).
MODEL_FUNCTIONS = ("version_class", "parent_class", "transaction_class")
# Methods whose receiver a legacy site proves to be a Session (or a Connection/Engine for SQL strings).
SITE_METHODS = ("query", "execute", "scalar")
RELATIONSHIP_CALLS = ("relationship", "relation", "dynamic_loader")
COLLECTION_TYPES = ("list", "List", "set", "Set", "Sequence", "Collection", "DynamicMapped", "WriteOnlyMapped",
                    "AppenderQuery", "Iterable")


@dataclass
class ClassInfo:
    name: str
    bases: list[str]  # last names of the bases
    mapped_here: bool = False  # decorated by a mapping decorator, or SQLModel(table=True)
    declarative_root: bool = False  # a base class itself (subclass of DeclarativeBase, @as_declarative)
    abstract: bool = False
    defines_init: bool = False
    methods: set[str] = field(default_factory=set)
    query_class: Optional[str] = None  # Flask-SQLAlchemy's `query_class = PersonQuery`
    # self.<attr> / class attribute -> the kinds of value assigned in this class (see _value_kind)
    attrs: dict[str, set[str]] = field(default_factory=dict)
    relationships: dict[str, str] = field(default_factory=dict)  # attr -> collection | scalar


def _last(node: ast.expr) -> str:
    while isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript):
        return _last(node.value)
    return ""


def _is_type_annotation(node: Optional[ast.expr]) -> bool:
    """`Type[X]`, `type[X]`, `typing.Type[X]`, `Optional[Type[X]]`: the value is a class."""
    if node is None:
        return False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return False
    if isinstance(node, ast.Subscript):
        name = _last(node.value)
        if name in ("Type", "type"):
            return True
        if name in ("Optional", "Annotated"):
            inner = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
            return _is_type_annotation(inner)
    return False


def _relationship_kind(value: Optional[ast.expr], annotation: Optional[ast.expr]) -> Optional[str]:
    """collection | scalar | None (unknown) for a class attribute, when it is a relationship at all ("" otherwise)."""
    call = value if isinstance(value, ast.Call) and _last(value.func) in RELATIONSHIP_CALLS else None
    mapped = annotation is not None and isinstance(annotation, ast.Subscript) and _last(annotation.value) in (
        "Mapped", "DynamicMapped", "WriteOnlyMapped")
    if call is None and not mapped:
        return ""
    if call is not None:
        for kw in call.keywords:
            if kw.arg == "uselist" and isinstance(kw.value, ast.Constant):
                return "collection" if kw.value.value else "scalar"
            if kw.arg == "lazy" and isinstance(kw.value, ast.Constant) and kw.value.value in ("dynamic", "write_only"):
                return "collection"
    if mapped:
        assert isinstance(annotation, ast.Subscript)
        if _last(annotation.value) in ("DynamicMapped", "WriteOnlyMapped"):
            return "collection"
        inner = annotation.slice
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            try:
                inner = ast.parse(inner.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(inner, ast.Subscript) and _last(inner.value) in COLLECTION_TYPES:
            return "collection"
        if call is not None:
            return "scalar"  # Mapped["Parent"] = relationship(): one object
        return ""  # a column
    return None


class OrmReader(ast.NodeVisitor):
    """One module: its classes, declarative base names, Flask db, model aliases, classical mappings,
    `__init__` calls, called and defined names, `x.query(E)` calls and every call chain's root."""

    def __init__(self) -> None:
        self.classes: list[ClassInfo] = []
        self.base_names: set[str] = set()  # module-level names bound to a declarative base
        self.flask_dbs: set[str] = set()  # names bound to flask_sqlalchemy.SQLAlchemy(…)
        self.aliases: dict[str, str] = {}  # module-level name -> the class a model-class function was given
        self.imperative: set[str] = set()  # classes mapped by a `mapper(…)` / `map_imperatively(…)` call
        # Chain root position -> [enclosing qualname, the chain's first method ("execute:literal" for SQL
        # text), the receivers of its Session methods (`query`, `execute`, `scalar`) as `ast.unparse` prints them].
        self.chains: dict[tuple[int, int], list] = {}
        # (qualname, receiver, last name of the first entity) of every `x.query(E, …)`: x is a Session
        # when E is a mapped class of the project.
        self.candidates: list[tuple[str, str, str, tuple[int, int]]] = []
        self.terminals: dict[tuple[int, int], str] = {}  # chain root position -> the chain's last method
        self.calls: dict[str, list[int]] = {}  # called name (last part) -> the first lines calling it
        self.defined: set[str] = set()  # names of the functions and methods defined in the module
        self.stack: list[str] = []
        self.class_stack: list[ClassInfo] = []
        self.params: list[dict[str, bool]] = []  # per function: parameter -> annotated Type[…]
        self.direct: Optional[ClassInfo] = None  # the class whose body is being read (not its methods)
        self.function: list[tuple[str, list[str]]] = []  # enclosing functions: (name, positional parameters)
        # Calls that reach a class's __init__: (class name, positional argument kinds, keyword argument kinds).
        # `super().__init__(…)` is recorded against the enclosing class's bases ("^Name").
        self.init_calls: list[tuple[str, list[str], dict[str, str]]] = []

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Call):
            self._assigned([], node.value, None)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        self._assigned([t for t in node.targets], node.value, None)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._assigned([node.target], node.value, node.annotation)
        self.generic_visit(node)

    def _assigned(self, targets: list[ast.expr], value: Optional[ast.expr], annotation: Optional[ast.expr]) -> None:
        if isinstance(value, ast.Call):
            last = _last(value.func)
            if (last in MODEL_FUNCTIONS and value.args and isinstance(value.args[0], (ast.Name, ast.Attribute))
                    and not self.stack):
                # `PersonVersion = version_class(Person)`: a mapped class when its argument is one.
                self.aliases.update((t.id, _last(value.args[0])) for t in targets if isinstance(t, ast.Name))
            if last in IMPERATIVE_MAPPERS and value.args and isinstance(value.args[0], (ast.Name, ast.Attribute)):
                self.imperative.add(_last(value.args[0]))  # `mapper(Package, package_table)`
            if last in BASE_FACTORIES:
                self.base_names.update(t.id for t in targets if isinstance(t, ast.Name))
            elif last == "SQLAlchemy" and not self.stack:
                self.flask_dbs.update(t.id for t in targets if isinstance(t, ast.Name))
        for target in targets:
            if self.direct is not None and isinstance(target, ast.Name):
                cls, name = self.direct, target.id
                if name == "__abstract__" and isinstance(value, ast.Constant) and value.value:
                    cls.abstract = True
                if name == "query_class" and isinstance(value, (ast.Name, ast.Attribute)):
                    cls.query_class = _last(value)
                kind = _relationship_kind(value, annotation)
                if kind != "":
                    if kind:
                        cls.relationships[name] = kind
                    continue
                self._attr(cls, name, self._value_kind(value, annotation))
            elif (self.direct is None and self.class_stack and isinstance(target, ast.Attribute)
                  and isinstance(target.value, ast.Name) and target.value.id == "self"):
                self._attr(self.class_stack[-1], target.attr, self._value_kind(value, annotation))
            elif isinstance(target, (ast.Tuple, ast.List)):
                self._assigned(list(target.elts), None, None)

    def _value_kind(self, value: Optional[ast.expr], annotation: Optional[ast.expr]) -> str:
        """"entity" (a class for sure), "class:<Name>" (a mapped class if <Name> is one), "other"."""
        if _is_type_annotation(annotation):
            return "entity"
        if isinstance(value, ast.Name) and self.params and value.id in self.params[-1]:
            if self.params[-1][value.id]:
                return "entity"  # self.model = model, with `model: Type[ModelType]`
            if self.function and self.function[-1][0] == "__init__" and value.id in self.function[-1][1]:
                # Unannotated: whatever the callers of this __init__ pass (resolved project-wide).
                owner = self.class_stack[-1].name if self.class_stack else ""
                return f"param:{owner}:{self.function[-1][1].index(value.id)}:{value.id}"
        if isinstance(value, (ast.Name, ast.Attribute)):
            return f"class:{_last(value)}"
        if isinstance(value, ast.Constant) and value.value is None:
            return "none"  # `model = None` in a generic base: a placeholder its subclasses fill
        return "other"

    @staticmethod
    def _attr(cls: ClassInfo, name: str, kind: str) -> None:
        cls.attrs.setdefault(name, set()).add(kind)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        info = ClassInfo(node.name, [_last(b) for b in node.bases])
        for deco in node.decorator_list:
            last = _last(deco)
            if last == "as_declarative":
                info.declarative_root = True
            elif last in MAPPING_DECORATORS:
                info.mapped_here = True
        if any(kw.arg == "table" and isinstance(kw.value, ast.Constant) and kw.value.value for kw in node.keywords):
            info.mapped_here = True  # SQLModel(table=True)
        for base in node.bases:
            if isinstance(base, ast.Attribute) and base.attr == "Model":
                info.bases.append("@flask-model")  # db.Model: checked against SQLAlchemy() names later
        self.classes.append(info)
        self.stack.append(node.name)
        self.class_stack.append(info)
        saved, self.direct = self.direct, info
        for stmt in node.body:
            self.visit(stmt)
        self.direct = saved
        self.class_stack.pop()
        self.stack.pop()

    def visit_FunctionDef(self, node) -> None:
        for deco in node.decorator_list:
            self.visit(deco)
        args = node.args
        self.params.append({a.arg: _is_type_annotation(a.annotation)
                            for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)})
        for default in (*args.defaults, *args.kw_defaults):
            if default is not None:
                self.visit(default)
        self.stack.append(node.name)
        self.defined.add(node.name)
        positional = [a.arg for a in (*args.posonlyargs, *args.args)]
        if self.direct is not None:
            self.direct.methods.add(node.name)
            self.direct.defines_init |= node.name == "__init__"
        self.function.append((node.name, positional[1:] if self.direct is not None else positional))
        saved, self.direct = self.direct, None  # a method's `self.x = …` belongs to class_stack[-1]
        for stmt in node.body:
            self.visit(stmt)
        self.direct = saved
        self.function.pop()
        self.stack.pop()
        self.params.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _arg_kind(self, node: ast.expr) -> str:
        return f"class:{_last(node)}" if isinstance(node, (ast.Name, ast.Attribute)) else "other"

    def _init_call(self, node: ast.Call) -> None:
        func = node.func
        args = [self._arg_kind(a) for a in node.args]
        keywords = {kw.arg: self._arg_kind(kw.value) for kw in node.keywords if kw.arg}
        if any(isinstance(a, ast.Starred) for a in node.args) or any(kw.arg is None for kw in node.keywords):
            args, keywords = ["other"] * 32, {}
        if (isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Call)
                and _last(func.value.func) == "super" and self.class_stack):
            for base in self.class_stack[-1].bases:
                self.init_calls.append((base, args, keywords))
        elif isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, (ast.Name, ast.Attribute)):
            self.init_calls.append((_last(func.value), args[1:], keywords))  # Base.__init__(self, …)
        elif isinstance(func, (ast.Name, ast.Attribute)) and _last(func)[:1].isupper():
            self.init_calls.append((_last(func), args, keywords))  # Repo(session, Model)

    def visit_Call(self, node: ast.Call) -> None:
        self._init_call(node)
        func = node.func
        called = _last(func) if isinstance(func, (ast.Name, ast.Attribute)) else ""
        if called:
            lines = self.calls.setdefault(called, [])
            if len(lines) < 10:
                lines.append(node.lineno)
        if isinstance(func, ast.Attribute):
            start = _chain_root(func.value)
            if start is not None:
                # Calls are visited outermost first: the first one seen at a root ends its chain.
                self.terminals.setdefault((start.lineno, start.col_offset + 1), func.attr)
        if isinstance(func, ast.Attribute):
            root = _chain_root(func.value)
            where = (root.lineno, root.col_offset + 1) if root is not None else None
            receiver = ast.unparse(func.value) if func.attr in SITE_METHODS else None
            if func.attr == "query" and node.args and isinstance(node.args[0], (ast.Name, ast.Attribute, ast.Call)):
                entity = ast.unparse(node.args[0])
                if not isinstance(node.args[0], ast.Call) or entity in SELF_ENTITIES:
                    self.candidates.append((".".join(self.stack), receiver or "", entity,
                                            where or (node.lineno, node.col_offset + 1)))
            if where is not None:
                # Calls are visited outermost first: the last one seen is the chain's first call, whose
                # method says what kind of site it is; the receivers of its Session methods are kept.
                method = func.attr
                if method in ("execute", "scalar") and node.args:
                    first = node.args[0]
                    literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
                    method += ":literal" if literal else ":other"
                    if isinstance(func.value, ast.Name) and func.value.id == "op":
                        method = "op." + method  # Alembic's operations object
                chain = self.chains.setdefault(where, [".".join(self.stack), method, []])
                chain[1] = method
                if receiver is not None:
                    chain[2].append(receiver)
        self.generic_visit(node)




def _chain_root(node: ast.expr) -> Optional[ast.Name]:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node if isinstance(node, ast.Name) else None


# Entities written relative to the enclosing class: `cls.Session.query(cls)` in a classmethod.
SELF_ENTITIES = ("cls", "self.__class__", "type(self)")


def entity_is_mapped(entity: str, qualname: str, mapped: frozenset[str], children: dict[str, list[str]],
                     class_attribute=None) -> bool:
    """The first argument E of `x.query(E, …)` (as written) names the project's mapped classes: a mapped
    class (`User`, `models.User`), a column of one (`User.email`), the enclosing class when it or a
    subclass of it is mapped (`cls` in a mixin of models), or, when `class_attribute(class, attr)` says
    so, an attribute of the enclosing class that holds one (`self.MODEL_CLASS`)."""
    parts = entity.split(".")
    if entity not in SELF_ENTITIES and parts[0] in ("self", "cls") and len(parts) == 2:
        owner = qualname.split(".")[0] if "." in qualname else ""
        return class_attribute is not None and bool(owner) and class_attribute(owner, parts[1])
    if entity not in SELF_ENTITIES:
        return parts[-1] in mapped or (len(parts) > 1 and parts[-2] in mapped)
    owner = qualname.split(".")[0] if "." in qualname else ""
    todo, seen = [owner], set()
    while todo:
        name = todo.pop()
        if not name or name in seen:
            continue
        if name in mapped:
            return True
        seen.add(name)
        todo.extend(children.get(name, ()))
    return False


def subclasses(readers: list) -> dict[str, list[str]]:
    """Base name -> names of the classes that list it as a base, project-wide."""
    out: dict[str, list[str]] = {}
    for reader in readers:
        for info in reader.classes:
            for base in info.bases:
                out.setdefault(base, []).append(info.name)
    return out


def mapped_classes(readers: list) -> frozenset[str]:
    """Names of the mapped classes among every module's classes (a fixpoint over base names)."""
    all_classes = [c for r in readers for c in r.classes]
    base_names = {n for r in readers for n in r.base_names}
    imperative = {n for r in readers for n in r.imperative}
    flask_model = any(r.flask_dbs for r in readers)
    roots = set(base_names) | {c.name for c in all_classes if c.declarative_root}
    for info in all_classes:
        if any(b in BASE_CLASSES for b in info.bases) and not info.mapped_here and "SQLModel" not in info.bases:
            roots.add(info.name)  # class Base(DeclarativeBase): a base, not a table
    mapped: set[str] = {c.name for c in all_classes if c.mapped_here or c.name in imperative}
    changed = True
    while changed:
        changed = False
        for info in all_classes:
            if info.name in mapped or info.name in roots:
                continue
            bases = set(info.bases)
            if bases & (roots | mapped) or (flask_model and "@flask-model" in bases):
                if info.abstract:
                    roots.add(info.name)
                else:
                    mapped.add(info.name)
                changed = True
    aliases = {alias: target for r in readers for alias, target in r.aliases.items()}
    mapped |= {alias for alias, target in aliases.items() if target in mapped}
    return frozenset(mapped)


def module_name(relative: str) -> str:
    """`src/app/models.py` -> "app.models"; `app/__init__.py` -> "app"."""
    parts = relative[:-3].split("/") if relative.endswith(".py") else relative.split("/")
    if parts and parts[0] == "src":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


# Reads many modules' OrmReader data at once: [(path, source)] -> [data or None], in order.
ReadMany = Callable[[list[tuple[str, bytes]]], list[Optional[dict]]]

# Bytes without which a module adds nothing to the mapped classes or to the `x.query(M)` sites.
RELEVANT = re.compile(rb"\bclass |\.query\(|declarative_base|generate_base|mapper\(|map_imperatively|SQLAlchemy\(|version_class")


def query_sites(texts: dict[str, bytes], known: dict[str, set[tuple[int, int]]],
                cache: Optional["OrmCache"] = None, read_many: Optional[ReadMany] = None) -> dict[str, list[Site]]:
    """`x.query(M, …)` chains whose first entity is a mapped class of the project, not among `known`
    sites: legacy sites the value flow could not prove (an untyped `session`, `context['session']`).
    `read_many` reads the modules the cache lacks (the scan passes its worker processes)."""
    cache = cache or OrmCache(None)
    relevant = [(path, raw) for path, raw in texts.items() if path.endswith(".py") and RELEVANT.search(raw)]
    if read_many is not None:
        cache.prefetch(relevant, read_many)
    modules: list[tuple[str, ModuleOrm]] = []
    for path, raw in relevant:
        facts = cache.facts(path, raw)
        if facts is not None:
            modules.append((path, facts))
    cache.save()
    mapped = mapped_classes([m for _, m in modules])
    children = subclasses([m for _, m in modules])
    out: dict[str, list[Site]] = {}
    for path, facts in modules:
        for qualname, _, entity, (line, column) in facts.candidates:
            if entity_is_mapped(entity, qualname, mapped, children) and (line, column) not in known.get(path, ()):
                operation = facts.terminals.get((line, column), "query")
                model = qualname.split(".")[0] if entity in SELF_ENTITIES else entity.split(".")[-1]
                out.setdefault(path, []).append(Site(path, line, column, "sqlalchemy-legacy", model, operation))
                known.setdefault(path, set()).add((line, column))
    return out


# -- the facts of one module, as plain data (cached by content hash) ------------------------------

FACTS_FIELDS = ("base_names", "flask_dbs", "aliases", "imperative", "candidates", "terminals", "calls", "defined",
                "chains", "init_calls")


def _position_keys(mapping: dict) -> dict:
    return {f"{line}:{col}": value for (line, col), value in mapping.items()}


def _position_tuples(mapping: dict) -> dict:
    return {tuple(int(x) for x in key.split(":")): value for key, value in mapping.items()}


def to_data(reader: "OrmReader") -> dict:
    """A reader's findings as JSON-able data."""
    return {
        "classes": [{**vars(c), "bases": list(c.bases), "methods": sorted(c.methods),
                     "attrs": {k: sorted(v) for k, v in c.attrs.items()}} for c in reader.classes],
        "base_names": sorted(reader.base_names), "flask_dbs": sorted(reader.flask_dbs),
        "aliases": reader.aliases, "imperative": sorted(reader.imperative),
        "candidates": [[q, r, e, list(w)] for q, r, e, w in reader.candidates],
        "terminals": _position_keys(reader.terminals), "calls": reader.calls, "defined": sorted(reader.defined),
        "chains": _position_keys(reader.chains),
        "init_calls": [[c, a, k] for c, a, k in reader.init_calls],
    }


class ModuleOrm:
    """What OrmReader found in one module, rebuilt from data (the same attributes)."""

    def __init__(self, data: dict) -> None:
        self.classes = [ClassInfo(**{**c, "methods": set(c["methods"]), "attrs": {k: set(v) for k, v in c["attrs"].items()}})
                        for c in data["classes"]]
        self.base_names = set(data["base_names"])
        self.flask_dbs = set(data["flask_dbs"])
        self.aliases = dict(data["aliases"])
        self.imperative = set(data["imperative"])
        self.candidates = [(q, r, e, (w[0], w[1])) for q, r, e, w in data["candidates"]]
        self.terminals = _position_tuples(data["terminals"])
        self.calls = data["calls"]
        self.defined = set(data["defined"])
        self.chains = _position_tuples(data["chains"])
        self.init_calls = [(c, a, k) for c, a, k in data["init_calls"]]


def read_module(raw: bytes, path: str = "<module>") -> Optional[dict]:
    """OrmReader's data for one module's source; None when it does not parse."""
    try:
        tree = ast.parse(raw, filename=path)
    except (SyntaxError, ValueError, RecursionError):
        return None
    reader = OrmReader()
    try:
        reader.visit(tree)
    except RecursionError:
        return None
    return to_data(reader)


class OrmCache:
    """Module facts by content hash in <root>/.migrator/cache/orm-v<N>.json, shared by scan and rewrite."""

    VERSION = 3  # bump when OrmReader records more or differently

    def __init__(self, root: Optional[Path], enabled: bool = True) -> None:
        self.path = root / ".migrator" / "cache" / f"orm-v{self.VERSION}.json" if root is not None and enabled else None
        self.entries: dict[str, dict] = {}
        self.used: set[str] = set()
        if self.path is not None and self.path.is_file():
            try:
                self.entries = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.entries = {}
        self.dirty = False

    def facts(self, path: str, raw: bytes) -> Optional[ModuleOrm]:
        key = hashlib.sha1(raw).hexdigest()
        self.used.add(key)
        data = self.entries.get(key)
        if data is None:
            data = read_module(raw, path)
            if data is None:
                return None
            self.entries[key] = data
            self.dirty = True
        return ModuleOrm(data)

    def prefetch(self, modules: list[tuple[str, bytes]], read_many: ReadMany) -> None:
        """Read the modules not cached yet in one call of `read_many` (in parallel, for the scan)."""
        missing = {hashlib.sha1(raw).hexdigest(): (path, raw) for path, raw in modules}
        missing = {key: item for key, item in missing.items() if key not in self.entries}
        if not missing:
            return
        for key, data in zip(missing, read_many(list(missing.values()))):
            if data is not None:
                self.entries[key] = data
                self.dirty = True

    def save(self) -> None:
        if self.path is None or not (self.dirty or set(self.entries) - self.used):
            return
        kept = {k: v for k, v in self.entries.items() if k in self.used}  # entries of files gone or changed go
        try:
            atomic_write(self.path, json.dumps(kept, separators=(",", ":")))
        except OSError:
            pass  # a read-only tree: the next run reads the modules again
