"""Pass 2 of a scan: link every file's FileFacts, follow values to clients, turn uses into call sites.

Language-neutral: it reads only FileFacts (migrator.scan.facts) and the Layer registry,
so the TypeScript and the Python analyzers share it.

**Value flow.** Every symbol an analyzer reports (a Binding, an Import, and the older
Client/Getter facts, which are Bindings in disguise) gets a set of abstract values,
computed by iterating to a fixed point over the whole project:

- Client(layer, origin): a database client, made in file `origin`;
- Function(result): something that yields `result` when called or instantiated: a getter,
  a memoizer, a class that extends a client's class, a package's factory (drizzle,
  PrismaClient, create_engine; its client's origin is where it is called);
- Namespace(path): a module (`import * as m`, a CommonJS `require`);
- Object(path, name): an object literal; its members are the bindings "name.member";
- Class(path, name) and Instance(path, name): a project class and its instances; an
  instance's member "m" is the binding "name#m" of the class, else of its bases.

A binding's sources are expressions (root, *steps), see facts.Binding: "()" calls,
"#" takes an instance of a type, ".m" a member. A value flows from wherever it is
assigned: a module-level cache assigned inside a function, a getter's returns, a default
parameter, a transaction callback's parameter, a class field — the analyzer says where,
this module says what. Imports are followed through re-exports, `export *`, barrels and
namespaces across any number of files; cycles reach a fixed point rather than recursing.

Import(local, module, name, resolved): `resolved` is the repository path of the module
(None for packages, which are never followed); name "*" binds the whole module. Uses
(root, chain, call) become Sites when the root's value, after a call when `call` and
after following members of namespaces, objects and instances, holds a Client. Its model
and operation come from the Use when the analyzer set both, else from the layer's
interpret(use); interpret returning None means "not a database call" and drops it.
Project.entry_modules (path, layer): everything such a configured module exports is a
client of that layer (its creation may be out of migrator's sight).

resolve() returns one ResolvedFile per input file: its sites (the file's own pass-1
sites plus the linked uses; `via` is the file the client was created in, None when
created in the same file) and the layers it imports (the analyzer's package-level
layers_imported plus the layer of every imported binding that holds a client or yields
one, whether or not it is used). entry_modules() lists the files that create a client
and export it (or something that yields it), plus the configured ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping

from migrator.scan import Layer, Project, all_layers
from migrator.scan.facts import Binding, FileFacts, Site, Use
from migrator.scan.result import EntryModule

__all__ = ["ResolvedFile", "entry_modules", "link", "resolve"]

LAYER_SEPARATOR = "|"  # Client facts may join the layers of a name that is a client of several
MAX_PREFIX = 3  # `const users = db.user`; deeper member paths of a client are query results, not clients
MAX_ROUNDS = 64  # a fixed point needs as many rounds as the longest chain of assignments; this bounds a pathological one


@dataclass(frozen=True)
class ResolvedFile:
    path: str
    sites: tuple[Site, ...] = ()
    layers_imported: tuple[str, ...] = ()


# -- abstract values --------------------------------------------------------------


@dataclass(frozen=True)
class _Client:
    layer: str
    origin: str | None  # the file that creates the client; None: wherever the factory is called
    prefix: tuple[str, ...] = ()  # members already taken: `const users = db.user` holds db with ("user",)
    guessed: bool = False  # reached by a member's name only (a parameter's `.db`): its sites must name a real operation


@dataclass(frozen=True)
class _Function:
    result: "_Value"


@dataclass(frozen=True)
class _Namespace:
    path: str


@dataclass(frozen=True)
class _Members:
    """A value whose members are the bindings "name.m" / "name#m" of file `path`."""

    path: str
    name: str


class _Object(_Members):
    """An object literal."""


class _Class(_Members):
    """A project class (its static members; instances are _Instance)."""


class _Instance(_Members):
    """An instance of a project class: members of the class, else of its bases."""


@dataclass(frozen=True)
class _Type:
    """A type alias (`type Db = typeof db`): not a value, but an annotation with it is an instance of `of`."""

    of: "_Value"


@dataclass(frozen=True)
class _Unknown:
    """A parameter nothing is known of: a member of it is whatever the project keeps in members of that name."""


_UNKNOWN = _Unknown()


@dataclass(frozen=True)
class _Dangling:
    """What a broken project import holds (`@/server/db` that resolves to no file, a name its
    module does not export): unknowable, so a call on it is read by its API alone."""


_DANGLING = _Dangling()

_Value = _Dangling | _Unknown | _Type | _Client | _Function | _Namespace | _Object | _Class | _Instance
_Values = dict  # insertion-ordered set: {value: None}
_EMPTY: dict = {}


def _family(language: str) -> str:
    """Members are shared by name within a language family: JavaScript and TypeScript are one."""
    return "python" if language == "python" else "js"


def _clients(values: Iterable[_Value]) -> list[_Client]:
    return [v for v in values if isinstance(v, _Client)]


def _yielded_clients(values: Iterable[_Value]) -> list[_Client]:
    """Clients held, or yielded by calling what is held (a getter)."""
    out = []
    for v in values:
        if isinstance(v, _Client):
            out.append(v)
        elif isinstance(v, _Function) and isinstance(v.result, _Client):
            out.append(v.result)
    return out


class _Index:
    """A file's symbols: its Bindings (Client and Getter facts included) and Imports by name."""

    def __init__(self, facts: FileFacts) -> None:
        self.bindings: dict[str, list[Binding]] = {}
        for b in facts.bindings:
            self.bindings.setdefault(b.name, []).append(b)
        for c in facts.clients:
            sources = tuple((f"@{layer}",) for layer in c.layer.split(LAYER_SEPARATOR))
            self.bindings.setdefault(c.local, []).append(Binding(c.local, "value", sources))
        for g in facts.getters:
            returns = g.returns
            source = (returns[:-2], "()") if returns.endswith("()") else (returns,)
            self.bindings.setdefault(g.name, []).append(Binding(g.name, "function", (source,)))
        self.imports = {i.local: i for i in facts.imports}
        self.exports = {e.name: e for e in facts.exports if e.name != "*"}
        self.stars = [e.resolved for e in facts.exports if e.name == "*" and e.resolved is not None]
        # Members of objects and classes, for "does this value hold a client somewhere".
        self.members: dict[str, list[str]] = {}
        for name in self.bindings:
            for sep in (".", "#"):
                owner, found, _ = name.partition(sep)
                if found and owner:
                    self.members.setdefault(owner, []).append(name)
                    break


