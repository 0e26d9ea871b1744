"""Canonical types: how each dialect spells a type, as data tables.

`parse_type("int4", "postgresql")` and `parse_type("INT", "sqlite")` both give
SqlType("integer"). Adding a dialect or an alias is a table entry, not a branch.
"""

from __future__ import annotations

import functools
import re

from migrator.schema import SqlType

# Declared name (lower case, internal spaces collapsed) -> canonical kind plus fixed attributes.
# Attributes given here win over what the declaration says (timestamptz has a time zone).
_COMMON: dict[str, tuple[str, dict]] = {
    "smallint": ("smallint", {}),
    "int2": ("smallint", {}),
    "integer": ("integer", {}),
    "int": ("integer", {}),
    "int4": ("integer", {}),
    "mediumint": ("integer", {}),
    "bigint": ("bigint", {}),
    "int8": ("bigint", {}),
    "varchar": ("varchar", {}),
    "character varying": ("varchar", {}),
    "nvarchar": ("varchar", {}),
    "char": ("char", {}),
    "character": ("char", {}),
    "bpchar": ("char", {}),
    "nchar": ("char", {}),
    "text": ("text", {}),
    "numeric": ("numeric", {}),
    "decimal": ("numeric", {}),
    "real": ("real", {}),
    "float4": ("real", {}),
    "double precision": ("double", {}),
    "double": ("double", {}),
    "float8": ("double", {}),
    "float": ("double", {}),
    "boolean": ("boolean", {}),
    "bool": ("boolean", {}),
    "date": ("date", {}),
    "time": ("time", {"timezone": False}),
    "time without time zone": ("time", {"timezone": False}),
    "time with time zone": ("time", {"timezone": True}),
    "timetz": ("time", {"timezone": True}),
    "timestamp": ("timestamp", {"timezone": False}),
    "timestamp without time zone": ("timestamp", {"timezone": False}),
    "timestamp with time zone": ("timestamp", {"timezone": True}),
    "timestamptz": ("timestamp", {"timezone": True}),
    "datetime": ("timestamp", {"timezone": False}),
    "interval": ("interval", {}),
    "uuid": ("uuid", {}),
    "json": ("json", {}),
    "jsonb": ("jsonb", {}),
    "bytea": ("bytes", {}),
    "blob": ("bytes", {}),
    "bit": ("bit", {}),
    "bit varying": ("varbit", {}),
    "varbit": ("varbit", {}),
    "serial": ("integer", {}),
    "serial4": ("integer", {}),
    "smallserial": ("smallint", {}),
    "serial2": ("smallint", {}),
    "bigserial": ("bigint", {}),
    "serial8": ("bigint", {}),
}

# Per-dialect overrides of the common table.
TYPE_ALIASES: dict[str, dict[str, tuple[str, dict]]] = {
    "postgresql": {
        **_COMMON,
        # PostgreSQL's "float" without a precision is double precision; float(1..24) is real.
        "float": ("double", {}),
    },
    "sqlite": {
        **_COMMON,
        # SQLite stores REAL as an 8-byte IEEE float: it is a double, not a 4-byte real.
        "real": ("double", {}),
        "clob": ("text", {}),
        "string": ("text", {}),
        "tinyint": ("smallint", {}),
        "unsigned big int": ("bigint", {}),
        "int2": ("smallint", {}),
        "int8": ("bigint", {}),
    },
    "mysql": {
        **_COMMON,
        "tinyint": ("smallint", {}),
        "longtext": ("text", {}),
        "mediumtext": ("text", {}),
        "tinytext": ("text", {}),
        "longblob": ("bytes", {}),
        "mediumblob": ("bytes", {}),
        "tinyblob": ("bytes", {}),
        "varbinary": ("bytes", {}),
        "binary": ("bytes", {}),
    },
}

# Which parameters a kind takes, in declaration order.
_PARAMETERS: dict[str, tuple[str, ...]] = {
    "varchar": ("length",),
    "char": ("length",),
    "bit": ("length",),
    "varbit": ("length",),
    "numeric": ("precision", "scale"),
    "time": ("precision",),
    "timestamp": ("precision",),
    "interval": ("precision",),
    "double": ("precision",),
}

# Parameters a dialect assumes when a declaration omits them: PostgreSQL reads `bit` and
# `char` as bit(1) and character(1) (datatype-bit.html, datatype-character.html).
_IMPLICIT_PARAMETERS: dict[str, dict[str, dict[str, int]]] = {
    "postgresql": {"bit": {"length": 1}, "char": {"length": 1}},
}

# Canonical kind -> how each dialect writes it. "{p}" parameters are filled by render_type.
TYPE_NAMES: dict[str, dict[str, str]] = {
    "canonical": {
        "double": "double precision",
        "bytes": "bytea",
    },
    "postgresql": {
        "double": "double precision",
        "bytes": "bytea",
        "varbit": "bit varying",
        "timestamp": "timestamp",
        "time": "time",
    },
    "sqlite": {
        "smallint": "SMALLINT",
        "integer": "INTEGER",
        "bigint": "BIGINT",
        "varchar": "VARCHAR",
        "char": "CHAR",
        "text": "TEXT",
        "numeric": "NUMERIC",
        "real": "REAL",
        "double": "REAL",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "time": "TIME",
        "timestamp": "DATETIME",
        "interval": "TEXT",
        "uuid": "TEXT",
        "json": "TEXT",
        "jsonb": "TEXT",
        "bytes": "BLOB",
        "enum": "TEXT",
    },
}

