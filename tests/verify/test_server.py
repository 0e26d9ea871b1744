"""compare() asks a real PostgreSQL server whether two default expressions are one (migrator.verify.canonical)."""

from __future__ import annotations

import pytest

from migrator.errors import ConnectionFailed
from migrator.schema import Column, Default, Namespace, Schema, SqlType, Table
from migrator.verify.diff import CompareOptions, compare


def one_column(default: Default, type_: SqlType) -> Schema:
    return Schema("postgresql", (Namespace("public", tables=(Table("t", (Column("v", type_, default=default),)),)),), source="x")


@pytest.mark.parametrize(
    ("left", "right", "type_", "same"),
    [
        (Default("expression", "now() + '1 day'::interval"), Default("expression", "CURRENT_TIMESTAMP + interval '1 day'"), SqlType("timestamp", timezone=True), True),
        # `LOWER( 'ABC' )` is settled by the text key now (tests/verify/test_canonical.py); a
        # schema-qualified call is not.
        (Default("expression", "lower('ABC')"), Default("expression", "pg_catalog.lower( 'ABC' )"), SqlType("text"), True),
        (Default("expression", "1 + 1"), Default("expression", "2"), SqlType("integer"), False),
        (Default("expression", "no_such_function()"), Default("expression", "now()"), SqlType("text"), False),
    ],
)
def test_the_server_settles_what_text_cannot(pg_cluster, left, right, type_, same) -> None:
    diff = compare(one_column(left, type_), one_column(right, type_), CompareOptions(server_url=None))
    assert [c.kind for c in diff.changes] == ["alter_column_default"]
    settled = compare(one_column(left, type_), one_column(right, type_), CompareOptions(server_url=pg_cluster.url))
    assert settled.clean is same


def test_an_unreachable_server_is_a_connection_failure() -> None:
    with pytest.raises(ConnectionFailed, match=r"\*\*\*"):
        compare(one_column(Default("expression", "now() + 1"), SqlType("integer")), one_column(Default("expression", "now() + 2"), SqlType("integer")),
                CompareOptions(server_url="postgresql://u:secret@127.0.0.1:1/db"))
