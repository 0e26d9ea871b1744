"""Relation filters (PD018) proven on real databases: each BEFORE module (Prisma Client 7) is converted
by the rewrite itself, against the dialect's own Drizzle schema (`alias` comes from pg-core or
sqlite-core), and BEFORE and AFTER run on PostgreSQL and SQLite seeded the same way
(tests/rewrite_ts/equivalence.py); the results must be equal.

The schema is tests/fixtures/rewrite_ts/equivalence_relations: a nullable foreign key, a
self-relation, a one-to-one back side, an implicit many-to-many and a compound foreign key; the seed
has rows with no related rows, NULL foreign keys and NULL values inside the related conditions —
where `every`, `none` and `isNot` differ from a naive translation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pytest

from migrator.rewrite.typescript.engine import Options, rewrite_paths
from tests.conftest import FIXTURES
from tests.rewrite_ts import equivalence
from tests.rewrite_ts.equivalence import Case, Outcome

CASES = FIXTURES / "rewrite_ts" / "equivalence_relations"
DIALECTS = ("postgresql", "sqlite")


# The names come from the PostgreSQL Drizzle schema (whose namespace matches the Prisma schema's); the
# SQLite one exports the same names, and only the dialect differs: where `alias` is imported from.
OPTIONS = Options(drizzle_schema=f"drizzle:{CASES / 'postgresql' / 'drizzle' / 'schema.ts'}", drizzle_client="./db:db",
                  prisma_schema=str(CASES / "schema.prisma"), drizzle_schema_module="./schema",
                  compat_module="./prisma-compat")


@lru_cache(maxsize=2)
def names(dialect: str):
    import dataclasses

    from migrator.rewrite.typescript import mapping

    found = mapping.load(OPTIONS.drizzle_schema, OPTIONS.prisma_schema, CASES)
    return dataclasses.replace(found, dialect=dialect)


def convert(tmp: Path, before: str, dialect: str) -> tuple[str, list]:
    result = equivalence.convert_module(tmp, before, OPTIONS, names(dialect))
    assert result.status == "changed", result.reason
    return result.new_text, result.findings


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return equivalence.harness_workdir(tmp_path_factory, "equivalence_relations")


@pytest.fixture(params=DIALECTS)
def run(request: pytest.FixtureRequest, workdir: Path, tmp_path: Path) -> Callable[[str], Outcome]:
    dialect = request.param
    new_database = request.getfixturevalue("pg_database") if dialect == "postgresql" else None

    def run_case(body: str) -> Outcome:
        after, findings = convert(tmp_path, module(body), dialect)
        assert findings == [], findings
        assert "prisma." not in after, after
        core = "drizzle-orm/pg-core" if dialect == "postgresql" else "drizzle-orm/sqlite-core"
        assert f'import {{ alias }} from "{core}";' in after, after
        case = Case.from_dir(CASES, dialect, before=module(body), after=after)
        return equivalence.run_converted(case, dialect, workdir, new_database)

    return run_case


def module(body: str) -> str:
    return f'import {{ prisma }} from "./prisma";\n\nexport default async function main() {{\n{body}\n}}\n'


def ids(rows: str) -> str:
    return f"(await {rows}).map((r) => r.id)"


def test_to_many_some_none_every(run: Callable[[str], Outcome]) -> None:
    """NULL views inside the condition: `every: { views: { gt: 5 } }` keeps an author whose post has NULL
    views (NOT NULL is NULL: that post is no counterexample); a user with no posts has every and none."""
    outcome = run(f"""
  return {{
    some: {ids('prisma.user.findMany({ where: { posts: { some: { views: { gt: 5 } } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    none: {ids('prisma.user.findMany({ where: { posts: { none: { views: { gt: 5 } } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    every: {ids('prisma.user.findMany({ where: { posts: { every: { views: { gt: 5 } } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    everyTwo: {ids('prisma.user.findMany({ where: { posts: { every: { views: { gt: 5 }, title: { not: "Big" } } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    everyNotNull: {ids('prisma.user.findMany({ where: { posts: { every: { NOT: { views: null } } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    someEmpty: {ids('prisma.user.findMany({ where: { posts: { some: {} } }, select: { id: true }, orderBy: { id: "asc" } })')},
    noneEmpty: {ids('prisma.user.findMany({ where: { posts: { none: {} } }, select: { id: true }, orderBy: { id: "asc" } })')},
    everyEmpty: {ids('prisma.user.findMany({ where: { posts: { every: {} } }, select: { id: true }, orderBy: { id: "asc" } })')},
    someAndNone: {ids('prisma.user.findMany({ where: { posts: { some: { views: null }, none: { views: { lt: 5 } } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    nested: {ids('prisma.user.findMany({ where: { posts: { some: { comments: { every: { body: { not: null } } } } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    notSome: {ids('prisma.user.findMany({ where: { NOT: { posts: { some: { views: null } } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    or: {ids('prisma.user.findMany({ where: { OR: [{ profile: null }, { posts: { every: { views: { gte: 10 } } } }] }, select: { id: true }, orderBy: { id: "asc" } })')},
    selfSome: {ids('prisma.user.findMany({ where: { reports: { some: { name: null } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    compoundNone: await prisma.team.findMany({{ where: {{ members: {{ none: {{ name: "m1" }} }} }}, select: {{ tenantId: true, code: true }}, orderBy: [{{ tenantId: "asc" }}, {{ code: "asc" }}] }}),
    withWhere: await prisma.user.findMany({{
      where: {{ id: {{ lte: 3 }} }},
      select: {{ id: true, posts: {{ where: {{ comments: {{ some: {{}} }} }}, select: {{ id: true }}, orderBy: {{ id: "asc" }} }} }},
      orderBy: {{ id: "asc" }},
    }}),
  }};""")
    assert outcome.equal, outcome.explain()
    value = outcome.before.value
    assert value["every"] == [1, 3, 4] and value["none"] == [2, 4] and value["everyEmpty"] == [1, 2, 3, 4]
    assert value["everyNotNull"] == [3, 4] and value["nested"] == [1, 2, 3]


def test_to_one_is_is_not_and_null(run: Callable[[str], Outcome]) -> None:
    """isNot excludes a related row whose condition is NULL (bob's NULL name); `is: null` on the side holding
    a compound key needs every key field NULL (m3 has tenant_id set: no match); the back side reads rows."""
    outcome = run(f"""
  return {{
    is: {ids('prisma.post.findMany({ where: { author: { is: { name: "Ada" } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    isNot: {ids('prisma.post.findMany({ where: { author: { isNot: { name: "Ada" } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    isNull: {ids('prisma.post.findMany({ where: { author: { is: null } }, select: { id: true }, orderBy: { id: "asc" } })')},
    isNotNull: {ids('prisma.post.findMany({ where: { author: { isNot: null } }, select: { id: true }, orderBy: { id: "asc" } })')},
    shorthand: {ids('prisma.post.findMany({ where: { author: { name: "Ada" } }, select: { id: true }, orderBy: { id: "asc" } })')},
    shorthandNull: {ids('prisma.post.findMany({ where: { author: null }, select: { id: true }, orderBy: { id: "asc" } })')},
    isEmpty: {ids('prisma.post.findMany({ where: { author: { is: {} } }, select: { id: true }, orderBy: { id: "asc" } })')},
    isNotEmpty: {ids('prisma.post.findMany({ where: { author: { isNot: {} } }, select: { id: true }, orderBy: { id: "asc" } })')},
    both: {ids('prisma.post.findMany({ where: { author: { is: { name: { not: null } }, isNot: { email: "cyd@example.com" } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    backIs: {ids('prisma.user.findMany({ where: { profile: { is: { bio: null } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    backIsNot: {ids('prisma.user.findMany({ where: { profile: { isNot: { bio: null } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    backNull: {ids('prisma.user.findMany({ where: { profile: { is: null } }, select: { id: true }, orderBy: { id: "asc" } })')},
    backNotNull: {ids('prisma.user.findMany({ where: { profile: { isNot: null } }, select: { id: true }, orderBy: { id: "asc" } })')},
    selfIsNot: {ids('prisma.user.findMany({ where: { manager: { isNot: { name: "Ada" } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    chain: {ids('prisma.comment.findMany({ where: { post: { author: { is: { profile: { isNot: null } } } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    compoundIs: {ids('prisma.member.findMany({ where: { team: { is: { name: { not: "x" } } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    compoundIsNot: {ids('prisma.member.findMany({ where: { team: { isNot: { name: "Red" } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    compoundNull: {ids('prisma.member.findMany({ where: { team: null }, select: { id: true }, orderBy: { id: "asc" } })')},
    compoundNotNull: {ids('prisma.member.findMany({ where: { team: { isNot: null } }, select: { id: true }, orderBy: { id: "asc" } })')},
    first: await prisma.post.findFirst({{ where: {{ author: {{ profile: {{ bio: null }} }} }}, select: {{ id: true }} }}),
  }};""")
    assert outcome.equal, outcome.explain()
    value = outcome.before.value
    assert value["isNot"] == [4, 5] and value["backIsNot"] == [1, 3, 4] and value["compoundIsNot"] == [3, 4, 5]
    assert value["compoundNull"] == [] and value["isNull"] == [5]


def test_implicit_many_to_many_through_the_join_table(run: Callable[[str], Outcome]) -> None:
    outcome = run(f"""
  return {{
    some: {ids('prisma.post.findMany({ where: { tags: { some: { name: "news" } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    every: {ids('prisma.post.findMany({ where: { tags: { every: { name: "news" } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    none: {ids('prisma.post.findMany({ where: { tags: { none: {} } }, select: { id: true }, orderBy: { id: "asc" } })')},
    back: {ids('prisma.tag.findMany({ where: { posts: { none: { views: { gt: 5 } } } }, select: { id: true }, orderBy: { id: "asc" } })')},
    backEvery: {ids('prisma.tag.findMany({ where: { posts: { every: { views: { gt: 5 } } } }, select: { id: true }, orderBy: { id: "asc" } })')},
  }};""")
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["every"] == [2, 4, 6]


def test_writes_and_counts_filter_by_relations(run: Callable[[str], Outcome]) -> None:
    """updateMany/deleteMany/count take the condition on the table itself (no callback): the subquery
    correlates with the table's own name, aliased inside so that a self-relation cannot capture it."""
    outcome = run("""
  const renamed = await prisma.post.updateMany({ where: { comments: { some: { body: null } } }, data: { title: "x" } });
  const counted = await prisma.post.count({ where: { author: { posts: { some: { views: null } } } } });
  const managers = await prisma.user.count({ where: { reports: { every: { name: { not: null } } } } });
  const removed = await prisma.comment.deleteMany({ where: { post: { author: { is: null } } } });
  const unmanaged = await prisma.user.updateMany({ where: { manager: { is: { manager: null } } }, data: { name: "Managed" } });
  const rows = await prisma.post.findMany({ select: { id: true, title: true }, orderBy: { id: "asc" } });
  const users = await prisma.user.findMany({ select: { id: true, name: true }, orderBy: { id: "asc" } });
  const comments = await prisma.comment.count();
  return { renamed, counted, managers, removed, unmanaged, rows, users, comments };""")
    assert outcome.equal, outcome.explain()
    value = outcome.before.value
    assert value["renamed"] == {"count": 2} and value["removed"] == {"count": 1} and value["unmanaged"] == {"count": 2}


def test_undefined_values_inside_a_relation_filter_are_dropped(run: Callable[[str], Outcome]) -> None:
    """Prisma drops `field: undefined` inside `some`/`is` too (`some: { name: undefined }` is `some: {}`):
    the guard (prisma-compat's equals) gives undefined, which and() leaves out."""
    outcome = run("""
  const nobody = (process.env.NO_SUCH_VARIABLE_SET as string | undefined);
  const some = await prisma.user.findMany({ where: { posts: { some: { title: nobody } } }, select: { id: true }, orderBy: { id: "asc" } });
  const is = await prisma.post.findMany({ where: { author: { is: { name: nobody } } }, select: { id: true }, orderBy: { id: "asc" } });
  const set = await prisma.user.findMany({ where: { posts: { some: { title: "Big" ?? nobody } } }, select: { id: true }, orderBy: { id: "asc" } });
  return { some, is, set };""")
    assert outcome.equal, outcome.explain()
    assert [r["id"] for r in outcome.before.value["some"]] == [1, 2, 3]


REFUSED = """import { prisma } from "./prisma";

export async function main() {
  return prisma.post.findMany({ where: { tags: { some: { name: "news" } } } });
}
"""


def test_a_join_table_the_drizzle_schema_lacks_is_refused(tmp_path: Path) -> None:
    import dataclasses

    found = dataclasses.replace(names("postgresql"), joins={})
    (tmp_path / "package.json").write_text('{"name": "eq", "private": true}\n')
    (tmp_path / "prisma.ts").write_text('import { PrismaClient } from "@prisma/client";\n\n'
                                        "export const prisma = new PrismaClient();\n")
    (tmp_path / "case.ts").write_text(REFUSED)
    [result] = [r for r in rewrite_paths([tmp_path / "case.ts"], OPTIONS, base=tmp_path, names=found)
                if r.path == "case.ts"]
    assert [(f.code, f.reason.split("not converted: ")[1]) for f in result.findings] == [
        ("PD018", "the join table `_PostToTag` of the implicit many-to-many relation Post.tags is not in the Drizzle "
                  "schema")]


def test_a_dialect_without_alias_support_is_refused(tmp_path: Path) -> None:
    """MySQL (an UPDATE cannot read its own table in a subquery) and an unknown dialect: no conversion."""
    import dataclasses

    for dialect in ("mysql", ""):
        found = dataclasses.replace(names("postgresql"), dialect=dialect)
        (tmp_path / "package.json").write_text('{"name": "eq", "private": true}\n')
        (tmp_path / "prisma.ts").write_text('import { PrismaClient } from "@prisma/client";\n\n'
                                            "export const prisma = new PrismaClient();\n")
        (tmp_path / "case.ts").write_text(REFUSED)
        [result] = [r for r in rewrite_paths([tmp_path / "case.ts"], OPTIONS, base=tmp_path, names=found)
                    if r.path == "case.ts"]
        assert result.status == "unchanged"
        assert [f.code for f in result.findings] == ["PD018"]
        assert "written for PostgreSQL and SQLite" in result.findings[0].reason
