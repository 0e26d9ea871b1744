"""Hazard assessment: each catalogue entry raised by exactly the changes it names, table-driven."""

from __future__ import annotations

import re

import pytest

from migrator.schema import (
    CheckConstraint, Column, Default, EnumType, ForeignKey, Identity, Index, IndexElement, PrimaryKey, SqlType, Table,
    UniqueConstraint,
)
from migrator.verify.changes import KINDS, Change, Diff
from migrator.verify.hazards import BY_CODE, CATEGORIES, HAZARDS, assess, hazards_of, is_binary_coercible, is_narrowing

T = SqlType


def vc(n: int | None = None) -> SqlType:
    return T("varchar", length=n)


def num(p: int | None = None, s: int | None = None) -> SqlType:
    return T("numeric", precision=p, scale=s)


def col_change(kind: str, old=None, new=None, name: str = "c") -> Change:
    return Change(kind, f"public.t.{name}", "public", "t", name, old=old, new=new)


def table_change(kind: str, old=None, new=None, name: str | None = None) -> Change:
    return Change(kind, f"public.t.{name}" if name else "public.t", "public", "t", name, old=old, new=new)


IDX = Index("t_a_idx", (IndexElement("a"),))
UIDX = Index("t_a_key", (IndexElement("a"),), unique=True)
FK = ForeignKey("t_u_fkey", ("u",), "users", ("id",))
CHECK = CheckConstraint("t_positive", "a > 0")
REQUIRED = Column("c", T("integer"), nullable=False)

