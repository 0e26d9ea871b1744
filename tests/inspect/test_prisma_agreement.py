"""The prisma: source agrees with the database Prisma Migrate creates.

Each folder under tests/fixtures/prisma/ is one case: a `schema.prisma` and the
`migration.sql` that `prisma migrate diff --from-empty --to-schema schema.prisma --script`
produces for it (written by hand from Prisma's documented rules and checked against
Prisma's schema engine). The SQL is applied to a real, empty database of the schema's
provider (PostgreSQL from the session cluster, or a fresh SQLite file), the database is
inspected, and it must equal what `prisma:<case>/schema.prisma` says Migrate would create,
client-side defaults (cuid(), uuid(), @updatedAt, ...) aside. A new case is a new folder.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from migrator import inspect as sources
from migrator.inspect import InspectOptions
from migrator.schema import Schema, to_dict, without_client_defaults

from ..conftest import EXAMPLES, FIXTURES, cast_free_expression_defaults, run_sql

CASES_DIR = FIXTURES / "prisma"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "schema.prisma").is_file()) if CASES_DIR.is_dir() else []

TUTORME = EXAMPLES / "tutorme" / "prisma"

_DATASOURCE = re.compile(r"^\s*datasource\s+\w+\s*\{(?P<body>.*?)^\s*\}", re.S | re.M)
_PROVIDER = re.compile(r"""^\s*provider\s*=\s*"(?P<provider>[^"]+)\"""", re.M)


def provider_of(schema_file: Path) -> str:
    """The provider of the schema's datasource block (comments stripped first)."""
    text = re.sub(r"//[^\n]*", "", schema_file.read_text(encoding="utf-8"))
    block = _DATASOURCE.search(text)
    assert block, f"{schema_file}: no datasource block"
    found = _PROVIDER.search(block.group("body"))
    assert found, f"{schema_file}: the datasource names no provider"
    return found.group("provider")


def comparable_text(schema: Schema) -> str:
    """The snapshot without origins and the source label (equality ignores both): what a diff should show."""

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("origin", "source", "notes")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return json.dumps(strip(to_dict(schema)), indent=2) + "\n"


def assert_same_schema(expected: Schema, actual: Schema, expected_label: str, actual_label: str) -> None:
    """Equality of the two schemas, client-side defaults and the casts of expression defaults
    aside, with a unified diff of their snapshots."""
    left = cast_free_expression_defaults(without_client_defaults(expected))
    right = cast_free_expression_defaults(without_client_defaults(actual))
    if left == right:
        return
    diff = "".join(
        difflib.unified_diff(
            comparable_text(left).splitlines(keepends=True),
            comparable_text(right).splitlines(keepends=True),
            fromfile=expected_label,
            tofile=actual_label,
            n=4,
        )
    )
    pytest.fail(f"{actual_label} differs from {expected_label}:\n{diff}", pytrace=False)


def build_database(case: Path, provider: str, pg_database: Callable[[], str], tmp_path: Path) -> str:
    """Apply the case's migration.sql to a fresh, empty database; its URL."""
    sql = (case / "migration.sql").read_text(encoding="utf-8")
    if provider == "postgresql":
        url = pg_database()
        run_sql(url, sql)
        return url
    if provider == "sqlite":
        db = tmp_path / f"{case.name}.db"
        conn = sqlite3.connect(db)
        try:
            conn.executescript(sql)
            conn.commit()
        finally:
            conn.close()
        return f"sqlite:///{db}"
    pytest.fail(f"{case.name}: no database engine for provider {provider!r} in this test")


def test_the_cases_are_there() -> None:
    names = [c.name for c in CASES]
    assert sum(n.startswith("pg_") for n in names) >= 10, names
    assert sum(n.startswith("sqlite_") for n in names) >= 4, names
    for case in CASES:
        assert (case / "migration.sql").is_file(), f"{case.name}: no migration.sql"
        first = (case / "schema.prisma").read_text(encoding="utf-8").lstrip()
        assert first.startswith("// Case:"), f"{case.name}: schema.prisma should open with a '// Case:' comment"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_prisma_schema_equals_the_database_its_migration_creates(
    case: Path, pg_database: Callable[[], str], tmp_path: Path
) -> None:
    schema_file = case / "schema.prisma"
    provider = provider_of(schema_file)
    url = build_database(case, provider, pg_database, tmp_path)

    live = sources.load(url, InspectOptions())
    declared = sources.load(f"prisma:{schema_file}", InspectOptions())

    assert declared.dialect == live.dialect, f"{case.name}: dialect {declared.dialect} vs {live.dialect}"
    assert live.tables(), f"{case.name}: migration.sql created no tables"
    assert_same_schema(live, declared, f"{case.name}/migration.sql (live {provider})", f"prisma:{case.name}/schema.prisma")


def test_tutorme_prisma_schema_equals_its_migrations_folder(pg_url: str) -> None:
    """The bundled example: its schema.prisma and its Prisma Migrate history describe one database.

    tutorme depends on Prisma 5, so its implicit many-to-many tables (if any) carry the
    pre-6 unique index; the migrations folder was generated by that Prisma.
    """
    folder = sources.load(str(TUTORME / "migrations"), InspectOptions(dev_url=pg_url))
    declared = sources.load(f"prisma:{TUTORME / 'schema.prisma'}", InspectOptions())
    assert_same_schema(folder, declared, "examples/tutorme/prisma/migrations", "prisma:examples/tutorme/prisma/schema.prisma")
    assert len(declared.namespace("public").tables) == 17
