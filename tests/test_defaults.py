"""Default expressions classify into typed defaults the same way whatever wrote them."""

from __future__ import annotations

import pytest

from migrator.defaults import classify_default, strip_casts
from migrator.schema import Default


@pytest.mark.parametrize(
    ("dialect", "text", "expected"),
    [
        ("postgresql", "now()", Default("current_timestamp", "CURRENT_TIMESTAMP")),
        ("postgresql", "CURRENT_TIMESTAMP", Default("current_timestamp", "CURRENT_TIMESTAMP")),
        ("postgresql", "CURRENT_TIMESTAMP(3)", Default("current_timestamp", "CURRENT_TIMESTAMP")),
        ("sqlite", "CURRENT_TIMESTAMP", Default("current_timestamp", "CURRENT_TIMESTAMP")),
        ("sqlite", "(datetime('now'))", Default("current_timestamp", "CURRENT_TIMESTAMP")),
        ("postgresql", "'draft'::text", Default("literal", "'draft'")),
        ("postgresql", "'draft'::character varying", Default("literal", "'draft'")),
        ("postgresql", "'{}'::text[]", Default("literal", "'{}'")),
        ("postgresql", "'PENDING'::\"BookingStatus\"", Default("literal", "'PENDING'")),
        ("postgresql", "'it''s'::text", Default("literal", "'it''s'")),
        ("postgresql", "0", Default("literal", "0")),
        ("postgresql", "'-1'::integer", Default("literal", "-1")),
        ("postgresql", "'-2.5'::numeric", Default("literal", "-2.5")),
        ("postgresql", "(-1)", Default("literal", "-1")),
        ("postgresql", "1.50", Default("literal", "1.50")),
        ("postgresql", "true", Default("literal", "true")),
        ("sqlite", "FALSE", Default("literal", "false")),
        ("postgresql", "NULL::text", Default("literal", "NULL")),
        ("postgresql", "nextval('users_id_seq'::regclass)", Default("sequence", "public.users_id_seq")),
        ("postgresql", "nextval('billing.\"Invoice_id_seq\"'::regclass)", Default("sequence", "billing.Invoice_id_seq")),
        ("postgresql", "gen_random_uuid()", Default("expression", "gen_random_uuid()")),
        # regression: the static reader spells x::t as CAST(x AS t) (seen on documenso's migrations)
        # An expression keeps its casts (DDL repeats it: ARRAY['USER'] alone is text[]);
        # comparison keys strip them. CAST(x AS t) becomes (x)::t, the spelling they strip.
        ("postgresql", "CAST(array['USER'] AS \"Role\"[])", Default("expression", "(ARRAY['USER'])::\"Role\"[]")),
        ("postgresql", "ARRAY['USER'::\"Role\"]", Default("expression", "ARRAY['USER'::\"Role\"]")),
        ("postgresql", "ARRAY[]::integer[]", Default("expression", "ARRAY[]::integer[]")),
        ("postgresql", "(now() AT TIME ZONE 'utc'::text)", Default("expression", "now() AT TIME ZONE 'utc'::text")),
        ("postgresql", "CAST('draft' AS TEXT)", Default("literal", "'draft'")),
        ("postgresql", "CAST(lower('A (b)') AS TEXT)", Default("expression", "(lower('A (b)'))::TEXT")),
        ("postgresql", "(lower('X'::text))", Default("expression", "lower('X'::text)")),
    ],
)
def test_classify_default(dialect: str, text: str, expected: Default) -> None:
    assert classify_default(text, dialect, default_schema="public") == expected


def test_no_default() -> None:
    assert classify_default(None, "postgresql") is None
    assert classify_default("  ", "sqlite") is None


def test_casts_inside_strings_are_kept() -> None:
    assert strip_casts("'a::b'::text") == "'a::b'"
    assert strip_casts("ARRAY['x'::text, 'y'::text]") == "ARRAY['x', 'y']"


def test_casts_to_schema_qualified_quoted_types_are_stripped() -> None:
    """Regression: an enum default in another schema reads back as 'A'::auth."Provider"."""
    assert strip_casts("'PASSWORD'::auth.\"Provider\"") == "'PASSWORD'"
    assert strip_casts("ARRAY['A'::\"my schema\".\"Role\"]") == "ARRAY['A']"
    assert strip_casts("'{}'::public.\"Role\"[]") == "'{}'"


def test_jsonb_output_orders_keys_as_postgresql_prints_them():
    from migrator.defaults import jsonb_output

    # jsonb keeps keys shortest first, then by bytes, and prints ", " and ": ".
    assert jsonb_output({"bb": 1, "a": [1, {"zz": None, "y": True}], "ab": "é"}) == (
        '{"a": [1, {"y": true, "zz": null}], "ab": "é", "bb": 1}'
    )
