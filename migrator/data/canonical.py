"""Cross-engine canonical values: the text a column's value is compared as, on PostgreSQL and SQLite.

This is the contract shared by `migrator copy` and `migrator verify data`: a SQLite value copied to
PostgreSQL by copy must have the same canonical text as the PostgreSQL value it became.

For a pair of column types (A's and B's, each a migrator.schema.SqlType read from its own
database) `comparison_kind` decides how the two columns are compared (a Kind: "bool",
"numeric" with a scale, "timestamptz", ...). Each side then produces the canonical text of every
value for that kind:

- PostgreSQL, inside the database: `pg_expression(kind, column, type)` is an SQL expression
  (psycopg.sql) giving the text. It expects the session settings of SESSION_SETTINGS
  (TimeZone UTC, DateStyle ISO, extra_float_digits 1), which verify sets on its connections.
- SQLite (and any Python value, e.g. copy's rejects file): `canonical_text(kind, value,
  assume_tz)`, registered on the sqlite3 connection as a function by verify.

The rules (docs/verify-data.md has them as a table):
- NULL stays NULL (None): distinct from every value, including ''.
- bool 't'/'f' (SQLite 0/1 too); integers in decimal; numeric with the fraction's trailing zeros
  removed, '-0' = '0', 'NaN'; a value compared with a numeric(p,s) from a SQLite side is
  rounded to s places, half away from zero, from the decimal of its shortest repr.
- double precision: PostgreSQL's shortest round-trip text (fixed notation for decimal exponents
  -4..14, else 1e+15 style), 'NaN', 'Infinity', '-Infinity'; real (float4): the same at float4
  precision (fixed for exponents -4..5).
- text exact; uuid lower-case; json as jsonb's text (keys deduplicated last wins, ordered by
  byte length then bytes, ", " and ": " separators, numbers as numeric prints them).
- timestamptz: the UTC instant as PostgreSQL prints it with TimeZone UTC
  ('2020-01-01 08:00:00.5+00'); SQLite text without an offset is in `assume_tz`; SQLite
  integers are epoch seconds, or milliseconds when |v| >= 100000000000.
  timestamp: the wall clock ('2020-01-01 08:00:00.5'), offsets ignored. date: 'YYYY-MM-DD'.
- bytes: lower-case hex.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import re
import struct
import uuid as uuidlib
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from psycopg import sql

from migrator.schema import SqlType

# The canonical texts PostgreSQL prints depend on these; verify sets them on every connection.
SESSION_SETTINGS = {"TimeZone": "UTC", "DateStyle": "ISO, MDY", "IntervalStyle": "postgres", "extra_float_digits": "1"}

# SQLite integers at or above this magnitude are epoch milliseconds, below it epoch seconds.
EPOCH_MILLISECONDS_FROM = 100_000_000_000

KINDS = ("bool", "int", "numeric", "float", "float4", "text", "uuid", "json", "timestamptz", "timestamp", "date", "bytes")


@dataclass(frozen=True)
class Kind:
    """How a column pair is compared: one of KINDS; `scale` rounds numeric values (numeric only)."""

    name: str
    scale: int | None = None

    def __str__(self) -> str:
        return f"numeric({self.scale})" if self.scale is not None else self.name

    @staticmethod
    def parse(text: "str | Kind") -> "Kind":
        if isinstance(text, Kind):
            return text
        match = re.fullmatch(r"numeric\((\d+)\)", text)
        if match:
            return Kind("numeric", int(match.group(1)))
        if text not in KINDS:
            raise ValueError(f"unknown comparison kind {text!r}")
        return Kind(text)


# Canonical type name (migrator.types) -> value family.
_FAMILIES = {
    "boolean": "bool",
    "smallint": "int", "integer": "int", "bigint": "int",
    "numeric": "numeric",
    "double": "float", "real": "float4",
    "text": "text", "varchar": "text", "char": "text",
    "uuid": "uuid",
    "json": "json", "jsonb": "json",
    "date": "date",
    "bytes": "bytes",
    "any": "any",
}


def family(t: SqlType) -> str:
    """The value family of a column type: a KINDS name, "any" (SQLite untyped) or "other"."""
    if t.array:
        return "other"
    if t.name == "timestamp":
        return "timestamptz" if t.timezone else "timestamp"
    return _FAMILIES.get(t.name, "other")


# Unordered family pairs -> the kind both sides are compared as: the more specific reading wins
# (a SQLite INTEGER against a PostgreSQL boolean is compared as booleans).
_PAIRS = {
    frozenset({"int", "bool"}): "bool",
    frozenset({"int", "numeric"}): "numeric",
    frozenset({"int", "float"}): "float",
    # A real (4 bytes) against a wider number is read as a double: the bits it could not keep
    # show (pgloader's REAL -> real lost 0.64560410066301 to 0.6456041; as float4 both looked alike).
    frozenset({"int", "float4"}): "float",
    frozenset({"float", "numeric"}): "numeric",
    frozenset({"float4", "numeric"}): "numeric",
    frozenset({"float", "float4"}): "float",
    frozenset({"timestamp", "timestamptz"}): "timestamptz",
    frozenset({"date", "timestamptz"}): "timestamptz",
    frozenset({"date", "timestamp"}): "timestamp",
    frozenset({"int", "timestamptz"}): "timestamptz",
    frozenset({"int", "timestamp"}): "timestamp",
    frozenset({"int", "date"}): "date",
    frozenset({"float", "timestamptz"}): "timestamptz",
    frozenset({"float", "timestamp"}): "timestamp",
    frozenset({"uuid", "bytes"}): "uuid",
}
_LOOSE = ("text", "any", "other")


def comparison_kind(a: SqlType, b: SqlType, dialect_a: str = "postgresql", dialect_b: str = "postgresql") -> Kind:
    """How a column of type `a` (in a `dialect_a` database) is compared with one of type `b`."""
    fa, fb = family(a), family(b)
    if fa == fb:
        name = "text" if fa in ("any", "other") else fa
    elif fa in _LOOSE and fb in _LOOSE:
        name = "text"
    elif fa in _LOOSE:
        name = fb
    elif fb in _LOOSE:
        name = fa
    else:
        name = _PAIRS.get(frozenset({fa, fb}), "text")
    if name != "numeric":
        return Kind(name)
    # Rounding to the declared scale is for values that are not already PostgreSQL numerics of
    # that scale: a SQLite REAL or TEXT (whatever its declared type) or a float.
    exact = [t for t, f, d in ((a, fa, dialect_a), (b, fb, dialect_b)) if f == "numeric" and d == "postgresql"]
    if len(exact) == 2:
        return Kind("numeric")
    scales = [t.scale for t, f in ((a, fa), (b, fb)) if f == "numeric" and t.scale is not None]
    pg_scales = [t.scale for t in exact if t.scale is not None]
    scale = pg_scales[0] if pg_scales else (scales[0] if scales else None)
    return Kind("numeric", scale)


# --------------------------------------------------------------------------- PostgreSQL side


def pg_expression(kind: Kind | str, column: sql.Composable, pg_type: SqlType, assume_tz: str = "UTC") -> sql.Composable:
    """The SQL expression giving `column`'s canonical text for `kind` (NULL for NULL).

    `column` is the quoted column (sql.Identifier), `pg_type` its type in PostgreSQL.
    `assume_tz` (a validated zone name) places a timestamp without time zone compared as timestamptz.
    """
    kind = Kind.parse(kind)
    fam = family(pg_type)
    c = column
    name = kind.name
    if name == "bool":
        if fam == "bool":
            return sql.SQL("CASE {} WHEN true THEN 't' WHEN false THEN 'f' END").format(c)
        return sql.SQL("CASE {0}::text WHEN '0' THEN 'f' WHEN '1' THEN 't' ELSE {0}::text END").format(c)
    if name == "numeric":
        value = c if fam == "numeric" else sql.SQL("{}::numeric").format(c)
        if kind.scale is not None:
            value = sql.SQL("round({}, {})").format(value, sql.Literal(kind.scale))
        return sql.SQL("trim_scale({})::text").format(value)
    if name == "float":
        return sql.SQL("{}::text").format(c) if fam == "float" else sql.SQL("{}::float8::text").format(c)
    if name == "float4":
        return sql.SQL("{}::text").format(c) if fam == "float4" else sql.SQL("{}::float4::text").format(c)
    if name == "uuid":
        if fam == "uuid":
            return sql.SQL("{}::text").format(c)
        if fam == "bytes":
            return sql.SQL("encode({}, 'hex')::uuid::text").format(c)
        return sql.SQL("lower({}::text)").format(c)
    if name == "json":
        if fam == "json" and pg_type.name == "jsonb":
            return sql.SQL("{}::text").format(c)
        return sql.SQL("{}::jsonb::text").format(c)
    if name == "timestamptz":
        if fam == "timestamptz":
            return sql.SQL("{}::text").format(c)
        if fam in ("timestamp", "date"):
            return sql.SQL("({}::timestamp AT TIME ZONE {})::text").format(c, sql.Literal(assume_tz))
        return sql.SQL("{}::text").format(c)
    if name == "timestamp":
        if fam == "date":
            return sql.SQL("{}::timestamp::text").format(c)
        return sql.SQL("{}::text").format(c)
    if name == "bytes":
        if fam == "bytes":
            return sql.SQL("encode({}, 'hex')").format(c)
        return sql.SQL("encode(convert_to({}::text, 'UTF8'), 'hex')").format(c)
    if name == "text" and fam == "bytes":
        return sql.SQL("encode({}, 'hex')").format(c)
    return sql.SQL("{}::text").format(c)


# --------------------------------------------------------------------------- Python side


def _pg_float_text(value: float, fixed_below: int = 15, digits: str | None = None) -> str:
    """`value` as PostgreSQL prints a float8 (float4 with fixed_below=6 and its shortest digits)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    shortest = digits if digits is not None else repr(value)
    sign, mantissa, exponent = decimal.Decimal(shortest).as_tuple()
    number = "".join(map(str, mantissa)).rstrip("0") or "0"
    point = len(mantissa) + exponent - 1  # decimal exponent of the first digit
    prefix = "-" if sign else ""
    if -4 <= point < fixed_below:
        if point < 0:
            return f"{prefix}0.{'0' * (-point - 1)}{number}"
        whole = number[: point + 1].ljust(point + 1, "0")
        fraction = number[point + 1 :]
        return f"{prefix}{whole}.{fraction}" if fraction else f"{prefix}{whole}"
    tail = f".{number[1:]}" if len(number) > 1 else ""
    return f"{prefix}{number[0]}{tail}e{'-' if point < 0 else '+'}{abs(point):02d}"


