"""`--rules sql-drizzle` keeps what the code reads, per driver: raw SQL through node-postgres and
postgres.js (PostgreSQL), @libsql/client and better-sqlite3 (a SQLite file), rewritten by the engine
(sites found by the scan, as `migrator rewrite` finds them), then BEFORE (the real driver) and AFTER
(drizzle-orm with the matching driver: node-postgres, postgres-js, libsql, better-sqlite3) run on the
same seeded database (the schema and rows of tests/fixtures/rewrite_ts/equivalence) and their results
compared.

node-postgres and better-sqlite3 run in the Prisma harness's Node project (tests/node_prisma:
tests/rewrite_ts/equivalence.py); postgres.js 3.4.7 and @libsql/client 0.15.15 are pinned in
tests/node, so their cases run in a small project of their own over tests/node/node_modules with the
harness's require hook and JSON normalization. Every rule that converts (SD001 select, SD002 write,
SD003 raw SQL through the same driver) runs on each driver that has it. Skips only when Node.js is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import psycopg
import pytest

from migrator.rewrite.sql_drizzle.engine import Options, Schema, SqlSite, load_schema, rewrite_text, sql_sites
from tests.conftest import FIXTURES
from tests.rewrite_ts import equivalence
from tests.rewrite_ts.equivalence import (Case, Outcome, SideResult, install_missing_reason, node_missing_reason,
                                          run_equivalence)

CASES = FIXTURES / "rewrite_ts" / "equivalence"
TESTS_NODE = Path(__file__).resolve().parent.parent / "node" / "node_modules"

PG_BEFORE = '''import { Pool } from "pg";

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export default async function run() {
  try {
    const { rows } = await pool.query("SELECT id, email, name AS display FROM users WHERE id <> $1 ORDER BY created_at DESC", [2]);
    const res = await pool.query("UPDATE posts SET title = $1 WHERE author_id = $2", ["Renamed", 1]);
    const { rows: made } = await pool.query("INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id, email AS mailAddress", ["dee@example.com", "Dee"]);
    const after = await pool.query("SELECT id, title, price FROM posts WHERE title LIKE $1 AND author_id IN ($2, $3) ORDER BY id", ["Ren%", 1, 2]);
    const counted = await pool.query("SELECT id FROM users WHERE name IS NOT NULL");
    await pool.query("DELETE FROM posts WHERE id = $1", [3]);
    const { rows: left } = await pool.query("SELECT p.id, u.email FROM posts p INNER JOIN users u ON u.id = p.author_id ORDER BY p.id");
    return { rows, count: res.rowCount, made, after: after.rows, afterCount: after.rowCount, counted: counted.rowCount, left };
  } finally {
    await pool.end();
  }
}
'''

POSTGRES_JS_BEFORE = '''import postgres from "postgres";

const pg = postgres(process.env.DATABASE_URL as string, { max: 1 });

export default async function run() {
  try {
    const rows = await pg`SELECT id, email, name AS display FROM users WHERE id <> ${2} ORDER BY id DESC`;
    const res = await pg`UPDATE posts SET title = ${"Renamed"} WHERE author_id = ${1}`;
    const made = await pg`INSERT INTO users (email, name) VALUES (${"dee@example.com"}, ${"Dee"}) RETURNING id, email AS mailAddress`;
    const after = await pg`SELECT id, title, price FROM posts WHERE title LIKE ${"Ren%"} AND author_id IN (${1}, ${2}) ORDER BY id`;
    const [first] = await pg`SELECT id, title FROM posts WHERE author_id = ${1} ORDER BY id LIMIT ${1}`;
    const byUnsafe = await pg.unsafe("SELECT id, email FROM users WHERE email = $1 OR email = $2 ORDER BY id", ["ada@example.com", "cyd@example.com"]);
    const gone = await pg`DELETE FROM posts WHERE id = ${3}`;
    const left = await pg`SELECT p.id, u.email FROM posts p INNER JOIN users u ON u.id = p.author_id ORDER BY p.id`;
    return { rows, count: res.count, made, after, afterCount: after.count, first, byUnsafe, gone: gone.count, left };
  } finally {
    await pg.end();
  }
}
'''

LIBSQL_BEFORE = '''import { createClient } from "@libsql/client";

const client = createClient({ url: "file:" + process.env.DATABASE_URL });

export default async function run() {
  try {
    const { rows } = await client.execute({ sql: "SELECT id, email, name AS display FROM users WHERE id <> ? ORDER BY id DESC", args: [2] });
    const res = await client.execute("UPDATE posts SET title = ? WHERE author_id = ?", ["Renamed", 1]);
    const { rows: made } = await client.execute({ sql: "INSERT INTO users (email, name, created_at) VALUES (?, ?, ?) RETURNING id, email AS mailAddress", args: ["dee@example.com", "Dee", "2024-05-06T07:08:09.000Z"] });
    const after = await client.execute("SELECT id, title FROM posts WHERE title LIKE ? AND author_id IN (?, ?) ORDER BY id", ["Ren%", 1, 2]);
    const stats = await client.execute("SELECT author_id, count(*) AS n, max(title) AS top FROM posts GROUP BY author_id ORDER BY author_id");
    const ids = [1, 2];
    const raw = await client.execute("SELECT count(*) AS n FROM posts WHERE author_id = ? AND title <> ?", [ids[0], "x"]);
    const gone = await client.execute("DELETE FROM posts WHERE id = ?", [3]);
    const { rows: left } = await client.execute("SELECT p.id, u.email FROM posts p INNER JOIN users u ON u.id = p.author_id ORDER BY p.id");
    return { rows, count: res.rowsAffected, made, after: after.rows, stats: { rows: stats.rows, columns: stats.columns },
             raw: raw.rows, gone: gone.rowsAffected, left };
  } finally {
    client.close();
  }
}
'''

# better-sqlite3 is synchronous, and so is Drizzle's better-sqlite3 client: .all()/.get()/.run() stay
# synchronous (a function that is not async converts too), .run()'s RunResult is the driver's own.
SQLITE_BEFORE = '''import Database from "better-sqlite3";

const sqlite = new Database(process.env.DATABASE_URL as string);

function titlesNow(author: number) {
  return sqlite.prepare("SELECT id, title FROM posts WHERE author_id = ? ORDER BY id").all(author).map((r: any) => r.title);
}

export default async function run() {
  const rows = sqlite.prepare("SELECT id, email, name AS display, created_at FROM users WHERE id <> ? ORDER BY id DESC").all(2);
  const info = sqlite.prepare("UPDATE posts SET title = ? WHERE author_id = ?").run("Renamed", 1);
  const one = sqlite.prepare("SELECT id, title, views FROM posts WHERE id = ?").get(3);
  const none = sqlite.prepare("SELECT id FROM posts WHERE id = ?").get(99);
  const after = sqlite.prepare("SELECT id, title FROM posts WHERE title LIKE ? AND views IS NOT NULL ORDER BY id").all("Ren%");
  const named = sqlite.prepare("SELECT id, title FROM posts WHERE title LIKE ? ORDER BY id LIMIT ? OFFSET ?").all("Ren%", 1, 1);
  const made = sqlite.prepare("INSERT INTO users (email, name, created_at) VALUES (?, ?, ?) RETURNING id, email").get("dee@example.com", "Dee", "2024-05-06T07:08:09.000Z");
  const total = sqlite.prepare("SELECT count(*) AS n, max(views) AS top FROM posts WHERE author_id = ?").get(1);
  const gone = sqlite.prepare("DELETE FROM posts WHERE id = ?").run(3);
  const count = sqlite.prepare("SELECT id FROM posts").all().length;
  const titles = titlesNow(1);
  sqlite.close();
  return { rows, changes: info.changes, one, none: none ?? null, after, named, made, total, gone, count, titles };
}
'''


def _sites(tmp: Path, text: str) -> list:
    """The sql-js sites of `text` as `migrator rewrite` finds them: the scan's value flow on a file of its own."""
    root = tmp / "sites"
    shutil.rmtree(root, ignore_errors=True)
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text('{"private": true}\n')
    target = root / "src" / "after_snippet.ts"
    target.write_text(text)
    return sql_sites(root, [target]).get(target.resolve(), [])


