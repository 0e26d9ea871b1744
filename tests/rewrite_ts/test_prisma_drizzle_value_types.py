"""The JS values of every Prisma scalar, proven on real databases: the Drizzle schema `migrator generate
drizzle` writes from a Prisma schema (mapping.PRISMA_VALUES: modes and customType toDriver/fromDriver)
gives and takes what Prisma Client 7 does, on PostgreSQL and SQLite. Each BEFORE module creates, updates,
reads and filters (DateTime against `new Date()`) rows through Prisma; the rewrite converts it; both run
(tests/rewrite_ts/equivalence.py) and the results must be equal, value by value AND type by type: the
harness normalizes Dates, bigints and bytes to strings, so each row also carries the JS type of each of
its values (`types`), compared strictly (a bigint must stay a bigint, a Date a Date, bytes a Uint8Array).

Decimal is the one type kept apart: drizzle-orm gives numeric as a string (Prisma: a decimal.js Decimal);
the rewrite reports it on every converted site whose rows hold one (PD023), checked here too.

The schemas are tests/fixtures/rewrite_ts/equivalence_values/<dialect>/ (schema.prisma, drizzle/ generated
from it, seed.sql); the SQLite seed holds DateTime values in both formats Prisma has written (ISO text,
epoch milliseconds) and SQLite's own CURRENT_TIMESTAMP text.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from migrator.rewrite.compat import prisma_compat_module
from migrator.rewrite.typescript import mapping
from migrator.rewrite.typescript.engine import Options, rewrite_paths
from tests.conftest import FIXTURES
from tests.rewrite_ts import equivalence
from tests.rewrite_ts.equivalence import Case, run_equivalence

CASES = FIXTURES / "rewrite_ts" / "equivalence_values"


def options(dialect: str) -> Options:
    return Options(drizzle_schema=f"drizzle:{CASES / dialect / 'drizzle' / 'schema.ts'}", drizzle_client="./db:db",
                   prisma_schema=str(CASES / dialect / "schema.prisma"), drizzle_schema_module="./schema",
                   compat_module="./prisma-compat")


def convert(tmp: Path, dialect: str, before: str):
    """The rewrite's result for a BEFORE module (new_text, findings)."""
    opts = options(dialect)
    result = equivalence.convert_module(tmp, before, opts, mapping.load(opts.drizzle_schema, opts.prisma_schema, CASES))
    assert result.status == "changed", result.reason
    return result


# Shared by both sides (the rewrite leaves them as they are): each row's values, with times set by the
# clock shown as "recent", and the JS type of every value.
HELPERS = """
function tag(v: any): string {
  if (v === null || v === undefined) return "null";
  if (v instanceof Date) return "Date";
  if (typeof Buffer !== "undefined" && Buffer.isBuffer(v)) return "Buffer";
  if (v instanceof Uint8Array) return "Uint8Array";
  if (Array.isArray(v)) return "Array<" + v.map(tag).join(",") + ">";
  if (typeof v === "object" && typeof v.toFixed === "function" && "d" in v) return "Decimal";
  return typeof v;
}
function shape(row: any) {
  const out: any = {};
  const types: any = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = v instanceof Date && v.getTime() > Date.parse("2022-01-01T00:00:00Z") ? "recent" : v;
    types[k] = tag(v);
  }
  return { ...out, types };
}
"""


def module(body: str) -> str:
    return f'import {{ prisma }} from "./prisma";\n{HELPERS}\nexport default async function main() {{\n{body}\n}}\n'


LISTS = {"postgresql": ', tags: ["x", "y"], sizes: [5n, 9007199254740993n]', "sqlite": ""}

WRITE_READ = """
  const made = await prisma.item.create({
    data: {
      name: "new", count: 3, big: {big}, flag: true, price: "9.75", ratio: 0.5, data: { a: [1, "x"], b: null },
      bytes: new Uint8Array([4, 5, 6]), role: "ADMIN", due: new Date("2024-05-06T07:08:09.010Z"){lists},
    },
  });
  const updated = await prisma.item.update({ where: { name: "seeded" }, data: { flag: true, count: 8 } });
  const rows = await prisma.item.findMany({ orderBy: { id: "asc" } });
  const one = await prisma.item.findUnique({ where: { name: "other" } });
  // Prisma gives a created row's @default(now()) and @updatedAt one instant.
  const oneInstant = made.createdAt.getTime() === made.updatedAt.getTime();
  return { made: shape(made), updated: shape(updated), rows: rows.map(shape), one: one && shape(one), oneInstant };"""