class _Linker:
    """The project's values, solved once (see the module docstring), and lookups over them."""

    def __init__(self, facts: Mapping[str, FileFacts], project: Project | None, previous: _Linker | None = None) -> None:
        self.facts = facts
        self.configured = dict(project.entry_modules) if project is not None else {}
        # A file's index depends on its facts alone: the scan links once per round of files
        # analyzed, and the files of earlier rounds keep theirs.
        self._indexes: dict[str, _Index] = {} if previous is None else {
            path: index for path, index in previous._indexes.items() if previous.facts.get(path) is facts.get(path)}
        self.values: dict[tuple[str, str], _Values] = {}
        self._exports: dict[tuple[str, str], _Values] = {}
        self._active: set[tuple[str, str]] = set()
        self.fields: dict[tuple[str, str], _Values] = {}
        self._solve()

    def index(self, path: str) -> _Index:
        found = self._indexes.get(path)
        if found is None:
            found = self._indexes[path] = _Index(self.facts[path])
        return found

    # -- the fixed point -------------------------------------------------------

    def _solve(self) -> None:
        items = [(path, name, bindings) for path, f in self.facts.items() if not f.skipped
                 for name, bindings in self.index(path).bindings.items()]
        for _ in range(MAX_ROUNDS):
            changed = False
            self._exports.clear()  # export lookups read values that may have grown since
            for path, name, bindings in items:
                new = self._evaluate(path, name, bindings)
                if not new:
                    continue
                key = (path, name)
                current = self.values.get(key)
                if current is None:
                    self.values[key] = new
                    changed = True
                elif not new.keys() <= current.keys():
                    current.update(new)
                    changed = True
            fields = self._fields()
            if fields != self.fields:
                self.fields = fields
                changed = True
            if not changed:
                break
        self._exports.clear()

    def _fields(self) -> dict[tuple[str, str], _Values]:
        """Field-based flow: (language family, member name) -> the clients the project stores in members of that name
        (`{ db, session }` returned by a context factory, `this.db = …`, `interface Ctx { db: Db }`)."""
        fields: dict[tuple[str, str], _Values] = {}
        for (path, name), values in self.values.items():
            cut = max(name.rfind("."), name.rfind("#"))
            if cut <= 0:
                continue
            key = (_family(self.facts[path].language), name[cut + 1:])
            for v in values:
                if isinstance(v, _Client) and not v.prefix and not v.guessed:
                    fields.setdefault(key, {})[_Client(v.layer, v.origin, (), True)] = None
        return fields

    def _evaluate(self, path: str, name: str, bindings: list[Binding]) -> _Values:
        out: _Values = {}
        for binding in bindings:
            values: _Values = {}
            for source in binding.sources:
                values.update(self.expression(path, source))
            kind = binding.kind
            if kind == "value":
                out.update(values)
            elif kind == "function":
                for v in values:
                    # Depth 2 at most: a factory of getters is rare, and a function returning
                    # itself must not grow a value forever.
                    if not (isinstance(v, _Function) and isinstance(v.result, _Function)):
                        out[_Function(v)] = None
            elif kind == "class":
                out[_Class(path, name)] = None
                for v in values:
                    # `class PrismaService extends PrismaClient`: constructing it makes a client, here.
                    if isinstance(v, _Function) and isinstance(v.result, _Client):
                        out[_Function(_Client(v.result.layer, v.result.origin or path))] = None
            elif kind == "object":
                out[_Object(path, name)] = None
                out.update(values)
            elif kind == "param":
                out[_UNKNOWN] = None
            elif kind == "dangling":
                out[_DANGLING] = None
            elif kind == "type":
                for v in values:
                    if not isinstance(v, _Type):
                        out[_Type(v)] = None
                    else:
                        out[v] = None
        return out

    def expression(self, path: str, source: tuple[str, ...]) -> _Values:
        root = source[0]
        if root.startswith("@@"):
            values: _Values = {_Function(_Client(root[2:], None)): None}
        elif root.startswith("@"):
            values = {_Client(root[1:], path): None}
        else:
            values = self.symbol(path, root)
        for step in source[1:]:
            if not values:
                break
            values = self.step(path, values, step)
        return values

    # -- lookups -----------------------------------------------------------------

    def symbol(self, path: str, name: str) -> _Values:
        """What the name `name` holds inside file `path`."""
        if path not in self.facts:
            return _EMPTY
        values = self.values.get((path, name), _EMPTY)
        imp = self.index(path).imports.get(name)
        if imp is not None and imp.resolved is not None:
            imported = {_Namespace(imp.resolved): None} if imp.name == "*" else self.export(imp.resolved, imp.name)
            if not imported and imp.name != "*" and self._missing_export(imp.resolved, imp.name, path):
                imported = {_DANGLING: None}
            if imported:
                values = {**values, **imported}
        return values

    def _missing_export(self, module: str, name: str, importer: str, seen: set[str] | None = None) -> bool:
        """A JavaScript/TypeScript import of a name its module does not export at all (its
        `export *` barrels included; any module not analyzed leaves the question open)."""
        facts = self.facts.get(module)
        if facts is None or facts.skipped or _family(facts.language) != "js" or _family(self.facts[importer].language) != "js":
            return False
        seen = seen if seen is not None else set()
        if module in seen:
            return True
        seen.add(module)
        index = self.index(module)
        if name in index.exports or name == "default":
            return False
        return all(self._missing_export(star, name, importer, seen) for star in index.stars)

    def step(self, path: str, values: _Values, step: str) -> _Values:
        out: _Values = {}
        if step == "()" or step == "#":
            for v in values:
                if v is _DANGLING:
                    out[v] = None
                elif isinstance(v, _Type):
                    if step == "#":
                        out.update(self.step(path, {v.of: None}, "#"))
                elif isinstance(v, _Function):
                    result = v.result
                    if isinstance(result, _Client) and result.origin is None:
                        result = _Client(result.layer, path, result.prefix, result.guessed)
                    out[result] = None
                elif isinstance(v, _Class):
                    out[_Instance(v.path, v.name)] = None
                elif isinstance(v, _Instance) or isinstance(v, _Client) and not v.prefix:
                    # `typeof db`; Python's `SessionLocal()` of a sessionmaker is a session of the same layers.
                    out[v] = None
            return out
        if step == "?":  # a guess: clients reached this way must prove themselves by their operation
            for v in values:
                out[_Client(v.layer, v.origin, v.prefix, True) if isinstance(v, _Client) else v] = None
            return out
        member = step[1:]
        for v in values:
            if v is _UNKNOWN:
                out.update(self.fields.get((_family(self.facts[path].language), member), _EMPTY))
            elif isinstance(v, _Client):
                if len(v.prefix) < MAX_PREFIX:
                    out[_Client(v.layer, v.origin, v.prefix + (member,), v.guessed)] = None
            elif isinstance(v, _Namespace):
                out.update(self.export(v.path, member))
            elif isinstance(v, (_Object, _Class)):
                out.update(self.symbol(v.path, f"{v.name}.{member}"))
            elif isinstance(v, _Instance):
                out.update(self.instance_member(v.path, v.name, member, set()))
        return out

    def instance_member(self, path: str, cls: str, member: str, seen: set[tuple[str, str]]) -> _Values:
        """`obj.member` for an instance of class `cls`: its own member, else its bases'."""
        if (path, cls) in seen or path not in self.facts:
            return _EMPTY
        seen.add((path, cls))
        found = self.symbol(path, f"{cls}#{member}")
        if found:
            return found
        for binding in self.index(path).bindings.get(cls, ()):
            if binding.kind != "class":
                continue
            for source in binding.sources:
                for base in self.expression(path, source):
                    if isinstance(base, _Class):
                        found = self.instance_member(base.path, base.name, member, seen)
                        if found:
                            return found
        return _EMPTY

    def export(self, path: str, name: str) -> _Values:
        """What module `path` exports as `name`."""
        if path not in self.facts and path not in self.configured:
            return _EMPTY
        key = (path, name)
        found = self._exports.get(key)
        if found is not None:
            return found
        if key in self._active:
            return _EMPTY  # an import cycle: the fixed point's next round sees the rest
        self._active.add(key)
        try:
            found = self._export(path, name)
        finally:
            self._active.discard(key)
        self._exports[key] = found
        return found

    def _export(self, path: str, name: str) -> _Values:
        layer = self.configured.get(path)
        if layer is not None:
            return {_Client(layer, path): None}
        index = self.index(path)
        export = index.exports.get(name)
        if export is not None:
            if export.resolved is not None:
                if export.local == "*":
                    return {_Namespace(export.resolved): None}
                return self.export(export.resolved, export.local or name)
            if export.module is not None:
                return _EMPTY  # a re-export from a package
            return self.symbol(path, export.local or name)
        if name == "default":
            return _EMPTY
        for star in index.stars:
            found = self.export(star, name)
            if found:
                return found
        return _EMPTY

    def client_of(self, path: str, use: Use) -> tuple[list[_Client], Use] | None:
        """The clients a use's root stands for, and the use rebased on them (members of
        namespaces, objects and instances consumed from the chain); no clients at all when
        the root comes from a broken import (the call is then read by its API alone)."""
        values = self.symbol(path, use.root)
        if not values:
            return None
        chain = use.chain
        if use.call:
            values = self.step(path, values, "()")
        taken = 0
        while chain and values and not _clients(values) and _DANGLING not in values:
            following = self.step(path, values, "." + chain[0])
            if not following:
                # CommonJS `module.exports = client`: the namespace is the client itself.
                following = {v: None for ns in values if isinstance(ns, _Namespace)
                             for v in _clients(self.export(ns.path, "default"))}
                values = following
                break
            values, chain = following, chain[1:]
            if taken in use.calls:
                values = self.step(path, values, "()")
            taken += 1
        clients = _clients(values)
        if not clients:
            if _DANGLING in values and chain:
                return [], Use(use.root, chain, use.line, use.column, False, use.model, use.operation)
            return None
        prefix = clients[0].prefix
        if prefix:
            chain = prefix + chain
        if not chain:
            return None
        if chain != use.chain or use.call:
            use = Use(use.root, chain, use.line, use.column, False, use.model, use.operation)
        return clients, use

    def layers_of(self, values: _Values) -> set[str]:
        return {c.layer for c in _yielded_clients(values)}

    def imported_layers(self, path: str) -> set[str]:
        """Layers of imported bindings that hold a client or yield one (namespaces: any such export)."""
        layers: set[str] = set()
        for imp in self.facts[path].imports:
            if imp.resolved is None:
                continue
            if imp.name == "*":
                layers |= self.namespace_layers(imp.resolved)
            else:
                layers |= self.layers_of(self.export(imp.resolved, imp.name))
        return layers

    def namespace_layers(self, path: str) -> set[str]:
        if path in self.configured:
            return {self.configured[path]}
        if path not in self.facts:
            return set()
        layers: set[str] = set()
        for name in self.index(path).exports:
            layers |= self.layers_of(self.export(path, name))
        return layers

    def holds_client(self, values: _Values, depth: int = 0) -> bool:
        """Whether a value is, yields, or has a member that holds a client (an object of clients, a repository class)."""
        if depth > 3:
            return False
        for v in values:
            if isinstance(v, _Type):
                v = v.of
            if isinstance(v, (_Client, _Function)) and _yielded_clients((v,)):
                return True
            if isinstance(v, _Function) and self.holds_client({v.result: None}, depth + 1):
                return True  # a context factory returning `{ db, … }`
            if isinstance(v, _Namespace) and self.namespace_layers(v.path):
                return True
            if isinstance(v, (_Object, _Class, _Instance)) and v.path in self.facts:
                for member in self.index(v.path).members.get(v.name, ()):
                    if self.holds_client(self.symbol(v.path, member), depth + 1):
                        return True
        return False


