"""Three-way drift: what the live database, the legacy models and the target schema each say.

While a team moves from one access layer to another, three descriptions of one database
coexist: the live database, the legacy models ("kept in sync" by hand) and the target
schema (usually the source of truth). A two-way diff answers "how does X differ from Y";
this answers "for every object where they disagree, what does each say", one row per
object and aspect, by diffing the target against each of the other two.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from migrator.schema import Schema
from migrator.verify.changes import SEVERITY_RANK, Change, Diff, _show
from migrator.verify.diff import CompareOptions, compare

SIDES = ("target", "live", "legacy")
ABSENT = "—"


@dataclass(frozen=True)
class DriftRow:
    """One object aspect where the sides disagree; values are short texts, ABSENT when missing."""

    path: str
    aspect: str  # "table", "column", "type", "nullable", "default", "index", "enum value", ...
    target: str
    live: str
    legacy: str
    severity: str
    origin: object = None  # where the target (or another side) declares it

    def value(self, side: str) -> str:
        return getattr(self, side)

    @property
    def disagreeing(self) -> tuple[str, ...]:
        """The sides that differ from the target."""
        return tuple(s for s in ("live", "legacy") if self.value(s) != self.target)


@dataclass(frozen=True)
class ThreeWay:
    sources: dict
    rows: tuple[DriftRow, ...]
    diffs: dict  # side -> Diff against the target

    @property
    def clean(self) -> bool:
        return not self.rows

    def at_or_above(self, severity: str) -> tuple[DriftRow, ...]:
        return tuple(r for r in self.rows if SEVERITY_RANK[r.severity] >= SEVERITY_RANK[severity])


def _aspect(change: Change) -> str:
    kind = change.kind
    for prefix in ("add_", "drop_", "remove_", "alter_", "rename_"):
        if kind.startswith(prefix):
            kind = kind[len(prefix):]
            break
    return {"column_type": "type", "column_nullable": "nullable", "column_default": "default",
            "column_identity": "identity", "column_generated": "generated", "column_comment": "comment",
            "table_comment": "comment", "enum_value": "enum value", "enum_values": "enum order"}.get(kind, kind.replace("_", " "))


def _values(change: Change) -> tuple[str, str]:
    """(what the target says, what the other side says) for one change of target -> side."""
    if change.kind.startswith(("add_", "drop_", "remove_")):
        present = "present"
        if change.kind.startswith("add_"):
            return ABSENT, present
        return present, ABSENT
    return _show(change.old), _show(change.new)


def three_way(
    live: Schema, legacy: Schema, target: Schema, options: CompareOptions | None = None,
    partial: str | None = None,
) -> ThreeWay:
    """Diff the target against the live database and against the legacy models; one row per disagreement.

    partial: "legacy" or "target" when that side declares only some tables so far (the
    access layer being ported to): tables it lacks are out of scope, not drift.
    """
    options = options or CompareOptions()
    if partial not in (None, "legacy", "target"):
        raise ValueError(f"partial must be 'legacy' or 'target', not {partial!r}")
    live_options = replace(options, partial="from") if partial == "target" else options
    legacy_options = replace(options, partial="from" if partial == "target" else "to") if partial else options
    diffs = {"live": compare(target, live, live_options), "legacy": compare(target, legacy, legacy_options)}
    rows: dict[tuple[str, str], dict] = {}
    for side, diff in diffs.items():
        for change in diff.changes:
            if change.possible:
                continue
            key = (change.path, _aspect(change))
            target_value, side_value = _values(change)
            row = rows.setdefault(key, {"target": target_value, "severity": change.severity, "origin": change.origin_old or change.origin_new})
            row[side] = side_value
            if SEVERITY_RANK[change.severity] > SEVERITY_RANK[row["severity"]]:
                row["severity"] = change.severity
    out = []
    for (path, aspect), row in sorted(rows.items()):
        out.append(
            DriftRow(path, aspect, row["target"], row.get("live", row["target"]), row.get("legacy", row["target"]),
                     row["severity"], row["origin"])
        )
    return ThreeWay(
        sources={"target": target.source, "live": live.source, "legacy": legacy.source},
        rows=tuple(out),
        diffs=diffs,
    )


def with_severity(result: ThreeWay, overrides: dict[str, str]) -> ThreeWay:
    if not overrides:
        return result
    return replace(result, rows=tuple(replace(r, severity=overrides.get(r.aspect, r.severity)) for r in result.rows))


__all__ = ["ABSENT", "DriftRow", "SIDES", "ThreeWay", "three_way", "Diff"]
