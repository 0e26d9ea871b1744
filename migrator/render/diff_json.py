"""A Diff, or the results of `migrator check`, as versioned JSON documents for CI jobs and tools.

`render_diff_json` writes {"format": "migrator.diff", "version": 1, ...}, validated by
schemas/diff.v1.json; `render_check_json` writes {"format": "migrator.check", "version": 1,
...}, validated by schemas/check.v1.json (which refers to the diff schema for each check's
diff). A new field is a new version only when it changes what an existing field means;
consumers should ignore fields they do not know.

Values are JSON-friendly: model objects (a Column, an Index) as the schema snapshot writes
them, a type as its canonical text (`varchar(200)`), a tuple of enum values as a list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any

import orjson

from migrator.render import checks as common  # what every diff/check renderer shares
from migrator.render.paths import RepoPaths
from migrator.verify.changes import Change, Diff
from migrator.verify.hazards import BY_CODE

DIFF_FORMAT = "migrator.diff"
CHECK_FORMAT = "migrator.check"
VERSION = 1


_ORIGIN_KEYS = {"source", "file", "line", "column"}


def _origin(change: Change, paths: RepoPaths) -> dict[str, Any] | None:
    origin = common.location(change)
    if origin is None:
        return None
    return {"file": paths.file(origin.file) if origin.file else origin.file, "line": origin.line, "column": origin.column}


def _value(value: Any, paths: RepoPaths) -> Any:
    """An old or new value as JSON data, with the origins of model objects in it written through `paths`."""
    data = common.json_value(value)
    if paths.root is None and not paths.prefix:
        return data

    def walk(item: Any) -> Any:
        if isinstance(item, list):
            return [walk(v) for v in item]
        if isinstance(item, dict):
            if set(item) == _ORIGIN_KEYS:
                return {**item, "source": paths.text(item["source"]) if isinstance(item["source"], str) else item["source"],
                        "file": paths.file(item["file"]) if isinstance(item["file"], str) and item["file"] else item["file"]}
            return {k: walk(v) for k, v in item.items()}
        return item

    return walk(data)


def change_data(change: Change, paths: RepoPaths | None = None) -> dict[str, Any]:
    paths = paths or RepoPaths()
    return {
        "kind": change.kind,
        "path": change.path,
        "namespace": change.namespace,
        "table": change.table,
        "name": change.name,
        "severity": change.severity,
        "message": paths.text(change.message),
        "old": _value(change.old, paths),
        "new": _value(change.new, paths),
        "hazards": list(change.hazards),
        "possible": change.possible,
        "origin": _origin(change, paths),
    }


def _hazards(diffs: Iterable[Diff]) -> list[dict[str, str]]:
    """The catalogue entries of the codes raised, so a consumer needs no copy of the catalogue."""
    return [
        {
            "code": code,
            "category": BY_CODE[code].category,
            "title": BY_CODE[code].title,
            "help_uri": common.hazard_help_uri(code),
        }
        for code in common.raised_codes(diffs)
        if code in BY_CODE
    ]


def diff_data(diff: Diff, *, checks: Sequence[str] | None = None,
              root: str | PurePath | RepoPaths | None = None) -> dict[str, Any]:
    """The diff document as plain data (what render_diff_json serializes).

    root: the repository root, or a RepoPaths (migrator.render.paths); files and source
    labels are written relative to it.
    """
    paths = RepoPaths.of(root)
    data: dict[str, Any] = {
        "format": DIFF_FORMAT,
        "version": VERSION,
        "from": paths.text(diff.source_from),
        "to": paths.text(diff.source_to),
    }
    if checks is not None:
        data["checks"] = list(checks)
    data.update(
        {
            "changes": [change_data(c, paths) for c in diff.changes],
            "hazards": _hazards([diff]),
            "not_modeled": common.unique(paths.text(line) for line in diff.not_modeled),
            "out_of_scope": common.unique(paths.text(line) for line in getattr(diff, "out_of_scope", ())),
            "notes": common.unique(paths.text(line) for line in diff.notes),
            "summary": common.summary([diff]),
        }
    )
    return data


def _dumps(data: Any) -> str:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()


def render_diff_json(diff: Diff, *, checks: Sequence[str] | None = None,
                     root: str | PurePath | RepoPaths | None = None) -> str:
    """The diff document. `checks`: names of the checks this diff answers, recorded when given."""
    return _dumps(diff_data(diff, checks=checks, root=root))


def check_data(results: Iterable[Any], *, exit_code: int | None = None,
               root: str | PurePath | RepoPaths | None = None) -> dict[str, Any]:
    paths = RepoPaths.of(root)
    runs = common.check_runs(results)
    data: dict[str, Any] = {
        "format": CHECK_FORMAT,
        "version": VERSION,
        "checks": [
            {"name": run.name, "diff": None if run.diff is None else diff_data(run.diff, root=paths),
             "error": None if run.error is None else paths.text(run.error)}
            for run in runs
        ],
        "summary": {**common.summary(common.all_diffs(runs)), "failed_checks": sum(run.error is not None for run in runs)},
    }
    if exit_code is not None:
        data["exit_code"] = exit_code
    return data


def render_check_json(results: Iterable[Any], *, exit_code: int | None = None,
                      root: str | PurePath | RepoPaths | None = None) -> str:
    """The check document: each (name, Diff) pair, or check result that could not run (its error), in order.

    exit_code: the process's exit code, recorded when the caller knows it. root: as diff_data's.
    """
    return _dumps(check_data(results, exit_code=exit_code, root=root))