CASES = [
    # (id, change, dialect, expected codes)
    ("drop table", table_change("drop_table", old=Table("t")), "postgresql", ("MG101", "MG403")),
    ("drop column", col_change("drop_column", old=Column("c", T("text"))), "sqlite", ("MG102", "MG404")),
    ("varchar shorter", col_change("alter_column_type", vc(200), vc(50)), "postgresql", ("MG103", "MG301")),
    ("varchar shorter on sqlite", col_change("alter_column_type", vc(200), vc(50)), "sqlite", ()),
    ("varchar longer", col_change("alter_column_type", vc(50), vc(200)), "postgresql", ()),
    ("varchar to text", col_change("alter_column_type", vc(50), T("text")), "postgresql", ()),
    ("varchar to unbounded varchar", col_change("alter_column_type", vc(50), vc()), "postgresql", ()),
    ("text to varchar(n)", col_change("alter_column_type", T("text"), vc(20)), "postgresql", ("MG103", "MG301")),
    ("numeric precision down", col_change("alter_column_type", num(12, 2), num(8, 2)), "postgresql", ("MG103", "MG301")),
    ("numeric scale down", col_change("alter_column_type", num(12, 4), num(12, 2)), "postgresql", ("MG103", "MG301")),
    ("numeric precision up", col_change("alter_column_type", num(8, 2), num(12, 2)), "postgresql", ()),
    ("numeric scale up rewrites", col_change("alter_column_type", num(8, 2), num(12, 4)), "postgresql", ("MG301",)),
    ("bigint to integer", col_change("alter_column_type", T("bigint"), T("integer")), "postgresql", ("MG103", "MG301", "MG405")),
    ("integer to bigint", col_change("alter_column_type", T("integer"), T("bigint")), "postgresql", ("MG301", "MG405")),
    ("integer to bigint on sqlite", col_change("alter_column_type", T("integer"), T("bigint")), "sqlite", ("MG405",)),
    ("smallint to integer", col_change("alter_column_type", T("smallint"), T("integer")), "postgresql", ("MG301",)),
    ("text to integer", col_change("alter_column_type", T("text"), T("integer")), "postgresql", ("MG207", "MG301", "MG405")),
    ("enum to text", col_change("alter_column_type", T("enum", enum="public.role"), T("text")), "postgresql", ("MG301", "MG405")),
    ("scalar to array", col_change("alter_column_type", T("text"), T("text", array=True)), "postgresql", ("MG207", "MG301", "MG405")),
    ("timestamp to timestamptz", col_change("alter_column_type", T("timestamp"), T("timestamp", timezone=True)), "postgresql", ("MG301", "MG405")),
    ("fewer fractional seconds", col_change("alter_column_type", T("timestamp", precision=6), T("timestamp", precision=3)), "postgresql", ("MG103", "MG301")),
    ("more fractional seconds", col_change("alter_column_type", T("timestamp", precision=3), T("timestamp")), "postgresql", ()),
    ("drop enum", Change("drop_enum", "public.role", "public", "role", old=EnumType("role", ("a",))), "postgresql", ("MG104", "MG407")),
    ("drop schema", Change("drop_namespace", "audit", "audit"), "postgresql", ("MG105",)),
    ("set not null", col_change("alter_column_nullable", True, False), "postgresql", ("MG201", "MG305", "MG406")),
    ("set not null on sqlite", col_change("alter_column_nullable", True, False), "sqlite", ("MG201", "MG406")),
    ("drop not null", col_change("alter_column_nullable", False, True), "postgresql", ()),
    ("add unique", table_change("add_unique", new=UniqueConstraint("t_a_key", ("a",)), name="t_a_key"), "postgresql", ("MG202", "MG302")),
    ("add unique index", table_change("add_index", new=UIDX, name="t_a_key"), "postgresql", ("MG202", "MG302")),
    ("add plain index", table_change("add_index", new=IDX, name="t_a_idx"), "postgresql", ("MG302",)),
    ("add plain index on sqlite", table_change("add_index", new=IDX, name="t_a_idx"), "sqlite", ()),
    ("add primary key", table_change("add_primary_key", new=PrimaryKey(("id",)), name="t_pkey"), "postgresql", ("MG202", "MG302")),
    ("remove enum value", Change("remove_enum_value", "public.role.guest", "public", "role", "guest"), "postgresql", ("MG203", "MG407")),
    ("add enum value", Change("add_enum_value", "public.role.admin", "public", "role", "admin"), "postgresql", ()),
    ("add required column", col_change("add_column", new=REQUIRED), "postgresql", ("MG204", "MG406")),
    ("add required column with a client default", col_change("add_column", new=Column("c", T("text"), False, Default("client", "cuid()"))), "sqlite", ("MG204", "MG406")),
    ("add required column with a default", col_change("add_column", new=Column("c", T("integer"), False, Default("literal", "0"))), "postgresql", ()),
    ("add nullable column", col_change("add_column", new=Column("c", T("text"))), "postgresql", ()),
    ("add column defaulting to now()", col_change("add_column", new=Column("c", T("timestamp"), True, Default("current_timestamp", "CURRENT_TIMESTAMP"))), "postgresql", ()),
    ("add column with a volatile default", col_change("add_column", new=Column("c", T("uuid"), False, Default("expression", "gen_random_uuid()"))), "postgresql", ("MG306",)),
    ("add serial column", col_change("add_column", new=Column("c", T("integer"), False, Default("sequence", "public.t_c_seq"))), "postgresql", ("MG306",)),
    ("add identity column", col_change("add_column", new=Column("c", T("bigint"), False, identity=Identity("always"))), "postgresql", ("MG306",)),
    ("add volatile column on sqlite", col_change("add_column", new=Column("c", T("text"), True, Default("expression", "random()"))), "sqlite", ()),
    ("add check", table_change("add_check", new=CHECK, name="t_positive"), "postgresql", ("MG205", "MG304")),
    ("add foreign key", table_change("add_foreign_key", new=FK, name="t_u_fkey"), "postgresql", ("MG206", "MG303")),
    ("add foreign key on sqlite", table_change("add_foreign_key", new=FK, name="t_u_fkey"), "sqlite", ("MG206",)),
    ("rename table", Change("rename_table", "public.people", "public", "people", old="persons", new="people"), "postgresql", ("MG401",)),
    ("rename column", col_change("rename_column", "name", "full_name", name="full_name"), "postgresql", ("MG402",)),
    ("drop view", Change("drop_view", "public.v", "public", "v"), "postgresql", ("MG408",)),
    ("add table", table_change("add_table", new=Table("t")), "postgresql", ()),
    ("partition key change", table_change("alter_partition_key", "RANGE (at)", "LIST (kind)"), "postgresql", ("MG106",)),
    ("partition bound change", table_change("alter_partition", "a partition of public.p FOR VALUES IN (1)",
                                            "a partition of public.p FOR VALUES IN (1, 2)"), "postgresql", ("MG208",)),
    ("partition detached", table_change("alter_partition", "a partition of public.p DEFAULT", "not a partition"), "postgresql", ()),
    ("unlogged", table_change("alter_table_logged", "LOGGED", "UNLOGGED"), "postgresql", ()),
    ("comment", col_change("alter_column_comment", None, "x"), "postgresql", ()),
]


