"""compare(): matching, normalization ("no false drift"), renames, partial sides, not-modeled kinds.

The SQL-level cases (a.sql/b.sql applied to real databases, emitted DDL re-diffed) live in
test_diff_cases.py; these pin each rule down on the model itself.
"""

from __future__ import annotations

import dataclasses

import pytest

from migrator.inspect import load
from migrator.schema import (
    CheckConstraint, Column, Default, ForeignKey, Identity, Index, IndexElement, Namespace, PrimaryKey,
    Schema, Sequence, SqlType, Table, UniqueConstraint, EnumType, View,
)
from migrator.verify.diff import CompareOptions, compare

from ..conftest import EXAMPLES

INT = SqlType("integer")
TEXT = SqlType("text")


def pg(*tables: Table, enums=(), sequences=(), views=(), source="postgresql://db", ns="public") -> Schema:
    return Schema("postgresql", (Namespace(ns, tables=tables, enums=enums, sequences=sequences, views=views),), source=source)


def users(*extra: Column, **fields) -> Table:
    cols = (Column("id", INT, nullable=False), Column("email", TEXT, nullable=False)) + extra
    return Table("users", cols, primary_key=PrimaryKey(("id",), "users_pkey"), **fields)


def kinds(diff) -> list[tuple[str, str]]:
    return [(c.kind, c.path) for c in diff.changes]


def test_equal_schemas_have_no_changes() -> None:
    assert compare(pg(users()), pg(users())).clean


def test_added_dropped_and_altered_columns() -> None:
    a = pg(users(Column("name", TEXT)))
    b = pg(users(Column("age", INT), Column("name", SqlType("varchar", length=80), nullable=False)))
    diff = compare(a, b)
    assert kinds(diff) == [
        ("add_column", "public.users.age"),
        ("alter_column_type", "public.users.name"),
        ("alter_column_nullable", "public.users.name"),
    ]
    change = diff.changes[1]
    assert (change.old, change.new, change.severity) == (TEXT, SqlType("varchar", length=80), "error")
    assert change.message == "column public.users.name is text in FROM, varchar(80) in TO"
    assert change.reverse().old == SqlType("varchar", length=80)


def test_output_order_is_deterministic() -> None:
    a = pg(users(), Table("b"), Table("a"))
    b = pg(users(Column("z", INT), Column("y", INT)))
    first = kinds(compare(a, b))
    assert first == sorted(first, key=lambda k: k[1])
    assert first == kinds(compare(a, b))


# -- no false drift ----------------------------------------------------------------


def test_client_defaults_are_never_compared_with_database_defaults() -> None:
    a = pg(users(Column("token", TEXT, default=Default("client", "cuid()"))))
    b = pg(users(Column("token", TEXT)))
    assert compare(a, b).clean


def test_serial_equals_a_by_default_identity_but_not_an_always_identity() -> None:
    serial = pg(
        Table("t", (Column("id", INT, nullable=False, default=Default("sequence", "public.t_id_seq")),)),
        sequences=(Sequence("t_id_seq", "integer", owned_by="t.id"),),
    )
    by_default = pg(Table("t", (Column("id", INT, nullable=False, identity=Identity("by_default", 1, 1)),)))
    always = pg(Table("t", (Column("id", INT, nullable=False, identity=Identity("always", 1, 1)),)))
    assert compare(serial, by_default).clean
    assert kinds(compare(serial, always)) == [("alter_column_identity", "public.t.id")]


def test_a_serial_sequence_named_differently_is_the_same_serial() -> None:
    def table(seq: str) -> Schema:
        return pg(Table("t", (Column("id", INT, nullable=False, default=Default("sequence", f"public.{seq}")),)),
                  sequences=(Sequence(seq, "integer", owned_by="t.id"),))

    assert compare(table("t_id_seq"), table("t_id_seq1")).clean


@pytest.mark.parametrize(
    ("left", "right", "column_type"),
    [
        (Default("literal", "'{}'"), Default("expression", "ARRAY[]"), SqlType("text", array=True)),
        (Default("literal", "'{a,b}'"), Default("expression", "ARRAY['a', 'b']"), SqlType("text", array=True)),
        (Default("literal", "'5'"), Default("literal", "5"), INT),
        (Default("literal", "2.00"), Default("literal", "2"), SqlType("numeric", precision=4, scale=2)),
        (Default("literal", "'t'"), Default("literal", "true"), SqlType("boolean")),
        (Default("expression", "(lower('X'::text))"), Default("expression", "lower('X')"), TEXT),
    ],
)
def test_spellings_of_one_default_are_equal(left: Default, right: Default, column_type: SqlType) -> None:
    a = pg(users(Column("v", column_type, default=left)))
    b = pg(users(Column("v", column_type, default=right)))
    assert compare(a, b).clean


