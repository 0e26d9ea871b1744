"""`migrator rewrite --rules sql-drizzle`: literal raw SQL (pg, postgres.js, @libsql/client,
better-sqlite3) → Drizzle's query builder.

1. `migrator scan` (its value flow) lists the `sql-js` sites of every .ts/.js file: line, column,
   operation (`query`, `execute`, `prepare`, the postgres.js tag `sql`).
2. Each site's call is found with ast-grep at that position; its SQL must be one string literal (or
   a template without substitutions; postgres.js' substitutions are its bound parameters) and its
   parameters an array literal (better-sqlite3: the arguments of `.all/.get/.run`), then
   migrator.rewrite.sql_drizzle.translate turns it into builder calls with the Drizzle schema's names.
3. The result keeps the shape the code reads: `const { rows } = await pool.query(…)` →
   `const rows = await db.select(…)…`; `res.rows` → `res` when every use of `res` is `.rows` or a row
   count (→ `.length` of the rows, `.returning({ <one column> })` added to a write that had no RETURNING);
   better-sqlite3's `.all()`/`.get()`/`.run()` stay synchronous builder calls when the Drizzle client is
   drizzle-orm/better-sqlite3 (its driver is read from the client module), else become `await …`
   (`.then((r) => r[0])` for `.get()`) inside async functions. SQL the builder cannot say goes through
   Drizzle's raw API (`db.run/all/get(sql\\`…\\`)`, parameters through `sql.param()`) only where the Drizzle
   client has the raw call's driver and so returns the same object (libsql, better-sqlite3: SD003).
   Anything else — a fallback whose result differs (the finding states both shapes), dynamic SQL, a
   result used otherwise, a value the driver and Drizzle read or bind differently, a client that is a
   parameter or local or inside a transaction — stays as it is and becomes a finding with the code and
   reason (SD100–SD103).
4. Edits replace exact spans, back to front; the Drizzle client, the tables and drizzle-orm's
   operators are imported. A second run changes nothing: converted calls are no sql-js sites.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from migrator.errors import BadInput
from migrator.rewrite.engine import FileResult, apply as apply_results  # noqa: F401  (the CLI writes with it)
from migrator.rewrite.drizzle_defaults import HEADER_MARK
from migrator.rewrite.rules import Finding
from migrator.rewrite.sql_drizzle.translate import TableNames, Translation, translate
from migrator.rewrite.sql_drizzle.rule import Refusal
from migrator.rewrite.typescript.rulebase import parse_client
from migrator.rewrite.typescript.tsedit import (
    check_options, indent_step, scan_sites, module_for_file, triage,
    SUFFIXES,
    SKIP_DIRS,
    add_import as _add_import,
    bindings as _bindings,
    drop_unused_imports as _drop_unused_imports,
    calls_at as _calls_at,
    client_taken as _client_taken,
    client_driver,
    has_error as _has_error,
    module_text as _module_text,
    language as _language,
    project_root,
    short,
    source_files,
)

RULE_SET = "sql-drizzle"
__all__ = ["Options", "SqlSite", "rules", "rewrite_paths", "rewrite_text", "check", "apply_results", "SUFFIXES",
           "SKIP_DIRS"]


@dataclass(frozen=True)
class Options:
    drizzle_schema: str  # drizzle:PATH
    drizzle_client: str  # MODULE:NAME
    # the drizzle-orm driver the client module imports (`better-sqlite3`: its builders run synchronously
    # with .all()/.get()/.run()); None when not known (the builders are awaited)
    client_driver: Optional[str] = None

    def client(self) -> tuple[str, str]:
        return parse_client(self.drizzle_client)


@dataclass(frozen=True)
class SqlSite:
    line: int
    column: int
    operation: str
    via: Optional[str] = None  # the module the client came from (the scan's entry module)


@dataclass(frozen=True)
class Schema:
    """The Drizzle schema's names: each table (by SQL name) with its export and the module exporting it,
    and each column's SQL type and Drizzle `mode` (what value the rows carry), by (export, property key)."""

    tables: dict[str, TableNames]
    modules: dict[str, str]  # table export -> the file that exports it
    columns: dict[tuple[str, str], tuple[str, Optional[str]]] = None  # type: ignore[assignment]


_EXPORT = re.compile(r"^\s*export\s+const\s+([A-Za-z_$][\w$]*)", re.MULTILINE)
# `key: builder("column", { … })` (the name and the options optional)
_COLUMN = re.compile(r"""([A-Za-z_$][\w$]*|"[^"]+"|'[^']+')\s*:\s*([\w$.]+)\("""
                     r"""\s*(?:["'`]([^"'`]+)["'`]\s*,?\s*)?(?:\{([^{}]*)\})?""")
_MODE = re.compile(r"""\bmode\s*:\s*["'](\w+)["']""")
_ENUM = re.compile(r"""([A-Za-z_$][\w$]*)\s*=\s*(?:[\w$]+\.)?(?:pgEnum|mysqlEnum)\(""")
# drizzle-orm's own column builders (pg-core, sqlite-core): any other builder is a customType (or an enum
# from another module), whose fromDriver/toDriver may change values both ways
BUILDERS = frozenset("""bigint bigserial bit boolean char cidr date decimal doublePrecision geometry halfvec inet
    integer interval json jsonb line macaddr macaddr8 numeric point real serial smallint smallserial sparsevec text
    time timestamp uuid varchar vector blob int""".split())


def _modes(path: str) -> dict[tuple[str, str], str]:
    """`mode: "…"` of each column definition, by (table export, property key), read from the schema file;
    "custom" for a column built with something other than drizzle-orm's builders or the file's enums."""
    text = _module_text(path) or ""
    enums = set(_ENUM.findall(text))
    out: dict[tuple[str, str], str] = {}
    starts = [(m.start(), m.group(1)) for m in _EXPORT.finditer(text)] + [(len(text), "")]
    for (start, export), (end, _) in zip(starts, starts[1:]):
        for m in _COLUMN.finditer(text, start, end):
            builder = m.group(2).rsplit(".", 1)[-1]
            mode = _MODE.search(m.group(4) or "")
            key = (export, m.group(1).strip("'\""))
            if builder not in BUILDERS and builder not in enums:
                out[key] = "custom"
            elif mode:
                out[key] = mode.group(1)
    return out


