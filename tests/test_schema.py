"""The schema model: equality ignores origins, the JSON snapshot is stable and round-trips."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator import schema as m
from migrator.types import enum_type

from .conftest import REPO

SNAPSHOT_SCHEMA = json.loads((REPO / "schemas" / "schema-snapshot.v1.json").read_text())

names = st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True)
sql_types = st.one_of(
    st.builds(m.SqlType, st.sampled_from(["integer", "bigint", "text", "uuid", "jsonb", "boolean"]), array=st.booleans()),
    st.builds(m.SqlType, st.just("varchar"), length=st.integers(1, 10_000)),
    st.builds(m.SqlType, st.just("numeric"), precision=st.integers(1, 65), scale=st.integers(0, 30)),
    st.builds(m.SqlType, st.just("timestamp"), precision=st.none() | st.integers(0, 6), timezone=st.booleans()),
    st.builds(enum_type, names.map(lambda n: f"public.{n}"), st.booleans()),
)
defaults = st.none() | st.builds(
    m.Default,
    st.sampled_from(["literal", "expression", "sequence", "current_timestamp", "client"]),
    st.text(max_size=20),
)
origins = st.none() | st.builds(m.Origin, st.text(max_size=10), st.none() | st.text(max_size=10), st.none() | st.integers(1, 999))
columns = st.builds(
    m.Column, names, sql_types, st.booleans(), defaults,
    st.none() | st.builds(m.Identity, st.sampled_from(["always", "by_default"]), st.none() | st.integers(1, 9)),
    st.none() | st.text(max_size=10), st.none() | st.text(max_size=10),
    collation=st.none() | st.sampled_from(["C", "public.ci"]), origin=origins,
)


@st.composite
def tables(draw) -> m.Table:
    cols = draw(st.lists(columns, min_size=1, max_size=5, unique_by=lambda c: c.name))
    col_names = tuple(c.name for c in cols)
    index = m.Index(
        draw(names), (m.IndexElement(col_names[0], descending=draw(st.booleans())),),
        unique=draw(st.booleans()), method=draw(st.sampled_from(["btree", "gin"])),
    )
    fk = m.ForeignKey(draw(names), col_names[:1], draw(names), ("id",), "public", draw(st.sampled_from(m.REFERENTIAL_ACTIONS)))
    return m.Table(
        draw(names), tuple(cols), m.PrimaryKey(col_names[:1], draw(st.none() | names)),
        uniques=(m.UniqueConstraint(None, col_names[-1:]),), indexes=(index,), foreign_keys=(fk,),
        checks=(m.CheckConstraint("c", "x > 0"),), comment=draw(st.none() | st.text(max_size=10)), origin=draw(origins),
    )


schemas = st.builds(
    m.Schema,
    st.sampled_from(["postgresql", "sqlite"]),
    st.lists(
        st.builds(
            m.Namespace, names,
            st.lists(tables(), max_size=3, unique_by=lambda t: t.name).map(tuple),
            st.lists(st.builds(m.EnumType, names, st.lists(st.text(max_size=5), max_size=3).map(tuple)), max_size=2, unique_by=lambda e: e.name).map(tuple),
            st.lists(st.builds(m.View, names, st.text(max_size=20), st.booleans()), max_size=2, unique_by=lambda v: v.name).map(tuple),
            st.lists(st.builds(m.Sequence, names), max_size=2, unique_by=lambda s: s.name).map(tuple),
        ),
        max_size=2, unique_by=lambda n: n.name,
    ).map(tuple),
    st.lists(st.builds(m.Extension, names), max_size=2, unique_by=lambda e: e.name).map(tuple),
)


@settings(max_examples=40, deadline=None)
@given(schemas)
def test_snapshot_round_trips_and_validates(schema: m.Schema) -> None:
    text = m.to_json(schema)
    jsonschema.validate(json.loads(text), SNAPSHOT_SCHEMA)
    back = m.from_json(text)
    assert back == schema.canonical()
    assert m.to_json(back) == text  # stable: the text is a function of the model
    # origins are kept by the snapshot even though equality ignores them
    assert [t.origin for _, t in back.tables()] == [t.origin for _, t in schema.canonical().tables()]


def test_equality_ignores_origin() -> None:
    a = m.Column("id", m.SqlType("integer"), origin=m.Origin("postgresql://x", None))
    b = m.Column("id", m.SqlType("integer"), origin=m.Origin("sql:init.sql", "init.sql", 3))
    assert a == b and hash(a) == hash(b)


def test_canonical_order_does_not_depend_on_input_order() -> None:
    t1 = m.Table("b", (m.Column("x", m.SqlType("text")),), indexes=(m.Index("z", (m.IndexElement("x"),)), m.Index("a", (m.IndexElement("x"),))))
    t2 = m.Table("a", (m.Column("y", m.SqlType("text")),))
    one = m.Schema("postgresql", (m.Namespace("public", (t1, t2)),))
    two = m.Schema("postgresql", (m.Namespace("public", (t2, t1)),))
    assert m.to_json(one) == m.to_json(two)
    assert [i.name for i in one.canonical().table("public.b").indexes] == ["a", "z"]


def test_columns_keep_declared_order() -> None:
    t = m.Table("t", (m.Column("z", m.SqlType("text")), m.Column("a", m.SqlType("text"))))
    s = m.Schema("sqlite", (m.Namespace("main", (t,)),)).canonical()
    assert [c.name for c in s.table("t").columns] == ["z", "a"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "line 1 column 2"),
        ('{"format": "other"}', "not a migrator schema snapshot"),
        ('{"format": "migrator.schema", "version": 99, "schema": {}}', "unsupported snapshot version 99"),
        ('{"format": "migrator.schema", "version": 1, "schema": {"dialect": "sqlite", "bogus": 1}}', "unknown field 'bogus'"),
        ('{"format": "migrator.schema", "version": 1, "schema": {"dialect": "sqlite", "namespaces": [{"name": 3}]}}', "schema.namespaces[0].name: expected a string"),
        ('{"format": "migrator.schema", "version": 1, "schema": {"dialect": "sqlite", "namespaces": [{"name": "main", "tables": [{"name": "t", "columns": [{"name": "c", "type": {"name": "text"}, "default": {"kind": "weird", "value": ""}}]}]}]}}', "unknown default kind 'weird'"),
    ],
)
def test_bad_snapshots_say_where(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        m.from_json(text)


def test_default_kinds_are_checked() -> None:
    with pytest.raises(ValueError):
        m.Default("nonsense", "x")
    assert not m.Default("client", "cuid()").reaches_database
    assert m.Default("literal", "0").reaches_database