def test_a_unique_constraint_equals_a_unique_index_on_the_same_columns() -> None:
    a = pg(users(uniques=(UniqueConstraint("users_email_key", ("email",)),)))
    b = pg(users(indexes=(Index("users_email_key", (IndexElement("email"),), unique=True),)))
    # Equal for drift; an info change still lets the fix make what TO has.
    assert compare(a, b).at_or_above("warning") == ()
    assert [(ch.kind, ch.severity) for ch in compare(a, b).changes] == [("alter_unique_kind", "info")]
    # Named differently: the database does not care, the diff says so quietly. No rename comes
    # with it: the fix drops FROM's constraint under its own name and creates TO's index.
    c = pg(users(indexes=(Index("User_email_key", (IndexElement("email"),), unique=True),)))
    assert [(ch.kind, ch.severity) for ch in compare(a, c).changes] == [("alter_unique_kind", "info")]


def test_unnamed_and_truncated_names_match_by_structure() -> None:
    fk = ForeignKey(None, ("org_id",), "orgs", ("id",))
    long = "a" * 70
    a = pg(users(Column("org_id", INT), foreign_keys=(fk,), checks=(CheckConstraint(long, "(org_id > 0)"),)))
    b = pg(users(Column("org_id", INT), foreign_keys=(dataclasses.replace(fk, name="users_org_id_fkey", ref_schema="public"),),
                 checks=(CheckConstraint("a" * 63, "org_id > 0"),)))
    assert compare(a, b).clean


def test_nulls_order_defaults_and_predicate_casts_do_not_count() -> None:
    a = pg(users(indexes=(Index("i", (IndexElement("email", descending=True),), where="email <> ''::text"),)))
    b = pg(users(indexes=(Index("i", (IndexElement("email", descending=True, nulls_first=True),), where="(email <> '')"),)))
    assert compare(a, b).clean
    c = pg(users(indexes=(Index("i", (IndexElement("email", descending=True, nulls_first=False),), where="email <> ''"),)))
    assert sorted(kinds(compare(a, c))) == [("add_index", "public.users.i"), ("drop_index", "public.users.i")]


def test_sqlite_affinity_when_one_side_is_sqlite() -> None:
    # SQLite's INTEGER PRIMARY KEY numbers rows itself, as an identity column does.
    auto_id = Column("id", INT, nullable=False, identity=Identity("by_default", 1, 1))
    a = pg(Table("users", (auto_id, Column("email", TEXT, nullable=False), Column("name", SqlType("varchar", length=80)),
                           Column("n", SqlType("bigint"))), primary_key=PrimaryKey(("id",), "users_pkey")))
    b = Schema("sqlite", (Namespace("main", tables=(Table("users", (
        Column("id", INT, nullable=False, identity=Identity("rowid")), Column("email", TEXT, nullable=False),
        Column("name", TEXT), Column("n", INT)), primary_key=PrimaryKey(("id",))),)),), source="sqlite:///x.db")
    assert compare(a, b).clean
    c = dataclasses.replace(b, namespaces=(Namespace("main", tables=(Table("users", (
        Column("id", INT, nullable=False, identity=Identity("rowid")), Column("email", TEXT, nullable=False),
        Column("name", SqlType("real")), Column("n", INT)), primary_key=PrimaryKey(("id",))),)),))
    assert kinds(compare(a, c)) == [("alter_column_type", "public.users.name")]


def test_primary_key_columns_are_not_null_whatever_a_source_says() -> None:
    a = pg(Table("t", (Column("code", TEXT, nullable=True),), primary_key=PrimaryKey(("code",), "t_pkey")))
    b = pg(Table("t", (Column("code", TEXT, nullable=False),), primary_key=PrimaryKey(("code",), "t_pkey")))
    assert compare(a, b).clean


# -- enums, views, sequences -------------------------------------------------------


def test_enum_values_added_removed_and_reordered() -> None:
    a = pg(enums=(EnumType("status", ("new", "paid", "gone")),))
    b = pg(enums=(EnumType("status", ("paid", "new", "shipped")),))
    diff = compare(a, b)
    assert kinds(diff) == [
        ("reorder_enum_values", "public.status"),
        ("remove_enum_value", "public.status.gone"),
        ("add_enum_value", "public.status.shipped"),
    ]
    added = diff.changes[2]
    assert added.get("after") == "new" and added.get("before") is None


def test_views_and_free_sequences() -> None:
    a = pg(views=(View("v", "SELECT 1"),), sequences=(Sequence("invoice_no", "bigint", start=1000),))
    b = pg(views=(View("v", "select 1;"),), sequences=(Sequence("invoice_no", "bigint", start=5000),))
    assert kinds(compare(a, b)) == [("alter_sequence", "public.invoice_no")]


