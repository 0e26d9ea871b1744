"""A partial evaluator for the TypeScript/JavaScript a Drizzle schema is written in.

Drizzle schemas are programs, not data: tables are built by calls (`pgTable("users",
{ id: serial().primaryKey() })`), column maps are spread from shared constants
(`...timestamps`), helper functions return builders (`cuidPk()`), and tables are imported
across files and re-exported by barrels (`export * from "./users"`). This module parses
each file with tree-sitter (no Node.js) and evaluates exactly the subset of the language
those schemas use, lazily and with memoisation:

- literals, template strings, object and array literals (spreads included), `as`,
  `satisfies`, `!` and parentheses (types are ignored), `??`/`||` and string `+`;
- `const`/`let`/`var` and function declarations, arrow functions and function
  expressions called with arguments (default parameters, object destructuring,
  `const` declarations before a `return`);
- ES module imports and exports between the project's files: named, default,
  namespace (`import * as s`), `export *`, `export * as ns`, `export { a as b } from`,
  with relative paths, `.js`-suffixed TypeScript imports, `index` files and tsconfig
  `paths` aliases (`@/db/schema`);
- names imported from `drizzle-orm*` become `DrizzleFn`s; calling one gives a `Builder`
  that records the call and every method chained on it, leaving the meaning to the
  mapper (migrator.inspect._drizzle_reader).

What cannot be known statically (a call into an npm package, `new Date()`, a ternary on
a runtime value) evaluates to `Opaque` carrying the reason and the file:line, so the
mapper can warn exactly where the schema went out of reach instead of guessing.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tree_sitter import Node, Parser

from migrator.errors import BadInput
from migrator.inspect import _drizzle_filters as drizzle_filters
from migrator.tsparse import SOURCE_SUFFIXES, first_error, name_text, parser_for, string_value, unescape
_SKIP_DIRS = frozenset({"node_modules", ".git", ".next", "dist", "build", ".turbo", "coverage"})
_DRIZZLE_MODULE = re.compile(r"^drizzle-orm(?:/|$)")

def _parser(path: Path) -> Parser:
    return parser_for(path.name)


# ---------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class Loc:
    """A position in a source file: 1-based line and column, as editors show them."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, eq=False)
class Opaque:
    """A value the evaluator cannot know without running the program."""

    reason: str
    loc: Loc | None = None


@dataclass(frozen=True, eq=False)
class DrizzleFn:
    """A function exported by drizzle-orm (`pgTable`, `text`, `index`, `sql`, ...)."""

    name: str
    module: str  # "drizzle-orm", "drizzle-orm/pg-core", ...


@dataclass(frozen=True, eq=False)
class Call:
    """One call of a builder chain: `.notNull()`, `.references(() => users.id)`."""

    name: str
    args: tuple[Any, ...]
    loc: Loc
    source: str  # the arguments as written, for client-side defaults


@dataclass(frozen=True, eq=False)
class Builder:
    """A drizzle builder: the call that made it and the methods chained on it, in order."""

    fn: DrizzleFn
    args: tuple[Any, ...]
    loc: Loc
    calls: tuple[Call, ...] = ()
    base: Any = None  # the EnumObj of an enum column, the customType() Builder of a custom column,
    # a customType() Builder's own type arguments' text (`<{ data: Date; driverData: string }>`)

    def with_call(self, call: Call) -> Builder:
        return Builder(self.fn, self.args, self.loc, self.calls + (call,), self.base)

    def call(self, name: str) -> Call | None:
        """The last call of this name in the chain (later calls override earlier ones)."""
        for item in reversed(self.calls):
            if item.name == name:
                return item
        return None

    def has(self, *names: str) -> bool:
        return any(c.name in names for c in self.calls)


@dataclass(frozen=True, eq=False)
class SqlTemplate:
    """`sql\\`...\\`` (strings interleaved with interpolated values) or `sql.raw("...")`."""

    strings: tuple[str, ...]
    values: tuple[Any, ...]
    loc: Loc


@dataclass(eq=False)
class TableObj:
    """The result of pgTable/sqliteTable/mysqlTable: evaluated name, columns and extras."""

    kind: str  # "pg", "sqlite", "mysql"
    name: Any
    columns: Any  # dict key -> Builder (or Opaque); a function for the `(t) => ({...})` form
    extras: Any
    schema: str | None
    loc: Loc
    casing_names: dict[str, str] = field(default_factory=dict)  # filled by the mapper
    row_security: bool = False  # pgTable.withRLS(...) or .enableRLS()


@dataclass(frozen=True, eq=False)
class ColumnRef:
    """`t.title` / `users.id`: a column of a table, with index modifiers if any."""

    table: TableObj
    key: str
    loc: Loc
    order: str | None = None  # "asc" | "desc"
    nulls: str | None = None  # "first" | "last"
    opclass: str | None = None


@dataclass(frozen=True, eq=False)
class EnumObj:
    """A pgEnum: calling it makes an enum column builder."""

    name: Any
    values: Any
    schema: str | None
    loc: Loc


@dataclass(frozen=True, eq=False)
class SchemaObj:
    """pgSchema("x") / mysqlSchema("x"): `.table(...)` and `.enum(...)` live in it."""

    name: Any
    kind: str
    loc: Loc


@dataclass(frozen=True, eq=False)
class Bound:
    """A method taken from an object that the evaluator implements (`app.table`)."""

    target: Any
    name: str


@dataclass(frozen=True, eq=False)
class TableCreator:
    """pgTableCreator((name) => `prefix_${name}`): a table function with a name mapper."""

    kind: str
    mapper: Any
    loc: Loc


@dataclass(frozen=True, eq=False)
class RelationsObj:
    """relations(table, ({ one, many }) => ({...})): kept for codemods, not for the schema."""

    table: Any
    callback: Any
    loc: Loc


@dataclass(frozen=True, eq=False)
class DefineRelationsObj:
    """defineRelations(schema, (r) => ({ users: { posts: r.many.posts() } })) (drizzle-orm 1.0): kept for
    codemods, not for the schema."""

    schema: Any  # the tables object (a module namespace or an object literal)
    callback: Any
    loc: Loc


