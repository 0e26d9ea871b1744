"""Type decisions for a copy between engines: which PostgreSQL type each SQLite column becomes, and why.

SQLite keeps almost no type: a column declared DATETIME holds ISO text or epoch integers, a
BOOLEAN holds 0/1, a TEXT may hold nothing but UUIDs or JSON documents. pgloader casts by a
fixed list of declared names; migrator decides per column from three kinds of evidence, in
this order of authority:

1. a model file (`--schema-from`): the type it declares is the type (Prisma's `@db.Uuid`);
2. `--type TABLE.COLUMN=TYPE` given by the user;
3. the declared type, confirmed or upgraded by a sample of the column's values (UPGRADES).

Every decision that changes more than the spelling is a Decision with its reason and
evidence, printed by `--dry-run` and in the run's summary. A sample can be wrong (a value
outside the sample): the copy does not coerce it then, it stops at the row (or rejects it).
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import sqlite3
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from migrator import schema as model
from migrator.types import TYPE_ALIASES

SAMPLE_ROWS = 1000

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# What PostgreSQL's timestamptz input reads as an ISO-8601 instant: date, optional time, optional offset.
ISO_TIMESTAMP_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?$", re.IGNORECASE
)
INT4 = (-(2**31), 2**31 - 1)
INT2 = (-(2**15), 2**15 - 1)


@dataclass(frozen=True)
class Decision:
    """One column's type in the target, when it is more than the declared type's spelling."""

    table: str
    column: str
    declared: str  # as FROM declares it ("DATETIME", "TEXT")
    target: model.SqlType
    reason: str  # why, in words: "ISO-8601 text declared as a date (naive values read as UTC)"
    evidence: str  # the source of the decision: "model file", "--type", "sample of 1000 rows", "declared type"

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "column": self.column, "declared": self.declared, "target": str(self.target),
                "reason": self.reason, "evidence": self.evidence}


@dataclass(frozen=True)
class Sample:
    """The sampled non-NULL values of one column, with SQLite's storage class of each."""

    values: tuple[Any, ...]
    classes: frozenset[str]  # typeof(): integer, real, text, blob

    @property
    def empty(self) -> bool:
        return not self.values


def _all(sample: Sample, test: Callable[[Any], bool]) -> bool:
    return not sample.empty and all(test(v) for v in sample.values)


def _is_uuid(value: Any) -> bool:
    return isinstance(value, str) and UUID_RE.match(value) is not None


def _is_json_document(value: Any) -> bool:
    if not isinstance(value, str) or not value.lstrip().startswith(("{", "[")):
        return False
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _is_json(value: Any) -> bool:
    if not isinstance(value, str):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _is_instant(value: Any) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and ISO_TIMESTAMP_RE.match(value.strip()) is not None


def _is_flag(value: Any) -> bool:
    return value in (0, 1) and not isinstance(value, float)


def _outside(bounds: tuple[int, int]) -> Callable[[Sample], bool]:
    def test(sample: Sample) -> bool:
        return any(isinstance(v, int) and not bounds[0] <= v <= bounds[1] for v in sample.values)

    return test


# The upgrades from a SQLite declared kind, as data: (declared kinds, test on the sample,
# target type, reason). The first rule whose kinds match and whose test passes decides; a
# declared kind no rule upgrades keeps its canonical type. `assume_tz` is filled in the reason.
UPGRADES: tuple[tuple[frozenset[str], Callable[[Sample], bool], Callable[[model.SqlType], model.SqlType], str], ...] = (
    (frozenset({"text", "varchar", "char"}), lambda s: _all(s, _is_uuid),
     lambda t: model.SqlType("uuid"), "TEXT holding UUIDs"),
    (frozenset({"text", "varchar"}), lambda s: _all(s, _is_json_document),
     lambda t: model.SqlType("jsonb"), "TEXT holding JSON documents"),
    (frozenset({"json", "jsonb"}), lambda s: s.empty or _all(s, _is_json),
     lambda t: model.SqlType("jsonb"), "JSON text"),
    (frozenset({"boolean"}), lambda s: s.empty or _all(s, _is_flag),
     lambda t: model.SqlType("boolean"), "0/1 integers declared boolean"),
    (frozenset({"timestamp"}), lambda s: s.empty or _all(s, _is_instant),
     lambda t: model.SqlType("timestamp", precision=t.precision, timezone=True),
     "ISO-8601 text or epoch integers declared as a timestamp, as timestamptz (values without an offset read in {tz})"),
    (frozenset({"integer"}), _outside(INT4),
     lambda t: model.SqlType("bigint"), "integers beyond 32 bits in the sample"),
    (frozenset({"smallint"}), _outside(INT2),
     lambda t: model.SqlType("integer"), "integers beyond 16 bits in the sample"),
)

# A declared kind whose values the sample shows do not fit: say so in the plan, keep the type
# (the copy stops at the first such value, or rejects it with --on-error report).
MISFITS: tuple[tuple[frozenset[str], Callable[[Sample], bool], str], ...] = (
    (frozenset({"boolean"}), lambda s: not s.empty and not _all(s, _is_flag), "values other than 0/1 in the sample"),
    (frozenset({"timestamp", "date"}), lambda s: not s.empty and not _all(s, _is_instant),
     "values that are neither ISO-8601 text nor epoch integers in the sample"),
    (frozenset({"json", "jsonb"}), lambda s: not s.empty and not _all(s, _is_json), "text that is not JSON in the sample"),
)


