"""Infrastructure findings for the progress report: mistakes in Compose files around the database.

`docker_compose_findings(root)` reads every docker-compose*.yml / compose*.yml (and
.yaml) in the project (up to three folders deep, dependencies and hidden folders left
out) and reports, each with file:line, a severity, a message and a suggestion:

- `db-healthcheck-mismatch` (warning): a database's healthcheck runs `pg_isready`/`psql`
  with `-U user` or `-d db` other than the POSTGRES_USER/POSTGRES_DB the service sets.
  pg_isready reports ready without logging in, so the mistake hides until the command is
  copied somewhere that does log in.
- `app-bypasses-pooler` (warning): a service other than the database and the pooler is
  given the database's direct address (`postgres://…@db:5432/…`, or DB_HOST/PGHOST=db)
  while a pooler service (pgbouncer, pgcat, supavisor, odyssey, pgpool) exists. Variables
  named for migrations (DIRECT_URL, MIGRATION_*, SHADOW_*) are meant to be direct.
- `db-no-healthcheck` (warning when another service depends on the database, else info):
  a database service without a healthcheck, so dependents start before it accepts
  connections.

Files are read with PyYAML (migrator/report/_yaml.py keeps each key's line). A file of
several YAML documents is read as Compose reads it: each document overrides the ones
before, mapping by mapping (see `_merge_documents`). A file that cannot be read is one
`compose-unreadable` info finding naming file:line:col, never an exception: the report is
still worth having.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from migrator.report._yaml import YamlError, YMap, YSeq, load_all

SEVERITY_ORDER = ("error", "warning", "info")
COMPOSE_NAME = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$")
SKIP_DIRS = {"node_modules", "dist", "build", "target", "vendor", "__pycache__"}
MAX_DEPTH = 3
DB_IMAGES = {"postgres": ("postgres", "postgis", "timescale", "pgvector", "supabase/postgres"),
             "mysql": ("mysql", "mariadb", "percona")}
DB_NAMES = {"postgres": ("db", "database", "postgres", "postgresql", "pg"), "mysql": ("mysql", "mariadb")}
# Images that carry a database's name but are tools around it, not the database.
DB_TOOLS = ("backup", "exporter", "pgadmin", "adminer", "pghero", "client", "migrate", "pgweb")
POOLERS = ("pgbouncer", "pgcat", "supavisor", "odyssey", "pgpool")
DIRECT_VARS = re.compile(r"DIRECT|MIGRAT|SHADOW|ADMIN", re.IGNORECASE)
HOST_VARS = ("DB_HOST", "PGHOST", "DATABASE_HOST", "POSTGRES_HOST")
URL = re.compile(r"postgres(?:ql)?(?:\+\w+)?://(?:[^@/\s]*@)?(?P<host>[^:/?\s]+)(?::(?P<port>\d+))?")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "host.docker.internal")


@dataclass(frozen=True)
class Finding:
    file: str  # relative to the project root, forward slashes
    line: int
    severity: str  # error, warning, info
    rule: str
    message: str
    suggestion: str
    fix: str = ""  # the line at file:line as it should read, when one line is the fix


def compose_files(root: Path) -> list[Path]:
    found = []
    root = Path(root)
    for folder, dirs, files in os.walk(root):
        depth = len(Path(folder).relative_to(root).parts)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS and depth < MAX_DEPTH)
        found.extend(Path(folder) / name for name in sorted(files) if COMPOSE_NAME.match(name))
    return found


def docker_compose_findings(root: Path) -> list[Finding]:
    findings: list[Finding] = []
    for path in compose_files(Path(root)):
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
            data = _merge_documents(load_all(text))
        except (OSError, UnicodeDecodeError) as exc:
            findings.append(Finding(rel, 1, "info", "compose-unreadable", f"could not read the file: {exc}", ""))
            continue
        except YamlError as exc:
            findings.append(Finding(rel, exc.line, "info", "compose-unreadable",
                                    f"not read as YAML at {rel}:{exc.line}:{exc.column}: {exc.problem}",
                                    "fix the YAML there; `docker compose config` refuses the file too"))
            continue
        findings.extend(_with_fixes(_file_findings(rel, data), text.splitlines()))
    return sorted(findings, key=lambda f: (f.file, f.line, f.rule))


def _with_fixes(findings: list[Finding], lines: list[str]) -> list[Finding]:
    """Each finding with `fix`: its line with the wrong text (`old`, kept in `fix` as `old\0new`) replaced."""
    out = []
    for f in findings:
        old, sep, new = f.fix.partition("\0")
        text = lines[f.line - 1] if sep and 0 < f.line <= len(lines) else ""
        fixed = text.replace(old, new, 1) if old and old in text else ""
        out.append(replace(f, fix=fixed))
    return out


def _merge_documents(documents: list[Any]) -> Any:
    """The documents of one file as one: later mappings override earlier ones key by key, recursively.

    Compose merges the documents of a file into one model, like override files
    (compose-spec/compose-go#451). Its rules for lists differ per key (ports are
    appended, command replaced, an environment list merged by name); here a later list
    or scalar replaces the earlier value, enough for the findings, which read
    environment, healthcheck, image and depends_on.
    """
    merged: Any = None
    for document in documents:
        merged = _override(merged, document)
    return merged


def _override(base: Any, over: Any) -> Any:
    if not (isinstance(base, YMap) and isinstance(over, YMap)):
        return over if over is not None or not isinstance(base, YMap) else base
    out = YMap(base.line)
    for source in (base, over):
        for key, value in source.items():
            out[key] = _override(out[key], value) if key in out else value
            out.lines[key] = source.lines.get(key, source.line)
    return out


# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Service:
    name: str
    line: int
    spec: YMap
    env: dict[str, tuple[str | None, int]]  # name -> (value, line)
    kind: str | None  # "postgres", "mysql" or None
    pooler: bool


def _file_findings(rel: str, data: Any) -> list[Finding]:
    if not isinstance(data, YMap) or not isinstance(data.get("services"), YMap):
        return []
    services = [
        _service(name, data["services"].lines[name], spec)
        for name, spec in data["services"].items()
        if isinstance(spec, YMap)
    ]
    databases = [s for s in services if s.kind and not s.pooler]
    poolers = [s for s in services if s.pooler]
    out: list[Finding] = []
    for db in databases:
        out.extend(_healthcheck(rel, db, services))
    if poolers:
        for service in services:
            if service.kind is None and not service.pooler:
                out.extend(_bypass(rel, service, databases, poolers[0]))
    return out


def _service(name: str, line: int, spec: YMap) -> _Service:
    image = str(spec.get("image") or "").lower()
    text = f"{image} {name.lower()}"
    kind = None
    for candidate, images in DB_IMAGES.items():
        if any(t in image for t in DB_TOOLS):
            break
        if any(i in image for i in images) or (not image and name.lower() in DB_NAMES[candidate]):
            kind = candidate
            break
    return _Service(name, line, spec, _environment(spec), kind, any(p in text for p in POOLERS))


def _environment(spec: YMap) -> dict[str, tuple[str | None, int]]:
    env = spec.get("environment")
    out: dict[str, tuple[str | None, int]] = {}
    if isinstance(env, YMap):
        for key, value in env.items():
            out[str(key)] = (None if value is None else str(value), env.lines.get(key, env.line))
    elif isinstance(env, YSeq):
        for item, line in zip(env, env.lines):
            if isinstance(item, str):
                key, sep, value = item.partition("=")
                out[key.strip()] = (value if sep else None, line)
    return out


def _test_command(test: Any) -> str | None:
    """A healthcheck's `test` as one shell command: ["CMD-SHELL", "x"] -> "x", ["CMD", "a", "b"] -> "a b"."""
    if isinstance(test, str):
        return test
    if isinstance(test, list) and test and all(isinstance(t, str) for t in test):
        if test[0] == "CMD-SHELL":
            return " ".join(test[1:])
        if test[0] == "CMD":
            return shlex.join(test[1:])
        if test[0] == "NONE":
            return None
        return shlex.join(test)
    return None


