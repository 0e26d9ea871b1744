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
from tests.rewrite_ts.equivalence import Case, Outcome

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
    result = equivalence.convert_module(tmp, before, OPTIONS, names())
    assert result.status == "changed", result.reason
    return result.new_text, result.findings


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return equivalence.harness_workdir(tmp_path_factory, "equivalence_writes")


@pytest.fixture(params=DIALECTS)
def run(request: pytest.FixtureRequest, workdir: Path, tmp_path: Path) -> Callable[[str], Outcome]:
    dialect = request.param
    new_database = request.getfixturevalue("pg_database") if dialect == "postgresql" else None

    def run_case(before: str) -> Outcome:
        after, findings = convert(tmp_path, before)
        assert findings == [], findings
        assert "prisma." not in after, after
        case = Case.from_dir(CASES, dialect, before=before, after=after)
        outcome = equivalence.run_converted(case, dialect, workdir, new_database)
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


def sqlite_transactions(tmp: Path, driver: str | None, before: str = TRANSACTIONS):
    """The rewrite of `before` for a SQLite Drizzle schema whose client module (db.ts) imports
    drizzle-orm/<driver> (no db.ts when None): the driver is read from that module."""
    import dataclasses

    from migrator.rewrite.typescript import engine

    (tmp / "package.json").write_text('{"name": "eq", "private": true}\n')
    (tmp / "prisma.ts").write_text('import { PrismaClient } from "@prisma/client";\n\n'
                                   "export const prisma = new PrismaClient();\n")
    if driver is not None:
        (tmp / "db.ts").write_text(f'import {{ drizzle }} from "drizzle-orm/{driver}";\n\n'
                                   f'export const db = drizzle("local.db");\n')
    (tmp / "case.ts").write_text(module(before))
    sqlite_names = dataclasses.replace(names(), dialect="sqlite")
    [result] = [r for r in engine.rewrite_paths([tmp / "case.ts"], OPTIONS, base=tmp, names=sqlite_names)
                if r.path == "case.ts"]
    return result


@pytest.mark.parametrize("driver", ["better-sqlite3", "bun-sqlite", None, "d1"])
def test_transactions_are_refused_for_sqlite(tmp_path: Path, driver: str | None) -> None:
    """better-sqlite3's db.transaction() rejects an async callback ("Transaction function cannot return a
    promise", seen running the converted code), as do the other synchronous drivers: with a SQLite Drizzle
    schema the transactions stay unless the client module imports drizzle-orm/libsql; an unknown driver, or
    one whose BEGIN/COMMIT are not proven to share a connection (d1), is refused too."""
    result = sqlite_transactions(tmp_path, driver)
    refused = [f for f in result.findings if f.code == "PD016"]
    assert len(refused) == 3, result.findings
    expected = {"better-sqlite3": "(drizzle-orm/better-sqlite3) is synchronous",
                "bun-sqlite": "(drizzle-orm/bun-sqlite) is synchronous",
                None: "the Drizzle client module's driver is not known",
                "d1": "drizzle-orm/d1 runs BEGIN and COMMIT"}[driver]
    assert all(expected in f.reason for f in refused), refused
    assert "prisma.$transaction(async (tx) => {" in result.new_text


def test_transactions_on_sqlite_through_libsql(tmp_path: Path, workdir: Path) -> None:
    """drizzle-orm/libsql's db.transaction() takes the async callback: BEGIN (IMMEDIATE) on a connection of
    its own, COMMIT, or ROLLBACK when the callback throws — Prisma's interactive transaction on SQLite. The
    converted code runs on libsql (@libsql/client, a `file:` URL), Prisma on its better-sqlite3 adapter,
    each on a copy of the same seeded SQLite file: commit, rollback on a P2025 and on an error the callback
    throws, the array form."""
    body = TRANSACTIONS.replace("  return { ok, failed, second, batch };", """
  const thrown = await caught(prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: 1 }, data: { name: "Renamed" } });
    if (Date.now() > 0) throw Object.assign(new Error("boom"), { code: "BOOM" });
    return "unreachable";
  }));
  const first = await prisma.user.findUnique({ where: { id: 1 } });
  const posts = await prisma.post.findMany({ orderBy: { id: "asc" } });
  return { ok, failed, second, batch, thrown, first, posts };""")
    before = module(body)
    result = sqlite_transactions(tmp_path, "libsql", body)
    assert result.findings == [], result.findings
    after = result.new_text
    assert "prisma." not in after and after.count("db.transaction(async (tx) =>") == 4, after
    case = Case.from_dir(CASES, "sqlite", before=before, after=after, drizzle_driver="libsql")
    outcome = equivalence.run_converted(case, "sqlite", workdir, None)
    assert outcome.equal, outcome.explain()
    value = outcome.before.value
    assert value["failed"] == {"error": "P2025"} and value["thrown"] == {"error": "BOOM"}
    assert value["second"]["title"] == "Second" and value["first"]["name"] != "Renamed"
    assert value["ok"]["post"]["views"] == value["posts"][0]["views"]
    assert value["batch"][1] == 3


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


