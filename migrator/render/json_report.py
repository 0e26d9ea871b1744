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
from typing import Any

import orjson

from migrator.render import report
from migrator.verify.changes import Change, Diff
from migrator.verify.hazards import BY_CODE

DIFF_FORMAT = "migrator.diff"
CHECK_FORMAT = "migrator.check"
VERSION = 1


def _origin(change: Change) -> dict[str, Any] | None:
    origin = report.location(change)
    if origin is None:
        return None
    return {"file": origin.file, "line": origin.line, "column": origin.column}


def change_data(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "path": change.path,
        "namespace": change.namespace,
        "table": change.table,
        "name": change.name,
        "severity": change.severity,
        "message": change.message,
        "old": report.json_value(change.old),
        "new": report.json_value(change.new),
        "hazards": list(change.hazards),
        "possible": change.possible,
        "origin": _origin(change),
    }


def _hazards(diffs: Iterable[Diff]) -> list[dict[str, str]]:
    """The catalogue entries of the codes raised, so a consumer needs no copy of the catalogue."""
    return [
        {
            "code": code,
            "category": BY_CODE[code].category,
            "title": BY_CODE[code].title,
            "help_uri": report.hazard_help_uri(code),
        }
        for code in report.raised_codes(diffs)
        if code in BY_CODE
    ]


def diff_data(diff: Diff, *, checks: Sequence[str] | None = None) -> dict[str, Any]:
    """The diff document as plain data (what render_diff_json serializes)."""
    data: dict[str, Any] = {
        "format": DIFF_FORMAT,
        "version": VERSION,
        "from": diff.source_from,
        "to": diff.source_to,
    }
    if checks is not None:
        data["checks"] = list(checks)
    data.update(
        {
            "changes": [change_data(c) for c in diff.changes],
            "hazards": _hazards([diff]),
            "not_modeled": report.unique(diff.not_modeled),
            "out_of_scope": report.unique(getattr(diff, "out_of_scope", ())),
            "notes": report.unique(diff.notes),
            "summary": report.summary([diff]),
        }
    )
    return data


def _dumps(data: Any) -> str:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()


def render_diff_json(diff: Diff, *, checks: Sequence[str] | None = None) -> str:
    """The diff document. `checks`: names of the checks this diff answers, recorded when given."""
    return _dumps(diff_data(diff, checks=checks))


def check_data(results: Iterable[Any], *, exit_code: int | None = None) -> dict[str, Any]:
    runs = report.check_runs(results)
    data: dict[str, Any] = {
        "format": CHECK_FORMAT,
        "version": VERSION,
        "checks": [
            {"name": run.name, "diff": None if run.diff is None else diff_data(run.diff), "error": run.error}
            for run in runs
        ],
        "summary": {**report.summary(report.all_diffs(runs)), "failed_checks": sum(run.error is not None for run in runs)},
    }
    if exit_code is not None:
        data["exit_code"] = exit_code
    return data


def render_check_json(results: Iterable[Any], *, exit_code: int | None = None) -> str:
    """The check document: each (name, Diff) pair, or check result that could not run (its error), in order.

    exit_code: the process's exit code, recorded when the caller knows it.
    """
    return _dumps(check_data(results, exit_code=exit_code))
