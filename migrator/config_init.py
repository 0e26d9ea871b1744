"""`migrator init`: find what a repository has and write a starter migrator.toml for it.

`detect(root)` looks for the files the sources read — Prisma schemas and migrations,
drizzle.config.* and Drizzle schema modules and migrations, alembic.ini, SQLAlchemy
declarative bases, plain SQL migration folders — and for the names (never the values) of
database URL variables in .env.example files, docker-compose files and Prisma
datasources. `render_starter_config(detected)` turns that into a commented config with
sensible checks; `write_config(root, text)` writes it without clobbering one that exists.

Detection reads files as text (a few regular expressions, python-dotenv's parser for .env
files — see migrator/report/envfile.py — no Node.js, no imports of the user's code), skips dependency, build and hidden folders, and test fixtures, whose
schemas are not the project's.
"""

from __future__ import annotations

import configparser
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from migrator.config import CONFIG_NAME
from migrator.errors import BadInput
from migrator.files import atomic_write

# Folders never walked: dependencies, build output, caches, and test fixtures.
SKIP_DIRS = frozenset(
    {
        "node_modules", "build", "dist", "out-tsc", "coverage", "__pycache__", "site-packages",
        "venv", "env", "target", "vendor", "tests", "test", "__tests__", "fixtures", "testdata",
    }
)
_MAX_TEXT = 512 * 1024  # larger files are generated, not hand-written schemas or configs

_DRIZZLE_CONFIGS = ("drizzle.config.ts", "drizzle.config.js", "drizzle.config.mjs", "drizzle.config.mts", "drizzle.config.cjs")
_PRISMA_CONFIGS = ("prisma.config.ts", "prisma.config.js", "prisma.config.mjs", "prisma.config.mts")
_ENV_FILES = re.compile(r"^\.env\.(example|sample|template|dist|defaults)$|^\.env\.[\w-]+\.example$")
_COMPOSE_FILES = re.compile(r"^(docker-)?compose(\.[\w-]+)?\.ya?ml$")
_DB_URL_VALUE = re.compile(r"^[\"']?(postgres(ql)?(\+\w+)?|mysql(\+\w+)?|sqlite|mariadb|file)(:|://)", re.I)
_DB_URL_NAME = re.compile(r"^[A-Z][A-Z0-9_]*(DATABASE|DB|POSTGRES|PG|SQL)[A-Z0-9_]*_URL$|^DATABASE_URL$")
_DRIZZLE_IMPORT = re.compile(r"""from\s+['"]drizzle-orm/(pg|sqlite|mysql|singlestore|gel)-core['"]""")
_DRIZZLE_TABLE = re.compile(r"\b(pgTable|sqliteTable|mysqlTable|pgEnum|pgSchema|pgTableCreator)\s*\(")
_SA_BASE = re.compile(
    r"^class\s+(\w+)\s*\([^)]*\bDeclarativeBase(NoMeta)?\b[^)]*\)\s*:|^(\w+)\s*(?::[^=]+)?=\s*(?:\w+\.)*declarative_base\s*\(",
    re.M,
)
_SA_IMPORT = re.compile(r"\b(DeclarativeBase|declarative_base)\b")


@dataclass(frozen=True)
class DrizzleProject:
    config: Path  # drizzle.config.*
    schema: Path | None  # its schema: (a file or folder), when it names one that exists
    out: Path | None  # its out: folder (drizzle-kit's migrations), when it exists
    dialect: str | None


@dataclass(frozen=True)
class AlembicProject:
    ini: Path
    versions: Path | None  # script_location/versions, when it exists


@dataclass(frozen=True)
class ModelsModule:
    """A SQLAlchemy declarative base: `sqlalchemy:<module>:<base>` with `project_path` on sys.path."""

    file: Path
    module: str
    base: str
    project_path: Path
    dialect: str | None = None  # from the project's alembic.ini / URL when it says sqlite

    @property
    def spec(self) -> str:
        return f"sqlalchemy:{self.module}:{self.base}"


