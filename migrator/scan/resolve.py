"""Pass 2 of a scan: link every file's FileFacts and turn uses of clients into call sites.

Language-neutral: it reads only FileFacts (migrator.scan.facts) and the Layer registry,
so the TypeScript and the Python analyzers share it. The contract an analyzer relies on:

- Import(local, module, name, resolved): `resolved` is the repository path of the module
  (None for packages, which are never followed). name "*" binds the whole module (a
  namespace import, `import pkg.mod as m`, a plain `require`): a use `m.x.…` looks up
  the export `x` of that module, and failing that its "default" export (CommonJS
  `module.exports = client`).
- Export(name, local, module, resolved): `local` names a binding of the file (a Client's
  local, a Getter's name, an Import's local, another export's local); with `resolved`
  it is a re-export of that module's export `local` ("*" re-exports the module as a
  namespace). name "*" (`export * from`) forwards every name but "default".
- Client(local, layer): a client created here. Getter(name, returns): calling `name`
  yields the binding `returns`; "other()" means the result of calling getter `other`.
- Use(root, chain, call): root is a binding name of the file; call=True when the root
  is called before the chain (`getDb().user…`). A use becomes a Site when its root is a
  client: a local Client (call or not), a local or imported Getter (only when called),
  or an Import of a module export that is one — followed through re-exports, `export
  *`, barrels and getters across any number of files, with cycle protection. Its model
  and operation come from the Use when the analyzer set both, else from the layer's
  interpret(use) (which may read Use.model as a hint); interpret returning None means
  "not a database call" and drops the use.
- Project.entry_modules (path, layer): everything such a configured module exports is a
  client of that layer (its creation may be out of migrator's sight).

resolve() returns one ResolvedFile per input file: its sites (the file's own pass-1
sites plus the linked uses; `via` is the entry module the client was created in, None
when created in the same file) and the layers it imports (the analyzer's package-level
layers_imported plus the layer of every imported binding that is a client or a getter
of one, whether or not it is used). entry_modules() lists the files that create a
client and export it, or a getter of it, plus the configured ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Mapping

from migrator.scan import Layer, Project, all_layers
from migrator.scan.facts import FileFacts, Getter, Import, Site, Use
from migrator.scan.result import EntryModule

__all__ = ["ResolvedFile", "entry_modules", "resolve"]


LAYER_SEPARATOR = "|"  # joins the layers of a name that is a client of several

@dataclass(frozen=True)
class ResolvedFile:
    path: str
    sites: tuple[Site, ...] = ()
    layers_imported: tuple[str, ...] = ()


# What a name is bound to, once followed: a client, a getter of one, or a module namespace.
@dataclass(frozen=True)
class _Client:
    layer: str
    origin: str  # the file that creates the client (or the configured entry module)


@dataclass(frozen=True)
class _Getter:
    result: _Client


@dataclass(frozen=True)
class _Namespace:
    path: str


_Binding = _Client | _Getter | _Namespace | None


class _Linker:
    """Memoized lookups of what a file's names and exports are bound to."""

    def __init__(self, facts: Mapping[str, FileFacts], project: Project | None) -> None:
        self.facts = facts
        self.configured = dict(project.entry_modules) if project is not None else {}
        self._exports: dict[tuple[str, str], _Binding] = {}
        self._locals: dict[tuple[str, str], _Binding] = {}
        self._active: set[tuple[int, str, str]] = set()
        self._indexes: dict[str, _Index] = {}

    def index(self, path: str) -> _Index:
        found = self._indexes.get(path)
        if found is None:
            found = self._indexes[path] = _Index(self.facts[path])
        return found

    def export(self, path: str, name: str) -> _Binding:
        """What module `path` exports as `name`."""
        if path not in self.facts and path not in self.configured:
            return None
        return self._memo(self._exports, path, name, self._export)

    def _memo(self, cache: dict, path: str, name: str, compute) -> _Binding:
        """compute(path, name), once; a lookup that reaches itself again (an import cycle) finds nothing."""
        key = (path, name)
        if key in cache:
            return cache[key]
        marker = (id(cache), path, name)
        if marker in self._active:
            return None
        self._active.add(marker)
        try:
            result = compute(path, name)
        finally:
            self._active.discard(marker)
        cache[key] = result
        return result

    def _export(self, path: str, name: str) -> _Binding:
        layer = self.configured.get(path)
        if layer is not None:
            return _Client(layer, path)
        index = self.index(path)
        export = index.exports.get(name)
        if export is not None:
            if export.resolved is not None:
                if export.local == "*":
                    return _Namespace(export.resolved)
                return self.export(export.resolved, export.local or name)
            if export.module is not None:
                return None  # a re-export from a package
            return self.local(path, export.local or name)
        if name == "default":
            return None
        for star in index.stars:
            found = self.export(star, name)
            if found is not None:
                return found
        return None

    def local(self, path: str, name: str) -> _Binding:
        """What the name `name` is bound to inside file `path`."""
        return self._memo(self._locals, path, name, self._local)

    def _local(self, path: str, name: str) -> _Binding:
        if path not in self.facts:
            return None
        index = self.index(path)
        client = index.clients.get(name)
        if client is not None:
            return _Client(client.layer, path)
        getter = index.getters.get(name)
        if getter is not None:
            result = self.returned(path, getter)
            return _Getter(result) if result is not None else None
        imp = index.imports.get(name)
        if imp is not None and imp.resolved is not None:
            if imp.name == "*":
                return _Namespace(imp.resolved)
            return self.export(imp.resolved, imp.name)
        return None

    def returned(self, path: str, getter: Getter) -> _Client | None:
        returns = getter.returns
        called = returns.endswith("()")
        bound = self.local(path, returns[:-2] if called else returns)
        if called:
            return bound.result if isinstance(bound, _Getter) else None
        return bound if isinstance(bound, _Client) else None

    def member(self, namespace: _Namespace, name: str) -> _Binding:
        """`m.name` for a namespace import; CommonJS `module.exports = client` makes m itself the client."""
        found = self.export(namespace.path, name)
        if found is None:
            default = self.export(namespace.path, "default")
            if isinstance(default, _Client):
                return _NamespaceIsClient(default)
        return found

    def client_of(self, path: str, use: Use) -> tuple[_Client, Use] | None:
        """The client a use's root stands for, and the use rebased on that client."""
        bound = self.local(path, use.root)
        chain = use.chain
        call = use.call
        if isinstance(bound, _Namespace):
            if not chain or call:
                return None
            bound = self.member(bound, chain[0])
            if isinstance(bound, _NamespaceIsClient):
                bound = bound.client
            else:
                chain = chain[1:]
        if isinstance(bound, _Getter):
            if not call:
                return None  # the function itself, not what it returns
            bound, call = bound.result, False
        if not isinstance(bound, _Client) or not chain:
            return None
        if chain != use.chain or call != use.call:
            use = Use(use.root, chain, use.line, use.column, call, use.model, use.operation)
        return bound, use

    def imported_layers(self, path: str) -> set[str]:
        """Layers of imported bindings that are clients or getters of one (namespaces: any client export)."""
        layers = set()
        for imp in self.facts[path].imports:
            if imp.resolved is None:
                continue
            if imp.name == "*":
                layers |= self.namespace_layers(imp.resolved)
                continue
            bound = self.export(imp.resolved, imp.name)
            if isinstance(bound, _Client):
                layers.update(bound.layer.split(LAYER_SEPARATOR))
            elif isinstance(bound, _Getter):
                layers.update(bound.result.layer.split(LAYER_SEPARATOR))
        return layers

    def namespace_layers(self, path: str) -> set[str]:
        if path in self.configured:
            return {self.configured[path]}
        if path not in self.facts:
            return set()
        layers = set()
        for name in self.index(path).exports:
            if name == "*":
                continue
            bound = self.export(path, name)
            if isinstance(bound, _Client):
                layers.update(bound.layer.split(LAYER_SEPARATOR))
            elif isinstance(bound, _Getter):
                layers.update(bound.result.layer.split(LAYER_SEPARATOR))
        return layers


