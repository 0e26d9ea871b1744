"""The results of `migrator check` as SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run. tool.driver.rules holds one rule per change kind and one per hazard code (all of
them, so rule indexes never move between runs), each with a help link to docs/diff.md.
Each change is a result of its kind's rule; each hazard it raises is one more result of
the hazard's rule at the same place, so a code-scanning alert says "MG301: rewrites the
table" on the line that declares the column. Levels follow the change's severity
(error/warning/note); possible renames are notes.

Locations point at the model file that declares the object (the TO side's declaration
first), relative to the repository root when the file lies under `root`; objects with no
file get a logical location (their path) instead.

Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

import orjson

from migrator.render import checks as common  # what every diff/check renderer shares
from migrator.render.paths import RepoPaths
from migrator.verify.changes import KINDS, Change
from migrator.verify.hazards import HAZARDS

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
HAZARD_TITLES = {h.code: h.title for h in HAZARDS}


def _pascal(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace("-", "_").split("_"))


def _rules() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for kind in KINDS.values():
        rules.append(
            {
                "id": kind.name,
                "name": _pascal(kind.name),
                "shortDescription": {"text": f"schema change: {kind.name.replace('_', ' ')} ({kind.object.replace('_', ' ')})"},
                "helpUri": common.kind_help_uri(kind.name),
                "defaultConfiguration": {"level": LEVEL[kind.severity]},
                "properties": {"tags": ["schema-drift", kind.object]},
            }
        )
    for hazard in HAZARDS:
        rules.append(
            {
                "id": hazard.code,
                "name": _pascal(hazard.category) + "Hazard" + hazard.code[2:],
                "shortDescription": {"text": hazard.title},
                "fullDescription": {"text": hazard.explanation},
                "helpUri": common.hazard_help_uri(hazard.code),
                "properties": {"tags": ["migration-hazard", hazard.category]},
            }
        )
    return rules


def _file_uri(path: str) -> str:
    # A Windows path (C:/x) has no leading slash; file URIs want three.
    return "file://" + ("" if path.startswith("/") else "/") + quote(path, safe="/:")


def _artifact(path: str) -> dict[str, Any]:
    """A relative file is relative to the source root (%SRCROOT%), as code scanning expects."""
    absolute = path.startswith("/") or ":" in path.split("/")[0]
    if absolute:
        return {"uri": _file_uri(path)}
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _location(change: Change, root: RepoPaths) -> dict[str, Any]:
    origin = common.with_file(change)
    logical = {"fullyQualifiedName": change.path, "kind": change.spec.object}
    if origin is None:
        return {"logicalLocations": [logical]}
    physical: dict[str, Any] = {"artifactLocation": _artifact(root.file(origin.file or ""))}
    if origin.line is not None:
        region: dict[str, Any] = {"startLine": origin.line}
        if origin.column is not None:
            region["startColumn"] = origin.column
        physical["region"] = region
    return {"physicalLocation": physical, "logicalLocations": [logical]}


def _results(check: str, change: Change, root: RepoPaths, index: dict[str, int]) -> list[dict[str, Any]]:
    level = "note" if change.possible else LEVEL[change.severity]
    location = _location(change, root)
    message = f"possible rename: {change.message}" if change.possible else change.message
    properties = {"check": check, "path": change.path, "kind": change.kind, "possible": change.possible}
    out = [
        {
            "ruleId": change.kind,
            "ruleIndex": index[change.kind],
            "level": level,
            "message": {"text": message},
            "locations": [location],
            # Stable across runs (no line numbers), so code scanning tracks one alert per object.
            "partialFingerprints": {"migratorObject/v1": f"{check}:{change.kind}:{change.path}"},
            "properties": {**properties, "hazards": list(change.hazards)},
        }
    ]
    for code in change.hazards:
        if code not in index:
            continue
        out.append(
            {
                "ruleId": code,
                "ruleIndex": index[code],
                "level": level,
                "message": {"text": f"{code}: {HAZARD_TITLES[code]} ({change.path})"},
                "locations": [location],
                "partialFingerprints": {"migratorObject/v1": f"{check}:{code}:{change.path}"},
                "properties": properties,
            }
        )
    return out


def sarif_data(results: Iterable[Any], tool_version: str, *, root: str | PurePath | RepoPaths | None = None) -> dict[str, Any]:
    paths = RepoPaths.of(root)
    runs = common.check_runs(results)
    rules = _rules()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    sarif_results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for run in runs:
        if run.diff is None:
            notifications.append(
                {"level": "error", "message": {"text": f"check {run.name} could not run: {paths.text(run.error or '')}"}}
            )
            continue
        for change in run.diff.changes:
            sarif_results.extend(_results(run.name, change, paths, index))
    sarif_run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "migrator",
                "version": tool_version,
                "informationUri": common.REFERENCE_URL,
                "rules": rules,
            }
        },
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
        "results": sarif_results,
    }
    if paths.root is not None:
        # With a --path-prefix the relative paths are relative to the root's parent folders, not
        # the root; code scanning sets %SRCROOT% itself, so the base is then left out.
        if not paths.prefix:
            sarif_run["originalUriBaseIds"] = {SRCROOT: {"uri": _file_uri(PurePath(paths.root).as_posix().rstrip("/") + "/")}}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [sarif_run]}


def render_sarif(results: Iterable[Any], tool_version: str, *, root: str | PurePath | RepoPaths | None = None) -> str:
    """SARIF text for (check name, Diff) pairs, or check results (one that could not run is a notification).

    root: the repository root, or a RepoPaths (migrator.render.paths: root, --path-prefix,
    and the folder relative origin files are relative to); files under the root become
    relative to it (%SRCROOT%). With a plain root, relative origin files are kept as they are.
    """
    data = sarif_data(results, tool_version, root=root)
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()
