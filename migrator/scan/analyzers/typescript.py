"""Pass 1 for TypeScript and JavaScript: one file's imports, exports, clients, getters and uses.

The file is parsed once with tree-sitter (migrator.tsparse) and read with one query run
over the whole tree; Python only looks at the captured nodes, never at every node, so a
file costs about as much as tree-sitter's parse. What the analyzer records:

- imports: ES imports, `require("m")` (destructured, plain, `.member`) and
  `await import("m")` of a literal, resolved to repository paths when relative or
  matching a tsconfig `paths` alias (extensions, `.js` -> `.ts`, index files, tried
  against Project.files);
- exports: declarations, `export { a as b }`, `export default`, `export *`, `export * as
  ns` (Export(name="ns", local="*")), re-exports, `export =` and CommonJS
  `module.exports`/`exports.x`;
- clients: a name bound (`const`, `let`, or a later assignment) to a client creation,
  looking through `globalThis.prisma ?? new PrismaClient()`, ternaries, `await`, casts
  and chained calls (`new PrismaClient().$extends(…)`); env: the `process.env.X` read in
  the creation or in the top-level constants it uses;
- getters: named functions and arrow functions that return a client candidate
  (`return db`, `() => db`, `return getDb()`: returns "getDb()");
- uses: every member chain rooted at a name that could be a client (imported from a
  project file, a local client, a getter, or an alias of one of these), as Use(root,
  chain). Chain elements are member names; "[]" stands for a computed member
  (`db[model]`) and "``" for a tagged template (`sql\\`…\\``, `db.$queryRaw\\`…\\``).
  Aliases are followed within their scope: `const db = getDb()`, `const users =
  db.user`, and the callback parameter of `db.$transaction(async (tx) => …)` /
  `db.transaction(…)` / `sql.begin(…)`, whose uses are recorded on the outer root.
  Use.model carries a hint for the layer: the table identifier given to `from`/
  `insert`/`update`/`delete` (`users` in `.from(schema.users)`), else the first table
  named in a literal SQL argument.

Drizzle's `sql` tag (imported from drizzle-orm) is proven by the file alone, so its uses
are Sites already. Strings and comments are never read as code. A file with a syntax
error is skipped ("syntax error at L:C"), as is a minified one.
"""

from __future__ import annotations

import os
import posixpath
import re
from functools import lru_cache
from typing import Iterable

from tree_sitter import Node, Query, QueryCursor

from migrator.scan import Project, all_layers, register_analyzer
from migrator.scan.analyzers._ts_flow import TRANSACTION, TRANSPARENT, Flow, strip, unwrap_up
from migrator.scan.facts import Binding, Client, Export, FileFacts, Import, Site, Use
from migrator.scan.layers.sql_js import table_in_sql
from migrator.tsparse import SOURCE_SUFFIXES, char_column, first_error, language_for, name_text, node_text, parser_for, string_value

JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs")
DYNAMIC = "[]"  # chain element for db[expr]
TAGGED = "``"  # chain element for a tagged template

# A line this long is generated code, not something a team ports by hand.
MINIFIED_LINE = 5000
MINIFIED_AVERAGE = 300

# (package, exported name) -> layer of the client that calling/constructing it makes.
# "default" covers `import postgres from "postgres"` and `const Database = require(…)`.
CLIENT_FACTORIES: dict[tuple[str, str], str] = {
    ("@prisma/client", "PrismaClient"): "prisma",
    ("drizzle-orm/*", "drizzle"): "drizzle",
    ("pg", "Pool"): "sql-js",
    ("pg", "Client"): "sql-js",
    ("postgres", "default"): "sql-js",
    ("@libsql/client", "createClient"): "sql-js",
    ("better-sqlite3", "default"): "sql-js",
    ("mysql2", "createPool"): "sql-js",
    ("mysql2", "createConnection"): "sql-js",
    ("@neondatabase/serverless", "neon"): "sql-js",
    ("@neondatabase/serverless", "Pool"): "sql-js",
}

# Types whose values are clients (annotations: `db: NodePgDatabase<typeof schema>`), as
# factories: an instance of one is a client. Dotted names are members of an import
# (`Prisma.TransactionClient`).
CLIENT_TYPES: dict[tuple[str, str], str] = {
    ("@prisma/client", "Prisma.TransactionClient"): "prisma",
    **{("drizzle-orm/*", name): "drizzle" for name in (
        "NodePgDatabase", "PostgresJsDatabase", "NeonHttpDatabase", "NeonDatabase", "VercelPgDatabase",
        "PgDatabase", "PgTransaction", "LibSQLDatabase", "BetterSQLite3Database", "BunSQLiteDatabase",
        "DrizzleD1Database", "SQLiteDatabase", "BaseSQLiteDatabase", "SQLiteTransaction", "MySql2Database",
        "MySqlDatabase", "MySqlTransaction", "PlanetScaleDatabase", "ExpoSQLiteDatabase", "PgliteDatabase",
        "NodePgTransaction", "PostgresJsTransaction")},
    ("pg", "PoolClient"): "sql-js",
    ("@libsql/client", "Client"): "sql-js",
    # @nestjs-cls/transactional's adapters: the type argument of TransactionHost names the client.
    ("@nestjs-cls/transactional-adapter-prisma", "TransactionalAdapterPrisma"): "prisma",
    ("@nestjs-cls/transactional-adapter-drizzle-orm", "TransactionalAdapterDrizzleOrm"): "drizzle",
}
# Library types that hold a client in a member: (package, type) -> the member.
CLIENT_HOLDERS: dict[tuple[str, str], str] = {
    ("@nestjs-cls/transactional", "TransactionHost"): "tx",
}
for (_package, _name), _layer in list(CLIENT_TYPES.items()):
    if "." not in _name:
        CLIENT_FACTORIES.setdefault((_package, _name), _layer)