@dataclass(frozen=True, eq=False)
class RelationsBuilderObj:
    """The `r` a defineRelations() callback receives: `r.one.<key>(…)`, `r.many.<key>(…)`, `r.<key>.<column>`."""

    tables: dict


@dataclass(frozen=True, eq=False)
class RelationTargets:
    """`r.one` / `r.many`: each table key is a function making a relation to that table."""

    kind: str
    tables: dict


@dataclass(frozen=True, eq=False)
class RelationTargetFn:
    """`r.one.users`: called with the relation's config (`{ from, to, alias, optional, where }`)."""

    kind: str
    key: str
    table: Any


@dataclass(frozen=True, eq=False)
class RelationsTableRef:
    """`r.users`: its members are the table's columns."""

    key: str
    table: Any


@dataclass(frozen=True, eq=False)
class ThroughRef:
    """`r.users.id.through(r.usersToGroups.userId)`: a many-to-many relation's junction column."""

    column: Any
    through: Any


@dataclass(frozen=True, eq=False)
class RelationDeclV2:
    """`r.one.users({ from: r.posts.authorId, to: r.users.id })` inside a defineRelations() callback."""

    kind: str
    key: str
    table: Any
    config: dict
    loc: Loc


@dataclass(frozen=True, eq=False)
class RelationDecl:
    """one(target, config) / many(target, config) inside a relations() callback."""

    kind: str
    args: tuple[Any, ...]
    loc: Loc


@dataclass(frozen=True, eq=False)
class ModuleNamespace:
    """`import * as schema from "./schema"`: member access reads the module's exports."""

    module: Module


@dataclass(frozen=True, eq=False)
class DrizzleNamespace:
    """`import * as p from "drizzle-orm/pg-core"`, or the `t` of `pgTable("x", (t) => ({...}))`."""

    module: str


@dataclass(eq=False)
class JsFunction:
    node: Node
    scope: Scope
    module: Module

    def source(self) -> str:
        return " ".join(self.module.text(self.node).split())


# Methods of a table object (everything else on a table is one of its columns).
_TABLE_METHODS = frozenset({"enableRLS", "withRLS"})

# Which table kind each dialect module's table function makes.
TABLE_FUNCTIONS = {"pgTable": "pg", "sqliteTable": "sqlite", "mysqlTable": "mysql"}
TABLE_CREATORS = {"pgTableCreator": "pg", "sqliteTableCreator": "sqlite", "mysqlTableCreator": "mysql"}
SCHEMA_FUNCTIONS = {"pgSchema": "pg", "mysqlSchema": "mysql"}
_MODULE_KINDS = {"drizzle-orm/pg-core": "pg", "drizzle-orm/sqlite-core": "sqlite", "drizzle-orm/mysql-core": "mysql"}


# ---------------------------------------------------------------------------
# Scopes and modules


