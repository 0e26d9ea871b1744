"""Where the project's database clients get their connection strings: facts for the report's topology.

`connection_facts(root, scan)` reads, without deciding anything (model.py classifies):

- the clients: the scan's entry modules with the environment variables they read, the
  Prisma datasource (`url`, `directUrl`, `shadowDatabaseUrl` = env("…") in
  prisma/schema.prisma or schema.prisma) and drizzle.config.* (`process.env.X` in the file,
  which holds `dbCredentials`/`url`), each with file:line;
- the values of those variables in the .env files of the root (`.env.example`, `.env`, …);
- the Compose services (name, line, published and container ports, whether a pooler), so a
  `localhost:6432` in a .env file can be traced to the service that publishes it.

A file that cannot be read is left out: the topology is what could be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from migrator.report._yaml import YamlError, YMap, load_all
from migrator.report.envfile import env_files, read_env
from migrator.report.infra import POOLERS, compose_files
from migrator.scan.result import ScanResult

PRISMA_SCHEMAS = ("prisma/schema.prisma", "schema.prisma")
DRIZZLE_CONFIGS = ("drizzle.config.ts", "drizzle.config.js", "drizzle.config.mjs", "drizzle.config.cjs",
                   "drizzle.config.mts")
_DATASOURCE = re.compile(r"^\s*datasource\s+\w+\s*\{")
_DS_FIELD = re.compile(r"^\s*(url|directUrl|shadowDatabaseUrl)\s*=\s*env\(\s*[\"'](\w+)[\"']\s*\)")
_PROCESS_ENV = re.compile(r"process\.env(?:\.(\w+)|\[\s*[\"'](\w+)[\"']\s*\])")


@dataclass(frozen=True)
class ClientFact:
    name: str  # "src/lib/db/index.ts", "Prisma datasource db", "drizzle-kit"
    layer: str
    file: str
    line: int | None
    env: tuple[tuple[str, str], ...]  # (variable, what reads it: "url", "directUrl", "" for code)


@dataclass(frozen=True)
class EnvValue:
    var: str
    file: str
    line: int
    value: str  # as written, unmasked: the model masks it


@dataclass(frozen=True)
class ComposeService:
    name: str
    file: str
    line: int
    ports: tuple[tuple[str, str], ...]  # (published, container); published "" when not published
    pooler: bool
    database: bool  # a database image (postgres, mysql …)


@dataclass(frozen=True)
class ConnectionFacts:
    clients: tuple[ClientFact, ...]
    env_values: tuple[EnvValue, ...]
    services: tuple[ComposeService, ...]
    prisma_schema: str | None  # relative paths of what was read, for the quick reference
    drizzle_config: str | None
    env_files: tuple[str, ...]
    migration_dirs: tuple[str, ...] = ()


MIGRATION_DIRS = ("prisma/migrations", "drizzle", "migrations", "db/migrations", "alembic")


def connection_facts(root: Path, scan: ScanResult) -> ConnectionFacts:
    root = Path(root)
    clients = [ClientFact(e.path, e.layer, e.path, None, tuple((v, "") for v in e.env))
               for e in sorted(scan.entry_modules, key=lambda e: e.path)]
    prisma = next((p for p in PRISMA_SCHEMAS if (root / p).is_file()), None)
    if prisma:
        clients.extend(_prisma_datasource(root / prisma, prisma))
    drizzle = next((p for p in DRIZZLE_CONFIGS if (root / p).is_file()), None)
    if drizzle:
        clients.extend(_drizzle_config(root / drizzle, drizzle))
    values: list[EnvValue] = []
    names: list[str] = []
    for path in env_files(root):
        try:
            env = read_env(path)
        except (OSError, UnicodeDecodeError):
            continue
        names.append(path.name)
        values.extend(EnvValue(v.key, path.name, v.line, v.value) for v in env.vars if v.value)
    dirs = tuple(d for d in MIGRATION_DIRS if (root / d).is_dir())
    return ConnectionFacts(tuple(clients), tuple(values), tuple(_services(root)), prisma, drizzle, tuple(names), dirs)


def _read(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _prisma_datasource(path: Path, rel: str) -> list[ClientFact]:
    out, inside, name, start, env = [], False, "", 0, []
    for number, text in enumerate(_read(path), start=1):
        if not inside and _DATASOURCE.match(text):
            inside, name, start, env = True, text.split()[1], number, []
            continue
        if inside:
            field = _DS_FIELD.match(text)
            if field:
                env.append((field.group(2), field.group(1)))
            if text.strip().startswith("}"):
                out.append(ClientFact(f"Prisma datasource {name}", "prisma", rel, start, tuple(env)))
                inside = False
    return out


def _drizzle_config(path: Path, rel: str) -> list[ClientFact]:
    env: list[tuple[str, str]] = []
    first = None
    for number, text in enumerate(_read(path), start=1):
        for match in _PROCESS_ENV.finditer(text):
            var = match.group(1) or match.group(2)
            if var not in (v for v, _ in env):
                env.append((var, "dbCredentials.url" if "url" in text.split("process.env")[0] else ""))
                first = first or number
    return [ClientFact("drizzle-kit", "drizzle", rel, first, tuple(env))] if env else []


def _services(root: Path) -> list[ComposeService]:
    from migrator.report.infra import DB_IMAGES, DB_TOOLS

    out = []
    for path in compose_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            docs = load_all(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, YamlError):
            continue
        for doc in docs:
            services = doc.get("services") if isinstance(doc, YMap) else None
            if not isinstance(services, YMap):
                continue
            for name, spec in services.items():
                if not isinstance(spec, YMap):
                    continue
                image = str(spec.get("image") or "").lower()
                text = f"{image} {str(name).lower()}"
                ports = []
                for port in spec.get("ports") or ():
                    if isinstance(port, str):
                        parts = port.split("/")[0].split(":")
                        ports.append((parts[-2] if len(parts) > 1 else "", parts[-1]))
                    elif isinstance(port, YMap):
                        ports.append((str(port.get("published") or ""), str(port.get("target") or "")))
                database = (any(i in image for images in DB_IMAGES.values() for i in images)
                            and not any(t in image for t in DB_TOOLS))
                out.append(ComposeService(str(name), rel, services.lines[name], tuple(ports),
                                          any(p in text for p in POOLERS), database))
    return out
