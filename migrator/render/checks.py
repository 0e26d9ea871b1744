"""What every diff renderer shares: short texts for values, counts, groups, locations, help links.

The renderers (diff_text, diff_json, diff_markdown, sarif, github) format a Diff and make no
decisions; the few formatting rules they have in common live here so that the text, the
PR comment and the CI annotations say the same thing in the same words. No rich here:
the JSON, SARIF and GitHub renderers run in CI without importing it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any, NamedTuple

import orjson

from migrator import schema as model
from migrator.verify.changes import SEVERITIES, Change, Diff

# Where the hazard codes and change kinds are documented. Hazard codes have an anchor
# each (`<a id="mg101">` in docs/diff.md's hazard table), change kinds one section.
REFERENCE_URL = "https://github.com/migrator-dev/migrator/blob/main/docs/diff.md"
KINDS_ANCHOR = "change-kinds"


def hazard_help_uri(code: str) -> str:
    return f"{REFERENCE_URL}#{code.lower()}"


def kind_help_uri(kind: str) -> str:
    return f"{REFERENCE_URL}#{KINDS_ANCHOR}"


class CheckRun(NamedTuple):
    """One named check as the renderers see it: its diff, or why it could not run."""

    name: str
    diff: Diff | None
    error: str | None = None


def check_runs(results: Iterable[Any]) -> list[CheckRun]:
    """Accept (name, Diff) pairs, or check results with .name, .diff and .error (migrator.verify.checks)."""
    runs = []
    for item in results:
        if isinstance(item, tuple):
            name, diff = item[0], item[1]
            runs.append(CheckRun(name, diff, None))
        else:
            error = getattr(item, "error", None)
            runs.append(CheckRun(item.name, item.diff, None if error is None else str(error)))
    return runs


# ---------------------------------------------------------------------------
# Counting


def counts(diffs: Iterable[Diff]) -> dict[str, int]:
    """Findings by severity, and possible renames apart: a guess is not a finding."""
    result = {severity: 0 for severity in SEVERITIES}
    result["possible"] = 0
    for diff in diffs:
        for change in diff.changes:
            if change.possible:
                result["possible"] += 1
            else:
                result[change.severity] += 1
    return result


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_text(tally: dict[str, int]) -> str:
    """`3 errors, 2 warnings, 1 info` (all three always, so CI logs grep alike), or `no drift`."""
    if not any(tally.values()):
        return "no drift"
    text = f"{_plural(tally['error'], 'error')}, {_plural(tally['warning'], 'warning')}, {tally['info']} info"
    if tally["possible"]:
        text += f", {_plural(tally['possible'], 'possible rename')}"
    return text


def summary(diffs: Iterable[Diff]) -> dict[str, Any]:
    tally = counts(diffs)
    return {**tally, "text": summary_text(tally)}


def unique(lines: Iterable[str]) -> list[str]:
    """Lines in first-seen order, each once."""
    return list(dict.fromkeys(lines))


def raised_codes(diffs: Iterable[Diff]) -> list[str]:
    """Hazard codes raised anywhere, in code order."""
    return sorted({code for diff in diffs for change in diff.changes for code in change.hazards})


def groups(diff: Diff) -> list[tuple[str, list[Change]]]:
    """Changes grouped by the table (or enum, view, sequence) they touch, in diff order.

    Namespace and extension changes have no table: they form the group `database`.
    """
    out: dict[str, list[Change]] = {}
    for change in diff.changes:
        if change.table is None:
            label = "database"
        else:
            label = f"{change.namespace}.{change.table}" if change.namespace else change.table
        out.setdefault(label, []).append(change)
    return list(out.items())


# ---------------------------------------------------------------------------
# Values as short text (text, Markdown, annotations) and as JSON data


def describe(value: Any) -> str:
    """One line for an old or new value: a column as `email varchar(200) NOT NULL`, a type as its name."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "nullable" if value else "NOT NULL"
    if isinstance(value, (model.SqlType, str, int)):
        return str(value)
    if isinstance(value, model.Default):
        return f"{value.value} (client-side)" if value.kind == "client" else value.value
    if isinstance(value, model.Identity):
        return f"identity {value.generation.replace('_', ' ')}"
    if isinstance(value, tuple):
        return "(" + ", ".join(map(str, value)) + ")"
    if isinstance(value, model.Column):
        text = f"{value.name} {value.type}"
        if not value.nullable:
            text += " NOT NULL"
        if value.default is not None:
            text += f" DEFAULT {describe(value.default)}"
        return text
    if isinstance(value, model.Table):
        return f"table {value.name} ({_plural(len(value.columns), 'column')})"
    if isinstance(value, model.Index):
        text = f"{'unique ' if value.unique else ''}index ({', '.join(e.label() for e in value.elements)})"
        if value.method != "btree":
            text += f" using {value.method}"
        if value.where:
            text += f" where {value.where}"
        return text
    if isinstance(value, model.UniqueConstraint):
        return f"unique ({', '.join(value.columns)})"
    if isinstance(value, model.PrimaryKey):
        return f"primary key ({', '.join(value.columns)})"
    if isinstance(value, model.ForeignKey):
        target = f"{value.ref_schema}.{value.ref_table}" if value.ref_schema else value.ref_table
        return f"({', '.join(value.columns)}) -> {target}({', '.join(value.ref_columns)})"
    if isinstance(value, model.CheckConstraint):
        return f"check ({value.expression})"
    if isinstance(value, model.EnumType):
        return f"enum ({', '.join(value.values)})"
    if isinstance(value, model.View):
        return f"{'materialized ' if value.materialized else ''}view"
    if isinstance(value, model.Sequence):
        owned = f" owned by {value.owned_by}" if value.owned_by else ""
        return f"sequence {value.data_type} start {value.start} increment {value.increment}{owned}"
    if isinstance(value, model.Extension):
        return f"extension {value.name}{' ' + value.version if value.version else ''}"
    if isinstance(value, model.DatabaseObject):
        # A fingerprint: its kind and digest say which version of the object a side has.
        from migrator.verify.normalize import object_kind_word

        return f"{object_kind_word(value.kind)} #{value.digest[:8]}"
    name = getattr(value, "name", None)
    return str(name) if name is not None else str(value)


