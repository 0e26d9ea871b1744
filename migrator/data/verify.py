"""`migrator verify data A B`: prove two databases hold the same rows, hashing inside each engine.

A and B are PostgreSQL or SQLite URLs, the same engine or not. Tables are matched by name (SQLite's
"main" against PostgreSQL's "public", or its single schema with tables); each pair of columns is
compared as the kind migrator.data.canonical decides for their two types, so a SQLite TEXT uuid
equals a PostgreSQL uuid and 1.50 equals 1.5.

How a table is checked (docs/verify-data.md):

- The canonical text of a row is its columns' canonical texts joined by U+001F, NULL written
  as U+001E. PostgreSQL builds it with SQL expressions (canonical.pg_expression) and hashes a
  chunk as md5(string_agg(row, E'\\n')) over the rows in key order; SQLite builds the same text
  through Python functions registered on the connection and hashes it with a registered md5
  aggregate. Only a count and a digest per chunk cross the network.
- Chunks are ranges of the primary key ("range" mode) when every key column orders the same way
  in both engines (integers; text under PostgreSQL's C collation and SQLite's BINARY; uuid, when
  SQLite holds them as lower-case text): ranges of an integer key are
  arithmetic (min, max and the planner's row estimate), others are found by walking A's key
  index chunk_rows at a time. Chunks are hashed in parallel, on a pool of `workers` threads
  with a connection per side each.
- A chunk whose count or digest differ is split in 16 (by walking the larger side's keys) and
  the parts hashed again, down to LEAF_ROWS rows; then the keys and row digests of that range
  are read from both sides and classified: missing (in A, not in B), extra (in B, not in A),
  changed (in both, different). A range empty on one side is classified without hashing.
- Keys that do not order alike in both engines (a timestamp key, text under a linguistic
  collation, a key whose types differ) are checked as one chunk ("sorted" mode), and so is a
  table without a primary key ("rows" mode); their digest is order-free (the sums of the two
  64-bit halves of each row's md5: no sort, no 1 GB string, duplicates counted). When such a
  chunk differs, both sides stream (key text, row md5) in the byte order of the key text, or
  their row md5s in order for a keyless table, and are merged holding one row of each at a time.

Peak memory does not depend on table size: chunks are hashed in the database, a leaf holds at
most LEAF_ROWS keys per side, streams are merged row by row, and at most `max_keys` differing
keys per table and kind are kept (the counts stay exact).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from migrator.data import canonical
from migrator.data.canonical import Kind
from migrator.errors import BadInput, MigratorError
from migrator.schema import Column, Schema, Table
from migrator.sqltext import mask_url, redact, url_secrets

ProgressCallback = Callable[[str, int, int], None]

LEAF_ROWS = 512  # a differing range this small is compared row by row
SPLIT_PARTS = 16  # a differing larger range is split in this many parts
MAX_CHUNKS = 100_000  # ranges of an integer key, at most
FIELD_SEPARATOR = "\x1f"  # between the columns of a row's canonical text
NULL_MARK = "\x1e"  # a NULL column in a row's canonical text (never a value's whole text in practice)
DEFAULT_MAX_KEYS = 200_000  # differing keys kept per table and kind (memory); counts are always exact
_C_COLLATIONS = frozenset({"c", "posix", "c.utf8", "c.utf-8", "ucs_basic"})

STATUS_EQUAL = "equal"
STATUS_DIFFERENT = "different"
STATUS_ONLY_A = "only in A"
STATUS_ONLY_B = "only in B"
STATUS_COLUMNS = "columns differ"


# --------------------------------------------------------------------------- results


@dataclass
class TableResult:
    """One table's outcome. Keys are dicts column -> canonical text (a keyless table: the whole row)."""

    name: str
    status: str = STATUS_EQUAL
    rows_a: int | None = None
    rows_b: int | None = None
    missing: list[dict[str, str | None]] = field(default_factory=list)  # keys in A, not in B
    extra: list[dict[str, str | None]] = field(default_factory=list)  # keys in B, not in A
    changed: list[dict[str, str | None]] = field(default_factory=list)  # keys in both, rows differ
    missing_count: int = 0
    extra_count: int = 0
    changed_count: int = 0
    columns_only_a: list[str] = field(default_factory=list)
    columns_only_b: list[str] = field(default_factory=list)
    key: list[str] = field(default_factory=list)
    mode: str = ""  # range, sorted, rows
    chunks: int = 0
    chunks_checked: int = 0
    kinds: dict[str, str] = field(default_factory=dict)
    max_keys: int = DEFAULT_MAX_KEYS
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.status == STATUS_EQUAL

    def _add(self, which: str, keys: list[dict[str, str | None]]) -> None:
        if not keys:
            return
        with self._lock:
            setattr(self, f"{which}_count", getattr(self, f"{which}_count") + len(keys))
            kept = getattr(self, which)
            room = self.max_keys - len(kept)
            if room > 0:
                kept.extend(keys[:room])

    def _sort(self) -> None:
        for which in ("missing", "extra", "changed"):
            getattr(self, which).sort(key=_report_order)

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.name, "status": self.status, "rows_a": self.rows_a, "rows_b": self.rows_b,
            "missing_count": self.missing_count, "extra_count": self.extra_count, "changed_count": self.changed_count,
            "missing": self.missing, "extra": self.extra, "changed": self.changed,
            "columns_only_a": self.columns_only_a, "columns_only_b": self.columns_only_b,
            "key": self.key, "mode": self.mode, "chunks": self.chunks, "chunks_checked": self.chunks_checked,
            "kinds": self.kinds,
        }


