"""`migrator verify data A B` on real PostgreSQL databases and real SQLite files: equal data
across engines and type pairs is equal, and every difference is found and classified."""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from migrator.data import verify as verify_module
from migrator.data.verify import verify

MIGRATOR = str(Path(sys.executable).with_name("migrator"))


def pg(url: str, *statements: str, params: list | None = None) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement, params)


def sqlite_db(path: Path, *statements: str, rows: dict[str, list[tuple]] | None = None) -> str:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    for table, values in (rows or {}).items():
        marks = ", ".join("?" * len(values[0]))
        conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', values)
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def table(result, name: str):
    return next(t for t in result.tables if t.name == name)


def keys(entries: list[dict], column: str = "id") -> list[str]:
    return [entry[column] for entry in entries]


# ---------------------------------------------------------------- every type pair of the contract

PG_TYPED = """CREATE TABLE items (id uuid PRIMARY KEY, n integer, big bigint, flag boolean, price numeric(10,2),
    exact numeric, ratio double precision, small real, meta jsonb, doc json, at timestamptz, local timestamp,
    day date, data bytea, title text, code varchar(10))"""
SQLITE_TYPED = """CREATE TABLE items (id TEXT PRIMARY KEY, n INTEGER, big BIGINT, flag BOOLEAN, price DECIMAL(10,2),
    exact NUMERIC, ratio REAL, small FLOAT, meta JSON, doc TEXT, at DATETIME, local DATETIME, day DATE, data BLOB,
    title TEXT, code VARCHAR(10))"""
PG_ROWS = """INSERT INTO items VALUES
 ('0b5f2f6e-3c1a-4d3e-9f00-000000000001', 1, 9007199254740993, true, 1.50, 1.5, 0.1, 0.5,
  '{"b": 1, "a": [1, 2.50]}', '{"z": 1, "y": null}', '2020-01-01 10:00:00+00', '2020-01-01 10:00:00', '2020-01-01',
  '\\xdeadbeef', 'héllo ✓ 😀 中文', 'x'),
 ('0b5f2f6e-3c1a-4d3e-9f00-000000000002', 0, -1, false, 2, 100, 'Infinity', '-Infinity', '"x"', '[]',
  '2020-06-01 12:30:00.25+00', '2020-06-01 12:30:00.25', '1999-12-31', '\\x', '', ''),
 ('0b5f2f6e-3c1a-4d3e-9f00-000000000003', NULL, NULL, NULL, NULL, 'NaN', 'NaN', 'NaN', NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL)"""
SQLITE_ROWS = [
    ("0b5f2f6e-3c1a-4d3e-9f00-000000000001", 1, 9007199254740993, 1, 1.5, "1.50", 0.1, 0.5,
     '{"a":[1,2.50],"b":1}', '{"y":null,"z":1}', "2020-01-01T12:00:00+02:00", "2020-01-01 10:00", "2020-01-01",
     b"\xde\xad\xbe\xef", "héllo ✓ 😀 中文", "x"),
    ("0b5f2f6e-3c1a-4d3e-9f00-000000000002", 0, -1, 0, 2.0, 100, math.inf, -math.inf, '"x"', "[]",
     1591014600250, "2020-06-01T12:30:00.250", "1999-12-31", b"", "", ""),
    ("0b5f2f6e-3c1a-4d3e-9f00-000000000003", None, None, None, None, "NaN", "NaN", "NaN", None, None, None, None, None,
     None, None, None),
]


@pytest.fixture()
def typed_pair(pg_database, tmp_path):
    """The same three rows in a typed PostgreSQL table, a second PostgreSQL database and a SQLite file."""
    pg_a, pg_b = pg_database(), pg_database()
    for url in (pg_a, pg_b):
        pg(url, PG_TYPED, PG_ROWS)
    lite = sqlite_db(tmp_path / "items.db", SQLITE_TYPED, rows={"items": SQLITE_ROWS})
    lite_b = sqlite_db(tmp_path / "items_b.db", SQLITE_TYPED, rows={"items": SQLITE_ROWS})
    return pg_a, pg_b, lite, lite_b


