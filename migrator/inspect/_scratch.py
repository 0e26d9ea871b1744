"""Scratch databases for SQL sources: apply the statements, read the result back live.

Which database a SQL source is applied to (first that applies):

1. InspectOptions.dev_url: a server the user gave us. We CREATE DATABASE
   "migrator_scratch_<random>" (from template0, so nothing a site added to template1 leaks
   into the reading), apply, inspect, and DROP DATABASE ... WITH (FORCE) in a finally.
   No other database on that server is touched.
2. PostgreSQL SQL, server binaries installed (pgcluster.available()): a throwaway cluster.
   One cluster is started lazily per process and shared by every SQL source loaded in it
   (a diff of two SQL folders starts one server, not two); it is stopped at interpreter
   exit by an atexit hook, or earlier by stop_shared_cluster(). Nothing else is shared:
   every load gets its own fresh database, dropped afterwards, so no reading is cached.
3. SQLite SQL: an in-memory sqlite3 database, gone when closed.
4. PostgreSQL SQL and no server: the static reader (_static.py), with a note saying so.

Applying, PostgreSQL: statements run one by one inside one transaction (a half-applied
folder never gets read). Three adjustments, each because the scratch database is not the
production one:
- CONCURRENTLY is removed from CREATE/DROP INDEX and REINDEX: concurrent builds refuse to
  run inside a transaction, and on an empty scratch database they build the same index.
- BEGIN/START TRANSACTION/COMMIT/END/ROLLBACK written in a migration are skipped: the
  whole apply is already one transaction, and a COMMIT in the middle would end it.
  VACUUM and ANALYZE (which cannot run in a transaction and change no schema) are skipped.
- After ALTER TYPE ... ADD VALUE the transaction is committed and a new one begun,
  because PostgreSQL does not allow a new enum label to be used in the transaction that
  added it, and a later migration commonly uses it (as a default, say).
Applying, SQLite: statements run one by one in autocommit mode, so a migration's own
PRAGMA foreign_keys / BEGIN ... COMMIT work as they would on a real file.

A statement that fails stops everything with a one-line BadInput:
"<file>: statement <n> (line <l>): <first line of the database's message>".
"""

from __future__ import annotations

import atexit
import re
import secrets
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

from migrator import pgcluster
from migrator import schema as model
from migrator.errors import BadInput, ConnectionFailed, EngineUnavailable
from migrator.inspect import InspectOptions
from migrator.sqltext import Statement, mask_url, redact, url_secrets

SCRATCH_PREFIX = "migrator_scratch_"

STATIC_NO_SERVER_NOTE = (
    "static reading: no PostgreSQL server available (give --dev-url or install PostgreSQL); "
    "constraints and defaults are read from the SQL text, not from a database"
)
STATIC_REQUESTED_NOTE = (
    "static reading (requested): constraints and defaults are read from the SQL text, not from a database"
)


@dataclass(frozen=True)
class ScriptFile:
    """One SQL file of a source: the name messages show and its statements in order."""

    display: str
    statements: tuple[Statement, ...]


# ---------------------------------------------------------------------------
# Choosing the engine


def read_sql(
    files: Sequence[ScriptFile], dialect: str, options: InspectOptions, label: str, engine: str = "auto"
) -> model.Schema:
    """Apply `files` to a scratch database of `dialect` and read it back (see module docstring)."""
    if engine == "static":
        return _static(files, dialect, options, label, STATIC_REQUESTED_NOTE)
    if dialect == "sqlite":
        return apply_sqlite(files, options, label)
    if options.dev_url:
        return apply_postgres_on(options.dev_url, files, options, label)
    if pgcluster.available():
        try:
            cluster = shared_cluster()
        except EngineUnavailable as exc:
            if engine == "live":
                raise
            note = f"static reading: {exc}; constraints and defaults are read from the SQL text, not from a database"
            return _static(files, dialect, options, label, note)
        return apply_postgres_on(cluster.url, files, options, label)
    if engine == "live":
        raise EngineUnavailable(
            "no PostgreSQL server available to apply the SQL to (give --dev-url or install PostgreSQL)"
        )
    return _static(files, dialect, options, label, STATIC_NO_SERVER_NOTE)


