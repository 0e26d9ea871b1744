"""SQLite rows as PostgreSQL COPY text, computed by SQLite itself.

A copy from SQLite spends its time turning values into text. Doing it in Python costs a
function call per value; here each target column gets an SQL expression (FIELDS, a data
table by target kind) and SQLite builds the whole COPY line, tab-separated and escaped, in
its C engine: Python only joins lines into blocks. Two values need Python, registered as
SQL functions: a REAL's shortest round-trip text (SQLite prints 15 digits, which loses
bits) and the exactness check of a value going into numeric(p,s).

A value that does not fit its target is never made to fit here: it is passed on as text
PostgreSQL will refuse, and the refusal (table, line, column, the value) is what the copy
reports. `reject_text` spells the ones we detect first, so PostgreSQL's message says why.
"""

from __future__ import annotations

import math
import sqlite3
from decimal import Decimal, InvalidOperation

from migrator import schema as model

NULL = r"'\N'"
# COPY text format: backslash, tab, newline and carriage return are escaped (sql-copy.html, "Text Format").
# The replace() chain costs more than the whole rest of a line, and most values need none of it:
# instr() finds the four characters first (measured: 0.14 s against 0.30 s per 500,000 values).
_ESCAPE = ("CASE WHEN instr({x}, '\\') OR instr({x}, char(9)) OR instr({x}, char(10)) OR instr({x}, char(13)) "
           "THEN replace(replace(replace(replace({x}, '\\', '\\\\'), char(9), '\\t'), char(10), '\\n'), char(13), '\\r') "
           "ELSE {x} END")
MS_THRESHOLD = 100_000_000_000  # |epoch| at or beyond this is milliseconds (year 5138 in seconds, 1973 in ms)


def _escaped(x: str) -> str:
    return _ESCAPE.format(x=x)


def shortest_real(value: float) -> str:
    """A double as the shortest text that reads back to the same bits, spelled for PostgreSQL."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def exact_decimal(value, scale) -> str:
    """The text of a value going into numeric(p, scale), or a reject text when it has more decimals than `scale`."""
    text = shortest_real(value) if isinstance(value, float) else str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text  # not a number: PostgreSQL names it
    if scale is not None and number.is_finite():
        exponent = number.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > scale:
            return reject_text(text, f"more than {scale} decimal places")
    return text


def reject_text(value: str, why: str) -> str:
    """A field PostgreSQL refuses for any type, its message carrying the value and why."""
    return f"{value} ({why})"


def register_functions(conn: sqlite3.Connection) -> None:
    conn.create_function("migrator_real", 1, shortest_real, deterministic=True)
    conn.create_function("migrator_decimal", 2, exact_decimal, deterministic=True)


def _epoch(c: str, zone: bool) -> str:
    """An epoch integer (seconds, or milliseconds past MS_THRESHOLD) as ISO text in UTC, by integer arithmetic."""
    suffix = " || '+00'" if zone else ""
    ms = f"(({c} % 1000) + 1000) % 1000"
    # ({ms}) in parentheses: || binds tighter than %, and '00' || c % 1000 would pad before taking the
    # remainder (.077 arrived as .77; found on a real Prisma dev.db by verify data).
    as_ms = (f"strftime('%Y-%m-%d %H:%M:%S', ({c} - {ms}) / 1000, 'unixepoch') || '.' || substr('00' || ({ms}), -3)"
             + suffix)
    as_s = f"strftime('%Y-%m-%d %H:%M:%S', {c}, 'unixepoch')" + suffix
    # strftime is NULL beyond its range: the integer itself then goes on, for PostgreSQL to refuse.
    return f"coalesce(CASE WHEN abs({c}) >= {MS_THRESHOLD} THEN {as_ms} ELSE {as_s} END, {c})"


def field(column: str, target: model.SqlType) -> str:
    """The SQL expression giving `column`'s COPY field for a `target` column, NULL as \\N."""
    c = '"' + column.replace('"', '""') + '"'
    kind = "array" if target.array else target.name
    real = f"migrator_real({c})"
    by_class = {"integer": c, "real": real, "text": _escaped(c), "blob": _escaped(f"CAST({c} AS TEXT)")}
    if kind == "bytes":
        by_class = {k: f"'\\\\x' || hex({c})" for k in by_class}
    elif kind == "boolean":
        by_class["integer"] = f"CASE {c} WHEN 1 THEN 't' WHEN 0 THEN 'f' ELSE {c} END"
        by_class["real"] = f"CASE {c} WHEN 1.0 THEN 't' WHEN 0.0 THEN 'f' ELSE {real} END"
    elif kind == "timestamp":
        by_class["integer"] = _epoch(c, target.timezone)
    elif kind == "numeric":
        scale = "NULL" if target.scale is None else str(int(target.scale))
        by_class["real"] = f"migrator_decimal({c}, {scale})"
        by_class["text"] = _escaped(f"migrator_decimal({c}, {scale})")
    cases = " ".join(f"WHEN '{cls}' THEN {expr}" for cls, expr in by_class.items())
    return f"CASE typeof({c}) WHEN 'null' THEN {NULL} {cases} END"


def line(columns: list[tuple[str, model.SqlType]]) -> str:
    """One COPY line per row: the fields joined by tabs."""
    if len(columns) == 1:  # no concatenation to make the field text: an integer would come back as one
        return f"CAST({field(*columns[0])} AS TEXT)"
    return " || char(9) || ".join(field(name, target) for name, target in columns) if columns else "''"
