"""Equivalence harness for the prisma-drizzle rewrite: Prisma Client (BEFORE) and drizzle-orm (AFTER) on one real database.

A case is a Prisma schema, a Drizzle schema (TypeScript files), seed SQL (DDL and rows) and two
snippets. Each side runs in a Node.js process of its own against a fresh database seeded the same
way (PostgreSQL: one database per side from the `pg_database` factory; SQLite: one file per side),
prints its result as JSON, and the two results are compared after normalization: Date → ISO
string, BigInt → string, Prisma's Decimal → string (compared by value with a decimal string on
the other side, see `same`), bytes → "\\x" + hex, non-finite numbers →
their string, undefined → null; object key order never matters (list order does, unless
`ignore_order`).

A snippet is either
- a function body, with `prisma` (BEFORE) or `db` (AFTER) in scope and, on the AFTER side, every
  export of the Drizzle schema by name, the namespace `schema` and drizzle-orm's operators (eq,
  and, desc, sql, ...); a body without `return` is taken as one expression whose value is the
  result: `prisma.user.findMany({ where: { email: "a@x" } })`; or
- a module with `export default` (an async function, called with no arguments; its value is the
  result), which may import `./prisma` (exports `prisma`), `./db` (exports `db`) and `./schema`
  (the Drizzle schema).
Both forms may be TypeScript: files are transpiled in memory by the pinned typescript (no type
check), through a require hook, as CommonJS.

Nothing here downloads anything. The Node side is tests/node_prisma (pinned by its
package-lock.json): Prisma 7's `prisma-client` generator, whose query compiler is wasm shipped in
the npm packages, with the driver adapters @prisma/adapter-pg and @prisma/adapter-better-sqlite3;
no query engine binary exists in this setup. Drizzle runs on node-postgres and better-sqlite3, or on
another driver a case names (Case.drizzle_driver: "libsql", @libsql/client on the same SQLite file). `prisma generate` still checks for the schema engine
binary (used only by migrate/db commands) and would fetch it from Prisma's binary host: the
harness points PRISMA_SCHEMA_ENGINE_BINARY at a stub that fails loudly if ever run.
Install: `npm ci --ignore-scripts` then `npm rebuild better-sqlite3 --build-from-source` in
tests/node_prisma (the build uses the installed Node headers, /usr/include/node: nodedir=/usr).
"""

from __future__ import annotations

import dataclasses
import decimal
import difflib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

import psycopg

NODE_DIR = Path(__file__).resolve().parent.parent / "node_prisma"
NODE_MODULES = NODE_DIR / "node_modules"
INSTALL_HINT = (
    "cd tests/node_prisma && npm ci --ignore-scripts && npm rebuild better-sqlite3 --build-from-source --nodedir=/usr"
)
RESULT_MARK = "__EQUIVALENCE_RESULT__ "
NODE_TIMEOUT = 120

Dialect = Literal["postgresql", "sqlite"]

# drizzle-orm's query operators and helpers put in scope of a body snippet (a schema export of the same name wins).
DRIZZLE_OPERATORS = (
    "and", "or", "not", "eq", "ne", "gt", "gte", "lt", "lte", "isNull", "isNotNull", "inArray", "notInArray",
    "exists", "notExists", "between", "notBetween", "like", "notLike", "ilike", "notIlike", "arrayContains",
    "arrayContained", "arrayOverlaps", "asc", "desc", "sql", "count", "countDistinct", "sum", "sumDistinct",
    "avg", "avgDistinct", "max", "min", "getTableColumns", "aliasedTable",
)


NODE_V2_MODULES = Path(__file__).resolve().parent.parent / "node_drizzle_v2" / "node_modules"
INSTALL_V2_HINT = (
    "cd tests/node_drizzle_v2 && npm ci --ignore-scripts && npm rebuild better-sqlite3 --build-from-source --nodedir=/usr"
)


def v2_install_missing_reason() -> str | None:
    """Why drizzle-orm 1.0 (tests/node_drizzle_v2, the AFTER side of `drizzle_v2` cases) is not usable, else None."""
    for needed in ("drizzle-orm/relations.js", "pg", "better-sqlite3"):
        if not (NODE_V2_MODULES / needed).exists():
            return f"tests/node_drizzle_v2 is not installed ({needed} missing): run `{INSTALL_V2_HINT}`"
    if not any((NODE_V2_MODULES / "better-sqlite3" / "build" / "Release").glob("better_sqlite3.node")):
        return f"tests/node_drizzle_v2's better-sqlite3 native module is not built: run `{INSTALL_V2_HINT}`"
    return None