def _interpret(layer: Layer, use: Use) -> tuple[str, str] | None:
    if use.model is not None and use.operation is not None:
        return use.model, use.operation
    return layer.interpret(use)


def _site(path: str, use: Use, clients: list[_Client], rebased: Use, layers: Mapping[str, Layer]) -> Site | None:
    """The call site a use on these clients is, or None when no layer reads it as a database call."""
    if not clients:
        return _site_by_api(path, use, rebased, layers, None, (), None)
    names = list(dict.fromkeys(c.layer for c in clients))
    origin = clients[0].origin
    via = None if origin is None or origin == path else origin
    guessed = all(c.guessed for c in clients)
    for name in names:
        layer = layers.get(name)
        if layer is None:
            continue
        # With several candidate layers only their own interpret() may claim a use:
        # the analyzer's hints say what the call is, not which API it belongs to.
        meaning = _interpret(layer, rebased) if len(names) == 1 else layer.interpret(rebased)
        if meaning is not None and guessed and layer.operations and meaning[1] not in layer.operations:
            meaning = None  # reached by a member's name only: it must at least name one of the layer's operations
        if meaning is not None:
            return Site(path, use.line, use.column, name, meaning[0], meaning[1], via)
    # Mid-migration code written against one API on a value that now holds another layer's
    # client (`ctx.db.quote.findMany()` after ctx.db became Drizzle): the API the call is
    # written in decides, when the chain is a real call of a sibling layer (a closed
    # operation set, and a named model where the layer has models).
    language = layers[names[0]].language if names and names[0] in layers else None
    return _site_by_api(path, use, rebased, layers, language, names, via)


