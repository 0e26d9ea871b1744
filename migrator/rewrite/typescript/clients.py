"""What a Prisma client a site calls does beyond the standard operations, read from the code that
makes it: the prisma-drizzle engine (engine._plain_client, engine._receiver) asks before it
replaces the client by the Drizzle one.

- `client_verdict(file, name)`: follows the value of a module-level name from the file that calls
  it through imports, `export { a as b }`, re-exports and the declarations it is built from
  (`const prisma = base.$extends(…)`, `remember("p", () => …)`), and classifies every
  `$extends(…)` and `$use(…)` on the way: an inline extension whose components are only `model`
  and/or `client` (new methods) keeps the standard operations as they are; `query` (overrides
  operations), `result` (computed fields) and `$use` middleware change them; an extension from a
  package is looked up in KNOWN_EXTENSIONS; a project-local extension function is read like an
  inline one.
- `member_client(…)`: whether `this.<member>` (or `this` in a subclass of PrismaClient) is a
  PrismaClient that the class never reassigns, and which class it is, for the same check.
- `replaced_in_tests(root, class)`: where the project's tests replace a client class by a double.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

# What the operations are, for model methods an extension adds: one named like a standard operation replaces it.
STANDARD_OPERATIONS = frozenset({
    "findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany", "create", "createMany",
    "createManyAndReturn", "update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany", "count",
    "aggregate", "groupBy"})
# Client members a conversion relies on: an extension's `client` component that defines one replaces it.
CLIENT_MEMBERS = frozenset({"$transaction", "$queryRaw", "$executeRaw", "$queryRawUnsafe", "$executeRawUnsafe"})


@dataclass(frozen=True)
class Known:
    """A published extension: what it changes about the standard operations."""

    does: str
    note: str = ""  # said once per run when a converted site drops it
    call_key: str = ""  # a call passing this argument key is refused (what it asks for exists only with the extension)
    call_reason: str = ""


KNOWN_EXTENSIONS = {
    "@prisma/extension-read-replicas": Known(
        "routes reads to read replicas, results unchanged",
        note="the Prisma client is extended with @prisma/extension-read-replicas: converted reads go to the "
             "Drizzle client's database (the primary), not to a replica; for replicas in Drizzle see withReplicas() "
             "of drizzle-orm/pg-core"),
    "@prisma/extension-accelerate": Known(
        "caches a call that passes cacheStrategy, otherwise runs it unchanged",
        note="the Prisma client is extended with @prisma/extension-accelerate: converted calls connect with the "
             "Drizzle client's own URL (a direct database URL, not prisma://)",
        call_key="cacheStrategy",
        call_reason="`cacheStrategy` asks Accelerate for a cached result; Drizzle has no such cache (convert by hand, "
                    "e.g. with the project's own cache)"),
    "@prisma/extension-optimize": Known("records queries for Prisma Optimize, results unchanged"),
    "prisma-extension-kysely": Known("adds the `$kysely` client member, standard operations unchanged"),
}


@dataclass
class Verdict:
    refusal: str = ""  # why the client cannot become the Drizzle client ("" when it can)
    notes: list[str] = field(default_factory=list)
    call_keys: list[tuple[str, str]] = field(default_factory=list)  # (argument key, reason) refused per call
    paths: set[str] = field(default_factory=set)  # the modules the client's value was followed through
    tx_notes: list[str] = field(default_factory=list)  # said when a `$transaction` on the client converts
    models: dict[str, str] = field(default_factory=dict)  # model accessor -> why its calls are refused


# ---------------------------------------------------------------------------
# Modules


@lru_cache(maxsize=8)
def _project(root: str):
    from migrator.scan.engine import ScanOptions, discover_project, list_files

    return discover_project(Path(root), list_files(Path(root), ScanOptions()), ScanOptions())


def project_root(path: Path) -> Path:
    """The repository around `path` (its `.git`), else the nearest folder with a package.json."""
    return _root_of(str(path.resolve().parent))


@lru_cache(maxsize=1024)
def _root_of(folder_name: str) -> Path:
    nearest = None
    start = Path(folder_name)
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
        if nearest is None and (folder / "package.json").exists():
            nearest = folder
    return nearest or start


def resolve(spec: str, importer: Path, root: Path) -> Optional[Path]:
    """The project file `import … from spec` loads in `importer`, None for a package."""
    from migrator.scan.analyzers.typescript import resolve_module

    rel = os.path.relpath(importer.resolve(), root).replace(os.sep, "/")
    if rel.startswith("../"):
        return None
    found = resolve_module(spec, rel, _project(str(root)))
    return root / found if found is not None else None


@lru_cache(maxsize=256)
def _parsed(path: str):
    from ast_grep_py import SgRoot

    from migrator.rewrite.typescript.tsedit import language

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return SgRoot(text, language(path)).root()


def _top(root, name: str):
    """The top-level statement of `root` that binds `name`: ("import", spec, imported, stmt) for an import,
    ("decl", node) for a declaration (a declarator, function or class), None when not bound at the top."""
    for stmt in root.children():
        node = stmt
        if stmt.kind() == "export_statement":
            node = stmt.field("declaration") or stmt
        kind = node.kind()
        if kind == "import_statement":
            spec = node.field("source").text()[1:-1]
            clause = node.find(kind="import_clause")
            if clause is None:
                continue
            for child in clause.children():
                if child.kind() == "identifier" and child.text() == name:
                    return ("import", spec, "default", node)
                if child.kind() == "namespace_import" and child.text().split()[-1] == name:
                    return ("import", spec, "*", node)
            for s in node.find_all(kind="import_specifier"):
                local = s.field("alias") or s.field("name")
                if local.text() == name:
                    return ("import", spec, s.field("name").text(), node)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for d in node.children():
                if d.kind() == "variable_declarator" and d.field("name").text() == name:
                    return ("decl", d)
        elif kind in ("function_declaration", "class_declaration", "abstract_class_declaration",
                      "generator_function_declaration"):
            if node.field("name") is not None and node.field("name").text() == name:
                return ("decl", node)
    return None


def _export(root, name: str):
    """What module `root` exports as `name`: ("local", local name), ("expr", node) for `export default <expr>`,
    ("from", spec, name) for a re-export, ("star", [specs]) for the `export *` it may come through."""
    stars = []
    for stmt in root.children():
        if stmt.kind() != "export_statement":
            continue
        source = stmt.field("source")
        clause = stmt.find(kind="export_clause")
        declaration = stmt.field("declaration")
        if clause is not None:
            for s in clause.children():
                if s.kind() != "export_specifier":
                    continue
                if (s.field("alias") or s.field("name")).text() == name:
                    if source is not None:
                        return ("from", source.text()[1:-1], s.field("name").text())
                    return ("local", s.field("name").text())
        elif declaration is not None:
            if declaration.kind() in ("lexical_declaration", "variable_declaration"):
                bound = [d.field("name").text() for d in declaration.children() if d.kind() == "variable_declarator"]
            else:
                bound = [declaration.field("name").text()] if declaration.field("name") is not None else []
            if name in bound or (name == "default" and bound and stmt.text().startswith("export default")):
                return ("local", bound[0] if name == "default" else name)
        elif source is not None and stmt.find(kind="namespace_export") is None and stmt.text().startswith("export *"):
            stars.append(source.text()[1:-1])
        elif name == "default" and stmt.field("value") is not None:
            value = stmt.field("value")
            return ("local", value.text()) if value.kind() == "identifier" else ("expr", value)
    return ("star", stars) if stars else None


def _line(node) -> int:
    return node.range().start.line + 1


# ---------------------------------------------------------------------------
# Following a client's value


class _Walk:
    LIMIT = 60  # declarations read for one client; beyond it the value is not followed (refused)

    def __init__(self, root: Path) -> None:
        self.root = root
        self.seen: set[tuple[str, str]] = set()
        self.verdict = Verdict()
        self.steps = 0
        self.trees: dict = {}  # path -> a tree already parsed (the file being rewritten)

    def where(self, path: Path, node) -> str:
        try:
            rel = os.path.relpath(path, self.root).replace(os.sep, "/")
        except ValueError:
            rel = str(path)
        return f"{rel}:{_line(node)}"

    def refuse(self, reason: str) -> None:
        if not self.verdict.refusal:
            self.verdict.refusal = reason

    def name(self, path: Path, name: str) -> None:
        """Follow module-level `name` of `path` to what it is built from."""
        if self.verdict.refusal or (str(path), name) in self.seen:
            return
        self.seen.add((str(path), name))
        self.verdict.paths.add(str(path))
        self.steps += 1
        if self.steps > self.LIMIT:
            self.refuse(f"the client's value passes through more than {self.LIMIT} declarations; it was not "
                        f"followed to the end")
            return
        tree = self.trees.get(str(path)) or _parsed(str(path))
        if tree is None:
            self.refuse(f"{path} cannot be read")
            return
        found = _top(tree, name)
        if found is None:
            return  # a global, or a name this module does not bind at the top (nothing of the client)
        if found[0] == "import":
            _, spec, imported, stmt = found
            target = resolve(spec, path, self.root)
            if target is None:
                return  # a package: PrismaClient itself, or a helper; extensions are read where $extends takes them
            self.exported(target, imported)
            return
        self.node(path, tree, found[1], name)
        if not self.verdict.refusal:
            self.middleware(path, tree, name)

    def middleware(self, path: Path, tree, name: str) -> None:
        """`name.$use(…)` anywhere in the module: middleware added to the client after it is made."""
        for call in tree.find_all(kind="call_expression"):
            fn = call.field("function")
            if fn is not None and fn.kind() == "member_expression" and fn.field("property").text() == "$use" and \
                    fn.field("object").text() == name:
                self.refuse(f"`$use()` middleware at {self.where(path, call)} runs around every query; a Drizzle "
                            f"call would skip it")
                return

    def exported(self, path: Path, name: str, depth: int = 0) -> None:
        tree = _parsed(str(path))
        if tree is None:
            self.refuse(f"{path} cannot be read")
            return
        if name == "*":
            return  # a namespace: its member is followed where it is used (not here)
        found = _export(tree, name)
        if found is None:
            self.name(path, name)
        elif found[0] == "local":
            self.name(path, found[1])
        elif found[0] == "expr":
            self.node(path, tree, found[1], name)
        elif found[0] == "from":
            target = resolve(found[1], path, self.root)
            if target is not None and depth < 16:
                self.exported(target, found[2], depth + 1)
        elif found[0] == "star" and depth < 16:
            for spec in found[1]:
                target = resolve(spec, path, self.root)
                if target is not None and self.provides(target, name):
                    self.exported(target, name, depth + 1)
                    return

    def provides(self, path: Path, name: str, depth: int = 0) -> bool:
        """Whether the module exports `name`, itself or through its `export *`."""
        tree = _parsed(str(path))
        found = _export(tree, name) if tree is not None else None
        if found is None or depth > 16:
            return False
        if found[0] != "star":
            return True
        return any(t is not None and self.provides(t, name, depth + 1)
                   for t in (resolve(spec, path, self.root) for spec in found[1]))

    def node(self, path: Path, tree, node, own: str) -> None:
        """Read a declaration: its `$extends`/`$use` calls, and the module-level names it is built from."""
        for call in node.find_all(kind="call_expression"):
            fn = call.field("function")
            if fn is None or fn.kind() != "member_expression":
                continue
            prop = fn.field("property").text()
            if prop == "$use":
                self.refuse(f"`$use()` middleware at {self.where(path, call)} runs around every query; a Drizzle "
                            f"call would skip it")
                return
            if prop == "$extends":
                args = [c for c in call.field("arguments").children() if c.kind() not in ("(", ")", ",")]
                for arg in args:
                    self.extension(path, tree, arg)
                if self.verdict.refusal:
                    return
        for made in node.find_all(kind="new_expression"):
            limits = [p.field("key").text() for p in made.find_all(kind="pair") if p.field("key").text() in (
                "timeout", "maxWait") and any(a.kind() == "pair" and a.field("key").text() == "transactionOptions"
                                              for a in p.ancestors())]
            note = (f"the Prisma client made at {self.where(path, made)} sets transactionOptions "
                    f"({', '.join(dict.fromkeys(limits))}): the converted db.transaction() calls have no such limit")
            if limits and note not in self.verdict.tx_notes:
                self.verdict.tx_notes.append(note)
        names = {n.text() for n in node.find_all(kind="identifier")}
        names |= {n.text() for n in node.find_all(kind="shorthand_property_identifier")}
        names |= {n.text() for n in node.find_all(kind="type_identifier")}
        for other in sorted(names - {own}):
            self.name(path, other)
            if self.verdict.refusal:
                return

    # -- extensions ---------------------------------------------------------

    def extension(self, path: Path, tree, arg, depth: int = 0) -> None:
        """Classify one argument of `$extends(…)`."""
        at = self.where(path, arg)
        if depth > 8:
            self.refuse(f"the extension at {at} could not be followed")
            return
        kind = arg.kind()
        while kind in ("parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"):
            arg = arg.child(1) if kind == "parenthesized_expression" else arg.child(0)
            kind = arg.kind()
        if kind == "object":
            self.components(path, arg)
        elif kind in ("arrow_function", "function_expression", "function"):
            self.function_body(path, tree, arg, at, depth)
        elif kind == "identifier":
            found = _top(tree, arg.text())
            if found is None:
                self.refuse(f"the extension `{arg.text()}` at {at} is not bound at the top of its module")
            elif found[0] == "import":
                self.imported_extension(path, found[1], found[2], at, depth)
            else:
                decl = found[1]
                value = decl.field("value") if decl.kind() == "variable_declarator" else None
                if value is not None:
                    self.extension(path, tree, value, depth + 1)
                elif decl.kind() == "function_declaration":
                    self.function_body(path, tree, decl, at, depth)
                else:
                    self.refuse(f"what the extension `{arg.text()}` at {at} does cannot be read")
        elif kind == "call_expression":
            fn = arg.field("function")
            args = [c for c in arg.field("arguments").children() if c.kind() not in ("(", ")", ",")]
            if fn.kind() == "member_expression" and fn.field("property").text() == "defineExtension":
                for inner in args:
                    self.extension(path, tree, inner, depth + 1)
            elif fn.kind() == "identifier":
                found = _top(tree, fn.text())
                if found is None:
                    self.refuse(f"the extension `{fn.text()}()` at {at} is not bound at the top of its module")
                elif found[0] == "import":
                    self.imported_extension(path, found[1], found[2], at, depth, called=True)
                elif found[1].kind() == "function_declaration":
                    self.function_body(path, tree, found[1], at, depth)
                elif found[1].kind() == "variable_declarator" and found[1].field("value") is not None and found[1].field(
                        "value").kind() in ("arrow_function", "function_expression", "function"):
                    self.function_body(path, tree, found[1].field("value"), at, depth)
                else:
                    self.refuse(f"what the extension `{fn.text()}()` at {at} does cannot be read")
            else:
                self.refuse(f"what the extension `{arg.text()[:40]}` at {at} does cannot be read")
        else:
            self.refuse(f"what the extension `{arg.text()[:40]}` at {at} does cannot be read")

    def imported_extension(self, path: Path, spec: str, imported: str, at: str, depth: int, called: bool = False) -> None:
        target = resolve(spec, path, self.root)
        if target is None:
            package = spec if not spec.startswith("@") else "/".join(spec.split("/")[:2])
            if not spec.startswith("@") and "/" in spec:
                package = spec.split("/")[0]
            known = KNOWN_EXTENSIONS.get(package)
            if known is None:
                self.refuse(f"the client is extended at {at} with an extension from the package {package}, whose "
                            f"effect on queries is not known (query overrides, computed fields?); a Drizzle call would "
                            f"skip it")
                return
            if known.note and known.note not in self.verdict.notes:
                self.verdict.notes.append(known.note)
            if known.call_key:
                self.verdict.call_keys.append((known.call_key, known.call_reason))
            return
        tree = _parsed(str(target))
        if tree is None:
            self.refuse(f"{target} cannot be read")
            return
        found = _export(tree, imported)
        local = found[1] if found is not None and found[0] == "local" else imported
        decl = _top(tree, local)
        if decl is None or decl[0] != "decl":
            self.refuse(f"what the extension `{imported}` (from {spec}) used at {at} does cannot be read")
            return
        node = decl[1]
        if node.kind() == "variable_declarator" and node.field("value") is not None:
            value = node.field("value")
            if called and value.kind() not in ("arrow_function", "function_expression", "function"):
                self.refuse(f"what the extension `{imported}()` (from {spec}) used at {at} does cannot be read")
                return
            if called:
                self.function_body(target, tree, value, self.where(target, node), depth + 1)
            else:
                self.extension(target, tree, value, depth + 1)
        elif node.kind() == "function_declaration":
            self.function_body(target, tree, node, self.where(target, node), depth + 1)
        else:
            self.refuse(f"what the extension `{imported}` (from {spec}) used at {at} does cannot be read")

    def function_body(self, path: Path, tree, fn, at: str, depth: int) -> None:
        """A function that makes an extension: what it returns (an object, `Prisma.defineExtension(…)`,
        `client.$extends(…)`) is read like an inline extension."""
        body = fn.field("body")
        if body is None:
            self.refuse(f"what the extension at {at} does cannot be read")
            return
        found = 0
        for call in body.find_all(kind="call_expression"):
            callee = call.field("function")
            if callee is not None and callee.kind() == "member_expression" and callee.field("property").text() in (
                    "defineExtension", "$extends"):
                found += 1
                for arg in call.field("arguments").children():
                    if arg.kind() not in ("(", ")", ","):
                        self.extension(path, tree, arg, depth + 1)
            elif callee is not None and callee.kind() == "member_expression" and callee.field("property").text() == "$use":
                self.refuse(f"`$use()` middleware at {self.where(path, call)} runs around every query; a Drizzle "
                            f"call would skip it")
                return
        if not found:
            objects = [body] if body.kind() == "object" else []
            if body.kind() == "parenthesized_expression" and body.child(1) is not None and body.child(1).kind() == "object":
                objects = [body.child(1)]
            for ret in body.find_all(kind="return_statement"):
                value = next((c for c in ret.children() if c.kind() not in ("return", ";")), None)
                if value is not None and value.kind() == "object":
                    objects.append(value)
            if not objects:
                self.refuse(f"what the extension made at {at} does cannot be read")
            for obj in objects:
                self.components(path, obj)

    def components(self, path: Path, obj) -> None:
        """An extension object: `model` and `client` add methods (fine unless they take a standard name);
        `query` and `result` change what the standard operations do."""
        for child in obj.children():
            if child.kind() in ("{", "}", ",", "comment"):
                continue
            key = child.field("key") if child.kind() == "pair" else (
                child.field("name") if child.kind() == "method_definition" else None)
            name = key.text().strip("'\"") if key is not None and key.kind() in (
                "property_identifier", "string") else None
            if child.kind() == "shorthand_property_identifier":
                name = child.text()
            at = self.where(path, child)
            if name is None:
                self.refuse(f"the extension at {at} holds `{child.text()[:40]}`: what it adds cannot be read")
                return
            if name == "name":
                continue
            if name in ("query", "result"):
                what = ("overrides what {} operations do; a Drizzle call would skip it" if name == "query" else
                        "adds computed fields to {} results; Drizzle rows would not have them")
                value = child.field("value") if child.kind() == "pair" else None
                members = [m for m in value.children() if m.kind() not in ("{", "}", ",", "comment")] \
                    if value is not None and value.kind() == "object" else None
                keys = [m.field("key").text().strip("'\"") if m.kind() == "pair" else None for m in members or ()]
                if name == "result" or members is None or any(k is None or k.startswith("$") for k in keys):
                    # Computed fields show in related rows too (`include`); `$allModels`, `$allOperations`, raw
                    # queries, or what cannot be read: every call. A `query` override of one model's top-level
                    # operations leaves the other models' calls as they were (nested reads are not hooked).
                    self.refuse(f"the extension's `{name}` component at {at} {what.format('the')}")
                    return
                for key, member in zip(keys, members):
                    model = key[:1].lower() + key[1:]
                    reason = f"the extension's `{name}` component at {self.where(path, member)} {what.format(key)}"
                    self.verdict.models.setdefault(model, reason)
                continue
            if name not in ("model", "client"):
                self.refuse(f"the extension at {at} has a `{name}` component, not known")
                return
            value = child.field("value") if child.kind() == "pair" else None
            if value is None or value.kind() != "object":
                self.refuse(f"the extension's `{name}` component at {at} is not an object literal: what it adds "
                            f"cannot be read")
                return
            groups = [value] if name == "client" else []
            if name == "model":
                for member in value.children():
                    if member.kind() == "pair" and member.field("value").kind() == "object":
                        groups.append(member.field("value"))
                    elif member.kind() not in ("{", "}", ",", "comment"):
                        self.refuse(f"the extension's `model` component at {at} holds `{member.text()[:40]}`: what it "
                                    f"adds cannot be read")
                        return
            reserved = CLIENT_MEMBERS if name == "client" else STANDARD_OPERATIONS
            for group in groups:
                for member in group.children():
                    if member.kind() in ("{", "}", ",", "comment"):
                        continue
                    mkey = member.field("key") if member.kind() == "pair" else (
                        member.field("name") if member.kind() == "method_definition" else None)
                    mname = mkey.text().strip("'\"") if mkey is not None else (
                        member.text() if member.kind() == "shorthand_property_identifier" else None)
                    if mname is None or mname in reserved:
                        what = f"`{mname}`" if mname else f"`{member.text()[:40]}`"
                        self.refuse(f"the extension's `{name}` component at {self.where(path, member)} defines "
                                    f"{what}, {'a standard operation' if mname else 'a computed name'}: it may "
                                    f"replace what the call does")
                        return


_VERDICTS: dict[tuple[str, str], Verdict] = {}


def client_verdict(path: Path, name: str, root: Optional[Path] = None, tree=None) -> Verdict:
    """What the client bound to module-level `name` in `path` adds to the standard operations (`tree`: the
    file's parsed tree when the caller has it)."""
    root = root or project_root(path)
    key = (str(path.resolve()), name)
    if key not in _VERDICTS:
        walk = _Walk(root)
        if tree is not None:
            walk.trees[str(path.resolve())] = tree
        walk.name(path.resolve(), name)
        _VERDICTS[key] = walk.verdict
    return _VERDICTS[key]


def module_verdict(path: Path, root: Optional[Path] = None) -> Verdict:
    """Every `$extends`/`$use` of a module and what it is built from: for a client the scan saw made in
    `path` that the value could not be followed to."""
    root = root or project_root(path)
    key = (str(path.resolve()), "*module*")
    if key not in _VERDICTS:
        walk = _Walk(root)
        tree = _parsed(str(path.resolve()))
        if tree is None:
            walk.refuse(f"{path} cannot be read")
        else:
            walk.verdict.paths.add(str(path.resolve()))
            walk.node(path.resolve(), tree, tree, "")
        _VERDICTS[key] = walk.verdict
    return _VERDICTS[key]


# ---------------------------------------------------------------------------
# Clients held by a class


_PRISMA_MODULE = re.compile(r"^@prisma/client(/|$)|/generated/prisma|/prisma/client$|^\.prisma/client")


def is_prisma_module(spec: str) -> bool:
    return bool(_PRISMA_MODULE.search(spec))


def client_class(path: Path, tree, type_name: str, root: Path, depth: int = 0) -> Optional[tuple[Path, str]]:
    """(module, class) when `type_name` in `path` is PrismaClient or a project class extending it
    (through any number of project classes); None otherwise."""
    if depth > 8:
        return None
    found = _top(tree, type_name)
    if found is None:
        return None
    if found[0] == "import":
        _, spec, imported, _ = found
        if is_prisma_module(spec):
            return (path, type_name) if imported == "PrismaClient" else None
        target = resolve(spec, path, root)
        if target is None:
            return None
        other = _parsed(str(target))
        if other is None:
            return None
        exported = _export(other, imported)
        local = exported[1] if exported is not None and exported[0] == "local" else imported
        if exported is not None and exported[0] == "from":
            nxt = resolve(exported[1], target, root)
            if nxt is None:
                return (target, local) if is_prisma_module(exported[1]) and exported[2] == "PrismaClient" else None
            return client_class(nxt, _parsed(str(nxt)), exported[2], root, depth + 1) if _parsed(str(nxt)) else None
        return client_class(target, other, local, root, depth + 1)
    decl = found[1]
    if decl.kind() not in ("class_declaration", "abstract_class_declaration"):
        return None
    heritage = decl.find(kind="extends_clause")
    if heritage is None:
        return None
    base = next((c for c in heritage.children() if c.kind() in ("identifier", "member_expression")), None)
    if base is None or base.kind() != "identifier":
        return None
    if client_class(path, tree, base.text(), root, depth + 1) is None:
        return None
    return (path, type_name)


def member_of_class(cls, member: str):
    """How `this.<member>` is declared in class node `cls`: ("param", type) for a constructor parameter
    property, ("field", type or None, value or None) for a field, None when the class does not declare it;
    ("decorated", text) when a decorator (`@Inject(TOKEN)`) chooses what is injected."""
    body = cls.field("body")
    for item in body.children():
        if item.kind() == "method_definition" and item.field("name").text() == "constructor":
            for param in item.field("parameters").children():
                if param.kind() not in ("required_parameter", "optional_parameter"):
                    continue
                pattern = param.field("pattern")
                modifiers = [c for c in param.children() if c.kind() in ("accessibility_modifier", "readonly")]
                if pattern is None or pattern.text() != member or not modifiers:
                    continue
                if any(c.kind() == "decorator" for c in param.children()):
                    return ("decorated", param.text())
                annotation = param.field("type")
                return ("param", annotation.child(1).text() if annotation is not None else None)
        if item.kind() in ("public_field_definition", "field_definition") and item.field("name") is not None and \
                item.field("name").text() == member:
            if any(c.kind() == "decorator" for c in item.children()):
                return ("decorated", item.text())
            annotation = item.field("type")
            return ("field", annotation.child(1).text() if annotation is not None else None, item.field("value"))
    return None


def assigned_in_class(cls, member: str) -> Optional[int]:
    """The line of an assignment to `this.<member>` in the class, None when there is none."""
    for node in cls.find_all(kind="assignment_expression"):
        left = node.field("left")
        if left is not None and left.kind() == "member_expression" and left.field("object").kind() == "this" and \
                left.field("property").text() == member:
            return _line(node)
    for node in cls.find_all(kind="augmented_assignment_expression"):
        left = node.field("left")
        if left is not None and left.kind() == "member_expression" and left.field("object").kind() == "this" and \
                left.field("property").text() == member:
            return _line(node)
    return None


_TEST_FILE = re.compile(r"(^|/)(tests?|__tests__|e2e|__mocks__)/|\.(spec|test|e2e-spec)\.[cm]?[jt]sx?$")


@lru_cache(maxsize=64)
def replaced_in_tests(root: str, class_name: str) -> Optional[str]:
    """`file:line` where the project's tests put a double in the place of `class_name` (a Nest provider
    `{ provide: C, useValue/useClass/useFactory }`, `.overrideProvider(C)`, `mockDeep<C>()`, `jest.Mocked<C>`),
    None when no test does."""
    pattern = re.compile(rf"provide\s*:\s*{re.escape(class_name)}\b|overrideProvider\(\s*{re.escape(class_name)}\b|"
                         rf"(?:[mM]ock\w*|Mocked|DeepMockProxy|createStubInstance)\s*[<(]\s*{re.escape(class_name)}\b")
    project = _project(root)
    for rel in sorted(project.files):
        if not _TEST_FILE.search(rel):
            continue
        try:
            text = (Path(root) / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if class_name not in text:
            continue
        match = pattern.search(text)
        if match:
            return f"{rel}:{text.count(chr(10), 0, match.start()) + 1}"
    return None