def converted(tmp: Path, dialect: str, before: str, client_driver: str, converts: int, extra: tuple = ()) -> str:
    """The engine's AFTER for the Node projects' layout: the snippet in src/, the schema in src/drizzle/schema.ts,
    the Drizzle client in src/db.ts (of `client_driver`)."""
    drizzle = CASES / dialect / "drizzle" / "schema.ts"
    found = load_schema(f"drizzle:{drizzle}")
    schema = Schema(found.tables, {name: "/project/src/drizzle/schema.ts" for name in found.modules}, found.columns)
    sites = _sites(tmp, before) + list(extra)
    result = rewrite_text(before, "after_snippet.ts", sites, schema,
                          Options(f"drizzle:{drizzle}", "./db:db", client_driver), file="/project/src/after_snippet.ts")
    assert result.findings == [], result.findings
    assert result.sites == result.converted == converts == len(sites)
    return result.new_text


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = node_missing_reason()
    if reason:
        pytest.skip(reason)
    reason = install_missing_reason()
    if reason:
        pytest.fail(reason)
    return tmp_path_factory.mktemp("sql_equivalence")


def test_node_postgres_on_postgresql(workdir: Path, pg_database) -> None:
    after = converted(workdir, "postgresql", PG_BEFORE, "node-postgres", 7)
    assert "const { rows }" not in after and "after.rows" not in after and "after.length" in after
    assert "mailaddress: users.email" in after  # PostgreSQL folds the unquoted alias
    case = Case.from_dir(CASES, "postgresql", before=PG_BEFORE, after=after)
    outcome = run_equivalence(case, "postgresql", workdir, new_database=pg_database)
    assert outcome.equal, outcome.explain() + "\n" + after
    assert outcome.before.value["count"] == 2 and len(outcome.before.value["left"]) == 2
    assert outcome.before.value["counted"] == 3 and "mailaddress" in outcome.before.value["made"][0]


