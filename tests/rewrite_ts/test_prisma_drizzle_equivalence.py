"""The write side of `--rules prisma-drizzle`, proven on real databases: each BEFORE module (Prisma
Client 7) is converted by the rewrite itself, and BEFORE and the converted AFTER (drizzle-orm) run
against PostgreSQL and SQLite seeded the same way (tests/rewrite_ts/equivalence.py); the results
must be equal, P2025 included (Prisma's PrismaClientKnownRequestError and prisma-compat's
RecordNotFoundError both carry code "P2025": compared by that code).

The schema is tests/fixtures/rewrite_ts/equivalence_writes: a compound unique (upsert targets) and a
model with @default(uuid()) and @updatedAt, which the Drizzle schema keeps as $defaultFn/$onUpdate
(as `migrator generate drizzle` writes them) — values Prisma set on the client keep being set.
Random or time-dependent values (a uuid, updatedAt) are compared by shape (a uuid; later than the
seed), in the snippet itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pytest

from migrator.rewrite.compat import prisma_compat_module
from migrator.rewrite.typescript.engine import Options, rewrite_paths
from tests.conftest import FIXTURES
from tests.rewrite_ts import equivalence
from tests.rewrite_ts.equivalence import Case, Outcome, install_missing_reason, node_missing_reason, run_equivalence

CASES = FIXTURES / "rewrite_ts" / "equivalence_writes"
DIALECTS = ("postgresql", "sqlite")
# The converted text does not depend on the dialect: names from the PostgreSQL Drizzle schema (whose
# namespace matches the Prisma schema's) serve both.
OPTIONS = Options(drizzle_schema=f"drizzle:{CASES / 'postgresql' / 'drizzle' / 'schema.ts'}", drizzle_client="./db:db",
                  prisma_schema=str(CASES / "schema.prisma"), drizzle_schema_module="./schema",
                  compat_module="./prisma-compat")

# Shared by the snippets: a thrown error as its Prisma code, so one module can report several calls.
CAUGHT = """
async function caught<T>(p: PromiseLike<T>): Promise<T | { error: string }> {
  try {
    return await p;
  } catch (e: any) {
    return { error: String(e?.code ?? e?.name) };
  }
}
"""


@lru_cache(maxsize=1)
def names():
    from migrator.rewrite.typescript import mapping

    return mapping.load(OPTIONS.drizzle_schema, OPTIONS.prisma_schema, CASES)


def convert(tmp: Path, before: str) -> tuple[str, list]:
    """The rewrite's AFTER for a BEFORE module, and its findings."""
    (tmp / "package.json").write_text('{"name": "eq", "private": true}\n')
    (tmp / "prisma.ts").write_text('import { PrismaClient } from "@prisma/client";\n\n'
                                   "export const prisma = new PrismaClient();\n")
    target = tmp / "case.ts"
    target.write_text(before, encoding="utf-8")
    results = rewrite_paths([target], OPTIONS, base=tmp, names=names())
    [result] = [r for r in results if r.path == "case.ts"]
    assert result.status == "changed", result.reason
    return result.new_text, result.findings


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = node_missing_reason()
    if reason:
        pytest.skip(reason)
    reason = install_missing_reason()
    if reason:
        pytest.fail(reason)
    return tmp_path_factory.mktemp("equivalence_writes")


@pytest.fixture(params=DIALECTS)
def run(request: pytest.FixtureRequest, workdir: Path, tmp_path: Path) -> Callable[[str], Outcome]:
    dialect = request.param
    new_database = request.getfixturevalue("pg_database") if dialect == "postgresql" else None

    def run_case(before: str) -> Outcome:
        after, findings = convert(tmp_path, before)
        assert findings == [], findings
        assert "prisma." not in after, after
        case = Case.from_dir(CASES, dialect, before=before, after=after)
        project = equivalence._project(case, dialect, workdir)
        (project / "src" / "prisma-compat.ts").write_text(prisma_compat_module())
        outcome = run_equivalence(case, dialect, workdir, new_database=new_database)
        return outcome

    run_case.dialect = dialect  # type: ignore[attr-defined]
    return run_case