def _flag(words: list[str], short: str, long: str) -> str | None:
    for i, word in enumerate(words):
        if word in (short, long) and i + 1 < len(words):
            return words[i + 1]
        if word.startswith(long + "="):
            return word[len(long) + 1:]
        if word.startswith(short) and len(word) > len(short) and not word.startswith("--"):
            return word[len(short):]
    return None


def _variable(text: str) -> str | None:
    """`$${POSTGRES_USER}`, `${POSTGRES_USER:-x}`, `$POSTGRES_USER` -> "POSTGRES_USER"; None for plain text."""
    match = re.fullmatch(r"\$+\{?(\w+)(?::?[-?+][^}]*)?\}?", text)
    return match.group(1) if match else None


def _healthcheck(rel: str, db: _Service, services: list[_Service]) -> list[Finding]:
    check = db.spec.get("healthcheck")
    dependents = [s.name for s in services if s is not db and _depends_on(s.spec, db.name)]
    disabled = isinstance(check, YMap) and (str(check.get("disable")).lower() == "true"
                                            or _test_command(check.get("test")) is None)
    if not isinstance(check, YMap) or disabled:
        severity = "warning" if dependents else "info"
        waiting = f"; {', '.join(dependents)} may start before it accepts connections" if dependents else ""
        return [Finding(rel, db.line, severity, "db-no-healthcheck",
                        f"database service {db.name} has no healthcheck{waiting}", _healthcheck_hint(db))]
    if db.kind != "postgres":
        return []
    command = _test_command(check.get("test")) or ""
    if "pg_isready" not in command and "psql" not in command:
        return []
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    line = check.lines.get("test", check.line)
    user_value, user_line = db.env.get("POSTGRES_USER", ("postgres", db.line))
    user = user_value or "postgres"
    dbname = (db.env.get("POSTGRES_DB") or (None, 0))[0] or user
    out = []
    for flag, long, var, expected, what in (("-U", "--username", "POSTGRES_USER", user, "user"),
                                            ("-d", "--dbname", "POSTGRES_DB", dbname, "database")):
        given = _flag(words, flag, long)
        if given is None or "$" in expected:
            continue
        named = _variable(given)
        if named is not None:
            # A variable is right when it is the service's own setting (or the user, for the database).
            if named == var or (var == "POSTGRES_DB" and named == "POSTGRES_USER" and dbname == user):
                continue
            given_value = (db.env.get(named) or (None, 0))[0]
            if given_value is None or given_value == expected:
                continue
        elif given == expected:
            continue
        source = f"{var} is {expected}" if var in db.env else f"{var} is not set, so the {what} is {expected}"
        out.append(Finding(
            rel, line, "warning", "db-healthcheck-mismatch",
            f"healthcheck of {db.name} runs `{flag} {given}` but {source}; pg_isready reports ready without "
            f"logging in, so this passes until the command is used where it must log in",
            f"use `pg_isready -U $${{POSTGRES_USER}} -d $${{POSTGRES_DB}}` so the check follows the environment",
            f"{flag} {given}\0{flag} $${{{var}}}",
        ))
    return out