@dataclass(frozen=True)
class Detected:
    """What a repository has, each list in a stable order (by path)."""

    root: Path
    prisma_schemas: tuple[Path, ...] = ()  # a schema.prisma file, or a folder of .prisma files
    prisma_config: Path | None = None
    prisma_migrations: tuple[Path, ...] = ()  # folders holding migration_lock.toml
    drizzle: tuple[DrizzleProject, ...] = ()
    drizzle_schemas: tuple[Path, ...] = ()  # schema folders found without a drizzle.config
    alembic: tuple[AlembicProject, ...] = ()
    models: tuple[ModelsModule, ...] = ()
    sql_migrations: tuple[Path, ...] = ()  # folders of numbered *.sql files
    env_vars: tuple[str, ...] = ()  # database URL variable names, DATABASE_URL first
    prisma_provider: str | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.prisma_schemas or self.prisma_migrations or self.drizzle or self.drizzle_schemas
            or self.alembic or self.models or self.sql_migrations
        )


# ---------------------------------------------------------------------------
# Detection


def detect(root: Path) -> Detected:
    """Walk `root` and report the schema sources and database URL variables it holds."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise BadInput(f"{root}: not a folder")
    files: dict[str, list[Path]] = {}  # file name -> paths
    prisma_files: list[Path] = []
    ts_files: list[Path] = []
    py_files: list[Path] = []
    sql_dirs: dict[Path, list[str]] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        here = Path(folder)
        for name in names:
            path = here / name
            files.setdefault(name, []).append(path)
            suffix = path.suffix.lower()
            if suffix == ".prisma":
                prisma_files.append(path)
            elif suffix in (".ts", ".mts", ".js", ".mjs") and not name.endswith(".d.ts"):
                ts_files.append(path)
            elif suffix == ".py":
                py_files.append(path)
            elif suffix == ".sql":
                sql_dirs.setdefault(here, []).append(name)
        # .env.example and friends are hidden files but ours to read (names only).
    prisma_config = _first(files, _PRISMA_CONFIGS)
    prisma_schemas = _prisma_schemas(prisma_files, prisma_config)
    prisma_migrations = tuple(sorted(p.parent for p in files.get("migration_lock.toml", [])))
    drizzle = tuple(_drizzle_project(p) for name in _DRIZZLE_CONFIGS for p in files.get(name, []))
    drizzle = tuple(sorted(drizzle, key=lambda d: d.config))
    drizzle_schemas = () if drizzle else _drizzle_schema_folders(ts_files)
    alembic = tuple(_alembic_project(p) for p in sorted(files.get("alembic.ini", [])))
    taken = {*prisma_migrations, *(d.out for d in drizzle if d.out), *(a.versions for a in alembic if a.versions)}
    sql_migrations = tuple(
        sorted(d for d, names in sql_dirs.items() if d not in taken and d.parent not in taken and _numbered(names))
    )
    env_vars = _env_vars(root, files, prisma_schemas, drizzle)
    sqlite_projects = {a.ini.parent for a in alembic if _alembic_is_sqlite(a.ini)}
    models = tuple(_models(py_files, root, sqlite_projects))
    return Detected(
        root=root,
        prisma_schemas=prisma_schemas,
        prisma_config=prisma_config,
        prisma_migrations=prisma_migrations,
        drizzle=drizzle,
        drizzle_schemas=drizzle_schemas,
        alembic=alembic,
        models=models,
        sql_migrations=sql_migrations,
        env_vars=env_vars,
        prisma_provider=_prisma_provider(prisma_schemas),
    )


def _first(files: dict[str, list[Path]], names: tuple[str, ...]) -> Path | None:
    found = sorted(p for n in names for p in files.get(n, []))
    return found[0] if found else None


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > _MAX_TEXT:
            return ""
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _prisma_schemas(prisma_files: list[Path], config: Path | None) -> tuple[Path, ...]:
    """Each schema once: a lone .prisma file with a datasource, or the folder of a multi-file schema."""
    if config is not None:
        # prisma.config.ts `schema: "prisma/schema"` names the schema outright.
        match = re.search(r"""\bschema\s*:\s*(?:path\.(?:join|resolve)\(([^)]*)\)|['"]([^'"]+)['"])""", _read(config))
        if match:
            # path.join("db", "prisma") (with or without __dirname) is the parts joined.
            parts = re.findall(r"""['"]([^'"]+)['"]""", match.group(1)) if match.group(1) is not None else [match.group(2)]
            named = config.parent.joinpath(*parts) if parts else None
            if named is not None and named.exists():
                return (named.resolve(),)
    roots: set[Path] = set()
    by_dir: dict[Path, list[Path]] = {}
    for path in prisma_files:
        by_dir.setdefault(path.parent, []).append(path)
    for path in sorted(prisma_files):
        if not re.search(r"^\s*datasource\s+\w+\s*\{", _read(path), re.M):
            continue
        alone = len(by_dir[path.parent]) == 1 and not any(d != path.parent and path.parent in d.parents for d in by_dir)
        roots.add(path if alone else path.parent)
    if not roots and by_dir:
        # No datasource anywhere: a multi-file schema whose datasource lives elsewhere; name its folders.
        roots = {d for d in by_dir if d.parent not in by_dir}
    return tuple(sorted(roots))


def _prisma_provider(schemas: tuple[Path, ...]) -> str | None:
    for schema in schemas:
        paths = [schema] if schema.is_file() else sorted(schema.rglob("*.prisma"))
        for path in paths:
            match = re.search(r"datasource\s+\w+\s*\{[^}]*?provider\s*=\s*\"(\w+)\"", _read(path), re.S)
            if match:
                return match.group(1)
    return None


def _drizzle_project(config: Path) -> DrizzleProject:
    text = _read(config)

    def option(name: str) -> str | None:
        match = re.search(rf"""\b{name}\s*:\s*(?:\[\s*)?['"`]([^'"`]+)['"`]""", text)
        return match.group(1) if match else None

    def existing(value: str | None) -> Path | None:
        if not value or any(ch in value for ch in "*{?"):
            return None  # a glob: the project folder stands for it
        path = (config.parent / value).resolve()
        return path if path.exists() else None

    return DrizzleProject(config=config, schema=existing(option("schema")), out=existing(option("out") or "drizzle"),
                          dialect=option("dialect"))


def _drizzle_schema_folders(ts_files: list[Path]) -> tuple[Path, ...]:
    """Folders of files that declare Drizzle tables, when no drizzle.config says where the schema is."""
    folders = set()
    for path in ts_files:
        text = _read(path)
        if _DRIZZLE_IMPORT.search(text) and _DRIZZLE_TABLE.search(text):
            folders.add(path.parent)
    # A folder below another schema folder is part of it.
    return tuple(sorted(f for f in folders if not any(p in folders for p in f.parents)))


def _alembic_project(ini: Path) -> AlembicProject:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(_read(ini))
        location = parser.get("alembic", "script_location", fallback="alembic")
    except configparser.Error:
        location = "alembic"
    location = location.replace("%(here)s", str(ini.parent))
    if ":" in location and not os.path.isabs(location):
        return AlembicProject(ini, None)  # package:resource form; not a folder we can name
    versions = (ini.parent / location / "versions").resolve()
    return AlembicProject(ini, versions if versions.is_dir() else None)


def _alembic_is_sqlite(ini: Path) -> bool:
    match = re.search(r"^\s*sqlalchemy\.url\s*=\s*(\S+)", _read(ini), re.M)
    if match:
        return match.group(1).startswith("sqlite")
    # The URL is often set in env.py or a db module instead; a SQLite default there counts.
    project = ini.parent
    return any("sqlite:///" in _read(p) for p in project.glob("*/db.py")) or any(project.glob("*.db"))


def _numbered(names: list[str]) -> bool:
    """Whether *.sql files look like migrations: every one numbered (001_x.sql, V2__y.sql, 20240101_z.sql)."""
    return bool(names) and all(re.match(r"^(V|v)?\d+", n) for n in names)


def _models(py_files: list[Path], root: Path, sqlite_projects: set[Path]) -> list[ModelsModule]:
    found = []
    for path in sorted(py_files):
        if "versions" in path.parts:  # Alembic revision scripts import sqlalchemy, never a base
            continue
        text = _read(path)
        if not _SA_IMPORT.search(text):
            continue
        for match in _SA_BASE.finditer(text):
            base = match.group(1) or match.group(3)
            top = path.parent
            while (top / "__init__.py").is_file() and top != root:
                top = top.parent
            module = ".".join(path.relative_to(top).with_suffix("").parts)
            if module.endswith(".__init__"):
                module = module[: -len(".__init__")]
            dialect = "sqlite" if any(p == top or p in top.parents for p in sqlite_projects) else None
            found.append(ModelsModule(path, module, base, top, dialect))
    return found


def _env_vars(root: Path, files: dict[str, list[Path]], prisma: tuple[Path, ...], drizzle: tuple[DrizzleProject, ...]) -> tuple[str, ...]:
    from migrator.report.envfile import parse_env  # here: migrator.report imports its model (~30 ms)

    names: list[str] = []
    # .env.example and friends start with a dot, so the walk did not list them; read them beside
    # every folder the walk did see is too much: the root and the folders of known projects suffice.
    folders = {root, *(p.parent for p in files.get("package.json", [])), *(p.parent for p in files.get("alembic.ini", []))}
    for folder in sorted(folders):
        for path in sorted(folder.glob(".env*")):
            if _ENV_FILES.match(path.name):
                # python-dotenv's parser: quotes, `export`, comments and multi-line values.
                for var in parse_env(_read(path))[0]:
                    if var.value is not None and re.fullmatch(r"[A-Za-z_]\w*", var.key) and (
                            _DB_URL_NAME.match(var.key) or _DB_URL_VALUE.match(var.value.strip())):
                        names.append(var.key)
    for name, paths in files.items():
        if _COMPOSE_FILES.match(name):
            for path in paths:
                text = _read(path)
                for match in re.finditer(r"(?:^|[\s-])([A-Z][A-Z0-9_]*)\s*[:=]\s*[\"']?([^\s\"']*)", text, re.M):
                    if _DB_URL_NAME.match(match.group(1)) or _DB_URL_VALUE.match(match.group(2)):
                        names.append(match.group(1))
                names += [n for n in re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text) if _DB_URL_NAME.match(n)]
    for schema in prisma:
        paths = [schema] if schema.is_file() else sorted(schema.rglob("*.prisma"))
        for path in paths:
            names += re.findall(r"\b(?:url|directUrl|shadowDatabaseUrl)\s*=\s*env\(\s*\"(\w+)\"\s*\)", _read(path))
    for project in drizzle:
        names += re.findall(r"process\.env\.(\w+)", _read(project.config))
    unique = list(dict.fromkeys(names))
    # DATABASE_URL is the convention every tool falls back to; it leads.
    return tuple(sorted(unique, key=lambda n: (n != "DATABASE_URL", unique.index(n))))


# ---------------------------------------------------------------------------
# The starter config


def render_starter_config(detected: Detected) -> str:
    """A commented migrator.toml for what `detect` found; paths relative to its root."""
    root = detected.root
    sources: list[tuple[str, str, str]] = []  # (name, value as TOML, comment)
    taken: set[str] = set()

    def add(name: str, value: str, comment: str) -> str:
        base, n = name, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        sources.append((name, value, comment))
        return name

    def rel(path: Path) -> str:
        text = os.path.relpath(path, root)
        return "." if text == "." else text.replace(os.sep, "/")

    prisma = [add("prisma", _q(f"prisma:{rel(p)}"), "the Prisma schema, read as the database Prisma Migrate creates")
              for p in detected.prisma_schemas]
    prisma_mig = [add("prisma-migrations", _q(f"sql:{rel(p)}"), "Prisma Migrate's migrations, applied to a scratch database")
                  for p in detected.prisma_migrations]
    drizzle: list[str] = []
    drizzle_mig: list[str] = []
    for project in detected.drizzle:
        target = project.schema or project.config.parent
        drizzle.append(add("drizzle", _q(f"drizzle:{rel(target)}"), f"the Drizzle schema named by {rel(project.config)}"))
        if project.out is not None and any(project.out.glob("*.sql")):
            drizzle_mig.append(add("drizzle-migrations", _q(f"sql:{rel(project.out)}"), "drizzle-kit's migrations"))
    for folder in detected.drizzle_schemas:
        drizzle.append(add("drizzle", _q(f"drizzle:{rel(folder)}"), "Drizzle table declarations"))
    models = []
    for m in detected.models:
        fields = [f"spec = {_q(m.spec)}", f"project_path = {_q(rel(m.project_path))}"]
        if m.dialect:
            fields.append(f"dialect = {_q(m.dialect)}")
        models.append(add("models", "{ " + ", ".join(fields) + " }", f"SQLAlchemy models ({rel(m.file)})"))
    sql_mig = [add("migrations", _q(f"sql:{rel(p)}"), "numbered SQL migrations") for p in detected.sql_migrations]
    env = detected.env_vars[0] if detected.env_vars else "DATABASE_URL"
    others = [n for n in detected.env_vars if n != env]
    live_comment = "the live database; the URL is read from the environment, never written here"
    if others:
        live_comment += f" (also seen: {', '.join(others)})"
    live = add("live", f"{{ env = {_q(env)} }}", live_comment)

    # Checks: each migrations folder against the schema it is generated from, the legacy
    # layer against the one replacing it, and the live database against the migrations.
    # The live check is written commented out: `migrator init && migrator check` must run
    # (pass or report drift) on a machine or CI job that has no database URL.
    checks: list[tuple[str, str, str, str, list[str]]] = []  # (name, from, to, comment, extra lines)
    live_checks: list[tuple[str, str, str, str, list[str]]] = []
    if prisma_mig and prisma:
        checks.append(("prisma-migrations-vs-schema", prisma_mig[0], prisma[0],
                       "the migrations create what schema.prisma says (a missing `prisma migrate dev`)", []))
    if drizzle_mig and drizzle:
        checks.append(("drizzle-migrations-vs-schema", drizzle_mig[0], drizzle[0],
                       "drizzle-kit's migrations create what the Drizzle schema says", []))
    if prisma and drizzle:
        checks.append(("prisma-vs-drizzle", prisma[0], drizzle[0],
                       "the Drizzle port declares the tables as Prisma does", ['partial = "to"  # Drizzle declares only the tables ported so far']))
    legacy = prisma[0] if prisma else (models[0] if models else None)
    target = drizzle[0] if drizzle else None
    migrations = (prisma_mig or drizzle_mig or sql_mig or [None])[0]
    if models and not prisma:
        if migrations:
            checks.append(("migrations-vs-models", migrations, models[0], "the migrations create what the models declare", []))
    needs = f"needs {env} set to the database's URL; uncomment to run it"
    if migrations:
        live_checks.append(("live-vs-migrations", live, migrations, f"the live database is where the migrations lead ({needs})", []))
    elif models:
        live_checks.append(("live-vs-models", live, models[0], f"the live database has what the models declare ({needs})", []))
    elif legacy:
        live_checks.append(("live-vs-schema", live, legacy, f"the live database has what the schema declares ({needs})", []))

    out = [
        "# migrator.toml: the sources this repository has and the checks `migrator check` runs.",
        "# Written by `migrator init`; edit freely. Paths are relative to this file's folder.",
        "",
        "# Exit 1 when a check finds a change at or above this severity: error, warning or info.",
        'fail_on = "error"',
        "",
        "# Object paths to leave out of every comparison (fnmatch patterns).",
        "# ignore = [\"public.spatial_ref_sys\", \"public._*\"]",
        "",
        "[sources]",
    ]
    width = max(len(_key(n)) for n, _, _ in sources)
    for name, value, comment in sources:
        out.append(f"# {comment}")
        out.append(f"{_key(name).ljust(width)} = {value}")
    if detected.alembic:
        out.append("# Alembic: " + ", ".join(rel(a.versions or a.ini) for a in detected.alembic)
                   + " — compare the models with a database built by `alembic upgrade head`.")
    for name, src, dst, comment, extra in checks:
        out += ["", f"# {comment}", "[[check]]", f"name = {_q(name)}", f"from = {_q(src)}", f"to = {_q(dst)}", *extra]
    if not checks:
        out += ["", "# No check here runs without a database: uncomment the one below and set "
                f"{env} (in CI, from a secret)."]
    for name, src, dst, comment, extra in live_checks:
        out += ["", f"# {comment}", "# [[check]]", f"# name = {_q(name)}", f"# from = {_q(src)}", f"# to = {_q(dst)}",
                *(f"# {line}" for line in extra)]
    if not checks and not live_checks:
        out += ["", f"# the live database has what a schema declares ({needs})",
                "# [[check]]", '# name = "live-vs-schema"', '# from = "live"', '# to = "<a source above>"']
    out += ["", "# Three-way drift: the live database, the layer being replaced and its replacement."]
    # Active only when both layers exist: with one there is nothing three-way to report.
    prefix = "" if legacy and target else "# "
    out.append(f"{prefix}[drift]")
    for role, name in (("live", live), ("legacy", legacy), ("target", target)):
        out.append(f"{prefix}{role} = {_q(name or '<source>')}")
    if drizzle and target == drizzle[0]:
        out.append(f'{prefix}partial = "target"  # the Drizzle port declares only the tables moved so far')
    out += [
        "",
        "# Severity overrides, by change kind or hazard code (MG101 ...).",
        "# [severity]",
        '# alter_column_default = "info"',
        '# MG302 = "info"            # index builds are fine during the maintenance window',
        "",
        "# Confirmed renames, old path = new path: one rename instead of a drop and an add.",
        "# [renames]",
        '# "public.users.name" = "public.users.full_name"',
        "",
    ]
    out += _scan_section(detected)
    out += _rewrite_section(detected, rel)
    return "\n".join(out)


def guess_scan_roles(detected: Detected) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Which access layer is being replaced and which replaces it, from dependencies and code."""
    root = detected.root
    deps: set[str] = set()
    package = root / "package.json"
    if package.is_file():
        try:
            data = json.loads(package.read_text(encoding="utf-8"))
            for section in ("dependencies", "devDependencies"):
                deps |= set((data.get(section) or {}).keys())
        except (OSError, ValueError):
            pass
    legacy: list[str] = []
    target: list[str] = []
    if ("@prisma/client" in deps or detected.prisma_schemas) and ("drizzle-orm" in deps or detected.drizzle):
        legacy.append("prisma")
        target.append("drizzle")
    if detected.models:
        # A project on SQLAlchemy still calling session.query is moving to 2.0's select().
        legacy_api = re.compile(rb"\.query\(|\bselect\(\[")
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
            if any(name.endswith(".py") and legacy_api.search(_head_bytes(Path(dirpath) / name)) for name in filenames):
                legacy.append("sqlalchemy-legacy")
                target.append("sqlalchemy")
                break
    return tuple(legacy), tuple(target)


def _head_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()[:200_000]
    except OSError:
        return b""


def _scan_section(detected: Detected) -> list[str]:
    legacy, target = guess_scan_roles(detected)
    lines = ["# `migrator scan` and `migrator report`: which access layer is being replaced, and by what."]
    if legacy:
        lines += ["[scan]", "legacy = [" + ", ".join(_q(x) for x in legacy) + "]",
                  "target = [" + ", ".join(_q(x) for x in target) + "]"]
    else:
        lines += ["# [scan]", '# legacy = ["prisma"]', '# target = ["drizzle"]']
    lines += [
        '# exclude = ["**/generated/**"]',
        "# Areas group files in the report, first match wins; these come before the defaults.",
        "# [scan.areas]",
        '# "billing" = ["src/billing/**", "app/api/payments/**"]',
        "",
    ]
    return lines


def _rewrite_section(detected: Detected, rel) -> list[str]:
    """[rewrite] for `migrator rewrite --rules prisma-drizzle` when the project has a Prisma schema and a
    Drizzle schema: the schema, and the client the scan's value flow finds (a module exporting a
    drizzle() client; migrator.rewrite.drizzle_defaults), with the project's path alias when one maps to it."""
    if not detected.prisma_schemas:
        return []
    schema: Path | None = None
    if detected.drizzle:
        project = detected.drizzle[0]
        schema = project.schema or project.config.parent
    elif detected.drizzle_schemas:
        schema = detected.drizzle_schemas[0]
    if schema is None:
        return []
    from migrator.rewrite import drizzle_defaults

    found = drizzle_defaults.find_client(detected.root, schema)
    lines = ["# `migrator rewrite --rules prisma-drizzle`: the Drizzle schema and client the converted calls use.",
             "[rewrite]",
             f"drizzle_schema = {_q('drizzle:' + rel(schema))}"]
    if found is not None:
        module = drizzle_defaults.module_spec(found[0], detected.root, detected.root)
        lines.append(f"drizzle_client = {_q(module + ':' + found[1])}")
    else:
        lines.append('# drizzle_client = "@/db:db"  # none found: `migrator generate drizzle … --client` writes one')
    lines += [f"prisma_schema = {_q(rel(detected.prisma_schemas[0]))}", ""]
    return lines


def write_config(root: Path, text: str, force: bool = False) -> Path:
    """Write `text` as root/migrator.toml atomically; an existing file is BadInput unless `force`."""
    target = Path(root) / CONFIG_NAME
    if target.exists() and not force:
        raise BadInput(f"{target}: already exists; pass --force to overwrite it")
    atomic_write(target, text)
    return target


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string for everything we write


def _key(name: str) -> str:
    return name if re.match(r"^[A-Za-z0-9_-]+$", name) else _q(name)
