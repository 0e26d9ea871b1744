"""Typed defaults: turn a database's default expression text into a `Default`.

Every reader (live PostgreSQL, live SQLite, the static SQL reader, SQLAlchemy models)
classifies defaults here, so `now()`, `CURRENT_TIMESTAMP` and `datetime('now')` are the
same typed value whichever source they came from.
"""

from __future__ import annotations

import json
import re
from typing import Any

from migrator.schema import Default
from migrator.sqltext import find_top_level, unwrap_parens

# Spellings of "the current timestamp" per dialect, lower case, spaces removed.
CURRENT_TIMESTAMP_SPELLINGS: dict[str, frozenset[str]] = {
    "postgresql": frozenset(
        {
            "now()",
            "current_timestamp",
            "transaction_timestamp()",
            "current_timestamp(0)",
            "current_timestamp(3)",
            "current_timestamp(6)",
            "localtimestamp",
            "statement_timestamp()",
        }
    ),
    "sqlite": frozenset(
        {
            "current_timestamp",
            "datetime('now')",
            "datetime('now','localtime')",
            "strftime('%y-%m-%d%h:%m:%f','now')",
            "strftime('%y-%m-%dt%h:%m:%fz','now')",
            "strftime('%y-%m-%dt%h:%m:%f','now')",
            "(strftime('%s','now'))",
            "unixepoch()",
            "strftime('%s','now')",
        }
    ),
}

# Function-call spellings that are the same value in every dialect.
_NEUTRAL_FUNCTION_ALIASES = {
    "gen_random_uuid()": "gen_random_uuid()",
    "uuid_generate_v4()": "uuid_generate_v4()",
}

# A cast's type may be schema-qualified and quoted in any part: ::auth."Provider"[].
_CAST = re.compile(r"::\s*(?:(?:\"[^\"]+\"|[A-Za-z_]\w*)\s*\.\s*)*(?:\"[^\"]+\"|[A-Za-z_]\w*)(?:\s*\([^)]*\))?(?:\s*\[\])*(?:\s+(?:with|without)\s+time\s+zone)?(?:\s+varying)?", re.IGNORECASE)
_NEXTVAL = re.compile(r"^nextval\('(?P<seq>(?:[^']|'')+)'(?:::regclass)?\)$", re.IGNORECASE)
# PostgreSQL keeps negative numeric defaults as a quoted string cast to the type: '-1'::integer.
_QUOTED_NUMBER = re.compile(
    r"^'(?P<num>[-+]?\d+(?:\.\d+)?)'::(?:integer|bigint|smallint|numeric|real|double precision)$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$", re.IGNORECASE)
_STRING = re.compile(r"^(?:E)?'(?:[^']|'')*'$", re.IGNORECASE | re.DOTALL)


def jsonb_output(value: Any) -> str:
    """A JSON value as PostgreSQL's jsonb prints it back (jsonb.c): object keys shortest first,
    then by bytes; `, ` and `: ` separators. A jsonb default reads back in this form."""

    def order(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: order(v[k]) for k in sorted(v, key=lambda k: (len(k.encode()), k.encode()))}
        if isinstance(v, list):
            return [order(x) for x in v]
        return v

    return json.dumps(order(value), separators=(", ", ": "), ensure_ascii=False)


def strip_casts(text: str) -> str:
    """Remove PostgreSQL `::type` casts outside string literals."""
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "'":
            j = i + 1
            while j < n:
                if text[j] == "'" and (j + 1 >= n or text[j + 1] != "'"):
                    break
                j += 2 if text[j] == "'" else 1
            out.append(text[i : j + 1])
            i = j + 1
            continue
        m = _CAST.match(text, i) if ch == ":" else None
        if m:
            i = m.end()
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def classify_default(text: str | None, dialect: str, default_schema: str | None = None) -> Default | None:
    """The typed default of a default expression as a database reports it."""
    if text is None:
        return None
    raw = text.strip()
    if not raw:
        return None
    seq = _NEXTVAL.match(raw)
    if seq:
        name = seq.group("seq").replace("''", "'").replace('"', "")
        if "." not in name and default_schema:
            name = f"{default_schema}.{name}"
        return Default("sequence", name)
    quoted_number = _QUOTED_NUMBER.match(raw)
    if quoted_number:
        return Default("literal", _normalize_number(quoted_number.group("num")))
    expr = unwrap_parens(strip_casts(_strip_cast_calls(raw)).strip())
    expr = _ARRAY_KEYWORD.sub("ARRAY[", expr)
    compact = re.sub(r"\s+", "", expr).lower()
    if (compact in CURRENT_TIMESTAMP_SPELLINGS.get(dialect, frozenset()) or compact in (
        "now()",
        "current_timestamp",
    )) and _casts_keep_timestamp(raw):
        return Default("current_timestamp", "CURRENT_TIMESTAMP")
    if _STRING.match(expr):
        body = expr[1:] if expr[0] in "Ee" else expr
        return Default("literal", body)
    if _NUMBER.match(expr):
        return Default("literal", _normalize_number(expr))
    if compact in ("true", "false", "null"):
        return Default("literal", compact if compact != "null" else "NULL")
    if compact in _NEUTRAL_FUNCTION_ALIASES:
        return Default("expression", _NEUTRAL_FUNCTION_ALIASES[compact])
    return Default("expression", expression_value(raw))