def _static(files: Sequence[ScriptFile], dialect: str, options: InspectOptions, label: str, note: str) -> model.Schema:
    from migrator.inspect._static import read_static

    schema = read_static([(f.display, st) for f in files for st in f.statements], dialect, options, label)
    return replace(schema, notes=(note, *schema.notes))


# ---------------------------------------------------------------------------
# The shared throwaway cluster

_cluster: pgcluster.EphemeralCluster | None = None
_cluster_lock = threading.Lock()


def shared_cluster() -> pgcluster.EphemeralCluster:
    """The process's scratch PostgreSQL server, started on first use, stopped at exit."""
    global _cluster
    with _cluster_lock:
        if _cluster is None:
            cluster = pgcluster.EphemeralCluster()
            # Registered before start(): a Ctrl-C between the two must not leave the server running.
            atexit.register(cluster.stop_at_exit)
            cluster.start()
            _cluster = cluster
        return _cluster


def stop_shared_cluster() -> None:
    """Stop the shared scratch server now (the next SQL source starts a new one)."""
    global _cluster
    with _cluster_lock:
        if _cluster is not None:
            _cluster.stop()
            _cluster = None


# ---------------------------------------------------------------------------
# PostgreSQL


def _reason(exc: BaseException, hidden: list[str]) -> str:
    """The first line of a driver error's message, without secrets."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = primary or str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return redact(lines[0] if lines else type(exc).__name__, *hidden)


def _libpq_url(url: str) -> str:
    # SQLAlchemy-style URLs carry a driver suffix libpq does not know.
    return re.sub(r"^(postgres(?:ql)?)\+[A-Za-z0-9_]+://", r"\1://", url)


def apply_postgres_on(server_url: str, files: Sequence[ScriptFile], options: InspectOptions, label: str) -> model.Schema:
    """Create a scratch database on `server_url`, apply `files`, read it back, drop it."""
    import psycopg
    from psycopg import sql

    from migrator.inspect import postgres

    shown = mask_url(server_url)
    hidden = url_secrets(server_url)
    admin = postgres.connect(server_url)  # one-line BadInput/ConnectionFailed, password masked
    admin.read_only = None  # postgres.connect makes its connections read-only; we create a database
    name = SCRATCH_PREFIX + secrets.token_hex(8)
    try:
        try:
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        except psycopg.Error as exc:
            raise ConnectionFailed(f"cannot create a scratch database on {shown}: {_reason(exc, hidden)}") from None
        failed = True
        try:
            conninfo = psycopg.conninfo.make_conninfo(_libpq_url(server_url), dbname=name)
            try:
                conn = psycopg.connect(conninfo, autocommit=False, application_name="migrator")
            except psycopg.Error as exc:
                raise ConnectionFailed(
                    f"cannot connect to the scratch database {name} on {shown}: {_reason(exc, hidden)}"
                ) from None
            try:
                apply_postgres(conn, files, options, label)
                schema = postgres.inspect_connection(conn, options, label)
            finally:
                conn.close()
            failed = False
            return schema
        finally:
            try:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            except psycopg.Error as exc:
                # Do not hide the error that brought us here; otherwise say what was left behind.
                if not failed:
                    raise ConnectionFailed(
                        f"could not drop the scratch database {name} on {shown}: {_reason(exc, hidden)}"
                    ) from None
    finally:
        admin.close()


_TRANSACTION_CONTROL = re.compile(
    # SET TRANSACTION must come first in a transaction, and the scratch database runs the whole
    # script in one (langfuse's backfill migrations open with BEGIN; SET TRANSACTION ISOLATION LEVEL ...).
    r"^(?:BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT)(?:\s+(?:WORK|TRANSACTION)\b.*)?$"
    r"|^(?:VACUUM|ANALYZE|ANALYSE)\b|^SET\s+(?:TRANSACTION|SESSION\s+CHARACTERISTICS)\b",
    re.IGNORECASE | re.DOTALL,
)
_CONCURRENTLY = re.compile(
    r"^(?P<head>(?:CREATE\s+(?:UNIQUE\s+)?INDEX|DROP\s+INDEX|REINDEX\s+(?:\([^)]*\)\s*)?(?:INDEX|TABLE|SCHEMA|DATABASE|SYSTEM)))\s+CONCURRENTLY\b",
    re.IGNORECASE,
)
_ADD_ENUM_VALUE = re.compile(r"^ALTER\s+TYPE\s+.+?\s+ADD\s+VALUE\b", re.IGNORECASE | re.DOTALL)
_LEADING_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*\n?|/\*.*?\*/)*", re.DOTALL)


def prepare_postgres(text: str) -> str | None:
    """The statement as the scratch database runs it, or None to skip it (see module docstring)."""
    body = text[_LEADING_COMMENTS.match(text).end() :]
    if _TRANSACTION_CONTROL.match(body.strip()):
        return None
    return _CONCURRENTLY.sub(lambda m: m.group("head"), body, count=1)


def apply_postgres(conn, files: Sequence[ScriptFile], options: InspectOptions, label: str) -> None:
    """Run every statement on `conn` (not in autocommit) and commit, or BadInput naming the statement."""
    import psycopg

    total = len(files)
    try:
        for done, f in enumerate(files, start=1):
            for st in f.statements:
                text = prepare_postgres(st.text)
                if text is None:
                    continue
                try:
                    # No parameters: psycopg sends the text as is, so % in the SQL is not a placeholder.
                    conn.execute(text)
                except psycopg.Error as exc:
                    conn.rollback()
                    raise BadInput(
                        f"{f.display}: statement {st.number} (line {st.line}): {_reason(exc, [])}"
                    ) from None
                if _ADD_ENUM_VALUE.match(text):
                    conn.commit()
            # One transaction per file: the database is scratch (dropped afterwards), and a
            # single transaction over a large folder runs out of lock slots.
            conn.commit()
            if options.progress is not None:
                options.progress(f"applying {label}", done, total)
        conn.commit()
    except BaseException:
        if not conn.closed:
            conn.rollback()
        raise


# ---------------------------------------------------------------------------
# SQLite


def apply_sqlite(files: Sequence[ScriptFile], options: InspectOptions, label: str) -> model.Schema:
    """Apply `files` to an in-memory SQLite database and read it back."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        apply_sqlite_connection(conn, files, options, label)
        try:
            from migrator.inspect import sqlite as sqlite_reader
        except ImportError:
            raise EngineUnavailable("the SQLite reader (migrator.inspect.sqlite) is not available") from None
        return sqlite_reader.inspect_connection(conn, options, label)
    finally:
        conn.close()


def apply_sqlite_connection(conn: sqlite3.Connection, files: Sequence[ScriptFile], options: InspectOptions, label: str) -> None:
    total = len(files)
    for done, f in enumerate(files, start=1):
        for st in f.statements:
            try:
                conn.execute(st.text)
            except sqlite3.Error as exc:
                raise BadInput(f"{f.display}: statement {st.number} (line {st.line}): {_reason(exc, [])}") from None
        if options.progress is not None:
            options.progress(f"applying {label}", done, total)


__all__ = [
    "SCRATCH_PREFIX",
    "STATIC_NO_SERVER_NOTE",
    "ScriptFile",
    "apply_postgres",
    "apply_postgres_on",
    "apply_sqlite",
    "prepare_postgres",
    "read_sql",
    "shared_cluster",
    "stop_shared_cluster",
]