def _float4_shortest(value: float) -> str:
    """The fewest significant digits that read back as the same float4 (the closest such, as Ryu's)."""

    def as_float4(number: float) -> float:
        try:
            return struct.unpack("f", struct.pack("f", number))[0]
        except OverflowError:
            return math.inf

    target = as_float4(value)
    for precision in range(1, 10):
        nearest = decimal.Decimal(f"{target:.{precision - 1}e}")
        unit = decimal.Decimal(1).scaleb(nearest.adjusted() - (precision - 1))
        # The nearest decimal of this length may fall outside the float4's interval while a
        # neighbour falls inside it: Ryu takes the shortest digits inside, closest first.
        candidates = sorted((nearest, nearest + unit, nearest - unit), key=lambda d: abs(d - decimal.Decimal(target)))
        for candidate in candidates:
            if as_float4(float(candidate)) == target:
                return f"{candidate:e}"
    return repr(target)


def _strictly_inside(digits: str, exact: int, below: Fraction, above: Fraction) -> bool:
    candidate = Fraction(decimal.Decimal(digits))
    return exact - below < candidate < exact + above


def _without_bounds(value: float, digits: str, mantissa_bits: int) -> str:
    """PostgreSQL's Ryu never takes a decimal lying exactly on the edge of the value's rounding
    interval (Python's repr does, when the mantissa is even). That can only happen to integers
    past 2^mantissa_bits, whose edges are whole numbers: there, the next longer decimal is taken."""
    if not value.is_integer() or abs(value) < 2.0 ** mantissa_bits:
        return digits
    exact = int(value)
    fraction, exponent = math.frexp(abs(value))
    ulp = Fraction(2) ** (exponent - mantissa_bits)
    above = ulp / 2
    below = ulp / 4 if fraction == 0.5 else ulp / 2  # below a power of two the spacing halves
    if value < 0:
        above, below = below, above
    if _strictly_inside(digits, exact, below, above):
        return digits
    for precision in range(len(decimal.Decimal(digits).as_tuple().digits), 18):
        candidate = f"{value:.{precision}e}"
        if _strictly_inside(candidate, exact, below, above):
            return candidate
    return repr(value)