def _report_order(key: dict[str, str | None]) -> list[tuple]:
    """Integers numerically, other texts in code-point order, NULL last."""
    order = []
    for value in key.values():
        if value is None:
            order.append((2, 0, ""))
        elif value.lstrip("-").isdigit() and value.isascii():
            order.append((0, int(value), ""))
        else:
            order.append((1, 0, value))
    return order


@dataclass
class VerifyResult:
    a: str  # masked URLs
    b: str
    tables: list[TableResult]
    sample: float | None = None
    assume_tz: str = "UTC"

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "ok": self.ok, "sample": self.sample, "assume_tz": self.assume_tz,
                "tables": [t.to_dict() for t in self.tables]}


# --------------------------------------------------------------------------- the two databases


def _dialect(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://")) or url.startswith("postgresql+"):
        return "postgresql"
    if url.startswith("sqlite:"):
        return "sqlite"
    raise BadInput(f"{mask_url(url)}: not a database URL (verify data takes postgresql://… or sqlite:///…)")


class _Database:
    """One side: its schema, its tables, and a connection per thread (opened on first use)."""

    def __init__(self, url: str, label: str) -> None:
        self.url = url
        self.label = label
        self.dialect = _dialect(url)
        self.masked = mask_url(url)
        self.secrets = url_secrets(url)
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()
        self.namespace = "main"
        self.tables: dict[str, Table] = {}
        self.c_collation = True
        self.register: Callable[[sqlite3.Connection], None] = lambda conn: None

    def load(self) -> None:
        from migrator import inspect as sources

        # Migration tools' own tables (_prisma_migrations, …) are rows like any other: copy carries them.
        schema: Schema = sources.load(self.url, sources.InspectOptions(include_bookkeeping=True))
        with_tables = [ns for ns in schema.namespaces if ns.tables]
        if self.dialect == "sqlite":
            chosen = next((ns for ns in schema.namespaces if ns.name == "main"), None)
        elif len(with_tables) == 1:
            chosen = with_tables[0]
        else:
            chosen = next((ns for ns in schema.namespaces if ns.name == "public"), None)
            if chosen is None and with_tables:
                names = ", ".join(ns.name for ns in with_tables)
                raise BadInput(f"{self.masked}: tables in several schemas ({names}) and none is public")
        if chosen is not None:
            self.namespace = chosen.name
            self.tables = {t.name: t for t in chosen.tables if t.partition_of is None}
        if self.dialect == "postgresql":
            row = self.connection().execute(
                "SELECT datcollate FROM pg_database WHERE datname = current_database()").fetchone()
            self.c_collation = (row[0] or "").lower() in _C_COLLATIONS

    def key_collations(self, table: str) -> dict[str, str]:
        """SQLite: the collating sequence of each primary-key column, from the key's index (the
        schema model does not keep COLLATE); a rowid key has none."""
        rows = self.run("SELECT x.name, x.coll FROM pragma_index_list(?, 'main') l "
                        "JOIN pragma_index_xinfo(l.name, 'main') x WHERE l.origin = 'pk' AND x.key = 1", [table])
        return {name: coll or "BINARY" for name, coll in rows if name is not None}

    def lower_case_text(self, table: str, column: str) -> bool:
        """SQLite: whether every value of a uuid key is lower-case text, which sorts as PostgreSQL's
        uuids do (upper-case or blob uuids do not: that key is then compared in canonical order)."""
        quoted_table, quoted_column = _quote_sqlite(table), _quote_sqlite(column)
        rows = self.run(f"SELECT 1 FROM {quoted_table} WHERE {quoted_column} IS NOT lower({quoted_column})"
                        f" OR typeof({quoted_column}) <> 'text' LIMIT 1")
        return not rows

    def connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _open(self):
        if self.dialect == "postgresql":
            from migrator.inspect.postgres import connect

            conn = connect(self.url)
            settings = {**canonical.SESSION_SETTINGS, "work_mem": "64MB", "statement_timeout": "0"}
            conn.execute("SELECT " + ", ".join("set_config(%s, %s, false)" for _ in settings),
                         [item for pair in settings.items() for item in pair])
            return conn
        from migrator.inspect.sqlite import open_read_only

        conn = open_read_only(self.url)
        conn.create_aggregate("migrator_md5", 1, _Md5Aggregate)
        conn.create_aggregate("migrator_sum64", 1, _Sum64Aggregate)
        self.register(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except Exception:  # noqa: BLE001 - closing is best effort
                    pass
            self._all.clear()

    # -- running queries

    def run(self, query, params=(), where_given: bool = False) -> list[tuple]:
        try:
            return self.connection().execute(query, params).fetchall()
        except Exception as exc:
            raise self._error(exc, where_given) from None

    def stream(self, query, params=(), where_given: bool = False) -> Iterator[tuple]:
        try:
            if self.dialect == "postgresql":
                cursor = self.connection().cursor()
                yield from cursor.stream(query, params)
            else:
                yield from self.connection().execute(query, params)
        except GeneratorExit:
            raise
        except Exception as exc:
            raise self._error(exc, where_given) from None

    def _error(self, exc: Exception, where_given: bool) -> Exception:
        if isinstance(exc, MigratorError):
            return exc
        first = next((line for line in str(exc).splitlines() if line.strip()), "")
        message = redact(" ".join(first.split()) or type(exc).__name__, *self.secrets)
        sqlstate = getattr(exc, "sqlstate", None) or ""
        sqlite_syntax = isinstance(exc, sqlite3.OperationalError) and re.search(
            r"no such (column|function)|syntax error|near \"|unrecognized token|misuse|wrong number of arguments", message)
        user_error = (sqlstate.startswith("42") or bool(sqlite_syntax)) and where_given
        if user_error:
            return BadInput(f"--where on {self.label} ({self.masked}): {message}")
        if sqlstate.startswith("22"):  # data exception: a value that does not read as its comparison kind
            return MigratorError(f"{self.label} ({self.masked}): {message}")
        return MigratorError(f"{self.label} ({self.masked}): query failed: {message}")


class _Sum64Aggregate:
    """The order-free digest of Reader.digest's sorted and rows modes, as PostgreSQL computes it."""

    def __init__(self) -> None:
        self.high = 0
        self.low = 0
        self.rows = 0

    def step(self, text) -> None:
        if text is None:
            return
        digest = hashlib.md5(text.encode("utf-8", "surrogatepass")).digest()
        self.high += int.from_bytes(digest[:8], "big", signed=True)
        self.low += int.from_bytes(digest[8:], "big", signed=True)
        self.rows += 1

    def finalize(self):
        return f"{self.high}:{self.low}" if self.rows else None


class _Md5Aggregate:
    """md5 of the rows' texts joined by newlines: PostgreSQL's md5(string_agg(row, E'\\n'))."""

    def __init__(self) -> None:
        self.hash = hashlib.md5()
        self.rows = 0

    def step(self, text) -> None:
        if text is None:
            return
        if self.rows:
            self.hash.update(b"\n")
        self.hash.update(text.encode("utf-8", "surrogatepass"))
        self.rows += 1

    def finalize(self):
        return self.hash.hexdigest() if self.rows else None


# --------------------------------------------------------------------------- a table's plan


@dataclass
class _Plan:
    """How one table is read on both sides: columns, kinds, key and the SQL of each side."""

    index: int
    name: str
    columns: list[str]
    kinds: list[Kind]
    key: list[str]  # empty: no primary key
    mode: str
    result: TableResult
    int_key: bool = False
    # per side ("a", "b"): table reference, row expression, key expressions, raw key columns
    sql: dict[str, dict[str, Any]] = field(default_factory=dict)


def _quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_function(converters: list[Callable[[Any], str]]):
    def row(*values):
        try:
            return FIELD_SEPARATOR.join(NULL_MARK if v is None else convert(v) for convert, v in zip(converters, values))
        except Exception:  # noqa: BLE001 - a value no rule reads (a numeric too large to round) keeps its text
            return FIELD_SEPARATOR.join(NULL_MARK if v is None else _safe(convert, v) for convert, v in zip(converters, values))

    return row


def _safe(convert: Callable[[Any], str], value: Any) -> str:
    try:
        return convert(value)
    except Exception:  # noqa: BLE001
        return canonical.converter(Kind("text"))(value)


def _byte_order(db: _Database, table: str, column: Column) -> bool:
    """Whether the key column's text sorts by bytes: SQLite's BINARY, PostgreSQL's "C" (or a C database default)."""
    if db.dialect == "sqlite":
        return db.key_collations(table).get(column.name, "binary").lower() == "binary"
    collation = (column.collation or "").lower().strip('"')
    return collation in _C_COLLATIONS or (not collation and db.c_collation)


def _orderable(kind: Kind, table: str, sides: list[tuple[_Database, Column]]) -> bool:
    """Whether a key column sorts the same way natively in both databases."""
    families = [(db.dialect, canonical.family(column.type), db, column) for db, column in sides]
    if kind.name == "int":
        return all(f == "int" or (d == "sqlite" and f == "any") for d, f, _, _ in families)
    if kind.name == "text":
        return all((f == "text" or (d == "sqlite" and f == "any")) and _byte_order(db, table, column)
                   for d, f, db, column in families)
    if kind.name == "uuid":
        return all((d == "postgresql" and f == "uuid")
                   or (d == "sqlite" and f in ("text", "any", "uuid") and db.lower_case_text(table, column.name))
                   for d, f, db, column in families)
    return False


def _plan(index: int, name: str, ta: Table, tb: Table, a: _Database, b: _Database, assume_tz: str,
          where: str | None, max_keys: int) -> _Plan:
    from psycopg import sql

    result = TableResult(name=name, max_keys=max_keys)
    names_b = {c.name for c in tb.columns}
    names_a = {c.name for c in ta.columns}
    columns = [c.name for c in ta.columns if c.name in names_b]
    result.columns_only_a = [c.name for c in ta.columns if c.name not in names_b]
    result.columns_only_b = [c.name for c in tb.columns if c.name not in names_a]
    types_a = {c.name: c.type for c in ta.columns}
    types_b = {c.name: c.type for c in tb.columns}
    kinds = [canonical.comparison_kind(types_a[c], types_b[c], a.dialect, b.dialect) for c in columns]
    result.kinds = {c: str(k) for c, k in zip(columns, kinds)}
    key: list[str] = []
    for table in (ta, tb):
        if table.primary_key and all(c in columns for c in table.primary_key.columns):
            key = list(table.primary_key.columns)
            break
    kind_of = dict(zip(columns, kinds))
    if not key:
        mode = "rows"
    elif all(_orderable(kind_of[c], name, [(a, ta.column(c)), (b, tb.column(c))]) for c in key):
        mode = "range"
    else:
        mode = "sorted"
    result.key, result.mode = key, mode
    plan = _Plan(index, name, columns, kinds, key, mode, result,
                 int_key=(mode == "range" and len(key) == 1 and kind_of[key[0]].name == "int"))
    for side, db, types in (("a", a, types_a), ("b", b, types_b)):
        info: dict[str, Any] = {"where": where}
        if db.dialect == "postgresql":
            info["table"] = sql.Identifier(db.namespace, name)
            texts = [canonical.pg_expression(k, sql.Identifier(c), types[c], assume_tz) for c, k in zip(columns, kinds)]
            sep = sql.SQL(" || E'\\x1f' || ")
            info["row"] = sep.join(sql.SQL("coalesce({}, E'\\x1e')").format(t) for t in texts)
            key_texts = [texts[columns.index(c)] for c in key]
            info["keytext"] = sep.join(sql.SQL("coalesce({}, E'\\x1e')").format(t) for t in key_texts) if key else None
            info["keycols"] = [sql.Identifier(c) for c in key]
        else:
            info["table"] = sql.SQL(_quote_sqlite(name))
            converters = [canonical.converter(k, assume_tz) for k in kinds]
            info["row_function"] = f"migrator_row_{index}"
            info["key_function"] = f"migrator_key_{index}"
            info["functions"] = {
                info["row_function"]: (len(columns), _row_function(converters)),
                info["key_function"]: (len(key), _row_function([converters[columns.index(c)] for c in key])),
            }
            args = sql.SQL(", ").join(sql.SQL(_quote_sqlite(c)) for c in columns)
            info["row"] = sql.SQL("{}({})").format(sql.SQL(info["row_function"]), args)
            key_args = sql.SQL(", ").join(sql.SQL(_quote_sqlite(c)) for c in key)
            info["keytext"] = sql.SQL("{}({})").format(sql.SQL(info["key_function"]), key_args) if key else None
            info["keycols"] = [sql.SQL(_quote_sqlite(c)) for c in key]
        plan.sql[side] = info
    return plan


# --------------------------------------------------------------------------- SQL of one side


class _Reader:
    """The queries of one table on one side: counts, digests, keys, rows of a key range."""

    def __init__(self, plan: _Plan, side: str, db: _Database) -> None:
        self.plan, self.side, self.db = plan, side, db
        self.info = plan.sql[side]
        self.pg = db.dialect == "postgresql"
        self.where_given = self.info["where"] is not None

    def _render(self, composed) -> str:
        from psycopg import sql

        if self.pg:
            return composed
        # SQLite: the same Composed, rendered without a server connection (identifiers were
        # quoted by _quote_sqlite, values are ? parameters).
        return composed.as_string(None) if isinstance(composed, sql.Composable) else composed

    def _ph(self):
        from psycopg import sql

        return sql.SQL("%s") if self.pg else sql.SQL("?")

    def _conditions(self, lo, hi) -> tuple[Any, list]:
        """WHERE clause of (lo, hi] over the key (None: unbounded) and the --where predicate."""
        from psycopg import sql

        parts, params = [], []
        if self.info["where"]:
            # psycopg reads % as a parameter mark: a LIKE pattern's % is doubled.
            predicate = self.info["where"].replace("%", "%%") if self.pg else self.info["where"]
            parts.append(sql.SQL("({})").format(sql.SQL(predicate)))
        keycols = self.info["keycols"]
        if len(keycols) == 1:
            keyexpr = keycols[0]
            marks = self._ph()
        else:
            keyexpr = sql.SQL("({})").format(sql.SQL(", ").join(keycols))
            marks = sql.SQL("({})").format(sql.SQL(", ").join([self._ph()] * len(keycols)))
        if lo is not None:
            parts.append(sql.SQL("{} > {}").format(keyexpr, marks))
            params += self._params(lo)
        if hi is not None:
            parts.append(sql.SQL("{} <= {}").format(keyexpr, marks))
            params += self._params(hi)
        clause = sql.SQL(" WHERE ") + sql.SQL(" AND ").join(parts) if parts else sql.SQL("")
        return clause, params

    def _params(self, bound: tuple) -> list:
        out = []
        for value, column in zip(bound, self.plan.key):
            kind = self.plan.kinds[self.plan.columns.index(column)]
            if kind.name == "uuid":
                value = str(value).lower()
            out.append(value)
        return out

    def _order(self):
        from psycopg import sql

        if self.plan.mode == "range":
            return sql.SQL(", ").join(self.info["keycols"])
        if self.plan.mode == "sorted":
            return sql.SQL("{} COLLATE \"C\"").format(self.info["keytext"]) if self.pg else self.info["keytext"]
        return sql.SQL("1")

    def _row_digest(self):
        from psycopg import sql

        function = "md5" if self.pg else "migrator_md5_text"
        return sql.SQL("{}({})").format(sql.SQL(function), self.info["row"])

    def _row_digest_order(self):
        from psycopg import sql

        # Hex digests sort alike under any collation; "C" makes it certain and cheap.
        return sql.SQL("{} COLLATE \"C\"").format(self._row_digest()) if self.pg else self._row_digest()

    def count(self) -> int:
        from psycopg import sql

        clause, params = self._conditions(None, None)
        query = sql.SQL("SELECT count(*) FROM {}{}").format(self.info["table"], clause)
        return self.db.run(self._render(query), params, self.where_given)[0][0]

    def digest(self, lo=None, hi=None) -> tuple[int, str | None]:
        """(rows, digest of their canonical texts) of the range (lo, hi].

        Range mode: md5 of the rows' texts joined by newlines in key order (a chunk is bounded).
        Sorted and rows modes hash a whole table, which may be larger than PostgreSQL's 1 GB
        limit on a string and would need a sort: their digest is order-free instead, the sums of
        the two 64-bit halves of each row's md5 (as signed integers), which also counts duplicates.
        """
        from psycopg import sql

        clause, params = self._conditions(lo, hi)
        if self.plan.mode != "range":
            if self.pg:
                half = "sum(('x' || substr(h, {}, 16))::bit(64)::bigint::numeric)::text"
                query = sql.SQL("SELECT count(*), " + half.format(1) + " || ':' || " + half.format(17)
                                + " FROM (SELECT {} AS h FROM {}{}) AS s").format(self._row_digest(), self.info["table"], clause)
            else:
                query = sql.SQL("SELECT count(*), migrator_sum64({}) FROM {}{}").format(self.info["row"], self.info["table"], clause)
        else:
            inner = sql.SQL("SELECT {} AS r FROM {}{} ORDER BY {}").format(self.info["row"], self.info["table"], clause, self._order())
            aggregate = sql.SQL("md5(string_agg(r, E'\\n'))") if self.pg else sql.SQL("migrator_md5(r)")
            query = sql.SQL("SELECT count(*), {} FROM ({}) AS s").format(aggregate, inner)
        rows, digest = self.db.run(self._render(query), params, self.where_given)[0]
        return rows, digest

    def bounds(self, lo=None, hi=None) -> tuple[Any, Any]:
        """min and max of a single integer key over (lo, hi]."""
        from psycopg import sql

        clause, params = self._conditions(lo, hi)
        k = self.info["keycols"][0]
        query = sql.SQL("SELECT min({}), max({}) FROM {}{}").format(k, k, self.info["table"], clause)
        return self.db.run(self._render(query), params, self.where_given)[0]

    def estimate(self) -> int:
        """About how many rows the table has: the planner's estimate, else (never analyzed, SQLite) a count."""
        if self.pg:
            row = self.db.run("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                              [_pg_qualified(self.db.namespace, self.plan.name)])
            if row and row[0][0] is not None and row[0][0] > 0:
                return row[0][0]
        from psycopg import sql

        return self.db.run(self._render(sql.SQL("SELECT count(*) FROM {}").format(self.info["table"])))[0][0]

    def key_after(self, lo, hi, offset: int) -> tuple | None:
        """The key `offset` rows after lo within (lo, hi] in key order (None when there are fewer)."""
        from psycopg import sql

        clause, params = self._conditions(lo, hi)
        query = sql.SQL("SELECT {} FROM {}{} ORDER BY {} LIMIT 1 OFFSET {}").format(
            sql.SQL(", ").join(self.info["keycols"]), self.info["table"], clause, self._order(), self._ph())
        rows = self.db.run(self._render(query), [*params, offset], self.where_given)
        return tuple(rows[0]) if rows else None

    def key_rows(self, lo=None, hi=None, with_digest: bool = True) -> Iterator[tuple[str, str | None]]:
        """(key text, row md5) of the range in order, streamed. Keyless tables: (row md5, row text)."""
        from psycopg import sql

        clause, params = self._conditions(lo, hi)
        if self.plan.mode == "rows":
            query = sql.SQL("SELECT {} AS h, NULL FROM {}{} ORDER BY {}").format(
                self._row_digest(), self.info["table"], clause, self._row_digest_order())
        else:
            second = self._row_digest() if with_digest else sql.SQL("NULL")
            query = sql.SQL("SELECT {}, {} FROM {}{} ORDER BY {}").format(
                self.info["keytext"], second, self.info["table"], clause, self._order())
        yield from self.db.stream(self._render(query), params, self.where_given)

    def rows_with_digests(self, digests: set[str]) -> Iterator[tuple[str, str]]:
        """Keyless tables: (row md5, row text) of the rows whose digest is one of `digests`."""
        from psycopg import sql

        clause, params = self._conditions(None, None)
        query = sql.SQL("SELECT {}, {} FROM {}{}").format(self._row_digest(), self.info["row"], self.info["table"], clause)
        for h, text in self.db.stream(self._render(query), params, self.where_given):
            if h in digests:
                yield h, text


def _pg_qualified(namespace: str, name: str) -> str:
    return '"' + namespace.replace('"', '""') + '"."' + name.replace('"', '""') + '"'


def _md5_text(text):
    return None if text is None else hashlib.md5(text.encode("utf-8", "surrogatepass")).hexdigest()


# --------------------------------------------------------------------------- comparing


def _key_dict(plan: _Plan, keytext: str) -> dict[str, str | None]:
    names = plan.key or plan.columns
    values = keytext.split(FIELD_SEPARATOR)
    if len(values) != len(names):  # a value held the separator: keep the text whole
        return {"+".join(names): keytext}
    return {n: (None if v == NULL_MARK else v) for n, v in zip(names, values)}


class _Table:
    """The comparison of one table: chunk digests, bisection, classification."""

    def __init__(self, plan: _Plan, a: _Database, b: _Database) -> None:
        self.plan = plan
        self.ra = _Reader(plan, "a", a)
        self.rb = _Reader(plan, "b", b)
        self.result = plan.result
        self._lock = threading.Lock()
        self.rows_a = 0
        self.rows_b = 0
        self.expected_chunks = 1  # for progress reports
        self.progress: ProgressCallback | None = None

    # -- chunks

    def chunks(self, chunk_rows: int) -> Iterator[tuple[Any, Any]]:
        """The key ranges (lo, hi] covering the table (lo None: from the start; hi None: to the end)."""
        if self.plan.mode != "range":
            yield (None, None)
            return
        if self.plan.int_key:
            yield from self._integer_chunks(chunk_rows)
            return
        self.expected_chunks = max(1, math.ceil(self.ra.estimate() / chunk_rows))
        lo = None
        while True:
            hi = self.ra.key_after(lo, None, chunk_rows - 1)
            if hi is None:
                yield (lo, None)
                return
            yield (lo, hi)
            lo = hi

    def _integer_chunks(self, chunk_rows: int) -> Iterator[tuple[Any, Any]]:
        low_a, high_a = self.ra.bounds()
        low_b, high_b = self.rb.bounds()
        lows = [v for v in (low_a, low_b) if v is not None]
        highs = [v for v in (high_a, high_b) if v is not None]
        if not lows:
            yield (None, None)
            return
        low, high = min(lows), max(highs)
        estimate = max(self.ra.estimate(), self.rb.estimate(), 1)
        span = high - low + 1
        # Sparse keys get wider ranges, so that a chunk holds about chunk_rows rows; never more
        # than MAX_CHUNKS ranges, whatever the keys' spread.
        width = max(chunk_rows, math.ceil(span * chunk_rows / estimate), math.ceil(span / MAX_CHUNKS))
        count = max(1, math.ceil(span / width))
        self.expected_chunks = count
        edges = [low - 1 + width * i for i in range(1, count)]
        previous = None
        for edge in edges:
            yield ((previous,) if previous is not None else None, (edge,))
            previous = edge
        yield ((previous,) if previous is not None else None, None)

    def check_chunk(self, lo, hi) -> None:
        ca, da = self.ra.digest(lo, hi)
        cb, db = self.rb.digest(lo, hi)
        with self._lock:
            self.rows_a += ca
            self.rows_b += cb
            self.result.chunks_checked += 1
            checked = self.result.chunks_checked
        if self.progress is not None:
            self.progress(f"verifying {self.plan.name}", checked, max(checked, self.expected_chunks))
        if (ca, da) != (cb, db):
            self.compare_range(lo, hi, ca, cb)

    # -- bisection

    def compare_range(self, lo, hi, ca: int, cb: int) -> None:
        if self.plan.mode != "range":
            self._merge(lo, hi)
            return
        if ca == 0 or cb == 0:
            reader, which = (self.ra, "missing") if cb == 0 else (self.rb, "extra")
            batch: list = []
            for keytext, _ in reader.key_rows(lo, hi, with_digest=False):
                batch.append(_key_dict(self.plan, keytext))
                if len(batch) >= 10_000:
                    self.result._add(which, batch)
                    batch = []
            self.result._add(which, batch)
            return
        if max(ca, cb) <= LEAF_ROWS:
            self._merge(lo, hi)
            return
        bigger, size = (self.ra, ca) if ca >= cb else (self.rb, cb)
        step = max(1, math.ceil(size / SPLIT_PARTS))
        edges = []
        start = lo
        while True:
            edge = bigger.key_after(start, hi, step - 1)
            if edge is None or (hi is not None and edge == hi):
                break
            edges.append(edge)
            start = edge
        bounds = [lo, *edges, hi]
        for sub_lo, sub_hi in zip(bounds, bounds[1:]):
            sa, da = self.ra.digest(sub_lo, sub_hi)
            sb, db = self.rb.digest(sub_lo, sub_hi)
            if (sa, da) != (sb, db):
                self.compare_range(sub_lo, sub_hi, sa, sb)

    def _merge(self, lo, hi) -> None:
        """Stream both sides of a range in the same order and classify what differs."""
        keyless = self.plan.mode == "rows"
        missing, extra, changed = [], [], []
        only_a_digests: dict[str, int] = {}
        only_b_digests: dict[str, int] = {}
        stream_a = self.ra.key_rows(lo, hi)
        stream_b = self.rb.key_rows(lo, hi)
        try:
            self._classify(stream_a, stream_b, missing, extra, changed, only_a_digests, only_b_digests)
        finally:  # a stream left early still holds its connection: end it
            stream_a.close()
            stream_b.close()
        if keyless:
            self._keyless_rows(only_a_digests, only_b_digests)
            return

    def _classify(self, stream_a, stream_b, missing, extra, changed, only_a_digests, only_b_digests) -> None:
        keyless = self.plan.mode == "rows"
        # Python compares str by code point, which is UTF-8 byte order: PostgreSQL's "C", SQLite's BINARY.
        # Range mode streams in native key order, which is the same on both sides but not always the
        # canonical text's order (integers): its leaves are small, so they are compared as maps.
        if self.plan.mode == "range":
            rows_a = dict(stream_a)
            rows_b = dict(stream_b)
            for k, h in rows_a.items():
                if k not in rows_b:
                    missing.append(k)
                elif rows_b[k] != h:
                    changed.append(k)
            extra = [k for k in rows_b if k not in rows_a]
        else:
            a = next(stream_a, None)
            b = next(stream_b, None)
            while a is not None or b is not None:
                if b is None or (a is not None and a[0] < b[0]):
                    (only_a_digests.__setitem__(a[0], only_a_digests.get(a[0], 0) + 1) if keyless else missing.append(a[0]))
                    a = next(stream_a, None)
                elif a is None or b[0] < a[0]:
                    (only_b_digests.__setitem__(b[0], only_b_digests.get(b[0], 0) + 1) if keyless else extra.append(b[0]))
                    b = next(stream_b, None)
                else:
                    if not keyless and a[1] != b[1]:
                        changed.append(a[0])
                    a = next(stream_a, None)
                    b = next(stream_b, None)
                if len(missing) + len(extra) + len(changed) >= 10_000:
                    self._flush(missing, extra, changed)
                    missing, extra, changed = [], [], []
                if len(only_a_digests) + len(only_b_digests) > self.result.max_keys:
                    break  # the counts of a keyless table beyond this are not kept
        self._flush(missing, extra, changed)

    def _flush(self, missing, extra, changed) -> None:
        self.result._add("missing", [_key_dict(self.plan, k) for k in missing])
        self.result._add("extra", [_key_dict(self.plan, k) for k in extra])
        self.result._add("changed", [_key_dict(self.plan, k) for k in changed])

    def _keyless_rows(self, only_a: dict[str, int], only_b: dict[str, int]) -> None:
        for digests, reader, which in ((only_a, self.ra, "missing"), (only_b, self.rb, "extra")):
            if not digests:
                continue
            wanted = dict(digests)
            rows = []
            for h, text in reader.rows_with_digests(set(wanted)):
                if wanted.get(h, 0) > 0:
                    wanted[h] -= 1
                    rows.append(_key_dict(self.plan, text))
            self.result._add(which, rows)


# --------------------------------------------------------------------------- the run


def _validate(sample: float | None, assume_tz: str, chunk_rows: int, workers: int | None) -> None:
    if sample is not None and not (0 < sample <= 100):
        raise BadInput(f"--sample {sample:g}: give a percentage greater than 0 and at most 100")
    try:
        canonical.zone(assume_tz)
    except ValueError:
        raise BadInput(f"--assume-tz {assume_tz}: unknown time zone") from None
    if chunk_rows < 1:
        raise BadInput("chunk_rows must be at least 1")
    if workers is not None and workers < 1:
        raise BadInput("workers must be at least 1")


def _sampled_progress(progress: ProgressCallback, sample: float | None) -> ProgressCallback:
    """Progress over the chunks that will be checked: a sample checks only its share of them."""
    share = 1.0 if sample is None else min(sample, 100) / 100

    def report(label: str, done: int, total: int) -> None:
        progress(label, done, max(done, math.ceil(total * share)))

    return report


def _sampled(index: int, sample: float | None) -> bool:
    """Chunk `index` is checked: every one, or evenly spread `sample` percent of them (the first always)."""
    if sample is None or sample >= 100:
        return True
    return index == 0 or math.floor(index * sample / 100) != math.floor((index - 1) * sample / 100)


def verify(a_url: str, b_url: str, *, tables: list[str] | None = None, where: str | None = None,
           sample: float | None = None, assume_tz: str = "UTC", chunk_rows: int = 100_000,
           workers: int | None = None, progress: ProgressCallback | None = None,
           max_keys: int = DEFAULT_MAX_KEYS) -> VerifyResult:
    """Compare the rows of two databases; see the module docstring."""
    _validate(sample, assume_tz, chunk_rows, workers)
    if where is not None and not where.strip():
        raise BadInput("--where: the predicate is empty")
    a, b = _Database(a_url, "A"), _Database(b_url, "B")
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:  # both schemas are read at once: mostly waiting on servers
            loads = [pool.submit(a.load), pool.submit(b.load)]
            for future in loads:
                future.result()
        return _run(a, b, tables, where, sample, assume_tz, chunk_rows, workers, progress, max_keys)
    finally:
        a.close()
        b.close()


def _selected(a: _Database, b: _Database, tables: list[str] | None) -> list[str]:
    names = sorted(set(a.tables) | set(b.tables))
    if not tables:
        return names
    wanted = []
    for name in tables:
        if name not in a.tables and name not in b.tables:
            raise BadInput(f"unknown table {name!r}: in neither database")
        if name not in wanted:
            wanted.append(name)
    return wanted


def _run(a: _Database, b: _Database, tables, where, sample, assume_tz, chunk_rows, workers, progress, max_keys) -> VerifyResult:
    results: list[TableResult] = []
    plans: list[_Plan] = []
    for index, name in enumerate(_selected(a, b, tables)):
        if name not in b.tables:
            results.append(TableResult(name=name, status=STATUS_ONLY_A))
            continue
        if name not in a.tables:
            results.append(TableResult(name=name, status=STATUS_ONLY_B))
            continue
        plan = _plan(index, name, a.tables[name], b.tables[name], a, b, assume_tz, where, max_keys)
        plans.append(plan)
        results.append(plan.result)
    for db in (a, b):
        if db.dialect == "sqlite":
            functions = {fname: spec for plan in plans for fname, spec in plan.sql["a" if db is a else "b"].get("functions", {}).items()}

            def register(conn: sqlite3.Connection, functions=functions) -> None:
                conn.create_function("migrator_md5_text", 1, _md5_text, deterministic=True)
                for fname, (nargs, fn) in functions.items():
                    conn.create_function(fname, nargs, fn, deterministic=True)

            db.register = register
            with db._lock:
                for conn in db._all:  # opened earlier (reading key collations): register on them too
                    register(conn)
    workers = workers or max(2, os.cpu_count() or 2)
    checkers = [_Table(plan, a, b) for plan in plans]
    for checker in checkers:
        checker.progress = _sampled_progress(progress, sample) if progress is not None else None
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="verify") as pool:
        inflight: list[Future] = []

        def drain(limit: int) -> None:
            while len(inflight) > limit:
                inflight.pop(0).result()

        try:
            for checker in checkers:
                for number, (lo, hi) in enumerate(checker.chunks(chunk_rows)):
                    checker.result.chunks += 1
                    if not _sampled(number, sample):
                        continue
                    inflight.append(pool.submit(checker.check_chunk, lo, hi))
                    drain(4 * workers)  # a bounded queue: chunks are found while others are hashed
            drain(0)
        except BaseException:
            for future in inflight:
                future.cancel()
            raise
    for checker in checkers:
        result = checker.result
        if sample is not None and sample < 100:
            result.rows_a, result.rows_b = checker.ra.count(), checker.rb.count()
        else:
            result.rows_a, result.rows_b = checker.rows_a, checker.rows_b
        result._sort()
        if result.missing_count or result.extra_count or result.changed_count or result.rows_a != result.rows_b:
            result.status = STATUS_DIFFERENT
        elif result.columns_only_a:
            # A's values in a column B lacks were not carried. A column only B has (a new
            # `public_id uuid DEFAULT gen_random_uuid()` of the target schema) loses nothing: said, not a difference.
            result.status = STATUS_COLUMNS
    return VerifyResult(a=a.masked, b=b.masked, tables=results, sample=sample, assume_tz=assume_tz)


__all__ = ["TableResult", "VerifyResult", "verify", "LEAF_ROWS", "SPLIT_PARTS"]