@pytest.mark.parametrize("run", ["postgresql"], indirect=True)
def test_transaction_isolation_level_is_kept(run: Callable[[str], Outcome]) -> None:
    """`$transaction(fn, { isolationLevel })` → `db.transaction(fn, { isolationLevel: "repeatable read" })`:
    a row another connection changes between two reads inside the transaction reads the same twice under
    RepeatableRead (one snapshot) and changed under ReadCommitted, for Prisma and the converted Drizzle
    alike; the array form with Serializable runs. PostgreSQL only, as transactions (see above)."""
    outcome = run(module("""
  const bump = (views: number) => prisma.post.update({ where: { id: 1 }, data: { views } });
  const repeatable = await prisma.$transaction(async (tx) => {
    const first = await tx.post.findUnique({ where: { id: 1 } });
    await bump(100);
    const again = await tx.post.findUnique({ where: { id: 1 } });
    return [first?.views, again?.views];
  }, { isolationLevel: "RepeatableRead" });
  const committed = await prisma.$transaction(async (tx) => {
    const first = await tx.post.findUnique({ where: { id: 1 } });
    await bump(200);
    const again = await tx.post.findUnique({ where: { id: 1 } });
    return [first?.views, again?.views];
  }, { isolationLevel: "ReadCommitted" });
  const batch = await prisma.$transaction([prisma.post.count(), prisma.user.count()], {
    isolationLevel: "Serializable",
  });
  return { repeatable, committed, batch };"""))
    assert outcome.equal, outcome.explain()
    repeatable, committed = outcome.before.value["repeatable"], outcome.before.value["committed"]
    assert repeatable[0] == repeatable[1] and committed == [100, 200]


UNDEFINED_AND_NULL = """
async function threw(p: PromiseLike<unknown>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch {
    return true;
  }
}

type Filter = { name?: string | null; ids?: number[]; email?: string; views?: number };

export default async function main() {
  const none: Filter = {};
  const nameless: Filter = { name: null };
  const some: Filter = { email: "bob@example.com", views: 1 };
  return {
    ignored: await prisma.user.findMany({ where: { name: none.name, id: { in: none.ids } }, orderBy: { id: "asc" } }),
    isNull: await prisma.user.findMany({ where: { name: nameless.name }, orderBy: { id: "asc" } }),
    notNull: await prisma.user.findMany({ where: { name: { not: nameless.name } }, orderBy: { id: "asc" } }),
    anyOf: await prisma.user.findMany({ where: { OR: [{ email: some.email }, { name: none.name }] }, orderBy: { id: "asc" } }),
    anyOfEmpty: await prisma.user.findMany({ where: { OR: [{ name: none.name }, { email: none.email }] }, orderBy: { id: "asc" } }),
    anyOfOne: await prisma.user.findMany({ where: { OR: [{ name: none.name }] }, orderBy: { id: "asc" } }),
    anyOfSet: await prisma.user.findMany({ where: { OR: [{ email: some.email }, { name: "Ada" }] }, orderBy: { id: "asc" } }),
    compare: await prisma.post.findMany({ where: { views: { gt: none.views } }, orderBy: { id: "asc" } }),
    compareSet: await prisma.post.findMany({ where: { views: { gt: some.views } }, orderBy: { id: "asc" } }),
    countIgnored: await prisma.post.count({ where: { views: { lt: none.views } } }),
    updateMissing: await threw(prisma.post.update({ where: { id: none.views }, data: { views: 1 } })),
    updateManyIgnored: (await prisma.post.updateMany({ where: { title: none.email }, data: { views: 3 } })).count,
    nothingToSet: await prisma.user.update({ where: { id: 1 }, data: { name: none.name } }),
    partlySet: await prisma.user.update({ where: { id: 2 }, data: { name: some.email, email: none.email } }),
    nothingToSetMissing: await threw(prisma.user.update({ where: { id: 99 }, data: { name: none.name } })),
  };
}
"""