class HarnessError(RuntimeError):
    """The harness itself failed (set-up, prisma generate, a Node process that did not report)."""


def node_missing_reason() -> str | None:
    """Why the harness cannot run at all on this machine (Node.js absent), else None."""
    if shutil.which("node") is None:
        return "Node.js is not installed: the Prisma/Drizzle equivalence harness runs both sides in Node"
    return None


def install_missing_reason() -> str | None:
    """Why the pinned Node packages are not usable (not installed, native module not built), else None."""
    for needed in ("prisma/build/index.js", "@prisma/client", "drizzle-orm", "typescript", "pg", "@prisma/adapter-pg",
                   "@prisma/adapter-better-sqlite3"):
        if not (NODE_MODULES / needed).exists():
            return f"tests/node_prisma is not installed ({needed} missing): run `{INSTALL_HINT}`"
    if not any((NODE_MODULES / "better-sqlite3" / "build" / "Release").glob("better_sqlite3.node")):
        return f"better-sqlite3's native module is not built: run `{INSTALL_HINT}`"
    return None


@dataclasses.dataclass(frozen=True)
class Case:
    """One equivalence case for one dialect."""

    prisma_schema: str
    drizzle_schema: Mapping[str, str]  # relative file name (.ts/.js) -> source
    seed_sql: str
    before: str
    after: str
    drizzle_entry: str = "schema.ts"
    ignore_order: bool = False
    # AFTER runs on drizzle-orm 1.0 (tests/node_drizzle_v2): the client is `drizzle(url, { relations })`
    # with the `relations` (defineRelations) the Drizzle schema exports.
    drizzle_v2: bool = False
    # The Drizzle client's driver, a key of DRIZZLE_CLIENT_FOR (SQLite: "libsql", drizzle-orm/libsql with
    # @libsql/client on a `file:` URL); None: DRIZZLE_CLIENT's (node-postgres, better-sqlite3).
    drizzle_driver: str | None = None

    @classmethod
    def from_dir(cls, root: Path, dialect: Dialect, *, before: str, after: str, ignore_order: bool = False,
                 drizzle_v2: bool = False, drizzle_root: Path | None = None,
                 drizzle_driver: str | None = None) -> Case:
        """A case from a fixture folder: schema.prisma, and <dialect>/seed.sql and <dialect>/drizzle/*.ts
        (those from `drizzle_root` when given: another Drizzle schema of the same tables and data)."""
        drizzle = (drizzle_root or root) / dialect / "drizzle"
        files = {str(p.relative_to(drizzle)): p.read_text() for p in sorted(drizzle.rglob("*")) if p.suffix in (".ts", ".js")}
        return cls(
            prisma_schema=(root / "schema.prisma").read_text(),
            drizzle_schema=files,
            seed_sql=(root / dialect / "seed.sql").read_text(),
            before=before,
            after=after,
            ignore_order=ignore_order,
            drizzle_v2=drizzle_v2,
            drizzle_driver=drizzle_driver,
        )


@dataclasses.dataclass(frozen=True)
class SideResult:
    side: str
    value: Any = None  # the normalized result, when the snippet returned
    error: dict[str, Any] | None = None  # {name, message, code} when it threw
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclasses.dataclass(frozen=True)
class Outcome:
    dialect: Dialect
    before: SideResult
    after: SideResult
    ignore_order: bool = False

    @property
    def equal(self) -> bool:
        if not (self.before.ok and self.after.ok):
            return False
        return same(_comparable(self.before.value, self.ignore_order), _comparable(self.after.value, self.ignore_order))

    def explain(self) -> str:
        """A readable account of the two results: errors, or a diff of the normalized JSON."""
        lines = [f"dialect: {self.dialect}"]
        for side in (self.before, self.after):
            if not side.ok:
                lines.append(f"{side.side} threw {side.error}")
                if side.stderr.strip():
                    lines.append(f"{side.side} stderr:\n{side.stderr.strip()[-2000:]}")
        if self.before.ok and self.after.ok:
            a = json.dumps(_comparable(self.before.value, self.ignore_order), indent=2, sort_keys=True).splitlines()
            b = json.dumps(_comparable(self.after.value, self.ignore_order), indent=2, sort_keys=True).splitlines()
            diff = list(difflib.unified_diff(a, b, "before (prisma)", "after (drizzle)", lineterm=""))
            lines.append("\n".join(diff) if diff else "results are equal")
            if diff and self.equal:
                lines.append("(equal: the differences are decimal strings of the same value)")
        return "\n".join(lines)