def test_better_sqlite3_on_sqlite_stays_synchronous(workdir: Path) -> None:
    # the scan does not report `….all().length` (a scan gap, reported): its site is given here
    after = converted(workdir, "sqlite", SQLITE_BEFORE, "better-sqlite3", 11, (SqlSite(19, 17, "prepare"),))
    assert "prepare" not in after and "await" not in after.split("export default")[0]
    assert ".where(eq(posts.authorId, author))\n    .orderBy(asc(posts.id))\n    .all()" in after  # titlesNow: sync
    assert 'db.get(sql`SELECT count(*) AS n, max(views) AS top FROM posts WHERE author_id = ${1}`)' in after  # SD003
    case = Case.from_dir(CASES, "sqlite", before=SQLITE_BEFORE, after=after)
    outcome = run_equivalence(case, "sqlite", workdir)
    assert outcome.equal, outcome.explain() + "\n" + after
    value = outcome.before.value
    assert value["none"] is None and value["count"] == 2 and value["changes"] == 2
    assert value["gone"]["changes"] == 1 and value["total"] == {"n": 2, "top": 9007199254740992}


# A Drizzle client whose driver the engine does not know (not read from its module): better-sqlite3's
# calls become awaited builder queries (`.then((r) => r[0])` for `.get()`), in async functions only.
SQLITE_AWAITED_BEFORE = '''import Database from "better-sqlite3";

const sqlite = new Database(process.env.DATABASE_URL as string);

export default async function run() {
  const rows = sqlite.prepare("SELECT id, email, name AS display FROM users WHERE id <> ? ORDER BY id DESC").all(2);
  sqlite.prepare("UPDATE posts SET title = ? WHERE author_id = ?").run("Renamed", 1);
  const one = sqlite.prepare("SELECT id, title, views FROM posts WHERE id = ?").get(3);
  const none = sqlite.prepare("SELECT id FROM posts WHERE id = ?").get(99);
  const titles = sqlite.prepare("SELECT title FROM posts ORDER BY id").all().map((r: any) => r.title);
  sqlite.close();
  return { rows, one, none: none ?? null, titles };
}
'''