def test_every_type_pair_is_equal_across_engines(typed_pair) -> None:
    pg_a, pg_b, lite, lite_b = typed_pair
    for a, b in ((pg_a, pg_b), (lite, pg_a), (pg_a, lite), (lite, lite_b)):
        result = verify(a, b)
        assert result.ok, (a, b, result.to_dict())
        items = table(result, "items")
        assert (items.rows_a, items.rows_b, items.status) == (3, 3, "equal")
    kinds = table(verify(lite, pg_a), "items").kinds
    assert kinds == {"id": "uuid", "n": "int", "big": "int", "flag": "bool", "price": "numeric(2)", "exact": "numeric",
                     "ratio": "float", "small": "float", "meta": "json", "doc": "json", "at": "timestamptz",
                     "local": "timestamp", "day": "date", "data": "bytes", "title": "text", "code": "text"}


@pytest.mark.parametrize("column,value", [
    ("n", 2), ("big", 9007199254740992), ("flag", 0), ("price", 1.51), ("exact", "1.5000001"), ("ratio", 0.1000001),
    ("meta", '{"a":[1,2.5],"b":2}'), ("doc", '{"y":null,"z":2}'), ("at", "2020-01-01T12:00:00+01:00"),
    ("local", "2020-01-01 10:00:01"), ("day", "2020-01-02"), ("data", b"\xde\xad\xbe\xee"),
    ("title", "héllo ✓ 😀 中"), ("code", "X"), ("small", 0.25),
])
def test_one_changed_value_of_each_type_is_found_across_engines(typed_pair, tmp_path, column: str, value) -> None:
    pg_a, _, _, _ = typed_pair
    rows = [list(r) for r in SQLITE_ROWS]
    index = ["id", "n", "big", "flag", "price", "exact", "ratio", "small", "meta", "doc", "at", "local", "day", "data",
             "title", "code"].index(column)
    rows[0][index] = value
    lite = sqlite_db(tmp_path / "changed.db", SQLITE_TYPED, rows={"items": [tuple(r) for r in rows]})
    items = table(verify(lite, pg_a), "items")
    assert items.status == "different"
    assert keys(items.changed) == ["0b5f2f6e-3c1a-4d3e-9f00-000000000001"]
    assert (items.missing, items.extra) == ([], [])


def test_price_is_rounded_to_the_numeric_scale_half_away_from_zero(pg_url: str, tmp_path) -> None:
    pg(pg_url, "CREATE TABLE p (id int PRIMARY KEY, price numeric(10,2))",
       "INSERT INTO p VALUES (1, 2.35), (2, -2.35), (3, 0.10), (4, 0)")
    lite = sqlite_db(tmp_path / "p.db", "CREATE TABLE p (id INTEGER PRIMARY KEY, price REAL)",
                     rows={"p": [(1, 2.345), (2, -2.345), (3, 0.1), (4, -0.001)]})
    assert verify(lite, pg_url).ok


def test_special_floats_very_long_text_and_bytes_between_postgresql_databases(pg_database) -> None:
    a, b = pg_database(), pg_database()
    for url in (a, b):
        pg(url, "CREATE TABLE t (id int PRIMARY KEY, f float8, r real, n numeric, body text, raw bytea)",
           "INSERT INTO t VALUES (1, 'NaN', 'Infinity', 'NaN', repeat('é😀', 350000), decode(repeat('00ff', 1000), 'hex')),"
           " (2, '-Infinity', '-Infinity', 'Infinity', repeat('x', 1048576), '\\x00'), (3, -0.0, 0, -0.0, NULL, NULL)")
    assert verify(a, b).ok
    pg(b, "UPDATE t SET body = repeat('x', 1048575) || 'y' WHERE id = 2")
    result = table(verify(a, b), "t")
    assert keys(result.changed) == ["2"]