def float_text(value: float) -> str:
    value = float(value)
    if math.isfinite(value) and value != 0:
        return _pg_float_text(value, digits=_without_bounds(value, repr(value), 53))
    return _pg_float_text(value)


def float4_text(value: float) -> str:
    value = float(value)
    try:
        rounded = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return _pg_float_text(math.copysign(math.inf, value))
    if math.isnan(rounded) or math.isinf(rounded) or rounded == 0:
        return _pg_float_text(rounded)
    return _pg_float_text(rounded, fixed_below=6, digits=_without_bounds(rounded, _float4_shortest(rounded), 24))


_DECIMAL_CONTEXT = decimal.Context(prec=1000, rounding=decimal.ROUND_HALF_UP)


def _decimal_text(value: decimal.Decimal) -> str:
    """A Decimal in plain notation with the fraction's trailing zeros removed; -0 is 0."""
    if value.is_nan():
        return "NaN"
    if value.is_infinite():
        return "Infinity" if value > 0 else "-Infinity"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def _to_decimal(value) -> decimal.Decimal | None:
    if isinstance(value, bool):
        return decimal.Decimal(int(value))
    if isinstance(value, int):
        return decimal.Decimal(value)
    if isinstance(value, float):
        if math.isnan(value):
            return decimal.Decimal("NaN")
        if math.isinf(value):
            return decimal.Decimal("Infinity" if value > 0 else "-Infinity")
        return decimal.Decimal(repr(value))  # the decimal of its shortest repr, not its binary value
    if isinstance(value, decimal.Decimal):
        return value
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?(inf|infinity)", text, re.IGNORECASE):
            return decimal.Decimal("-Infinity" if text.startswith("-") else "Infinity")
        try:
            return decimal.Decimal(text)
        except decimal.InvalidOperation:
            return None
    return None


