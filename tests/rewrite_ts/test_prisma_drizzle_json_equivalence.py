"""Json fields under `--rules prisma-drizzle`, proven on real databases: object and array literals given
to a Json field in create/update convert (the value written as it is), and what the rows read back holds
is the same for Prisma Client 7 and the converted drizzle-orm code — on PostgreSQL (jsonb, node-postgres)
and on SQLite (text({ mode: "json" }), and the customType with JSON.stringify/JSON.parse conversions that
`migrator generate drizzle` writes). Refused, and checked here: a SQLite Json customType column without
conversions (the object would reach the driver as it is), a bare null or Prisma.JsonNull/DbNull, a JSON-looking string on PostgreSQL, filters on Json fields.

The schema is tests/fixtures/rewrite_ts/equivalence_json (Drizzle sides generated with
`migrator generate drizzle`; text_json/ holds the SQLite one with text({ mode: "json" }) columns).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from migrator.rewrite.typescript import mapping
from migrator.rewrite.typescript.engine import Options
from tests.conftest import FIXTURES
from tests.rewrite_ts import equivalence
from tests.rewrite_ts.equivalence import Case, run_equivalence

CASES = FIXTURES / "rewrite_ts" / "equivalence_json"
DRIZZLE = {"postgresql": CASES / "postgresql" / "drizzle" / "schema.ts",
           "sqlite": CASES / "text_json" / "sqlite" / "drizzle" / "schema.ts"}
GENERATED_SQLITE = CASES / "sqlite" / "drizzle" / "schema.ts"

WRITES = """import { prisma } from "./prisma";

export default async function main() {
  const made = await prisma.event.create({
    data: {
      name: "new",
      meta: { a: 1, nested: { b: [1, 2, { c: "x" }] }, s: "q\\" ' é ✓ 😀 \\\\ \\n", t: true, f: false, nul: null, num: 1.5e10, neg: -0, tiny: 1e-7, big: 12345678901234567890 },
      extra: [1, "two", null, { x: [] }, [true]],
    },
  });
  const dated = await prisma.event.create({
    data: { name: "dated", meta: { at: new Date("2020-01-02T03:04:05.000Z"), gone: undefined, b: 1, a: 2, "10": 3, "2": 4 } },
  });
  const changed = await prisma.event.update({ where: { name: "seeded" }, data: { meta: {}, extra: { increment: 1 } } });
  const listed = await prisma.event.update({ where: { name: "other" }, data: { meta: ["only", { deep: [[], {}] }] } });
  const all = await prisma.event.findMany({ orderBy: { id: "asc" } });
  return { made, dated, changed, listed, all, texts: all.map((r) => [JSON.stringify(r.meta), JSON.stringify(r.extra)]) };
}
"""


def names_for(dialect: str, drizzle: Path, tmp: Path) -> mapping.NameMap:
    """The names for `drizzle`, with schema.prisma's datasource of `dialect` (its Json fields' columns)."""
    prisma = tmp / "schema.prisma"
    prisma.write_text((CASES / "schema.prisma").read_text().replace('provider = "postgresql"', f'provider = "{dialect}"'))
    return mapping.load(f"drizzle:{drizzle}", str(prisma), CASES)


def convert(tmp: Path, dialect: str, before: str, drizzle: Path | None = None):
    """The rewrite's result for a BEFORE module (case.ts beside prisma.ts)."""
    drizzle = drizzle or DRIZZLE[dialect]
    options = Options(drizzle_schema=f"drizzle:{drizzle}", drizzle_client="./db:db", drizzle_schema_module="./schema",
                      compat_module="./prisma-compat")
    return equivalence.convert_module(tmp, before, options, names_for(dialect, drizzle, tmp))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return equivalence.harness_workdir(tmp_path_factory, "equivalence_json")


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_json_values_written_and_read_back_alike(dialect: str, workdir: Path, tmp_path: Path,
                                                 request: pytest.FixtureRequest) -> None:
    """Objects and arrays (nested; strings with quotes, escapes and unicode; numbers; booleans; null and
    undefined inside; a Date inside, written as its ISO string; an object with update-operator keys, which on a
    Json field is the value) are written alike and read back alike, by the write's result and by findMany."""
    result = convert(tmp_path, dialect, WRITES)
    assert result.findings == [], result.findings
    assert "prisma." not in result.new_text and ".set({ meta: {}, extra: { increment: 1 } })" in result.new_text
    case = Case.from_dir(CASES, dialect, before=WRITES, after=result.new_text,
                         drizzle_root=CASES / "text_json" if dialect == "sqlite" else None)
    new_database = request.getfixturevalue("pg_database") if dialect == "postgresql" else None
    outcome = equivalence.run_converted(case, dialect, workdir, new_database)
    assert outcome.equal, outcome.explain()
    value = outcome.before.value
    assert value["dated"]["meta"]["at"] == "2020-01-02T03:04:05.000Z" and "gone" not in value["dated"]["meta"]
    assert value["changed"]["extra"] == {"increment": 1}
    assert value["made"]["extra"] == [1, "two", None, {"x": []}, [True]]
    assert outcome.before.value["texts"] == outcome.after.value["texts"]