def test_very_long_text_and_blob_across_engines(pg_url: str, tmp_path) -> None:
    body = "ab😀" * 300_000  # 1.8 MB of UTF-8
    pg(pg_url, "CREATE TABLE t (id int PRIMARY KEY, body text, raw bytea)")
    pg(pg_url, "INSERT INTO t VALUES (1, %s, %s)", params=[body, bytes(range(256)) * 100])
    lite = sqlite_db(tmp_path / "t.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT, raw BLOB)",
                     rows={"t": [(1, body, bytes(range(256)) * 100)]})
    assert verify(lite, pg_url).ok
    changed = sqlite_db(tmp_path / "t2.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT, raw BLOB)",
                        rows={"t": [(1, body[:-1] + "!", bytes(range(256)) * 100)]})
    assert keys(table(verify(changed, pg_url), "t").changed) == ["1"]


def test_null_and_the_empty_string_differ(pg_database, tmp_path) -> None:
    a, b = pg_database(), pg_database()
    pg(a, "CREATE TABLE t (id int PRIMARY KEY, s text, raw bytea)", "INSERT INTO t VALUES (1, '', NULL), (2, NULL, '\\x')")
    pg(b, "CREATE TABLE t (id int PRIMARY KEY, s text, raw bytea)", "INSERT INTO t VALUES (1, NULL, NULL), (2, NULL, NULL)")
    result = table(verify(a, b), "t")
    assert keys(result.changed) == ["1", "2"]
    lite = sqlite_db(tmp_path / "t.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, raw BLOB)",
                     rows={"t": [(1, "", None), (2, None, b"")]})
    assert verify(lite, a).ok
    assert keys(table(verify(lite, b), "t").changed) == ["1", "2"]


# ---------------------------------------------------------------- table shapes


def test_empty_tables_are_equal_and_an_empty_side_has_every_row_missing(pg_database, tmp_path) -> None:
    a, b = pg_database(), pg_database()
    for url in (a, b):
        pg(url, "CREATE TABLE t (id int PRIMARY KEY, s text)")
    lite = sqlite_db(tmp_path / "e.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)")
    assert verify(a, b).ok and verify(lite, a).ok
    pg(a, "INSERT INTO t SELECT g, 'v' FROM generate_series(1, 2000) g")
    result = table(verify(a, b), "t")
    assert (result.rows_a, result.rows_b, result.missing_count) == (2000, 0, 2000)
    assert result.extra == [] and result.changed == []
    result = table(verify(lite, a), "t")
    assert result.extra_count == 2000 and result.missing_count == 0


def test_a_table_without_a_primary_key_is_compared_as_a_multiset_of_rows(pg_database, tmp_path) -> None:
    a, b = pg_database(), pg_database()
    pg(a, "CREATE TABLE log (at int, msg text)", "INSERT INTO log VALUES (1, 'x'), (1, 'x'), (1, 'x'), (2, NULL), (3, '')")
    pg(b, "CREATE TABLE log (at int, msg text)", "INSERT INTO log VALUES (3, ''), (1, 'x'), (2, NULL), (1, 'x'), (1, 'x')")
    result = table(verify(a, b), "log")
    assert result.ok and result.mode == "rows" and result.rows_a == 5
    pg(b, "DELETE FROM log WHERE ctid = (SELECT min(ctid) FROM log WHERE at = 1)", "INSERT INTO log VALUES (4, 'new')")
    result = table(verify(a, b), "log")
    assert result.missing == [{"at": "1", "msg": "x"}]
    assert result.extra == [{"at": "4", "msg": "new"}]
    assert result.changed == []
    lite = sqlite_db(tmp_path / "log.db", "CREATE TABLE log (at INTEGER, msg TEXT)",
                     rows={"log": [(1, "x"), (1, "x"), (2, None), (3, ""), (1, "x")]})
    assert verify(lite, a).ok
    assert table(verify(lite, b), "log").missing == [{"at": "1", "msg": "x"}]