def _site_by_api(path: str, use: Use, rebased: Use, layers: Mapping[str, Layer], language: str | None,
                 exclude: Iterable[str], via: str | None) -> Site | None:
    """The site of the first layer (of `language`, else of the file's) whose closed API the chain is a real call of."""
    if language is None:
        language = "python" if path.endswith(".py") else "typescript"
    plain = Use(rebased.root, rebased.chain, rebased.line, rebased.column, False, rebased.model)  # the table hint, not a meaning
    for name, layer in layers.items():
        if name in exclude or layer.language != language or not layer.operations:
            continue
        meaning = layer.interpret(plain)
        if meaning is not None and meaning[1] in layer.operations and meaning[0] != "unknown":
            return Site(path, use.line, use.column, name, meaning[0], meaning[1], via)
    return None


def resolve(facts: Mapping[str, FileFacts], project: Project | None = None, linker: _Linker | None = None) -> dict[str, ResolvedFile]:
    """Every file's call sites and imported layers, with clients followed across files (see the module docstring)."""
    layers = all_layers()
    linker = linker if linker is not None else _Linker(facts, project)
    out: dict[str, ResolvedFile] = {}
    for path, f in facts.items():
        if f.skipped:
            out[path] = ResolvedFile(path)
            continue
        sites = list(f.sites)
        for use in f.uses:
            found = linker.client_of(path, use)
            if found is None:
                continue
            clients, rebased = found
            site = _site(path, use, clients, rebased, layers)
            if site is not None:
                sites.append(site)
        imported = set(f.layers_imported) | linker.imported_layers(path)
        out[path] = ResolvedFile(path, tuple(sites), tuple(sorted(imported)))
    return out