def test_better_sqlite3_awaited_when_the_client_driver_is_unknown(workdir: Path) -> None:
    after = converted(workdir, "sqlite", SQLITE_AWAITED_BEFORE, None, 5)
    assert ".then((r) => r[0])" in after and "prepare" not in after and ".all()" not in after
    case = Case.from_dir(CASES, "sqlite", before=SQLITE_AWAITED_BEFORE, after=after)
    outcome = run_equivalence(case, "sqlite", workdir)
    assert outcome.equal, outcome.explain() + "\n" + after
    assert outcome.before.value["none"] is None and outcome.before.value["titles"][0] == "Renamed"


# ---------------------------------------------------------------------------------------------
# postgres.js and libsql: a Node project over tests/node/node_modules (both drivers are pinned there)

DRIZZLE_CLIENTS = {
    "postgres": (
        'import { drizzle } from "drizzle-orm/postgres-js";\nimport postgres from "postgres";\n'
        'import * as schema from "./drizzle/schema";\n'
        "export const db = drizzle(postgres(process.env.DATABASE_URL as string, { max: 1 }), { schema });\n"
        "export async function close() { await (db as any).$client.end(); }\n"
    ),
    "libsql": (
        'import { drizzle } from "drizzle-orm/libsql";\nimport { createClient } from "@libsql/client";\n'
        'import * as schema from "./drizzle/schema";\n'
        'export const db = drizzle(createClient({ url: "file:" + process.env.DATABASE_URL }), { schema });\n'
        "export async function close() { (db as any).$client.close(); }\n"
    ),
}


def _tests_node_missing() -> str | None:
    for needed in ("drizzle-orm", "postgres", "@libsql/client", "typescript"):
        if not (TESTS_NODE / needed).exists():
            return f"tests/node is not installed ({needed} missing): run `cd tests/node && npm ci`"
    return None


def run_driver_case(workdir: Path, driver: str, before: str, after: str, urls: list[str]) -> Outcome:
    """BEFORE and AFTER (each an `export default` module) in a project whose node_modules is tests/node's:
    each side on its own database (`urls`), its result printed by the harness's EMIT and compared."""
    dialect = "postgresql" if driver == "postgres" else "sqlite"
    project = workdir / f"driver-{driver}"
    src = project / "src"
    (src / "drizzle").mkdir(parents=True, exist_ok=True)
    if not (project / "node_modules").exists():
        (project / "node_modules").symlink_to(TESTS_NODE, target_is_directory=True)
    (project / "package.json").write_text('{"private": true, "type": "commonjs"}\n')
    (project / "hook.cjs").write_text(equivalence.HOOK)
    (src / "emit.cjs").write_text(equivalence.EMIT)
    shutil.copy(CASES / dialect / "drizzle" / "schema.ts", src / "drizzle" / "schema.ts")
    (src / "db.ts").write_text(DRIZZLE_CLIENTS[driver])
    results = []
    for side, snippet, url in (("before", before, urls[0]), ("after", after, urls[1])):
        (src / f"{side}_snippet.ts").write_text(snippet)
        close = 'import { close } from "./db";\n' if side == "after" else "const close = async () => {};\n"
        entry = src / f"{side}.ts"
        entry.write_text(f'import run from "./{side}_snippet";\n{close}const {{ main }} = require("./emit.cjs");\n'
                         "main(run, close);\n")
        env = {**os.environ, "DATABASE_URL": url, "TZ": "UTC"}
        done = subprocess.run(["node", "--require", str(project / "hook.cjs"), str(entry)], cwd=project, env=env,
                              capture_output=True, text=True, timeout=equivalence.NODE_TIMEOUT)
        marked = [line for line in done.stdout.splitlines() if line.startswith(equivalence.RESULT_MARK)]
        assert marked, f"{side}: node exited {done.returncode} without a result\n{done.stdout}\n{done.stderr}"
        report = json.loads(marked[-1][len(equivalence.RESULT_MARK):])
        results.append(SideResult(side, value=report.get("value"), error=report.get("error"), stdout=done.stdout,
                                  stderr=done.stderr))
    return Outcome(dialect, results[0], results[1])


