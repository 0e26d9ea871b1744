"""aggregate/groupBy (PD019/PD020), count with a `select` (PD014) and relation counts in select/include
(PD005) proven on real databases: each BEFORE module (Prisma Client 7) is converted by the rewrite
itself, and BEFORE and the converted AFTER (drizzle-orm) run against PostgreSQL and SQLite seeded the
same way (tests/rewrite_ts/equivalence.py); the results must be equal.

The schema is tests/fixtures/rewrite_ts/equivalence_aggregates: nullable Int and Float columns (NULLs
in sums and averages), an empty table (Prisma's `_sum` null and `_count` 0 over no rows), one-to-many
relations and a self-relation (a relation count whose inner table is the outer one).
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

CASES = FIXTURES / "rewrite_ts" / "equivalence_aggregates"
DIALECTS = ("postgresql", "sqlite")
OPTIONS = Options(drizzle_schema=f"drizzle:{CASES / 'postgresql' / 'drizzle' / 'schema.ts'}", drizzle_client="./db:db",
                  prisma_schema=str(CASES / "schema.prisma"), drizzle_schema_module="./schema",
                  compat_module="./prisma-compat")


@lru_cache(maxsize=1)
def names():
    from migrator.rewrite.typescript import mapping

    return mapping.load(OPTIONS.drizzle_schema, OPTIONS.prisma_schema, CASES)


def convert(tmp: Path, before: str, dialect: str = "postgresql") -> tuple[str, list]:
    """The rewrite's AFTER for a BEFORE module, and its findings. The names come from the PostgreSQL Drizzle
    schema (the SQLite one has the same names); the dialect is the run's (raw SQL parameters differ)."""
    import dataclasses

    result = equivalence.convert_module(tmp, before, OPTIONS, dataclasses.replace(names(), dialect=dialect))
    assert result.status == "changed", result.reason
    return result.new_text, result.findings


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return equivalence.harness_workdir(tmp_path_factory, "equivalence_aggregates")


@pytest.fixture(params=DIALECTS)
def run(request: pytest.FixtureRequest, workdir: Path, tmp_path: Path) -> Callable[..., Outcome]:
    dialect = request.param
    new_database = request.getfixturevalue("pg_database") if dialect == "postgresql" else None

    def run_case(before: str, ignore_order: bool = False, findings: tuple[str, ...] = ()) -> Outcome:
        after, found = convert(tmp_path, before, dialect)
        assert [f.code for f in found] == list(findings), found
        assert "prisma." not in after, after
        case = Case.from_dir(CASES, dialect, before=before, after=after, ignore_order=ignore_order)
        return equivalence.run_converted(case, dialect, workdir, new_database)

    run_case.dialect = dialect  # type: ignore[attr-defined]
    return run_case


def module(body: str) -> str:
    return f'import {{ prisma }} from "./prisma";\n\nexport default async function main() {{\n{body}\n}}\n'


def test_aggregate_with_nulls_and_over_no_rows(run: Callable[..., Outcome]) -> None:
    outcome = run(module("""
  const all = await prisma.book.aggregate({
    _count: { _all: true, pages: true, rating: true },
    _sum: { pages: true, rating: true },
    _avg: { pages: true, rating: true },
    _min: { pages: true, title: true },
    _max: { rating: true, title: true },
  });
  const some = await prisma.book.aggregate({ where: { authorId: 1 }, _sum: { pages: true, rating: true }, _count: true });
  const empty = await prisma.empty.aggregate({
    _count: { _all: true, n: true },
    _sum: { n: true },
    _avg: { n: true },
    _min: { n: true },
    _max: { n: true },
  });
  const none = await prisma.book.aggregate({ where: { title: "missing" }, _sum: { pages: true }, _count: true });
  const counted = await prisma.book.count({ select: { _all: true, pages: true } });
  const countedNone = await prisma.empty.count({ select: { _all: true, n: true } });
  const bigAverage = await prisma.tally.aggregate({ _avg: { amount: true }, _count: { amount: true } });
  return { all, some, empty, none, counted, countedNone, bigAverage };"""))
    assert outcome.equal, outcome.explain()
    value = outcome.before.value
    assert value["empty"] == {"_count": {"_all": 0, "n": 0}, "_sum": {"n": None}, "_avg": {"n": None},
                              "_min": {"n": None}, "_max": {"n": None}}
    assert value["all"]["_sum"] == {"pages": 357, "rating": 9.25}
    assert value["counted"] == {"_all": 5, "pages": 3}
    assert value["bigAverage"] == {"_avg": {"amount": 4.5 if run.dialect == "postgresql" else 6.5}, "_count": {"amount": 2}}  # type: ignore[attr-defined]


