"""Three-way drift: one row per disagreement, with what the target, the live database and the legacy models say."""

from __future__ import annotations

from migrator.inspect import load
from migrator.schema import Column, Namespace, PrimaryKey, Schema, SqlType, Table
from migrator.verify.drift import ABSENT, three_way

from ..conftest import EXAMPLES


def schema(source: str, *columns: Column) -> Schema:
    table = Table("users", (Column("id", SqlType("integer"), nullable=False),) + columns, primary_key=PrimaryKey(("id",), "users_pkey"))
    return Schema("postgresql", (Namespace("public", tables=(table,)),), source=source)


def test_each_side_is_shown_against_the_target() -> None:
    target = schema("prisma:s.prisma", Column("email", SqlType("text"), nullable=False))
    live = schema("postgresql://db", Column("email", SqlType("text"), nullable=True))
    legacy = schema("drizzle:db", Column("email", SqlType("varchar", length=80), nullable=False), Column("age", SqlType("integer")))
    result = three_way(live, legacy, target)
    rows = [(r.path, r.aspect, r.target, r.live, r.legacy) for r in result.rows]
    assert rows == [
        ("public.users.age", "column", ABSENT, ABSENT, "present"),
        ("public.users.email", "nullable", "NOT NULL", "nullable", "NOT NULL"),
        ("public.users.email", "type", "text", "text", "varchar(80)"),
    ]
    assert result.rows[1].disagreeing == ("live",)
    assert result.sources == {"target": "prisma:s.prisma", "live": "postgresql://db", "legacy": "drizzle:db"}


def test_agreement_is_clean() -> None:
    same = schema("x")
    assert three_way(same, same, same).clean


def test_tutorme_live_legacy_target() -> None:
    tutorme = EXAMPLES / "tutorme"
    result = three_way(
        live=load(str(tutorme / "prisma" / "migrations")),
        legacy=load(f"drizzle:{tutorme / 'src' / 'lib' / 'db' / 'schema'}"),
        target=load(f"prisma:{tutorme / 'prisma' / 'schema.prisma'}"),
        partial="legacy",
    )
    assert [(r.path, r.aspect, r.disagreeing) for r in result.rows] == [
        ("public.BookingStatus.NO_SHOW", "enum value", ("legacy",)),
        ("public.Review.Review_tutorId_createdAt_idx", "index", ("legacy",)),
        ("public.bookings.endsAt", "nullable", ("legacy",)),
        ("public.tutor_profiles.headline", "type", ("legacy",)),
    ]


def test_a_partial_target_leaves_the_tables_it_lacks_out_of_scope() -> None:
    """The access-layer view: Prisma (legacy) is being replaced by Drizzle (target), ported table by table."""
    tutorme = EXAMPLES / "tutorme"
    result = three_way(
        live=load(str(tutorme / "prisma" / "migrations")),
        legacy=load(f"prisma:{tutorme / 'prisma' / 'schema.prisma'}"),
        target=load(f"drizzle:{tutorme / 'src' / 'lib' / 'db' / 'schema'}"),
        partial="target",
    )
    assert len(result.rows) == 4
    assert {r.disagreeing for r in result.rows} == {("live", "legacy")}
    assert "public.payouts: not in FROM" in result.diffs["live"].out_of_scope