def test_composite_keys_in_tuple_order(pg_database, tmp_path) -> None:
    a, b = pg_database(), pg_database()
    for url in (a, b):
        pg(url, "CREATE TABLE m (org int, name text, v int, PRIMARY KEY (org, name))",
           "INSERT INTO m SELECT g % 7, 'n' || g, g FROM generate_series(1, 3000) g")
    pg(b, "UPDATE m SET v = -1 WHERE org = 6 AND name = 'n1000'", "DELETE FROM m WHERE org = 0 AND name = 'n7'",
       "INSERT INTO m VALUES (9, 'zz', 1)")
    result = table(verify(a, b, chunk_rows=100), "m")
    assert result.mode == "range" and result.key == ["org", "name"] and result.chunks > 10
    assert result.changed == [{"org": "6", "name": "n1000"}]
    assert result.missing == [{"org": "0", "name": "n7"}]
    assert result.extra == [{"org": "9", "name": "zz"}]
    rows = [(g % 7, f"n{g}", g) for g in range(1, 3001)]
    lite = sqlite_db(tmp_path / "m.db", "CREATE TABLE m (org INTEGER, name TEXT, v INTEGER, PRIMARY KEY (org, name))",
                     rows={"m": rows})
    assert verify(lite, a, chunk_rows=100).ok
    other = table(verify(lite, b, chunk_rows=100), "m")
    assert (other.changed_count, other.missing_count, other.extra_count) == (1, 1, 1)


def test_text_keys_with_utf8_and_emoji_order_alike_in_both_engines(pg_url: str, tmp_path) -> None:
    names = ["a", "B", "é", "中文", "😀", "z😀", "Ω", "ab", "a b", "~"] + [f"k{i}" for i in range(1200)]
    pg(pg_url, "CREATE TABLE w (name text PRIMARY KEY, n int)")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO w VALUES (%s, %s)", [(name, i) for i, name in enumerate(names)])
    lite = sqlite_db(tmp_path / "w.db", "CREATE TABLE w (name TEXT PRIMARY KEY, n INTEGER)",
                     rows={"w": [(name, i) for i, name in enumerate(names)]})
    result = table(verify(lite, pg_url, chunk_rows=50), "w")
    assert result.ok and result.mode == "range" and result.chunks > 20
    changed_rows = [(name, (i if name != "😀" else -1)) for i, name in enumerate(names) if name != "中文"] + [("ñ", 1)]
    lite2 = sqlite_db(tmp_path / "w2.db", "CREATE TABLE w (name TEXT PRIMARY KEY, n INTEGER)", rows={"w": changed_rows})
    result = table(verify(lite2, pg_url, chunk_rows=50), "w")
    assert keys(result.changed, "name") == ["😀"]
    assert keys(result.missing, "name") == ["ñ"]
    assert keys(result.extra, "name") == ["中文"]


def test_a_key_that_does_not_order_alike_is_compared_in_canonical_order(pg_database, tmp_path) -> None:
    a, b = pg_database(), pg_database()
    for url in (a, b):
        pg(url, "CREATE TABLE ev (at timestamptz PRIMARY KEY, v int)",
           "INSERT INTO ev SELECT timestamptz '2020-01-01' + g * interval '1 hour', g FROM generate_series(1, 500) g")
    pg(b, "UPDATE ev SET v = 0 WHERE at = '2020-01-02 00:00:00+00'")
    result = table(verify(a, b), "ev")
    assert result.mode == "sorted"
    assert keys(result.changed, "at") == ["2020-01-02 00:00:00+00"]


def test_tables_on_one_side_only_are_reported(pg_database, tmp_path) -> None:
    a, b = pg_database(), pg_database()
    pg(a, "CREATE TABLE both_sides (id int PRIMARY KEY)", "CREATE TABLE only_a (id int PRIMARY KEY)")
    pg(b, "CREATE TABLE both_sides (id int PRIMARY KEY)", "CREATE TABLE only_b (id int PRIMARY KEY)")
    result = verify(a, b)
    assert {t.name: t.status for t in result.tables} == {"both_sides": "equal", "only_a": "only in A", "only_b": "only in B"}
    assert not result.ok
    assert verify(a, b, tables=["both_sides"]).ok


def test_a_column_on_one_side_only_is_a_difference(pg_database) -> None:
    a, b = pg_database(), pg_database()
    pg(a, "CREATE TABLE t (id int PRIMARY KEY, s text, extra int)", "INSERT INTO t VALUES (1, 'x', 5)")
    pg(b, "CREATE TABLE t (id int PRIMARY KEY, s text)", "INSERT INTO t VALUES (1, 'x')")
    result = table(verify(a, b), "t")
    assert result.status == "columns differ" and result.columns_only_a == ["extra"]