def test_undefined_values_are_ignored_and_null_is_is_null(run: Callable[[str], Outcome]) -> None:
    """Prisma drops a condition whose value is undefined at run time (and OR's emptied element matches
    every row) and reads a null value as IS NULL / IS NOT NULL: the converted guards (equals, notEquals,
    whenDefined, anyOf) do the same. An update whose unique key is undefined throws on both sides."""
    outcome = run('import { prisma } from "./prisma";\n' + UNDEFINED_AND_NULL)
    assert outcome.equal, outcome.explain()
    value = outcome.before.value
    assert [u["email"] for u in value["ignored"]] == ["ada@example.com", "bob@example.com"]
    assert [u["email"] for u in value["isNull"]] == ["bob@example.com"]
    assert [u["email"] for u in value["anyOf"]] == ["bob@example.com"]  # the emptied element is left out
    assert value["anyOfEmpty"] == value["anyOfOne"] == []  # an OR left with no element: no row
    assert [u["email"] for u in value["anyOfSet"]] == ["ada@example.com", "bob@example.com"]
    assert value["updateMissing"] is True
    assert value["updateManyIgnored"] == 3
    assert value["nothingToSet"] == {"id": 1, "email": "ada@example.com", "name": "Ada"}  # only read, as Prisma
    assert value["partlySet"]["name"] == "bob@example.com" and value["nothingToSetMissing"] is True


def test_a_unique_key_that_is_undefined_is_never_another_row(run: Callable[[str], Outcome]) -> None:
    """The one difference left, documented in docs/rewrite.md: findUnique whose unique key's value is
    undefined or null at run time. Prisma throws a validation error; the converted findFirst keeps the
    plain eq() (a guard would drop the condition and return another row) and finds nothing: null."""
    outcome = run('import { prisma } from "./prisma";\n' + """
type Filter = { email?: string };

export default async function main() {
  const none: Filter = {};
  try {
    return { found: await prisma.user.findUnique({ where: { email: none.email } }) };
  } catch {
    return { threw: true };
  }
}
""")
    assert outcome.before.value == {"threw": True}, outcome.explain()
    assert outcome.after.value == {"found": None}, outcome.explain()