# A driver client that a file hands to an ORM client it also creates is plumbing, not an
# entry point of its own: `drizzle(pool)` over `new Pool()`.
PLUMBING = {"sql-js": "drizzle"}


def link(facts: Mapping[str, FileFacts], project: Project | None = None, previous: _Linker | None = None) -> _Linker:
    """The project's values solved once, for resolve(), entry_modules() and client_links() to share
    (`previous`: the linker of a subset of these facts, whose per-file indexes are reused)."""
    return _Linker(facts, project, previous)


def entry_modules(facts: Mapping[str, FileFacts], project: Project | None = None, linker: _Linker | None = None) -> list[EntryModule]:
    """Files that create a client and export it (or what yields it), one per (file, layer); then the configured ones."""
    linker = linker if linker is not None else _Linker(facts, project)
    configured = {path for path, _ in project.entry_modules} if project is not None else set()
    found: list[EntryModule] = []
    for path in sorted(facts):
        f = facts[path]
        if f.skipped or not f.exports or path in configured:
            continue
        exported: dict[str, list[str]] = {}
        for export in f.exports:
            if export.name == "*" or export.resolved is not None or export.module is not None:
                continue
            for client in _yielded_clients(linker.symbol(path, export.local or export.name)):
                if client.origin == path and export.name not in exported.get(client.layer, ()):
                    exported.setdefault(client.layer, []).append(export.name)
        for layer, plumbing_for in PLUMBING.items():
            if layer in exported and plumbing_for in exported:
                del exported[layer]
        for layer, names in sorted(exported.items()):
            env: list[str] = []
            for client in f.clients:
                if layer in client.layer.split(LAYER_SEPARATOR):
                    env += [e for e in client.env if e not in env]
            found.append(EntryModule(path, layer, tuple(sorted(set(names))), tuple(env)))
    if project is not None:
        for path, layer in project.entry_modules:
            names = tuple(sorted(e.name for e in facts[path].exports)) if path in facts else ()
            found.append(EntryModule(path, layer, names, configured=True))
    return found


