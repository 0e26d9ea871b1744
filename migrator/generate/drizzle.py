"""Drizzle ORM schema code from migrator's schema model: `generate_drizzle(schema, dialect, layout)`.

The output is drizzle-orm TypeScript (pg-core or sqlite-core) in drizzle-kit's style: 2-space
indent, double quotes, trailing commas, one `export const` per table, enum and schema. What
each type and default becomes is the data of migrator.generate.mapping; this module lays the
code out. Every choice is made so that migrator's Drizzle reader reads the files back as the
same schema (`migrator generate drizzle --verify`, tests/generate/test_drizzle.py):

- Tables keep their physical names (`pgTable("User", {...})`); property keys are the column
  names (a sanitized name when a column's is not a JavaScript identifier); every builder is
  given the column's name, so a drizzle.config `casing` cannot rename anything.
- Primary keys: `.primaryKey()` on the column when PostgreSQL's own name (<table>_pkey) is the
  model's (on SQLite: when the column is NOT NULL, or is the rowid), else
  `primaryKey({ name, columns })` in the table's extra-config callback `(t) => [...]`.
- Foreign keys: `.references(() => other.col, { onDelete })` when the key has one column and
  drizzle's default name (<table>_<col>_<ref>_<refcol>_fk) is the model's; otherwise
  `foreignKey({ name, columns, foreignColumns })` with `.onDelete()`/`.onUpdate()`.
- Uniques `unique(name).on(...)`, indexes `index(name).on(...)`/`uniqueIndex`, `.using(method,
  ...)` for non-btree methods, `.desc()`, `.nullsFirst()`/`.nullsLast()`, `.op(opclass)`,
  sql`` keys and `.where(sql`...`)`; checks `check(name, sql`...`)`.
- Serial columns (a default that is the column's own sequence) are serial builders; identity
  columns `.generatedAlwaysAsIdentity()`/`.generatedByDefaultAsIdentity()`; other sequences
  `pgSequence`. Enums `pgEnum`; schemas other than public `pgSchema("x")` with `x.table`/`x.enum`.
- What drizzle cannot say (comments, collations, deferrable constraints, index INCLUDE, views,
  ...) is written as a `// migrator:` comment where it was left out, never dropped silently.

layout "single" writes schema.ts; "per-table" writes one file per table, enums.ts, schemas.ts,
sequences.ts and _types.ts as needed, and an index.ts barrel exporting them all.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrator import schema as model
from migrator.appmodel import AppModel, Model, Relation, derive
from migrator.defaults import classify_default
from migrator.errors import BadInput
from migrator.generate import mapping
from migrator.pgnames import make_object_name, truncate
from migrator.sqltext import quote_ident, quote_literal, redact, url_secrets
from migrator.types import parse_type, render_type

LAYOUTS = ("single", "per-table", "per-prisma-file")
WIDTH = 100  # prettier's printWidth, as drizzle projects commonly set it
DEFAULT_NAMESPACE = {"postgresql": "public", "sqlite": "main"}
SINGLE_FILE = "schema.ts"

_JS_RESERVED = frozenset("""
    break case catch class const continue debugger default delete do else enum export extends false finally for
    function if import in instanceof new null return super switch this throw true try typeof var void while with
    yield let static implements interface package private protected public await arguments eval undefined
    NaN Infinity Object Array String Number Boolean Date Math JSON Buffer Error Symbol Promise Map Set crypto
    sql t
