"""`--rules sql-drizzle` keeps what the code reads: raw SQL through node-postgres (PostgreSQL) and
better-sqlite3 (SQLite), rewritten by the engine, run on the same seeded database as the original
(tests/rewrite_ts/equivalence.py; the schema and rows of tests/fixtures/rewrite_ts/equivalence).

BEFORE is plain driver code; AFTER is what `rewrite_text` makes of it (every site converted), run
with drizzle-orm's node-postgres / better-sqlite3 client. Skips only when Node.js is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.rewrite.sql_drizzle.engine import Options, Schema, SqlSite, load_schema, rewrite_text
from tests.conftest import FIXTURES
from tests.rewrite_ts.equivalence import Case, install_missing_reason, node_missing_reason, run_equivalence

CASES = FIXTURES / "rewrite_ts" / "equivalence"

PG_BEFORE = '''import { Pool } from "pg";

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export default async function run() {
  try {
    const { rows } = await pool.query("SELECT id, email, name AS display, created_at FROM users WHERE id <> $1 ORDER BY id DESC", [2]);
    const res = await pool.query("UPDATE posts SET title = $1 WHERE author_id = $2", ["Renamed", 1]);
    const { rows: made } = await pool.query("INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id, email", ["dee@example.com", "Dee"]);
    const after = await pool.query("SELECT id, title, price FROM posts WHERE title LIKE $1 AND author_id IN ($2, $3) ORDER BY id", ["Ren%", 1, 2]);
    await pool.query("DELETE FROM posts WHERE id = $1", [3]);
    const { rows: left } = await pool.query("SELECT p.id, u.email FROM posts p INNER JOIN users u ON u.id = p.author_id ORDER BY p.id");
    return { rows, count: res.rowCount, made, after: after.rows, afterCount: after.rowCount, left };
  } finally {
    await pool.end();
  }
}
'''

SQLITE_BEFORE = '''import Database from "better-sqlite3";

const sqlite = new Database(process.env.DATABASE_URL as string);

export default async function run() {
  const rows = sqlite.prepare("SELECT id, email, name AS display, created_at FROM users WHERE id <> ? ORDER BY id DESC").all(2);
  sqlite.prepare("UPDATE posts SET title = ? WHERE author_id = ?").run("Renamed", 1);
  const one = sqlite.prepare("SELECT id, title, views FROM posts WHERE id = ?").get(3);
  const none = sqlite.prepare("SELECT id FROM posts WHERE id = ?").get(99);
  const after = sqlite.prepare("SELECT id, title FROM posts WHERE title LIKE ? AND views IS NOT NULL ORDER BY id").all("Ren%");
  const named = sqlite.prepare("SELECT id, title FROM posts WHERE title LIKE ? ORDER BY id LIMIT ? OFFSET ?").all("Ren%", 1, 1);
  sqlite.prepare("DELETE FROM posts WHERE id = ?").run(3);
  const count = sqlite.prepare("SELECT id FROM posts").all().length;
  sqlite.close();
  return { rows, one, none: none ?? null, after, named, count };
}
'''

SITES = {
    "postgresql": [SqlSite(7, 28, "query"), SqlSite(8, 23, "query"), SqlSite(9, 34, "query"), SqlSite(10, 25, "query"),
                   SqlSite(11, 11, "query"), SqlSite(12, 34, "query")],
    "sqlite": [SqlSite(6, 16, "prepare"), SqlSite(7, 3, "prepare"), SqlSite(8, 15, "prepare"), SqlSite(9, 16, "prepare"),
               SqlSite(10, 17, "prepare"), SqlSite(11, 17, "prepare"), SqlSite(12, 3, "prepare"),
               SqlSite(13, 17, "prepare")],
}


def converted(dialect: str, before: str) -> str:
    """The engine's AFTER for the harness's layout: the snippet in src/, the schema in src/drizzle/schema.ts."""
    drizzle = CASES / dialect / "drizzle" / "schema.ts"
    found = load_schema(f"drizzle:{drizzle}")
    schema = Schema(found.tables, {name: "/project/src/drizzle/schema.ts" for name in found.modules})
    result = rewrite_text(before, "after_snippet.ts", SITES[dialect], schema, Options(f"drizzle:{drizzle}", "./db:db"),
                          file="/project/src/after_snippet.ts")
    assert result.findings == [], result.findings
    assert result.sites == result.converted == len(SITES[dialect])
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
    after = converted("postgresql", PG_BEFORE)
    assert "const { rows }" not in after and "after.rows" not in after and "after.length" in after
    case = Case.from_dir(CASES, "postgresql", before=PG_BEFORE, after=after)
    outcome = run_equivalence(case, "postgresql", workdir, new_database=pg_database)
    assert outcome.equal, outcome.explain() + "\n" + after
    assert outcome.before.value["count"] == 2 and len(outcome.before.value["left"]) == 2


def test_better_sqlite3_on_sqlite(workdir: Path) -> None:
    after = converted("sqlite", SQLITE_BEFORE)
    assert ".then((r) => r[0])" in after and "prepare" not in after
    case = Case.from_dir(CASES, "sqlite", before=SQLITE_BEFORE, after=after)
    outcome = run_equivalence(case, "sqlite", workdir)
    assert outcome.equal, outcome.explain() + "\n" + after
    assert outcome.before.value["none"] is None and outcome.before.value["count"] == 2


def test_a_column_whose_value_would_change_type_is_a_finding() -> None:
    """node-postgres returns bigint as a string, drizzle's `bigint(…, { mode: "bigint" })` a BigInt (the
    harness's JSON would hide it: both print as the same digits); better-sqlite3 returns a numeric
    column's number, drizzle's SQLite numeric a string."""
    for dialect, before, where in (
            ("postgresql", 'import { Pool } from "pg";\nconst pool = new Pool();\nexport async function f() {\n'
                           '  const { rows } = await pool.query("SELECT id, views FROM posts");\n  return rows;\n}\n',
             SqlSite(4, 26, "query")),
            ("sqlite", 'import Database from "better-sqlite3";\nconst sqlite = new Database("x.db");\n'
                       'export async function f() {\n  return sqlite.prepare("SELECT price FROM posts").all();\n}\n',
             SqlSite(4, 10, "prepare"))):
        drizzle = CASES / dialect / "drizzle" / "schema.ts"
        result = rewrite_text(before, "case.ts", [where], load_schema(f"drizzle:{drizzle}"),
                              Options(f"drizzle:{drizzle}", "./db:db"), file=str(CASES / dialect / "case.ts"))
        assert result.status == "unchanged"
        [finding] = result.findings
        assert finding.code == "SD103" and ("`posts.views` (bigint)" in finding.reason or "`posts.price` (numeric)" in finding.reason), finding