_DECIMAL = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")


def same(a: Any, b: Any) -> bool:
    """Normalized results are the same: equal JSON, except that two strings at the same place that
    are both decimal numbers compare by value. Prisma's Decimal prints its shortest form ("9.5"),
    while drizzle-orm returns numeric columns as the server's text ("9.500000000000000000000000000000").
    A number and a string never match: Prisma's BigInt (a string here) against a Drizzle
    `mode: "number"` column is a real change of type."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, str) and isinstance(b, str) and a != b and _DECIMAL.match(a) and _DECIMAL.match(b):
        return decimal.Decimal(a) == decimal.Decimal(b)
    return type(a) is type(b) and a == b


def _comparable(value: Any, ignore_order: bool) -> Any:
    """The value with lists sorted (by their JSON) when order is ignored; dicts compare regardless of key order."""
    if isinstance(value, dict):
        return {k: _comparable(v, ignore_order) for k, v in value.items()}
    if isinstance(value, list):
        items = [_comparable(v, ignore_order) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True)) if ignore_order else items
    return value


def harness_workdir(tmp_path_factory: Any, name: str, drizzle_v2: bool = False) -> Path:
    """A test module's working folder for the harness: the module skips without Node.js and fails when
    Node.js is there but the pinned packages (tests/node_drizzle_v2's too, `drizzle_v2`) are not installed."""
    import pytest

    reason = node_missing_reason()
    if reason:
        pytest.skip(reason)
    reason = install_missing_reason() or (v2_install_missing_reason() if drizzle_v2 else None)
    if reason:
        pytest.fail(reason)
    return tmp_path_factory.mktemp(name)


PRISMA_MODULE = 'import { PrismaClient } from "@prisma/client";\n\nexport const prisma = new PrismaClient();\n'


def convert_module(tmp: Path, before: str, options: Any, names: Any,
                   package_json: str = '{"name": "eq", "private": true}\n') -> Any:
    """The rewrite's result (a FileResult) for a BEFORE module: case.ts beside prisma.ts (the Prisma
    client it imports) and package.json, converted with `options` and the NameMap `names`."""
    from migrator.rewrite.typescript.engine import rewrite_paths

    (tmp / "package.json").write_text(package_json)
    (tmp / "prisma.ts").write_text(PRISMA_MODULE)
    target = tmp / "case.ts"
    target.write_text(before, encoding="utf-8")
    [result] = [r for r in rewrite_paths([target], options, base=tmp, names=names) if r.path == "case.ts"]
    return result


def run_converted(case: Case, dialect: Dialect, workdir: Path, new_database: Callable[[], str] | None) -> Outcome:
    """run_equivalence for an AFTER the rewrite wrote: the project gets the shipped prisma-compat module
    the converted code imports."""
    from migrator.rewrite.compat import prisma_compat_module

    project = _project(case, dialect, workdir)
    (project / "src" / "prisma-compat.ts").write_text(prisma_compat_module())
    return run_equivalence(case, dialect, workdir, new_database=new_database)


def run_equivalence(
    case: Case,
    dialect: Dialect,
    workdir: Path,
    *,
    new_database: Callable[[], str] | None = None,
) -> Outcome:
    """Run BEFORE and AFTER on fresh, identically seeded databases of `dialect` and compare.

    PostgreSQL needs `new_database`: a factory of fresh empty databases (the `pg_database`
    fixture), called once per side. SQLite databases are files in `workdir`.
    """
    reason = node_missing_reason() or install_missing_reason() or (v2_install_missing_reason() if case.drizzle_v2 else None)
    if reason is None and case.drizzle_driver == "libsql" and not (NODE_MODULES / "@libsql" / "client").exists():
        reason = f"tests/node_prisma is not installed (@libsql/client missing): run `{INSTALL_HINT}`"
    if reason:
        raise HarnessError(reason)
    workdir.mkdir(parents=True, exist_ok=True)
    project = _project(case, dialect, workdir)
    results = []
    for side, snippet in (("before", case.before), ("after", case.after)):
        if dialect == "postgresql":
            if new_database is None:
                raise HarnessError("PostgreSQL needs new_database, a factory of fresh databases (the pg_database fixture)")
            url = new_database()
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(case.seed_sql)
        else:
            path = workdir / f"{side}.sqlite"
            path.unlink(missing_ok=True)
            with sqlite3.connect(path) as conn:
                conn.executescript(case.seed_sql)
            conn.close()
            url = str(path)
        results.append(_run_side(project, dialect, side, snippet, url))
    return Outcome(dialect, results[0], results[1], case.ignore_order)


# ---------------------------------------------------------------------------------------------
# The Node project: src/generated/prisma (prisma generate), src/drizzle (the Drizzle schema), the
# require hook, the clients and the two entry files.

_BLOCK = re.compile(r"^\s*(generator|datasource)\s+\w+\s*\{[^}]*\}", re.MULTILINE)


def prisma_schema_for(schema: str, dialect: Dialect) -> str:
    """The schema with its generator and datasource blocks replaced by the harness's own.

    Prisma 7 keeps no URL in the schema (adapters connect); the generator is `prisma-client`
    (TypeScript, CommonJS) written to ../src/generated/prisma.
    """
    body = _BLOCK.sub("", schema).strip()
    head = (
        "generator client {\n"
        '  provider     = "prisma-client"\n'
        '  output       = "../src/generated/prisma"\n'
        '  moduleFormat = "cjs"\n'
        "}\n\n"
        "datasource db {\n"
        f'  provider = "{dialect}"\n'
        "}\n"
    )
    return f"{head}\n{body}\n"


HOOK = r"""
// Transpile .ts files in memory as CommonJS (no type check): the generated Prisma Client, the
// Drizzle schema and the snippets. Extensionless relative imports resolve to .ts through this hook.
const fs = require("fs");
const ts = require("typescript");
const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
require.extensions[".ts"] = (module, filename) => {
  const source = fs.readFileSync(filename, "utf8");
  module._compile(ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText, filename);
};
"""

EMIT = r"""
// Print the result as normalized JSON on one marked line; an exception as {"error": ...}.
function isDecimal(v) {
  return v !== null && typeof v === "object" && typeof v.toFixed === "function" && "d" in v && "e" in v && "s" in v;
}
function normalize(v) {
  if (v === undefined || v === null) return null;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  if (v instanceof Uint8Array) return "\\x" + Buffer.from(v).toString("hex");
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v === "object") {
    if (isDecimal(v)) return v.toString();
    const out = {};
    for (const key of Object.keys(v).sort()) out[key] = normalize(v[key]);
    return out;
  }
  return v;
}
async function main(run, close) {
  let report;
  try {
    report = { value: normalize(await run()) };
  } catch (e) {
    report = { error: { name: e && e.name, message: String(e && e.message), code: e && e.code != null ? String(e.code) : null } };
    console.error(e && e.stack ? e.stack : e);
  }
  try { await close(); } catch (e) { console.error("close failed:", e); }
  process.stdout.write("\n" + %s + JSON.stringify(report) + "\n");
}
module.exports = { main, normalize };
""" % json.dumps(RESULT_MARK)

PRISMA_CLIENT = {
    "postgresql": (
        'import { PrismaPg } from "@prisma/adapter-pg";\n'
        "export const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL }) });\n"
    ),
    "sqlite": (
        'import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";\n'
        "export const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: process.env.DATABASE_URL }) });\n"
    ),
}

DRIZZLE_CLIENT = {
    "postgresql": (
        'import { drizzle } from "drizzle-orm/node-postgres";\n'
        "export const db = drizzle(process.env.DATABASE_URL as string, { schema });\n"
        "export async function close() { await (db as any).$client.end(); }\n"
    ),
    "sqlite": (
        'import { drizzle } from "drizzle-orm/better-sqlite3";\n'
        "export const db = drizzle(process.env.DATABASE_URL as string, { schema });\n"
        "export async function close() { (db as any).$client.close(); }\n"
    ),
}

# Other drivers of the Drizzle client, chosen per case (Case.drizzle_driver), by (dialect, driver). libsql
# reads the same SQLite file format as better-sqlite3 (Prisma's adapter), through its own connections.
DRIZZLE_CLIENT_FOR = {
    ("sqlite", "libsql"): (
        'import { drizzle } from "drizzle-orm/libsql";\n'
        'import { createClient } from "@libsql/client";\n'
        'export const db = drizzle(createClient({ url: "file:" + process.env.DATABASE_URL }), { schema });\n'
        "export async function close() { (db as any).$client.close(); }\n"
    ),
}

DRIZZLE_V2_CLIENT = {
    "postgresql": (
        'import { drizzle } from "drizzle-orm/node-postgres";\n'
        "export const db = drizzle(process.env.DATABASE_URL as string, { relations });\n"
        "export async function close() { await (db as any).$client.end(); }\n"
    ),
    "sqlite": (
        'import { drizzle } from "drizzle-orm/better-sqlite3";\n'
        "export const db = drizzle(process.env.DATABASE_URL as string, { relations });\n"
        "export async function close() { (db as any).$client.close(); }\n"
    ),
}

_EXPORT_NAMES = re.compile(r"^\s*export\s+(?:declare\s+)?(?:const|let|var|function\*?|async\s+function|class|enum)\s+([A-Za-z_$][\w$]*)", re.MULTILINE)
_EXPORT_LIST = re.compile(r"^\s*export\s*\{([^}]*)\}", re.MULTILINE)
_IDENT = re.compile(r"^[A-Za-z_$][\w$]*$")
_RESERVED = {"db", "schema", "prisma", "close", "main"}


def drizzle_export_names(files: Mapping[str, str]) -> list[str]:
    """The value names the Drizzle schema files export (read with a pattern, not a parser: a name
    that the entry does not re-export is simply undefined in the snippet's scope)."""
    names: set[str] = set()
    for source in files.values():
        names.update(_EXPORT_NAMES.findall(source))
        for group in _EXPORT_LIST.findall(source):
            for item in group.split(","):
                item = item.strip()
                if not item or item.startswith("type "):
                    continue
                name = item.split(" as ")[-1].strip()
                if _IDENT.match(name):
                    names.add(name)
    return sorted(n for n in names if n not in _RESERVED and not n.startswith("__"))


def _project(case: Case, dialect: Dialect, workdir: Path) -> Path:
    """Lay out the Node project in workdir/<dialect>-<hash> and run `prisma generate` (once per schema)."""
    key = hashlib.sha256(json.dumps([dialect, case.prisma_schema, sorted(case.drizzle_schema.items())]
                                    + (["drizzle-v2"] if case.drizzle_v2 else [])
                                    + ([case.drizzle_driver] if case.drizzle_driver else [])).encode()).hexdigest()[:12]
    project = workdir / f"{dialect}-{key}"
    if (project / ".ready").exists():
        return project
    src = project / "src"
    (project / "prisma").mkdir(parents=True, exist_ok=True)
    (src / "drizzle").mkdir(parents=True, exist_ok=True)
    link = project / "node_modules"
    if not link.exists():
        link.symlink_to(NODE_MODULES, target_is_directory=True)
    (project / "package.json").write_text('{"private": true, "type": "commonjs"}\n')
    (project / "hook.cjs").write_text(HOOK)
    (src / "emit.cjs").write_text(EMIT)
    (project / "prisma" / "schema.prisma").write_text(prisma_schema_for(case.prisma_schema, dialect))
    for name, source in case.drizzle_schema.items():
        target = src / "drizzle" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source)
    entry = Path(case.drizzle_entry).with_suffix("").as_posix()
    (src / "schema.ts").write_text(f'export * from "./drizzle/{entry}";\n')
    (src / "prisma.ts").write_text('import { PrismaClient } from "./generated/prisma/client";\n' + PRISMA_CLIENT[dialect])
    if case.drizzle_v2:
        # src/ resolves drizzle-orm to the 1.0 install first (Node looks in src/node_modules before the
        # project's); the generated Prisma client does not use it.
        (src / "node_modules").mkdir(exist_ok=True)
        if not (src / "node_modules" / "drizzle-orm").exists():
            (src / "node_modules" / "drizzle-orm").symlink_to(NODE_V2_MODULES / "drizzle-orm", target_is_directory=True)
        (src / "db.ts").write_text(f'import {{ relations }} from "./drizzle/{entry}";\n' + DRIZZLE_V2_CLIENT[dialect])
    else:
        client = DRIZZLE_CLIENT_FOR[(dialect, case.drizzle_driver)] if case.drizzle_driver else DRIZZLE_CLIENT[dialect]
        (src / "db.ts").write_text(f'import * as schema from "./drizzle/{entry}";\n' + client)
    (src / "names.json").write_text(json.dumps(drizzle_export_names(case.drizzle_schema)))
    _prisma_generate(project)
    (project / ".ready").write_text("")
    return project


