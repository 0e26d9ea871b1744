"""SARIF 2.1.0 output, validated against the official SARIF 2.1.0 schema and our own subset (tests/fixtures/sarif/)."""

from __future__ import annotations

import json

from migrator.render.sarif import render_sarif
from migrator.schema import Origin
from migrator.verify.changes import KINDS, Change, Diff
from migrator.verify.hazards import HAZARDS

from .diff_samples import CHECKS, ODD
from .sarif_check import validate_sarif


def sarif(results, **kwargs) -> dict:
    return validate_sarif(json.loads(render_sarif(results, "0.1.0", **kwargs)))


def test_one_run_with_a_rule_per_kind_and_per_hazard() -> None:
    data = sarif(CHECKS)
    assert data["version"] == "2.1.0" and len(data["runs"]) == 1
    driver = data["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("migrator", "0.1.0")
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == list(KINDS) + [h.code for h in HAZARDS]
    mg301 = driver["rules"][ids.index("MG301")]
    assert mg301["helpUri"].endswith("docs/diff.md#mg301") and mg301["shortDescription"]["text"]


def test_results_point_at_the_declaring_file() -> None:
    results = sarif(CHECKS)["runs"][0]["results"]
    rules = sarif(CHECKS)["runs"][0]["tool"]["driver"]["rules"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    email = [r for r in results if r["properties"]["path"] == "public.users.email"]
    assert [r["ruleId"] for r in email] == ["alter_column_type", "MG103", "MG301"]
    assert {r["level"] for r in email} == {"error"}
    physical = email[0]["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "prisma/schema.prisma", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 12, "startColumn": 3}}
    index = next(r for r in results if r["ruleId"] == "add_index")
    assert index["locations"][0]["physicalLocation"]["region"] == {"startLine": 40}


def test_objects_without_a_file_get_a_logical_location() -> None:
    results = sarif(CHECKS)["runs"][0]["results"]
    dropped = next(r for r in results if r["ruleId"] == "drop_column")
    # FROM is the database (no file): nothing to point at but the object's path.
    assert dropped["locations"] == [{"logicalLocations": [{"fullyQualifiedName": "public.users.legacy_id", "kind": "column"}]}]


def test_possible_renames_are_notes_and_info_is_note() -> None:
    results = sarif(CHECKS)["runs"][0]["results"]
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["rename_column"] == "note" and levels["alter_table_comment"] == "note"


def test_absolute_files_are_made_relative_to_the_root() -> None:
    data = sarif([("odd", ODD)], root="/repo")
    run = data["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///repo/"}}
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "app/models%2C%20v2.py", "uriBaseId": "%SRCROOT%"}
    outside = Diff("a", "b", (Change("add_index", "main.t.i", "main", "t", "i", origin_new=Origin("x", "/elsewhere/m.py", 3)),))
    artifact = sarif([("c", outside)], root="/repo")["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "file:///elsewhere/m.py"}


def test_a_check_that_could_not_run_is_a_notification() -> None:
    class Failed:
        name, diff, error = "db", None, "could not connect"

    invocation = sarif([Failed()])["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "check db could not run: could not connect"


def test_fingerprints_ignore_line_numbers() -> None:
    moved = Diff("a", "b", (Change("add_index", "main.t.i", "main", "t", "i", origin_new=Origin("x", "m.py", 3)),))
    again = Diff("a", "b", (Change("add_index", "main.t.i", "main", "t", "i", origin_new=Origin("x", "m.py", 9)),))
    first = sarif([("c", moved)])["runs"][0]["results"][0]["partialFingerprints"]
    assert first == sarif([("c", again)])["runs"][0]["results"][0]["partialFingerprints"]


def test_the_golden_sarif_is_valid_and_the_schema_is_the_official_one() -> None:
    from ..conftest import FIXTURES

    validate_sarif(json.loads((FIXTURES / "render" / "diff" / "check.sarif").read_text()))
    official = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text())
    assert official["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    import jsonschema
    import pytest

    bad = sarif(CHECKS)
    bad["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        validate_sarif(bad, subset=False)


def test_a_path_prefix_goes_before_every_file_and_drops_the_root_base() -> None:
    from migrator.render.paths import RepoPaths

    data = sarif([("odd", ODD)], root=RepoPaths("/repo", "services/api"))
    run = data["runs"][0]
    assert "originalUriBaseIds" not in run
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "services/api/app/models%2C%20v2.py", "uriBaseId": "%SRCROOT%"}