def test_writes_with_select_return_exactly_the_selected_keys(run: Callable[[str], Outcome]) -> None:
    """select of fields → .returning({ … }): the same keys, nothing more (create, update, delete, upsert)."""
    outcome = run(module("""
  const created = await prisma.user.create({ data: { email: "cyd@example.com", name: "Cyd" }, select: { id: true, name: true } });
  const updated = await prisma.post.update({ where: { id: 1 }, data: { views: { increment: 1 } }, select: { views: true } });
  const deleted = await prisma.post.delete({ where: { id: 2 }, select: { title: true, authorId: true } });
  const upserted = await prisma.user.upsert({
    where: { email: "ada@example.com" },
    create: { email: "ada@example.com" },
    update: { name: "Ada L." },
    select: { name: true },
  });
  const kept = await prisma.user.upsert({
    where: { email: "bob@example.com" },
    create: { email: "bob@example.com" },
    update: {},
    select: { id: true },
  });
  const missing = await caught(prisma.post.update({ where: { id: 99 }, data: { views: 1 }, select: { id: true } }));
  return { created, updated, deleted, upserted, kept, missing };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["created"] == {"id": 3, "name": "Cyd"}
    assert outcome.before.value["deleted"] == {"title": "Second", "authorId": 1}
    assert outcome.before.value["missing"] == {"error": "P2025"}


def test_writes_with_include_return_the_row_with_its_relations(run: Callable[[str], Outcome]) -> None:
    """include (or a select naming a relation) → the write, then the row re-read by its primary key with
    its relations; an update that matches nothing is P2025, as Prisma throws."""
    outcome = run(module("""
  const created = await prisma.post.create({ data: { title: "New", authorId: 2 }, include: { author: true } });
  const picked = await prisma.post.create({
    data: { title: "Picked", authorId: 1 },
    select: { title: true, author: { select: { email: true } } },
  });
  const updated = await prisma.user.update({
    where: { id: 1 },
    data: { name: "Ada L." },
    include: { posts: { orderBy: { id: "asc" } } },
  });
  const relationsOnly = await prisma.post.update({ where: { id: 3 }, data: { views: 0 }, select: { author: true } });
  const upserted = await prisma.post.upsert({
    where: { authorId_title: { authorId: 2, title: "Third" } },
    create: { authorId: 2, title: "Third" },
    update: { views: { increment: 1 } },
    include: { author: { select: { name: true } } },
  });
  const missing = await caught(prisma.user.update({ where: { id: 99 }, data: { name: "x" }, include: { posts: true } }));
  return { created, picked, updated, relationsOnly, upserted, missing };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["created"]["author"]["email"] == "bob@example.com"
    assert outcome.before.value["relationsOnly"] == {"author": {"id": 2, "email": "bob@example.com", "name": None}}
    assert outcome.before.value["missing"] == {"error": "P2025"}


def test_delete_with_include_returns_the_deleted_row_with_its_relations(run: Callable[[str], Outcome]) -> None:
    """The relations are read before the row is deleted; no match is P2025 and deletes nothing."""
    outcome = run(module("""
  const deleted = await prisma.post.delete({ where: { id: 1 }, include: { author: true } });
  const missing = await caught(prisma.post.delete({ where: { id: 1 }, include: { author: true } }));
  const left = await prisma.post.findMany({ orderBy: { id: "asc" }, select: { id: true } });
  return { deleted, missing, left };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["deleted"]["author"]["email"] == "ada@example.com"
    assert outcome.before.value["missing"] == {"error": "P2025"}
    assert outcome.before.value["left"] == [{"id": 2}, {"id": 3}]


def test_select_of_relations_only_returns_only_them(run: Callable[[str], Outcome]) -> None:
    """A read select naming no field → columns: {} beside the with: the rows hold only the relations."""
    outcome = run(module("""
  const users = await prisma.user.findMany({ orderBy: { id: "asc" }, select: { posts: { select: { title: true }, orderBy: { id: "asc" } } } });
  const one = await prisma.post.findUnique({ where: { id: 3 }, select: { author: { select: { email: true } } } });
  const none = await prisma.post.findUnique({ where: { id: 99 }, select: { author: true } });
  const nested = await prisma.user.findMany({
    orderBy: { id: "asc" },
    select: { posts: { orderBy: { id: "asc" }, select: { author: { select: { email: true } } } } },
  });
  return { users, one, none, nested };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["one"] == {"author": {"email": "bob@example.com"}}
    assert outcome.before.value["none"] is None


def test_create_many_of_rows_known_at_run_time(run: Callable[[str], Outcome]) -> None:
    """data: rows / items.map(…) / a spread → insertRows: the same count, and { count: 0 } for an empty
    list (Drizzle's values([]) throws)."""
    outcome = run(module("""
  const titles = ["Fourth", "Fifth"];
  const mapped = await prisma.post.createMany({ data: titles.map((title) => ({ title, authorId: 2 })) });
  const rows: { title: string; authorId: number }[] = [];
  const empty = await prisma.post.createMany({ data: rows });
  const one = { title: "Sixth", authorId: 1, views: 3 };
  const single = await prisma.post.createMany({ data: one });
  const spread = await prisma.post.createMany({ data: [{ ...one, title: "Seventh", views: undefined }] });
  await prisma.user.createMany({ data: [{ email: "cyd@example.com" }] });
  const all = await prisma.post.findMany({ orderBy: { id: "asc" } });
  return { mapped, empty, single, spread, all };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["empty"] == {"count": 0}
    assert outcome.before.value["mapped"] == {"count": 2}
    assert outcome.before.value["all"][-1] == {"id": 7, "title": "Seventh", "views": 0, "authorId": 1}


@pytest.mark.parametrize("run", ["postgresql"], indirect=True)
def test_create_many_of_rows_known_at_run_time_skip_duplicates(run: Callable[[str], Outcome]) -> None:
    outcome = run(module("""
  const rows = [{ title: "First", authorId: 1 }, { title: "Fourth", authorId: 1 }];
  const created = await prisma.post.createMany({ data: rows, skipDuplicates: true });
  const none = await prisma.post.createMany({ data: [] as typeof rows, skipDuplicates: true });
  return { created, none };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value == {"created": {"count": 1}, "none": {"count": 0}}


def test_connect_on_the_foreign_key_side(run: Callable[[str], Outcome]) -> None:
    """`author: { connect: { id } }` → authorId, after a read of the author: a missing author is P2025 as
    Prisma throws ("No record found for a nested connect"), not a foreign-key error (nor, on SQLite
    without foreign_keys, a dangling row); nothing is written then."""
    outcome = run(module("""
  const userId = 2;
  const created = await prisma.post.create({ data: { title: "Linked", author: { connect: { id: userId } } } });
  const moved = await prisma.post.update({ where: { id: 1 }, data: { author: { connect: { id: userId } } } });
  const ghost = { id: 99 };
  const missing = await caught(prisma.post.create({ data: { title: "Ghost", author: { connect: { id: ghost.id } } } }));
  const missingUpdate = await caught(prisma.post.update({ where: { id: 2 }, data: { author: { connect: { id: ghost.id } } } }));
  const withAuthor = await prisma.post.create({
    data: { title: "Shown", author: { connect: { id: 1 } } },
    include: { author: true },
  });
  const rows = await prisma.post.findMany({ orderBy: { id: "asc" } });
  return { created, moved, missing, missingUpdate, withAuthor, rows };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["missing"] == {"error": "P2025"}
    assert outcome.before.value["missingUpdate"] == {"error": "P2025"}
    assert outcome.before.value["moved"]["authorId"] == 2
    assert [r["title"] for r in outcome.before.value["rows"]] == ["First", "Second", "Third", "Linked", "Shown"]


def test_conditional_spreads_in_data(run: Callable[[str], Outcome]) -> None:
    """`...(cond && { … })` / `...(c ? { … } : { … })`: the literals' keys are known; a falsy condition
    adds nothing, a later `undefined` overrides (Prisma ignores it: the column keeps its value/default)."""
    outcome = run(module("""
  const name: string = "";
  const title: string | undefined = "Renamed";
  const a = await prisma.user.update({ where: { id: 2 }, data: { email: "b@example.com", ...(name && { name }) } });
  const b = await prisma.post.update({
    where: { id: 1 },
    data: { views: 9, ...(title ? { title } : { views: 0 }), ...(name === "" && { views: { increment: 1 } }) },
  });
  const c = await prisma.post.create({ data: { title: "New", authorId: 1, ...(title && { views: 4 }), views: undefined } });
  return { a, b, c };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["a"]["name"] is None
    assert outcome.before.value["b"] == {"id": 1, "title": "Renamed", "views": 6, "authorId": 1}  # 5 + 1: the increment wins
    assert outcome.before.value["c"]["views"] == 0


def test_write_with_relation_counts(run: Callable[[str], Outcome]) -> None:
    """include: { _count } on a write: the re-read's counts nested back as Prisma's `_count: { posts: n }`."""
    outcome = run(module("""
  const counted = await prisma.user.update({
    where: { id: 1 },
    data: { name: "Ada L." },
    include: { _count: { select: { posts: true } } },
  });
  const created = await prisma.user.create({ data: { email: "cyd@example.com" }, select: { email: true, _count: true } });
  return { counted, created };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["counted"]["_count"] == {"posts": 2}
    assert outcome.before.value["created"] == {"email": "cyd@example.com", "_count": {"posts": 0}}


def test_update_with_only_conditional_fields(run: Callable[[str], Outcome]) -> None:
    """Every field from a conditional spread → updateOrRead: with nothing to set Prisma only reads the
    row (no @updatedAt bump: the seed's date stays), P2025 when there is none; otherwise the update."""
    outcome = run(module("""
  const none: string = "";
  const body: string = "Changed";
  const kept = await prisma.doc.update({ where: { slug: "intro" }, data: { ...(none && { body: none }) } });
  const missing = await caught(prisma.user.update({ where: { id: 99 }, data: { ...(none && { name: none }) } }));
  const picked = await prisma.user.update({
    where: { id: 1 },
    data: { ...(none ? { name: none } : {}), email: undefined },
    select: { email: true },
  });
  const changed = await prisma.doc.update({ where: { slug: "intro" }, data: { ...(body && { body }) } });
  return { kept, missing, picked, changed: changed.body, bumped: new Date(changed.updatedAt).getTime() > Date.parse("2021-01-01") };"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["kept"]["updatedAt"] == "2020-01-01T00:00:00.000Z"
    assert outcome.before.value["missing"] == {"error": "P2025"}
    assert outcome.before.value["picked"] == {"email": "ada@example.com"}
    assert outcome.before.value["changed"] == "Changed" and outcome.before.value["bumped"] is True
