"""The canonical type tables: every spelling of a type in a dialect maps to one SqlType."""

from __future__ import annotations

import tomllib

import pytest

from migrator.schema import SqlType
from migrator.types import enum_type, parse_type, render_type

from .conftest import FIXTURES

CASES = tomllib.loads((FIXTURES / "types" / "aliases.toml").read_text())["case"]


def _rows():
    for case in CASES:
        expected = SqlType(**case["canonical"])
        for dialect in ("postgresql", "sqlite", "mysql"):
            for spelling in case.get(dialect, []):
                yield pytest.param(dialect, spelling, expected, id=f"{dialect}:{spelling}")


@pytest.mark.parametrize(("dialect", "spelling", "expected"), list(_rows()))
def test_spellings_map_to_one_canonical_type(dialect: str, spelling: str, expected: SqlType) -> None:
    assert parse_type(spelling, dialect) == expected


def test_json_and_jsonb_stay_distinct() -> None:
    assert parse_type("json", "postgresql") != parse_type("jsonb", "postgresql")


def test_time_zone_is_part_of_the_type() -> None:
    assert parse_type("timestamp", "postgresql") != parse_type("timestamptz", "postgresql")


def test_real_means_double_in_sqlite_but_not_in_postgresql() -> None:
    assert parse_type("REAL", "sqlite") == SqlType("double")
    assert parse_type("real", "postgresql") == SqlType("real")


@pytest.mark.parametrize(
    ("canonical", "dialect", "rendered"),
    [
        (SqlType("varchar", length=255), "postgresql", "varchar(255)"),
        (SqlType("timestamp", precision=3), "postgresql", "timestamp(3)"),
        (SqlType("timestamp", precision=3, timezone=True), "postgresql", "timestamp(3) with time zone"),
        (SqlType("timestamp", precision=3), "canonical", "timestamp(3)"),
        (SqlType("timestamp", timezone=True), "canonical", "timestamp with time zone"),
        (SqlType("numeric", precision=10, scale=2), "postgresql", "numeric(10,2)"),
        (SqlType("double"), "postgresql", "double precision"),
        (SqlType("bytes"), "sqlite", "BLOB"),
        (SqlType("text", array=True), "postgresql", "text[]"),
        (enum_type("public.Role"), "postgresql", 'public."Role"'),
        (enum_type("public.role", array=True), "postgresql", "public.role[]"),
        (SqlType("timestamp"), "sqlite", "DATETIME"),
        (SqlType("inet"), "postgresql", "inet"),
    ],
)
def test_render_type(canonical: SqlType, dialect: str, rendered: str) -> None:
    assert render_type(canonical, dialect) == rendered


@pytest.mark.parametrize(
    "canonical",
    [
        SqlType("varchar", length=40),
        SqlType("numeric", precision=12, scale=4),
        SqlType("timestamp", precision=6, timezone=True),
        SqlType("time", timezone=False),
        SqlType("double"),
        SqlType("real"),
        SqlType("bytes"),
        SqlType("uuid", array=True),
        SqlType("jsonb"),
        SqlType("interval"),
    ],
)
def test_postgresql_render_parses_back(canonical: SqlType) -> None:
    assert parse_type(render_type(canonical, "postgresql"), "postgresql") == canonical