def load_schema(spec: str) -> Schema:
    from migrator.inspect import load_app_model

    if not spec.startswith("drizzle:"):
        raise BadInput(f"--drizzle-schema: expected drizzle:PATH, got {spec!r}")
    sql_schema, model = load_app_model(spec)
    types = {(ns.name, t.name, c.name): c.type for ns in sql_schema.namespaces for t in ns.tables for c in t.columns}
    tables: dict[str, TableNames] = {}
    modules: dict[str, str] = {}
    columns: dict[tuple[str, str], tuple[str, Optional[str]]] = {}
    modes: dict[str, dict] = {}
    for m in model.models:
        tables[m.table] = TableNames(m.name, {column: key for key, column in m.fields})
        if m.file:
            modules[m.name] = str(m.file)
            modes.setdefault(str(m.file), _modes(str(m.file)))
        for key, column in m.fields:
            sql_type = types.get((m.namespace, m.table, column))
            kind = "?" if sql_type is None else (
                "timestamptz" if sql_type.name == "timestamp" and sql_type.timezone else sql_type.name) + (
                "[]" if sql_type is not None and sql_type.array else "")
            columns[(m.name, key)] = (kind, modes.get(str(m.file), {}).get((m.name, key)))
    return Schema(tables, modules, columns)


def _value_change(driver: str, kind: str, mode: Optional[str]) -> Optional[str]:
    """How the value of a column of SQL type `kind` (Drizzle `mode`) read through `driver` differs from what
    Drizzle returns for it, or None when they are the same kind of JavaScript value."""
    if mode == "custom":
        return "a custom column type: Drizzle passes the value through its fromDriver"
    if kind.endswith("[]"):  # an array's elements are read as the element type is
        change = _value_change(driver, kind[:-2], mode)
        return f"its elements: {change}" if change else None
    if DIALECT[driver] == "postgresql":  # node-postgres and postgres.js parse alike by default
        if kind in ("bigint", "bigserial") and mode != "string":
            return f"the driver returns a string, Drizzle ({mode or 'default'} mode) a {'BigInt' if mode == 'bigint' else 'number'}"
        if kind in ("numeric", "decimal") and mode in ("number", "bigint"):
            return f"the driver returns a string, Drizzle ({mode} mode) a {mode}"
        if kind == "date" and mode != "date":
            return "the driver returns a Date, Drizzle (string mode) a string"
        if kind == "date" and driver == "pg":  # postgres.js reads it with new Date(text): UTC midnight, as Drizzle
            return ("the driver reads a date as local midnight, Drizzle as UTC midnight: the same Date only when "
                    "the process runs with TZ=UTC")
        if kind in ("timestamp", "timestamptz") and mode == "string":
            return "the driver returns a Date, Drizzle (string mode) a string"
        if kind == "timestamp":
            return ("the driver reads a timestamp without time zone in the process's local time zone, Drizzle as "
                    "UTC: the same Date only when the process runs with TZ=UTC")
        if kind == "interval":
            return "the driver returns an interval object, Drizzle a string"
        return None
    if mode in ("boolean", "timestamp", "timestamp_ms", "json", "bigint"):
        return f"the driver returns the stored value, Drizzle ({mode} mode) converts it"
    if kind in ("numeric", "decimal") and mode != "number":
        return "the driver returns a number, Drizzle a string"
    return None


def _count_column(schema: Schema, t: Translation, driver: str) -> Optional[str]:
    """A column of the written table whose value Drizzle reads back without a conversion that can throw
    (`posts.id`): what `.returning({ … })` returns when the code only counts the rows. PostgreSQL: the
    first column not JSON; SQLite: the first text column, else the first column when it is a plain integer
    (the key, most often: libsql throws on an integer beyond 2^53)."""
    if len(t.tables) != 1:
        return None
    variable = next(iter(t.tables))
    names = next((n for n in schema.tables.values() if n.variable == variable), None)
    if names is None:
        return None
    keys = [key for key in names.keys.values() if key.isidentifier()]
    kinds = {key: (schema.columns or {}).get((variable, key), ("?", None)) for key in keys}
    if DIALECT[driver] == "postgresql":
        wanted = [key for key in keys if kinds[key][0] not in ("json", "jsonb", "?") and kinds[key][1] != "custom"]
    else:
        wanted = [key for key in keys if kinds[key][0] in ("text", "varchar", "char")
                  and kinds[key][1] in (None, "text")]
        wanted += [key for key in keys[:1] if kinds[key][0] == "integer" and kinds[key][1] in (None, "number")]
    return f"{variable}.{wanted[0]}" if wanted else None


def _encoding(driver: str, kind: str, mode: Optional[str]) -> Optional[str]:
    """How Drizzle turns a value bound through a column of SQL type `kind` (Drizzle `mode`) before the driver
    sees it (the column's mapToDriverValue), when that is not the value itself; None when it is."""
    if mode == "custom":
        return "a custom column type: Drizzle sends what its toDriver makes of the value"
    if DIALECT[driver] == "postgresql":
        if kind in ("timestamp", "timestamptz") and mode != "string" or kind == "date" and mode == "date":
            return ("Drizzle sends `value.toISOString()` (a string value throws; a Date of a timestamp without time "
                    "zone is written as UTC, the driver wrote local time)")
        if kind in ("json", "jsonb"):
            return ("Drizzle sends `JSON.stringify(value)` (a string is sent as a JSON string, the driver sent it as "
                    "JSON text)")
        if kind.endswith("[]"):
            return "Drizzle writes the array literal itself"
        return None
    if mode in ("timestamp", "timestamp_ms"):
        return "Drizzle sends `value.getTime()` (the driver refused a Date)"
    if mode == "boolean":
        return "Drizzle sends `value ? 1 : 0` (the driver refused a boolean, or stored the value as it was)"
    if mode in ("json", "bigint"):
        return f"Drizzle encodes it ({mode} mode)"
    return None


@lru_cache(maxsize=1)
def _rules() -> tuple:
    from migrator.rewrite.sql_drizzle.rule import rules as found

    return tuple(found())


def rules() -> list:
    return list(_rules())


def _code(name: str) -> str:
    return {"select": "SD001", "write": "SD002", "dynamic": "SD100", "fallback": "SD101", "call": "SD102",
            "result": "SD103"}[name]


def sql_sites(root: Path, files: list[Path], jobs: Optional[int] = None,
              skipped: Optional[dict[Path, str]] = None) -> dict[Path, list[SqlSite]]:
    """The raw-SQL sites of `files` by the scan's value flow (tsedit.scan_sites)."""
    return {path: [SqlSite(s.line, s.column, s.operation, str(root / s.via) if s.via else None) for s in sites]
            for path, sites in scan_sites(root, files, "sql-js", jobs, skipped).items()}


# ---------------------------------------------------------------------------
# Drivers