def test_a_column_only_b_has_loses_nothing_and_is_not_compared(pg_database, tmp_path) -> None:
    # `migrator copy --schema-from` adds the target schema's new columns, filled by their defaults.
    a = sqlite_db(tmp_path / "a.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)", rows={"t": [(1, "x"), (2, "y")]})
    b = pg_database()
    pg(b, "CREATE TABLE t (id int PRIMARY KEY, public_id uuid NOT NULL DEFAULT gen_random_uuid(), s text)",
       "INSERT INTO t (id, s) VALUES (1, 'x'), (2, 'y')")
    result = table(verify(a, b), "t")
    assert result.ok and result.columns_only_b == ["public_id"]
    pg(b, "UPDATE t SET s = 'changed' WHERE id = 2")
    assert keys(table(verify(a, b), "t").changed) == ["2"]


def test_migration_bookkeeping_tables_are_compared_too(pg_database, tmp_path) -> None:
    a = sqlite_db(tmp_path / "a.db", "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)",
                  rows={"alembic_version": [("abc123",)]})
    b = pg_database()
    pg(b, "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)", "INSERT INTO alembic_version VALUES ('abc124')")
    result = verify(a, b)
    assert [t.name for t in result.tables] == ["alembic_version"] and not result.ok


# ---------------------------------------------------------------- options


def test_where_limits_both_sides(pg_database) -> None:
    a, b = pg_database(), pg_database()
    for url in (a, b):
        pg(url, "CREATE TABLE t (id int PRIMARY KEY, s text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g")
    pg(b, "UPDATE t SET s = 'changed' WHERE id = 900")
    assert not verify(a, b).ok
    result = verify(a, b, where="id < 500 AND s LIKE 'v%'")
    assert result.ok and table(result, "t").rows_a == 499
    assert keys(table(verify(a, b, where="id >= 500"), "t").changed) == ["900"]


def test_sample_checks_a_share_of_the_chunks_and_still_counts_every_row(pg_database) -> None:
    a, b = pg_database(), pg_database()
    for url in (a, b):
        pg(url, "CREATE TABLE t (id int PRIMARY KEY, s text)", "INSERT INTO t SELECT g, 'v' FROM generate_series(1, 10000) g")
    pg(b, "UPDATE t SET s = 'w' WHERE id = 5550")  # in chunk 55 of 100: not among the sampled 0, 10, 20 ...
    sampled = table(verify(a, b, sample=10, chunk_rows=100), "t")
    assert (sampled.chunks, sampled.chunks_checked) == (100, 10)
    assert sampled.ok and (sampled.rows_a, sampled.rows_b) == (10000, 10000)
    pg(b, "UPDATE t SET s = 'w' WHERE id = 2050")  # chunk 20: sampled
    assert keys(table(verify(a, b, sample=10, chunk_rows=100), "t").changed) == ["2050"]


# ---------------------------------------------------------------- a million rows


def test_one_changed_one_missing_one_extra_among_a_million_rows(pg_database) -> None:
    a, b = pg_database(), pg_database()
    for url in (a, b):
        pg(url, "CREATE TABLE big (id bigint PRIMARY KEY, name text, amount numeric(12,2), at timestamptz)",
           "INSERT INTO big SELECT g, 'name ' || g, g * 1.25, timestamptz '2020-01-01' + g * interval '1 minute'"
           " FROM generate_series(1, 1000000) g", "ANALYZE big")
    pg(b, "UPDATE big SET amount = amount + 0.01 WHERE id = 123457", "DELETE FROM big WHERE id = 654321",
       "INSERT INTO big VALUES (1000001, 'new', 1, now())")
    result = verify(a, b)
    big = table(result, "big")
    assert (big.rows_a, big.rows_b) == (1_000_000, 1_000_000)
    assert keys(big.changed) == ["123457"]
    assert keys(big.missing) == ["654321"]
    assert keys(big.extra) == ["1000001"]
    assert big.chunks >= 10