def numeric_text(value, scale: int | None = None) -> str:
    number = _to_decimal(value)
    if number is None:
        return _text(value)
    if scale is not None and number.is_finite():
        number = number.quantize(decimal.Decimal(1).scaleb(-scale), context=_DECIMAL_CONTEXT)
    return _decimal_text(number)


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, decimal.Decimal):
        return _decimal_text(value)
    return str(value)


_TRUE = frozenset({"t", "true", "1", "yes", "y", "on"})
_FALSE = frozenset({"f", "false", "0", "no", "n", "off"})


def bool_text(value) -> str:
    if isinstance(value, (bool, int)) and value in (0, 1):
        return "t" if value else "f"
    if isinstance(value, float) and value in (0.0, 1.0):
        return "t" if value else "f"
    if isinstance(value, str):
        folded = value.strip().lower()
        if folded in _TRUE:
            return "t"
        if folded in _FALSE:
            return "f"
    return _text(value)


def uuid_text(value) -> str:
    if isinstance(value, uuidlib.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)) and len(value) == 16:
        return str(uuidlib.UUID(bytes=bytes(value)))
    if isinstance(value, str):
        return value.lower()
    return _text(value)


# ---- json: PostgreSQL jsonb's text form


def _json_key(key: str) -> tuple[int, bytes]:
    encoded = key.encode("utf-8", "surrogatepass")
    return (len(encoded), encoded)


