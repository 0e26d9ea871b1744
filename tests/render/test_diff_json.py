"""The JSON documents of a diff and of `migrator check`, validated against schemas/*.v1.json."""

from __future__ import annotations

import json

import jsonschema
import pytest
from referencing import Registry, Resource

from migrator.render.diff_json import render_check_json, render_diff_json
from migrator.schema import Column, EnumType, Identity, SqlType
from migrator.verify.changes import Change, Diff

from ..conftest import REPO
from .diff_samples import CHECKS, CLEAN, DRIFT, ODD

DIFF_SCHEMA = json.loads((REPO / "schemas" / "diff.v1.json").read_text())
CHECK_SCHEMA = json.loads((REPO / "schemas" / "check.v1.json").read_text())
REGISTRY = Registry().with_resource(DIFF_SCHEMA["$id"], Resource.from_contents(DIFF_SCHEMA))


def validate_check(data: dict) -> None:
    jsonschema.Draft202012Validator(CHECK_SCHEMA, registry=REGISTRY).validate(data)


@pytest.mark.parametrize("diff", [DRIFT, CLEAN, ODD], ids=["drift", "clean", "odd"])
def test_diff_document_is_valid(diff: Diff) -> None:
    data = json.loads(render_diff_json(diff))
    jsonschema.Draft202012Validator(DIFF_SCHEMA).validate(data)
    assert data["format"] == "migrator.diff" and data["version"] == 1
    assert len(data["changes"]) == len(diff.changes)


def test_values_are_json_friendly() -> None:
    changes = {c["path"]: c for c in json.loads(render_diff_json(DRIFT))["changes"]}
    email = changes["public.users.email"]
    assert (email["old"], email["new"]) == ("varchar(200)", "varchar(100)")
    assert email["origin"] == {"file": "prisma/schema.prisma", "line": 12, "column": 3}
    assert email["hazards"] == ["MG103", "MG301"]
    nickname = changes["public.users.nickname"]["new"]
    assert nickname["name"] == "nickname" and nickname["type"]["name"] == "text" and nickname["nullable"] is False
    assert changes["public.users.full_name"]["possible"] is True
    assert changes["pgcrypto"]["origin"] is None


def test_more_values() -> None:
    diff = Diff("a", "b", (
        Change("alter_column_nullable", "public.t.c", "public", "t", "c", old=True, new=False),
        Change("alter_column_identity", "public.t.d", "public", "t", "d", old=None, new=Identity("always", 1, 1)),
        Change("reorder_enum_values", "public.e", "public", "e", old=("a", "b"), new=("b", "a")),
        Change("drop_enum", "public.f", "public", "f", old=EnumType("f", ("x",))),
        Change("drop_column", "public.t.g", "public", "t", "g", old=Column("g", SqlType("integer", array=True))),
    ))
    data = json.loads(render_diff_json(diff, checks=["drift"]))
    jsonschema.Draft202012Validator(DIFF_SCHEMA).validate(data)
    assert data["checks"] == ["drift"]
    values = [(c["old"], c["new"]) for c in data["changes"]]
    assert values[0] == (True, False)
    assert values[1] == (None, {"generation": "always", "start": 1, "increment": 1, "min_value": None, "max_value": None, "cache": None, "cycle": False})
    assert values[2] == (["a", "b"], ["b", "a"])
    assert values[3][0]["values"] == ["x"]
    assert values[4][0]["type"]["array"] is True


def test_summary_and_hazard_entries() -> None:
    data = json.loads(render_diff_json(DRIFT))
    assert data["summary"] == {"error": 5, "warning": 3, "info": 1, "possible": 1,
                               "text": "5 errors, 3 warnings, 1 info, 1 possible rename"}
    assert [h["code"] for h in data["hazards"]] == ["MG102", "MG103", "MG204", "MG206", "MG301", "MG302", "MG303", "MG404", "MG406"]
    assert data["not_modeled"] == ["views: not modeled by prisma:prisma/schema.prisma"]
    assert json.loads(render_diff_json(CLEAN))["summary"]["text"] == "no drift"


def test_check_document_is_valid_and_sums_the_checks() -> None:
    data = json.loads(render_check_json(CHECKS + [("odd", ODD)], exit_code=1))
    validate_check(data)
    assert [c["name"] for c in data["checks"]] == ["prisma-vs-db", "drizzle-vs-prisma", "odd"]
    assert data["summary"]["error"] == 5 and data["summary"]["warning"] == 4 and data["summary"]["failed_checks"] == 0
    assert data["exit_code"] == 1
    assert "exit_code" not in json.loads(render_check_json(CHECKS))


class _Failed:
    name = "db"
    diff = None
    error = "could not connect to postgresql://app:***@db/app: connection refused"


def test_a_check_that_could_not_run_carries_its_error() -> None:
    data = json.loads(render_check_json([_Failed(), ("ok", CLEAN)], exit_code=3))
    validate_check(data)
    assert data["checks"][0] == {"name": "db", "diff": None, "error": _Failed.error}
    assert data["summary"]["failed_checks"] == 1


def test_schema_refuses_a_wrong_document() -> None:
    data = json.loads(render_diff_json(DRIFT))
    data["changes"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(DIFF_SCHEMA).validate(data)
    bad = json.loads(render_check_json([_Failed()]))
    bad["checks"][0]["error"] = None
    with pytest.raises(jsonschema.ValidationError):
        validate_check(bad)


def test_ci_renderers_do_not_import_rich() -> None:
    # JSON, SARIF, GitHub and Markdown run in CI jobs where start-up time counts.
    import subprocess
    import sys

    code = ("import sys, migrator.render.diff_json, migrator.render.sarif, migrator.render.github, "
            "migrator.render.diff_markdown; print('rich' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"