def test_one_changed_one_missing_one_extra_between_sqlite_and_postgresql(pg_url: str, tmp_path) -> None:
    n = 100_000
    pg(pg_url, "CREATE TABLE big (id bigint PRIMARY KEY, code uuid, amount numeric(12,2), at timestamptz)",
       f"INSERT INTO big SELECT g, md5(g::text)::uuid, g * 1.25, timestamptz '2020-01-01' + g * interval '1 minute'"
       f" FROM generate_series(1, {n}) g", "ANALYZE big")
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT id, code::text, amount::float8, to_char(at, 'YYYY-MM-DD\"T\"HH24:MI:SSOF') FROM big ORDER BY id").fetchall()
    rows = [r for r in rows if r[0] != 654321 % n] + [(n + 1, None, 1.0, "2021-01-01T00:00:00Z")]
    rows = [(r[0], r[1], r[2] + (0.01 if r[0] == 12345 else 0), r[3]) for r in rows]
    lite = sqlite_db(tmp_path / "big.db", "CREATE TABLE big (id INTEGER PRIMARY KEY, code TEXT, amount DECIMAL(12,2), at DATETIME)",
                     rows={"big": rows})
    big = table(verify(lite, pg_url, chunk_rows=10_000), "big")
    assert keys(big.changed) == ["12345"]
    assert keys(big.missing) == [str(n + 1)]
    assert keys(big.extra) == [str(654321 % n)]


# ---------------------------------------------------------------- the command


def cli(*args: str):
    from migrator.cli import app

    return CliRunner().invoke(app, list(args))


def test_cli_exit_codes_and_json_output(pg_database, tmp_path) -> None:
    a, b = pg_database(), pg_database()
    for url in (a, b):
        pg(url, "CREATE TABLE t (id int PRIMARY KEY, s text)", "INSERT INTO t SELECT g, 'v' FROM generate_series(1, 50) g")
    done = cli("verify", "data", a, b)
    assert done.exit_code == 0, done.output
    assert "t: equal  rows A 50, B 50" in done.output
    pg(b, "UPDATE t SET s = 'w' WHERE id <= 12")
    done = cli("verify", "data", a, b, "--limit", "3")
    assert done.exit_code == 1
    assert done.output.count("changed: id=") == 3 and "9 more changed" in done.output
    out = tmp_path / "report.json"
    done = cli("verify", "data", a, b, "--format", "json", "--output", str(out))
    assert done.exit_code == 1
    report = json.loads(out.read_text())
    assert report["ok"] is False
    assert [k["id"] for k in report["tables"][0]["changed"]] == [str(i) for i in range(1, 13)]
    done = cli("verify", "data", a, b, "--tables", "t", "--where", "id > 12")
    assert done.exit_code == 0, done.output