def _json_dump(value, out: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{")
        for i, key in enumerate(sorted(value, key=_json_key)):
            if i:
                out.append(", ")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(": ")
            _json_dump(value[key], out)
        out.append("}")
    elif isinstance(value, list):
        if not value:
            out.append("[]")
            return
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(", ")
            _json_dump(item, out)
        out.append("]")
    elif isinstance(value, decimal.Decimal):
        if value.is_zero():
            value = value.copy_abs()
        out.append(format(value, "f"))
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif value is None:
        out.append("null")
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def _json_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def json_text(value) -> str:
    """JSON text as jsonb prints it; text that is not JSON is returned as it is (and will differ)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return bytes(value).hex()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = repr(value) if isinstance(value, float) else str(value)
    if not isinstance(value, str):
        return _text(value)
    try:
        parsed = json.loads(value, parse_float=decimal.Decimal, parse_int=decimal.Decimal, parse_constant=_json_constant)
    except ValueError:
        return value
    out: list[str] = []
    _json_dump(parsed, out)
    return "".join(out)


# ---- dates and times

_ISO = re.compile(
    r"\s*(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?P<tz>Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?\s*"
)


@lru_cache(maxsize=64)
def zone(name: str) -> dt.tzinfo:
    """The tzinfo of a zone name ('UTC', 'Europe/Paris', '+02:00'); ValueError if unknown."""
    if name.upper() in ("UTC", "Z", "GMT"):
        return dt.timezone.utc
    offset = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", name)
    if offset:
        delta = dt.timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0))
        return dt.timezone(-delta if offset.group(1) == "-" else delta)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def parse_timestamp(text: str) -> tuple[dt.datetime, dt.tzinfo | None] | None:
    """An ISO-8601 timestamp text as (wall-clock datetime, its zone or None); None if it is not one."""
    match = _ISO.fullmatch(text)
    if not match:
        return None
    fraction = (match.group("f") or "").ljust(6, "0")
    microsecond = int(fraction[:6])
    try:
        wall = dt.datetime(int(match.group("y")), int(match.group("mo")), int(match.group("d")),
                           int(match.group("h") or 0), int(match.group("mi") or 0), int(match.group("s") or 0))
    except ValueError:
        return None
    if len(fraction) > 6 and int(fraction[6]) >= 5:  # PostgreSQL rounds to the microsecond
        microsecond += 1
    wall += dt.timedelta(microseconds=microsecond)
    tz = match.group("tz")
    return wall, (zone(tz) if tz else None)


def _epoch(value: int | float) -> dt.datetime:
    seconds = value / 1000 if abs(value) >= EPOCH_MILLISECONDS_FROM else value
    if isinstance(seconds, int) or float(seconds).is_integer():
        return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(seconds))
    return dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=round(decimal.Decimal(repr(float(seconds))) * 1_000_000))


def _wall_text(moment: dt.datetime) -> str:
    text = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text


def _instant(value, assume_tz: str) -> dt.datetime | None:
    """The UTC wall clock of a timestamptz value (naive), or None when it is not a timestamp."""
    if isinstance(value, dt.datetime):
        wall, tz = value.replace(tzinfo=None), value.tzinfo
    elif isinstance(value, dt.date):
        wall, tz = dt.datetime(value.year, value.month, value.day), None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return _epoch(value)
    elif isinstance(value, str):
        parsed = parse_timestamp(value)
        if parsed is None:
            return None
        wall, tz = parsed
    else:
        return None
    aware = wall.replace(tzinfo=tz or zone(assume_tz))
    return aware.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _wall(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return _epoch(value)
    if isinstance(value, str):
        parsed = parse_timestamp(value)
        return parsed[0] if parsed else None
    return None


_SPECIAL_TIMES = {"infinity": "infinity", "+infinity": "infinity", "-infinity": "-infinity"}


def timestamptz_text(value, assume_tz: str = "UTC") -> str:
    if isinstance(value, str) and value.strip().lower() in _SPECIAL_TIMES:
        return _SPECIAL_TIMES[value.strip().lower()]
    try:
        moment = _instant(value, assume_tz)
    except (OverflowError, ValueError):
        moment = None
    return _text(value) if moment is None else _wall_text(moment) + "+00"


def timestamp_text(value) -> str:
    if isinstance(value, str) and value.strip().lower() in _SPECIAL_TIMES:
        return _SPECIAL_TIMES[value.strip().lower()]
    try:
        moment = _wall(value)
    except (OverflowError, ValueError):
        moment = None
    return _text(value) if moment is None else _wall_text(moment)


def date_text(value) -> str:
    if isinstance(value, str) and value.strip().lower() in _SPECIAL_TIMES:
        return _SPECIAL_TIMES[value.strip().lower()]
    try:
        moment = _wall(value)
    except (OverflowError, ValueError):
        moment = None
    return _text(value) if moment is None else f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"


def bytes_text(value) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").hex()
    return _text(value)


def int_text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value)


def canonical_text(kind: Kind | str, value, assume_tz: str = "UTC") -> str | None:
    """The canonical text of a Python value (as sqlite3 or psycopg returns it) compared as `kind`.

    None for NULL. Values that do not read as the kind (a SQLite TEXT 'abc' in a column compared
    as timestamptz) keep their own text, so they differ from any well-formed value.
    """
    if value is None:
        return None
    return converter(Kind.parse(kind), assume_tz)(value)


def converter(kind: Kind, assume_tz: str = "UTC"):
    """The one-argument function canonical_text applies for `kind` (NULL handling excluded)."""
    name = kind.name
    if name == "bool":
        return bool_text
    if name == "int":
        return int_text
    if name == "numeric":
        scale = kind.scale
        return lambda v: numeric_text(v, scale)
    if name == "float":
        return lambda v: float_text(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else _float_from_text(v, float_text)
    if name == "float4":
        return lambda v: float4_text(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else _float_from_text(v, float4_text)
    if name == "uuid":
        return uuid_text
    if name == "json":
        return json_text
    if name == "timestamptz":
        return lambda v: timestamptz_text(v, assume_tz)
    if name == "timestamp":
        return timestamp_text
    if name == "date":
        return date_text
    if name == "bytes":
        return bytes_text
    return _text


def _float_from_text(value, render) -> str:
    if isinstance(value, str):
        folded = value.strip().lower()
        special = {"nan": math.nan, "infinity": math.inf, "inf": math.inf, "-infinity": -math.inf, "-inf": -math.inf}
        if folded in special:
            return render(special[folded])
        try:
            return render(float(value))
        except ValueError:
            return value
    if isinstance(value, decimal.Decimal):
        return render(float(value))
    return _text(value)


__all__ = ["Kind", "KINDS", "SESSION_SETTINGS", "canonical_text", "comparison_kind", "converter", "family", "pg_expression", "zone"]