@dataclass(frozen=True)
class _NamespaceIsClient:
    client: _Client


class _Index:
    """A file's facts keyed by name (built once per file, on first need)."""

    def __init__(self, facts: FileFacts) -> None:
        # One name can be a client of several layers (a SQLAlchemy session serves the legacy
        # Query API and 2.0's select()): the layers are joined, and each use picks the first
        # layer whose interpret() accepts it.
        grouped: dict[str, list] = {}
        for c in facts.clients:
            grouped.setdefault(c.local, []).append(c)
        self.clients = {
            name: cs[0] if len(cs) == 1 else replace(cs[0], layer=LAYER_SEPARATOR.join(dict.fromkeys(c.layer for c in cs)),
                                                     env=tuple(dict.fromkeys(e for c in cs for e in c.env)))
            for name, cs in grouped.items()
        }
        self.getters = {g.name: g for g in facts.getters}
        self.imports: dict[str, Import] = {i.local: i for i in facts.imports}
        self.exports = {e.name: e for e in facts.exports if e.name != "*"}
        self.stars = [e.resolved for e in facts.exports if e.name == "*" and e.resolved is not None]


def _interpret(layer: Layer, use: Use) -> tuple[str, str] | None:
    if use.model is not None and use.operation is not None:
        return use.model, use.operation
    return layer.interpret(use)


