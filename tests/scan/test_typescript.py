"""The TypeScript/JavaScript analyzer and layers, end to end through resolve, on fixture trees.

Each folder under tests/fixtures/scan/ts/ is a small project with a truth.json:
{path: {"layers": [...], "sites": [[line, layer, model, operation], ...], "skipped"?: reason}}
for every source file in it. examples/tutorme is checked against its README's table
(tests/fixtures/scan/tutorme_truth.json).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from migrator.scan import Project, all_layers, analyzer_for
from migrator.scan.analyzers.typescript import resolve_module
from migrator.scan.facts import FileFacts
from migrator.scan.layers.sql_js import table_in_sql
from migrator.scan.resolve import entry_modules, resolve

from .trees import FIXTURES, analyze_tree, observed

CASES = sorted(p.name for p in (FIXTURES / "ts").iterdir() if (p / "truth.json").is_file())
TUTORME = Path(__file__).resolve().parents[2] / "examples" / "tutorme"


@pytest.mark.parametrize("case", CASES)
def test_case_matches_truth(case: str) -> None:
    root = FIXTURES / "ts" / case
    truth = json.loads((root / "truth.json").read_text())
    got = observed(root)
    assert sorted(got) == sorted(truth), "every source file of the case has an entry in truth.json"
    for path, expected in truth.items():
        assert got[path] == expected, path


def test_tutorme_matches_its_readme() -> None:
    truth = json.loads((FIXTURES / "tutorme_truth.json").read_text())
    truth.pop("_about")
    facts, project = analyze_tree(TUTORME)
    resolved = resolve(facts, project)
    ts_files = {p for p in facts if not p.startswith("prisma/")}
    assert set(truth) == ts_files
    for path, expected in truth.items():
        assert facts[path].skipped is None, path
        r = resolved[path]
        layers = sorted({s.layer for s in r.sites} | set(r.layers_imported))
        assert layers == expected["layers"], path
        calls = {(s.layer, s.model, s.operation) for s in r.sites}
        for call in expected.get("calls", ()):
            assert tuple(call) in calls, (path, call)


def test_tutorme_entry_modules() -> None:
    facts, project = analyze_tree(TUTORME)
    found = {(e.path, e.layer): e for e in entry_modules(facts, project)}
    assert set(found) == {("src/lib/db/index.ts", "prisma"), ("src/lib/db/drizzle.ts", "drizzle"), ("tests/helpers.ts", "prisma")}
    assert found["src/lib/db/index.ts", "prisma"].exports == ("db",)
    assert found["src/lib/db/drizzle.ts", "drizzle"].exports == ("drizzleDb",)
    # DATABASE_POOL_URL falling back to DATABASE_URL, read through two top-level constants.
    assert found["src/lib/db/drizzle.ts", "drizzle"].env == ("DATABASE_POOL_URL", "DATABASE_URL")
    assert found["tests/helpers.ts", "prisma"].env == ("TEST_DATABASE_URL",)


def test_tutorme_sites_carry_the_entry_module_and_position() -> None:
    facts, project = analyze_tree(TUTORME)
    sites = resolve(facts, project)["app/api/health/route.ts"].sites
    assert [(s.line, s.column, s.layer, s.model, s.operation, s.via) for s in sites] == [
        (10, 11, "prisma", "-", "$queryRaw", "src/lib/db/index.ts")
    ]


def test_facts_round_trip_through_json() -> None:
    facts, _ = analyze_tree(FIXTURES / "ts" / "getters")
    for f in facts.values():
        assert FileFacts.from_dict(json.loads(json.dumps(f.to_dict()))) == f


def _analyze(text: str, path: str = "src/x.ts", files: frozenset[str] = frozenset()) -> FileFacts:
    project = Project(root="/nonexistent", files=files | {path})
    return analyzer_for(path).analyze(path, text, project)


def test_singleton_client_and_env() -> None:
    facts, project = analyze_tree(FIXTURES / "ts" / "singleton")
    (client,) = facts["src/lib/prisma.ts"].clients
    assert (client.local, client.layer, client.env) == ("prisma", "prisma", ("DATABASE_URL",))
    (entry,) = entry_modules(facts, project)
    assert entry.exports == ("default", "prisma")


def test_getters_are_function_bindings_of_what_they_return() -> None:
    facts, _ = analyze_tree(FIXTURES / "ts" / "getters")
    bindings = {b.name: b for b in facts["src/db.ts"].bindings}
    for name in ("getPrisma", "getDb", "getDbAsync"):
        (source,) = bindings[name].sources
        function = bindings[source[0]]
        assert function.kind == "function" and function.sources, name
    # The module-level cache assigned inside getPrisma holds what PrismaClient makes.
    assert ("PrismaClient", "()") in bindings["client"].sources


def test_a_function_that_may_return_a_client_yields_one() -> None:
    """May-analysis: `if (x) return db; return null` hands out the client on one path, so calls count."""
    root_facts = _analyze(
        "import { db } from './db';\n"
        "export function f(x: number) { if (x) return db; return null; }\n"
        "f(1).user.findMany();\n",
        files=frozenset({"src/db.ts"}),
    )
    (use,) = root_facts.uses
    assert (use.root, use.chain, use.call) == ("f", ("user", "findMany"), True)


def test_uses_record_chain_call_and_position() -> None:
    facts = _analyze(
        "import { getDb } from './db';\n"
        "export const q = () =>  getDb().user.findMany();\n",
        files=frozenset({"src/db.ts"}),
    )
    (use,) = facts.uses
    assert (use.root, use.chain, use.call, use.line, use.column) == ("getDb", ("user", "findMany"), True, 2, 25)


def test_columns_count_characters_not_bytes() -> None:
    facts = _analyze("import { db } from './db';\nconst s = 'é'; db.user.count();\n", files=frozenset({"src/db.ts"}))
    assert facts.uses[0].column == 16


def test_jsx_files_use_the_tsx_grammar() -> None:
    facts = _analyze(
        "import { db } from './db';\n"
        "export default async function Page() {\n"
        "  const users = await db.user.findMany();\n"
        "  return <ul>{users.map((u) => <li key={u.id}>{u.name}</li>)}</ul>;\n"
        "}\n",
        path="src/page.tsx", files=frozenset({"src/db.ts"}),
    )
    assert facts.skipped is None
    # `users` holds what the query returned: a use for the resolver, which finds no client in it.
    assert [u.chain for u in facts.uses if u.root == "db"] == [("user", "findMany")]


def test_strings_and_comments_produce_nothing() -> None:
    facts = _analyze(
        "// import { PrismaClient } from '@prisma/client'\n"
        "/* new PrismaClient().user.findMany() */\n"
        "export const s = \"import { db } from './db'; db.user.findMany()\";\n"
        "export const t = `require('@prisma/client')`;\n",
        files=frozenset({"src/db.ts"}),
    )
    assert (facts.imports, facts.clients, facts.uses, facts.sites, facts.layers_imported) == ((), (), (), (), ())


def test_syntax_error_is_skipped_with_its_position() -> None:
    facts = _analyze("const a = 1;\nconst b = (;\n")
    assert facts.skipped is not None and facts.skipped.startswith("syntax error at 2:")


def test_driver_of_a_drizzle_client_is_not_raw_sql() -> None:
    facts = _analyze(
        "import { drizzle } from 'drizzle-orm/node-postgres';\nimport { Pool } from 'pg';\n"
        "export const db = drizzle(new Pool());\n"
    )
    assert facts.layers_imported == ("drizzle",)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("./db", "src/db/index.ts"),
        ("./db/index.js", "src/db/index.ts"),
        ("./util", "src/util.tsx"),
        ("../outside", None),
        ("@/db", "src/db/index.ts"),
        ("@prisma/client", None),
    ],
)
def test_module_resolution(spec: str, expected: str | None) -> None:
    project = Project(root="/x", ts_paths=(("@/*", ("src/*",)),),
                      files=frozenset({"src/a.ts", "src/db/index.ts", "src/util.tsx", "src/util.d.ts"}))
    assert resolve_module(spec, "src/a.ts", project) == expected


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ("SELECT * FROM users WHERE id = $1", "users"),
        ('select * from "public"."Orders"', "public.Orders"),
        ("INSERT INTO logs (m) VALUES (?)", "logs"),
        ("update accounts set x = 1", "accounts"),
        ("SELECT 1", None),
    ],
)
def test_table_in_sql(sql: str, table: str | None) -> None:
    assert table_in_sql(sql) == table


def test_layers_are_registered_with_markers() -> None:
    layers = all_layers()
    for name in ("prisma", "drizzle", "sql-js"):
        assert layers[name].language == "typescript"
        assert layers[name].markers and all(isinstance(m, bytes) for m in layers[name].markers)


def test_a_large_file_analyzes_quickly() -> None:
    body = "".join(
        f"export async function f{i}(id: string) {{\n  const x = await db.user.findUnique({{ where: {{ id }} }});\n"
        f"  return db.post.findMany({{ where: {{ authorId: x?.id }} }});\n}}\n"
        for i in range(2000)
    )
    text = "import { db } from './db';\n" + body
    started = time.perf_counter()
    facts = _analyze(text, files=frozenset({"src/db.ts"}))
    elapsed = time.perf_counter() - started
    assert len([u for u in facts.uses if u.root == "db"]) == 4000
    assert elapsed < 2.0, elapsed


def test_memoized_getter_module_is_the_drizzle_entry_module() -> None:
    """The drizzle client made inside `db()` and cached in a module variable; the pg Pool it
    is built on is plumbing, not an entry module of its own."""
    facts, project = analyze_tree(FIXTURES / "ts" / "memoized_getter")
    (entry,) = entry_modules(facts, project)
    assert (entry.path, entry.layer, entry.exports, entry.env) == ("src/db/index.ts", "drizzle", ("db",), ("DATABASE_URL",))


def test_a_class_extending_the_client_is_the_entry_module() -> None:
    facts, project = analyze_tree(FIXTURES / "ts" / "nest_injection")
    (entry,) = entry_modules(facts, project)
    assert (entry.path, entry.layer, entry.exports) == ("src/prisma/prisma.service.ts", "prisma", ("PrismaService",))


def test_a_name_no_module_of_a_barrel_cycle_exports_is_read_by_its_api() -> None:
    """`missing` is exported by none of the barrels it is imported through (they re-export each
    other): the lookup terminates, the import is broken, and `missing.comment.count()` is
    still Prisma's API, so it counts as a Prisma site (mid-migration code on a dangling import)."""
    facts, project = analyze_tree(FIXTURES / "ts" / "barrel")
    sites = resolve(facts, project)["src/cycled.ts"].sites
    assert [(s.line, s.layer, s.via) for s in sites] == [(3, "prisma", "src/db/client.ts"), (4, "prisma", None)]
