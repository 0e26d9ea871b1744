"""PostgreSQL table options, partitions, exclusion constraints and collations through every path.

One fixture (tests/fixtures/render/postgres_table_options.sql) holds each kind; read from a
live database it must survive render_sql (applied to a fresh database, read back equal),
the SQL source (the file applied to a scratch database) and the JSON snapshot, and a
source that cannot describe the kinds (a Prisma schema) must see them as not modeled,
never as drift. The diff cases themselves are tests/fixtures/diff/pg_{exclusion,
partitions, partition_key, unlogged, rls, replica_identity, table_options, collation}.
"""

from __future__ import annotations

import dataclasses

from migrator.inspect import InspectOptions, load
from migrator.inspect.postgres import inspect_url
from migrator.render.sql import render_sql
from migrator.schema import Schema, from_json, to_json
from migrator.verify.diff import compare

from ..conftest import FIXTURES, run_sql

FIXTURE = FIXTURES / "render" / "postgres_table_options.sql"


def read_pg(url: str) -> Schema:
    return inspect_url(url, InspectOptions()).canonical()


def without_origins_and_source(schema: Schema) -> Schema:
    return dataclasses.replace(schema, source="", notes=())


def test_fixture_holds_every_kind(pg_url: str) -> None:
    run_sql(pg_url, FIXTURE.read_text())
    schema = read_pg(pg_url)
    tables = {f"{ns}.{t.name}": t for ns, t in schema.tables()}
    assert tables["public.measurements"].partition_by == "RANGE (at)"
    assert tables["public.m_2025"].partition_by == "LIST (region)"
    assert tables["public.m_2025_eu"].partition_of == "public.m_2025"
    assert tables["public.m_rest"].partition_bound == "DEFAULT"
    assert tables["ops.by_region"].partition_of == "public.measurements"
    assert [x.name for x in tables["public.booking"].exclusions] == ["booking_name_ci", "booking_no_overlap"]
    cache = tables["public.cache"]
    assert (cache.unlogged, cache.row_security, cache.force_row_security, cache.replica_identity) == (
        True, True, True, "index cache_pkey")
    assert tables["ops.audit"].replica_identity == "full"
    assert [c.collation for c in tables["public.booking"].columns] == [None, None, None, "POSIX", "C"]


def test_render_sql_round_trip(pg_url: str, pg_database) -> None:
    run_sql(pg_url, FIXTURE.read_text())
    original = read_pg(pg_url)
    sql = render_sql(original, "postgresql")
    assert "PARTITION OF public.measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" in sql
    second = pg_database()
    run_sql(second, sql)
    assert read_pg(second) == original


def test_sql_source_and_snapshot_carry_them(pg_url: str, tmp_path) -> None:
    run_sql(pg_url, FIXTURE.read_text())
    live = read_pg(pg_url)
    from_file = load(f"sql:{FIXTURE}", InspectOptions(dev_url=pg_url)).canonical()
    assert without_origins_and_source(from_file) == without_origins_and_source(live)
    assert from_json(to_json(live)) == live


def test_sources_that_cannot_describe_them_see_not_modeled_not_drift(pg_url: str) -> None:
    run_sql(pg_url, FIXTURE.read_text())
    live = read_pg(pg_url)
    # What a Prisma schema of this database says: no partitions, options, exclusions or collations.
    stripped = dataclasses.replace(
        live,
        source="prisma:schema.prisma",
        namespaces=tuple(
            dataclasses.replace(
                ns,
                tables=tuple(
                    dataclasses.replace(
                        t, exclusions=(), unlogged=False, partition_by=None, row_security=False,
                        force_row_security=False, replica_identity=None, options=(),
                        columns=tuple(dataclasses.replace(c, collation=None) for c in t.columns),
                    )
                    for t in ns.tables if not t.partition_of
                ),
            )
            for ns in live.namespaces
        ),
    )
    diff = compare(live, stripped)
    assert [c for c in diff.changes if c.kind not in ("drop_check", "drop_extension", "add_check")] == []
    lines = "\n".join(diff.not_modeled)
    for label, count in (("exclusion constraints", 2), ("partitions and partition keys", 6), ("row level security", 2),
                         ("table options (UNLOGGED, REPLICA IDENTITY, storage parameters)", 2), ("column collations", 3)):
        assert f"{label}: not modeled by prisma:schema.prisma ({count} in" in lines, lines