DRIVERS = {"pg": "pg", "@neondatabase/serverless": "pg", "postgres": "postgres", "@libsql/client": "libsql",
           "better-sqlite3": "better-sqlite3", "mysql2": "mysql2", "mysql2/promise": "mysql2"}
_IMPORT = re.compile(r"""(?:from\s*|require\(\s*|import\(\s*|import\s+)["']([^"']+)["']""")
# operation -> the driver it belongs to
OPERATION_DRIVER = {"query": "pg", "execute": "libsql", "prepare": "better-sqlite3", "sql": "postgres"}
DIALECT = {"pg": "postgresql", "postgres": "postgresql", "libsql": "sqlite", "better-sqlite3": "sqlite"}


def _drivers(text: str) -> set[str]:
    found = set()
    for module in _IMPORT.findall(text):
        base = module if module in DRIVERS else module.split("/")[0] if not module.startswith("@") else "/".join(module.split("/")[:2])
        if base in DRIVERS:
            found.add(DRIVERS[base])
    return found




def _driver(text: str, site: SqlSite) -> str:
    wanted = OPERATION_DRIVER.get(site.operation)
    if wanted is None:
        raise Refusal(_code("call"), f"a `{site.operation}` call is not a single statement the rewrite converts "
                                     f"(exec, batch, transactions): convert it by hand")
    drivers = _drivers(text)
    if site.via:
        drivers |= _drivers(_module_text(site.via) or "")
    same_op = {d for d in drivers if d == wanted or (wanted in ("pg", "libsql") and d == "mysql2")}
    if wanted not in drivers:
        texts = [text] + ([_module_text(site.via) or ""] if site.via else [])
        found = ", ".join(sorted({m for t in texts for m in _IMPORT.findall(t) if _drivers(f'from "{m}"')})) or "none"
        call = "a tagged template (or `.unsafe()`)" if site.operation == "sql" else f"`.{site.operation}()`"
        raise Refusal(_code("call"), f"{call} needs the {wanted} driver, but the file imports {found}: "
                                     f"convert it by hand")
    if len(same_op) > 1:
        raise Refusal(_code("call"), f"both {' and '.join(sorted(same_op))} are imported here: which one runs "
                                     f"`.{site.operation}()` is not certain")
    return wanted


# Driver settings that change the values or keys of the rows the driver returns, which the project's
# Drizzle client (its own connection, its own parsers) would not reproduce: read in the file and in the
# module the client comes from; any mention refuses the file's sites of that driver.
_ROW_SETTINGS = {
    "pg": (re.compile(r"\bsetTypeParser\b|\btypes\s*:|\browMode\b"), "custom type parsers or rowMode"),
    "postgres": (re.compile(r"\btransform\s*:|\btypes\s*:|\bpostgres\.(?:camel|toCamel|fromCamel)\b"),
                 "a column-name transform or custom types"),
    "libsql": (re.compile(r"\bintMode\b"), "intMode (integers as BigInt or strings)"),
    "better-sqlite3": (re.compile(r"\bsafeIntegers\b"), "safeIntegers (integers as BigInt)"),
}


def _settings(text: str, site: SqlSite, driver: str) -> None:
    pattern, what = _ROW_SETTINGS[driver]
    for where, source in (("this file", text), (site.via and Path(site.via).name, site.via and _module_text(site.via))):
        if source and pattern.search(source):
            raise Refusal(_code("call"), f"the {driver} client is set up with {what} (in {where}): the rows it "
                                         f"returns are not the ones Drizzle's own client returns")


# ---------------------------------------------------------------------------
# Literals

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "`": "`", "$": "$", "\n": ""}


def _unescape(body: str) -> Optional[str]:
    out = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1:i + 2]
            if nxt not in _ESCAPES:
                return None
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _literal(node) -> Optional[str]:
    """The value of a string literal or a template literal without substitutions; None otherwise."""
    while node is not None and node.kind() == "parenthesized_expression":
        node = next((c for c in node.children() if c.kind() not in ("(", ")")), None)
    if node is None:
        return None
    if node.kind() == "string":
        return _unescape(node.text()[1:-1])
    if node.kind() == "template_string" and node.find(kind="template_substitution") is None:
        return _unescape(node.text()[1:-1])
    return None


def _args(call) -> list:
    arguments = call.field("arguments")
    if arguments is None or arguments.kind() != "arguments":
        return []
    return [c for c in arguments.children() if c.kind() not in ("(", ")", ",", "comment")]


def _array_items(node) -> list[str]:
    if node.kind() != "array":
        raise Refusal(_code("dynamic"), f"the parameters `{short(node.text())}` are not an array literal: what is "
                                        f"bound is known only at run time")
    items = [c for c in node.children() if c.kind() not in ("[", "]", ",", "comment")]
    if any(c.kind() == "spread_element" for c in items):
        raise Refusal(_code("dynamic"), "the parameter array spreads another array: how many values it binds is "
                                        "known only at run time")
    return [c.text() for c in items]


def _sql_text(node) -> str:
    value = _literal(node)
    if value is None:
        raise Refusal(_code("dynamic"), f"the SQL `{short(node.text())}` is not one string literal: what "
                                        f"runs is known only at run time; keep it as it is, or write it with the "
                                        f"query builder by hand")
    return value


# ---------------------------------------------------------------------------
# One site


@dataclass
class Plan:
    """One site taken apart: the call node whose text is replaced, its SQL and parameters."""

    driver: str
    call: object  # the expression replaced (better-sqlite3: the `.all()`/`.get()`/`.run()` call)
    receiver: object  # the client identifier node
    sql: str
    params: list[str]
    method: str = ""  # better-sqlite3: all | get | run


def _member(call, name: str) -> bool:
    fn = call.field("function")
    return fn is not None and fn.kind() == "member_expression" and fn.field("property").text() == name