_TYPE_RE = re.compile(
    r"""^\s*(?P<name>[a-z_][a-z0-9_ ."]*?)\s*
        (?:\(\s*(?P<params>[^)]*)\)\s*)?
        (?P<suffix>(?:with|without)\s+time\s+zone)?\s*
        (?P<array>(?:\[\s*\d*\s*\]\s*)+)?$""",
    re.IGNORECASE | re.VERBOSE,
)

_FLOAT_REAL_MAX_PRECISION = 24  # float(p) is real up to 24 bits of mantissa, double beyond


# A double-quoted identifier with a capital letter, and a type name made of quoted or plain
# identifiers (schema-qualified) with an optional array suffix.
_CASED_QUOTED = re.compile(r'"[^"]*[A-Z][^"]*"')
_QUOTED_TYPE_RE = re.compile(r'^(?P<name>(?:"[^"]+"|[a-z_][a-z0-9_$]*)(?:\.(?:"[^"]+"|[a-z_][a-z0-9_$]*))?)'
                             r'(?P<array>(?:\[\d*\])+)?$')


@functools.lru_cache(maxsize=8192)  # pure; sources parse the same few spellings thousands of times
def parse_type(text: str, dialect: str) -> SqlType:
    """The canonical type of a declared type string in `dialect`.

    Unknown names are kept lower-cased with their parameters, so `geometry(Point,4326)`
    stays distinct from `geometry`.
    """
    table = TYPE_ALIASES.get(dialect, _COMMON)
    raw = " ".join(text.strip().split())
    if not raw:
        # A column declared without a type (SQLite allows it) takes values of every type:
        # BLOB affinity in SQLite's words, the same as a STRICT table's ANY.
        return SqlType("any")
    if dialect == "postgresql" and _CASED_QUOTED.search(raw):
        # A quoted name with capitals ("PositiveInt", a domain) names another type than its
        # lower-cased spelling: kept as written, an unknown type.
        quoted = _QUOTED_TYPE_RE.match(raw)
        if quoted:
            return SqlType(quoted.group("name"), array=bool(quoted.group("array")))
    match = _TYPE_RE.match(raw)
    if not match:
        return SqlType(raw.lower())
    name = " ".join(match.group("name").lower().replace('"', "").split())
    if match.group("suffix"):
        name = f"{name} {' '.join(match.group('suffix').lower().split())}"
    array = bool(match.group("array"))
    params_text = match.group("params")
    params = [p.strip() for p in params_text.split(",")] if params_text else []
    entry = table.get(name)
    if entry is None:
        bare = name.rpartition(".")[2] if "." in name and dialect != "postgresql" else name
        entry = table.get(bare)
    if entry is None:
        shown = f"{name}({','.join(params)})" if params else name
        return SqlType(shown, array=array)
    kind, fixed = entry
    attrs: dict = {}
    for attr, value in zip(_PARAMETERS.get(kind, ()), params):
        if value.isdigit():
            attrs[attr] = int(value)
    if kind == "double" and "precision" in attrs:
        kind = "real" if attrs.pop("precision") <= _FLOAT_REAL_MAX_PRECISION else "double"
    if kind in ("timestamp", "time"):
        attrs.setdefault("timezone", False)
    for attr, value in _IMPLICIT_PARAMETERS.get(dialect, {}).get(kind, {}).items():
        attrs.setdefault(attr, value)
    attrs.update(fixed)
    return SqlType(kind, array=array, **attrs)


def enum_type(qualified_name: str, array: bool = False) -> SqlType:
    return SqlType("enum", enum=qualified_name, array=array)


def render_type(t: SqlType, dialect: str) -> str:
    """How `dialect` writes a canonical type ("canonical" is migrator's own display form)."""
    names = TYPE_NAMES.get(dialect, TYPE_NAMES["canonical"])
    if t.name == "enum" and dialect != "sqlite":
        base = _quote_qualified(t.enum or "enum") if dialect == "postgresql" else (t.enum or "enum")
    else:
        base = names.get(t.name, TYPE_NAMES["canonical"].get(t.name, t.name))
    if dialect != "sqlite" or t.name in ("varchar", "char", "numeric"):
        if t.name in ("varchar", "char", "bit", "varbit") and t.length is not None:
            base += f"({t.length})"
        elif t.name == "numeric" and t.precision is not None:
            base += f"({t.precision},{t.scale})" if t.scale is not None else f"({t.precision})"
        elif t.name in ("timestamp", "time", "interval") and t.precision is not None:
            base += f"({t.precision})"
    if t.name in ("timestamp", "time") and dialect != "sqlite":
        if t.timezone:
            base += " with time zone"
    if t.array:
        base = "TEXT" if dialect == "sqlite" else base + "[]"
    return base


def _quote_qualified(name: str) -> str:
    from migrator.sqltext import quote_ident

    return ".".join(quote_ident(part) for part in name.split("."))
