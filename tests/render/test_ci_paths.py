"""Item "CI paths": every path in github, sarif, json and markdown output is relative to the repository root.

Hand-built diffs whose files lie under a runner's workspace (/home/runner/work/app/app),
as the sources of a migrator.toml record them (absolute), rendered with a RepoPaths.
"""

from __future__ import annotations

import json

from migrator.render.drift import render_drift
from migrator.render.github import render_github_annotations
from migrator.render.diff_json import render_check_json
from migrator.render.diff_markdown import render_check_markdown
from migrator.render.paths import RepoPaths
from migrator.render.sarif import render_sarif
from migrator.schema import Column, Index, IndexElement, Origin, SqlType
from migrator.verify.changes import Change, Diff
from migrator.verify.drift import DriftRow, ThreeWay

from .sarif_check import validate_sarif
from .test_diff_json import validate_check

WS = "/home/runner/work/app/app"
PRISMA = f"prisma:{WS}/prisma/schema.prisma"
AT = Origin(PRISMA, f"{WS}/prisma/schema.prisma", 12, 3)
DIFF = Diff(
    f"sql:{WS}/prisma/migrations",
    PRISMA,
    changes=(
        Change("add_column", "public.users.nick", "public", "users", "nick",
               new=Column("nick", SqlType("text"), origin=AT), origin_new=AT),
        Change("add_index", "public.users.users_nick_idx", "public", "users", "users_nick_idx",
               new=Index("users_nick_idx", (IndexElement("nick"),), origin=AT), origin_new=AT),
    ),
    notes=(f"{WS}/prisma/schema.prisma:70:3: unknown attribute @@fulltext",),
)
PATHS = RepoPaths(WS, "services/api")


def test_no_output_carries_the_runner_workspace() -> None:
    outputs = {
        "github": render_github_annotations([("c", DIFF)], root=PATHS),
        "sarif": render_sarif([("c", DIFF)], "0.1.0", root=PATHS),
        "json": render_check_json([("c", DIFF)], root=PATHS),
        "markdown": render_check_markdown([("c", DIFF)], root=PATHS),
    }
    for name, text in outputs.items():
        assert WS not in text, name
        assert "services/api/prisma/schema.prisma" in text, name
    assert "::warning file=services/api/prisma/schema.prisma,line=12,col=3," in outputs["github"]
    validate_sarif(json.loads(outputs["sarif"]))
    doc = json.loads(outputs["json"])
    validate_check(doc)
    diff = doc["checks"][0]["diff"]
    assert (diff["from"], diff["to"]) == ("sql:services/api/prisma/migrations", "prisma:services/api/prisma/schema.prisma")
    column = diff["changes"][0]
    assert column["origin"]["file"] == "services/api/prisma/schema.prisma"
    # The model objects in old/new carry their origins too.
    assert column["new"]["origin"] == {"source": "prisma:services/api/prisma/schema.prisma",
                                       "file": "services/api/prisma/schema.prisma", "line": 12, "column": 3}
    assert diff["notes"] == ["services/api/prisma/schema.prisma:70:3: unknown attribute @@fulltext"]
    assert "`prisma:services/api/prisma/schema.prisma`" in outputs["markdown"]


def test_without_paths_the_renderers_are_unchanged() -> None:
    doc = json.loads(render_check_json([("c", DIFF)]))
    assert doc["checks"][0]["diff"]["changes"][0]["origin"]["file"] == f"{WS}/prisma/schema.prisma"


ROWS = ThreeWay(
    sources={"target": f"drizzle:{WS}/src/db/schema.ts", "live": "postgresql://app:***@db/app", "legacy": PRISMA},
    rows=(
        DriftRow("public.users.nick", "type", "text", "varchar(20)", "text", "error",
                 Origin("drizzle", f"{WS}/src/db/schema.ts", 7, 5)),
        DriftRow("public.users.legacy", "column", "—", "present", "present", "warning", None),
        DriftRow("public.users.note", "nullable", "nullable", "nullable", "NOT NULL", "info",
                 Origin("drizzle", f"{WS}/src/db/schema.ts", 9, None)),
    ),
    diffs={},
)


def test_drift_as_github_annotations() -> None:
    lines = render_drift(ROWS, "github", root=RepoPaths(WS)).splitlines()
    assert lines[0] == ("::error file=src/db/schema.ts,line=7,col=5,title=migrator drift%3A type (live)::"
                        "public.users.nick type: target says text; live says varchar(20); legacy says text")
    assert lines[1].startswith("::warning title=migrator drift%3A column (live%2C legacy)::")
    assert lines[2].startswith("::notice file=src/db/schema.ts,line=9,title=")


def test_drift_as_sarif() -> None:
    data = validate_sarif(json.loads(render_drift(ROWS, "sarif", root=RepoPaths(WS, "web"), tool_version="0.1.0")))
    run = data["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == ["drift-live", "drift-legacy", "drift-live-legacy"]
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [
        ("drift-live", "error"), ("drift-live-legacy", "warning"), ("drift-legacy", "note")]
    first = run["results"][0]["locations"][0]["physicalLocation"]
    assert first == {"artifactLocation": {"uri": "web/src/db/schema.ts", "uriBaseId": "%SRCROOT%"},
                     "region": {"startLine": 7, "startColumn": 5}}
    assert "physicalLocation" not in run["results"][1]["locations"][0]
    assert WS not in json.dumps(data)


def test_drift_json_and_markdown_paths() -> None:
    doc = json.loads(render_drift(ROWS, "json", root=RepoPaths(WS)))
    assert doc["sources"]["target"] == "drizzle:src/db/schema.ts"
    assert doc["rows"][0]["origin"] == {"file": "src/db/schema.ts", "line": 7, "column": 5}
    assert WS not in render_drift(ROWS, "markdown", root=RepoPaths(WS))