def _plan(calls: dict, site: SqlSite, driver: str) -> Plan:
    candidates = calls.get((site.line - 1, site.column - 1), [])
    if driver == "postgres":
        for call in candidates:
            if _member(call, "unsafe"):
                # sql.unsafe(text, [params]): $n placeholders bound from the array, the same rows as the tag
                args = _args(call)
                if not args or len(args) > 2:
                    raise Refusal(_code("call"), "`unsafe()` with no SQL or with options: convert it by hand")
                return Plan(driver, call, call.field("function").field("object"), _sql_text(args[0]),
                            _array_items(args[1]) if len(args) == 2 else [], "unsafe")
            if _member(call, "file"):
                raise Refusal(_code("call"), "`file()` runs SQL from a file the rewrite does not read")
            fn = call.field("function")
            template = call.field("arguments")
            if fn is None or fn.kind() != "identifier" or template is None or template.kind() != "template_string":
                continue
            sql, params, start = [], [], template.range().start.index + 1
            text = template.text()
            base = template.range().start.index
            for sub in template.children():
                if sub.kind() != "template_substitution":
                    continue
                inner = next((c for c in sub.children() if c.kind() not in ("${", "}")), None)
                if inner is None or inner.kind() == "comment":
                    raise Refusal(_code("dynamic"), "an empty substitution in the tagged template")
                if (inner.kind() == "call_expression" and inner.field("function") is not None
                        and inner.field("function").text().split(".")[0] == fn.text()) or (
                        inner.kind() == "member_expression" and inner.text().split(".")[0] == fn.text()):
                    raise Refusal(_code("dynamic"), f"`${{{short(inner.text())}}}` is a postgres.js fragment (identifiers, "
                                                    f"lists, nested queries): the SQL is built at run time")
                if inner.kind() == "template_string" or inner.find(kind="template_string") is not None:
                    raise Refusal(_code("dynamic"), f"`${{{short(inner.text())}}}`: a nested template in the SQL")
                piece = _unescape(text[start - base:sub.range().start.index - base])
                if piece is None:
                    raise Refusal(_code("dynamic"), "an escape sequence in the SQL text the rewrite does not read")
                params.append(inner.text())
                sql.append(piece + f"${len(params)}")
                start = sub.range().end.index
            tail = _unescape(text[start - base:-1])
            if tail is None:
                raise Refusal(_code("dynamic"), "an escape sequence in the SQL text the rewrite does not read")
            if any(re.search(r"\$\d", piece[:piece.rfind("$")]) for piece in sql) or re.search(r"\$\d", tail):
                raise Refusal(_code("call"), "the SQL text holds `$n` placeholders of its own")
            return Plan(driver, call, fn, "".join(sql) + tail, params)
        raise Refusal(_code("call"), "the tagged template could not be taken apart; convert it by hand")
    if driver in ("pg", "libsql"):
        method = "query" if driver == "pg" else "execute"
        for call in candidates:
            if not _member(call, method):
                continue
            receiver = call.field("function").field("object")
            args = _args(call)
            if call.field("type_arguments") is not None:
                raise Refusal(_code("call"), f"the call has type arguments (the row type): convert it by hand")
            if not args:
                raise Refusal(_code("call"), "no arguments")
            first = args[0]
            if first.kind() == "object":
                if driver == "pg":
                    raise Refusal(_code("dynamic"), f"a query config object (`{{ text, values }}`, "
                                                    f"rowMode, a name): convert it by hand")
                pairs = {}
                for child in first.children():
                    if child.kind() == "pair":
                        pairs[child.field("key").text().strip("'\"")] = child.field("value")
                    elif child.kind() not in ("{", "}", ",", "comment"):
                        raise Refusal(_code("dynamic"), f"the statement object holds "
                                                        f"`{short(child.text())}`")
                if set(pairs) - {"sql", "args"} or "sql" not in pairs or len(args) > 1:
                    raise Refusal(_code("dynamic"), f"a statement object other than `{{ sql, args }}`")
                sql = _sql_text(pairs["sql"])
                params = _array_items(pairs["args"]) if "args" in pairs else []
            else:
                if len(args) > 2:
                    raise Refusal(_code("call"), "a callback or more than two arguments")
                sql = _sql_text(first)
                params = _array_items(args[1]) if len(args) == 2 else []
            return Plan(driver, call, receiver, sql, params)
        raise Refusal(_code("call"), f"the `.{method}()` call could not be taken apart (optional chaining, an unusual "
                                     f"shape); convert it by hand")
    # better-sqlite3: db.prepare(text).all/get/run(...params)
    for call in candidates:
        if not _member(call, "prepare"):
            continue
        receiver = call.field("function").field("object")
        args = _args(call)
        if len(args) != 1:
            raise Refusal(_code("call"), "`.prepare()` with other than one argument")
        sql = _sql_text(args[0])
        member = call.parent()
        outer = member.parent() if member is not None else None
        if (member is None or member.kind() != "member_expression" or outer is None
                or outer.kind() != "call_expression" or outer.field("function").range() != member.range()):
            raise Refusal(_code("call"), "the prepared statement is kept or passed on, not run where it is prepared: "
                                         "convert it by hand")
        method = member.field("property").text()
        if method not in ("all", "get", "run"):
            raise Refusal(_code("call"), f"`.{method}()` on the prepared statement (only all/get/run convert)")
        params = []
        for arg in _args(outer):
            if arg.kind() in ("spread_element", "object"):
                raise Refusal(_code("dynamic"), f"`{short(arg.text())}`: spread or named parameters; bind positional "
                                                f"values to convert it")
            params.append(arg.text())
        return Plan(driver, outer, receiver, sql, params, method)
    raise Refusal(_code("call"), "the `.prepare()` call could not be taken apart; convert it by hand")


_FUNCTIONS = ("function_declaration", "function_expression", "arrow_function", "method_definition", "function",
              "generator_function_declaration")


def _async_function(node) -> bool:
    for anc in node.ancestors():
        if anc.kind() in _FUNCTIONS:
            return any(c.kind() == "async" for c in anc.children())
    return False


def _scope(node):
    """The nearest enclosing function (or the program)."""
    last = node
    for anc in node.ancestors():
        last = anc
        if anc.kind() in _FUNCTIONS:
            return anc
    return last


_ROW_COUNT = {"pg": "rowCount", "libsql": "rowsAffected", "postgres": "count"}


