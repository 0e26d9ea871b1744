"""compare() on PostgreSQL table options, partitions, exclusion constraints and collations.

The SQL-level cases are tests/fixtures/diff/pg_{exclusion, partitions, partition_key,
unlogged, rls, replica_identity, table_options, collation}; these pin the rules down on
the model: what is one change, what is none, and what a source that cannot describe the
kinds (Prisma, SQLite) sees instead (not modeled, never drift).
"""

from __future__ import annotations

import dataclasses

from migrator.schema import Column, ExclusionConstraint, IndexElement, Namespace, Schema, SqlType, Table
from migrator.verify.diff import compare

INT = SqlType("integer")
TEXT = SqlType("text")


def pg(*tables: Table, source: str = "postgresql://db") -> Schema:
    return Schema("postgresql", (Namespace("public", tables=tables),), source=source)


def kinds(diff) -> list[tuple[str, str]]:
    return [(c.kind, c.path) for c in diff.changes if not c.possible]


PEOPLE = Table("people", (Column("id", INT), Column("name", TEXT)))
CI = ExclusionConstraint("people_name_ci", (IndexElement(expression="lower(name)"),), ("=",), method="btree")


def test_an_exclusion_constraint_is_compared_by_its_index_and_operators() -> None:
    with_ci = dataclasses.replace(PEOPLE, exclusions=(CI,))
    assert kinds(compare(pg(PEOPLE), pg(with_ci))) == [("add_exclusion", "public.people.people_name_ci")]
    # Casts and parentheses PostgreSQL adds when it prints an expression are no difference.
    spelled = dataclasses.replace(CI, elements=(IndexElement(expression="(lower((name)::text))"),))
    assert compare(pg(with_ci), pg(dataclasses.replace(PEOPLE, exclusions=(spelled,)))).clean
    renamed = dataclasses.replace(PEOPLE, exclusions=(dataclasses.replace(CI, name="people_ci"),))
    assert kinds(compare(pg(with_ci), pg(renamed))) == [("rename_constraint", "public.people.people_name_ci")]
    other_operator = dataclasses.replace(PEOPLE, exclusions=(dataclasses.replace(CI, operators=("<>",)),))
    assert kinds(compare(pg(with_ci), pg(other_operator))) == [
        ("add_exclusion", "public.people.people_name_ci"), ("drop_exclusion", "public.people.people_name_ci")]


def test_partitions_are_tables_and_their_bounds_and_keys_are_compared() -> None:
    parent = Table("events", (Column("at", INT),), partition_by="RANGE (at)")
    p1 = Table("events_1", (Column("at", INT),), partition_of="public.events", partition_bound="FOR VALUES FROM (0) TO (10)")
    p2 = Table("events_2", (Column("at", INT),), partition_of="public.events", partition_bound="DEFAULT")
    wider = dataclasses.replace(p1, partition_bound="FOR VALUES FROM (0) TO (20)")
    rekeyed = dataclasses.replace(parent, partition_by="LIST (at)")
    diff = compare(pg(parent, p1), pg(rekeyed, wider, p2))
    assert kinds(diff) == [
        ("alter_partition_key", "public.events"),
        ("alter_partition", "public.events_1"),
        ("add_table", "public.events_2"),
    ]
    assert diff.changes[1].message == (
        "table public.events_1 is a partition of public.events FOR VALUES FROM (0) TO (10) in FROM, "
        "a partition of public.events FOR VALUES FROM (0) TO (20) in TO")
    assert diff.changes[0].reverse().new == "RANGE (at)"


def test_table_options_are_one_change_each() -> None:
    plain = Table("t", (Column("id", INT),))
    tuned = dataclasses.replace(plain, unlogged=True, row_security=True, force_row_security=True,
                                replica_identity="full", options=("fillfactor=70",))
    diff = compare(pg(plain), pg(tuned))
    assert [(c.kind, c.old, c.new) for c in diff.changes] == [
        ("alter_table_logged", "LOGGED", "UNLOGGED"),
        ("alter_row_security", "disabled", "enabled, forced"),
        ("alter_replica_identity", "default", "full"),
        ("alter_table_options", "none", "(fillfactor=70)"),
    ]
    assert [(c.kind, c.old, c.new) for c in diff.reverse().changes][0] == ("alter_table_logged", "UNLOGGED", "LOGGED")


def test_a_column_collation() -> None:
    c = dataclasses.replace(PEOPLE, columns=(Column("id", INT), Column("name", TEXT, collation="C")))
    diff = compare(pg(PEOPLE), pg(c))
    assert [(x.kind, x.path, x.old, x.new) for x in diff.changes] == [
        ("alter_column_collation", "public.people.name", "default", "C")]


def test_prisma_and_sqlite_see_them_as_not_modeled() -> None:
    parent = Table("events", (Column("at", INT, collation="C"),), partition_by="RANGE (at)", unlogged=False,
                   row_security=True, exclusions=(dataclasses.replace(CI, elements=(IndexElement("at"),)),))
    part = Table("events_1", (Column("at", INT, collation="C"),), partition_of="public.events", partition_bound="DEFAULT")
    live = pg(parent, part)
    prisma = pg(Table("events", (Column("at", INT),)), source="prisma:schema.prisma")
    diff = compare(live, prisma)
    assert diff.clean
    assert diff.not_modeled == (
        "column collations: not modeled by prisma:schema.prisma (1 in postgresql://db)",
        "exclusion constraints: not modeled by prisma:schema.prisma (1 in postgresql://db)",
        "partitions and partition keys: not modeled by prisma:schema.prisma (2 in postgresql://db)",
        "row level security: not modeled by prisma:schema.prisma (1 in postgresql://db)",
    )
    sqlite = Schema("sqlite", (Namespace("main", tables=(Table("events", (Column("at", INT),)),)),), source="sqlite:///x.db")
    assert kinds(compare(live, sqlite)) == []