""".split())


def _importable(dialect: str) -> frozenset[str]:
    """Every name the generated code for `dialect` may import: tables and enums never take them."""
    return frozenset(
        {e["builder"] for e in mapping.COLUMN_TYPES[dialect].values()}
        | {e["builder"] for e in mapping.SERIAL_BUILDERS.get(dialect, {}).values()}
        | {mapping.TABLE_FUNCTIONS[dialect], mapping.ENUM_FUNCTIONS.get(dialect, ""), mapping.SCHEMA_FUNCTIONS.get(dialect, ""),
           mapping.SEQUENCE_FUNCTIONS.get(dialect, "")}
        | {"customType", "index", "uniqueIndex", "unique", "primaryKey", "foreignKey", "check"}
        | {i[0].split(" as ")[-1].split(":")[-1] for i in mapping.CLIENT_IMPORTS.values()}
    ) - {""}


_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_WORDS = re.compile(r"[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+")


CASINGS = ("preserve", "camel")


@dataclass(frozen=True)
class PrismaValues:
    """The source is a Prisma schema: columns give and take Prisma Client's JS values
    (mapping.PRISMA_VALUES). version: the project's Prisma (package.json's range), which decides
    how a DateTime is stored on SQLite; None when not known (Prisma 7's format, said so)."""

    version: str | None = None
    adapter: str | None = None  # the SQLite driver adapter package it depends on (they write ISO text)

    @property
    def datetime_format(self) -> str:
        return "iso8601" if self.adapter else mapping.sqlite_datetime_format(self.version)


@dataclass(frozen=True)
class Port:
    """A Drizzle schema already written (`--missing-from`): its tables and enums are imported from
    its modules, not generated. names: its AppModel (exports, property keys, files); out: the
    folder the generated files go to (imports are relative to it)."""

    names: AppModel
    out: Path

    def generated_part(self, schema: model.Schema) -> model.Schema:
        """`schema` without the tables and enums the port has: what the generated files declare."""
        import dataclasses

        tables = {(m.namespace, m.table) for m in self.names.models}
        kept = [(ns, [t for t in ns.tables if (ns.name, t.name) not in tables]) for ns in schema.namespaces]
        # An enum the port has stays when a generated column uses it (the code imports it).
        used = {tuple(c.type.enum.split(".", 1)) if "." in c.type.enum else (ns.name, c.type.enum)
                for ns, ts in kept for t in ts for c in t.columns if c.type.name == "enum" and c.type.enum}
        enums = {(e.namespace, e.name) for e in self.names.enums} - used
        return dataclasses.replace(schema, namespaces=tuple(dataclasses.replace(
            ns, tables=tuple(ts), enums=tuple(e for e in ns.enums if (ns.name, e.name) not in enums),
        ) for ns, ts in kept))

    def module(self, file: str | None) -> str:
        if not file:
            return "./schema"
        text = os.path.relpath(Path(file).resolve(), self.out.resolve()).replace(os.sep, "/")
        text = re.sub(r"\.(?:[cm]?ts|[cm]?js)$", "", text)
        return text if text.startswith(".") else "./" + text


def generate_drizzle(schema: model.Schema, dialect: str | None = None, layout: str = "single",
                     app: AppModel | None = None, casing: str = "preserve", port: Port | None = None,
                     prisma: PrismaValues | None = None) -> dict[str, str]:
    """The Drizzle schema modules of `schema`: relative file name -> file text, deterministic.

    `app`: the application's names (migrator.appmodel; derived from the schema when None):
    table variables are its model names in camelCase (Prisma's `User` is `user`, as Prisma
    Client's `prisma.user`), property keys its field names (`casing="camel"` camel-cases them),
    and its relations become relations() with the same names on both sides.

    `prisma`: give and take Prisma Client's values (a schema read from Prisma gets them anyway,
    with the Prisma version unknown)."""
    return _generator(schema, dialect, layout, app, casing, port, prisma).files(layout)


def drizzle_names(schema: model.Schema, dialect: str | None = None, layout: str = "single",
                  app: AppModel | None = None, casing: str = "preserve", port: Port | None = None) -> AppModel:
    """The names the generated code gives each table, column and relation, as an AppModel of
    the Drizzle code (what reading the files back with `load_app_model("drizzle:…")` gives):
    the mapping the Prisma -> Drizzle codemod follows."""
    return _generator(schema, dialect, layout, app, casing, port).names_written()


def _generator(schema: model.Schema, dialect: str | None, layout: str, app: AppModel | None, casing: str,
               port: Port | None = None, prisma: PrismaValues | None = None) -> "_Generator":
    dialect = dialect or schema.dialect
    if dialect not in mapping.DIALECTS:
        raise BadInput(f"cannot generate Drizzle code for dialect {dialect!r} (postgresql or sqlite)")
    if layout not in LAYOUTS:
        raise BadInput(f"unknown layout {layout!r} (single, per-table or per-prisma-file)")
    if casing not in CASINGS:
        raise BadInput(f"unknown casing {casing!r} (preserve or camel)")
    schema = schema.canonical()
    if prisma is None and (schema.source or "").startswith("prisma:"):
        prisma = PrismaValues()
    return _Generator(schema, dialect, layout, app if app is not None else derive(schema), casing, port, prisma)


# ---------------------------------------------------------------------------
# Small text helpers


def js_string(text: str) -> str:
    """A double-quoted JavaScript string literal."""
    out = json.dumps(text, ensure_ascii=False)
    return out.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def sql_template(text: str) -> str:
    """sql`text`: backslashes, backticks and `${` escaped, so the template cooks back to `text`."""
    body = text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
    return f"sql`{body}`"


def js_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return js_string(value)
    if isinstance(value, dict):
        return js_object(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(js_value(v) for v in value) + "]"
    if value is None:
        return "null"
    raise TypeError(type(value).__name__)


def js_object(obj: dict[str, Any]) -> str:
    if not obj:
        return "{}"
    return "{ " + ", ".join(f"{_key(k)}: {js_value(v)}" for k, v in obj.items()) + " }"


def _key(name: str) -> str:
    return name if _IDENTIFIER.match(name) else js_string(name)


def _member(obj: str, key: str) -> str:
    return f"{obj}.{key}" if _IDENTIFIER.match(key) else f"{obj}[{js_string(key)}]"


def camel(name: str) -> str:
    """`tutor_profiles` -> tutorProfiles, `User` -> user, `_SubjectToTutorProfile` -> subjectToTutorProfile."""
    words = _WORDS.findall(name.replace("'", ""))
    return "".join(w.lower() if i == 0 else w[0].upper() + w[1:] for i, w in enumerate(words))


def _pascal(name: str) -> str:
    c = camel(name)
    return c[:1].upper() + c[1:]


def _comment_lines(text: str, indent: str) -> list[str]:
    return [f"{indent}// {line}".rstrip() for line in text.splitlines() or [""]]


def _chain(head: str, calls: list[str], indent: str, suffix: str = ",") -> list[str]:
    """`head.call().call(),` on one line when it fits, else one call per line."""
    one = indent + head + "".join(calls) + suffix
    if len(one) <= WIDTH or not calls:
        return [one]
    lines = [indent + head]
    for i, call in enumerate(calls):
        lines.append(indent + "  " + call + (suffix if i == len(calls) - 1 else ""))
    return lines


def _list_lines(opening: str, items: list[str], closing: str, indent: str) -> list[str]:
    """`opening item, item closing` on one line when it fits, else one item per line with trailing commas."""
    one = f"{indent}{opening}{', '.join(items)}{closing}"
    if len(one) <= WIDTH:
        return [one]
    return [f"{indent}{opening}", *(f"{indent}  {item}," for item in items), f"{indent}{closing}"]


class _Names:
    """Unique JavaScript identifiers (or file stems) in one scope."""

    def __init__(self, taken: set[str] | frozenset[str] = frozenset(), fold: bool = False) -> None:
        self.fold = fold  # file names: "User" and "user" are one file on macOS and Windows
        self.taken = {self._folded(n) for n in taken}

    def _folded(self, name: str) -> str:
        return name.lower() if self.fold else name

    def take(self, wanted: str, fallback: str = "x") -> str:
        base = wanted if wanted and _IDENTIFIER.match(wanted) else (fallback + _pascal(wanted) if wanted else fallback)
        if not _IDENTIFIER.match(base):
            base = fallback
        name, n = base, 1
        while self._folded(name) in self.taken or (not self.fold and name in _JS_RESERVED):
            n += 1
            name = f"{base}{n}"
        self.taken.add(self._folded(name))
        return name


# ---------------------------------------------------------------------------
# The generator


@dataclass
class _Piece:
    """One top-level declaration and what it needs: drizzle names, other declarations, packages."""

    symbol: str
    lines: list[str]
    home: str  # the file it lives in, for layout per-table
    drizzle: set[str] = field(default_factory=set)  # names from the dialect's core module
    sql: bool = False
    uses: set[str] = field(default_factory=set)  # symbols of other pieces
    packages: set[tuple[str, str]] = field(default_factory=set)  # (name, module)
    export: bool = True


class _Generator:
    def __init__(self, schema: model.Schema, dialect: str, layout: str = "single",
                 app: AppModel | None = None, casing: str = "preserve", port: Port | None = None,
                 prisma: PrismaValues | None = None) -> None:
        self.schema = schema
        self.prisma = prisma
        self.layout = layout
        self.app = app if app is not None else derive(schema)
        self.casing = casing
        self.port = port
        self.external: dict[str, str] = {}  # symbol -> module it is imported from (the port's)
        self.dialect = dialect
        self.pg = dialect == "postgresql"
        self.core = mapping.MODULES[dialect]
        self.names = _Names(_importable(dialect))
        self.files_names = _Names({"index", "enums", "schemas", "sequences", "_types", "db"}, fold=True)
        source_default = DEFAULT_NAMESPACE.get(schema.dialect, "public")
        spaces = [ns.name for ns in schema.namespaces]
        if source_default in spaces:
            self.default_ns = source_default
        elif len(spaces) == 1:
            self.default_ns = spaces[0]
        else:
            self.default_ns = DEFAULT_NAMESPACE[dialect]
        self.pieces: list[_Piece] = []
        self.schema_vars: dict[str, str] = {}
        self.enum_vars: dict[str, str] = {}  # "ns.name" -> variable
        self.table_vars: dict[str, str] = {}  # "ns.name" -> variable
        self.table_files: dict[str, str] = {}
        self.keys: dict[str, dict[str, str]] = {}  # "ns.table" -> column -> property key
        self.models: dict[str, Model | None] = {}  # "ns.table" -> its model in the app model
        self.ported: set[str] = set()  # "ns.table" of the tables the port has (imported, not written)
        self.source_files: dict[str, str] = {}  # layout per-prisma-file: .prisma file stem -> module
        self.custom: dict[str, _Piece] = {}  # type text -> piece
        self._fk_graph: dict[str, set[str]] | None = None
        self._current = ""  # the table being written
        self._plan()

    # -- naming ------------------------------------------------------------------

    def _suffix(self, ns: str) -> str:
        return "" if ns == self.default_ns else f"In{_pascal(ns)}"

    def _plan(self) -> None:
        for ns in self.schema.namespaces:
            if self.pg and ns.name != self.default_ns and (ns.tables or ns.enums):
                self.schema_vars[ns.name] = self.names.take(camel(ns.name) + "Schema", "schema")
        ported_enums = {(e.namespace, e.name): e for e in (self.port.names.enums if self.port else ())}
        for ns in self.schema.namespaces:
            for enum in ns.enums:
                there = ported_enums.get((ns.name, enum.name))
                if there is not None:
                    self.enum_vars[f"{ns.name}.{enum.name}"] = self.names.take(there.variable, "enum")
                    self.external[self.enum_vars[f"{ns.name}.{enum.name}"]] = self.port.module(there.file)
                    continue
                self.enum_vars[f"{ns.name}.{enum.name}"] = self.names.take(camel(enum.name) + self._suffix(ns.name), "enum")
        for ns in self.schema.namespaces:
            for t in ns.tables:
                qualified = f"{ns.name}.{t.name}"
                there = self.port.names.by_table(ns.name, t.name) if self.port else None
                if there is not None:
                    # Already ported: imported under its export, its columns under their keys.
                    self.models[qualified] = None
                    self.ported.add(qualified)
                    self.table_vars[qualified] = self.names.take(there.name, "table")
                    self.external[self.table_vars[qualified]] = self.port.module(there.file)
                    self.keys[qualified] = {column: key for key, column in there.fields}
                    self.table_files[qualified] = ""
                    continue
                found = self.app.by_table(ns.name, t.name)
                self.models[qualified] = found
                wanted = camel(found.name) if found is not None else camel(t.name)
                self.table_vars[qualified] = self.names.take(wanted + self._suffix(ns.name), "table")
                if self.layout == "per-prisma-file":
                    self.table_files[qualified] = self._source_file(ns.name, t.name, found)
                else:
                    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", t.name if ns.name == self.default_ns else f"{ns.name}.{t.name}")
                    self.table_files[qualified] = self.files_names.take(stem.replace(".", "_").replace("-", "_"), "table") + ".ts"
                keys, taken = {}, _Names()
                for col in t.columns:
                    field_name = found.field_of(col.name) if found is not None else col.name
                    if self.casing == "camel":
                        field_name = camel(field_name)
                    keys[col.name] = taken.take(field_name if _IDENTIFIER.match(field_name) else camel(field_name), "column")
                self.keys[qualified] = keys

    def _source_file(self, ns: str, table: str, found: Model | None) -> str:
        """Layout per-prisma-file: a table goes to the file named after the .prisma file that
        declares its model (a join table: after the first model that relates through it)."""
        file = found.file if found is not None else None
        if file is None:
            file = next((m.file for m in self.app.models for r in m.relations
                         if r.through == table and m.namespace == ns and m.file), None)
        stem = re.sub(r"\.prisma$", "", file.replace("\\", "/").rsplit("/", 1)[-1]) if file else "schema"
        if stem not in self.source_files:
            self.source_files[stem] = self.files_names.take(re.sub(r"[^A-Za-z0-9_]", "_", stem), "schema") + ".ts"
        return self.source_files[stem]

    # -- output --------------------------------------------------------------------

    def files(self, layout: str) -> dict[str, str]:
        self._declarations()
        if layout == "single":
            return {SINGLE_FILE: self._file(self.pieces, SINGLE_FILE, left_out=True)}
        out: dict[str, str] = {}
        homes: dict[str, list[_Piece]] = {}
        for piece in self.pieces:
            homes.setdefault(piece.home, []).append(piece)
        for home, pieces in homes.items():
            out[home] = self._file(pieces, home)
        order = ["schemas.ts", "enums.ts", "sequences.ts", "_types.ts"]
        stems = [h for h in order if h in homes] + sorted(h for h in homes if h not in order)
        barrel = [self._header(left_out=True), "", *(f'export * from "./{h[:-3]}";' for h in stems)]
        out["index.ts"] = "\n".join(barrel) + "\n"
        return dict(sorted(out.items()))

    def _header(self, left_out: bool = False) -> str:
        source = self.schema.source or "a migrator schema"
        source = redact(source, *url_secrets(source))
        text = (
            f"// Generated by `migrator generate drizzle` from {source}.\n"
            "// Regenerate rather than edit: `migrator generate drizzle --check` fails when this file is stale."
        )
        if left_out and self._left_out():
            text += "\n//\n" + "\n".join(f"// migrator: {line}" for line in self._left_out())
        return text

    def _left_out(self) -> list[str]:
        """What the schema has and Drizzle code cannot declare: said once, at the top."""
        out = []
        if self.ported:
            enums = sum(1 for v in self.enum_vars.values() if v in self.external)
            out.append(f"{len(self.ported)} table(s) and {enums} enum(s) are already ported: imported from their modules, not written; "
                       "their own relations() to the tables below are theirs to add")
        for ns in self.schema.namespaces:
            for view in ns.views:
                out.append(f"{'materialized ' if view.materialized else ''}view {ns.name}.{view.name} is not written "
                           "(pgView is not generated)")
            kinds = sorted({o.kind for o in ns.objects})
            if kinds:
                out.append(f"database objects in {ns.name} ({', '.join(kinds)}) are not declared here (Drizzle schemas cannot; "
                           "functions and procedures are in database-objects.sql)")
            if not self.pg and ns.enums:
                out.append(f"enum types of {ns.name} are text columns with {{ enum: [...] }} (SQLite has no enum types)")
        if self.schema.extensions:
            out.append("extensions " + ", ".join(e.name for e in self.schema.extensions) + " are not written")
        return out

    def _file(self, pieces: list[_Piece], home: str, left_out: bool = False) -> str:
        here = {p.symbol for p in pieces}
        drizzle: set[str] = set()
        packages: dict[str, set[str]] = {}
        local: dict[str, set[str]] = {}
        ported: dict[str, set[str]] = {}
        sql = False
        by_symbol = {p.symbol: p for p in self.pieces}
        for p in pieces:
            drizzle |= p.drizzle
            sql = sql or p.sql
            for name, module in p.packages:
                packages.setdefault(module, set()).add(name)
            for used in p.uses:
                if used not in here and used in by_symbol:
                    local.setdefault(by_symbol[used].home, set()).add(used)
                elif used in self.external:
                    ported.setdefault(self.external[used], set()).add(used)
        lines = [self._header(left_out), ""]
        modules: dict[str, set[str]] = dict(packages)
        if sql:
            modules.setdefault("drizzle-orm", set()).add("sql")
        if drizzle:
            modules.setdefault(self.core, set()).update(drizzle)
        for module in sorted(modules):
            lines.extend(self._import(sorted(modules[module], key=_import_key), module))
        if local or ported:
            lines.append("")
            for module in sorted(ported):  # the schema already ported (--missing-from)
                lines.extend(self._import(sorted(ported[module]), module))
            for other in sorted(local):
                lines.extend(self._import(sorted(local[other]), "./" + other[:-3]))
        for p in pieces:
            lines.append("")
            lines.extend(p.lines)
        return "\n".join(lines) + "\n"

    def _import(self, names: list[str], module: str) -> list[str]:
        default = [n.split(":", 1)[1] for n in names if n.startswith("default:")]
        named = [n for n in names if not n.startswith("default:")]
        if not named:
            return [f'import {default[0]} from "{module}";']
        lead = f"{default[0]}, " if default else ""
        one = f'import {lead}{{ {", ".join(named)} }} from "{module}";'
        if len(one) <= WIDTH:
            return [one]
        return [f"import {lead}{{", *(f"  {n}," for n in named), f'}} from "{module}";']

    # -- declarations --------------------------------------------------------------

    def _declarations(self) -> None:
        for ns_name, var in self.schema_vars.items():
            fn = mapping.SCHEMA_FUNCTIONS["postgresql"]
            self.pieces.append(_Piece(var, [f"export const {var} = {fn}({js_string(ns_name)});"], "schemas.ts", {fn}))
        for ns in self.schema.namespaces:
            for enum in ns.enums:
                if self.enum_vars[f"{ns.name}.{enum.name}"] not in self.external:
                    self.pieces.append(self._enum(ns.name, enum))
        owned = self._serial_sequences()
        for ns in self.schema.namespaces:
            for seq in ns.sequences:
                if f"{ns.name}.{seq.name}" not in owned and self.pg:
                    self.pieces.append(self._sequence(ns.name, seq))
        tables = []
        for ns in self.schema.namespaces:
            for t in ns.tables:
                if f"{ns.name}.{t.name}" not in self.ported:
                    tables.append(self._table(ns.name, t))
        # custom types first (tables use them), then the tables, then their relations
        self.pieces.extend(sorted(self.custom.values(), key=lambda p: p.symbol))
        self.pieces.extend(tables)
        self.pieces.extend(self._relations())

    def _enum(self, ns: str, enum: model.EnumType) -> _Piece:
        var = self.enum_vars[f"{ns}.{enum.name}"]
        lines = []
        if enum.comment:
            lines.extend(_comment_lines(enum.comment, ""))
        if not self.pg:
            # SQLite has no enum types: columns of this enum are text({ enum: [...] }).
            values = ", ".join(js_string(v) for v in enum.values)
            lines.append(f"export const {var} = [{values}] as const;")
            return _Piece(var, lines, "enums.ts")
        if ns in self.schema_vars:
            head, drizzle, uses = f"{self.schema_vars[ns]}.enum(", set(), {self.schema_vars[ns]}
        else:
            fn = mapping.ENUM_FUNCTIONS["postgresql"]
            head, drizzle, uses = f"{fn}(", {fn}, set()
        values = [js_string(v) for v in enum.values]
        opening = f"export const {var} = {head}{js_string(enum.name)}, ["
        lines.extend(_list_lines(opening, values, "]);", ""))
        return _Piece(var, lines, "enums.ts", drizzle, uses=uses)

    def _serial_sequences(self) -> set[str]:
        """Qualified names of sequences that are a column's own (SERIAL): the serial builder makes them."""
        owned: set[str] = set()
        if not self.pg:
            return owned
        for ns in self.schema.namespaces:
            for t in ns.tables:
                for col in t.columns:
                    if self._is_serial(ns, t, col):
                        owned.add(col.default.value)  # type: ignore[union-attr]
        return owned

    def _is_serial(self, ns: model.Namespace, t: model.Table, col: model.Column) -> bool:
        d = col.default
        if not self.pg or d is None or d.kind != "sequence" or col.type.array:
            return False
        if col.type.name not in mapping.SERIAL_BUILDERS["postgresql"]:
            return False
        seq_ns, _, seq_name = d.value.rpartition(".")
        if (seq_ns or ns.name) != ns.name:
            return False
        declared = [s for s in ns.sequences if s.name == seq_name]
        if declared:
            return declared[0].owned_by == f"{t.name}.{col.name}"
        return seq_name == make_object_name(t.name, col.name, "seq")

    def _sequence(self, ns: str, seq: model.Sequence) -> _Piece:
        var = self.names.take(camel(seq.name) + self._suffix(ns), "sequence")
        opts: dict[str, Any] = {}
        if seq.start != 1:
            opts["startWith"] = seq.start
        if seq.increment != 1:
            opts["increment"] = seq.increment
        if seq.min_value is not None:
            opts["minValue"] = seq.min_value
        if seq.max_value is not None:
            opts["maxValue"] = seq.max_value
        if seq.cache != 1:
            opts["cache"] = seq.cache
        if seq.cycle:
            opts["cycle"] = True
        fn = mapping.SEQUENCE_FUNCTIONS["postgresql"]
        drizzle, uses = {fn}, set()
        head = f"{fn}("
        if ns in self.schema_vars:
            head, drizzle, uses = f"{self.schema_vars[ns]}.sequence(", set(), {self.schema_vars[ns]}
        lines = _comment_lines(seq.comment, "") if seq.comment else []
        if seq.data_type != "bigint":
            lines.append(f"// migrator: sequence type {seq.data_type} is not written (pgSequence is bigint)")
        args = js_string(seq.name) + (", " + js_object(opts) if opts else "")
        lines.append(f"export const {var} = {head}{args});")
        return _Piece(var, lines, "sequences.ts", drizzle, uses=uses)

    def _custom_type(self, sql_type: model.SqlType, values: dict[str, Any] | None = None) -> str:
        element = sql_type.element()
        text = render_type(element, "canonical")
        if parse_type(text, self.dialect) != element:
            text = render_type(element, self.dialect)
        if values is not None and values.get("sql"):
            text = values["sql"]
        piece = self.custom.get(text)
        if piece is None:
            words = (values or {}).get("name") or camel(re.sub(r"[^A-Za-z0-9]+", "_", text))
            var = self.names.take(words or "custom", "custom")
            lines = []
            if values is None:
                code = mapping.CUSTOM_TYPE["code"].format(name=var, data=mapping.ts_data_type(element), sql=js_string(text))
            else:
                to = values["to"]
                if to == "{datetime_to}":
                    assert self.prisma is not None
                    fmt = self.prisma.datetime_format
                    known = f"package.json: prisma {self.prisma.version}" if self.prisma.version else \
                        "no Prisma version found in package.json: Prisma 7's"
                    if self.prisma.adapter:
                        known += f", {self.prisma.adapter}"
                    lines.append(f"// Prisma DateTime: written as {mapping.SQLITE_DATETIME_FORMATS[fmt]['why']}")
                    lines.append(f"// ({known}); text and epoch milliseconds both read back.")
                    to = mapping.SQLITE_DATETIME_FORMATS[fmt]["to"]

                def body(code: str) -> str:
                    return "\n".join("    " + line for line in code.splitlines())

                code = mapping.CUSTOM_VALUE_TYPE.format(name=var, data=values["data"], driver=values["driver"],
                                                        sql=js_string(text), to=body(to), **{"from": body(values["from"])})
            if self.layout != "single":
                code = "export " + code  # the table modules import it from _types.ts
            piece = _Piece(var, lines + code.splitlines(), "_types.ts", {"customType"})
            self.custom[text] = piece
        return piece.symbol

    # -- relations -----------------------------------------------------------------

    def _relations(self) -> list[_Piece]:
        """relations() per table with the application's relation names, both sides
        (docs/relations: one(target, { fields, references, relationName }), many(target))."""
        pieces = []
        for qualified, entries in _relations_of(self):
            var = self.table_vars[qualified]
            symbol = self.names.take(var + "Relations", "relations")
            piece = _Piece(symbol, [], self.table_files[qualified], uses={var}, packages={("relations", "drizzle-orm")})
            body = []
            helpers = sorted({kind for _, kind, _, _ in entries})
            for name, kind, target, opts in entries:
                target_var = self.table_vars[target]
                piece.uses.add(target_var)
                parts = []
                if "fields" in opts:
                    parts.append(f"fields: [{', '.join(_member(var, k) for k in opts['fields'])}]")
                    parts.append(f"references: [{', '.join(_member(target_var, k) for k in opts['references'])}]")
                if "relationName" in opts:
                    parts.append(f"relationName: {js_string(opts['relationName'])}")
                config = f", {{ {', '.join(parts)} }}" if parts else ""
                body.append(f"{_key(name)}: {kind}({target_var}{config}),")
            piece.lines = [f"export const {symbol} = relations({var}, ({{ {', '.join(helpers)} }}) => ({{",
                           *("  " + line for line in body), "}));"]
            pieces.append(piece)
        return pieces

    def names_written(self) -> AppModel:
        """The AppModel of the code this generator writes (drizzle_names)."""
        relations: dict[str, tuple[Relation, ...]] = {}
        var_model = {q: v for q, v in self.table_vars.items()}
        for qualified, entries in _relations_of(self):
            relations[qualified] = tuple(
                Relation(name, var_model[target], kind == "many", tuple(opts.get("fields", ())), tuple(opts.get("references", ())),
                         opts.get("relationName"), optional=False)
                for name, kind, target, opts in entries)
        models = []
        for ns in self.schema.namespaces:
            for t in ns.tables:
                qualified = f"{ns.name}.{t.name}"
                if qualified in self.ported:
                    continue
                found = self.models.get(qualified)
                keys = self.keys[qualified]
                updated = tuple(keys[c] for f, c in (found.fields if found else ()) if f in (found.updated_at if found else ()))
                updated += tuple(keys[c.name] for c in t.columns if c.default is not None and c.default.kind == "client"
                                 and c.default.value == "@updatedAt" and keys[c.name] not in updated)
                models.append(Model(self.table_vars[qualified], ns.name, t.name, tuple((keys[c.name], c.name) for c in t.columns),
                                    relations.get(qualified, ()), None, tuple(sorted(updated))))
        return AppModel(tuple(models))

    # -- tables --------------------------------------------------------------------

    def _table(self, ns: str, t: model.Table) -> _Piece:
        qualified = f"{ns}.{t.name}"
        self._current = qualified
        self._cyclic_extras = False
        var = self.table_vars[qualified]
        keys = self.keys[qualified]
        piece = _Piece(var, [], self.table_files[qualified])
        namespace = self.schema.namespace(ns)
        pk = t.primary_key
        inline_pk = self._inline_pk(t)
        inline_refs = self._inline_references(ns, t)
        body: list[str] = []
        for col in t.columns:
            body.extend(self._column(ns, namespace, t, col, piece, inline_pk == col.name, inline_refs.get(col.name)))
        extras: list[str] = []
        if pk is not None and inline_pk is None:
            piece.drizzle.add("primaryKey")
            cols = ", ".join(_member("t", keys[c]) for c in pk.columns)
            opts = ([f"name: {js_string(pk.name)}"] if pk.name and self.pg else []) + [f"columns: [{cols}]"]
            extras.append(f"primaryKey({{ {', '.join(opts)} }}),")
            extras.extend(self._lost(pk, "primary key"))
        for u in t.uniques:
            extras.extend(self._unique(u, keys, piece))
        for idx in t.indexes:
            extras.extend(self._index(t, idx, keys, piece))
        for fk in t.foreign_keys:
            if any(fk is ref for ref in inline_refs.values()):
                continue
            extras.extend(self._foreign_key(ns, t, fk, keys, piece))
        used_names = {c.name for c in t.checks if c.name}
        for check in t.checks:
            name = check.name
            if not name:
                name = _free_name(f"{t.name}_check", used_names)
                extras.append(f"// migrator: the check had no name; drizzle needs one: {js_string(name)}")
            piece.drizzle.add("check")
            piece.sql = True
            extras.append(f"check({js_string(name)}, {sql_template(check.expression)}),")
            extras.extend(self._lost(check, "check"))
        for ex in t.exclusions:
            extras.append(f"// migrator: exclusion constraint {ex.name or ''} is not written (drizzle has none)".replace("  ", " "))
        fn = mapping.TABLE_FUNCTIONS[self.dialect]
        if ns in self.schema_vars:
            head = f"{self.schema_vars[ns]}.table("
            piece.uses.add(self.schema_vars[ns])
        else:
            head = f"{fn}("
            piece.drizzle.add(fn)
        lines: list[str] = []
        if t.comment:
            lines.extend(_comment_lines(t.comment, ""))
        for what, on in (("UNLOGGED", t.unlogged), (f"PARTITION BY {t.partition_by}", t.partition_by),
                         (f"PARTITION OF {t.partition_of} {t.partition_bound or ''}".strip(), t.partition_of),
                         ("FORCE ROW LEVEL SECURITY", t.force_row_security),
                         (f"REPLICA IDENTITY {t.replica_identity}", t.replica_identity),
                         (f"WITH ({', '.join(t.options)})", t.options)):
            if on:
                lines.append(f"// migrator: {what} is not written (drizzle has no such option)")
        rls = ".enableRLS()" if t.row_security and self.pg else ""
        name = js_string(t.name)
        if extras:
            lines.append(f"export const {var} = {head}")
            lines.append(f"  {name},")
            lines.append("  {")
            lines.extend(body)
            lines.append("  },")
            if self._cyclic_extras:
                # a foreignKey() to a table that references this one: TypeScript needs the callback's type
                extra_type = mapping.EXTRA_CONFIG_TYPES[self.dialect]
                piece.drizzle.add(f"type {extra_type}")
                lines.append(f"  (t): {extra_type}[] => [")
            else:
                lines.append("  (t) => [")
            lines.extend("    " + e if e else e for e in extras)
            lines.append("  ],")
            lines.append(f"){rls};")
        else:
            lines.append(f"export const {var} = {head}{name}, {{")
            lines.extend(line[2:] if line.startswith("  ") else line for line in body)
            lines.append(f"}}){rls};")
        piece.lines = lines
        return piece

    def _inline_pk(self, t: model.Table) -> str | None:
        """The column that carries `.primaryKey()`, when the model's key is what that makes."""
        pk = t.primary_key
        if pk is None or len(pk.columns) != 1 or pk.deferrable or pk.comment:
            return None
        col = t.column(pk.columns[0])
        if self.pg:
            return col.name if pk.name in (None, make_object_name(t.name, None, "pkey")) else None
        # SQLite: an inline key makes the column NOT NULL and, on an integer, the rowid.
        if self._sqlite_auto(col):
            return col.name
        if col.type.name == "integer" and not col.type.array:
            return None  # an inline INTEGER key would be the rowid, which this column is not
        return col.name if not col.nullable else None

    def _sqlite_auto(self, col: model.Column) -> bool:
        """An automatically numbered integer column on SQLite: the rowid (or AUTOINCREMENT) when it is the key.

        A PostgreSQL serial or identity column generated for SQLite is one too."""
        if self.pg or col.type.array or col.type.name not in ("smallint", "integer", "bigint"):
            return False
        if col.identity is not None:
            return col.type.name == "integer" or col.identity.generation not in ("rowid",)
        return col.default is not None and col.default.kind == "sequence"

    def _inline_references(self, ns: str, t: model.Table) -> dict[str, model.ForeignKey]:
        out: dict[str, model.ForeignKey] = {}
        for fk in t.foreign_keys:
            if len(fk.columns) != 1 or fk.columns[0] in out or fk.deferrable or fk.not_valid or fk.match_full or fk.comment:
                continue
            target = self._target(ns, fk)
            if target is None or target == f"{ns}.{t.name}":
                continue  # self references go to foreignKey(): `.references(() => t.id)` needs a type annotation
            if self.pg:
                ref_name = target.split(".", 1)[1]
                default = truncate(f"{t.name}_{fk.columns[0]}_{ref_name}_{fk.ref_columns[0]}_fk")
                if fk.name not in (None, default):
                    continue
            out[fk.columns[0]] = fk
        return out

    def _target(self, ns: str, fk: model.ForeignKey) -> str | None:
        qualified = f"{fk.ref_schema or ns}.{fk.ref_table}"
        if qualified in self.table_vars:
            return qualified
        matches = [q for q in self.table_vars if q.split(".", 1)[1] == fk.ref_table]
        return matches[0] if len(matches) == 1 else None

    def _lost(self, obj: Any, what: str) -> list[str]:
        out = []
        if getattr(obj, "deferrable", False):
            out.append(f"// migrator: {what} {obj.name or ''} is DEFERRABLE{' INITIALLY DEFERRED' if obj.initially_deferred else ''}; drizzle cannot say so")
        if getattr(obj, "not_valid", False):
            out.append(f"// migrator: {what} {obj.name or ''} is NOT VALID; drizzle cannot say so")
        if getattr(obj, "match_full", False):
            out.append(f"// migrator: {what} {obj.name or ''} is MATCH FULL; drizzle cannot say so")
        if getattr(obj, "no_inherit", False):
            out.append(f"// migrator: {what} {obj.name or ''} is NO INHERIT; drizzle cannot say so")
        if getattr(obj, "comment", None):
            out.extend(_comment_lines(f"{what} {obj.name or ''}: {obj.comment}".replace("  ", " "), ""))
        return [line.replace("  ", " ") if line.startswith("// migrator") else line for line in out]

    # -- columns -------------------------------------------------------------------

    def _column(self, ns: str, namespace: model.Namespace, t: model.Table, col: model.Column, piece: _Piece,
                inline_pk: bool, ref: model.ForeignKey | None) -> list[str]:
        key = self.keys[f"{ns}.{t.name}"][col.name]
        notes: list[str] = []
        if col.comment:
            notes.extend(_comment_lines(col.comment, "    "))
        if col.collation:
            notes.append(f"    // migrator: COLLATE {js_string(col.collation)} is not written (drizzle has no collations)")
        serial = self._is_serial(namespace, t, col)
        sqlite_auto = inline_pk and self._sqlite_auto(col)
        if sqlite_auto:
            piece.drizzle.add("integer")  # SQLite numbers rows only in an INTEGER PRIMARY KEY
            head = f"integer({js_string(col.name)})"
            serial = col.default is not None and col.default.kind == "sequence"  # no default: it is the numbering
        else:
            head = self._builder(col, serial, piece)
        calls: list[str] = []
        if col.type.array and self.pg:
            calls.append(".array()")
        identity = col.identity
        pk_done = False
        if inline_pk:
            if sqlite_auto:
                generation = identity.generation if identity is not None and identity.generation in mapping.IDENTITY["sqlite"] else "autoincrement"
                calls.append(mapping.IDENTITY["sqlite"][generation])
            else:
                calls.append(".primaryKey()")
            pk_done = True
        if identity is not None and self.pg:
            calls.append(self._identity(identity))
        elif identity is not None and not pk_done:
            notes.append(f"    // migrator: {identity.generation} numbering is not written (only an inline primary key has it)")
        if col.generated is not None:
            piece.sql = True
            calls.append(f".generatedAlwaysAs({sql_template(col.generated)})")
        client: str | None = None
        if col.default is not None and not serial:
            made = self._default(col, piece)
            if made is None:
                what = "client default" if col.default.kind == "client" else f"{col.default.kind} default"
                notes.append(f"    // migrator: {what} {col.default.value} is not written (no Drizzle equivalent here)")
            elif col.default.kind == "client":
                client = made
            else:
                calls.append(made)
                values = mapping.prisma_values(col.type, self.dialect) if self.prisma is not None else None
                if values is not None and col.default.kind == "current_timestamp" and values.get("default_now"):
                    client = values["default_now"]  # Prisma sets now() itself, in its own format
        implied = serial or (inline_pk and (self.pg or (identity is not None and identity.generation in ("rowid", "autoincrement")))) \
            or (self.pg and identity is not None) or (inline_pk and not self.pg)
        if not col.nullable and not implied:
            calls.append(".notNull()")
        if ref is not None:
            calls.append(self._reference(ns, ref, piece))
        if client is not None:
            calls.append(client)
        model_ = self.models.get(f"{ns}.{t.name}")
        if model_ is not None and model_.field_of(col.name) in model_.updated_at and not any(
                c.startswith((".$onUpdate", ".$onUpdateFn")) for c in calls):
            # Prisma's @updatedAt beside a database default (@default(now()) @updatedAt).
            calls.append(mapping.UPDATED_AT)
        return notes + _chain(f"{_key(key)}: {head}", calls, "    ")

    def _builder(self, col: model.Column, serial: bool, piece: _Piece) -> str:
        name = js_string(col.name)
        t = col.type
        if t.name == "enum" and t.enum:
            var = self.enum_vars.get(t.enum)
            if var is not None and self.pg:
                piece.uses.add(var)
                return f"{var}({name})"
            if var is not None:
                piece.uses.add(var)
                piece.drizzle.add("text")
                return f"text({name}, {{ enum: {var} }})"
        values = mapping.prisma_values(t, self.dialect) if self.prisma is not None and t.name != "enum" else None
        if values is not None and "custom" in values:
            var = self._custom_type(t, values["custom"])
            piece.uses.add(var)
            return f"{var}({name})"
        made = None if t.name == "enum" else mapping.column_builder(t.element(), self.dialect, serial=serial)
        if made is None and serial and t.name != "enum":
            made = mapping.column_builder(t.element(), self.dialect)
        if made is None:
            var = self._custom_type(t)
            piece.uses.add(var)
            return f"{var}({name})"
        builder, config = made
        if values is not None:
            config = {**config, **values.get("config", {})}
        piece.drizzle.add(builder)
        return f"{builder}({name}{', ' + js_object(config) if config else ''})"

    def _identity(self, identity: model.Identity) -> str:
        call = mapping.IDENTITY["postgresql"].get(identity.generation, "generatedByDefaultAsIdentity")
        opts = {key: getattr(identity, attr) for attr, key in mapping.IDENTITY_OPTIONS
                if getattr(identity, attr) not in (None, False)}
        return f".{call}({js_object(opts) if opts else ''})"

    def _default(self, col: model.Column, piece: _Piece) -> str | None:
        d = col.default
        assert d is not None
        rules = mapping.DEFAULTS[self.dialect]
        if d.kind == "client":
            found = mapping.client_default(d.value)
            if found is None:
                return None
            code, imports = found
            piece.packages.update(imports)
            return code
        if d.kind == "current_timestamp":
            code = rules["current_timestamp"]["code"]
            piece.sql = piece.sql or "sql`" in code
            return code
        if d.kind == "expression":
            special = rules["expression"].get("special", {}).get(d.value)
            if special and col.type.name == "uuid" and not col.type.array:
                return special
            piece.sql = True
            if col.type.array and self.pg:
                # `ARRAY[]` (Prisma's @default([])) has no type, and ARRAY['X'] is text[], not an
                # enum array: the cast the database needs, as migrator's own DDL writes it.
                from migrator.sa_bridge import server_default_text  # here: SQLAlchemy is not needed otherwise

                typed = server_default_text(d, "postgresql", col.type)
                if typed is not None and typed != d.value:
                    return f".default({sql_template(typed)})"
            return rules["expression"]["code"].replace("sql`{sql}`", sql_template(d.value)).replace(
                "sql`({sql})`", sql_template(f"({d.value})"))
        if d.kind == "sequence":
            piece.sql = self.pg or piece.sql
            seq_ns, _, seq = d.value.rpartition(".")
            qualified = f"{quote_ident(seq_ns)}.{quote_ident(seq)}" if seq_ns else quote_ident(seq)
            if self.pg:
                return f".default({sql_template(f'nextval({quote_literal(qualified)}::regclass)')})"
            return None  # SQLite has no sequences
        js = self._js_literal(d, col.type)
        if js is not None:
            return f".default({js})"
        piece.sql = True
        return f".default({sql_template(d.value)})"

    def _js_literal(self, d: model.Default, t: model.SqlType) -> str | None:
        """A JavaScript value for a literal default when drizzle-kit writes it back as the same literal."""
        if t.array:
            return None
        kinds = mapping.JS_LITERAL_KINDS[self.dialect]
        value = d.value
        if t.name in kinds.get("string", ()) and re.fullmatch(r"'(?:[^']|'')*'", value, re.S):
            text = value[1:-1].replace("''", "'")
            expected = classify_default(quote_literal(text), self.dialect) if not self.pg else model.Default("literal", quote_literal(text))
            return js_string(text) if expected == d else None
        if t.name in kinds.get("number", ()) and re.fullmatch(r"-?\d+", value) and abs(int(value)) < 2**53:
            return value if classify_default(value, self.dialect) == d else None
        if t.name in kinds.get("number", ()) and re.fullmatch(r"-?\d+\.\d+", value) and repr(float(value)) == value:
            return value if classify_default(value, self.dialect) == d else None
        if t.name in kinds.get("numeric_string", ()) and re.fullmatch(r"-?\d+(?:\.\d+)?", value):
            return js_string(value) if classify_default(value, self.dialect) == d else None
        if t.name in kinds.get("boolean", ()) and value in ("true", "false"):
            return value
        return None

    def _reference(self, ns: str, fk: model.ForeignKey, piece: _Piece) -> str:
        target = self._target(ns, fk)
        assert target is not None
        var = self.table_vars[target]
        piece.uses.add(var)
        col = _member(var, self.keys[target][fk.ref_columns[0]])
        actions: dict[str, Any] = {}
        for key, action in (("onDelete", fk.on_delete), ("onUpdate", fk.on_update)):
            word = mapping.referential_action(action)
            if word:
                actions[key] = word
        arrow = "() =>"
        if self._reaches(target, self._current):
            # tables that reference each other: TypeScript needs the callback's type
            any_column = mapping.ANY_COLUMN_TYPES[self.dialect]
            piece.drizzle.add(f"type {any_column}")
            arrow = f"(): {any_column} =>"
        return f".references({arrow} {col}{', ' + js_object(actions) if actions else ''})"

    def _reaches(self, start: str, goal: str) -> bool:
        """Whether table `start` references `goal`, directly or through other tables' foreign keys."""
        if self._fk_graph is None:
            graph: dict[str, set[str]] = {}
            for ns in self.schema.namespaces:
                for t in ns.tables:
                    targets = {self._target(ns.name, fk) for fk in t.foreign_keys}
                    graph[f"{ns.name}.{t.name}"] = {q for q in targets if q is not None}
            self._fk_graph = graph
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(self._fk_graph.get(node, ()))
        return False

    # -- constraints and indexes ----------------------------------------------------

    def _unique(self, u: model.UniqueConstraint, keys: dict[str, str], piece: _Piece) -> list[str]:
        piece.drizzle.add("unique")
        cols = ", ".join(_member("t", keys[c]) for c in u.columns)
        text = f"unique({js_string(u.name) if u.name else ''}).on({cols})"
        if u.nulls_not_distinct:
            text += ".nullsNotDistinct()"
        return [text + ","] + self._lost(u, "unique constraint")

    def _index(self, t: model.Table, idx: model.Index, keys: dict[str, str], piece: _Piece) -> list[str]:
        out: list[str] = []
        fn = "uniqueIndex" if idx.unique else "index"
        if idx.name is None and any(e.expression is not None for e in idx.elements):
            return [f"// migrator: an unnamed expression index is not written (drizzle-kit needs a name)"]
        piece.drizzle.add(fn)
        elements = []
        for e in idx.elements:
            if e.expression is not None:
                piece.sql = True
                # What .on() cannot say of a sql`` key is written after it, as drizzle's docs do:
                # sql`lower(${t.email}) text_pattern_ops DESC NULLS LAST` (read back by migrator).
                suffix = [w for w, on in ((e.opclass or "", e.opclass and self.pg), ("DESC", e.descending),
                                          (f"NULLS {'FIRST' if e.nulls_first else 'LAST'}", e.nulls_first is not None and self.pg))
                          if on]
                elements.append(sql_template(" ".join([e.expression, *suffix])))
                if e.collation:
                    out.append(f"// migrator: COLLATE {js_string(e.collation)} on key ({e.expression}) of index {idx.name} is not written")
                continue
            text = _member("t", keys[e.column]) if e.column in keys else _member("t", e.column or "")
            if e.descending and not self.pg:
                # sqlite-core index keys have no .desc(): the order is written in SQL, as drizzle's docs do.
                piece.sql = True
                elements.append(f"sql`${{{text}}} desc`")
                continue
            if e.descending:
                text += ".desc()"
            if self.pg:
                # drizzle's keys are NULLS LAST unless told: PostgreSQL's default for DESC must be said.
                nulls_first = e.nulls_first if e.nulls_first is not None else e.descending
                if nulls_first:
                    text += ".nullsFirst()"
                if e.opclass:
                    text += f".op({js_string(e.opclass)})"
            if e.collation:
                out.append(f"// migrator: COLLATE {js_string(e.collation)} on {e.column} is not written")
            elements.append(text)
        method = idx.method.lower() if idx.method else "btree"
        head = f"{fn}({js_string(idx.name) if idx.name else ''})"
        if self.pg and method != "btree":
            calls = [f".using({', '.join([js_string(method), *elements])})"]
        else:
            calls = [f".on({', '.join(elements)})"]
        if idx.where:
            piece.sql = True
            calls.append(f".where({sql_template(idx.where)})")
        for what, on in (("INCLUDE (" + ", ".join(idx.include) + ")", idx.include),
                         ("NULLS NOT DISTINCT", idx.nulls_not_distinct), ("WITH (" + ", ".join(idx.options) + ")", idx.options)):
            if on:
                out.append(f"// migrator: {what} of index {idx.name} is not written")
        if idx.comment:
            out.extend(_comment_lines(f"index {idx.name}: {idx.comment}", ""))
        one = head + "".join(calls) + ","
        if len("    " + one) <= WIDTH:
            return out + [one]
        return out + [head, *(f"  {c}" for c in calls[:-1]), f"  {calls[-1]},"]

    def _foreign_key(self, ns: str, t: model.Table, fk: model.ForeignKey, keys: dict[str, str], piece: _Piece) -> list[str]:
        target = self._target(ns, fk)
        if target is None:
            return [f"// migrator: foreign key {fk.name or ''} references {fk.ref_table}, which is not in this schema".replace("  ", " ")]
        piece.drizzle.add("foreignKey")
        var = "t" if target == f"{ns}.{t.name}" else self.table_vars[target]
        if var != "t":
            piece.uses.add(var)
            self._cyclic_extras = self._cyclic_extras or self._reaches(target, self._current)
        cols = ", ".join(_member("t", keys[c]) for c in fk.columns)
        refs = ", ".join(_member(var, self.keys[target][c]) for c in fk.ref_columns)
        parts = ([f"name: {js_string(fk.name)}"] if fk.name and self.pg else []) + [f"columns: [{cols}]", f"foreignColumns: [{refs}]"]
        calls = []
        for method, action in (("onDelete", fk.on_delete), ("onUpdate", fk.on_update)):
            word = mapping.referential_action(action)
            if word:
                calls.append(f".{method}({js_string(word)})")
        head = f"foreignKey({{ {', '.join(parts)} }})"
        if len("    " + head + "".join(calls) + ",") <= WIDTH:
            text = [head + "".join(calls) + ","]
        elif len("    " + head) <= WIDTH:
            text = [head, *(f"  {c}" for c in calls)]
            text[-1] += ","
        else:
            text = ["foreignKey({", *(f"  {p}," for p in parts), "})" + ("" if calls else ",")]
            text.extend(f"  {c}" for c in calls)
            if calls:
                text[-1] += ","
        return self._lost(fk, "foreign key") + text


def _relations_of(gen: "_Generator") -> list[tuple[str, list[tuple[str, str, str, dict[str, Any]]]]]:
    """Per table (qualified name): its relations as (name, "one"|"many", target table, options),
    options holding fields/references (property keys) and relationName; the join tables of
    implicit many-to-many relations get their two `one` sides."""
    by_model = {m.name: f"{m.namespace}.{m.table}" for m in gen.app.models}
    out: list[tuple[str, list[tuple[str, str, str, dict[str, Any]]]]] = []
    joins: dict[str, list[tuple[str, str, str, dict[str, Any]]]] = {}
    for qualified, found in gen.models.items():
        if found is None or not found.relations:
            continue
        keys = gen.keys[qualified]
        columns = dict(found.fields)
        entries = []
        for r in found.relations:
            target = by_model.get(r.target)
            if target is None or target not in gen.table_vars:
                continue
            opts: dict[str, Any] = {}
            if r.through is not None:
                ns = qualified.split(".", 1)[0]
                join = f"{ns}.{r.through}"
                if join not in gen.table_vars:
                    continue
                entries.append((r.name, "many", join, opts))
                first, second = sorted([found.name, r.target])
                if first != second and join not in joins and join not in gen.ported:
                    sides = []
                    # Prisma's join table: A refers to the first model's id (by name order), B to the second's.
                    for label, model_name in (("A", first), ("B", second)):
                        side = by_model[model_name]
                        side_ns, _, side_table = side.partition(".")
                        pk = gen.schema.namespace(side_ns).table(side_table).primary_key
                        if pk is None or len(pk.columns) != 1 or label not in gen.keys[join]:
                            break
                        sides.append((camel(model_name), "one", side, {
                            "fields": [gen.keys[join][label]], "references": [gen.keys[side][pk.columns[0]]]}))
                    else:
                        joins[join] = sides
                continue
            if r.fields:
                target_columns = dict(gen.models[target].fields) if gen.models.get(target) else {}
                opts["fields"] = [keys[columns.get(f, f)] for f in r.fields if columns.get(f, f) in keys]
                opts["references"] = [gen.keys[target][target_columns.get(f, f)] for f in r.references
                                      if target_columns.get(f, f) in gen.keys[target]]
            if r.relation_name:
                opts["relationName"] = r.relation_name
            entries.append((r.name, "many" if r.many else "one", target, opts))
        if entries:
            out.append((qualified, entries))
    out.extend(sorted(joins.items()))
    return out


def _free_name(base: str, used: set[str]) -> str:
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base}{n}"
    used.add(name)
    return name


def _import_key(name: str) -> tuple[str, str]:
    bare = name.removeprefix("type ").removeprefix("default:")
    return (bare.split(" as ")[0].lower(), name)


__all__ = ["LAYOUTS", "generate_drizzle", "js_string", "sql_template"]