def _shape(root, plan: Plan, t: Translation, kind: str, client_driver: Optional[str] = None,
           count_column: Optional[str] = None) -> tuple[str, list[tuple[int, int, str]]]:
    """The replacement of the call and the other edits that keep what the code reads of the result."""
    call = plan.call
    code = t.code
    start, end = call.range().start.index, call.range().end.index
    parent = call.parent()
    refuse = lambda reason: Refusal(_code("result"), reason)  # noqa: E731
    writes = t.kind in ("insert", "update", "delete")
    if plan.driver == "better-sqlite3" and client_driver == "better-sqlite3":
        # Drizzle's better-sqlite3 builders run synchronously as the driver did, with the same methods and
        # the same values: .all() the rows, .get() the first row or undefined, .run() { changes,
        # lastInsertRowid }
        if plan.method in ("all", "get") and not t.returns_rows:
            raise refuse(f"`.{plan.method}()` of a write without RETURNING (better-sqlite3 throws)")
        new = f"{code}.{plan.method}()"
        return new, [(start, end, new)]
    if plan.driver == "better-sqlite3":
        if not _async_function(call):
            raise refuse("better-sqlite3 runs synchronously here, the Drizzle query is a promise: make the function "
                         "async (and its callers await it) first")
        if plan.method == "run":
            if parent is None or parent.kind() != "expression_statement":
                raise refuse("the result of `.run()` (changes, lastInsertRowid) is used; Drizzle returns no such "
                             "object: convert it by hand")
            new = f"await {code}"
        elif not t.returns_rows:
            raise refuse(f"`.{plan.method}()` of a write without RETURNING")
        else:
            new = f"await {code}" + (".then((r) => r[0])" if plan.method == "get" else "")
        if parent is not None and parent.kind() in ("member_expression", "call_expression", "subscript_expression",
                                                    "binary_expression", "unary_expression", "await_expression"):
            new = f"({new})"
        return new, [(start, end, new)]
    if parent is None or parent.kind() != "await_expression":
        raise refuse("the result is not awaited where it is made (returned or passed on): the code that reads its "
                     "shape is elsewhere; convert it by hand")
    holder = parent.parent()
    if holder is not None and holder.kind() == "expression_statement":
        return code, [(start, end, code)]
    if holder is None or holder.kind() != "variable_declarator" or holder.field("value").range() != parent.range():
        raise refuse("the awaited result is used in place: bind it (`const { rows } = await …`) first")
    name = holder.field("name")
    count = _ROW_COUNT[plan.driver]
    if holder.field("type") is not None:
        raise refuse(f"the result has a type annotation (`{short(holder.field('type').text())}`): the Drizzle rows "
                     f"are typed by the schema; remove it, then rerun")
    if name.kind() == "object_pattern" and plan.driver in ("pg", "libsql"):
        parts = [c for c in name.children() if c.kind() not in ("{", "}", ",", "comment")]
        target = None
        if len(parts) == 1 and parts[0].kind() == "shorthand_property_identifier_pattern" and parts[0].text() == "rows":
            target = "rows"
        elif (len(parts) == 1 and parts[0].kind() == "pair_pattern" and parts[0].field("key").text() == "rows"
              and parts[0].field("value").kind() in ("identifier", "array_pattern")):
            target = parts[0].field("value").text()
        if target is None:
            raise refuse(f"the destructuring `{short(name.text())}` reads more than `rows`")
        if not t.returns_rows:
            raise refuse("reads `rows` of a write without RETURNING (always empty)")
        return code, [(start, end, code), (name.range().start.index, name.range().end.index, target)]
    if name.kind() == "array_pattern" and plan.driver == "postgres" and t.returns_rows:
        return code, [(start, end, code)]
    if name.kind() != "identifier":
        raise refuse(f"the result is destructured as `{short(name.text())}`")
    var = name.text()
    scope = _scope(holder)
    a, b = scope.range().start.index, scope.range().end.index
    if sum(1 for _, n in _bindings(root, var) if a <= n.range().start.index < b) != 1:
        raise refuse(f"`{var}` is bound more than once in its function: its uses cannot be told apart")
    uses = [n for n in scope.find_all(kind="identifier") if n.text() == var and n.range() != name.range()]
    edits: list[tuple[int, int, str]] = []
    rows_read = counted = False
    for use in uses:
        up = use.parent()
        prop = up.field("property").text() if up is not None and up.kind() == "member_expression" and \
            up.field("object").range() == use.range() else None
        outer = up.parent() if up is not None else None
        if outer is not None and outer.kind() in ("assignment_expression", "augmented_assignment_expression") and \
                outer.field("left").range() == up.range():
            raise refuse(f"`{up.text()}` is assigned to")
        if plan.driver == "postgres":
            if prop == "count":
                counted = True
                edits.append((up.field("property").range().start.index, up.field("property").range().end.index,
                              "length"))
            elif prop in ("command", "columns", "statement", "state"):
                raise refuse(f"`{up.text()}` reads postgres.js' result metadata")
            else:
                rows_read = True
            continue
        if prop == "rows":
            rows_read = True
            edits.append((up.range().start.index, up.range().end.index, var))
        elif prop == count:
            if plan.driver == "libsql" and not writes:
                # libsql's rowsAffected counts changed rows: 0 for a SELECT, never the rows returned
                raise refuse(f"`{up.text()}` of a SELECT is no row count (libsql gives 0), the rows' length would be")
            counted = True
            edits.append((up.range().start.index, up.range().end.index, f"{var}.length"))
        else:
            what = f"`{up.text()}`" if prop else f"`{var}` itself"
            raise refuse(f"{what} is read: only `.rows` and `.{count}` keep their meaning on Drizzle's rows")
    if rows_read and not t.returns_rows:
        raise refuse(f"reads the rows of a write without RETURNING")
    if counted and not t.returns_rows:
        if not writes:
            raise refuse("a row count of a statement that returns no rows")
        if count_column is None:
            raise refuse("a row count of a write: no column of the table can be returned to count the rows without "
                         "a conversion that may throw")
        # one column is enough to count the rows, and reading every column could throw where the write
        # did not (libsql: an integer beyond 2^53; a JSON column that does not parse)
        code += f".returning({{ {count_column.split('.', 1)[1].split('[', 1)[0] or 'n'}: {count_column} }})"
    return code, [(start, end, code)] + edits


WIDTH = 100  # a converted statement longer than this is written one builder call a line


