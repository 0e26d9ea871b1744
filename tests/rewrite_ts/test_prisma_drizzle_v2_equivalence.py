"""Reads converted for drizzle-orm 1.0 (relational queries v2: object `where`/`orderBy`, relations from
`defineRelations`) proven on real databases: each BEFORE module (Prisma Client 7) is converted by the
rewrite itself, the project's package.json depending on drizzle-orm ^1.0.0-beta.24 (so the version is
found as a real run finds it), and BEFORE and AFTER run on PostgreSQL and SQLite seeded the same way
(tests/rewrite_ts/equivalence.py), the AFTER side on drizzle-orm 1.0.0-beta.24 (tests/node_drizzle_v2).

The tables and data are tests/fixtures/rewrite_ts/equivalence_relations' (its Drizzle schema declared with
defineRelations in tests/fixtures/rewrite_ts/equivalence_v2): a nullable foreign key, a self-relation, a
one-to-one back side, an implicit many-to-many and a compound foreign key, NULLs in filtered columns
and in related rows — where `not`, `every`, `isNot` and `is: null` differ from a naive translation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pytest

from migrator.rewrite.typescript.engine import Options
from tests.conftest import FIXTURES
from tests.rewrite_ts import equivalence
from tests.rewrite_ts.equivalence import Case, Outcome

# The tables, data and Prisma schema of the relation-filter cases; only the Drizzle schema is v2's own.
CASES = FIXTURES / "rewrite_ts" / "equivalence_relations"
DRIZZLE_V2 = FIXTURES / "rewrite_ts" / "equivalence_v2"
DIALECTS = ("postgresql", "sqlite")
OPTIONS = Options(drizzle_schema=f"drizzle:{DRIZZLE_V2 / 'postgresql' / 'drizzle' / 'schema.ts'}", drizzle_client="./db:db",
                  prisma_schema=str(CASES / "schema.prisma"), drizzle_schema_module="./schema",
                  compat_module="./prisma-compat")
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
    package = '{"name": "eq", "private": true, "dependencies": {"drizzle-orm": "^1.0.0-beta.24"}}\n'
    result = equivalence.convert_module(tmp, before, OPTIONS, names(), package_json=package)
    assert result.status == "changed", result.reason
    return result.new_text, result.findings


def module(body: str) -> str:
    return f'import {{ prisma }} from "./prisma";\n{CAUGHT}\nexport default async function main() {{\n{body}\n}}\n'


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return equivalence.harness_workdir(tmp_path_factory, "equivalence_v2", drizzle_v2=True)


@pytest.fixture(params=DIALECTS)
def run(request: pytest.FixtureRequest, workdir: Path, tmp_path: Path) -> Callable[[str], Outcome]:
    dialect = request.param
    new_database = request.getfixturevalue("pg_database") if dialect == "postgresql" else None

    def run_case(body: str) -> Outcome:
        after, findings = convert(tmp_path, module(body))
        assert findings == [], findings
        assert "prisma." not in after, after
        # v2: object where/orderBy, never 0.x's callbacks (drizzle-orm 1.0 would read a function as no filter)
        assert "where: (" not in after and "orderBy: (" not in after, after
        case = Case.from_dir(CASES, dialect, before=module(body), after=after, drizzle_v2=True, drizzle_root=DRIZZLE_V2)
        return equivalence.run_converted(case, dialect, workdir, new_database)

    run_case.dialect = dialect  # type: ignore[attr-defined]
    return run_case


def test_column_filters_and_nulls(run: Callable[[str], Outcome]) -> None:
    outcome = run("""
  const none: string | null = null;
  const bob: string | null = "Bob";
  const skip: string | undefined = undefined;
  const since = 3;
  function f(v: string | null): string | null { return v; }
  return {
    viaCall: await prisma.user.findMany({ where: { name: f(null) }, orderBy: { id: "asc" } }),
    notViaCall: await prisma.user.findMany({ where: { name: { not: f("Ada") } }, orderBy: { id: "asc" } }),
    keyViaCall: await prisma.user.findUnique({ where: { email: f("cyd@example.com") ?? undefined } }),
    eq: await prisma.user.findMany({ where: { email: "ada@example.com" } }),
    isNull: await prisma.user.findMany({ where: { name: null }, orderBy: { id: "asc" } }),
    notNull: await prisma.user.findMany({ where: { name: { not: null } }, orderBy: { id: "asc" } }),
    notAda: await prisma.user.findMany({ where: { name: { not: "Ada" } }, orderBy: { id: "asc" } }),
    varNull: await prisma.user.findMany({ where: { name: none }, orderBy: { id: "asc" } }),
    varValue: await prisma.user.findMany({ where: { name: bob }, orderBy: { id: "asc" } }),
    notVarNull: await prisma.user.findMany({ where: { name: { not: none } }, orderBy: { id: "asc" } }),
    equalsVar: await prisma.post.findMany({ where: { views: { equals: since } } }),
    skipped: await prisma.user.findMany({ where: { name: skip, email: { gt: skip } }, orderBy: { id: "asc" } }),
    ins: await prisma.post.findMany({ where: { id: { in: [1, 3, 9] }, views: { notIn: [3] } }, orderBy: { id: "asc" } }),
    inEmpty: await prisma.post.findMany({ where: { id: { in: [] } } }),
    notInEmpty: await prisma.post.count({ where: { id: { notIn: [] } } }),
    range: await prisma.post.findMany({ where: { views: { gte: 3, lt: 50 } }, orderBy: { id: "asc" } }),
    like: await prisma.post.findMany({ where: { title: { startsWith: "H" } } }),
    ends: await prisma.user.findMany({ where: { email: { endsWith: "@example.com", contains: "d" } }, orderBy: { id: "desc" } }),
    twice: await prisma.post.findMany({ where: { views: { gt: 1 }, AND: { views: { lt: 20 } } }, orderBy: { id: "asc" } }),
  };""")
    assert outcome.equal, outcome.explain()
    assert [u["email"] for u in outcome.before.value["varNull"]] == ["bob@example.com"]
    assert outcome.before.value["inEmpty"] == [] and outcome.before.value["notInEmpty"] == 6


def test_logic(run: Callable[[str], Outcome]) -> None:
    outcome = run("""
  const q: string | undefined = undefined;
  const cyd: string | undefined = "Cyd";
  return {
    or: await prisma.user.findMany({ where: { OR: [{ name: "Ada" }, { managerId: 1, name: null }] }, orderBy: { id: "asc" } }),
    orSkipped: await prisma.user.findMany({ where: { OR: [{ email: q }, { name: "Cyd" }] }, orderBy: { id: "asc" } }),
    orNone: await prisma.user.findMany({ where: { OR: [{ email: q }, { name: q }] } }),
    orOne: await prisma.user.findMany({ where: { OR: [{ email: q }, { name: cyd }] } }),
    notOrNone: (await prisma.user.findMany({ where: { NOT: { OR: [{ email: q }] } } })).length,
    and: await prisma.post.findMany({ where: { AND: [{ views: { gt: 2 } }, { authorId: { not: 3 } }] }, orderBy: { id: "asc" } }),
    not: await prisma.post.findMany({ where: { NOT: { views: { gt: 5 } } }, orderBy: { id: "asc" } }),
    notMany: await prisma.post.findMany({ where: { NOT: [{ views: 10 }, { authorId: 2 }] }, orderBy: { id: "asc" } }),
    byKey: await prisma.team.findUnique({ where: { tenantId_code: { tenantId: 1, code: "blue" } } }),
  };""")
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["orNone"] == [] and outcome.before.value["notOrNone"] == 4
    assert [u["name"] for u in outcome.before.value["orOne"]] == ["Cyd"]


def test_relation_filters(run: Callable[[str], Outcome]) -> None:
    outcome = run("""
  return {
    some: await prisma.user.findMany({ where: { posts: { some: { views: { gt: 5 } } } }, orderBy: { id: "asc" } }),
    none: await prisma.user.findMany({ where: { posts: { none: { views: { gt: 5 } } } }, orderBy: { id: "asc" } }),
    noneAll: await prisma.user.findMany({ where: { posts: { none: {} } }, orderBy: { id: "asc" } }),
    every: await prisma.user.findMany({ where: { posts: { every: { views: { gt: 5 } } } }, orderBy: { id: "asc" } }),
    is: await prisma.post.findMany({ where: { author: { is: { name: "Ada" } } }, orderBy: { id: "asc" } }),
    shorthand: await prisma.post.findMany({ where: { author: { name: null } }, orderBy: { id: "asc" } }),
    isNot: await prisma.post.findMany({ where: { author: { isNot: { name: "Ada" } } }, orderBy: { id: "asc" } }),
    noAuthor: await prisma.post.findMany({ where: { author: null }, orderBy: { id: "asc" } }),
    hasAuthor: await prisma.post.findMany({ where: { author: { isNot: null } }, orderBy: { id: "asc" } }),
    noProfile: await prisma.user.findMany({ where: { profile: { is: null } }, orderBy: { id: "asc" } }),
    managed: await prisma.user.findMany({ where: { manager: { email: "ada@example.com" } }, orderBy: { id: "asc" } }),
    tagged: await prisma.post.findMany({ where: { tags: { some: { name: "tech" } } }, orderBy: { id: "asc" } }),
    untagged: await prisma.post.findMany({ where: { tags: { none: {} } }, orderBy: { id: "asc" } }),
    deep: await prisma.comment.findMany({ where: { post: { author: { profile: { isNot: null } } } }, orderBy: { id: "asc" } }),
    teamNamed: await prisma.member.findMany({ where: { team: { is: { name: { not: null } } } }, orderBy: { id: "asc" } }),
  };""")
    assert outcome.equal, outcome.explain()
    # NULL views in related rows: `every` keeps ada (views 10, NULL) — NOT (NULL > 5) is not true.
    assert [u["email"] for u in outcome.before.value["every"]] == ["ada@example.com", "cyd@example.com", "dan@example.com"]


def test_shapes_orders_and_pages(run: Callable[[str], Outcome]) -> None:
    outcome = run("""
  return {
    nested: await prisma.user.findMany({
      select: {
        email: true,
        posts: { where: { views: { not: null } }, orderBy: { views: "desc" }, take: 1, select: { title: true, tags: true } },
        profile: { select: { bio: true } },
        manager: true,
      },
      orderBy: { id: "asc" },
    }),
    include: await prisma.post.findMany({ include: { author: true, comments: true }, orderBy: [{ authorId: "asc" }, { id: "desc" }], skip: 1, take: 3 }),
    counts: await prisma.user.findMany({ select: { email: true, _count: { select: { posts: true, reports: { where: { name: { not: null } } } } } }, orderBy: { id: "asc" } }),
    countsInclude: await prisma.post.findFirst({ where: { id: 1 }, include: { _count: { select: { comments: true } } } }),
    nestedCounts: await prisma.user.findMany({ select: { email: true, posts: { select: { title: true, _count: { select: { comments: true } } }, orderBy: { id: "asc" } } }, orderBy: { id: "asc" } }),
    onlyRelations: await prisma.user.findMany({ select: { posts: { select: { title: true }, orderBy: { id: "asc" } } }, orderBy: { id: "asc" } }),
    first: await prisma.post.findFirst({ where: { title: { contains: "i" } }, orderBy: { id: "desc" } }),
    missing: await prisma.user.findUnique({ where: { email: "nobody@example.com" } }),
    orThrow: await caught(prisma.user.findUniqueOrThrow({ where: { email: "nobody@example.com" } })),
    found: await prisma.user.findFirstOrThrow({ where: { email: "cyd@example.com" }, include: { posts: true } }),
  };""")
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["orThrow"] == {"error": "P2025"}


def test_counts_and_writes_under_drizzle_1(run: Callable[[str], Outcome]) -> None:
    """The write rules' query builder chains are the same for drizzle-orm 1.0 (only the reads differ)."""
    outcome = run("""
  const renamed = await prisma.user.update({ where: { email: "dan@example.com" }, data: { name: "Daniel" } });
  const removed = await prisma.comment.deleteMany({ where: { body: null } });
  return {
    renamed,
    removed,
    count: await prisma.post.count({ where: { views: { gt: 5 } } }),
    updatedWith: await prisma.post.update({ where: { id: 1 }, data: { views: 11 }, include: { comments: { where: { body: { not: null } } }, tags: true } }),
    createdWith: await prisma.user.create({ data: { email: "eve@example.com" }, select: { email: true, posts: true, profile: true } }),
    deletedWith: await prisma.comment.delete({ where: { id: 3 }, include: { post: { select: { title: true } } } }),
    missingWith: await caught(prisma.comment.delete({ where: { id: 99 }, include: { post: true } })),
    after: await prisma.user.findMany({ where: { name: { startsWith: "D" } } }),
  };""")
    assert outcome.equal, outcome.explain()


def test_a_unique_key_that_is_undefined_is_never_another_row(run: Callable[[str], Outcome]) -> None:
    """findUnique with its key undefined at run time: Prisma throws a validation error; drizzle-orm 1.0 would
    drop the condition and return the first row, the converted query returns null (no row) — the one
    difference left, as for the v1 writer."""
    outcome = run("""
  const params: { id?: number } = {};
  return { row: await caught(prisma.user.findUnique({ where: { id: params.id } })) };""")
    assert not outcome.equal
    assert outcome.before.value["row"]["error"] == "PrismaClientValidationError"
    assert outcome.after.value == {"row": None}