def test_generated_sqlite_json_column_converts(workdir: Path, tmp_path: Path) -> None:
    """`migrator generate drizzle` writes a SQLite Json field as a customType "jsonb" whose toDriver/fromDriver
    are JSON.stringify/JSON.parse (mapping.PRISMA_VALUES): calls whose rows hold the field convert, and write
    and read back what Prisma does."""
    result = convert(tmp_path, "sqlite", WRITES, GENERATED_SQLITE)
    assert result.findings == [], result.findings
    outcome = equivalence.run_converted(Case.from_dir(CASES, "sqlite", before=WRITES, after=result.new_text), "sqlite",
                                        workdir, None)
    assert outcome.equal, outcome.explain()
    assert outcome.before.value["texts"] == outcome.after.value["texts"]


def test_sqlite_json_custom_type_without_conversion_is_refused(tmp_path: Path) -> None:
    """A customType "jsonb" without toDriver or fromDriver (what `migrator generate drizzle` wrote before it
    gave Prisma's values): drizzle hands an object to the driver as it is (better-sqlite3 throws) and reads
    the JSON text back (test_sqlite_json_custom_type_without_conversion_reads_text): every call whose rows
    hold the field is refused, a count is not."""
    plain = tmp_path / "plain" / "schema.ts"
    plain.parent.mkdir()
    plain.write_text(_without_conversion(GENERATED_SQLITE.read_text()))
    before = WRITES.replace("  const all =", "  const n = await prisma.event.count({ where: { name: \"new\" } });\n  const all =")
    result = convert(tmp_path, "sqlite", before, plain)
    assert [f.code for f in result.findings] == ["PD102"] * 5, result.findings
    assert all("is `jsonb(…)`, not text(…, { mode: \"json\" })" in f.reason for f in result.findings)
    assert "const n = await db.$count(event, eq(event.name, \"new\"));" in result.new_text


def _without_conversion(source: str) -> str:
    """The generated schema with its jsonb customType reduced to dataType() alone."""
    import re

    return re.sub(r"const jsonb = customType<[^>]*>\(\{.*?\n\}\);",
                  'const jsonb = customType<{ data: unknown }>({ dataType() { return "jsonb"; } });', source, flags=re.S)


def test_sqlite_json_custom_type_without_conversion_reads_text(workdir: Path, tmp_path: Path) -> None:
    """Why the refusal above: over a customType column with no fromDriver drizzle returns the stored JSON
    text, Prisma the parsed value (a hand-written Drizzle read of the same rows)."""
    before = ('import { prisma } from "./prisma";\n'
              'export default async function main() { return prisma.event.findMany({ orderBy: { id: "asc" } }); }\n')
    after = ('import { db } from "./db";\nexport default async function main() {\n'
             '  return db.query.event.findMany({ orderBy: (t, { asc }) => [asc(t.id)] });\n}\n')
    case = Case.from_dir(CASES, "sqlite", before=before, after=after)
    case = dataclasses.replace(case, drizzle_schema={k: _without_conversion(v) for k, v in case.drizzle_schema.items()})
    outcome = run_equivalence(case, "sqlite", workdir)
    assert outcome.before.ok and outcome.after.ok, outcome.explain()
    assert outcome.before.value[1]["meta"] == [1, "two", {"three": 3}]
    assert outcome.after.value[1]["meta"] == '[1, "two", {"three": 3}]'


REFUSED = """import { prisma } from "./prisma";
import { Prisma } from "@prisma/client";

export default async function main(v: any) {
  await prisma.event.create({ data: { name: "a", meta: {}, extra: null } });
  await prisma.event.update({ where: { id: 1 }, data: { extra: Prisma.DbNull } });
  await prisma.event.update({ where: { id: 1 }, data: { meta: Prisma.JsonNull } });
  await prisma.event.create({ data: { name: "b", meta: "42" } });
  await prisma.event.findMany({ where: { meta: { equals: { a: 1 } } } });
  await prisma.event.findMany({ where: { meta: { path: ["a"], equals: 1 } } });
  await prisma.event.findFirst({ where: { extra: { equals: Prisma.DbNull } } });
  await prisma.event.findMany({ where: { name: "a", meta: v } });
  return prisma.event.create({ data: { name: "c", meta: "plain" } });
}
"""


def test_json_nulls_strings_and_filters_are_refused(tmp_path: Path) -> None:
    """A bare null (Prisma rejects it), Prisma.DbNull/JsonNull (no Drizzle value written alike), a string that
    is JSON text itself on PostgreSQL (drizzle-orm's jsonb parses it again on read: "42" → 42), and every
    filter on a Json field stay, each with its reason; a plain string converts."""
    result = convert(tmp_path, "postgresql", REFUSED)
    got = [(f.line, f.code) for f in result.findings]
    assert got == [(5, "PD015"), (6, "PD015"), (7, "PD015"), (8, "PD015"), (9, "PD004"), (10, "PD004"),
                   (11, "PD004"), (12, "PD004")], result.findings
    reasons = [f.reason for f in result.findings]
    assert "Prisma rejects a bare null" in reasons[0] and "`Prisma.DbNull`" in reasons[1]
    assert "`Prisma.JsonNull`" in reasons[2] and '("42" → 42)' in reasons[3]
    assert all("filters the Json field" in r for r in reasons[4:])
    assert 'db.insert(event).values({ name: "c", meta: "plain" })' in result.new_text