def _chain_parts(code: str) -> list[str]:
    """`db.select(…).from(t).where(…)` → ["db", ".select(…)", ".from(t)", ".where(…)"]: split at the dots of
    the top-level method chain (outside brackets, strings and templates)."""
    parts, depth, quote, start, i = [], 0, None, 0, 0
    while i < len(code):
        ch = code[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "." and depth == 0 and i > start:
            parts.append(code[start:i])
            start = i
        i += 1
    parts.append(code[start:])
    return parts


def _layout(text: str, start: int, end: int, new: str) -> str:
    """`new` as it replaces text[start:end]: one line when the statement stays within WIDTH, else one
    builder call a line, indented one step (the file's unit) past the statement's line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if len(text[line_start:start]) + len(new) + len(text[end:line_end].rstrip("\r")) <= WIDTH:
        return new
    prefix = "await " if new.startswith("await ") else ""
    parts = _chain_parts(new[len(prefix):])
    if len(parts) < 3:
        return new
    line = text[line_start:start]
    indent = line[:len(line) - len(line.lstrip())] + indent_step(text)
    nl = "\r\n" if "\r\n" in text else "\n"
    return prefix + parts[0] + "".join(nl + indent + p for p in parts[1:])


def _module_for(path: str, target: str) -> str:
    """The import specifier of `target` (a file) from the file at `path`."""
    stem = re.sub(r"\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$", "", target)
    rel = os.path.relpath(stem, os.path.dirname(os.path.abspath(path))).replace(os.sep, "/")
    return rel if rel.startswith(".") else "./" + rel


def _visible(root, name: str, at) -> list[tuple[str, object]]:
    """The bindings of `name` that can be what it means at node `at`: imports and module-level
    declarations, and local ones whose function (or the program) holds `at`."""
    out = []
    for kind, node in _bindings(root, name):
        if kind == "local":
            holder = node.parent()
            start = holder if holder is not None and holder.kind() in (
                "function_declaration", "class_declaration") and holder.field("name") is not None and \
                holder.field("name").range() == node.range() else node
            scope = _scope(start) if start is node else _scope(start.parent() or start)
            a, b = scope.range().start.index, scope.range().end.index
            if not (a <= at.range().start.index and at.range().end.index <= b):
                continue
        out.append((kind, node))
    return out


def _name_free(root, name: str, module: str, at) -> bool:
    """`name` means nothing at `at`, or what `module` exports under it."""
    for kind, node in _visible(root, name, at):
        if kind != "import":
            return False
        stmt = next((a for a in node.ancestors() if a.kind() == "import_statement"), None)
        if stmt is None or stmt.field("source").text()[1:-1] != module:
            return False
    return True


def _add_names(text: str, path: str, module: str, names: Iterable[str]) -> str:
    """`import { a, b } from "module"`: into the file's existing named import of `module`, else a new line."""
    from ast_grep_py import SgRoot

    names = sorted(set(names))
    if not names:
        return text
    root = SgRoot(text, _language(path)).root()
    imports = [c for c in root.children() if c.kind() == "import_statement"]
    for stmt in imports:
        if stmt.field("source").text()[1:-1] != module or "import type" in stmt.text()[:12]:
            continue
        named = stmt.find(kind="named_imports")
        if named is None:
            continue
        have = {s.field("alias").text() if s.field("alias") is not None else s.field("name").text()
                for s in named.children() if s.kind() == "import_specifier"}
        missing = [n for n in names if n not in have]
        if not missing:
            return text
        specs = [s for s in named.children() if s.kind() == "import_specifier"]
        at = specs[-1].range().end.index if specs else named.range().start.index + 1
        insert = (", " if specs else " ") + ", ".join(missing) + ("" if specs else " ")
        return text[:at] + insert + text[at:]
    if len(names) == 1:
        return _add_import(text, path, module, names[0])
    marker = "__MIGRATOR_IMPORT__"
    out = _add_import(text, path, module, marker)
    return out.replace(marker, ", ".join(names), 1)


def _label(plan: Plan, site: SqlSite) -> str:
    if plan.driver == "better-sqlite3":
        return f"`{short(plan.receiver.text())}.prepare(…).{plan.method}()`"
    if plan.driver == "postgres" and plan.method == "unsafe":
        return f"`{short(plan.receiver.text())}.unsafe()`"
    if plan.driver == "postgres":
        return f"the `{short(plan.receiver.text())}` tagged template"
    return f"`{short(plan.receiver.text())}.{site.operation}()`"


def _fallback_call(code: str, client: str, plan: Plan, client_driver: Optional[str] = None) -> str:
    """translate()'s `db.execute(sql`…`)` as the Drizzle client of the dialect runs raw SQL: PostgreSQL's
    `execute`; SQLite's `all` (rows), `get` (the first row) or `run` (a write; libsql's ResultSet)."""
    if DIALECT[plan.driver] != "sqlite" or not code.startswith(f"{client}.execute("):
        return code
    if plan.method in ("all", "get", "run"):
        method = plan.method
    elif plan.driver == "libsql" and client_driver == "libsql":
        method = "run"  # Drizzle's libsql run() returns the client's own ResultSet
    else:
        method = "all" if re.match(r"\s*(select|with|values|pragma)\b", plan.sql, re.IGNORECASE) or \
            re.search(r"\breturning\b", plan.sql, re.IGNORECASE) else "run"
    return f"{client}.{method}(" + code[len(f"{client}.execute("):]


# Raw SQL through the Drizzle client of the same driver returns the driver's own result: libsql's
# `db.run(sql…)` its ResultSet, better-sqlite3's `db.all/get/run(sql…)` (synchronous) its rows, row and
# RunResult. The other pairs differ (below), so those stay findings.
_SAME_RESULT = {("libsql", "libsql"), ("better-sqlite3", "better-sqlite3")}
_RAW_RESULT = {
    "pg": "`{ rows, rowCount }` with timestamp, date and interval values parsed (Dates, interval objects)",
    "postgres": "a row array with `.count`, date and time values parsed as Dates",
    "libsql": "libsql's ResultSet `{ rows, rowsAffected, columns, lastInsertRowid }`",
}
_DRIZZLE_RAW_RESULT = {
    "node-postgres": "node-postgres' QueryResult `{ rows, rowCount }` with timestamp, date and interval values as "
                     "strings (Drizzle's node-postgres client does not parse them)",
    "postgres-js": "postgres.js' row array with `.count`, date and time values as strings (Drizzle's postgres-js "
                   "client does not parse them)",
    "libsql": "a promise (libsql's ResultSet from run(), plain row objects from all(), the first row from get())",
    "better-sqlite3": "the rows, the first row or `{ changes, lastInsertRowid }` synchronously",
}


def _raw_difference(plan: Plan, client_driver: Optional[str], label: str) -> str:
    """What `db.execute/all/get/run(sql…)` returns against what the driver's call returned (a finding's words)."""
    drizzle = _DRIZZLE_RAW_RESULT.get(client_driver or "", f"the {client_driver or 'unknown'} Drizzle driver's "
                                      f"own result (the Drizzle client's driver is not one of node-postgres, "
                                      f"postgres-js, libsql, better-sqlite3)")
    methods = {"all": "the rows", "get": "the first row", "run": "`{ changes, lastInsertRowid }`"}
    raw = _RAW_RESULT[plan.driver] if plan.driver != "better-sqlite3" else methods[plan.method] + " synchronously"
    return f"it returns {drizzle}, where {label} returned {raw}"


def _placeholders(sql: str, dialect: str) -> list[str]:
    """The placeholders of `sql` outside quotes and comments, in order (`$2`, `?`)."""
    out, i, quote = [], 0, None
    while i < len(sql):
        ch = sql[i]
        if quote:
            quote = None if ch == quote else quote
        elif ch in ("'", '"'):
            quote = ch
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end
            continue
        elif sql.startswith("/*", i):
            end = sql.find("*/", i)
            i = len(sql) if end < 0 else end + 2
            continue
        else:
            m = (re.compile(r"\$\d+") if dialect == "postgresql" else re.compile(r"\?\d*|[:@$][A-Za-z_]\w*")).match(sql, i)
            if m:
                out.append(m.group(0))
                i = m.end()
                continue
        i += 1
    return out


def _check_params(plan: Plan) -> None:
    """Every parameter bound exactly once: the driver fails on a parameter the SQL does not use (the
    Drizzle call would drop it), and an expression written twice would run twice."""
    found = _placeholders(plan.sql, DIALECT[plan.driver])
    if DIALECT[plan.driver] == "sqlite":
        if any(p != "?" for p in found):
            raise Refusal(_code("call"), f"the placeholder `{next(p for p in found if p != '?')}`: only `?` converts")
        if len(found) != len(plan.params):
            raise Refusal(_code("call"), f"{len(found)} placeholder(s) for {len(plan.params)} value(s): the driver "
                                         f"would throw")
        return
    for index, param in enumerate(plan.params, 1):
        uses = found.count(f"${index}")
        if uses == 0:
            raise Refusal(_code("call"), f"the value `{short(param)}` (${index}) is not used in the SQL: the driver "
                                         f"would throw")
        if uses > 1 and not re.fullmatch(r"[\w$.]+|\d+|\"[^\"]*\"|'[^']*'", param):
            raise Refusal(_code("call"), f"${index} is used {uses} times and its value `{short(param)}` is an "
                                         f"expression: the Drizzle call would evaluate it {uses} times; bind it to a "
                                         f"name first")


def _site_label(calls: dict, site: SqlSite) -> str:
    for call in calls.get((site.line - 1, site.column - 1), []):
        fn = call.field("function")
        if fn is not None and fn.kind() == "member_expression" and fn.field("property").text() == site.operation:
            return f"`{short(fn.text())}()`"
        if fn is not None and fn.kind() == "identifier" and site.operation == "sql":
            return f"the `{fn.text()}` tagged template"
    for call in calls.get((site.line - 1, site.column - 1), []):
        fn = call.field("function")
        if fn is not None and fn.kind() == "member_expression":
            return f"`{short(fn.text())}()`"
    return f"`{site.operation}`"


_BEGIN = r"""\s*\(\s*[`'"]\s*(?:BEGIN|START\s+TRANSACTION|SAVEPOINT)\b"""


def _no_transaction(text: str, plan: Plan) -> None:
    """The Drizzle client has a connection of its own: a call that runs inside a transaction of the driver's
    client (better-sqlite3's `db.transaction(fn)`, or a client sent BEGIN) would leave it, and on SQLite
    wait for the lock that transaction holds."""
    name = plan.receiver.text()
    for anc in plan.call.ancestors():
        if anc.kind() == "call_expression" and _member(anc, "transaction") and \
                anc.field("function").field("object").text() == name:
            raise Refusal(_code("call"), f"it runs inside `{name}.transaction(…)`: the Drizzle client's own "
                                         f"connection would run it outside that transaction")
    if re.search(rf"(?<![\w$.]){re.escape(name)}\s*\.\s*(?:query|exec|execute|unsafe|prepare){_BEGIN}", text,
                 re.IGNORECASE):
        raise Refusal(_code("call"), f"`{name}` is sent BEGIN in this file: a statement between BEGIN and COMMIT "
                                     f"would leave the transaction on the Drizzle client's own connection")


def _receiver(root, node) -> None:
    """The client must be a module-level name (imported or declared at the top): a parameter or a local
    (a pool client inside a transaction, postgres.js' `sql` of `sql.begin`) is refused."""
    if node.kind() != "identifier":
        raise Refusal(_code("call"), f"the client `{short(node.text())}` is not a module-level name (an attribute, a "
                                     f"call): convert it by hand")
    bound = _visible(root, node.text(), node)
    if any(kind == "local" for kind, _ in bound):
        raise Refusal(_code("call"), f"`{node.text()}` is a parameter or local variable here (or bound so elsewhere "
                                     f"in the file): a client passed in or checked out may hold a transaction")
    if not bound:
        raise Refusal(_code("call"), f"`{node.text()}` is not bound in this file")


def rewrite_text(text: str, path: str, sites: list[SqlSite], schema: Schema, options: Options,
                 file: Optional[str] = None) -> FileResult:
    """Convert the sql-js `sites` of one file's `text` (nothing written); `file` is where it lives (the
    table imports are relative to it; default `path`)."""
    from ast_grep_py import SgRoot

    module, client = options.client()
    root = SgRoot(text, _language(path)).root()
    if root.find(kind="ERROR") is not None or _has_error(text, path):
        return FileResult(path, "skipped", reason="syntax error: nothing converted in this file",
                          findings=[Finding(s.line, s.column, _code("call"), "not converted: the file has a syntax "
                                            "error") for s in sites], sites=len(sites))
    calls = _calls_at(root)
    findings: list[Finding] = []
    edits: list[tuple[int, int, str]] = []
    tables: dict[str, set[str]] = {}  # module -> table exports
    ops: set[str] = set()
    receivers: set[str] = set()
    taken = _client_taken(root, client, module)
    for site in sorted(sites, key=lambda s: (s.line, s.column)):
        label = _site_label(calls, site)
        try:
            driver = _driver(text, site)
            _settings(text, site, driver)
            plan = _plan(calls, site, driver)
            label = _label(plan, site)
            if plan.call.find(kind="comment") is not None:
                raise Refusal(_code("call"), "comments inside the call would be lost; move them above it, then rerun")
            _receiver(root, plan.receiver)
            _no_transaction(text, plan)
            _check_params(plan)
            try:
                t = translate(plan.sql, plan.params, schema.tables, DIALECT[driver], db=client)
            except ValueError as why:
                raise Refusal(_code("call"), str(why)) from None
            if t.kind == "execute":
                suggestion = _fallback_call(t.code, client, plan, options.client_driver)
                note = (f" (`{client}` is bound to something else in this file: the Drizzle client needs another "
                        f"name here)" if taken else "")
                if (plan.driver, options.client_driver) not in _SAME_RESULT:
                    difference = _raw_difference(plan, options.client_driver, label)
                    raise Refusal(_code("fallback"), f"the query builder cannot say it ({t.reason}); `{suggestion}` "
                                                     f"would run it{note}, but {difference}: convert it by hand")
                t = dataclasses.replace(t, code=suggestion)
            if taken:
                raise Refusal(_code("call"), f"the name `{client}` of the Drizzle client is already bound in this "
                                             f"file to something else")
            identifiers = {n.text() for n in plan.call.find_all(kind="identifier")}
            for name in sorted(t.operators):
                if name in identifiers or not _name_free(root, name, "drizzle-orm", plan.call):
                    raise Refusal(_code("call"), f"the name `{name}` (drizzle-orm's operator) is already bound in this "
                                                 f"file to something else")
            wanted: list[tuple[str, str]] = []
            for variable in sorted(t.tables):
                target = schema.modules.get(variable)
                if target is None:
                    raise Refusal(_code("call"), f"the file that exports the Drizzle table `{variable}` is not known")
                where = _module_for(file or path, target)
                if not _name_free(root, variable, where, plan.call):
                    raise Refusal(_code("call"), f"the name `{variable}` (the Drizzle table) is already bound in this "
                                                 f"file to something else")
                wanted.append((where, variable))
            for read in dict.fromkeys(t.reads):
                variable, _, key = read.partition(".")
                if key.startswith("["):
                    variable, key = read.split("[", 1)[0], read.split('["', 1)[1][:-2]
                kind, mode = (schema.columns or {}).get((variable, key.lstrip(".")), ("?", None))
                change = _value_change(driver, kind, mode)
                if change:
                    hint = "" if "TZ=UTC" in change else " (or give the column the mode that keeps the driver's value)"
                    raise Refusal(_code("result"), f"the rows carry `{read}` ({kind}): {change}; convert it by "
                                                   f"hand{hint}")
            if t.star:
                for variable in sorted(t.tables):
                    if not (_module_text(schema.modules.get(variable, "")) or "").startswith(HEADER_MARK):
                        raise Refusal(_code("result"), f"`*` is every column of the table as the database has it, "
                                                       f"in its order; `{variable}` in a hand-written Drizzle schema "
                                                       f"may list fewer or order them otherwise: name the columns (a "
                                                       f"schema `migrator generate drizzle` wrote is taken as "
                                                       f"complete)")
            for column, value in t.binds:
                variable, _, key = column.partition(".")
                if key.startswith("[") or "[" in variable:
                    variable, key = column.split("[", 1)[0], column.split('["', 1)[1][:-2]
                kind, mode = (schema.columns or {}).get((variable, key), ("?", None))
                change = _encoding(driver, kind, mode)
                if change:
                    raise Refusal(_code("result"), f"`{short(value)}` is bound through `{column}` ({kind}): {change}; "
                                                   f"convert it by hand")
            if t.kind == "execute":  # the driver's own result object, from the same driver under Drizzle
                site_edits = [(plan.call.range().start.index, plan.call.range().end.index, t.code)]
            else:
                new, site_edits = _shape(root, plan, t, driver, options.client_driver, _count_column(schema, t, driver))
            if any(a < e and s < b for s, e, _ in site_edits for a, b, _ in edits):
                raise Refusal(_code("call"), "it overlaps another converted call; convert it by hand")
        except Refusal as refusal:
            findings.append(Finding(site.line, site.column, refusal.code, f"{label} not converted: {refusal.reason}"))
            continue
        edits.extend(site_edits)
        receivers.add(plan.receiver.text())
        ops |= t.operators
        for where, variable in wanted:
            tables.setdefault(where, set()).add(variable)
    converted = len({(s.line, s.column) for s in sites}) - len({(f.line, f.column) for f in findings})
    new_text = text
    for start, end, new in sorted(edits, reverse=True):
        new_text = new_text[:start] + _layout(new_text, start, end, new) + new_text[end:]
    if edits:
        new_text = _add_import(new_text, path, module, client)
        for where in sorted(tables):
            new_text = _add_names(new_text, path, where, tables[where])
        new_text = _add_names(new_text, path, "drizzle-orm", ops)
        # the driver's client, imported and no longer used (a client declared in this file stays: creating it
        # may do more than the queries did)
        new_text, _ = _drop_unused_imports(new_text, path, receivers)
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    counts = {"sites": len(sites), "converted": converted}
    if new_text == text:
        return FileResult(path, "unchanged", findings=findings, **counts)
    diff = "".join(difflib.unified_diff(text.splitlines(True), new_text.splitlines(True), f"a/{path}", f"b/{path}"))
    return FileResult(path, "changed", findings=findings, diff=diff, new_text=new_text, **counts)


# ---------------------------------------------------------------------------
# Many files, the command


def rewrite_paths(paths: list[Path], options: Options, base: Optional[Path] = None,
                  schema: Optional[Schema] = None, jobs: Optional[int] = None) -> list[FileResult]:
    options.client()
    paths = list(paths) or [Path(".")]
    base = base or Path.cwd()
    files = source_files(paths)
    root = project_root(paths)
    if schema is None:
        schema = load_schema(options.drizzle_schema)
    if options.client_driver is None:
        options = Options(options.drizzle_schema, options.drizzle_client,
                          client_driver(options.client()[0], base, root))
    unread: dict[Path, str] = {}
    sites = sql_sites(root, files, jobs, unread) if files else {}
    results, todo = triage(files, sites, unread, base, "SQL")
    for f, display, found in todo:
        file_options = _for_file(options, f, base)  # a relative client module, per file
        try:
            with open(f, encoding="utf-8", newline="") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            results.append(FileResult(display, "skipped", reason=f"cannot read: {exc}", sites=len(found)))
            continue
        try:
            results.append(rewrite_text(text, display, found, schema, file_options, file=str(f)))
        except Exception as exc:  # a rule bug must not take the other files down
            results.append(FileResult(display, "failed", reason=f"{type(exc).__name__}: {exc}", sites=len(found)))
    return sorted(results, key=lambda r: r.path)


def _for_file(options: Options, path: Path, base: Path) -> Options:
    """A relative `--drizzle-client` module (`./src/db:db`) is a path from the folder the command runs
    in: each file imports it relative to its own folder."""
    module, name = options.client()
    return Options(options.drizzle_schema, f"{module_for_file(module, path, base)}:{name}", options.client_driver)


def check(options: Options, select: tuple[str, ...] = (), ignore: tuple[str, ...] = (),
          unsupported: tuple[str, ...] = ()) -> None:
    """BadInput for what this rule set cannot do or is missing (before any file is read)."""
    check_options("sql-drizzle", options.drizzle_schema, options.drizzle_client, "./src/db:db", select, ignore, unsupported)
