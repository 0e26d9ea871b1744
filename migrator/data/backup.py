"""Backups before `migrator apply`, restores from them, and throwaway clones for its proof.

PostgreSQL: `pg_dump -Fc` of the database's own schemas (every schema but the system ones),
or, on a local server with `--backup clone`, a new database made with CREATE DATABASE ...
TEMPLATE. SQLite: the online backup API (sqlite3.Connection.backup), which copies a
consistent snapshot even while others write.

A backup file is named `<database>-<UTC timestamp>.dump` (`.sqlite`) and written under a
temporary name then renamed, so a reader never sees half a backup; beside it
`<same name>.json` records what was backed up and the schema at that moment
(migrator.schema.to_json), so a restore can say what it could not bring back.

Passwords never reach a command line or a message: pg_dump and pg_restore get the
connection without it and the password in PGPASSWORD.

Restore (PostgreSQL): `pg_restore --clean --if-exists --single-transaction` of the dump,
without the dump's `SCHEMA public` entry (dropping public would fail on any object created
after the backup, and with --single-transaction that fails the whole restore). Objects
created after the backup are not in the dump and stay: the restore compares the database
with the recorded schema and names them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import signal
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from migrator.errors import BadInput, EngineUnavailable, MigratorError
from migrator.sqltext import mask_url, redact, url_secrets

DEFAULT_BACKUP_DIR = Path(".migrator") / "backups"
CLONE_PREFIX = "migrator_clone_"


def is_postgres(url: str) -> bool:
    return bool(re.match(r"^postgres(ql)?(\+[A-Za-z0-9_]+)?://", url))


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:")


def sqlite_path(url: str) -> str:
    from migrator.inspect.sqlite import database_path

    path = database_path(url)
    if not path or path == ":memory:":
        raise BadInput(f"{mask_url(url)}: give the path of a SQLite file")
    return path


# --------------------------------------------------------------------------- PostgreSQL connection pieces


def _sa_url(url: str):
    import sqlalchemy as sa

    try:
        return sa.engine.make_url(re.sub(r"^postgres(ql)?(\+[A-Za-z0-9_]+)?://", "postgresql://", url))
    except Exception:
        raise BadInput(f"invalid connection URL {mask_url(url)}") from None


def database_name(url: str) -> str:
    if is_sqlite(url):
        return Path(sqlite_path(url)).stem or "sqlite"
    return _sa_url(url).database or os.environ.get("PGDATABASE") or _sa_url(url).username or "postgres"


def with_database(url: str, database: str) -> str:
    """The same server and credentials, another database."""
    return _sa_url(url).set(database=database).render_as_string(hide_password=False)


def libpq_args(url: str) -> tuple[str, dict[str, str]]:
    """A conninfo without the password (for argv) and the environment carrying it (PGPASSWORD)."""
    import psycopg

    conninfo = re.sub(r"^postgres(ql)?\+[A-Za-z0-9_]+://", "postgresql://", url)
    try:
        params = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.Error:
        raise BadInput(f"invalid connection URL {mask_url(url)}") from None
    env = dict(os.environ)
    password = params.pop("password", None)
    if password:
        env["PGPASSWORD"] = str(password)
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items()}), env


def is_local(url: str) -> bool:
    host = _sa_url(url).host or os.environ.get("PGHOST") or ""
    return host in ("", "localhost", "127.0.0.1", "::1") or host.startswith("/")


def pg_bin(name: str) -> str:
    from migrator.pgcluster import find_bin

    found = find_bin(name)
    if not found:
        raise EngineUnavailable(f"{name} is not installed (PostgreSQL client programs are needed for backups and clones)")
    return found


def _run_tool(argv: list[str], env: dict[str, str], url: str, what: str, stdin=None) -> None:
    """Run pg_dump/pg_restore to the end; its stderr becomes one line without secrets."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(argv, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=errors, env=env)
        code = process.wait()
        if code != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace")
            raise MigratorError(f"{what} failed for {mask_url(url)}: {_tool_reason(message, url)}")


def _tool_reason(message: str, url: str) -> str:
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()]
    errors = [ln for ln in lines if "error" in ln.lower()] or lines or ["no message"]
    return redact(" ".join(errors[0].split()), *url_secrets(url))


def user_schemas(conn) -> list[str]:
    rows = conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' "
        "ORDER BY nspname").fetchall()
    return [r[0] for r in rows]


# --------------------------------------------------------------------------- backups