def resolve(facts: Mapping[str, FileFacts], project: Project | None = None) -> dict[str, ResolvedFile]:
    """Every file's call sites and imported layers, with clients followed across files (see the module docstring)."""
    layers = all_layers()
    linker = _Linker(facts, project)
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
            client, rebased = found
            names = client.layer.split(LAYER_SEPARATOR)
            for name in names:
                layer = layers.get(name)
                if layer is None:
                    continue
                # With several candidate layers only their own interpret() may claim a use:
                # the analyzer's hints say what the call is, not which API it belongs to.
                meaning = _interpret(layer, rebased) if len(names) == 1 else layer.interpret(rebased)
                if meaning is not None:
                    model, operation = meaning
                    via = None if client.origin == path else client.origin
                    sites.append(Site(path, use.line, use.column, name, model, operation, via))
                    break
        imported = set(f.layers_imported) | linker.imported_layers(path)
        out[path] = ResolvedFile(path, tuple(sites), tuple(sorted(imported)))
    return out


def entry_modules(facts: Mapping[str, FileFacts], project: Project | None = None) -> list[EntryModule]:
    """Files that create a client and export it (or a getter of it), one per (file, layer); then the configured ones."""
    linker = _Linker(facts, None)
    found: list[EntryModule] = []
    for path in sorted(facts):
        f = facts[path]
        if f.skipped or not f.clients:
            continue
        exported: dict[str, list[str]] = {}
        for export in f.exports:
            if export.name == "*" or export.resolved is not None or export.module is not None:
                continue
            bound = linker.local(path, export.local or export.name)
            client = bound.result if isinstance(bound, _Getter) else bound
            if isinstance(client, _Client) and client.origin == path:
                for layer in client.layer.split(LAYER_SEPARATOR):
                    exported.setdefault(layer, []).append(export.name)
        for layer, names in sorted(exported.items()):
            env: list[str] = []
            for client in f.clients:
                if client.layer == layer:
                    env += [e for e in client.env if e not in env]
            found.append(EntryModule(path, layer, tuple(sorted(set(names))), tuple(env)))
    if project is not None:
        for path, layer in project.entry_modules:
            names = tuple(sorted(e.name for e in facts[path].exports)) if path in facts else ()
            found.append(EntryModule(path, layer, names, configured=True))
    return found


def client_exporters(facts: Mapping[str, FileFacts], paths: Iterable[str], project: Project | None = None) -> set[str]:
    """Which of `paths` export a client or a getter of one (created there or re-exported):
    the modules whose importers can reach a layer without naming its package."""
    linker = _Linker(facts, project)
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
            bound = linker.export(path, export.name)
            if isinstance(bound, (_Client, _Getter)):
                found.add(path)
                break
    return found