# (package, imported name) whose own uses are call sites: (layer, operation, chain heads that count).
PACKAGE_SITES: dict[tuple[str, str], tuple[str, str, frozenset[str]]] = {
    ("drizzle-orm", "sql"): ("drizzle", "sql", frozenset({TAGGED, "raw"})),
}

# A Prisma client generated to a custom output is imported from the project, not @prisma/client.
_GENERATED_PRISMA = re.compile(r"(?:^|/)(?:\.prisma/client|generated/prisma|prisma/generated|generated/client)(?:/|$)")

# Methods whose first argument is the table (drizzle's builders) -> the Use's model hint.
TABLE_ARGUMENT = frozenset({"from", "insert", "update", "delete", "into", "$count"})

_QUERY = """
(import_statement) @import
(export_statement) @export
(call_expression function: (identifier) @require.fn arguments: (arguments . (string))) @require
(call_expression function: (import) arguments: (arguments . (string))) @dynamic
(variable_declarator name: (_) value: (_)) @decl
(variable_declarator name: (_)) @declname
(assignment_expression) @assign
(augmented_assignment_expression) @assign
(function_declaration) @function
(generator_function_declaration) @function
(function_expression) @function
(arrow_function) @function
(method_definition) @function
(required_parameter) @param
(optional_parameter) @param
(class_declaration) @class
(abstract_class_declaration) @class
(class) @class
(object) @object
(type_alias_declaration) @typealias
(interface_declaration) @interface
(call_expression function: (member_expression property: (property_identifier) @tx.method) arguments: (arguments)) @tx
(call_expression arguments: (arguments (_) (_))) @call
(member_expression object: (identifier) @root)
(member_expression object: (this) @root)
(subscript_expression object: (identifier) @root)
(call_expression function: (identifier) @root)
(binary_expression left: (identifier) @root operator: "<")
(instantiation_expression . (identifier) @root)
"""

_ENV_QUERY = """
(member_expression object: (member_expression) @env.obj property: (property_identifier) @env.name)
(subscript_expression object: (member_expression) @env.obj index: (string) @env.name)
(identifier) @ident
"""
# Variables a client creation often reads that say nothing about the connection.
NOT_CONNECTION_ENV = frozenset({"NODE_ENV", "LOG_LEVEL", "DEBUG", "CI", "VERCEL_ENV", "APP_ENV"})
_ENV_OBJECTS = frozenset({"process.env", "import.meta.env", "Bun.env"})


@lru_cache(maxsize=None)
def _queries(kind: str) -> tuple[Query, Query]:
    language = language_for("x.tsx" if kind == "tsx" else "x.ts")
    return Query(language, _QUERY), Query(language, _ENV_QUERY)


@lru_cache(maxsize=None)
def _package_layers() -> tuple[tuple[str, str], ...]:
    """(package, layer) for every TypeScript layer, longest package first."""
    pairs = [(p, layer.name) for layer in all_layers().values() if layer.language == "typescript" for p in layer.packages]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def package_key(module: str) -> str:
    """The CLIENT_FACTORIES/PACKAGE_SITES key of an import specifier."""
    if module.startswith("drizzle-orm/"):
        return "drizzle-orm/*"
    if module.startswith("@prisma/client") or _GENERATED_PRISMA.search(module):
        return "@prisma/client"
    if module.startswith("mysql2/"):
        return "mysql2"
    return module


def _client_package(module: str) -> bool:
    """A package whose names CLIENT_FACTORIES or CLIENT_TYPES list (a client factory or a client type)."""
    key = package_key(module)
    return any(package == key for package, _ in CLIENT_FACTORIES) or any(package == key for package, _ in CLIENT_TYPES)


def layer_of_package(module: str) -> str | None:
    key = package_key(module)
    if key == "@prisma/client":
        return "prisma"
    for package, layer in _package_layers():
        if module == package or module.startswith(package + "/"):
            return layer
    return None


# ---------------------------------------------------------------------------
# Module resolution (pass 1, against the list of files: no disk access)


