"""The cross-engine canonical value rules: Python's canonical text of a value equals PostgreSQL's
canonical text (canonical.pg_expression, evaluated by a real server) of the value it stands for."""

from __future__ import annotations

import math
import uuid

import psycopg
import pytest
from psycopg import sql

from migrator.data import canonical
from migrator.data.canonical import Kind, canonical_text, comparison_kind
from migrator.schema import SqlType
from migrator.types import parse_type


def _pg_texts(url: str, pg_type: str, kind: Kind, literals: list[str | None], assume_tz: str = "UTC") -> list[str | None]:
    """PostgreSQL's canonical text of each literal cast to pg_type, in a session set up as verify's."""
    expression = canonical.pg_expression(kind, sql.Identifier("v"), parse_type(pg_type, "postgresql"), assume_tz)
    with psycopg.connect(url, autocommit=True) as conn:
        for name, value in canonical.SESSION_SETTINGS.items():
            conn.execute("SELECT set_config(%s, %s, false)", (name, value))
        out = []
        for literal in literals:
            query = sql.SQL("SELECT {} FROM (SELECT CAST(%s AS {}) AS v) s").format(expression, sql.SQL(pg_type))
            out.append(conn.execute(query, (literal,)).fetchone()[0])
        return out


# (PostgreSQL type, comparison kind, [(PostgreSQL literal, SQLite/Python value that must equal it)])
CASES = [
    ("boolean", "bool", [("true", 1), ("false", 0), ("true", "true"), ("false", False)]),
    ("bigint", "int", [("9223372036854775807", 9223372036854775807), ("-5", -5), ("0", 0.0)]),
    ("numeric(10,2)", "numeric(2)", [("1.50", 1.5), ("2.00", 2), ("0.10", "0.1"), ("-0.00", -0.001),
                                      ("2.35", 2.345), ("-2.35", -2.345), ("1234.57", "1234.567")]),
    ("numeric", "numeric", [("1.50", "1.5"), ("100", 100), ("NaN", math.nan), ("-0", 0), ("1e-7", 1e-7),
                            ("12345678901234567890.123", "12345678901234567890.1230")]),
    ("double precision", "float", [("0.1", 0.1), ("1", 1), ("NaN", math.nan), ("Infinity", math.inf),
                                   ("-Infinity", -math.inf), ("1e15", 1e15), ("123456789012345.6", 123456789012345.6),
                                   ("1e-5", 1e-5), ("0.0001", 1e-4), ("1.5e300", 1.5e300), ("-0", -0.0), ("1e100", "1e100"),
                                   # integers past 2^53, where the shortest repr lies on the rounding interval's edge
                                   ("62989735303765904", 6.29897353037659e16), ("-25304469363279968", -2.530446936327997e16),
                                   ("1152921504606846976", 2.0 ** 60)]),
    ("real", "float4", [("0.1", 0.1), ("0.33333334", 1 / 3), ("123456.7", 123456.7), ("1e10", 1e10), ("NaN", "NaN"),
                        ("451705216", 451705202.89303035), ("1.5474251e+26", 1.5474250491067253e+26)]),
    ("text", "text", [("", ""), ("héllo ✓ 😀", "héllo ✓ 😀"), (" padded ", " padded "), ("Case", "Case")]),
    ("uuid", "uuid", [("0b5f2f6e-3c1a-4d3e-9f00-00000000000a", "0B5F2F6E-3C1A-4D3E-9F00-00000000000A"),
                      ("0b5f2f6e-3c1a-4d3e-9f00-00000000000b", uuid.UUID("0b5f2f6e-3c1a-4d3e-9f00-00000000000b").bytes)]),
    ("jsonb", "json", [('{"b": 1, "a": 2}', '{"a":2,"b":1}'), ('{"aa": 1, "b": 2}', '{"aa":1, "b":2}'),
                       ('{"a": 1}', '{"a": 0, "a": 1}'), ("[1.50, 1e2, -0]", "[1.50,1e2,-0]"),
                       ('"é😀\\n"', '"\\u00e9😀\\n"'), ('{"x": {"z": [], "y": {}}}', '{"x":{"z":[],"y":{}}}'),
                       ("null", "null"), ("5", 5)]),
    ("json", "json", [('{"b":1,  "a":2}', '{"a": 2, "b": 1}')]),
    ("timestamptz", "timestamptz", [
        ("2020-01-01 10:00:00+00", "2020-01-01 10:00:00"),
        ("2020-01-01 10:00:00+00", "2020-01-01T12:00:00+02:00"),
        ("2020-01-01 10:00:00+00", "2020-01-01T10:00Z"),
        ("2020-01-01 10:00:00.25+00", "2020-01-01 05:00:00.250-05"),
        ("2020-01-01 10:00:00+00", 1577872800),
        ("2020-01-01 10:00:00.123+00", 1577872800123),
        ("2020-01-01 10:00:00.5+00", 1577872800.5),
        ("infinity", "infinity"),
    ]),
    ("timestamp", "timestamp", [("2020-01-01 10:00:00", "2020-01-01T10:00:00"), ("2020-01-01 10:00:00.5", "2020-01-01 10:00:00.500000"),
                                ("2020-01-01 10:00:00", "2020-01-01 10:00:00+02:00"), ("1970-01-02 00:00:00", 86400)]),
    ("date", "date", [("2020-01-31", "2020-01-31"), ("1999-12-31", "1999-12-31 00:00:00")]),
    ("bytea", "bytes", [("\\xdeadbeef", b"\xde\xad\xbe\xef"), ("\\x", b""), ("\\x616263", "abc")]),
]


