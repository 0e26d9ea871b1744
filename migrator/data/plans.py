"""What `migrator apply` applies: the four plan kinds read into steps, and the plan header.

A plan is one of:

- ``sql``: a SQL script, as `migrator diff FROM TO --emit sql` writes it or any plain .sql file;
- ``alembic``: a revision file (`migrator diff --emit alembic` or hand-written): its
  upgrade() runs online (migrator.data.apply); the steps listed here come from running it
  offline, for --dry-run and for naming what runs outside the transaction;
- ``prisma``: a Prisma migrations folder (``<ts>_<name>/migration.sql``);
- ``drizzle``: a drizzle-kit folder (``meta/_journal.json`` + ``NNNN_name.sql``).

The plan header: `diff --emit sql|alembic` writes, as comment lines, the FROM schema the
script expects (``migrator-plan-from: <base64 of zlib of migrator.schema.to_json(FROM)>``),
the TO schema it makes, and the two source names with passwords masked. apply compares
the live database with FROM before anything runs (drift refusal) and the clone with TO
after a proof run.

Steps are the statements in the order they run, each with its phase:

- ``before``: run in a transaction of their own, committed before the main one. A script that itself commits in the
  middle (`COMMIT; BEGIN;`, which migrator writes after ``ALTER TYPE ... ADD VALUE``
  because PostgreSQL refuses to use an enum value in the transaction that added it) has
  its earlier part here; an ADD VALUE on a type the script does not create is moved here
  for the same reason.
- ``transaction``: the one transaction.
- ``after``: statements PostgreSQL refuses inside a transaction block (CREATE/DROP INDEX
  CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, ALTER SYSTEM, CREATE DATABASE, ...), run one
  by one once the transaction has committed, each checked.

BEGIN/COMMIT/ROLLBACK written in a script are not run (apply owns the transaction), nor
is SQLite's ``PRAGMA foreign_keys`` (a no-op inside a transaction; apply runs
``PRAGMA foreign_key_check`` before committing instead).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from migrator import schema as model
from migrator.errors import BadInput
from migrator.sqltext import mask_url, strip_comments

HEADER_PREFIX = "migrator-plan-"
_HEADER_LINE = re.compile(r"^\s*(?:--|#)\s*migrator-plan-(dialect|from-source|to-source|from|to):\s*(\S.*?)\s*$", re.M)

PHASES = ("before", "transaction", "after")


# --------------------------------------------------------------------------- the header


def encode_schema(schema: model.Schema) -> str:
    return base64.b64encode(zlib.compress(model.to_json(schema).encode("utf-8"), 9)).decode("ascii")


def decode_schema(text: str, where: str) -> model.Schema:
    try:
        return model.from_json(zlib.decompress(base64.b64decode(text, validate=True)).decode("utf-8"))
    except Exception as exc:  # a damaged header line: binascii, zlib or the schema reader
        raise BadInput(f"{where}: the migrator-plan header is damaged ({type(exc).__name__}); "
                       "emit the plan again or apply with --force") from None


def header_lines(from_schema: model.Schema, to_schema: model.Schema, from_source: str, to_source: str, dialect: str) -> list[str]:
    """The plan header as text lines (without comment markers: each renderer adds its own)."""
    return [
        "migrator apply reads the lines below: the schema this plan expects (FROM) and the one it makes (TO).",
        f"{HEADER_PREFIX}dialect: {dialect}",
        f"{HEADER_PREFIX}from-source: {' '.join(mask_url(from_source).split())}",
        f"{HEADER_PREFIX}to-source: {' '.join(mask_url(to_source).split())}",
        f"{HEADER_PREFIX}from: {encode_schema(from_schema)}",
        f"{HEADER_PREFIX}to: {encode_schema(to_schema)}",
    ]


@dataclass(frozen=True)
class PlanHeader:
    dialect: str | None
    from_source: str
    to_source: str
    from_schema: model.Schema | None
    to_schema: model.Schema | None


def read_header(text: str, where: str) -> PlanHeader | None:
    found: dict[str, str] = {}
    for m in _HEADER_LINE.finditer(text):
        found.setdefault(m.group(1), m.group(2))
    if not found:
        return None
    return PlanHeader(
        dialect=found.get("dialect"),
        from_source=found.get("from-source", "FROM"),
        to_source=found.get("to-source", "TO"),
        from_schema=decode_schema(found["from"], where) if "from" in found else None,
        to_schema=decode_schema(found["to"], where) if "to" in found else None,
    )


# --------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class Step:
    number: int  # 1-based, in the order the steps run
    text: str
    where: str  # "<file> line <n>"
    phase: str = "transaction"
    reason: str | None = None  # why it runs outside the transaction
    migration: str | None = None  # the folder migration it belongs to

    @property
    def first_line(self) -> str:
        for line in self.text.splitlines():
            if line.strip() and not line.strip().startswith("--"):
                return line.strip()
        return self.text.strip().splitlines()[0] if self.text.strip() else ""


@dataclass(frozen=True)
class Migration:
    """One migration of a Prisma or Drizzle folder."""

    name: str  # Prisma: the folder name; Drizzle: the journal tag
    path: Path
    text: str
    checksum: str  # sha256 hex of the file, as Prisma and drizzle-orm record it
    when: int | None = None  # Drizzle: the journal's `when` (ms)


@dataclass
class Plan:
    kind: str
    path: Path
    dialect: str | None
    header: PlanHeader | None = None
    text: str = ""  # sql and alembic: the file
    migrations: list[Migration] = field(default_factory=list)  # prisma and drizzle
    notes: list[str] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return str(self.path)


_OUTSIDE = (
    (re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b", re.I), "CREATE INDEX CONCURRENTLY cannot run in a transaction"),
    (re.compile(r"^\s*DROP\s+INDEX\s+CONCURRENTLY\b", re.I), "DROP INDEX CONCURRENTLY cannot run in a transaction"),
    (re.compile(r"^\s*REINDEX\b.*\bCONCURRENTLY\b", re.I | re.S), "REINDEX CONCURRENTLY cannot run in a transaction"),
    (re.compile(r"^\s*VACUUM\b", re.I), "VACUUM cannot run in a transaction"),
    (re.compile(r"^\s*ALTER\s+SYSTEM\b", re.I), "ALTER SYSTEM cannot run in a transaction"),
    (re.compile(r"^\s*(CREATE|DROP)\s+DATABASE\b", re.I), "CREATE/DROP DATABASE cannot run in a transaction"),
    (re.compile(r"^\s*(CREATE|DROP)\s+TABLESPACE\b", re.I), "CREATE/DROP TABLESPACE cannot run in a transaction"),
    (re.compile(r"^\s*ALTER\s+TABLE\b.*\bDETACH\s+PARTITION\b.*\bCONCURRENTLY\b", re.I | re.S),
     "DETACH PARTITION CONCURRENTLY cannot run in a transaction"),
)
_ADD_VALUE = re.compile(r"^\s*ALTER\s+TYPE\s+(?P<name>\S+)\s+ADD\s+VALUE\b", re.I)
_CREATE_TYPE = re.compile(r"\bCREATE\s+TYPE\s+(?P<name>[^\s(]+)", re.I)
_BEGIN = re.compile(r"^\s*(BEGIN(\s+(TRANSACTION|WORK|DEFERRED|IMMEDIATE|EXCLUSIVE))?|START\s+TRANSACTION\b.*)\s*;?\s*$", re.I | re.S)
_COMMIT = re.compile(r"^\s*(COMMIT|END)(\s+(TRANSACTION|WORK))?\s*;?\s*$", re.I)
_ROLLBACK = re.compile(r"^\s*ROLLBACK(\s+(TRANSACTION|WORK))?\s*;?\s*$", re.I)
_PRAGMA_FK = re.compile(r"^\s*PRAGMA\s+foreign_keys\s*=", re.I)


def outside_reason(text: str, dialect: str) -> str | None:
    """Why a statement cannot run inside a transaction block (PostgreSQL), or None."""
    if dialect != "postgresql":
        return "VACUUM cannot run in a transaction" if re.match(r"^\s*VACUUM\b", text, re.I) else None
    code = strip_comments(text)
    for pattern, reason in _OUTSIDE:
        if pattern.match(code):
            return reason
    return None


def _bare_type_name(name: str) -> str:
    return name.split(".")[-1].strip('"').lower()


def arrange(statements: list[tuple[str, str, str | None]], dialect: str, *,
            honour_commits: bool = True) -> tuple[list[Step], list[str]]:
    """Steps from (text, where, migration) in script order; notes for the statements not run.

    honour_commits: a COMMIT followed by more statements splits the script: what comes before
    the last such COMMIT is committed first (one script; a migrations folder runs whole).
    """
    code = [strip_comments(text).strip() for text, _, _ in statements]
    last_commit = -1
    for i, c in enumerate(code):
        if honour_commits and _COMMIT.match(c) and any(x and not (_COMMIT.match(x) or _BEGIN.match(x)) for x in code[i + 1:]):
            last_commit = i
    created_types = {_bare_type_name(m.group("name")) for c in code for m in _CREATE_TYPE.finditer(c)}
    steps: list[Step] = []
    notes: list[str] = []
    skipped_control = 0
    pragmas: list[str] = []
    for i, ((text, where, migration), c) in enumerate(zip(statements, code)):
        if _BEGIN.match(c) or _COMMIT.match(c):
            skipped_control += 1
            continue
        if _ROLLBACK.match(c):
            raise BadInput(f"{where}: the plan says ROLLBACK; apply cannot run a plan that undoes itself")
        if dialect == "sqlite" and _PRAGMA_FK.match(c):
            pragmas.append(where)
            continue
        phase, reason = ("before", "committed before the rest (the script commits here)") if i < last_commit else ("transaction", None)
        outside = outside_reason(text, dialect)
        if outside:
            phase, reason = "after", outside
        elif dialect == "postgresql" and phase == "transaction":
            m = _ADD_VALUE.match(c)
            if m and _bare_type_name(m.group("name")) not in created_types:
                phase, reason = "before", "ALTER TYPE ... ADD VALUE: a new enum value cannot be used in the transaction that added it"
        steps.append(Step(0, text, where, phase, reason, migration))
    if pragmas:
        notes.append(f"PRAGMA foreign_keys not run ({', '.join(pragmas)}): foreign keys stay off during the transaction "
                     "and PRAGMA foreign_key_check runs before it commits")
    if skipped_control:
        notes.append(f"{skipped_control} BEGIN/COMMIT statement(s) of the plan not run: apply runs the plan in its own transaction")
    ordered = [s for p in PHASES for s in steps if s.phase == p]
    return [Step(n, s.text, s.where, s.phase, s.reason, s.migration) for n, s in enumerate(ordered, 1)], notes


# --------------------------------------------------------------------------- reading a plan


def load_plan(path_text: str, dialect: str | None = None) -> Plan:
    path = Path(path_text)
    if not path.exists():
        raise BadInput(f"{path_text}: no such file or folder")
    if path.is_dir():
        if (path / "meta" / "_journal.json").is_file():
            return _drizzle(path)
        if (path / "migration_lock.toml").is_file() or any((c / "migration.sql").is_file() for c in path.iterdir() if c.is_dir()):
            return _prisma(path, dialect)
        raise BadInput(f"{path_text}: not a Prisma or Drizzle migrations folder (expected <name>/migration.sql "
                       "folders or meta/_journal.json)")
    text = _read(path)
    where = str(path)
    if path.suffix == ".py":
        header = read_header(text, where)
        if not re.search(r"^def upgrade\(", text, re.M):
            raise BadInput(f"{path_text}: not an Alembic revision (no upgrade() function)")
        return Plan("alembic", path, dialect or (header.dialect if header else None), header, text)
    header = read_header(text, where)
    return Plan("sql", path, dialect or (header.dialect if header else None), header, text)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None


def _checksum(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None


def _prisma(folder: Path, dialect: str | None) -> Plan:
    from migrator.inspect.sql import discover

    declared = discover(str(folder)).declared_dialect
    migrations = [
        Migration(child.name, child / "migration.sql", _read(child / "migration.sql"), _checksum(child / "migration.sql"))
        for child in sorted(c for c in folder.iterdir() if c.is_dir())
        if (child / "migration.sql").is_file()
    ]
    return Plan("prisma", folder, dialect or declared, migrations=migrations)


def _drizzle(folder: Path) -> Plan:
    from migrator.inspect.sql import discover

    declared = discover(str(folder)).declared_dialect  # validates the journal and its files
    data = json.loads((folder / "meta" / "_journal.json").read_text(encoding="utf-8"))
    migrations = []
    for i, entry in enumerate(data["entries"]):
        when = entry.get("when")
        if not isinstance(when, (int, float)):
            raise BadInput(f"{folder}/meta/_journal.json: entries[{i}] has no numeric \"when\"")
        file = folder / f"{entry['tag']}.sql"
        # drizzle-orm hashes the file's text as read (utf-8), which is its bytes.
        migrations.append(Migration(entry["tag"], file, _read(file), _checksum(file), int(when)))
    return Plan("drizzle", folder, declared, migrations=migrations)


def script_statements(text: str, where: str, drizzle: bool = False, migration: str | None = None) -> list[tuple[str, str, str | None]]:
    from migrator.inspect.sql import split_script

    return [(s.text, f"{where} line {s.line}", migration) for s in split_script(text, drizzle)]


def alembic_offline_sql(plan: Plan, dialect: str) -> str:
    """The SQL the revision's upgrade() emits in Alembic's offline mode (for --dry-run)."""
    import io

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    module = load_revision(plan.path)
    buffer = io.StringIO()
    context = MigrationContext.configure(dialect_name=dialect, opts={"as_sql": True, "output_buffer": buffer,
                                                                    "transactional_ddl": dialect == "postgresql"},
                                         dialect_opts={"paramstyle": "named"})
    with Operations.context(context):
        try:
            module.upgrade()
        except Exception as exc:
            raise BadInput(f"{plan.path}: upgrade() failed in offline mode: {type(exc).__name__}: {exc}") from None
    return buffer.getvalue()


def load_revision(path: Path):
    """The revision file as a module (its `op` is Alembic's proxy, bound by Operations.context)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"migrator_apply_revision_{abs(hash(str(path)))}", path)
    if spec is None or spec.loader is None:
        raise BadInput(f"{path}: cannot load as a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise BadInput(f"{path}: cannot load: {type(exc).__name__}: {exc}") from None
    if not callable(getattr(module, "upgrade", None)):
        raise BadInput(f"{path}: no upgrade() function")
    return module


def replay(plan: Plan, names: list[str], dialect: str, dev_url: str | None = None) -> model.Schema:
    """The schema the folder's migrations `names` (in folder order) build, applied to a scratch database."""
    from migrator.inspect import InspectOptions
    from migrator.inspect._scratch import ScriptFile, read_sql
    from migrator.inspect.sql import split_script

    wanted = set(names)
    files = tuple(
        ScriptFile(str(m.path), tuple(split_script(m.text, plan.kind == "drizzle")))
        for m in plan.migrations if m.name in wanted
    )
    label = f"sql:{plan.path}" + ("" if len(files) == len(plan.migrations) else f" ({len(files)} applied)")
    # No file at all still reads an empty scratch database: its default namespace (public, main) is there.
    return read_sql(files, dialect, InspectOptions(dev_url=dev_url), label)