def test_cli_bad_input_is_one_line_and_exit_2(pg_url: str, tmp_path) -> None:
    pg(pg_url, "CREATE TABLE t (id int PRIMARY KEY)")
    for args, message in (
        (["nonsense", pg_url], "not a database URL"),
        ([f"sqlite:///{tmp_path}/missing.db", pg_url], "no such SQLite database"),
        ([pg_url, pg_url, "--tables", "t,nope"], "unknown table 'nope'"),
        ([pg_url, pg_url, "--where", "no_such_column = 1"], "--where on A"),
        ([pg_url, pg_url, "--sample", "0"], "--sample 0"),
        ([pg_url, pg_url, "--assume-tz", "Mars/Base"], "unknown time zone"),
    ):
        done = subprocess.run([MIGRATOR, "verify", "data", *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("error: ") and message in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr


def test_cli_connection_failure_is_exit_3_with_the_password_masked(pg_url: str) -> None:
    bad = "postgresql://alice:s3cr3t-pw@127.0.0.1:1/nothing"
    done = subprocess.run([MIGRATOR, "verify", "data", bad, pg_url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 3
    assert "s3cr3t-pw" not in done.stderr + done.stdout
    assert "alice:***@127.0.0.1:1" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_leaf_and_split_sizes_are_what_bisection_assumes() -> None:
    # A leaf must be larger than the number of parts, or splitting could stop making progress.
    assert verify_module.LEAF_ROWS > verify_module.SPLIT_PARTS > 1


def test_sparse_integer_keys_make_few_chunks(pg_url: str, tmp_path) -> None:
    pg(pg_url, "CREATE TABLE s (id bigint PRIMARY KEY, v text)",
       "INSERT INTO s VALUES (1, 'a'), (500000000000, 'b'), (999999999999, 'c')")
    lite = sqlite_db(tmp_path / "s.db", "CREATE TABLE s (id INTEGER PRIMARY KEY, v TEXT)",
                     rows={"s": [(1, "a"), (500000000000, "b"), (999999999999, "x")]})
    result = table(verify(lite, pg_url, chunk_rows=10), "s")
    assert result.chunks <= verify_module.MAX_CHUNKS
    assert keys(result.changed) == ["999999999999"]


def test_a_timestamp_key_across_engines_is_compared_in_canonical_order(pg_url: str, tmp_path) -> None:
    pg(pg_url, "CREATE TABLE ev (at timestamptz PRIMARY KEY, v int)",
       "INSERT INTO ev SELECT timestamptz '2020-01-01' + g * interval '1 hour', g FROM generate_series(1, 300) g")
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT to_char(at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI:SS'), v FROM ev").fetchall()
    rows = [(at, v if v != 100 else -1) for at, v in rows if v != 200] + [("2030-01-01 00:00:00", 1)]
    lite = sqlite_db(tmp_path / "ev.db", "CREATE TABLE ev (at DATETIME PRIMARY KEY, v INTEGER)", rows={"ev": rows})
    result = table(verify(lite, pg_url, assume_tz="Europe/Paris"), "ev")
    assert result.mode == "sorted"
    assert keys(result.changed, "at") == ["2020-01-05 04:00:00+00"]
    assert keys(result.extra, "at") == ["2020-01-09 08:00:00+00"]
    assert keys(result.missing, "at") == ["2029-12-31 23:00:00+00"]


def test_progress_is_reported_per_chunk(pg_database) -> None:
    a, b = pg_database(), pg_database()
    for url in (a, b):
        pg(url, "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT g FROM generate_series(1, 1000) g")
    calls: list[tuple[str, int, int]] = []
    verify(a, b, chunk_rows=100, progress=lambda label, done, total: calls.append((label, done, total)))
    assert len(calls) == 10
    assert sorted(done for _, done, _ in calls) == list(range(1, 11))
    assert all(label == "verifying t" and total == 10 for label, _, total in calls)


def test_a_where_that_sqlite_cannot_run_is_bad_input(tmp_path) -> None:
    lite = sqlite_db(tmp_path / "w.db", "CREATE TABLE t (id INTEGER PRIMARY KEY)", rows={"t": [(1,), (2,)]})
    with pytest.raises(verify_module.BadInput, match="--where on A"):
        verify(lite, lite, where="nope = 1")
    assert verify(lite, lite, where="id > 1").ok


def test_two_sqlite_files_with_differences_are_bisected(tmp_path) -> None:
    rows = [(i, f"name {i}", i * 0.5) for i in range(1, 20001)]
    a = sqlite_db(tmp_path / "a.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL)", rows={"t": rows})
    changed = [r for r in rows if r[0] != 777] + [(30000, "new", 1.0)]
    changed = [(i, "other" if i == 15000 else n, s) for i, n, s in changed]
    b = sqlite_db(tmp_path / "b.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL)", rows={"t": changed})
    result = table(verify(a, b, chunk_rows=5000), "t")
    assert (keys(result.missing), keys(result.extra), keys(result.changed)) == (["777"], ["30000"], ["15000"])
    assert (result.rows_a, result.rows_b) == (20000, 20000)


def test_postgresql_tables_in_a_single_schema_other_than_public_match_sqlite_main(pg_url: str, tmp_path) -> None:
    pg(pg_url, "CREATE SCHEMA app", "CREATE TABLE app.t (id int PRIMARY KEY, s text)", "INSERT INTO app.t VALUES (1, 'x')")
    lite = sqlite_db(tmp_path / "t.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)", rows={"t": [(1, "x")]})
    result = verify(lite, pg_url)
    assert [(t.name, t.status) for t in result.tables] == [("t", "equal")]


def test_text_keys_under_a_linguistic_collation_are_compared_in_canonical_order(pg_url: str, tmp_path) -> None:
    with psycopg.connect(pg_url) as conn:
        icu = conn.execute("SELECT collname FROM pg_collation WHERE collname = 'und-x-icu'").fetchone()
    if icu is None:
        pytest.skip("this PostgreSQL has no ICU collations")
    names = ["a", "B", "b", "A", "é", "e", "😀", "z"]
    pg(pg_url, 'CREATE TABLE w (name text COLLATE "und-x-icu" PRIMARY KEY, n int)')
    with psycopg.connect(pg_url, autocommit=True) as conn:
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO w VALUES (%s, %s)", [(name, i) for i, name in enumerate(names)])
    rows = [(name, i if name != "é" else -1) for i, name in enumerate(names)]
    lite = sqlite_db(tmp_path / "w.db", "CREATE TABLE w (name TEXT PRIMARY KEY, n INTEGER)",
                     rows={"w": [r for r in rows if r[0] != "B"]})
    result = table(verify(lite, pg_url), "w")
    assert result.mode == "sorted"
    assert keys(result.changed, "name") == ["é"]
    assert keys(result.extra, "name") == ["B"]


def test_a_sqlite_nocase_key_is_compared_in_canonical_order(tmp_path) -> None:
    rows = [(name, i) for i, name in enumerate(["a", "B", "c", "D", "e"] + [f"k{i}" for i in range(100)])]
    nocase = sqlite_db(tmp_path / "n.db", "CREATE TABLE w (name TEXT COLLATE NOCASE PRIMARY KEY, n INTEGER)", rows={"w": rows})
    binary = sqlite_db(tmp_path / "b.db", "CREATE TABLE w (name TEXT PRIMARY KEY, n INTEGER)",
                       rows={"w": [(name, -1 if name == "D" else n) for name, n in rows]})
    result = table(verify(nocase, binary, chunk_rows=2), "w")
    assert result.mode == "sorted"
    assert keys(result.changed, "name") == ["D"] and result.missing == [] and result.extra == []


def test_upper_case_sqlite_uuid_keys_are_compared_in_canonical_order(pg_url: str, tmp_path) -> None:
    pg(pg_url, "CREATE TABLE u (id uuid PRIMARY KEY, n int)",
       "INSERT INTO u SELECT md5(g::text)::uuid, g FROM generate_series(1, 2000) g")
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT id::text, n FROM u").fetchall()
    upper = sqlite_db(tmp_path / "upper.db", "CREATE TABLE u (id TEXT PRIMARY KEY, n INTEGER)",
                      rows={"u": [(i.upper() if n % 2 else i, n) for i, n in rows]})
    lower = sqlite_db(tmp_path / "lower.db", "CREATE TABLE u (id TEXT PRIMARY KEY, n INTEGER)", rows={"u": rows})
    mixed = table(verify(upper, pg_url, chunk_rows=100), "u")
    assert mixed.mode == "sorted" and mixed.ok, mixed.to_dict()
    ranged = table(verify(lower, pg_url, chunk_rows=100), "u")
    assert ranged.mode == "range" and ranged.ok and ranged.chunks >= 20


def test_a_double_stored_as_real_has_lost_bits_and_differs(pg_url: str, tmp_path) -> None:
    # pgloader casts SQLite's REAL (8 bytes) to real (4 bytes): 0.64560410066301 comes back 0.6456041.
    lite = sqlite_db(tmp_path / "f.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, progress REAL)",
                     rows={"t": [(1, 0.64560410066301), (2, 0.5)]})
    pg(pg_url, "CREATE TABLE t (id int PRIMARY KEY, progress real)", "INSERT INTO t VALUES (1, 0.64560410066301), (2, 0.5)")
    result = table(verify(lite, pg_url), "t")
    assert result.kinds["progress"] == "float" and keys(result.changed) == ["1"]