def test_group_by_counts_sums_and_orders(run: Callable[..., Outcome]) -> None:
    outcome = run(module("""
  const counts = await prisma.book.groupBy({
    by: ["authorId"],
    where: { authorId: { in: [1, 2] } },
    _count: { id: true, pages: true },
    _sum: { pages: true },
    _avg: { rating: true },
    orderBy: { authorId: "asc" },
  });
  const byCount = await prisma.review.groupBy({
    by: ["bookId"],
    _count: { _all: true },
    _max: { stars: true },
    orderBy: [{ _count: { id: "desc" } }],
  });
  const withNullGroup = await prisma.book.groupBy({ by: "authorId", _count: true, _min: { pages: true } });
  const noGroups = await prisma.empty.groupBy({ by: ["n"], _count: { id: true } });
  return { counts, byCount, withNullGroup: withNullGroup.sort((a, b) => (a.authorId ?? 0) - (b.authorId ?? 0)), noGroups };"""))
    assert outcome.equal, outcome.explain()
    value = outcome.before.value
    assert value["counts"][0] == {"authorId": 1, "_count": {"id": 2, "pages": 1}, "_sum": {"pages": 100},
                                  "_avg": {"rating": 4.5}}
    assert value["byCount"][0] == {"bookId": 1, "_count": {"_all": 3}, "_max": {"stars": 5}}
    assert value["noGroups"] == []


def test_relation_counts_in_select_and_include(run: Callable[..., Outcome]) -> None:
    """`_count` of relations → a correlated count in `extras`, nested back as `_count: { relation: n }`;
    zero where no row relates; the self-relation counts the children, not the row itself."""
    outcome = run(module("""
  const books = await prisma.book.findMany({
    select: { id: true, title: true, _count: { select: { reviews: true } } },
    orderBy: { id: "asc" },
  });
  const authors = await prisma.author.findMany({ include: { _count: true }, orderBy: { id: "asc" } });
  const folders = await prisma.folder.findMany({ select: { name: true, _count: { select: { children: true } } }, orderBy: { id: "asc" } });
  const one = await prisma.book.findUnique({ where: { id: 1 }, include: { _count: { select: { reviews: true } }, author: true } });
  const missing = await prisma.book.findUnique({ where: { id: 99 }, select: { _count: true } });
  const only = await prisma.author.findUniqueOrThrow({ where: { id: 3 }, select: { _count: { select: { books: true } } } });
  const filtered = await prisma.book.findMany({
    select: { title: true, _count: { select: { reviews: { where: { stars: { gte: 4 } } } } } },
    orderBy: { id: "asc" },
  });
  const subfolders = await prisma.folder.findMany({
    where: { parentId: null },
    include: { _count: { select: { children: { where: { name: { startsWith: "a" } } } } } },
    orderBy: { id: "asc" },
  });
  return { books, authors, folders, one, missing, only, filtered, subfolders };"""))
    assert outcome.equal, outcome.explain()
    value = outcome.before.value
    assert value["books"][0] == {"id": 1, "title": "One", "_count": {"reviews": 3}}
    assert [f["_count"]["children"] for f in value["folders"]] == [2, 1, 0, 0, 0]
    assert value["only"] == {"_count": {"books": 0}}
    assert [b["_count"]["reviews"] for b in value["filtered"]] == [2, 0, 0, 0, 0]
    assert [f["_count"]["children"] for f in value["subfolders"]] == [1, 0]


RAW = """
  const kinds = (rows: any) => rows.map((row: any) => Object.fromEntries(Object.entries(row).map(([k, v]) =>
    [k, v instanceof Date ? "Date" : typeof v])));
  const ids = [1, 3];
  const plain = await prisma.$queryRaw`SELECT id, title, pages FROM books WHERE id = ANY(${ids}) ORDER BY id`;
  const counted = await prisma.$queryRaw`SELECT author_id, COUNT(*) AS n FROM books WHERE title <> ${"x"} GROUP BY author_id ORDER BY author_id NULLS FIRST`;
  const dated = await prisma.$queryRaw`SELECT CAST('2024-01-02 03:04:05.678' AS timestamp) AS at, CAST('2024-01-02 03:04:05.678+02' AS timestamptz) AS tz, CAST('2024-01-02' AS date) AS day`;
  const changed = await prisma.$executeRaw`UPDATE books SET pages = 1 WHERE author_id = ${1}`;
  const none = await prisma.$executeRaw`DELETE FROM reviews WHERE stars > ${10}`;
  await prisma.$queryRaw`SELECT 1`;
  // A Date parameter is its UTC time, whatever the process's time zone (node-postgres alone would send
  // local time with an offset, which a timestamp without time zone reads without the offset).
  process.env.TZ = "America/New_York";
  const at = new Date("2024-01-02T03:30:00Z");
  const compared = await prisma.$queryRaw`SELECT CAST('2024-01-02 03:00:00' AS timestamp) >= ${at} AS later, CAST('2024-01-02 03:30:00+00' AS timestamptz) = ${at} AS same`;
  return { plain, counted, kinds: [kinds(plain), kinds(counted), kinds(dated)], dated, changed, none, compared };"""