def old_new(change: Change) -> str:
    return f"{describe(change.old)} -> {describe(change.new)}"


def json_value(value: Any) -> Any:
    """An old or new value as JSON data: model objects as the snapshot writes them, a type as its text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, model.SqlType):
        return str(value)
    if isinstance(value, tuple):
        return [json_value(v) for v in value]
    if dataclasses.is_dataclass(value):
        # orjson writes the model's dataclasses natively, fields in declaration order: the
        # same encoding as the snapshot (migrator.schema.to_json), so the same JSON Schema fits.
        return orjson.loads(orjson.dumps(value))
    return str(value)


# ---------------------------------------------------------------------------
# Locations


def relative_file(file: str, root: str | PurePath | None) -> str:
    """`file` with forward slashes, relative to `root` when it lies under it (migrator.render.paths)."""
    from migrator.render.paths import RepoPaths

    return RepoPaths.of(root).file(file)


def with_file(change: Change) -> model.Origin | None:
    """Where the object is declared in a file: TO's declaration, else FROM's, else None.

    Change.origin prefers TO even when TO is a database (no file); a diff of a model file
    against a database should still point at the model file.
    """
    for origin in (change.origin_new, change.origin_old):
        if origin is not None and origin.file:
            return origin
    return None


def location(change: Change) -> model.Origin | None:
    """The origin to show: one with a file when there is one, else Change.origin."""
    return with_file(change) or change.origin


def all_diffs(runs: Sequence[CheckRun]) -> list[Diff]:
    return [run.diff for run in runs if run.diff is not None]