def test_postgres_js_on_postgresql(workdir: Path, pg_database) -> None:
    reason = _tests_node_missing()
    if reason:
        pytest.fail(reason)
    after = converted(workdir, "postgresql", POSTGRES_JS_BEFORE, "postgres-js", 8)
    assert "res.length" in after and ".returning({ id: posts.id })" in after and "pg.unsafe" not in after
    seed = (CASES / "postgresql" / "seed.sql").read_text()
    urls = [pg_database(), pg_database()]
    for url in urls:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(seed)
    outcome = run_driver_case(workdir, "postgres", POSTGRES_JS_BEFORE, after, urls)
    assert outcome.equal, outcome.explain() + "\n" + after
    value = outcome.before.value
    assert value["count"] == 2 and value["gone"] == 1 and value["first"]["title"] == "Renamed"
    assert [r["email"] for r in value["byUnsafe"]] == ["ada@example.com", "cyd@example.com"]


def test_libsql_on_sqlite(workdir: Path) -> None:
    reason = _tests_node_missing()
    if reason:
        pytest.fail(reason)
    after = converted(workdir, "sqlite", LIBSQL_BEFORE, "libsql", 8)
    assert "client.execute" not in after
    # GROUP BY and count(*): the builder cannot say them; Drizzle's libsql run() returns the client's ResultSet (SD003)
    assert "await db.run(sql`SELECT author_id, count(*) AS n, max(title) AS top FROM posts GROUP BY" in after
    assert "AND title <> ${\"x\"}`)" in after and "${sql.param(ids[0])}" in after
    urls = []
    for side in ("before", "after"):
        path = workdir / f"libsql-{side}.sqlite"
        path.unlink(missing_ok=True)
        with sqlite3.connect(path) as conn:
            conn.executescript((CASES / "sqlite" / "seed.sql").read_text())
        conn.close()
        urls.append(str(path))
    outcome = run_driver_case(workdir, "libsql", LIBSQL_BEFORE, after, urls)
    assert outcome.equal, outcome.explain() + "\n" + after
    value = outcome.before.value
    assert value["count"] == 2 and value["gone"] == 1 and value["stats"]["columns"] == ["author_id", "n", "top"]


def test_value_changes_are_findings() -> None:
    """node-postgres returns bigint as a string, drizzle's `bigint(…, { mode: "bigint" })` a BigInt (the
    harness's JSON would hide it: both print as the same digits); a timestamp without time zone is read in
    local time by the driver, as UTC by Drizzle (the harness runs with TZ=UTC, which would hide it);
    better-sqlite3 returns a numeric column's number, drizzle's SQLite numeric a string."""
    for dialect, before, op, wanted in (
            ("postgresql", 'import { Pool } from "pg";\nconst pool = new Pool();\nexport async function f() {\n'
                           '  const { rows } = await pool.query("SELECT id, views FROM posts");\n  return rows;\n}\n',
             "query", "`posts.views` (bigint)"),
            ("postgresql", 'import { Pool } from "pg";\nconst pool = new Pool();\nexport async function f() {\n'
                           '  const { rows } = await pool.query("SELECT created_at FROM users");\n  return rows;\n}\n',
             "query", "TZ=UTC"),
            ("sqlite", 'import Database from "better-sqlite3";\nconst sqlite = new Database("x.db");\n'
                       'export async function f() {\n  return sqlite.prepare("SELECT price FROM posts").all();\n}\n',
             "prepare", "`posts.price` (numeric)")):
        drizzle = CASES / dialect / "drizzle" / "schema.ts"
        column = before.splitlines()[3].index("pool" if op == "query" else "sqlite") + 1
        result = rewrite_text(before, "case.ts", [SqlSite(4, column, op)], load_schema(f"drizzle:{drizzle}"),
                              Options(f"drizzle:{drizzle}", "./db:db"), file=str(CASES / dialect / "case.ts"))
        assert result.status == "unchanged"
        [finding] = result.findings
        assert finding.code == "SD103" and wanted in finding.reason, finding