# SQLite's type affinity (datatype3.html, section 3.1): a declared type no table of migrator.types
# names ("INTEGER UNSIGNED", "smallint unsigned", "FLOATING POINT", "STRING_ID") is read by the
# rules SQLite itself applies, in its order; what the rules give is then sampled like any column.
AFFINITY: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("int",), "integer", "INTEGER"),
    (("char", "clob", "text"), "text", "TEXT"),
    (("blob",), "bytes", "BLOB"),
    (("real", "floa", "doub"), "double", "REAL"),
)
_KNOWN_KINDS = frozenset(kind for kind, _ in TYPE_ALIASES["sqlite"].values()) | {"enum"}


def by_affinity(column: model.Column, sample: Sample) -> tuple[model.Column, str | None, str]:
    """A SQLite column of a type migrator has no entry for, as the type SQLite's affinity rules make of it,
    widened until it holds the sampled values (integer, then double precision, then text)."""
    if column.type.name in _KNOWN_KINDS:
        return column, None, ""
    declared = column.type.name
    if declared in ("", "any"):
        kind, why = "bigint", "no declared type"  # BLOB affinity: values kept as given
    else:
        kind, why = "numeric", f"NUMERIC affinity, as SQLite reads {declared.upper()}"
        for needles, affinity_kind, affinity in AFFINITY:
            if any(n in declared for n in needles):
                kind, why = affinity_kind, f"{affinity} affinity, as SQLite reads {declared.upper()}"
                break
    widened = _widen(kind, sample.classes)
    if widened != kind:
        why += f", widened to hold the sampled {', '.join(sorted(sample.classes))} values"
    evidence = "declared type" if widened == kind and declared not in ("", "any") else _sample_words(sample)
    return dataclasses.replace(column, type=model.SqlType(widened)), why, evidence


def _sample_words(sample: Sample) -> str:
    n = len(sample.values)
    return f"sample of {n} value{'s' if n != 1 else ''}" if n else "declared type (no values)"


# What each kind holds of SQLite's storage classes, and the next wider kind.
_HOLDS = {"integer": {"integer"}, "bigint": {"integer"}, "double": {"integer", "real"}, "numeric": {"integer", "real"},
          "text": {"text", "integer", "real"}, "bytes": {"blob"}}
_WIDER = {"integer": "bigint", "bigint": "double", "double": "text", "numeric": "text", "bytes": "text"}


def _widen(kind: str, classes: frozenset[str]) -> str:
    while kind in _WIDER and not classes <= _HOLDS[kind]:
        kind = _WIDER[kind]
    return kind


def decide(table: str, column: model.Column, declared: str, sample: Sample, assume_tz: str) -> tuple[model.SqlType, Decision | None, str | None]:
    """The target type of a SQLite column, the decision when it is an upgrade, a warning when the sample misfits."""
    kind = column.type.name
    warning = None
    for kinds, misfit, why in MISFITS:
        if kind in kinds and misfit(sample):
            warning = f"{table}.{column.name} ({declared}): {why}; the copy stops at the first value that does not fit"
            return column.type, None, warning
    for kinds, test, target_of, reason in UPGRADES:
        if kind in kinds and test(sample):
            target = target_of(column.type)
            evidence = _sample_words(sample)
            return target, Decision(table, column.name, declared, target, reason.format(tz=assume_tz), evidence), None
    return column.type, None, None


def sample_columns(conn: sqlite3.Connection, table: str, columns: Iterable[str], *, rows: int = SAMPLE_ROWS,
                   seed: int = 17) -> dict[str, Sample]:
    """Up to `rows` rows of a SQLite table: the first half in rowid order, the rest at random rowids.

    Random rowids are drawn between the table's least and greatest rowid (no scan, no sort),
    with a fixed seed so that two plans of one database decide alike. A WITHOUT ROWID table
    is sampled from its start.
    """
    names = list(columns)
    quoted = ", ".join(quote_sqlite(c) for c in names)
    qtable = quote_sqlite(table)
    try:
        low, high = conn.execute(f"SELECT min(rowid), max(rowid) FROM {qtable}").fetchone()
        has_rowid = True
    except sqlite3.OperationalError:  # WITHOUT ROWID
        low = high = None
        has_rowid = False
    fetched: list[tuple] = []
    if has_rowid and low is not None:
        fetched += conn.execute(f"SELECT {quoted} FROM {qtable} ORDER BY rowid LIMIT ?", (rows // 2,)).fetchall()
        span = high - low + 1
        if span > rows // 2:
            rng = random.Random(seed)
            picks = sorted({rng.randrange(low, high + 1) for _ in range(rows - rows // 2)})
            placeholders = ", ".join("?" * len(picks))
            fetched += conn.execute(f"SELECT {quoted} FROM {qtable} WHERE rowid IN ({placeholders})", picks).fetchall()
    elif not has_rowid:
        fetched = conn.execute(f"SELECT {quoted} FROM {qtable} LIMIT ?", (rows,)).fetchall()
    out: dict[str, Sample] = {}
    for i, name in enumerate(names):
        values = tuple(row[i] for row in fetched if row[i] is not None)
        out[name] = Sample(values, frozenset(_storage_class(v) for v in values))
    return out


def _storage_class(value: Any) -> str:
    return {int: "integer", float: "real", str: "text", bytes: "blob"}.get(type(value), "text")


def quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def overridden(decision_type: str) -> model.SqlType:
    """A `--type` value (PostgreSQL spelling) as a canonical type."""
    from migrator.types import parse_type

    return parse_type(decision_type, "postgresql")


def replace_type(column: model.Column, target: model.SqlType) -> model.Column:
    return dataclasses.replace(column, type=target)
