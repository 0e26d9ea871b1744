"""`migrator rewrite --rules sql-drizzle`: every fixture case converted byte for byte, idempotent,
its findings as listed, never silent, and every after.ts accepted by the pinned `tsc --noEmit`
(strict) against the pinned drizzle-orm (the drivers' types are stubs: _schema/drivers.d.ts).

A case is tests/fixtures/rewrite_ts/sql_drizzle/<case>/: before.ts, after.ts, findings.txt
(`line:col: CODE reason`). All cases share _schema/: drizzle.ts (the Drizzle schema), db.ts (the
Drizzle client `db`) and drivers.d.ts. `MIGRATOR_UPDATE_FIXTURES=1 pytest tests/rewrite_ts` rewrites
after.ts and findings.txt (review the diff).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from migrator.rewrite.sql_drizzle.engine import Options, load_schema, rewrite_paths

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "rewrite_ts" / "sql_drizzle"
SCHEMA = FIXTURES / "_schema"
NODE_MODULES = ROOT / "tests" / "node" / "node_modules"
TSC = NODE_MODULES / "typescript" / "bin" / "tsc"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_"))
OPTIONS = Options(drizzle_schema=f"drizzle:{SCHEMA / 'drizzle.ts'}", drizzle_client="./db:db")
MIGRATOR = Path(sys.executable).parent / "migrator"
UPDATE = os.environ.get("MIGRATOR_UPDATE_FIXTURES") == "1"


@lru_cache(maxsize=1)
def schema():
    return load_schema(OPTIONS.drizzle_schema)


def project(tmp: Path, text: str, name: str = "case.ts") -> Path:
    for f in SCHEMA.iterdir():
        shutil.copy(f, tmp / f.name)
    (tmp / "package.json").write_text('{"name": "fixture", "private": true}\n')
    target = tmp / name
    target.write_text(text, encoding="utf-8")
    return target


def run(tmp: Path, text: str, name: str = "case.ts"):
    target = project(tmp, text, name)
    # the tables are imported from the project's own drizzle.ts, beside the case
    local = Options(f"drizzle:{tmp / 'drizzle.ts'}", OPTIONS.drizzle_client)
    [result] = [r for r in rewrite_paths([target], local, base=tmp) if r.path == name]
    return result


def findings_text(result) -> str:
    return "".join(f"{f.line}:{f.column}: {f.code} {f.reason}\n" for f in result.findings)


@pytest.mark.parametrize("case", CASES)
def test_case_converts_byte_for_byte(case: str, tmp_path: Path) -> None:
    before = (FIXTURES / case / "before.ts").read_text(encoding="utf-8")
    result = run(tmp_path, before)
    assert result.status in ("changed", "unchanged"), result.reason
    after = result.new_text if result.status == "changed" else before
    if UPDATE:
        (FIXTURES / case / "after.ts").write_text(after, encoding="utf-8")
        (FIXTURES / case / "findings.txt").write_text(findings_text(result), encoding="utf-8")
    assert after == (FIXTURES / case / "after.ts").read_text(encoding="utf-8")
    assert findings_text(result) == (FIXTURES / case / "findings.txt").read_text(encoding="utf-8")
    # never silent: every sql site is converted or has one finding on its position
    assert result.sites == result.converted + len({(f.line, f.column) for f in result.findings})
    assert result.sites > 0


@pytest.mark.parametrize("case", CASES)
def test_second_run_changes_nothing(case: str, tmp_path: Path) -> None:
    after = (FIXTURES / case / "after.ts").read_text(encoding="utf-8")
    result = run(tmp_path, after)
    assert result.status == "unchanged", result.diff
    first = (FIXTURES / case / "findings.txt").read_text(encoding="utf-8").splitlines()
    assert [f.code for f in result.findings] == [line.split()[1] for line in first]


def test_fallback_finding_gives_the_exact_replacement(tmp_path: Path) -> None:
    before = ('import { Pool } from "pg";\nconst pool = new Pool();\n'
              'export async function n(a: number) {\n'
              '  await pool.query("SELECT count(*) FROM posts WHERE author_id = $1", [a]);\n}\n')
    result = run(tmp_path, before)
    assert result.status == "unchanged"
    [finding] = result.findings
    assert (finding.line, finding.column, finding.code) == (4, 9, "SD101")
    assert "`db.execute(sql`SELECT count(*) FROM posts WHERE author_id = ${sql.param(a)}`)`" in finding.reason
    assert "COUNT(*) is not a column" in finding.reason


def test_edits_are_span_exact_and_imports_merge(tmp_path: Path) -> None:
    before = ('import { Pool } from "pg";\nimport { and } from "drizzle-orm";\n\nconst pool = new Pool() ;  // odd\n'
              'export const f = async (id: number) => {\n'
              '  const { rows } = await pool.query("SELECT id FROM posts WHERE id = $1", [id]) ;  // kept\n'
              '  return [rows, and];\n};\n')
    result = run(tmp_path, before)
    assert result.new_text == (
        'import { Pool } from "pg";\nimport { and, eq } from "drizzle-orm";\nimport { db } from "./db";\n'
        'import { posts } from "./drizzle";\n\nconst pool = new Pool() ;  // odd\n'
        'export const f = async (id: number) => {\n'
        '  const rows = await db.select({ id: posts.id }).from(posts).where(eq(posts.id, id)) ;  // kept\n'
        '  return [rows, and];\n};\n')


def test_long_statement_one_builder_call_a_line_crlf_kept(tmp_path: Path) -> None:
    before = ('import { Pool } from "pg";\r\nconst pool = new Pool();\r\nexport async function f(email: string) {\r\n'
              '  const { rows } = await pool.query("SELECT id, email, name, role FROM users WHERE email = $1 '
              'ORDER BY id", [email]);\r\n  return rows;\r\n}\r\n')
    result = run(tmp_path, before)
    assert result.new_text == (
        'import { Pool } from "pg";\r\nimport { db } from "./db";\r\nimport { users } from "./drizzle";\r\n'
        'import { asc, eq } from "drizzle-orm";\r\nconst pool = new Pool();\r\n'
        'export async function f(email: string) {\r\n'
        '  const rows = await db\r\n'
        '    .select({ id: users.id, email: users.email, name: users.displayName, role: users.role })\r\n'
        '    .from(users)\r\n'
        '    .where(eq(users.email, email))\r\n'
        '    .orderBy(asc(users.id));\r\n'
        '  return rows;\r\n}\r\n')


def test_cli_dry_run_apply_and_summary(tmp_path: Path) -> None:
    before = (FIXTURES / "pg_write_returning" / "before.ts").read_text(encoding="utf-8")
    target = project(tmp_path, before)
    args = [str(MIGRATOR), "rewrite", "--rules", "sql-drizzle", str(target),
            "--drizzle-schema", f"drizzle:{tmp_path / 'drizzle.ts'}", "--drizzle-client", "./db:db"]
    dry = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path)
    assert dry.returncode == 1, dry.stderr
    assert "4 sql site(s): 3 would be converted, 1 reported with the reason" in dry.stderr
    assert "case.ts:20:21: SD103" in dry.stdout
    assert target.read_text(encoding="utf-8") == before
    done = subprocess.run([*args, "--apply", "--force"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == (FIXTURES / "pg_write_returning" / "after.ts").read_text(encoding="utf-8")
    listed = subprocess.run([str(MIGRATOR), "rewrite", "--rules", "sql-drizzle", "--list-rules"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert listed.returncode == 0 and listed.stdout.startswith("SD001  safe")
    missing = subprocess.run([str(MIGRATOR), "rewrite", "--rules", "sql-drizzle", str(target)],
                             capture_output=True, text=True, cwd=tmp_path)
    assert missing.returncode == 2 and "--drizzle-schema" in missing.stderr


def test_tsc_accepts_every_after(tmp_path: Path) -> None:
    """Every after.ts (and before.ts: the stubs are right) type-checks (strict) against the pinned drizzle-orm."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: the tsc check needs it")
    if not TSC.exists():
        pytest.fail("TypeScript is not installed: run `make tests/node/node_modules/.installed` (npm ci in tests/node)")
    for f in SCHEMA.iterdir():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    files = ["drivers.d.ts"]
    for case in CASES:
        for which in ("before", "after"):
            name = f"{case}.{which}.ts"
            shutil.copy(FIXTURES / case / f"{which}.ts", tmp_path / name)
            files.append(name)
    config = {"compilerOptions": {"strict": True, "noEmit": True, "module": "esnext", "moduleResolution": "bundler",
                                  "target": "es2022", "skipLibCheck": True, "types": [], "lib": ["es2022", "dom"]},
              "files": files}
    (tmp_path / "tsconfig.json").write_text(json.dumps(config, indent=2))
    proc = subprocess.run(["node", str(TSC), "-p", "tsconfig.json"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_client_from_another_module_and_its_unused_import_dropped(tmp_path: Path) -> None:
    """The scan follows the pool to the module that makes it (the driver is read there); the pool's
    import goes when nothing uses it any more; mysql2's `query()` is never taken for pg's."""
    project(tmp_path, "")
    (tmp_path / "case.ts").unlink()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "pool.ts").write_text('import { Pool } from "pg";\nexport const pool = new Pool();\n')
    (tmp_path / "my.ts").write_text('import mysql from "mysql2/promise";\nconst conn = mysql.createPool({});\n'
                                    'export async function f(id: number) {\n'
                                    '  const [rows] = await conn.query("SELECT id FROM users WHERE id = ?", [id]);\n'
                                    '  return rows;\n}\n')
    target = tmp_path / "users.ts"
    target.write_text('import { pool } from "./lib/pool";\n\nexport async function byId(id: number) {\n'
                      '  const { rows } = await pool.query("SELECT id FROM users WHERE id = $1", [id]);\n'
                      '  return rows;\n}\n')
    local = Options(f"drizzle:{tmp_path / 'drizzle.ts'}", OPTIONS.drizzle_client)
    results = {r.path: r for r in rewrite_paths([tmp_path], local, base=tmp_path)}
    assert results["users.ts"].new_text == (
        'import { db } from "./db";\nimport { users } from "./drizzle";\nimport { eq } from "drizzle-orm";\n\n'
        'export async function byId(id: number) {\n'
        '  const rows = await db.select({ id: users.id }).from(users).where(eq(users.id, id));\n'
        '  return rows;\n}\n')
    [finding] = results["my.ts"].findings
    assert (finding.line, finding.code) == (4, "SD102") and "mysql2" in finding.reason


def test_parameters_bound_exactly_once(tmp_path: Path) -> None:
    """A value the SQL never uses (the driver would throw), an expression bound twice (it would run twice),
    a `?` count that is not the values' count: findings, never a silent change."""
    before = ('import { Pool } from "pg";\nimport Database from "better-sqlite3";\n'
              'const pool = new Pool();\nconst sqlite = new Database("x.db");\n'
              'export async function f(id: number, next: () => number) {\n'
              '  await pool.query("DELETE FROM posts WHERE id = $1", [id, 2]);\n'
              '  await pool.query("DELETE FROM posts WHERE id = $1 OR author_id = $1", [next()]);\n'
              '  await pool.query("DELETE FROM posts WHERE id = $1 OR author_id = $1", [id]);\n'
              '  sqlite.prepare("DELETE FROM posts WHERE id = ? OR author_id = ?").run(id);\n'
              '  sqlite.prepare("DELETE FROM posts WHERE id = :id").run(id);\n}\n')
    result = run(tmp_path, before)
    assert [(f.line, f.code) for f in result.findings] == [(6, "SD102"), (7, "SD102"), (9, "SD102"), (10, "SD102")]
    assert "is not used in the SQL" in result.findings[0].reason
    assert "evaluate it 2 times" in result.findings[1].reason
    assert "1 placeholder(s) for" not in result.findings[2].reason and "2 placeholder(s) for 1 value(s)" in result.findings[2].reason
    assert "`:id`" in result.findings[3].reason
    assert "await db.delete(posts).where(or(eq(posts.id, id), eq(posts.authorId, id)));" in result.new_text


RAW_CALLS = {  # driver -> (its import and client, a call the query builder cannot say)
    "pg": ('import { Pool } from "pg";\nconst pool = new Pool();\n',
           'const res = await pool.query("SELECT count(*) AS n FROM posts WHERE author_id = $1", [ids]);'),
    "postgres": ('import postgres from "postgres";\nconst pg = postgres();\n',
                 'const res = await pg`SELECT count(*) AS n FROM posts WHERE author_id = ${ids}`;'),
    "libsql": ('import { createClient } from "@libsql/client";\nconst client = createClient({ url: "file:x.db" });\n',
               'const res = await client.execute("SELECT count(*) AS n FROM posts WHERE author_id = ?", [ids]);'),
    "better-sqlite3": ('import Database from "better-sqlite3";\nconst sqlite = new Database("x.db");\n',
                       'const res = sqlite.prepare("SELECT count(*) AS n FROM posts WHERE author_id = ?").get(ids);'),
}
# (raw driver, the Drizzle client's driver) -> the converted call, or words the finding must hold
FALLBACKS = {
    ("pg", "node-postgres"): "returns node-postgres' QueryResult `{ rows, rowCount }` with timestamp, date and interval "
                             "values as strings",
    ("pg", "postgres-js"): "returns postgres.js' row array with `.count`",
    ("postgres", "postgres-js"): "returns postgres.js' row array with `.count`, date and time values as strings",
    ("postgres", "node-postgres"): "where the `pg` tagged template returned a row array with `.count`",
    ("libsql", "better-sqlite3"): "where `client.execute()` returned libsql's ResultSet",
    ("better-sqlite3", "libsql"): "returns a promise",
    ("libsql", "libsql"): 'const res = await db.run(sql`SELECT count(*) AS n FROM posts WHERE author_id = ${sql.param(ids)}`);',
    ("better-sqlite3", "better-sqlite3"):
        'const res = db.get(sql`SELECT count(*) AS n FROM posts WHERE author_id = ${sql.param(ids)}`);',
}


@pytest.mark.parametrize(("driver", "client_driver"), sorted(FALLBACKS))
def test_fallback_per_driver_states_both_result_shapes_or_converts(tmp_path: Path, driver: str,
                                                                    client_driver: str) -> None:
    """SQL the builder cannot say: `db.execute/run/all/get(sql…)` through the project's Drizzle client (its
    driver read from the client module), converted only where that returns the very same result (libsql and
    better-sqlite3 on both sides), else a finding naming what each side returns. Parameters go through
    `sql.param()`: the template alone would expand an array into a list."""
    head, call = RAW_CALLS[driver]
    before = f"{head}export async function f(ids: unknown) {{\n  {call}\n  return res;\n}}\n"
    project(tmp_path, before)
    (tmp_path / "db.ts").write_text(f'import {{ drizzle }} from "drizzle-orm/{client_driver}";\n'
                                    f'export const db = (drizzle as any)("x");\n')
    local = Options(f"drizzle:{tmp_path / 'drizzle.ts'}", OPTIONS.drizzle_client)
    [result] = [r for r in rewrite_paths([tmp_path / "case.ts"], local, base=tmp_path) if r.path == "case.ts"]
    expected = FALLBACKS[(driver, client_driver)]
    if expected.startswith("const res"):
        assert result.findings == [] and result.converted == 1
        assert f"  {expected}\n" in result.new_text
        assert 'import { sql } from "drizzle-orm";' in result.new_text
        assert "prepare" not in result.new_text and "client.execute" not in result.new_text
    else:
        assert result.status == "unchanged"
        [finding] = result.findings
        assert finding.code == "SD101" and expected in finding.reason, finding.reason
        assert "sql.param(ids)" in finding.reason


def test_driver_settings_that_change_rows_are_refused(tmp_path: Path) -> None:
    """A client set up to change the rows (postgres.js transform, pg type parsers, libsql intMode,
    better-sqlite3 safeIntegers) returns what Drizzle's own client would not: a finding."""
    before = ('import postgres from "postgres";\nconst pg = postgres({ transform: postgres.camel } as any);\n'
              'export async function f(id: number) {\n'
              '  const rows = await pg`SELECT id, author_id FROM posts WHERE id = ${id}`;\n  return rows;\n}\n')
    result = run(tmp_path, before)
    [finding] = result.findings
    assert finding.code == "SD102" and "a column-name transform" in finding.reason
    assert result.status == "unchanged"


def test_custom_column_types_and_array_elements_are_findings(tmp_path: Path) -> None:
    """A customType column (Drizzle runs its fromDriver/toDriver, the driver did not) and an array of
    timestamps (each element read as the element type is) are findings; an enum and a text[] convert."""
    before = ('import { Pool } from "pg";\nconst pool = new Pool();\nexport async function f(n: string) {\n'
              '  const { rows: a } = await pool.query("SELECT id, name FROM tags WHERE plain = $1", [n]);\n'
              '  const { rows: b } = await pool.query("SELECT id FROM tags WHERE name = $1", [n]);\n'
              '  const { rows: c } = await pool.query("SELECT seen FROM tags");\n'
              '  const { rows: d } = await pool.query("SELECT labels, kind FROM tags WHERE kind = $1", [n]);\n'
              '  return [a, b, c, d];\n}\n')
    target = project(tmp_path, before)
    (tmp_path / "drizzle.ts").write_text(
        'import { customType, pgEnum, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";\n'
        'const citext = customType<{ data: string }>({ dataType() { return "citext"; } });\n'
        'export const kind = pgEnum("kind", ["a", "b"]);\n'
        'export const tags = pgTable("tags", { id: serial("id").primaryKey(), name: citext("name"), '
        'plain: text("plain"), seen: timestamp("seen", { withTimezone: true, mode: "string" }).array(), '
        'labels: text("labels").array(), kind: kind("kind") });\n')
    local = Options(f"drizzle:{tmp_path / 'drizzle.ts'}", OPTIONS.drizzle_client)
    [result] = [r for r in rewrite_paths([target], local, base=tmp_path) if r.path == "case.ts"]
    assert [(f.line, f.code) for f in result.findings] == [(4, "SD103"), (5, "SD103"), (6, "SD103")]
    assert "custom column type: Drizzle passes the value through its fromDriver" in result.findings[0].reason
    assert "custom column type: Drizzle sends what its toDriver" in result.findings[1].reason
    assert "its elements: the driver returns a Date, Drizzle (string mode) a string" in result.findings[2].reason
    assert ("const d = await db\n    .select({ labels: tags.labels, kind: tags.kind })\n    .from(tags)\n"
            "    .where(eq(tags.kind, n));") in result.new_text


def test_calls_inside_a_transaction_of_the_driver_are_findings(tmp_path: Path) -> None:
    """The Drizzle client has its own connection: a statement inside better-sqlite3's `transaction(fn)`,
    or on a client that is sent BEGIN, would leave the transaction (and wait for its lock)."""
    before = ('import Database from "better-sqlite3";\nimport { Client } from "pg";\n'
              'const sqlite = new Database("x.db");\nconst client = new Client();\n'
              'export const move = sqlite.transaction((id: number) => {\n'
              '  sqlite.prepare("DELETE FROM comments WHERE post_id = ?").run(id);\n});\n'
              'export async function f(id: number) {\n'
              '  await client.query("BEGIN");\n'
              '  await client.query("DELETE FROM comments WHERE post_id = $1", [id]);\n'
              '  await client.query("COMMIT");\n}\n')
    result = run(tmp_path, before)
    assert result.status == "unchanged"
    assert [(f.line, f.code) for f in result.findings] == [(5, "SD102"), (6, "SD102"), (9, "SD102"), (10, "SD102"),
                                                            (11, "SD102")]
    assert "inside `sqlite.transaction(…)`" in result.findings[1].reason
    assert "`client` is sent BEGIN in this file" in result.findings[3].reason


def test_a_date_read_as_a_date_differs_only_through_node_postgres(tmp_path: Path) -> None:
    """node-postgres parses a date as local midnight, postgres.js (new Date(text)) and Drizzle as UTC midnight."""
    before = ('import { Pool } from "pg";\nimport postgres from "postgres";\nconst pool = new Pool();\n'
              'const pg = postgres();\nexport async function f() {\n'
              '  const { rows } = await pool.query("SELECT born FROM people");\n'
              '  const other = await pg`SELECT born FROM people`;\n  return [rows, other];\n}\n')
    target = project(tmp_path, before)
    (tmp_path / "drizzle.ts").write_text('import { date, pgTable, serial } from "drizzle-orm/pg-core";\n'
                                         'export const people = pgTable("people", { id: serial("id").primaryKey(), '
                                         'born: date("born", { mode: "date" }) });\n')
    local = Options(f"drizzle:{tmp_path / 'drizzle.ts'}", OPTIONS.drizzle_client)
    [result] = [r for r in rewrite_paths([target], local, base=tmp_path) if r.path == "case.ts"]
    [finding] = result.findings
    assert (finding.line, finding.code) == (6, "SD103") and "local midnight" in finding.reason
    assert "const other = await db.select({ born: people.born }).from(people);" in result.new_text