def _healthcheck_hint(db: _Service) -> str:
    if db.kind == "mysql":
        test = '["CMD", "mysqladmin", "ping", "-h", "localhost"]'
    else:
        test = '["CMD-SHELL", "pg_isready -U $${POSTGRES_USER} -d $${POSTGRES_DB}"]'
    return f"add `healthcheck: {{test: {test}, interval: 5s, retries: 10}}` and `condition: service_healthy` in depends_on"


def _depends_on(spec: YMap, name: str) -> bool:
    deps = spec.get("depends_on")
    return isinstance(deps, (YMap, YSeq)) and name in deps


def _container_ports(service: _Service) -> set[str]:
    """The ports the service listens on inside the network, and the host ports it publishes."""
    inside, published = set(), set()
    for port in service.spec.get("ports") or ():
        if isinstance(port, str):
            parts = port.split("/")[0].split(":")
            inside.add(parts[-1])
            if len(parts) > 1:
                published.add(parts[-2])
        elif isinstance(port, YMap):
            if port.get("target"):
                inside.add(str(port["target"]))
            if port.get("published"):
                published.add(str(port["published"]))
    return inside | {f"host:{p}" for p in published}


def _pooler_address(pooler: _Service) -> str:
    ports = sorted(p for p in _container_ports(pooler) if not p.startswith("host:"))
    listen = (pooler.env.get("LISTEN_PORT") or (None, 0))[0]
    return f"{pooler.name}:{listen or (ports[0] if ports else '6432')}"


def _bypass(rel: str, service: _Service, databases: list[_Service], pooler: _Service) -> list[Finding]:
    out = []
    for db in databases:
        ports = _container_ports(db)
        direct_port = {"postgres": "5432", "mysql": "3306"}[db.kind or "postgres"]
        for var, (value, line) in service.env.items():
            if not value or DIRECT_VARS.search(var):
                continue
            hit = None
            match = URL.search(value)
            if match:
                host, port = match.group("host"), match.group("port") or direct_port
                if host == db.name and (port == direct_port or port in ports):
                    hit = f"{host}:{port}"
                elif host in LOCAL_HOSTS and f"host:{port}" in ports:
                    hit = f"{host}:{port} (published by {db.name})"
            elif var in HOST_VARS and value == db.name:
                hit = value
            if hit:
                old = f"{match.group('host')}:{match.group('port')}" if match and match.group("port") else ""
                out.append(Finding(
                    rel, line, "warning", "app-bypasses-pooler",
                    f"service {service.name} connects to {db.name} directly ({var} -> {hit}) while "
                    f"{pooler.name} pools connections",
                    f"point {var} at {_pooler_address(pooler)}; keep a direct URL only for migrations "
                    f"(e.g. DIRECT_URL, Prisma's directUrl)",
                    f"{old}\0{_pooler_address(pooler)}" if old else f"{value}\0{_pooler_address(pooler).split(':')[0]}",
                ))
    return out