FILTERS = """
  await prisma.item.create({ data: { name: "new", count: 3, big: 1n, price: "1", ratio: 0.5, data: {}, bytes: new Uint8Array([]) } });
  await prisma.item.update({ where: { name: "other" }, data: { count: 9 } });
  const before = await prisma.item.findMany({ where: { createdAt: { lt: new Date() } }, select: { name: true }, orderBy: { id: "asc" } });
  const fresh = await prisma.item.findMany({ where: { updatedAt: { gte: new Date(Date.now() - 600000) } }, select: { name: true }, orderBy: { id: "asc" } });
  const due = await prisma.item.findMany({ where: { due: { gt: new Date("2020-06-01T00:00:00Z") } }, select: { name: true, due: true }, orderBy: { id: "asc" } });
  const flagged = await prisma.item.findMany({ where: { flag: false, big: { gte: 0n } }, select: { name: true, flag: true, big: true }, orderBy: { id: "asc" } });
  return { before, fresh, due: due.map(shape), flagged: flagged.map(shape) };"""


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return equivalence.harness_workdir(tmp_path_factory, "equivalence_values")


# Prisma 6 and earlier stored SQLite DateTime as epoch milliseconds: Prisma 7's adapter writes the same with
# timestampFormat "unixepoch-ms", and `migrator generate drizzle` writes it for a project on Prisma 6.
PRISMA_6_STORAGE = (
    'import { PrismaClient } from "./generated/prisma/client";\n'
    'import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";\n'
    "export const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: process.env.DATABASE_URL },\n"
    '  { timestampFormat: "unixepoch-ms" }) });\n'
)


def drizzle_files(dialect: str, storage: str) -> dict[str, str]:
    """The fixture's generated Drizzle schema; for "unixepoch-ms", generated here for a Prisma 6 project."""
    if storage == "unixepoch-ms":
        from migrator.generate.drizzle import PrismaValues, generate_drizzle
        from migrator.inspect import load_app_model

        schema, names = load_app_model(f"prisma:{CASES / dialect / 'schema.prisma'}")
        files = generate_drizzle(schema, dialect, app=names, prisma=PrismaValues("^6.19.0"))
        assert "return value.getTime();" in files["schema.ts"]
        return files
    drizzle = CASES / dialect / "drizzle"
    return {str(f.relative_to(drizzle)): f.read_text() for f in sorted(drizzle.rglob("*.ts"))}


def run(dialect: str, before: str, after: str, workdir: Path, request: pytest.FixtureRequest, storage: str = "iso8601"):
    case = Case(prisma_schema=(CASES / dialect / "schema.prisma").read_text(), drizzle_schema=drizzle_files(dialect, storage),
                seed_sql=(CASES / dialect / "seed.sql").read_text(), before=before, after=after)
    project = equivalence._project(case, dialect, workdir)
    (project / "src" / "prisma-compat.ts").write_text(prisma_compat_module())
    if storage == "unixepoch-ms":
        (project / "src" / "prisma.ts").write_text(PRISMA_6_STORAGE)
    new_database = request.getfixturevalue("pg_database") if dialect == "postgresql" else None
    return run_equivalence(case, dialect, workdir, new_database=new_database)


def _without_price(value):
    """The result with the Decimal field's type tag set apart (Prisma: Decimal, drizzle-orm: a string)."""
    if isinstance(value, dict):
        return {k: _without_price(v) for k, v in value.items() if not (k == "price" and isinstance(v, str)
                                                                          and v in ("Decimal", "string"))}
    if isinstance(value, list):
        return [_without_price(v) for v in value]
    return value


# (dialect, how SQLite DateTime is stored): Prisma 7's ISO text, Prisma 6's epoch milliseconds.
RUNS = [("postgresql", "iso8601"), ("sqlite", "iso8601"), ("sqlite", "unixepoch-ms")]

STORED = ("SELECT name, typeof(due), typeof(createdAt), typeof(updatedAt), typeof(flag), typeof(big), typeof(data), "
          "typeof(bytes), due, data, hex(bytes), flag, big FROM items ORDER BY id")