def client_exporters(facts: Mapping[str, FileFacts], paths: Iterable[str], project: Project | None = None) -> set[str]:
    """Which of `paths` export something that holds or yields a client (created there or
    re-exported): the modules whose importers can reach a layer without naming its package."""
    return client_links(facts, paths, project)[0]


def client_links(facts: Mapping[str, FileFacts], paths: Iterable[str],
                 project: Project | None = None, linker: _Linker | None = None) -> tuple[set[str], set[str]]:
    """client_exporters() of `paths`, and the member names through which the project hands
    clients around in JavaScript/TypeScript (field-based flow: a file that reads `.db` of a
    parameter may reach a client without importing anything that holds one)."""
    linker = linker if linker is not None else _Linker(facts, project)
    fields = {member for family, member in linker.fields if family == "js"}
    return _exporters(linker, facts, paths), fields


def _exporters(linker: _Linker, facts: Mapping[str, FileFacts], paths: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        f = facts.get(path)
        if f is None or f.skipped:
            continue
        for export in f.exports:
            if export.name == "*":
                if export.resolved is not None and linker.namespace_layers(export.resolved):
                    found.add(path)
                    break
                continue
            if f.language == "python" and not path.endswith("__init__.py") and (export.module is not None
                                                                               or (export.local or export.name) in linker.index(path).imports):
                # Every Python module "exports" what it imports, but only packages re-export
                # on purpose; counting each importer of SessionLocal as a wrapper would make
                # the whole tree a candidate.
                continue
            if linker.holds_client(linker.export(path, export.name)):
                found.add(path)
                break
    return found