def prisma_env(project: Path) -> dict[str, str]:
    """The environment `prisma generate` runs in: no telemetry, no update check, no engine download."""
    stub = project / "schema-engine-unavailable"
    if not stub.exists():
        stub.write_text("#!/bin/sh\necho 'the equivalence harness has no Prisma schema engine (migrate/db commands)' >&2\nexit 1\n")
        stub.chmod(0o755)
    return {
        **os.environ,
        "CHECKPOINT_DISABLE": "1",
        "PRISMA_HIDE_UPDATE_MESSAGE": "1",
        "PRISMA_DISABLE_WARNINGS": "1",
        # Any existing file satisfies the CLI's check for the schema engine, which `generate` never runs.
        "PRISMA_SCHEMA_ENGINE_BINARY": str(stub),
    }


def _prisma_generate(project: Path) -> None:
    argv = ["node", str(NODE_MODULES / "prisma" / "build" / "index.js"), "generate", "--schema", "prisma/schema.prisma"]
    done = subprocess.run(argv, cwd=project, env=prisma_env(project), capture_output=True, text=True, timeout=NODE_TIMEOUT)
    if done.returncode != 0 or not (project / "src" / "generated" / "prisma" / "client.ts").exists():
        raise HarnessError(f"prisma generate failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _is_module(snippet: str) -> bool:
    return re.search(r"^\s*export\s+default\b", snippet, re.MULTILINE) is not None


def _body(snippet: str) -> str:
    """A function body: the snippet itself, or `return (<snippet>);` when it has no return."""
    if re.search(r"\breturn\b", snippet):
        return snippet
    return f"return ({snippet.strip().rstrip(';')});"


def _entry(project: Path, dialect: Dialect, side: str, snippet: str) -> Path:
    src = project / "src"
    if _is_module(snippet):
        (src / f"{side}_snippet.ts").write_text(snippet)
        if side == "before":
            close = 'import { prisma } from "./prisma";\nconst close = () => prisma.$disconnect();\n'
        else:
            close = 'import { close } from "./db";\n'
        text = (
            f'import run from "./{side}_snippet";\n{close}'
            'const { main } = require("./emit.cjs");\n'
            "main(run, close);\n"
        )
    elif side == "before":
        text = (
            'import { prisma } from "./prisma";\n'
            'import { Prisma } from "./generated/prisma/client";\n'
            'const { main } = require("./emit.cjs");\n'
            f"async function run(): Promise<any> {{\n{_body(snippet)}\n}}\n"
            "main(run, () => prisma.$disconnect());\n"
        )
    else:
        names = json.loads((src / "names.json").read_text())
        operators = [op for op in DRIZZLE_OPERATORS if op not in names]
        text = (
            'import { db, close } from "./db";\n'
            'import * as schema from "./schema";\n'
            f'import {{ {", ".join(operators)} }} from "drizzle-orm";\n'
            + (f"const {{ {', '.join(names)} }} = schema as any;\n" if names else "")
            + 'const { main } = require("./emit.cjs");\n'
            f"async function run(): Promise<any> {{\n{_body(snippet)}\n}}\n"
            "main(run, close);\n"
        )
    path = src / f"{side}.ts"
    path.write_text(text)
    return path


def _run_side(project: Path, dialect: Dialect, side: str, snippet: str, url: str) -> SideResult:
    entry = _entry(project, dialect, side, snippet)
    env = {**os.environ, "DATABASE_URL": url, "TZ": "UTC"}
    argv = ["node", "--require", str(project / "hook.cjs"), str(entry)]
    try:
        done = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, timeout=NODE_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise HarnessError(f"{side}: node did not finish in {NODE_TIMEOUT}s") from exc
    marked = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if not marked:
        raise HarnessError(f"{side}: node exited {done.returncode} without a result\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}")
    report = json.loads(marked[-1][len(RESULT_MARK):])
    return SideResult(side, value=report.get("value"), error=report.get("error"), stdout=done.stdout, stderr=done.stderr)