def resolve_module(spec: str, importer: str, project: Project) -> str | None:
    """The repository-relative file an import specifier loads, or None (a package, or not found)."""
    if spec.startswith("."):
        bases: Iterable[str] = (posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec)),)
    else:
        bases = _alias_targets(spec, project.ts_paths)
    exists = _exists(project)
    for base in bases:
        if base.startswith("../") or base == "..":
            continue
        found = _file_for(base, exists)
        if found is not None:
            return found
    return None


def _alias_targets(spec: str, ts_paths: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    out = []
    for pattern, targets in ts_paths:
        prefix, star, suffix = pattern.partition("*")
        if star:
            if spec.startswith(prefix) and spec.endswith(suffix) and len(spec) >= len(prefix) + len(suffix):
                middle = spec[len(prefix) : len(spec) - len(suffix)]
                out += [posixpath.normpath(t.replace("*", middle, 1)) for t in targets]
        elif spec == pattern:
            out += [posixpath.normpath(t) for t in targets]
    return out


def _exists(project: Project):
    if project.files:
        return project.files.__contains__
    root = project.root
    return lambda path: os.path.isfile(os.path.join(root, path))


def _file_for(base: str, exists) -> str | None:
    """The file an import of `base` loads: itself, with a source suffix, or its index file."""
    candidates = []
    if base.endswith(SOURCE_SUFFIXES):
        candidates.append(base)
        if base.endswith(JS_SUFFIXES):
            # TypeScript's ESM style: `import "./users.js"` loads users.ts.
            stem = base.rsplit(".", 1)[0]
            candidates += [stem + s for s in (".ts", ".tsx", ".mts", ".cts")]
    candidates += [base + s for s in SOURCE_SUFFIXES]
    candidates += [f"{base}/index{s}" for s in SOURCE_SUFFIXES]
    for candidate in candidates:
        if not candidate.endswith(".d.ts") and exists(candidate):
            return candidate
    return None


# ---------------------------------------------------------------------------
# The analyzer


def _template_text(source: bytes, node: Node) -> str:
    return "".join(node_text(source, c) for c in node.named_children if c.type == "string_fragment")


def _sql_text(source: bytes, node: Node | None) -> str | None:
    """Literal SQL in an argument: a string, a template, or a tagged template (`sql\\`…\\``)."""
    node = strip(node)
    if node is None:
        return None
    if node.type == "string":
        return string_value(source, node)
    if node.type == "template_string":
        return _template_text(source, node)
    if node.type == "call_expression":
        args = node.child_by_field_name("arguments")
        if args is not None and args.type == "template_string":
            return _template_text(source, args)
    return None


def _table_identifier(source: bytes, node: Node | None) -> str | None:
    node = strip(node)
    if node is None:
        return None
    if node.type == "identifier":
        return node_text(source, node)
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return node_text(source, prop) if prop is not None else None
    return None


def _leading_template(node: Node | None) -> Node | None:
    """The template a member/call chain starts with: `sql<number>` + template + `.as("n")` parses
    as (sql < number) > (template.as("n")), whose right side starts with the tag's template."""
    while node is not None and node.type in ("call_expression", "member_expression"):
        node = node.child_by_field_name("function" if node.type == "call_expression" else "object")
    return node if node is not None and node.type == "template_string" else None


def _first_argument(args: Node) -> Node | None:
    for child in args.named_children:
        if child.type != "comment":
            return child
    return None


class _File:
    """The state of analyzing one file (kept off the analyzer so workers share nothing)."""

    def __init__(self, path: str, source: bytes, project: Project, tree) -> None:
        self.path = path
        self.src = source
        self.project = project
        self.tree = tree
        self.imports: list[Import] = []
        self.import_by_local: dict[str, Import] = {}
        self.exports: list[Export] = []
        self.clients: dict[str, Client] = {}
        self.uses: list[Use] = []
        self.sites: list[Site] = []
        self.toplevel: dict[str, Node] = {}  # top-level const name -> its value (for env)
        self.flow: Flow | None = None

    def text(self, node: Node) -> str:
        return node_text(self.src, node)

    def package_bindings(self) -> None:
        """Imports of a client package's factories and client types hold a factory of that layer
        (`drizzle`, `PrismaClient`, `Pool`, `NodePgDatabase`, `Prisma.TransactionClient`)."""
        for imp in self.imports:
            if imp.resolved is not None:
                continue
            key = package_key(imp.module)
            if imp.name in ("*", "default"):
                members = [(name, layer) for (package, name), layer in CLIENT_FACTORIES.items() if package == key and name != "default"]
                if members:
                    self.flow.bind(imp.local, "object", [])
                    for name, layer in members:
                        self.flow.bind(f"{imp.local}.{name}", "value", [(f"@@{layer}",)])
            layer = CLIENT_FACTORIES.get((key, "default" if imp.name == "*" else imp.name))
            if layer is not None:
                self.flow.bind(imp.local, "value", [(f"@@{layer}",)])
            for (package, dotted), layer in CLIENT_TYPES.items():
                head, _, rest = dotted.partition(".")
                if package == key and rest and head == imp.name:
                    self.flow.bind(imp.local, "object", [])
                    self.flow.bind(f"{imp.local}.{rest}", "value", [(f"@@{layer}",)])

    def dangling_imports(self) -> tuple[str, ...]:
        """Imports of project modules that resolve to no file: what they bind is unknowable
        (a call on it is read by its API alone), and each is named in a note."""
        notes = []
        for imp in self.imports:
            if imp.resolved is not None or imp.local.startswith("import@") or not self.names_project_file(imp.module):
                continue
            self.flow.bind(imp.local, "dangling", [])
            note = f"{self.path}:{imp.line}: import \"{imp.module}\" resolves to no file of the project"
            if note not in notes:
                notes.append(note)
        return tuple(notes)

    def names_project_file(self, spec: str) -> bool:
        """A relative import or one a path alias maps, naming a source module (not a stylesheet or an image)."""
        if not spec.startswith("."):
            if not _alias_targets(spec, self.project.ts_paths):
                return False
            parts = spec.split("/")
            package = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
            if package in self.project.packages or spec in self.project.packages:
                return False  # the alias found nothing, so TypeScript falls back to the package
        last = spec.rsplit("/", 1)[-1]
        return "." not in last.lstrip(".") or last.endswith(SOURCE_SUFFIXES)

    def holder_member(self, name: Node | None) -> str | None:
        """The client-holding member of a library type named by `name` (CLIENT_HOLDERS), if it is one."""
        if name is None or name.type != "type_identifier":
            return None
        imp = self.import_by_local.get(self.text(name))
        return CLIENT_HOLDERS.get((package_key(imp.module), imp.name)) if imp is not None and imp.resolved is None else None

    def is_outside(self, symbol: str) -> bool:
        """A name from a package, or a global: not a function whose returns the value flow can see."""
        imp = self.import_by_local.get(symbol)
        if imp is not None:
            return imp.resolved is None
        return "@" not in symbol and symbol not in self.toplevel and not self.flow.decls.get(symbol)

    # -- imports and exports ------------------------------------------------

    def add_import(self, local: str, module: str, name: str, node: Node) -> None:
        imp = Import(local=local, module=module, name=name, line=node.start_point[0] + 1,
                     resolved=resolve_module(module, self.path, self.project) if _may_be_file(module, self.project) else None)
        self.imports.append(imp)
        self.import_by_local[local] = imp

    def es_import(self, node: Node) -> None:
        source = node.child_by_field_name("source")
        if source is None:
            return
        spec = string_value(self.src, source)
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.add_import(self.text(part), spec, "default", node)
                elif part.type == "namespace_import":
                    ident = part.named_children[-1]
                    self.add_import(self.text(ident), spec, "*", node)
                elif part.type == "named_imports":
                    for item in part.named_children:
                        if item.type == "import_specifier":
                            name = item.child_by_field_name("name")
                            alias = item.child_by_field_name("alias") or name
                            self.add_import(self.text(alias), spec, name_text(self.src, name), node)

    def call_import(self, call: Node) -> None:
        """`require("m")` or `import("m")`, bound by a declaration (plain, destructured, or `.member`)."""
        args = call.child_by_field_name("arguments")
        spec = string_value(self.src, _first_argument(args))
        node = unwrap_up(call)
        member = None
        parent = node.parent
        if parent is not None and parent.type == "member_expression" and parent.child(0) == node:
            member = self.text(parent.child_by_field_name("property"))
            node = unwrap_up(parent)
            parent = node.parent
        if parent is None or parent.type != "variable_declarator":
            return
        target = parent.child_by_field_name("name")
        # A require inside a function binds a local of that function.
        local = lambda ident: self.flow.resolve(self.text(ident), ident.start_byte)  # noqa: E731
        if target.type == "identifier":
            self.add_import(local(target), spec, member or "*", call)
        elif target.type == "object_pattern" and member is None:
            for item in target.named_children:
                if item.type == "shorthand_property_identifier_pattern":
                    self.add_import(local(item), spec, self.text(item), call)
                elif item.type == "pair_pattern":
                    key, value = item.child_by_field_name("key"), item.child_by_field_name("value")
                    if value is not None and value.type == "identifier":
                        self.add_import(local(value), spec, name_text(self.src, key), call)

    def export(self, node: Node) -> None:
        source = node.child_by_field_name("source")
        spec = string_value(self.src, source) if source is not None else None
        resolved = resolve_module(spec, self.path, self.project) if spec and _may_be_file(spec, self.project) else None
        declaration = node.child_by_field_name("declaration")
        if declaration is not None:
            if declaration.type in ("lexical_declaration", "variable_declaration"):
                for decl in declaration.named_children:
                    name = decl.child_by_field_name("name") if decl.type == "variable_declarator" else None
                    if name is not None and name.type == "identifier":
                        self.exports.append(Export(self.text(name), self.text(name)))
            else:
                name = declaration.child_by_field_name("name")
                if name is not None:
                    self.exports.append(Export(self.text(name), self.text(name)))
            return
        value = node.child_by_field_name("value")
        is_default = any(c.type in ("default", "=") for c in node.children)
        if is_default:
            target = value if value is not None else next(iter(node.named_children), None)
            target = strip(target)
            if target is None:
                return
            if target.type == "identifier":
                self.exports.append(Export("default", self.text(target)))
            elif target.type in ("function_declaration", "class_declaration", "generator_function_declaration") and target.child_by_field_name("name"):
                self.exports.append(Export("default", self.text(target.child_by_field_name("name"))))
            else:
                # An anonymous default (a function, `new PrismaClient()`): bound to the name "default".
                self.exports.append(Export("default", "default"))
                self.binding("default", target)
            return
        client_package = spec is not None and resolved is None and _client_package(spec)
        for child in node.named_children:
            if child.type == "export_clause":
                for item in child.named_children:
                    if item.type != "export_specifier":
                        continue
                    name = name_text(self.src, item.child_by_field_name("name"))
                    alias = item.child_by_field_name("alias")
                    exported = name_text(self.src, alias) if alias is not None else name
                    if client_package:
                        self._reexport(exported, name, spec, item)
                    else:
                        self.exports.append(Export(exported, name, spec, resolved))
                return
            if child.type == "namespace_export" and spec:
                self.exports.append(Export(name_text(self.src, child.named_children[-1]), "*", spec, resolved))
                return
        if client_package:
            # `export * from "@prisma/client"` (or a generated client): its client factories and types.
            key = package_key(spec)
            names = {n for (package, n), _ in CLIENT_FACTORIES.items() if package == key and n != "default"}
            names |= {dotted.partition(".")[0] for (package, dotted), _ in CLIENT_TYPES.items() if package == key}
            for name in sorted(names):
                self._reexport(name, name, spec, node)
            return
        if spec:
            self.exports.append(Export("*", None, spec, resolved))

    def _reexport(self, exported: str, name: str, spec: str, node: Node) -> None:
        """`export { Prisma } from "@prisma/client"` in a project module (a workspace package's
        barrel): an import of the package's name and an export of it, so what imports it from the
        project gets the package's bindings (`Prisma.TransactionClient` is a client type)."""
        local = f"reexport@{exported}"
        self.add_import(local, spec, name, node)
        self.exports.append(Export(exported, local))

    def commonjs_export(self, left: Node, right: Node) -> None:
        """`module.exports = x`, `module.exports = { a, b: c }`, `exports.a = x`, `module.exports.a = x`."""
        text = self.text(left)
        value = strip(right)
        if text == "module.exports":
            if value is None:
                return
            if value.type == "identifier":
                self.exports.append(Export("default", self.text(value)))
            elif value.type == "object":
                for item in value.named_children:
                    if item.type == "shorthand_property_identifier":
                        self.exports.append(Export(self.text(item), self.text(item)))
                    elif item.type == "pair":
                        key, val = item.child_by_field_name("key"), strip(item.child_by_field_name("value"))
                        if val is not None and val.type == "identifier":
                            self.exports.append(Export(name_text(self.src, key), self.text(val)))
            else:
                self.exports.append(Export("default", "default"))
                self.binding("default", value)
            return
        for prefix in ("module.exports.", "exports."):
            if text.startswith(prefix) and text[len(prefix):].isidentifier():
                name = text[len(prefix):]
                if value is not None and value.type == "identifier":
                    self.exports.append(Export(name, self.text(value)))
                elif value is not None:
                    self.exports.append(Export(name, name))
                    self.binding(name, value)
                return

    # -- clients ------------------------------------------------------------

    def creation_layer(self, node: Node | None, depth: int = 0) -> str | None:
        """The layer of the client an expression creates, looking through `??`, `||`, ternaries and chained calls."""
        node = strip(node)
        if node is None or depth > 8:
            return None
        kind = node.type
        if kind == "binary_expression":
            op = node.child_by_field_name("operator")
            if op is not None and self.text(op) in ("??", "||"):
                return self.creation_layer(node.child_by_field_name("right"), depth + 1) or self.creation_layer(node.child_by_field_name("left"), depth + 1)
            return None
        if kind == "ternary_expression":
            return self.creation_layer(node.child_by_field_name("consequence"), depth + 1) or self.creation_layer(node.child_by_field_name("alternative"), depth + 1)
        if kind == "assignment_expression":  # `cached ??= …` is augmented; `(cached = new X())` is this
            return self.creation_layer(node.child_by_field_name("right"), depth + 1)
        if kind == "identifier" and depth > 0:
            # Inside a larger expression (`base.$extends(…)`, a callback's `return base`), a
            # name already bound to a client of this file is that client.
            known = self.clients.get(self.text(node))
            return known.layer if known is not None else None
        if kind not in ("new_expression", "call_expression"):
            return None
        callee = strip(node.child_by_field_name("constructor" if kind == "new_expression" else "function"))
        if callee is None:
            return None
        if callee.type == "identifier":
            imp = self.import_by_local.get(self.text(callee))
            if imp is None:
                return self.created_by_callback(node, depth) if kind == "call_expression" else None
            name = "default" if imp.name == "*" else imp.name
            return CLIENT_FACTORIES.get((package_key(imp.module), name)) or (
                self.created_by_callback(node, depth) if kind == "call_expression" else None)
        if callee.type == "member_expression":
            obj = strip(callee.child_by_field_name("object"))
            if obj is not None and obj.type == "identifier" and self.text(obj) in self.import_by_local:
                imp = self.import_by_local[self.text(obj)]
                if imp.name in ("*", "default"):  # `new pg.Pool()`
                    return CLIENT_FACTORIES.get((package_key(imp.module), self.text(callee.child_by_field_name("property"))))
            # `new PrismaClient().$extends(…)`: a method chained on a creation is still that client.
            return self.creation_layer(obj, depth + 1) if kind == "call_expression" else None
        return None

    def created_by_callback(self, call: Node, depth: int) -> str | None:
        """`remember("prisma", () => new PrismaClient())`, `cache(() => drizzle(pool))`: a singleton
        or memoizing helper returns what its callback creates (documenso's pattern)."""
        args = call.child_by_field_name("arguments")
        if args is None:
            return None
        for arg in args.named_children:
            arg = strip(arg)
            if arg is None or arg.type not in ("arrow_function", "function_expression", "function"):
                continue
            body = strip(arg.child_by_field_name("body"))
            if body is None:
                continue
            if body.type != "statement_block":
                layer = self.creation_layer(body, depth + 1)
            else:
                layer = next((found for ret in _returns(body)
                              for found in [self.creation_layer(ret.named_children[0] if ret.named_children else None, depth + 1)]
                              if found), None)
            if layer is not None:
                return layer
        return None

    def binding(self, local: str, value: Node | None) -> None:
        layer = self.creation_layer(value)
        if layer is not None and local not in self.clients:
            self.clients[local] = Client(local=local, layer=layer, line=value.start_point[0] + 1, env=self.env_of(value))

    def env_of(self, value: Node) -> tuple[str, ...]:
        """Environment variables a creation reads, directly or through the top-level constants it names."""
        found: list[str] = []
        seen: set[str] = set()
        pending = [value]
        env_query = _queries(self.kind)[1]
        while pending:
            node = pending.pop()
            cursor = QueryCursor(env_query)
            cursor.set_byte_range(node.start_byte, node.end_byte)
            for _, caps in cursor.matches(self.tree.root_node):
                if "env.obj" in caps:
                    if self.text(caps["env.obj"][0]) in _ENV_OBJECTS:
                        name_node = caps["env.name"][0]
                        name = string_value(self.src, name_node) if name_node.type == "string" else self.text(name_node)
                        if name not in found and name not in NOT_CONNECTION_ENV:
                            found.append(name)
                else:
                    ident = self.text(caps["ident"][0])
                    if ident not in seen and ident in self.toplevel:
                        seen.add(ident)
                        pending.append(self.toplevel[ident])
        return tuple(found)

    # -- uses ---------------------------------------------------------------

    def use(self, root: Node, live: set[str], weak: set[str] = frozenset()) -> None:
        """A member chain (or a call) on a symbol that may hold a client: a Use for the resolver,
        or a Site when the file alone proves it (Drizzle's `sql` tag)."""
        if root.type == "this":
            cls = self.flow.enclosing_class(root)
            base = f"{cls}#this" if cls else None
            member = root.parent.child_by_field_name("property") if root.parent is not None and root.parent.type == "member_expression" else None
            if cls and member is not None:
                name = self.text(member).lstrip("#")
                # `this.logger.error()` in a class that extends the client: a member the class
                # declares itself is that member, not one of the client's model delegates.
                if name in self.flow.own_members.get(cls, ()) and f"{cls}#{name}" not in live:
                    return
        else:
            base = self.flow.resolve(self.text(root), root.start_byte)
        if base is None or base not in live:
            return
        chain: list[str] = []
        calls: list[int] = []
        call = False
        model_hint: str | None = None
        sql_hint: str | None = None
        steps = 0
        last = None
        node = root
        while True:
            parent = node.parent
            if parent is None:
                break
            kind = parent.type
            if kind in TRANSPARENT or kind == "instantiation_expression" and parent.child(0) == node:
                # `sql<T[]>` split over lines parses as an instantiation of `sql`.
                node = parent
                continue
            if parent.child(0) != node:
                break
            if kind == "member_expression":
                prop = parent.child_by_field_name("property")
                chain.append(self.text(prop) if prop is not None else DYNAMIC)
                last = "member"
            elif kind == "subscript_expression":
                index = strip(parent.child_by_field_name("index"))
                chain.append(string_value(self.src, index) if index is not None and index.type == "string" else DYNAMIC)
                last = "member"
            elif kind == "call_expression":
                args = parent.child_by_field_name("arguments")
                if args is not None and args.type == "template_string":
                    chain.append(TAGGED)
                    sql_hint = sql_hint or _sql_text(self.src, args)
                elif not chain:
                    call = True  # getDb(): the root is called before any member
                elif args is not None:
                    first = _first_argument(args)
                    method = chain[-1]
                    if method in TABLE_ARGUMENT and model_hint is None:
                        model_hint = _table_identifier(self.src, first)
                    if sql_hint is None:
                        sql_hint = _sql_text(self.src, first)
                    if not calls or calls[-1] != len(chain) - 1:
                        calls.append(len(chain) - 1)
                last = "call"
            elif kind == "binary_expression" and self._type_argument_tag(parent):
                # `sql<number>\`…\`` parses as (sql < number) > `…` outside a call.
                template = _leading_template(parent.parent.child_by_field_name("right"))
                chain.append(TAGGED)
                sql_hint = sql_hint or _sql_text(self.src, template)
                node = parent.parent
                steps += 1
                last = "call"
                continue
            else:
                break
            node = parent
            steps += 1
        # `const db = getDb()`, `const users = db.user`, `const client = db`: a binding the
        # value flow follows, not a use.
        holder = unwrap_up(node).parent
        if holder is not None and holder.type == "variable_declarator" and holder.child_by_field_name("value") is not None \
                and (steps == 0 or last == "member" or (call and not chain)):
            return
        if not chain or (base in weak and (len(chain) < 2 or call)):
            return
        self.emit(root, base, call, tuple(chain), tuple(calls), model_hint or (table_in_sql(sql_hint) if sql_hint else None))

    def _type_argument_tag(self, lt: Node) -> bool:
        op = lt.child_by_field_name("operator")
        outer = lt.parent
        if op is None or self.text(op) != "<" or outer is None or outer.type != "binary_expression" or outer.child(0) != lt:
            return False
        outer_op, right = outer.child_by_field_name("operator"), outer.child_by_field_name("right")
        return outer_op is not None and self.text(outer_op) == ">" and _leading_template(right) is not None

    def emit(self, root: Node, base: str, call: bool, chain: tuple[str, ...], calls: tuple[int, ...], model: str | None) -> None:
        line, column = root.start_point[0] + 1, char_column(self.src, root)
        imp = self.import_by_local.get(base)
        if imp is not None and not call:
            proven = PACKAGE_SITES.get((package_key(imp.module), imp.name))
            if proven is not None:
                layer, operation, heads = proven
                if chain[0] in heads:
                    self.sites.append(Site(self.path, line, column, layer, model or "-", operation))
                return
        self.uses.append(Use(base, chain, line, column, call, model, None, calls))

    @property
    def kind(self) -> str:
        return "tsx" if self.path.endswith((".tsx", ".jsx")) else "ts"


def _may_be_file(spec: str, project: Project) -> bool:
    """Relative imports and tsconfig aliases can name project files; bare packages cannot."""
    return spec.startswith(".") or bool(project.ts_paths)


def _returns(body: Node) -> list[Node]:
    """The return statements of a function body, nested blocks included, nested functions not."""
    out, stack = [], [body]
    while stack:
        node = stack.pop()
        for child in node.named_children:
            if child.type == "return_statement":
                out.append(child)
            elif child.type not in ("arrow_function", "function_expression", "function_declaration", "class_declaration", "method_definition"):
                stack.append(child)
    return out


def _mostly_broken(root: Node) -> bool:
    """Whether syntax errors cover so much of a file (more than a tenth of its bytes) that
    reading around them would mislead."""
    broken = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            broken += node.end_byte - node.start_byte
        elif node.has_error:
            stack.extend(node.children)
    return broken * 10 > max(root.end_byte - root.start_byte, 1)


def _minified(text: str) -> bool:
    lines = text.count("\n") + 1
    if len(text) / lines > MINIFIED_AVERAGE and len(text) > 2 * MINIFIED_AVERAGE:
        return True
    return len(text) > MINIFIED_LINE and max(map(len, text.split("\n"))) > MINIFIED_LINE


class TypeScriptAnalyzer:
    language = "typescript"
    extensions = SOURCE_SUFFIXES

    def analyze(self, path: str, text: str, project: Project) -> FileFacts:
        language = "javascript" if path.endswith(JS_SUFFIXES) else "typescript"
        if _minified(text):
            return FileFacts(path=path, language=language, skipped="minified")
        source = text.encode("utf-8")
        tree = parser_for(path).parse(source)
        root = tree.root_node
        notes: tuple[str, ...] = ()
        if root.has_error:
            bad = first_error(root) or root
            where = f"{bad.start_point[0] + 1}:{char_column(source, bad)}"
            if _mostly_broken(root):
                return FileFacts(path=path, language=language, skipped=f"syntax error at {where}")
            # The grammar lags TypeScript (`export type * from`, a generic tag split over lines):
            # what it could read is analyzed, and the part it could not is named.
            notes = (f"{path}:{where}: syntax error: read around it; call sites inside it are not counted",)
        f = _File(path, source, project, tree)
        caps = QueryCursor(_queries(f.kind)[0]).captures(root)
        flow = f.flow = Flow(source, root, f.is_outside, f.holder_member)
        functions = caps.get("function", ())
        flow.declare_all(caps.get("declname", ()), caps.get("param", ()),
                         [n for n in functions if n.type in ("function_declaration", "generator_function_declaration")],
                         caps.get("class", ()))

        for node in caps.get("import", ()):
            f.es_import(node)
        for node in [*caps.get("require", ()), *caps.get("dynamic", ())]:
            if node.type == "call_expression" and (node.child(0).type == "import" or f.text(node.child(0)) == "require"):
                f.call_import(node)
            if node.type == "call_expression" and node.child(0).type == "import":
                # Every `import("m")` is also the module itself where it stands
                # (`typeof import("@/server/db").db` in a type).
                spec = string_value(source, _first_argument(node.child_by_field_name("arguments")))
                f.add_import(f"import@{node.start_byte}", spec, "*", node)
        for node in caps.get("export", ()):
            f.export(node)
        decls = sorted(caps.get("decl", ()), key=lambda n: n.start_byte)  # one node can match two patterns: order is not kept
        for node in decls:
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name.type == "identifier" and node.parent is not None and node.parent.parent is not None \
                    and node.parent.parent.type in ("program", "export_statement"):
                f.toplevel[f.text(name)] = value
        for node in functions:
            # A creation that calls a module's own function (`drizzle({ client: pool() })`) reads its environment too.
            name = node.child_by_field_name("name")
            if node.type == "function_declaration" and name is not None and node.parent is not None \
                    and node.parent.type in ("program", "export_statement"):
                f.toplevel.setdefault(f.text(name), node)
        for node in decls:
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name.type == "identifier":
                f.binding(flow.resolve(f.text(name), name.start_byte), value)
        for node in caps.get("assign", ()):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None:
                continue
            if left.type == "identifier":
                f.binding(flow.resolve(f.text(left), left.start_byte), right)
            elif left.type == "member_expression" and f.text(left).startswith(("module.exports", "exports.")):
                f.commonjs_export(left, right)

        # Values: where each symbol's contents come from (see _ts_flow).
        f.package_bindings()
        notes += f.dangling_imports()
        for node in sorted(caps.get("declname", ()), key=lambda n: n.start_byte):
            flow.declaration(node)  # `let prisma: PrismaService;` flows from its annotation even without a value
        for node in caps.get("assign", ()):
            flow.assignment(node)
        for node in caps.get("class", ()):
            flow.klass(node)
        for node in functions:
            body = node.child_by_field_name("body")
            flow.function(node, _returns(body) if body is not None and body.type == "statement_block" else [])
        for node in caps.get("param", ()):
            flow.parameter(node)
        for node in caps.get("object", ()):
            flow.object_literal(node)
        for node in caps.get("typealias", ()):
            flow.type_alias(node)
        for node in caps.get("interface", ()):
            flow.interface(node)
        for node in caps.get("call", ()):
            args = node.child_by_field_name("arguments")
            if args is not None and args.type == "arguments" and len(args.named_children) >= 2:
                flow.passed_along(args)
        for node in caps.get("tx", ()):
            method = node.child_by_field_name("function").child_by_field_name("property")
            if f.text(method) in TRANSACTION:
                receiver = flow.sources(node.child_by_field_name("function").child_by_field_name("object"))
                if receiver:
                    flow.transaction_callback(receiver, node.child_by_field_name("arguments"))
        seeds = {i.local for i in f.imports if i.resolved is not None}
        bindings = [Binding(symbol, kind, sources) for symbol, kind, sources in flow.kept(seeds | set(f.clients))]
        live = seeds | {b.name for b in bindings} | set(f.clients)
        # Parameters nothing is known of: only chains long enough to pass through a client
        # field (`ctx.db.select()`) can be call sites.
        weak = {b.name for b in bindings if b.kind == "param"} - {b.name for b in bindings if b.kind != "param"}
        live |= {i.local for i in f.imports if (package_key(i.module), i.name) in PACKAGE_SITES}

        roots = sorted(caps.get("root", ()), key=lambda n: n.start_byte)
        for node in roots:
            f.use(node, live, weak)

        layers = {layer_of_package(i.module) for i in f.imports} - {None}
        if "drizzle" in {c.layer for c in f.clients.values()}:
            # The driver a drizzle client is built on is drizzle's plumbing, not raw SQL.
            layers.discard("sql-js")
        return FileFacts(
            path=path,
            language=language,
            imports=tuple(f.imports),
            exports=tuple(f.exports),
            clients=tuple(f.clients.values()),
            bindings=tuple(bindings),
            uses=tuple(f.uses),
            sites=tuple(f.sites),
            layers_imported=tuple(sorted(layers)),  # type: ignore[arg-type]
            notes=notes,
        )


ANALYZER = register_analyzer(TypeScriptAnalyzer())
