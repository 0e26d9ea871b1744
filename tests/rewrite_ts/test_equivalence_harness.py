"""The Prisma → Drizzle equivalence harness (tests/rewrite_ts/equivalence.py) on real databases.

Hand-written BEFORE (Prisma Client 7, driver adapters) and AFTER (drizzle-orm) snippets on the
schema in tests/fixtures/rewrite_ts/equivalence, run against PostgreSQL and SQLite: the pairs
that mean the same thing compare equal, and pairs that do not are reported with a diff. Skips
only when Node.js is absent; with Node.js present and tests/node_prisma not installed it fails.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.rewrite_ts import equivalence
from tests.rewrite_ts.equivalence import Case, Outcome, prisma_schema_for, run_equivalence, same

CASES = FIXTURES / "rewrite_ts" / "equivalence"
DIALECTS = ("postgresql", "sqlite")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the module: each (dialect, schema) is generated once and shared by the cases."""
    return equivalence.harness_workdir(tmp_path_factory, "equivalence")


@pytest.fixture(params=DIALECTS)
def run(request: pytest.FixtureRequest, workdir: Path) -> Callable[..., Outcome]:
    dialect = request.param
    new_database = request.getfixturevalue("pg_database") if dialect == "postgresql" else None

    def run_case(before: str, after: str, *, sqlite_after: str | None = None) -> Outcome:
        case = Case.from_dir(CASES, dialect, before=before, after=sqlite_after if dialect == "sqlite" and sqlite_after else after)
        return run_equivalence(case, dialect, workdir, new_database=new_database)

    return run_case


def test_find_many_with_where(run: Callable[..., Outcome]) -> None:
    outcome = run(
        'prisma.user.findMany({ where: { email: "ada@example.com" } })',
        'db.select().from(users).where(eq(users.email, "ada@example.com"))',
    )
    assert outcome.equal, outcome.explain()
    assert outcome.before.value == [
        {"id": 1, "email": "ada@example.com", "name": "Ada", "createdAt": "2024-01-02T03:04:05.678Z"}
    ]


def test_find_unique_returning_null(run: Callable[..., Outcome]) -> None:
    outcome = run(
        'prisma.user.findUnique({ where: { email: "nobody@example.com" } })',
        '(await db.select().from(users).where(eq(users.email, "nobody@example.com")).limit(1))[0] ?? null',
    )
    assert outcome.equal, outcome.explain()
    assert outcome.before.value is None


def test_create_returning_the_row(run: Callable[..., Outcome]) -> None:
    # Each side gets its own freshly seeded database, so both inserts get id 4.
    outcome = run(
        'prisma.user.create({ data: { email: "dee@example.com", name: "Dee", createdAt: new Date("2024-05-06T07:08:09.123Z") } })',
        "const [row] = await db.insert(users)"
        '.values({ email: "dee@example.com", name: "Dee", createdAt: new Date("2024-05-06T07:08:09.123Z") }).returning();\n'
        "return row;",
        # The SQLite Drizzle schema keeps dates as ISO text.
        sqlite_after="const [row] = await db.insert(users)"
        '.values({ email: "dee@example.com", name: "Dee", createdAt: "2024-05-06T07:08:09.123Z" }).returning();\n'
        "return row;",
    )
    assert outcome.equal, outcome.explain()
    assert outcome.before.value == {"id": 4, "email": "dee@example.com", "name": "Dee", "createdAt": "2024-05-06T07:08:09.123Z"}


def test_module_snippets(workdir: Path, pg_database: Callable[[], str]) -> None:
    # The module form: `export default` an async function, importing the harness's ./prisma, ./db, ./schema.
    before = (
        'import { prisma } from "./prisma";\n'
        "export default async function () {\n"
        '  return prisma.user.findFirst({ where: { name: null }, select: { email: true } });\n'
        "}\n"
    )
    after = (
        'import { isNull } from "drizzle-orm";\n'
        'import { db } from "./db";\n'
        'import { users } from "./schema";\n'
        "export default async function () {\n"
        "  const rows = await db.select({ email: users.email }).from(users).where(isNull(users.name)).limit(1);\n"
        "  return rows[0] ?? null;\n"
        "}\n"
    )
    outcome = run_equivalence(Case.from_dir(CASES, "postgresql", before=before, after=after), "postgresql", workdir, new_database=pg_database)
    assert outcome.equal, outcome.explain()
    assert outcome.after.value == {"email": "bob@example.com"}


def test_decimals_compare_by_value_and_bigints_as_strings(workdir: Path, pg_database: Callable[[], str]) -> None:
    # Prisma's Decimal prints "9.5", drizzle-orm returns numeric(65,30) as the server's text; BigInt is a string on both sides.
    case = Case.from_dir(
        CASES,
        "postgresql",
        before='prisma.post.findMany({ where: { authorId: 1 }, orderBy: { id: "asc" } })',
        after="db.select().from(posts).where(eq(posts.authorId, 1)).orderBy(posts.id)",
    )
    outcome = run_equivalence(case, "postgresql", workdir, new_database=pg_database)
    assert outcome.equal, outcome.explain()
    assert outcome.before.value[0]["price"] == "9.5"
    assert outcome.after.value[0]["price"] == "9.500000000000000000000000000000"
    assert outcome.before.value[0]["views"] == outcome.after.value[0]["views"] == "9007199254740993"


def test_a_change_of_type_is_reported(workdir: Path) -> None:
    # Drizzle's SQLite integer has no bigint mode: Prisma's BigInt (a string) comes back as a number.
    case = Case.from_dir(
        CASES,
        "sqlite",
        before='prisma.post.findMany({ where: { authorId: 1 }, orderBy: { id: "asc" } })',
        after="db.select().from(posts).where(eq(posts.authorId, 1)).orderBy(posts.id)",
    )
    outcome = run_equivalence(case, "sqlite", workdir)
    assert not outcome.equal
    assert '-    "views": "0"' in outcome.explain() and '+    "views": 0' in outcome.explain()


def test_an_exception_is_a_result_not_a_crash(workdir: Path) -> None:
    case = Case.from_dir(
        CASES,
        "sqlite",
        before='prisma.user.findUniqueOrThrow({ where: { email: "nobody@example.com" } })',
        after='(await db.select().from(users).where(eq(users.email, "nobody@example.com")))[0]',
    )
    outcome = run_equivalence(case, "sqlite", workdir)
    assert not outcome.equal
    assert outcome.before.error is not None and outcome.after.ok and outcome.after.value is None
    assert "threw" in outcome.explain()


def test_same_and_schema_rewriting_without_node() -> None:
    assert same({"a": "9.5", "b": [1, None]}, {"b": [1, None], "a": "9.500"})
    assert not same({"a": "1"}, {"a": 1})
    assert not same([True], [1])
    assert not same({"a": "x"}, {"a": "x", "b": None})
    schema = prisma_schema_for((CASES / "schema.prisma").read_text(), "sqlite")
    assert 'provider = "sqlite"' in schema and "prisma-client-js" not in schema and "env(" not in schema
    assert 'provider     = "prisma-client"' in schema and "model Post {" in schema