# -- renames -------------------------------------------------------------------------


def test_a_drop_and_add_of_the_same_type_is_a_possible_rename() -> None:
    a = pg(users(Column("name", TEXT)))
    b = pg(users(Column("full_name", TEXT)))
    diff = compare(a, b)
    assert kinds(diff) == [
        ("add_column", "public.users.full_name"),
        ("rename_column", "public.users.full_name"),
        ("drop_column", "public.users.name"),
    ]
    hint = diff.changes[1]
    assert hint.possible and hint.severity == "info"
    assert 'renames: "public.users.name" = "public.users.full_name"' in hint.message
    assert [c.kind for c in diff.at_or_above("error")] == ["add_column", "drop_column"]


def test_a_confirmed_rename_is_one_change() -> None:
    a = pg(users(Column("name", TEXT)), Table("people", (Column("id", INT),)))
    b = pg(users(Column("full_name", TEXT)), Table("persons", (Column("id", INT),)))
    options = CompareOptions(renames=(("public.users.name", "public.users.full_name"), ("public.people", "public.persons")))
    diff = compare(a, b, options)
    assert kinds(diff) == [("rename_table", "public.persons"), ("rename_column", "public.users.full_name")]
    assert not any(c.possible for c in diff.changes)
    back = diff.changes[1].reverse()
    assert (back.path, back.old, back.new) == ("public.users.name", "full_name", "name")


# -- options and capabilities ------------------------------------------------------


def test_ignore_patterns_and_severity_overrides() -> None:
    a = pg(users(Column("v", INT, default=Default("literal", "1"))), Table("spatial_ref_sys"))
    b = pg(users(Column("v", INT, default=Default("literal", "2"))))
    options = CompareOptions(ignore=("public.spatial_ref_sys",), severity=(("alter_column_default", "info"),))
    diff = compare(a, b, options)
    assert [(c.kind, c.severity) for c in diff.changes] == [("alter_column_default", "info")]


def test_what_a_source_cannot_describe_is_not_modeled_not_drift() -> None:
    live = pg(users(checks=(CheckConstraint("users_email_check", "email <> ''"),)), views=(View("v", "select 1"),))
    prisma = pg(users(), source="prisma:schema.prisma")
    diff = compare(live, prisma)
    assert diff.clean
    assert diff.not_modeled == (
        "check constraints: not modeled by prisma:schema.prisma (1 in postgresql://db)",
        "views: not modeled by prisma:schema.prisma (1 in postgresql://db)",
    )


def test_a_partial_side_leaves_whole_objects_out_of_scope() -> None:
    a = pg(users(), Table("payouts"), enums=(EnumType("payout_status", ("a",)),))
    b = pg(users(Column("extra", INT)))
    diff = compare(a, b, CompareOptions(partial="to"))
    assert kinds(diff) == [("add_column", "public.users.extra")]
    assert diff.out_of_scope == ("public.payout_status: not in TO", "public.payouts: not in TO")


def test_tutorme_prisma_vs_drizzle_shows_exactly_the_deliberate_drifts() -> None:
    tutorme = EXAMPLES / "tutorme"
    prisma = load(f"prisma:{tutorme / 'prisma' / 'schema.prisma'}")
    drizzle = load(f"drizzle:{tutorme / 'src' / 'lib' / 'db' / 'schema'}")
    diff = compare(prisma, drizzle, CompareOptions(partial="to"))
    assert kinds(diff) == [
        ("remove_enum_value", "public.BookingStatus.NO_SHOW"),
        ("drop_index", "public.Review.Review_tutorId_createdAt_idx"),
        ("alter_column_nullable", "public.bookings.endsAt"),
        ("alter_column_type", "public.tutor_profiles.headline"),
    ]
    assert "public.payouts: not in TO" in diff.out_of_scope


def test_tutorme_prisma_schema_equals_its_migrations() -> None:
    tutorme = EXAMPLES / "tutorme" / "prisma"
    assert compare(load(str(tutorme / "migrations")), load(f"prisma:{tutorme / 'schema.prisma'}")).clean


def test_a_prisma_schema_without_extensions_says_nothing_about_them() -> None:
    """Regression (documenso): its migrations create pg_trgm by hand; the schema has no `extensions`."""
    from migrator.schema import Extension

    live = dataclasses.replace(pg(users()), extensions=(Extension("pg_trgm"),))
    prisma = pg(users(), source="prisma:schema.prisma")
    diff = compare(live, prisma)
    assert diff.clean
    assert diff.not_modeled == ("extensions: not modeled by prisma:schema.prisma (1 in postgresql://db)",)
    declared = dataclasses.replace(prisma, extensions=(Extension("citext"),))
    assert sorted(kinds(compare(live, declared))) == [("add_extension", "citext"), ("drop_extension", "pg_trgm")]