@pytest.mark.parametrize(("change", "dialect", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hazards_raised_by_each_change(change: Change, dialect: str, expected: tuple[str, ...]) -> None:
    assert hazards_of(change, dialect) == expected
    diff = assess(Diff("a", "b", (change,)), dialect)
    assert diff.changes[0].hazards == expected


def test_changes_on_added_tables_enums_and_schemas_raise_nothing() -> None:
    changes = (
        Change("add_namespace", "audit", "audit"),
        Change("add_table", "audit.log", "audit", "log", new=Table("log")),
        Change("add_foreign_key", "audit.log.fk", "audit", "log", "fk", new=FK),
        Change("add_table", "public.t", "public", "t", new=Table("t")),
        table_change("add_index", new=IDX, name="t_a_idx"),
        table_change("add_check", new=CHECK, name="t_positive"),
        col_change("add_column", new=REQUIRED),
        Change("add_enum", "public.role", "public", "role", new=EnumType("role", ("a",))),
        Change("add_enum_value", "public.role.b", "public", "role", "b"),
        # An existing table beside them is assessed as usual.
        Change("add_index", "public.u.u_idx", "public", "u", "u_idx", new=IDX),
    )
    diff = assess(Diff("a", "b", changes), "postgresql")
    assert [c.hazards for c in diff.changes] == [()] * 9 + [("MG302",)]


def test_possible_renames_raise_nothing() -> None:
    guess = Change("rename_column", "public.t.full_name", "public", "t", "full_name", old="name", new="full_name", possible=True)
    assert assess(Diff("a", "b", (guess,)), "postgresql").changes[0].hazards == ()


def test_assess_keeps_everything_else() -> None:
    change = col_change("drop_column", old=Column("c", T("text"))).with_severity("warning")
    diff = Diff("a", "b", (change,), not_modeled=("views: not modeled",), notes=("n",), out_of_scope=("public.x: not in TO",))
    out = assess(diff, "postgresql")
    assert out.changes[0].severity == "warning" and out.changes[0].hazards == ("MG102", "MG404")
    assert (out.source_from, out.source_to, out.not_modeled, out.notes, out.out_of_scope) == (
        "a", "b", ("views: not modeled",), ("n",), ("public.x: not in TO",))
    assert assess(out, "postgresql") == out


def test_catalogue_is_well_formed() -> None:
    prefixes = {"destructive": "MG1", "data-dependent": "MG2", "locking": "MG3", "incompatible": "MG4"}
    assert set(prefixes) == set(CATEGORIES)
    codes = [h.code for h in HAZARDS]
    assert codes == sorted(codes) and len(set(codes)) == len(codes) == len(BY_CODE)
    for h in HAZARDS:
        assert re.fullmatch(r"MG[1-4]\d\d", h.code)
        assert h.code.startswith(prefixes[h.category]), h.code
        assert h.title and "\n" not in h.title and h.explanation and h.raised_by
        assert h.kinds and all(k in KINDS for k in h.kinds), h.code
    assert {h.code for h in HAZARDS if h.category == "locking"} == {h.code for h in HAZARDS if h.dialects == ("postgresql",)}


def test_every_code_is_raised_by_some_case() -> None:
    raised = {code for case in CASES for code in case[3]}
    assert raised == set(BY_CODE)


@pytest.mark.parametrize(
    ("old", "new", "narrowing", "coercible"),
    [
        (vc(10), vc(5), True, False),
        (vc(10), vc(10), False, True),
        (vc(), vc(10), True, False),
        (T("char", length=10), T("char", length=20), False, False),
        (T("varbit", length=4), T("varbit", length=8), False, True),
        (num(), num(10, 2), True, False),
        (num(10, 2), num(), False, True),
        (T("double"), T("real"), True, False),
        (T("interval", precision=6), T("interval", precision=2), True, False),
        (T("varchar", length=5, array=True), T("varchar", length=9, array=True), False, False),
        (T("varchar", array=True), T("text", array=True), False, True),
    ],
)
def test_type_predicates(old: SqlType, new: SqlType, narrowing: bool, coercible: bool) -> None:
    assert is_narrowing(old, new) is narrowing
    assert is_binary_coercible(old, new) is coercible