def _casts_keep_timestamp(raw: str) -> bool:
    """Whether every `::type` cast in `raw` is to a timestamp type: `now()::timestamp` is still
    the current time, `CURRENT_TIMESTAMP::date::text` is a day's text (an expression)."""
    targets = [m.group(0)[2:].strip().lower() for m in _CAST.finditer(_cast_calls_as_colons(raw))]
    return all(t.startswith("timestamp") for t in targets)


def expression_value(raw: str) -> str:
    """An expression default as DDL must repeat it: its casts kept, enclosing parentheses off.

    Unlike a literal, which the column's type converts, an expression can mean something
    else without its casts or not parse at all: `ARRAY[]` has no type, `ARRAY['user']` is
    text[] (no cast to an enum array), `now() - '1 day'` subtracts a timestamp. Comparison
    keys (migrator.verify.normalize.expression_key) strip the casts themselves. A top-level
    `CAST(x AS t)` (how SQL parsers spell `x::t`) becomes `(x)::t`, the spelling those keys strip.
    """
    return _ARRAY_KEYWORD.sub("ARRAY[", unwrap_parens(_cast_calls_as_colons(raw.strip())))


_ARRAY_KEYWORD = re.compile(r"\barray\s*\[", re.IGNORECASE)
_CAST_CALL = re.compile(r"^\s*CAST\s*\(", re.IGNORECASE)


def _strip_cast_calls(text: str) -> str:
    """`CAST(x AS t)` -> `x`: the spelling SQL parsers give of PostgreSQL's `x::t`."""
    m = _CAST_CALL.match(text)
    if not m or not text.rstrip().endswith(")"):
        return text
    body = text.rstrip()[m.end() : -1]
    at = find_top_level(body, " AS ")
    return _strip_cast_calls(body[:at].strip()) if at > 0 else text


def _cast_calls_as_colons(text: str) -> str:
    """`CAST(x AS t)` -> `(x)::t`, the cast kept in PostgreSQL's spelling."""
    m = _CAST_CALL.match(text)
    if not m or not text.rstrip().endswith(")"):
        return text
    body = text.rstrip()[m.end() : -1]
    at = find_top_level(body, " AS ")
    if at <= 0:
        return text
    return f"({_cast_calls_as_colons(body[:at].strip())})::{body[at + 4 :].strip()}"


def _normalize_number(text: str) -> str:
    text = text.lstrip("+")
    try:
        value = int(text)
        return str(value)
    except ValueError:
        return text.lower()


# Client-side generators (Default kind "client"), by what they make, as each layer spells
# them: Prisma's @default(fn()) and @updatedAt, Drizzle's $defaultFn/$onUpdate bodies,
# SQLAlchemy's default=/onupdate= callables. A pattern matches the whitespace-free text of
# the default's value; the first match names the generator. Two sources agree on a client
# default when they name the same generator (`uuid()` in Prisma is
# `$defaultFn(() => crypto.randomUUID())` in Drizzle and `default=uuid.uuid4` in SQLAlchemy).
CLIENT_GENERATORS: tuple[tuple[str, str], ...] = (
    ("uuid v4", r"^uuid\((4)?\)$|randomUUID\(\)|uuidv4\(\)|uuid4\b"),
    ("uuid v7", r"^uuid\(7\)$|uuidv7\(\)|uuid7\b"),
    ("cuid2", r"^cuid\(2\)$|createId\(\)|cuid2\b"),
    ("cuid", r"^cuid\(\)$|\bcuid\(\)|^(?:\w+\.)*cuid$"),
    ("nanoid", r"^nanoid\((21)?\)$|\bnanoid\(\)|^(?:\w+\.)*nanoid$"),
    ("ulid", r"^ulid\(\)$|\bulid\(\)|^(?:\w+\.)*ulid$"),
    # SQLAlchemy: the reader records an onupdate= callable as "onupdate=<its qualified name>".
    ("updated at", r"^@updatedAt$|^\$onUpdate(?:Fn)?\(\(\)=>newDate\(\)\)$|^onupdate="),
    ("now", r"^\$default(?:Fn)?\(\(\)=>newDate\(\)\)$|datetime\.now|datetime\.utcnow|func\.now|(?:^|\.)utc_now$"),
)
_CLIENT_PATTERNS = tuple((name, re.compile(pattern)) for name, pattern in CLIENT_GENERATORS)
_NANOID_SIZE = re.compile(r"nanoid\((\d+)\)")


def client_generator(value: str) -> str:
    """What a client-side default generates ("uuid v4", "cuid2", "nanoid(10)", "updated at"),
    or its whitespace-free text when no known generator matches."""
    text = "".join(value.split())
    size = _NANOID_SIZE.search(text)
    if size and size.group(1) != "21":
        return f"nanoid({size.group(1)})"
    for name, pattern in _CLIENT_PATTERNS:
        if pattern.search(text):
            return name
    return text