@pytest.mark.parametrize("pg_type,kind,pairs", CASES, ids=[c[0] for c in CASES])
def test_python_text_equals_postgresql_text(pg_url: str, pg_type: str, kind: str, pairs: list) -> None:
    expected = _pg_texts(pg_url, pg_type, Kind.parse(kind), [literal for literal, _ in pairs])
    got = [canonical_text(kind, value) for _, value in pairs]
    assert got == expected


def test_a_timestamp_without_zone_compared_as_timestamptz_is_placed_in_the_assumed_zone(pg_url: str) -> None:
    expected = _pg_texts(pg_url, "timestamp", Kind("timestamptz"), ["2020-07-01 12:00:00"], assume_tz="Europe/Paris")
    assert expected == ["2020-07-01 10:00:00+00"]
    assert canonical_text("timestamptz", "2020-07-01 12:00:00", assume_tz="Europe/Paris") == expected[0]
    # An explicit offset wins over the assumed zone.
    assert canonical_text("timestamptz", "2020-07-01 12:00:00+00:00", assume_tz="Europe/Paris") == "2020-07-01 12:00:00+00"


def test_a_sqlite_integer_against_a_postgresql_boolean_compares_as_bool(pg_url: str) -> None:
    assert _pg_texts(pg_url, "integer", Kind("bool"), ["1", "0", "7"]) == ["t", "f", "7"]


def test_null_is_distinct_from_the_empty_string() -> None:
    assert canonical_text("text", None) is None
    assert canonical_text("text", "") == ""
    assert canonical_text("bytes", b"") == ""
    assert canonical_text("json", None) is None


def test_values_that_do_not_read_as_the_kind_keep_their_text() -> None:
    assert canonical_text("timestamptz", "not a date") == "not a date"
    assert canonical_text("numeric(2)", "abc") == "abc"
    assert canonical_text("json", "{bad json") == "{bad json"


@pytest.mark.parametrize("a,da,b,db,kind", [
    ("uuid", "postgresql", "TEXT", "sqlite", "uuid"),
    ("jsonb", "postgresql", "TEXT", "sqlite", "json"),
    ("jsonb", "postgresql", "JSON", "sqlite", "json"),
    ("boolean", "postgresql", "INTEGER", "sqlite", "bool"),
    ("numeric(12,3)", "postgresql", "REAL", "sqlite", "numeric(3)"),
    ("numeric(12,3)", "postgresql", "DECIMAL(10,2)", "sqlite", "numeric(3)"),
    ("numeric(12,3)", "postgresql", "numeric(12,2)", "postgresql", "numeric"),
    ("timestamptz", "postgresql", "DATETIME", "sqlite", "timestamptz"),
    ("timestamptz", "postgresql", "INTEGER", "sqlite", "timestamptz"),
    ("timestamp", "postgresql", "TEXT", "sqlite", "timestamp"),
    ("double precision", "postgresql", "REAL", "sqlite", "float"),
    ("bytea", "postgresql", "BLOB", "sqlite", "bytes"),
    ("text", "postgresql", "VARCHAR(20)", "sqlite", "text"),
    ("integer", "postgresql", "", "sqlite", "int"),
    ("inet", "postgresql", "inet", "postgresql", "text"),
])
def test_comparison_kind_of_a_type_pair(a: str, da: str, b: str, db: str, kind: str) -> None:
    tb = parse_type(b, db) if b else SqlType("any")
    assert str(comparison_kind(parse_type(a, da), tb, da, db)) == kind
    assert str(comparison_kind(tb, parse_type(a, da), db, da)) == kind


def test_kind_names_parse_back() -> None:
    for name in canonical.KINDS:
        assert Kind.parse(name) == Kind(name)
    assert Kind.parse("numeric(4)") == Kind("numeric", 4)
    with pytest.raises(ValueError):
        Kind.parse("nope")