TYPE_STUBS = '''declare const process: { env: Record<string, string | undefined> };
declare module "better-sqlite3" {
  interface Statement { all(...p: unknown[]): any[]; get(...p: unknown[]): any; run(...p: unknown[]): { changes: number; lastInsertRowid: number | bigint } }
  class Database { constructor(file: string); prepare(sql: string): Statement; close(): void }
  export default Database;
}
declare module "pg" {
  export class Pool { constructor(config?: object); query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>; end(): Promise<void> }
}
'''
TYPED_CLIENTS = {
    "node-postgres": 'import { drizzle } from "drizzle-orm/node-postgres";\nimport * as schema from "./drizzle/schema";\n'
                     'export const db = drizzle(process.env.DATABASE_URL as string, { schema });\n',
    "postgres-js": DRIZZLE_CLIENTS["postgres"],
    "libsql": DRIZZLE_CLIENTS["libsql"],
    "better-sqlite3": 'import { drizzle } from "drizzle-orm/better-sqlite3";\nimport * as schema from "./drizzle/schema";\n'
                      'export const db = drizzle(process.env.DATABASE_URL as string, { schema });\n',
}


def test_every_after_type_checks_against_its_drizzle_driver(tmp_path: Path) -> None:
    """The four AFTERs above (synchronous better-sqlite3 builders, `db.run/get(sql…)` included) are accepted by
    the pinned tsc (strict) with the pinned drizzle-orm's own driver types (pg and better-sqlite3, which
    ship no types, are stubbed)."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: the tsc check needs it")
    reason = _tests_node_missing()
    if reason:
        pytest.fail(reason)
    cases = (("postgresql", PG_BEFORE, "node-postgres", 7, ()), ("postgresql", POSTGRES_JS_BEFORE, "postgres-js", 8, ()),
             ("sqlite", LIBSQL_BEFORE, "libsql", 8, ()),
             ("sqlite", SQLITE_BEFORE, "better-sqlite3", 11, (SqlSite(19, 17, "prepare"),)))
    for dialect, before, driver, count, extra in cases:
        folder = tmp_path / driver
        (folder / "drizzle").mkdir(parents=True)
        (folder / "after.ts").write_text(converted(tmp_path, dialect, before, driver, count, extra))
        shutil.copy(CASES / dialect / "drizzle" / "schema.ts", folder / "drizzle" / "schema.ts")
        (folder / "db.ts").write_text(TYPED_CLIENTS[driver])
    (tmp_path / "stubs.d.ts").write_text(TYPE_STUBS)
    (tmp_path / "node_modules").symlink_to(TESTS_NODE, target_is_directory=True)
    config = {"compilerOptions": {"strict": True, "noEmit": True, "module": "esnext", "moduleResolution": "bundler",
                                  "target": "es2022", "skipLibCheck": True, "types": [], "lib": ["es2022", "dom"]},
              "include": [f"{d}/**/*.ts" for d in TYPED_CLIENTS] + ["stubs.d.ts"]}
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    done = subprocess.run(["node", str(TESTS_NODE / "typescript" / "bin" / "tsc"), "-p", "tsconfig.json"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