class Scope:
    """Names visible at a point: a function's parameters and locals over its closure."""

    def __init__(self, parent: Scope | None, values: dict[str, Any] | None = None) -> None:
        self.parent = parent
        self.values = values or {}

    def lookup(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        return self.parent.lookup(name) if self.parent is not None else _MISSING


_MISSING = object()
_EVALUATING = object()


@dataclass
class _Binding:
    """A top-level name: how to compute it (declaration node or import) and its value once known."""

    node: Node | None = None  # a variable_declarator or function_declaration
    import_from: str | None = None
    import_name: str | None = None  # the exported name, "*" for a namespace, "default"
    value: Any = _MISSING


class Module(Scope):
    """One parsed file: its top-level bindings and exports, evaluated on demand."""

    def __init__(self, project: Project, path: Path, source: bytes, tree: Any) -> None:
        super().__init__(None)
        self.project = project
        self.path = path
        self.label = project.label(path)
        self.source = source
        self.tree = tree
        self.bindings: dict[str, _Binding] = {}
        self.exports: dict[str, tuple[str, str | None]] = {}  # exported -> (local name | "from:<spec>", imported name)
        self.star_exports: list[tuple[str, Loc]] = []
        self.default_node: Node | None = None
        self.calls: list[Node] = []  # top-level expression statements (relations() may be unexported)
        self._collect()

    # -- parsing the top level ----------------------------------------------

    def loc(self, node: Node) -> Loc:
        return Loc(self.label, node.start_point[0] + 1, node.start_point[1] + 1)

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def _collect(self) -> None:
        for node in self.tree.root_node.named_children:
            self._statement(node, exported=False)

    def _statement(self, node: Node, exported: bool) -> None:
        kind = node.type
        if kind == "import_statement":
            self._import(node)
        elif kind == "export_statement":
            self._export(node)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for decl in node.named_children:
                if decl.type != "variable_declarator":
                    continue
                name = decl.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    local = self.text(name)
                    self.bindings[local] = _Binding(node=decl)
                    if exported:
                        self.exports[local] = (local, None)
                elif name is not None:
                    self.project.warn(self.loc(decl), "destructuring at the top level is not evaluated")
        elif kind in ("function_declaration", "generator_function_declaration", "enum_declaration"):
            name = node.child_by_field_name("name")
            if name is not None:
                local = self.text(name)
                self.bindings[local] = _Binding(node=node)
                if exported:
                    self.exports[local] = (local, None)
        elif kind == "expression_statement":
            self.calls.append(node)
        elif kind == "ERROR":
            # tree-sitter wraps what it could not place in an ERROR node, good statements
            # included: read those (an `export` token before one exports it).
            previous = None
            for child in node.children:
                if child.is_named and child.type != "ERROR":
                    self._statement(child, exported=previous is not None and previous.type == "export")
                previous = child

    def _import(self, node: Node) -> None:
        source = node.child_by_field_name("source")
        if source is None:
            return
        spec = _string_value(self, source)
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if clause is None:
            return
        for part in clause.named_children:
            if part.type == "identifier":
                self.bindings[self.text(part)] = _Binding(import_from=spec, import_name="default")
            elif part.type == "namespace_import":
                ident = next(c for c in part.named_children if c.type == "identifier")
                self.bindings[self.text(ident)] = _Binding(import_from=spec, import_name="*")
            elif part.type == "named_imports":
                for item in part.named_children:
                    if item.type != "import_specifier":
                        continue
                    name = item.child_by_field_name("name")
                    alias = item.child_by_field_name("alias") or name
                    self.bindings[self.text(alias)] = _Binding(import_from=spec, import_name=_name_text(self, name))

    def _export(self, node: Node) -> None:
        if is_type_only_export(node):
            return  # `export type * from`: types only, nothing a schema is made of
        source = node.child_by_field_name("source")
        spec = _string_value(self, source) if source is not None else None
        declaration = node.child_by_field_name("declaration")
        if declaration is not None:
            self._statement(declaration, exported=True)
            return
        value = node.child_by_field_name("value")
        if value is not None or any(c.type == "default" for c in node.children):
            target = value if value is not None else next((c for c in node.named_children), None)
            if target is not None and target.type in ("function_declaration", "class_declaration") and target.child_by_field_name("name"):
                self._statement(target, exported=False)
                self.exports["default"] = (self.text(target.child_by_field_name("name")), None)
            else:
                self.default_node = target
            return
        clause = next((c for c in node.named_children if c.type == "export_clause"), None)
        namespace = next((c for c in node.named_children if c.type == "namespace_export"), None)
        if clause is not None:
            for item in clause.named_children:
                if item.type != "export_specifier":
                    continue
                name = _name_text(self, item.child_by_field_name("name"))
                alias = item.child_by_field_name("alias")
                exported = _name_text(self, alias) if alias is not None else name
                self.exports[exported] = (f"from:{spec}", name) if spec else (name, None)
        elif namespace is not None and spec:
            ident = namespace.named_children[-1]
            self.exports[_name_text(self, ident)] = (f"from:{spec}", "*")
        elif spec:
            self.star_exports.append((spec, self.loc(node)))

    # -- values ---------------------------------------------------------------

    def lookup(self, name: str) -> Any:
        binding = self.bindings.get(name)
        if binding is None:
            return _MISSING
        if binding.value is _EVALUATING:
            return Opaque(f"'{name}' refers to itself while it is being defined")
        if binding.value is _MISSING:
            binding.value = _EVALUATING
            try:
                binding.value = self._compute(name, binding)
            except BaseException:
                binding.value = _MISSING
                raise
        return binding.value

    def _compute(self, name: str, binding: _Binding) -> Any:
        if binding.import_from is not None:
            return self.project.imported(self, binding.import_from, binding.import_name or "default", name)
        node = binding.node
        assert node is not None
        if node.type in ("function_declaration", "generator_function_declaration"):
            return JsFunction(node, self, self)
        if node.type == "enum_declaration":
            return self._enum(node)
        value = node.child_by_field_name("value")
        if value is None:
            return Opaque(f"'{name}' is declared without a value", self.loc(node))
        return Evaluator(self).eval(value, self)

    def _enum(self, node: Node) -> dict[str, Any]:
        """A TypeScript `enum` as the object it compiles to: member -> value (numbers count up from 0)."""
        members: dict[str, Any] = {}
        body = node.child_by_field_name("body")
        following: Any = 0
        for member in body.named_children if body is not None else ():
            if member.type == "comment":
                continue
            key_node = member.child_by_field_name("name") if member.type == "enum_assignment" else member
            key = _string_value(self, key_node) if key_node.type == "string" else self.text(key_node)
            if member.type == "enum_assignment":
                value = Evaluator(self).eval(member.child_by_field_name("value"), self)
            else:
                value = following
            members[key] = value
            following = value + 1 if isinstance(value, int) and not isinstance(value, bool) else Opaque(
                f"enum member after '{key}' has no value", self.loc(member))
        return members

    def export(self, name: str, seen: frozenset[str] = frozenset()) -> Any:
        """The value this module exports as `name` (following re-exports), or _MISSING."""
        if name == "default" and self.default_node is not None:
            return Evaluator(self).eval(self.default_node, self)
        entry = self.exports.get(name)
        if entry is not None:
            local, imported = entry
            if local.startswith("from:"):
                return self.project.imported(self, local[5:], imported or name, name)
            return self.lookup(local)
        key = str(self.path)
        if key in seen:
            return _MISSING
        for spec, _loc in self.star_exports:
            target = self.project.resolve(self, spec)
            if target is None:
                continue
            value = target.export(name, seen | {key}) if name != "default" else _MISSING
            if value is not _MISSING:
                return value
        return _MISSING

    def exported_names(self, seen: frozenset[str] = frozenset()) -> list[str]:
        key = str(self.path)
        if key in seen:
            return []
        names = list(self.exports)
        if self.default_node is not None:
            names.append("default")
        for spec, loc in self.star_exports:
            target = self.project.resolve(self, spec)
            if target is None:
                if spec.startswith("."):
                    self.project.warn(loc, f"cannot find the module '{spec}' re-exported here")
                continue
            names.extend(n for n in target.exported_names(seen | {key}) if n != "default" and n not in names)
        return names


class Project:
    """Every file of the schema, parsed once, with module resolution between them."""

    def __init__(self, root: Path, warn: Any) -> None:
        self.root = root
        self.warn = warn  # warn(loc, message)
        self.modules: dict[Path, Module | None] = {}
        self._aliases = _TsconfigPaths(root)
        self.syntax_errors: list[SyntaxProblem] = []

    def label(self, path: Path) -> str:
        try:
            rel = os.path.relpath(path)
        except ValueError:
            return str(path)
        return str(path) if rel.startswith("..") else rel

    def load(self, path: Path) -> Module:
        path = path.resolve()
        module = self.modules.get(path)
        if module is not None:
            return module
        try:
            source = path.read_bytes()
        except OSError as exc:
            raise BadInput(f"{self.label(path)}: cannot read: {exc.strerror or exc}") from None
        tree = _parser(path).parse(source)
        module = Module(self, path, source, tree)
        self.modules[path] = module
        if tree.root_node.has_error:
            # One bad statement must not cost the whole schema: tree-sitter recovers around
            # it, the evaluator turns the damaged expressions into Opaque values, and each
            # error is a note (the first one is BadInput only if nothing at all can be read).
            for bad in syntax_errors(tree.root_node):
                self.syntax_errors.append(_syntax_error(module, bad))
        return module

    def resolve(self, importer: Module, spec: str) -> Module | None:
        """The project file an import specifier names, or None (a package, or not found)."""
        if spec.startswith("."):
            base = importer.path.parent / spec
        else:
            aliased = self._aliases.resolve(spec)
            if aliased is None:
                return None
            base = aliased
        found = _file_for(base)
        return self.load(found) if found is not None else None

    def imported(self, importer: Module, spec: str, name: str, local: str) -> Any:
        if _DRIZZLE_MODULE.match(spec):
            if name == "*":
                return DrizzleNamespace(spec)
            return DrizzleFn(name, spec)
        target = self.resolve(importer, spec)
        if target is None:
            if spec.startswith("."):
                return Opaque(f"cannot find the module '{spec}' that '{local}' is imported from")
            return Opaque(f"'{local}' comes from the package '{spec}', which is not evaluated")
        if name == "*":
            return ModuleNamespace(target)
        value = target.export(name)
        if value is _MISSING:
            return Opaque(f"'{spec}' has no export named '{name}'")
        return value


def _file_for(base: Path) -> Path | None:
    """The file an import of `base` loads: itself, with a source suffix, or its index file."""
    candidates = [base]
    if base.suffix in (".js", ".jsx", ".mjs", ".cjs"):
        # TypeScript's ESM style: `import "./users.js"` loads users.ts.
        stem = base.with_suffix("")
        candidates += [stem.with_suffix(s) for s in (".ts", ".tsx", ".mts", ".cts")]
    candidates += [base.with_name(base.name + s) for s in SOURCE_SUFFIXES]
    candidates += [base / f"index{s}" for s in SOURCE_SUFFIXES]
    for candidate in candidates:
        if candidate.is_file() and not candidate.name.endswith(".d.ts"):
            return candidate
    return None


class _TsconfigPaths:
    """`compilerOptions.paths` of the nearest tsconfig.json: `@/lib/db` -> src/lib/db."""

    def __init__(self, start: Path) -> None:
        self.patterns: list[tuple[str, list[Path]]] = []
        folder = start if start.is_dir() else start.parent
        for candidate in [folder, *folder.parents]:
            config = candidate / "tsconfig.json"
            if config.is_file():
                self._read(config)
                break
            if (candidate / "package.json").is_file() and candidate != folder:
                break

    def _read(self, config: Path) -> None:
        try:
            data = json.loads(_strip_json_comments(config.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return
        options = data.get("compilerOptions") or {}
        base = config.parent / (options.get("baseUrl") or ".")
        for pattern, targets in (options.get("paths") or {}).items():
            if isinstance(targets, list):
                self.patterns.append((pattern, [base / t for t in targets if isinstance(t, str)]))

    def resolve(self, spec: str) -> Path | None:
        for pattern, targets in self.patterns:
            prefix, star, suffix = pattern.partition("*")
            if star and spec.startswith(prefix) and spec.endswith(suffix) and len(spec) >= len(prefix) + len(suffix):
                middle = spec[len(prefix) : len(spec) - len(suffix)]
                for target in targets:
                    path = Path(str(target).replace("*", middle, 1))
                    if _file_for(path) is not None:
                        return path
            elif not star and spec == pattern:
                for target in targets:
                    if _file_for(target) is not None:
                        return target
        return None


def _strip_json_comments(text: str) -> str:
    """tsconfig.json allows comments and trailing commas; json does not."""
    out = re.sub(r'"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/', lambda m: m.group() if m.group().startswith('"') else "", text, flags=re.S)
    return re.sub(r",(\s*[}\]])", r"\1", out)


@dataclass(frozen=True)
class SyntaxProblem:
    """A part of a file tree-sitter could not parse: where, what, and the top-level definition it is in."""

    loc: Loc
    message: str
    line_text: str
    definition: str | None  # the top-level name whose declaration holds the error, if any

    def note(self) -> str:
        where = f"{self.loc.file}:{self.loc.line}:{self.loc.column}"
        if self.definition is not None:
            return f"{where}: {self.message} (not valid TypeScript) in the definition of '{self.definition}'; what it spoils is left out"
        return f"{where}: {self.message} (not valid TypeScript); this statement is not read"

    def bad_input(self) -> BadInput:
        """`file:line:col: message` with the offending line and a caret under the column."""
        caret = " " * (self.loc.column - 1) + "^"
        return BadInput(f"{self.loc.file}:{self.loc.line}:{self.loc.column}: {self.message} (not valid TypeScript)\n  {self.line_text}\n  {caret}")


def is_type_only_export(node: Node) -> bool:
    """`export type * from "./x"` / `export type * as ns from` (TypeScript 5.0), which the grammar cannot parse.

    They re-export types only, so they add nothing to a schema; tree-sitter parses them as an
    export_statement whose `type` keyword is an ERROR node.
    """
    if node.type != "export_statement" or node.child_by_field_name("source") is None:
        return False
    errors = [c for c in node.children if c.type == "ERROR"]
    return len(errors) == 1 and errors[0].text is not None and errors[0].text.strip() == b"type"


def syntax_errors(root: Node) -> list[Node]:
    """The outermost ERROR and MISSING nodes of a tree, in document order (type-only exports excepted)."""
    found: list[Node] = []

    def walk(node: Node) -> None:
        if is_type_only_export(node):
            return
        if node.type == "ERROR" or node.is_missing:
            found.append(first_error(node) or node)
            return
        for child in node.children:
            if child.has_error or child.is_missing:
                walk(child)

    walk(root)
    return found


def _syntax_error(module: Module, bad: Node) -> SyntaxProblem:
    source = module.source
    line, byte_col = bad.start_point[0], bad.start_point[1]
    lines = source.split(b"\n")
    raw = lines[line] if line < len(lines) else b""
    column = len(raw[:byte_col].decode("utf-8", errors="replace")) + 1
    if bad.is_missing:
        message = f"syntax error: missing '{bad.type}'"
    else:
        snippet = " ".join(source[bad.start_byte : bad.end_byte].decode("utf-8", errors="replace").split())[:40]
        message = f"syntax error near '{snippet}'" if snippet else "syntax error"
    top = bad
    while top.parent is not None and top.parent.parent is not None:
        top = top.parent
    definition = None
    declaration = top.child_by_field_name("declaration") if top.type == "export_statement" else top
    if declaration is not None and declaration.type in ("lexical_declaration", "variable_declaration"):
        names = [d.child_by_field_name("name") for d in declaration.named_children if d.type == "variable_declarator"]
        definition = ", ".join(module.text(n) for n in names if n is not None) or None
    elif declaration is not None and declaration.type == "function_declaration" and declaration.child_by_field_name("name"):
        definition = module.text(declaration.child_by_field_name("name"))
    text = raw.decode("utf-8", errors="replace").rstrip("\r")
    return SyntaxProblem(Loc(module.label, line + 1, column), message, text, definition)


# ---------------------------------------------------------------------------
# Expressions


def _broken(node: Node) -> Node | None:
    """The syntax error that spoils `node` itself: it is one, or one is among its direct children.

    Objects and arrays are spoilt only entry by entry, so they are never broken as a whole.
    """
    if node.type == "ERROR" or node.is_missing:
        return node
    if node.type in ("object", "array", "program", "statement_block"):
        return None
    for child in node.children:
        if child.type == "ERROR" or child.is_missing:
            return child
        if child.type == "arguments" and (child.has_error or child.is_missing):
            inner = next((c for c in child.children if c.type == "ERROR" or c.is_missing), None)
            if inner is not None:
                return inner
    return None


def _name_text(module: Module, node: Node | None) -> str:
    return name_text(module.source, node)


def _string_value(module: Module, node: Node) -> str:
    return string_value(module.source, node)


_TRANSPARENT = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression", "type_assertion"}
)


class Evaluator:
    """Evaluates expression nodes of one module against a scope."""

    MAX_DEPTH = 200

    def __init__(self, module: Module) -> None:
        self.m = module
        self.depth = 0

    def opaque(self, node: Node, reason: str) -> Opaque:
        return Opaque(reason, self.m.loc(node))

    def eval(self, node: Node, scope: Scope) -> Any:
        self.depth += 1
        try:
            if self.depth > self.MAX_DEPTH:
                return self.opaque(node, "expression nested too deeply to evaluate")
            if node.has_error or node.is_missing:
                # Whatever a syntax error touches directly is unknown; objects and arrays
                # keep their good entries (see _object, _array).
                bad = _broken(node)
                if bad is not None:
                    return self.opaque(bad, "not valid TypeScript (syntax error)")
            return self._eval(node, scope)
        finally:
            self.depth -= 1

    def _eval(self, node: Node, scope: Scope) -> Any:
        kind = node.type
        m = self.m
        if kind in _TRANSPARENT:
            # Types are erased: `x as T`, `x satisfies T`, `x!`, `<T>x` and `(x)` are x.
            children = [c for c in node.named_children if c.type != "comment"]
            inner = children[-1] if kind == "type_assertion" else children[0]
            return self.eval(inner, scope)
        if kind == "string":
            return _string_value(m, node)
        if kind == "template_string":
            return self._template(node, scope)
        if kind == "number":
            return _number(m.text(node))
        if kind == "true":
            return True
        if kind == "false":
            return False
        if kind in ("null", "undefined"):
            return None
        if kind == "identifier":
            name = m.text(node)
            if name == "undefined":
                return None
            value = scope.lookup(name)
            if value is _MISSING:
                return self.opaque(node, f"'{name}' is not defined in this file")
            if isinstance(value, Opaque) and value.loc is None:
                return Opaque(value.reason, m.loc(node))  # say where it is used
            return value
        if kind == "unary_expression":
            return self._unary(node, scope)
        if kind == "binary_expression":
            return self._binary(node, scope)
        if kind == "object":
            return self._object(node, scope)
        if kind == "array":
            return self._array(node, scope)
        if kind in ("arrow_function", "function_expression", "function"):
            return JsFunction(node, scope, m)
        if kind == "member_expression":
            obj = self.eval(node.child_by_field_name("object"), scope)
            prop = node.child_by_field_name("property")
            return self.member(obj, m.text(prop), node)
        if kind == "subscript_expression":
            obj = self.eval(node.child_by_field_name("object"), scope)
            index = self.eval(node.child_by_field_name("index"), scope)
            if isinstance(index, (str, int)) and not isinstance(index, bool):
                return self.member(obj, str(index) if isinstance(index, str) else index, node)
            return self.opaque(node, "a computed member is not evaluated")
        if kind == "call_expression":
            return self._call(node, scope)
        if kind == "ternary_expression":
            condition = self.eval(node.child_by_field_name("condition"), scope)
            if isinstance(condition, (bool, int, str)) or condition is None:
                branch = "consequence" if condition else "alternative"
                return self.eval(node.child_by_field_name(branch), scope)
            return self.opaque(node, "a conditional expression depends on a runtime value")
        if kind == "new_expression":
            return self.opaque(node, f"'{' '.join(m.text(node).split())[:60]}' is only known at run time")
        if kind == "await_expression":
            return self.opaque(node, "an awaited value is only known at run time")
        return self.opaque(node, f"a {kind.replace('_', ' ')} is not evaluated")

    # -- literals ---------------------------------------------------------------

    def _template(self, node: Node, scope: Scope) -> Any:
        parts: list[str] = []
        for child in node.named_children:
            if child.type == "template_substitution":
                value = self.eval(child.named_children[0], scope)
                if isinstance(value, Opaque):
                    return value
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    parts.append(_js_string(value))
                else:
                    return self.opaque(child, "a template string interpolates a value that is not a string or number")
            elif child.type == "escape_sequence":
                parts.append(unescape(self.m.text(child)))
            else:
                parts.append(self.m.text(child))
        return "".join(parts)

    def _sql_template(self, node: Node, scope: Scope) -> SqlTemplate:
        strings, values = [""], []
        for child in node.named_children:
            if child.type == "template_substitution":
                values.append(self.eval(child.named_children[0], scope))
                strings.append("")
            elif child.type == "escape_sequence":
                strings[-1] += unescape(self.m.text(child))
            else:
                strings[-1] += self.m.text(child)
        return SqlTemplate(tuple(strings), tuple(values), self.m.loc(node))

    def _unary(self, node: Node, scope: Scope) -> Any:
        op = node.child_by_field_name("operator")
        value = self.eval(node.child_by_field_name("argument"), scope)
        operator = self.m.text(op) if op is not None else ""
        if operator == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
        if operator == "+" and isinstance(value, (int, float)):
            return value
        if operator == "!" and not isinstance(value, Opaque):
            return not value
        return self.opaque(node, f"the operator '{operator}' is not evaluated")

    def _binary(self, node: Node, scope: Scope) -> Any:
        left_node = node.child_by_field_name("left")
        right_node = node.child_by_field_name("right")
        operator = self.m.text(node.child_by_field_name("operator"))
        # `sql<number>\`...\`` parses as (sql < number) > `...`: a tagged template with a type argument.
        if (
            operator == ">"
            and right_node.type == "template_string"
            and left_node.type == "binary_expression"
            and self.m.text(left_node.child_by_field_name("operator")) == "<"
        ):
            tag = self.eval(left_node.child_by_field_name("left"), scope)
            return self._tagged(tag, right_node, scope, node)
        left = self.eval(left_node, scope)
        if operator in ("??", "||"):
            if operator == "??" and left is not None and not isinstance(left, Opaque):
                return left
            if operator == "||" and left and not isinstance(left, Opaque):
                return left
            if isinstance(left, Opaque) and operator == "??":
                return left
            return self.eval(right_node, scope)
        right = self.eval(right_node, scope)
        if operator == "+" and isinstance(left, str) and isinstance(right, (str, int, float)):
            return left + _js_string(right)
        if operator == "+" and isinstance(left, (int, float)) and isinstance(right, (int, float)):
            return left + right
        for value in (left, right):
            if isinstance(value, Opaque):
                return value
        return self.opaque(node, f"the operator '{operator}' is not evaluated")

    def _object(self, node: Node, scope: Scope) -> Any:
        out: dict[str, Any] = {}
        for child in node.named_children:
            kind = child.type
            if kind == "ERROR":
                out[f"<error {len(out)}>"] = self.opaque(child, "not valid TypeScript (syntax error)")
            elif kind == "pair":
                key_node, value_node = child.child_by_field_name("key"), child.child_by_field_name("value")
                key = self._key(key_node, scope) if key_node is not None else self.opaque(child, "not valid TypeScript (syntax error)")
                if isinstance(key, Opaque):
                    out[f"<opaque {len(out)}>"] = key
                    continue
                bad = _broken(child) or (child if value_node is None else None)
                out[key] = self.opaque(bad, "not valid TypeScript (syntax error)") if bad is not None else self.eval(value_node, scope)
            elif kind == "shorthand_property_identifier":
                name = self.m.text(child)
                value = scope.lookup(name)
                out[name] = value if value is not _MISSING else self.opaque(child, f"'{name}' is not defined in this file")
            elif kind == "spread_element":
                value = self.eval(child.named_children[0], scope)
                if isinstance(value, dict):
                    out.update(value)
                else:
                    reason = value.reason if isinstance(value, Opaque) else "the spread value is not an object"
                    out[f"<spread {len(out)}>"] = Opaque(f"cannot spread '{self.m.text(child.named_children[0])}': {reason}", self.m.loc(child))
            elif kind == "method_definition":
                key = self._key(child.child_by_field_name("name"), scope)
                if isinstance(key, str):
                    out[key] = JsFunction(child, scope, self.m)
        return out

    def _key(self, node: Node, scope: Scope) -> Any:
        if node.type == "string":
            return _string_value(self.m, node)
        if node.type == "number":
            return str(_number(self.m.text(node)))
        if node.type == "computed_property_name":
            value = self.eval(node.named_children[0], scope)
            return value if isinstance(value, str) else self.opaque(node, "a computed key is not evaluated")
        return self.m.text(node)

    def _array(self, node: Node, scope: Scope) -> list[Any]:
        out: list[Any] = []
        for child in node.named_children:
            if child.type == "comment":
                continue  # a comment between the items is no item
            if child.type == "ERROR":
                out.append(self.opaque(child, "not valid TypeScript (syntax error)"))
            elif child.type == "spread_element":
                value = self.eval(child.named_children[0], scope)
                if isinstance(value, list):
                    out.extend(value)
                else:
                    out.append(Opaque(f"cannot spread '{self.m.text(child.named_children[0])}'", self.m.loc(child)))
            else:
                out.append(self.eval(child, scope))
        return out

    # -- members and calls --------------------------------------------------------

    def member(self, obj: Any, name: Any, node: Node) -> Any:
        loc = self.m.loc(node)
        if isinstance(obj, Opaque):
            return obj
        if isinstance(obj, dict):
            if name in obj:
                return obj[name]
            return Opaque(f"the object has no property '{name}'", loc)
        if isinstance(obj, list):
            if isinstance(name, int) and 0 <= name < len(obj):
                return obj[name]
            if name == "length":
                return len(obj)
            return Opaque(f"'{name}' of an array is not evaluated", loc)
        if isinstance(obj, TableObj):
            if name in _TABLE_METHODS:
                return Bound(obj, str(name))
            return ColumnRef(obj, str(name), loc)
        if isinstance(obj, ColumnRef) and name in ("asc", "desc", "nullsFirst", "nullsLast", "op", "through"):
            return Bound(obj, str(name))
        if isinstance(obj, RelationsBuilderObj):
            if name in ("one", "many"):
                return RelationTargets(str(name), obj.tables)
            if name in obj.tables:
                return RelationsTableRef(str(name), obj.tables[name])
            return Opaque(f"the relations builder has no table '{name}'", loc)
        if isinstance(obj, RelationTargets):
            if name in obj.tables:
                return RelationTargetFn(obj.kind, str(name), obj.tables[name])
            return Opaque(f"the relations builder has no table '{name}'", loc)
        if isinstance(obj, RelationsTableRef):
            return ColumnRef(obj.table, str(name), loc)
        if isinstance(obj, EnumObj):
            if name == "enumValues":
                return obj.values
            if name == "enumName":
                return obj.name
        if isinstance(obj, (Builder, SchemaObj, TableCreator, JsFunction)):
            return Bound(obj, str(name))
        if isinstance(obj, DrizzleFn):
            return DrizzleFn(f"{obj.name}.{name}", obj.module)
        if isinstance(obj, DrizzleNamespace):
            return DrizzleFn(str(name), obj.module)
        if isinstance(obj, ModuleNamespace):
            value = obj.module.export(str(name))
            return value if value is not _MISSING else Opaque(f"the module has no export '{name}'", loc)
        if isinstance(obj, str) and name == "length":
            return len(obj)
        return Opaque(f"property '{name}' is not evaluated", loc)

    def _arguments(self, node: Node, scope: Scope) -> tuple[tuple[Any, ...], str]:
        args_node = node.child_by_field_name("arguments")
        if args_node is None:
            return (), ""
        if args_node.type == "template_string":
            return (self._sql_template(args_node, scope),), self.m.text(args_node)
        args: list[Any] = []
        for child in args_node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element":
                value = self.eval(child.named_children[0], scope)
                args.extend(value if isinstance(value, list) else [value])
            else:
                args.append(self.eval(child, scope))
        inner = self.m.text(args_node)
        return tuple(args), inner[1:-1] if inner.startswith("(") else inner

    def _call(self, node: Node, scope: Scope) -> Any:
        callee_node = node.child_by_field_name("function")
        callee = self.eval(callee_node, scope)
        args_node = node.child_by_field_name("arguments")
        if args_node is not None and args_node.type == "template_string":
            return self._tagged(callee, args_node, scope, node)
        args, source = self._arguments(node, scope)
        return self.apply(callee, args, node, source)

    def _tagged(self, tag: Any, template: Node, scope: Scope, node: Node) -> Any:
        if isinstance(tag, DrizzleFn) and tag.name == "sql":
            return self._sql_template(template, scope)
        if isinstance(tag, Opaque):
            return tag
        return self.opaque(node, "a tagged template other than sql`` is not evaluated")

    def apply(self, callee: Any, args: tuple[Any, ...], node: Node, source: str = "") -> Any:
        loc = self.m.loc(node)
        if isinstance(callee, Opaque):
            return callee
        if isinstance(callee, JsFunction):
            return call_function(callee, args, loc)
        if isinstance(callee, DrizzleFn):
            made = _drizzle_call(callee, args, loc)
            if callee.name == "customType" and isinstance(made, Builder) and made.base is None:
                # customType<{ data: T; … }>: the type arguments' text, whose `data` is the JS value type.
                type_args = node.child_by_field_name("type_arguments") if node is not None else None
                if type_args is not None:
                    made = Builder(made.fn, made.args, made.loc, made.calls, " ".join(self.m.text(type_args).split()))
            return made
        if isinstance(callee, EnumObj):
            return Builder(DrizzleFn("enum", "drizzle-orm/pg-core"), args, loc, base=callee)
        if isinstance(callee, Builder) and callee.fn.name == "customType":
            # customType({ dataType() {...} }) returns a column function: calling it makes the column.
            return Builder(DrizzleFn("custom", callee.fn.module), args, loc, base=callee)
        if isinstance(callee, TableCreator):
            return _make_table(callee.kind, args, loc, name_mapper=callee.mapper)
        if isinstance(callee, RelationHelper):
            return RelationDecl(callee.kind, args, loc)
        if isinstance(callee, RelationTargetFn):
            config = args[0] if args and isinstance(args[0], dict) else {}
            return RelationDeclV2(callee.kind, callee.key, callee.table, config, loc)
        if isinstance(callee, Bound):
            return self._method(callee, args, loc, source)
        return Opaque(f"'{' '.join(self.m.text(node.child_by_field_name('function')).split())[:60]}' is not a function the evaluator knows", loc)

    def _method(self, bound: Bound, args: tuple[Any, ...], loc: Loc, source: str) -> Any:
        target, name = bound.target, bound.name
        if isinstance(target, Builder):
            return target.with_call(Call(name, args, loc, source))
        if isinstance(target, ColumnRef):
            if name in ("asc", "desc"):
                return ColumnRef(target.table, target.key, target.loc, name, target.nulls, target.opclass)
            if name in ("nullsFirst", "nullsLast"):
                nulls = "first" if name == "nullsFirst" else "last"
                return ColumnRef(target.table, target.key, target.loc, target.order, nulls, target.opclass)
            if name == "op":
                opclass = args[0] if args and isinstance(args[0], str) else None
                return ColumnRef(target.table, target.key, target.loc, target.order, target.nulls, opclass)
            if name == "through":
                return ThroughRef(target, args[0] if args else None)
        if isinstance(target, SchemaObj):
            if name == "table":
                return _make_table(target.kind, args, loc, schema=target.name)
            if name == "enum":
                return _make_enum(args, loc, target.name)
        if isinstance(target, TableObj):
            if name == "enableRLS":
                target.row_security = True
            return target
        if isinstance(target, JsFunction) and name in ("call", "apply"):
            rest = args[1:] if name == "call" else (tuple(args[1]) if len(args) > 1 and isinstance(args[1], list) else ())
            return call_function(target, rest, loc)
        return Opaque(f"the method '{name}' is not evaluated", loc)


@dataclass(frozen=True, eq=False)
class RelationHelper:
    """The `one` / `many` a relations() callback receives."""

    kind: str


def _drizzle_call(fn: DrizzleFn, args: tuple[Any, ...], loc: Loc) -> Any:
    name = fn.name
    if name in TABLE_FUNCTIONS:
        return _make_table(TABLE_FUNCTIONS[name], args, loc)
    if name == "pgTable.withRLS":
        table = _make_table("pg", args, loc)
        if isinstance(table, TableObj):
            table.row_security = True
        return table
    if name in TABLE_CREATORS:
        return TableCreator(TABLE_CREATORS[name], args[0] if args else None, loc)
    if name in SCHEMA_FUNCTIONS:
        return SchemaObj(args[0] if args else None, SCHEMA_FUNCTIONS[name], loc)
    if name == "pgEnum":
        return _make_enum(args, loc, None)
    if name == "sql.raw":
        text = args[0] if args and isinstance(args[0], str) else None
        if text is None:
            return Opaque("sql.raw() of a value that is not a string", loc)
        return SqlTemplate((text,), (), loc)
    if name == "relations":
        return RelationsObj(args[0] if args else None, args[1] if len(args) > 1 else None, loc)
    if name in ("defineRelations", "defineRelationsPart"):
        return DefineRelationsObj(args[0] if args else None, args[1] if len(args) > 1 else None, loc)
    if name in drizzle_filters.NAMES and fn.module.split("/")[0] == "drizzle-orm" and "-core" not in fn.module:
        return drizzle_filters.build(name, args, loc, SqlTemplate, Opaque)
    return Builder(fn, args, loc)


def _make_table(kind: str, args: tuple[Any, ...], loc: Loc, schema: Any = None, name_mapper: Any = None) -> Any:
    name = args[0] if args else None
    if name_mapper is not None and isinstance(name, str):
        name = call_function(name_mapper, (name,), loc) if isinstance(name_mapper, JsFunction) else Opaque("the table creator's name function is not evaluated", loc)
    schema_name = schema if isinstance(schema, str) or schema is None else None
    return TableObj(kind, name, args[1] if len(args) > 1 else {}, args[2] if len(args) > 2 else None, schema_name, loc)


def _make_enum(args: tuple[Any, ...], loc: Loc, schema: Any) -> EnumObj:
    values = args[1] if len(args) > 1 else []
    if isinstance(values, dict):  # pgEnum("x", MyTsEnum) takes the enum object's values
        values = list(values.values())
    return EnumObj(args[0] if args else None, values, schema if isinstance(schema, str) else None, loc)


def call_function(fn: JsFunction, args: tuple[Any, ...], loc: Loc) -> Any:
    """The value a user function returns for `args` (its body evaluated in a new scope)."""
    module = fn.module
    ev = Evaluator(module)
    node = fn.node
    scope = Scope(fn.scope)
    params = node.child_by_field_name("parameters")
    if params is None:
        single = node.child_by_field_name("parameter")  # `x => ...` without parentheses
        if single is not None:
            scope.values[module.text(single)] = args[0] if args else None
    else:
        position = 0
        for param in params.named_children:
            if param.type not in ("required_parameter", "optional_parameter", "identifier", "assignment_pattern", "rest_pattern"):
                continue
            pattern = param.child_by_field_name("pattern") or param
            default = param.child_by_field_name("value")
            value = args[position] if position < len(args) else None
            if value is None and default is not None:
                value = ev.eval(default, scope)
            _bind(ev, pattern, value, scope)
            position += 1
    body = node.child_by_field_name("body")
    if body is None:
        return Opaque("a function without a body", loc)
    if body.type != "statement_block":
        return ev.eval(body, scope)
    for statement in body.named_children:
        if statement.type in ("lexical_declaration", "variable_declaration"):
            for decl in statement.named_children:
                if decl.type == "variable_declarator":
                    value_node = decl.child_by_field_name("value")
                    value = ev.eval(value_node, scope) if value_node is not None else None
                    _bind(ev, decl.child_by_field_name("name"), value, scope)
        elif statement.type == "return_statement":
            returned = statement.named_children[0] if statement.named_children else None
            return ev.eval(returned, scope) if returned is not None else None
        elif statement.type in ("if_statement", "for_statement", "while_statement", "switch_statement", "try_statement"):
            return Opaque("a function with control flow is not evaluated", module.loc(statement))
    return None


def _bind(ev: Evaluator, pattern: Node | None, value: Any, scope: Scope) -> None:
    if pattern is None:
        return
    m = ev.m
    if pattern.type == "identifier":
        scope.values[m.text(pattern)] = value
    elif pattern.type == "object_pattern":
        for part in pattern.named_children:
            if part.type == "shorthand_property_identifier_pattern":
                name = m.text(part)
                scope.values[name] = ev.member(value, name, part) if value is not None else None
            elif part.type == "pair_pattern":
                key = m.text(part.child_by_field_name("key"))
                _bind(ev, part.child_by_field_name("value"), ev.member(value, key, part), scope)
            elif part.type == "object_assignment_pattern":
                left = part.child_by_field_name("left")
                name = m.text(left)
                got = ev.member(value, name, part) if isinstance(value, dict) and name in value else None
                scope.values[name] = got if got is not None else ev.eval(part.child_by_field_name("right"), scope)
    elif pattern.type == "array_pattern" and isinstance(value, list):
        for i, part in enumerate(pattern.named_children):
            _bind(ev, part, value[i] if i < len(value) else None, scope)
    elif pattern.type == "assignment_pattern":
        left, right = pattern.child_by_field_name("left"), pattern.child_by_field_name("right")
        _bind(ev, left, value if value is not None else ev.eval(right, scope), scope)


def _number(text: str) -> int | float:
    raw = text.replace("_", "").rstrip("n")
    lowered = raw.lower()
    try:
        if lowered.startswith("0x"):
            return int(raw, 16)
        if lowered.startswith("0o"):
            return int(raw[2:], 8)
        if lowered.startswith("0b"):
            return int(raw[2:], 2)
        value = float(raw)
    except ValueError:
        return float("nan")
    return int(value) if value.is_integer() and "e" not in lowered and "." not in raw else value


def _js_string(value: Any) -> str:
    """String(value) as JavaScript writes numbers: 1.0 is "1"."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def js_number_text(value: int | float) -> str:
    return _js_string(value)


def source_files(root: Path) -> list[Path]:
    """Schema source files under a folder, in a stable order (declarations and dependencies skipped)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(SOURCE_SUFFIXES) and not name.endswith(".d.ts") and not name.startswith("drizzle.config."):
                found.append(Path(dirpath) / name)
    return found


__all__ = [
    "Bound", "Builder", "Call", "ColumnRef", "DrizzleFn", "EnumObj", "Evaluator", "JsFunction", "Loc", "Module",
    "Opaque", "Project", "RelationDecl", "RelationHelper", "RelationsObj", "SchemaObj", "SqlTemplate", "TableObj",
    "DefineRelationsObj", "RelationsBuilderObj", "RelationDeclV2", "ThroughRef", "ModuleNamespace",
    "call_function", "js_number_text", "source_files",
]
