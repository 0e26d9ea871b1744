"""compare() on fingerprints (issue 12): objects the model has no structure for, matched by kind and name.

On the model itself; the SQL-level cases are tests/fixtures/diff/pg_fp_*.
"""

from __future__ import annotations

import dataclasses

from migrator.inspect.postgres import fingerprint
from migrator.render.ddl import render_changes_sql
from migrator.render.checks import describe
from migrator.schema import Namespace, Schema
from migrator.verify.changes import KINDS
from migrator.verify.diff import CompareOptions, compare

F1 = fingerprint("function", "f(integer)", "CREATE OR REPLACE FUNCTION public.f(a integer) ... SELECT a + 1")
F2 = fingerprint("function", "f(integer)", "CREATE OR REPLACE FUNCTION public.f(a integer) ... SELECT a + 2")
TRIGGER = fingerprint("trigger", "users.audit", "CREATE TRIGGER audit AFTER INSERT ON public.users ...")
PUB = fingerprint("publication", "pub", '{"puballtables": true}')


def schema(*objects, db=(), source="postgresql://db", ns="public", notes=()) -> Schema:
    return Schema("postgresql", (Namespace(ns, objects=tuple(objects)),), objects=tuple(db), source=source, notes=notes)


def kinds(diff) -> list[tuple[str, str]]:
    return [(c.kind, c.path) for c in diff.changes]


def test_a_changed_body_an_added_and_a_dropped_object_are_changes() -> None:
    diff = compare(schema(F1, TRIGGER), schema(F2, db=[PUB]))
    assert kinds(diff) == [("add_object", "pub"), ("alter_object", "public.f(integer)"),
                           ("drop_object", "public.users.audit")]
    by_kind = {c.kind: c for c in diff.changes}
    assert by_kind["alter_object"].message == "function public.f(integer) differs — not modeled, no fix emitted"
    assert by_kind["add_object"].message == "publication pub exists only in TO — not modeled, no fix emitted"
    assert by_kind["drop_object"].message == "trigger public.users.audit exists only in FROM — not modeled, no fix emitted"
    assert by_kind["drop_object"].table == "users"  # grouped with its table
    assert all(c.severity == "error" for c in diff.changes)
    assert diff.at_or_above("error")  # a drift gate fails on them by default


def test_equal_digests_are_equal_whatever_the_definition_text_or_origin() -> None:
    same = dataclasses.replace(F1, definition="(kept for people, not compared)")
    assert compare(schema(F1), schema(same)).clean


def test_kinds_reverse_and_the_reverse_message_swaps_sides() -> None:
    assert (KINDS["add_object"].reverse, KINDS["drop_object"].reverse, KINDS["alter_object"].reverse) == (
        "drop_object", "add_object", "alter_object")
    assert {KINDS[k].object for k in ("add_object", "drop_object", "alter_object")} == {"object"}
    diff = compare(schema(), schema(F1))
    back = diff.reverse()
    assert kinds(back) == [("drop_object", "public.f(integer)")]
    assert back.changes[0].message == "function public.f(integer) exists only in FROM — not modeled, no fix emitted"


def test_ignore_patterns_and_severity_overrides_apply_to_their_paths() -> None:
    a, b = schema(F1, TRIGGER), schema(F2)
    assert kinds(compare(a, b, CompareOptions(ignore=("public.f(*",)))) == [("drop_object", "public.users.audit")]
    assert compare(a, b, CompareOptions(ignore=("public.users",))).changes[0].path == "public.f(integer)"
    softened = compare(a, b, CompareOptions(severity=(("alter_object", "warning"),)))
    assert {c.kind: c.severity for c in softened.changes}["alter_object"] == "warning"


def test_sources_that_cannot_hold_them_list_them_as_not_modeled() -> None:
    live = schema(F1, TRIGGER, db=[PUB])
    for source in ("prisma:schema.prisma", "drizzle:src/db", "drizzle-snapshot:drizzle/meta", "sqlalchemy:app.models:Base"):
        diff = compare(schema(source=source), live)
        assert diff.clean, source
        assert f"other objects (functions, publications, triggers): not modeled by {source} (3 in postgresql://db)" in diff.not_modeled
    # A static reading of SQL (no server) cannot fingerprint either.
    static = schema(source="sql:migrations", notes=("static reading: no PostgreSQL server available",))
    assert compare(static, live).clean
    # SQL applied to a server, snapshots and live databases compare them.
    for source in ("sql:migrations", "snapshot:live.json", "postgresql://other"):
        assert len(compare(schema(source=source), live).changes) == 3, source


def test_a_schema_only_one_side_has_holding_only_functions_is_a_change() -> None:
    util = Schema("postgresql", (Namespace("public"), Namespace("util", objects=(F1,))), source="postgresql://a")
    bare = Schema("postgresql", (Namespace("public"),), source="postgresql://b")
    assert kinds(compare(bare, util)) == [("add_namespace", "util"), ("add_object", "util.f(integer)")]
    # Against Prisma it is not modeled, not a schema that exists only on one side.
    assert compare(dataclasses.replace(bare, source="prisma:schema.prisma"), util).clean


def test_the_sql_fix_emits_no_statement_only_comments_saying_it_is_incomplete() -> None:
    diff = compare(schema(F1, TRIGGER), schema(F2, db=[PUB]))
    sql = render_changes_sql(diff, "postgresql")
    lines = [line for line in sql.splitlines() if line.strip()]
    assert lines[0].startswith("-- migrator: this fix is incomplete")
    assert "-- not modeled, no fix emitted: function public.f(integer) differs" in lines
    assert "-- not modeled, no fix emitted: trigger public.users.audit exists only in FROM" in lines
    assert "-- not modeled, no fix emitted: publication pub exists only in TO" in lines
    assert all(line.startswith("--") for line in lines)


def test_renderers_describe_a_fingerprint_by_kind_and_digest() -> None:
    assert describe(F1) == f"function #{F1.digest[:8]}"


def test_every_report_format_shows_them() -> None:
    import json

    import jsonschema

    from migrator.render.diff_text import render_diff_text
    from migrator.render.github import render_github_annotations
    from migrator.render.diff_json import render_check_json, render_diff_json
    from migrator.render.diff_markdown import render_check_markdown

    from ..render.test_diff_json import DIFF_SCHEMA, validate_check
    from ..render.test_diff_sarif import sarif as validated_sarif

    diff = compare(schema(F1, TRIGGER), schema(F2, db=[PUB]))
    results = [("diff", diff)]
    message = "function public.f(integer) differs — not modeled, no fix emitted"
    text = render_diff_text(diff, console_width=200)
    assert "alter_object" in text and f"function #{F1.digest[:8]} -> function #{F2.digest[:8]}" in text
    data = json.loads(render_diff_json(diff))
    jsonschema.Draft202012Validator(DIFF_SCHEMA).validate(data)
    assert data["changes"][1]["new"]["digest"] == F2.digest
    validate_check(json.loads(render_check_json(results)))
    assert message in render_check_markdown(results)
    assert "public.f(integer)" in render_github_annotations(results)
    sarif = validated_sarif(results)
    assert message in [r["message"]["text"] for r in sarif["runs"][0]["results"]]


def test_three_way_drift_shows_which_version_each_side_has() -> None:
    from migrator.verify.drift import three_way

    live, legacy, target = schema(F1), schema(F1, source="snapshot:legacy.json"), schema(F2, source="sql:migrations")
    (row,) = three_way(live, legacy, target).rows
    assert (row.path, row.aspect, row.target, row.live) == (
        "public.f(integer)", "object", f"function #{F2.digest[:8]}", f"function #{F1.digest[:8]}")