@dataclass(frozen=True)
class Backup:
    path: str  # the file, or for a clone the database name
    kind: str  # "pg_dump" | "clone" | "sqlite"
    database: str
    schemas: tuple[str, ...] = ()


def _stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "database"


def _sidecar(path: Path, info: dict) -> None:
    from migrator.files import atomic_write

    atomic_write(path.with_name(path.name + ".json"), json.dumps(info, indent=2, sort_keys=True) + "\n")


def backup(url: str, directory: Path, *, mode: str = "dump", schema_json: str | None = None) -> Backup:
    """Back `url` up under `directory` (or as a clone database): see the module docstring."""
    if is_sqlite(url):
        return _backup_sqlite(url, directory, schema_json)
    if mode == "clone":
        if not is_local(url):
            raise BadInput("--backup clone needs a local server (the clone stays on the server); use --backup dump")
        name = _clone_name(database_name(url), "backup")
        create_clone(url, name, template_only=True)
        return Backup(name, "clone", database_name(url))
    return _backup_postgres(url, directory, schema_json)


def _backup_sqlite(url: str, directory: Path, schema_json: str | None) -> Backup:
    source = sqlite_path(url)
    if not os.path.isfile(source):
        raise BadInput(f"{mask_url(url)}: no such SQLite database")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{_safe(database_name(url))}-{_stamp()}.sqlite"
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        copy_sqlite(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sidecar(target, {"kind": "sqlite", "source": mask_url(url), "database": database_name(url), "schema": schema_json})
    return Backup(str(target), "sqlite", database_name(url))


def _existing(path: str) -> sqlite3.Connection:
    """A connection to an existing database file (never creates one). Not mode=ro: reading a
    WAL database needs its -shm file, which a read-only connection cannot create."""
    from urllib.parse import quote

    return sqlite3.connect(f"file:{quote(os.path.abspath(path))}?mode=rw", uri=True)


def copy_sqlite(source: str, target: str) -> None:
    """A consistent copy of the database file `source` into `target` (online backup API)."""
    src = _existing(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise MigratorError(f"{source}: backup failed: {exc}") from None
    finally:
        src.close()


def _backup_postgres(url: str, directory: Path, schema_json: str | None) -> Backup:
    from migrator.inspect.postgres import connect

    conn = connect(url)
    try:
        schemas = user_schemas(conn)
    finally:
        conn.close()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{_safe(database_name(url))}-{_stamp()}.dump"
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    conninfo, env = libpq_args(url)
    argv = [pg_bin("pg_dump"), "-Fc", "--no-owner", "-f", tmp]
    for schema in schemas:
        argv += ["-n", schema]
    argv += ["--dbname", conninfo]
    try:
        _run_tool(argv, env, url, "pg_dump")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sidecar(target, {"kind": "pg_dump", "source": mask_url(url), "database": database_name(url),
                      "schemas": schemas, "schema": schema_json})
    return Backup(str(target), "pg_dump", database_name(url), tuple(schemas))


# --------------------------------------------------------------------------- restore


@dataclass(frozen=True)
class Restored:
    backup: str
    remaining: str | None  # the diff text of what differs from the backed-up schema, if any
    changes: int


def restore(path: str, url: str) -> Restored:
    file = Path(path)
    if not file.is_file():
        raise BadInput(f"{path}: no such backup file")
    info = _read_sidecar(file)
    if is_sqlite(url):
        target = sqlite_path(url)
        if not os.path.isfile(target):
            raise BadInput(f"{mask_url(url)}: no such SQLite database")
        if not _is_sqlite_file(file):
            raise BadInput(f"{path}: not a SQLite backup")
        _restore_sqlite(str(file), target)
    elif is_postgres(url):
        if _is_sqlite_file(file):
            raise BadInput(f"{path}: a SQLite backup cannot be restored into PostgreSQL")
        _restore_postgres(file, url)
    else:
        raise BadInput(f"--to {mask_url(url)}: expected a postgresql:// or sqlite:/// URL")
    return _compare_with_recorded(info, url, path)


def _read_sidecar(file: Path) -> dict:
    side = file.with_name(file.name + ".json")
    if not side.is_file():
        return {}
    try:
        return json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _is_sqlite_file(file: Path) -> bool:
    with open(file, "rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def _restore_sqlite(source: str, target: str) -> None:
    src = _existing(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # replaces every page of target in one step, under its write lock
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise MigratorError(f"restore into {target} failed: {exc}") from None
    finally:
        src.close()


def _restore_postgres(file: Path, url: str) -> None:
    restore_bin = pg_bin("pg_restore")
    conninfo, env = libpq_args(url)
    listing = subprocess.run([restore_bin, "-l", str(file)], capture_output=True, env=env)
    if listing.returncode != 0:
        raise BadInput(f"{file}: not a pg_dump archive: {_tool_reason(listing.stderr.decode('utf-8', 'replace'), url)}")
    keep = [
        line for line in listing.stdout.decode("utf-8", "replace").splitlines()
        if not re.search(r"\b(SCHEMA - public|COMMENT - SCHEMA public)\b", line)
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:
        handle.write("\n".join(keep) + "\n")
        use_list = handle.name
    try:
        _run_tool([restore_bin, "--clean", "--if-exists", "--single-transaction", "--no-owner", "-L", use_list,
                   "--dbname", conninfo, str(file)], env, url, "pg_restore")
    finally:
        os.unlink(use_list)


def _compare_with_recorded(info: dict, url: str, shown: str) -> Restored:
    recorded = info.get("schema")
    if not recorded:
        return Restored(shown, None, 0)
    from migrator import inspect as sources
    from migrator import schema as model
    from migrator.render.diff_text import render_diff_text
    from migrator.verify.diff import compare

    diff = compare(model.from_json(recorded), sources.load(url))
    if not diff.changes:
        return Restored(shown, None, 0)
    return Restored(shown, render_diff_text(diff), len(diff.changes))


# --------------------------------------------------------------------------- clones


def _clone_name(database: str, purpose: str) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", database.lower())[:30]
    return f"{CLONE_PREFIX}{base}_{purpose}_{secrets.token_hex(4)}"


def _maintenance(url: str):
    from migrator.inspect.postgres import connect

    conn = connect(with_database(url, "postgres"))
    conn.read_only = False
    return conn


def create_clone(url: str, name: str, *, template_only: bool = False) -> str:
    """Create database `name` as a copy of `url`'s database; returns how ("template" or "pg_dump").

    TEMPLATE when nobody else is connected to the source (PostgreSQL requires it), else
    pg_dump | pg_restore into an empty database.
    """
    from psycopg import sql

    source = database_name(url)
    conn = _maintenance(url)
    try:
        busy = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                            (source,)).fetchone()[0]
        if not busy:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(source)))
                return "template"
            except Exception as exc:  # a session connected in between: fall back to a dump
                if template_only or "being accessed by other users" not in str(exc):
                    raise MigratorError(f"cannot copy {source}: {_tool_reason(str(exc), url)}") from None
        elif template_only:
            raise BadInput(f"--backup clone: {busy} other session(s) are connected to {source}; "
                           "CREATE DATABASE ... TEMPLATE needs none (use --backup dump)")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()
    conninfo, env = libpq_args(url)
    target_info, _ = libpq_args(with_database(url, name))
    dump = subprocess.Popen([pg_bin("pg_dump"), "-Fc", "--no-owner", "--dbname", conninfo],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    try:
        _run_tool([pg_bin("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", target_info], env, url,
                  "pg_restore into the clone", stdin=dump.stdout)
    finally:
        if dump.stdout:
            dump.stdout.close()
        if dump.wait() != 0:
            raise MigratorError(f"pg_dump of {mask_url(url)} for the clone failed")
    return "pg_dump"


def drop_clone(url: str, name: str) -> None:
    from psycopg import sql

    with shielded():
        conn = _maintenance(url)
        try:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        finally:
            conn.close()


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """Cleanup that a Ctrl-C must not cut short: SIGINT is held until it is done, then re-raised."""
    received: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    except ValueError:  # not the main thread: signals cannot be held here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt


@contextlib.contextmanager
def clone_of(url: str) -> Iterator[tuple[str, str]]:
    """A throwaway copy of the database `url` names: (clone URL, how it was made); always removed."""
    if is_sqlite(url):
        source = sqlite_path(url)
        if not os.path.isfile(source):
            raise BadInput(f"{mask_url(url)}: no such SQLite database")
        folder = tempfile.mkdtemp(prefix="migrator-clone-")
        path = os.path.join(folder, Path(source).name)
        try:
            copy_sqlite(source, path)
            yield f"sqlite:///{path}", "backup API"
        finally:
            with shielded():
                import shutil

                shutil.rmtree(folder, ignore_errors=True)
        return
    name = _clone_name(database_name(url), "proof")
    try:
        how = create_clone(url, name)
        yield with_database(url, name), how
    finally:
        drop_clone(url, name)