def _stored(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(STORED).fetchall()
    conn.close()
    return rows


@pytest.mark.parametrize(("dialect", "storage"), RUNS)
def test_every_scalar_is_written_and_read_as_prisma_does(dialect: str, storage: str, workdir: Path, tmp_path: Path,
                                                         request: pytest.FixtureRequest) -> None:
    big = "9007199254740993n" if dialect == "postgresql" else "9007199254740991n"
    before = module(WRITE_READ.replace("{big}", big).replace("{lists}", LISTS[dialect]))
    result = convert(tmp_path, dialect, before)
    assert "prisma." not in result.new_text, result.new_text
    # The one difference left is said on each converted site whose rows hold it.
    assert [f.code for f in result.findings] == ["PD023"] * 4, result.findings
    assert all("Item.price (Prisma: a Decimal, Drizzle: a string)" in f.reason for f in result.findings), result.findings
    lists = ["Item.tags (Prisma: [] for a NULL list", "Item.sizes (Prisma: [] for a NULL list"]
    assert all((x in f.reason) == (dialect == "postgresql") for f in result.findings for x in lists), result.findings
    outcome = run(dialect, before, result.new_text, workdir, request, storage)
    assert outcome.before.ok and outcome.after.ok, outcome.explain()
    a, b = outcome.before.value, outcome.after.value
    if dialect == "sqlite":
        # what each client left in the database: the same storage classes and the same text/numbers
        stored = _stored(workdir / "before.sqlite")
        assert stored == _stored(workdir / "after.sqlite")
        assert stored[-1][1:4] == (("text",) * 3 if storage == "iso8601" else ("integer",) * 3), stored
    # equal value by value (price by value: "9.75" and "9.750000…") and type by type, price's type apart
    assert equivalence.same(_without_price(a), _without_price(b)), outcome.explain()
    assert a["oneInstant"] is True  # createdAt and updatedAt of the created row: one instant, on both sides
    types = a["made"]["types"]
    assert types["big"] == "bigint" and types["due"] == "Date" and types["flag"] == "boolean"
    assert types["bytes"] == "Uint8Array" and types["data"] == "object" and types["createdAt"] == "Date"
    assert types["price"] == "Decimal" and b["made"]["types"]["price"] == "string"
    assert a["made"]["createdAt"] == "recent" and a["updated"]["updatedAt"] == "recent"
    if dialect == "postgresql":
        assert a["rows"][0]["big"] == "9007199254740993" and types["sizes"] == "Array<bigint,bigint>"
    else:  # the epoch-ms row and the CURRENT_TIMESTAMP-text row read as the same instants
        assert a["rows"][1]["createdAt"] == "2019-06-01T12:00:00.000Z"
        assert a["rows"][2]["due"] == "2021-03-04T05:06:07.000Z"


@pytest.mark.parametrize(("dialect", "storage"), RUNS)
def test_datetime_boolean_and_bigint_filters(dialect: str, storage: str, workdir: Path, tmp_path: Path,
                                             request: pytest.FixtureRequest) -> None:
    before = module(FILTERS)
    result = convert(tmp_path, dialect, before)
    assert "prisma." not in result.new_text, result.new_text
    assert result.findings == [], result.findings  # no row of Item is used whole (the create's value is not)
    outcome = run(dialect, before, result.new_text, workdir, request, storage)
    assert outcome.equal, outcome.explain()
    value = outcome.before.value
    # (stored as epoch ms, the seed's text rows compare above every number in SQLite, for both clients alike)
    assert [r["name"] for r in value["fresh"]] == (["other", "new"] if storage == "iso8601" else
                                                   ["seeded", "other", "plain", "new"])
    assert value["flagged"][0]["types"] == {"name": "string", "flag": "boolean", "big": "bigint"}


def test_hand_written_modes_are_reported(tmp_path: Path) -> None:
    """PD023 reads the value types from the Drizzle schema itself: a hand-written one with bigint in mode
    "number", timestamps in mode "string" and bytea as a plain Buffer customType gets each field named on
    every converted call whose rows hold it (a select without them: no note)."""
    generated = (CASES / "postgresql" / "drizzle" / "schema.ts").read_text()
    hand = (generated.replace('{ mode: "bigint" }', '{ mode: "number" }')
            .replace('timestamp("due", { precision: 3 })', 'timestamp("due", { precision: 3, mode: "string" })')
            .replace("customType<{ data: Uint8Array; driverData: Buffer }>({", "customType<{ data: Buffer }>({")
            .replace("  fromDriver(value) {\n    return new Uint8Array(value);\n  },\n", ""))
    assert hand.count('mode: "number"') == 2 and "new Uint8Array" not in hand
    schema = tmp_path / "hand" / "schema.ts"
    schema.parent.mkdir()
    schema.write_text(hand)
    opts = Options(drizzle_schema=f"drizzle:{schema}", drizzle_client="./db:db",
                   prisma_schema=str(CASES / "postgresql" / "schema.prisma"), drizzle_schema_module="./schema")
    (tmp_path / "package.json").write_text('{"name": "eq", "private": true}\n')
    (tmp_path / "prisma.ts").write_text('import { PrismaClient } from "@prisma/client";\nexport const prisma = new PrismaClient();\n')
    (tmp_path / "case.ts").write_text(
        'import { prisma } from "./prisma";\n'
        "export async function f() {\n"
        '  const rows = await prisma.item.findMany({ where: { name: "a" } });\n'
        '  const names = await prisma.item.findMany({ select: { name: true, role: true } });\n'
        "  return [rows, names];\n}\n")
    names = mapping.load(opts.drizzle_schema, opts.prisma_schema, CASES)
    [result] = [r for r in rewrite_paths([tmp_path / "case.ts"], opts, base=tmp_path, names=names) if r.path == "case.ts"]
    assert [(f.line, f.code) for f in result.findings] == [(3, "PD023")], result.findings
    reason = result.findings[0].reason
    for said in ("Item.big (Prisma: a bigint, Drizzle: a number)", "Item.due (Prisma: a Date, Drizzle: a string)",
                 "Item.bytes (Prisma: a Uint8Array, Drizzle: a Buffer)", "Item.sizes (Prisma: a bigint, Drizzle: a number)",
                 "Item.price (Prisma: a Decimal, Drizzle: a string)"):
        assert said in reason, reason
    assert "Item.createdAt" not in reason and "Item.name" not in reason