@pytest.mark.parametrize("run", ["postgresql"], indirect=True)
def test_raw_queries_return_prisma_s_rows_and_counts(run: Callable[..., Outcome]) -> None:
    """$queryRaw → queryRaw(db, sql`…`): the rows array, an array parameter bound as one array (ANY), bigint
    (count(*)) as BigInt and timestamp/timestamptz/date as Date as Prisma gives them (node-postgres);
    $executeRaw → executeRaw: the number of rows changed."""
    outcome = run(module(RAW), findings=("PD022", "PD022", "PD022", "PD022"))
    assert outcome.equal, outcome.explain()
    value = outcome.before.value
    assert value["kinds"][1][0] == {"author_id": "object", "n": "bigint"}
    assert value["kinds"][2][0] == {"at": "Date", "tz": "Date", "day": "Date"}
    assert value["changed"] == 2 and value["none"] == 0
    assert value["compared"] == [{"later": False, "same": True}]


@pytest.mark.parametrize("run", ["sqlite"], indirect=True)
def test_raw_queries_on_sqlite(run: Callable[..., Outcome]) -> None:
    """SQLite (better-sqlite3's db.all/db.run): plain columns and counts of rows changed are Prisma's; a
    Date parameter is bound as Prisma's ISO text, a boolean as 1 (better-sqlite3 binds neither)."""
    outcome = run(module("""
  const plain = await prisma.$queryRaw`SELECT id, title, pages, rating FROM books WHERE id IN (${1}, ${3}) ORDER BY id`;
  const changed = await prisma.$executeRaw`UPDATE books SET pages = 1 WHERE author_id = ${1}`;
  const at = new Date("2024-01-02T03:30:00Z");
  const yes = true;
  const bound = await prisma.$queryRaw`SELECT ${at} AS at, ${yes} AS yes`;
  return { plain, changed, bound };"""), findings=("PD022", "PD022"))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["changed"] == 2


@pytest.mark.parametrize("run", ["postgresql"], indirect=True)
def test_raw_and_group_by_inside_a_transaction(run: Callable[..., Outcome]) -> None:
    """`tx.$executeRaw` and `tx.book.groupBy` in `$transaction(async (tx) => …)` run on Drizzle's `tx`
    (PostgreSQL: the rewrite refuses transactions on SQLite)."""
    outcome = run(module("""
  return prisma.$transaction(async (tx) => {
    const n = await tx.$executeRaw`UPDATE books SET pages = ${2} WHERE author_id IS NOT NULL`;
    const groups = await tx.book.groupBy({ by: ["authorId"], _sum: { pages: true }, orderBy: { authorId: "asc" } });
    return { n, groups };
  });"""))
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["n"] == 4


def test_relation_counts_inside_relations(run: Callable[..., Outcome]) -> None:
    """`_count` in a relation's select/include of a read: the extras sit in the relation's config and the
    rows are reshaped at that path (a list relation's rows, a to-one relation's row or null)."""
    outcome = run(module("""
  const authors = await prisma.author.findMany({
    include: { books: { select: { title: true, _count: { select: { reviews: true } } }, orderBy: { id: "asc" } } },
    orderBy: { id: "asc" },
  });
  const reviews = await prisma.review.findMany({
    include: { book: { include: { _count: { select: { reviews: { where: { stars: { lt: 5 } } } } } } } },
    orderBy: { id: "asc" },
  });
  const folders = await prisma.folder.findMany({
    select: { name: true, parent: { select: { name: true, _count: { select: { children: true } } } }, _count: true },
    orderBy: { id: "asc" },
  });
  const one = await prisma.book.findUniqueOrThrow({
    where: { id: 3 },
    include: { author: { include: { _count: true } }, _count: { select: { reviews: true } } },
  });
  return { authors, reviews, folders, one };"""))
    assert outcome.equal, outcome.explain()
    value = outcome.before.value
    assert value["authors"][0]["books"] == [{"title": "One", "_count": {"reviews": 3}},
                                            {"title": "Two", "_count": {"reviews": 0}}]
    assert value["folders"][0]["parent"] is None and value["folders"][1]["parent"]["_count"] == {"children": 2}
    assert value["one"]["author"]["_count"] == {"books": 2}