def module(body: str) -> str:
    return f'import {{ prisma }} from "./prisma";\n{CAUGHT}\nexport default async function main() {{\n{body}\n}}\n'


def test_create_sets_client_side_defaults(run: Callable[[str], Outcome]) -> None:
    """@default(uuid()) and @updatedAt are set by the client: still set after the switch."""
    outcome = run(module("""
  const doc = await prisma.doc.create({ data: { slug: "new", body: "Text" } });
  const plain = await prisma.user.create({ data: { email: "cyd@example.com", name: "Cyd" } });
  await prisma.user.create({ data: { email: "dan@example.com" } });
  const all = await prisma.user.findMany({ orderBy: { id: "asc" } });
  return {
    uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(doc.id),
    updatedAtSet: new Date(doc.updatedAt).getTime() > Date.parse("2021-01-01T00:00:00Z"),
    slug: doc.slug,
    plain,
    all,
  };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["uuid"] is True and outcome.before.value["updatedAtSet"] is True
    assert outcome.before.value["plain"] == {"id": 3, "email": "cyd@example.com", "name": "Cyd"}


def test_update_sets_updated_at_and_increments(run: Callable[[str], Outcome]) -> None:
    outcome = run(module("""
  const doc = await prisma.doc.update({ where: { slug: "intro" }, data: { body: "Changed" } });
  const post = await prisma.post.update({ where: { id: 1 }, data: { views: { increment: 2 } } });
  const renamed = await prisma.user.update({ where: { email: "bob@example.com" }, data: { name: "Bob", email: undefined } });
  return {
    body: doc.body,
    touched: new Date(doc.updatedAt).getTime() > Date.parse("2021-01-01T00:00:00Z"),
    post,
    renamed,
  };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["touched"] is True
    assert outcome.before.value["post"]["views"] == 7


def test_update_and_delete_of_no_row_throw_p2025(run: Callable[[str], Outcome]) -> None:
    outcome = run(module("""
  return [
    await caught(prisma.user.update({ where: { id: 99 }, data: { name: "x" } })),
    await caught(prisma.post.delete({ where: { id: 99 } })),
    await caught(prisma.user.findUniqueOrThrow({ where: { id: 99 } })),
    await caught(prisma.post.findFirstOrThrow({ where: { views: { gt: 1000 } } })),
    await caught(prisma.user.findUniqueOrThrow({ where: { email: "ada@example.com" } })),
  ];"""))
    assert outcome.equal, outcome.explain()
    assert [v.get("error") for v in outcome.before.value[:4]] == ["P2025"] * 4


def test_a_thrown_p2025_is_the_same_error_code(run: Callable[[str], Outcome]) -> None:
    """Not caught: both sides throw, with code P2025."""
    outcome = run(module("""
  return prisma.post.delete({ where: { id: 12345 } });"""))
    assert not outcome.before.ok and not outcome.after.ok, outcome.explain()
    assert outcome.before.error["code"] == outcome.after.error["code"] == "P2025"


def test_many_writes_return_counts(run: Callable[[str], Outcome]) -> None:
    outcome = run(module("""
  const created = await prisma.post.createMany({
    data: [{ title: "Fourth", authorId: 1 }, { title: "Fifth", authorId: 2 }],
  });
  const updated = await prisma.post.updateMany({ where: { authorId: 1 }, data: { views: { multiply: 2 } } });
  const single = await prisma.post.createMany({ data: { title: "Solo", authorId: 2 } });
  const deleted = await prisma.post.deleteMany({ where: { authorId: 2 } });
  const none = await prisma.post.deleteMany({ where: { authorId: 99 } });
  const total = await prisma.post.count();
  const busy = await prisma.post.count({ where: { views: { gte: 10 } } });
  const rows = await prisma.post.findMany({ orderBy: { id: "asc" } });
  return { created, single, updated, deleted, none, total, busy, rows };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["created"] == {"count": 2}
    assert outcome.before.value["single"] == {"count": 1}
    assert outcome.before.value["deleted"] == {"count": 3}


@pytest.mark.parametrize("run", ["postgresql"], indirect=True)
def test_create_many_skip_duplicates(run: Callable[[str], Outcome]) -> None:
    """onConflictDoNothing() for skipDuplicates; the count is of the rows inserted. (Prisma has no
    skipDuplicates on SQLite: it rejects the argument, so the case is PostgreSQL's only.)"""
    outcome = run(module("""
  const created = await prisma.post.createMany({
    data: [{ title: "First", authorId: 1 }, { title: "Fourth", authorId: 1 }],
    skipDuplicates: true,
  });
  await prisma.post.createMany({ data: [{ title: "Sixth", authorId: 2 }], skipDuplicates: true });
  const rows = await prisma.post.findMany({ orderBy: { title: "asc" }, select: { title: true, views: true } });
  return { created, rows };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["created"] == {"count": 1}


def test_upsert_with_empty_update_returns_the_existing_row(run: Callable[[str], Outcome]) -> None:
    """The regression: onConflictDoNothing().returning() gives [] where Prisma returns the row. Prisma reads
    first and inserts only when no row matched (no sequence value spent: the next id is the same)."""
    outcome = run(module("""
  const existing = await prisma.user.upsert({
    where: { email: "ada@example.com" },
    create: { email: "ada@example.com", name: "Other" },
    update: {},
  });
  const fresh = await prisma.user.upsert({
    where: { email: "eve@example.com" },
    create: { email: "eve@example.com", name: "Eve" },
    update: {},
  });
  return { existing, fresh };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["existing"] == {"id": 1, "email": "ada@example.com", "name": "Ada"}
    assert outcome.before.value["fresh"]["name"] == "Eve"


def test_upsert_with_update_on_a_compound_unique(run: Callable[[str], Outcome]) -> None:
    outcome = run(module("""
  const hit = await prisma.post.upsert({
    where: { authorId_title: { authorId: 1, title: "First" } },
    create: { authorId: 1, title: "First", views: 1 },
    update: { views: { increment: 10 } },
  });
  const miss = await prisma.post.upsert({
    where: { authorId_title: { authorId: 2, title: "New" } },
    create: { authorId: 2, title: "New", views: 1 },
    update: { views: { increment: 10 } },
  });
  const doc = await prisma.doc.upsert({
    where: { slug: "intro" },
    create: { slug: "intro", body: "Created" },
    update: { body: "Updated" },
  });
  return { hit, miss, body: doc.body, id: doc.id };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["hit"]["views"] == 15 and outcome.before.value["miss"]["views"] == 1
    assert outcome.before.value["body"] == "Updated"


def test_the_compat_module_is_what_the_engine_writes(tmp_path: Path) -> None:
    """A run whose converted sites import prisma-compat adds the file (a new file in the diff), once."""
    after, _ = convert(tmp_path, module('  return prisma.post.delete({ where: { id: 1 } });'))
    assert 'import { oneOrThrow } from "./prisma-compat";' in after
    (tmp_path / "case.ts").write_text(after)
    results = rewrite_paths([tmp_path / "case.ts"], OPTIONS, base=tmp_path, names=names())
    assert [r.path for r in results] == ["case.ts"]  # already converted: nothing to do, and no compat file wanted
    (tmp_path / "case.ts").write_text(module('  return prisma.post.delete({ where: { id: 1 } });'))
    results = rewrite_paths([tmp_path / "case.ts"], OPTIONS, base=tmp_path, names=names())
    compat = [r for r in results if r.path == "prisma-compat.ts"]
    assert len(compat) == 1 and compat[0].status == "changed" and compat[0].new_text == prisma_compat_module()
    assert "+++ b/prisma-compat.ts" in compat[0].diff
    (tmp_path / "prisma-compat.ts").write_text(prisma_compat_module())
    results = rewrite_paths([tmp_path / "case.ts"], OPTIONS, base=tmp_path, names=names())
    assert [r.path for r in results] == ["case.ts"]


def test_fixture_schema_links_the_shipped_compat_module() -> None:
    linked = FIXTURES / "rewrite_ts" / "prisma_drizzle" / "_schema" / "prisma-compat.ts"
    assert linked.read_text(encoding="utf-8") == prisma_compat_module()


TRANSACTIONS = """
  const ok = await prisma.$transaction(async (tx) => {
    const post = await tx.post.update({ where: { id: 1 }, data: { views: { increment: 1 } } });
    const n = await tx.post.count({ where: { authorId: 1 } });
    return { post, n };
  });
  const failed = await caught(prisma.$transaction(async (tx) => {
    await tx.post.update({ where: { id: 2 }, data: { title: "Changed" } });
    await tx.post.delete({ where: { id: 999 } });
    return "unreachable";
  }));
  const second = await prisma.post.findUnique({ where: { id: 2 } });
  const batch = await prisma.$transaction([
    prisma.user.create({ data: { email: "zed@example.com" } }),
    prisma.user.count(),
  ]);
  return { ok, failed, second, batch };"""


def test_transactions_are_refused_for_sqlite(tmp_path: Path) -> None:
    """better-sqlite3's db.transaction() rejects an async callback ("Transaction function cannot return a
    promise", seen running the converted code): with a SQLite Drizzle schema the transactions stay."""
    import dataclasses

    from migrator.rewrite.typescript import engine

    (tmp_path / "package.json").write_text('{"name": "eq", "private": true}\n')
    (tmp_path / "prisma.ts").write_text('import { PrismaClient } from "@prisma/client";\n\n'
                                        "export const prisma = new PrismaClient();\n")
    (tmp_path / "case.ts").write_text(module(TRANSACTIONS))
    sqlite_names = dataclasses.replace(names(), dialect="sqlite")
    [result] = [r for r in engine.rewrite_paths([tmp_path / "case.ts"], OPTIONS, base=tmp_path, names=sqlite_names)
                if r.path == "case.ts"]
    refused = [f for f in result.findings if f.code == "PD016"]
    assert len(refused) == 3 and all("better-sqlite3" in f.reason for f in refused)
    assert "prisma.$transaction(async (tx) => {" in result.new_text


@pytest.mark.parametrize("run", ["postgresql"], indirect=True)
def test_transactions_commit_and_roll_back(run: Callable[[str], Outcome]) -> None:
    """$transaction(async (tx) => …) → db.transaction: the calls run against tx; a P2025 inside rolls the
    earlier write back; the array form returns the results in order. PostgreSQL only: on SQLite the
    rewrite refuses transactions (test_transactions_are_refused_for_sqlite)."""
    outcome = run(module("""
  const ok = await prisma.$transaction(async (tx) => {
    const post = await tx.post.update({ where: { id: 1 }, data: { views: { increment: 1 } } });
    const n = await tx.post.count({ where: { authorId: 1 } });
    return { post, n };
  });
  const failed = await caught(prisma.$transaction(async (tx) => {
    await tx.post.update({ where: { id: 2 }, data: { title: "Changed" } });
    await tx.post.delete({ where: { id: 999 } });
    return "unreachable";
  }));
  const second = await prisma.post.findUnique({ where: { id: 2 } });
  const batch = await prisma.$transaction([
    prisma.user.create({ data: { email: "zed@example.com" } }),
    prisma.user.count(),
  ]);
  return { ok, failed, second, batch };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["failed"] == {"error": "P2025"}
    assert outcome.before.value["second"]["title"] == "Second"
    assert outcome.before.value["batch"][1] == 3
