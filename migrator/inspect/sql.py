"""`sql:<file or folder>`: read a SQL file or a folder of migrations into the schema model.

The SQL is not interpreted here. It is applied, statement by statement, to a scratch
database and read back with the same live reader that reads real databases
(migrator.inspect.postgres / migrator.inspect.sqlite), so both sides of a later diff are
normalized by one piece of code. Where no PostgreSQL server can be had, the static reader
in _static.py interprets the DDL instead and says so in Schema.notes. Which scratch
database is used is decided in _scratch.py.

What is read (`claims_path` answers True for exactly these; anything else is BadInput):

- a single `*.sql` file (with the `sql:` scheme, any file name);
- a folder of `*.sql` files, applied in plain lexicographic order of their file names
  (with up/down pairs, `NNN_x.up.sql` / `NNN_x.down.sql` as golang-migrate writes them, only
  the up files)
  (Python's str order, i.e. code points). This is not natural sort: numbered files sort as
  text, which is what timestamp and zero-padded prefixes (20240101120000_x.sql,
  V001__x.sql) rely on. A note is added when the names contain unpadded numbers whose
  natural order differs (V10__ runs before V2__), because that is almost never intended;
- a Prisma migrations folder: `<name>/migration.sql` applied in folder-name order;
  `migration_lock.toml` is not SQL, its `provider` gives the dialect;
- a Drizzle folder: `meta/_journal.json` lists the migrations (entries[].tag + ".sql")
  in the order they are applied, which need not be name order; its `dialect` gives the
  dialect; statements are separated by `--> statement-breakpoint` lines as well as `;`.

A folder is recognized by its own contents only; a folder that merely contains a
`migrations/` subfolder is not a migrations folder (name the subfolder instead).

The dialect is InspectOptions.dialect when given, else what migration_lock.toml or
_journal.json say, else a guess from marker constructs (DIALECT_MARKERS, a data table),
PostgreSQL when the guess is undecided. A guessed dialect is named in Schema.notes.

After reading back, objects get Origin(source="sql:<path>", file=<file>, line=<line>)
from a light scan of the CREATE/ALTER statements that name them (see _origins below).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

from migrator import schema as model
from migrator.errors import BadInput
from migrator.inspect import InspectOptions, register, strip_scheme
from migrator.inspect._scratch import ScriptFile, read_sql
from migrator.inspect._static import _IDENT, _QNAME, split_qname, split_top_level, unquote
from migrator.sqltext import Statement, split_statements

DIALECTS = ("postgresql", "sqlite")

# Spellings tools write for the two dialects we can apply (Prisma providers, Drizzle
# journal dialects, --dialect values).
DIALECT_NAMES: dict[str, str] = {
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "pg": "postgresql",
    "sqlite": "sqlite",
    "sqlite3": "sqlite",
    "turso": "sqlite",
}

# Constructs only one dialect writes. The dialect with more distinct markers present wins;
# a tie (including none at all) is PostgreSQL. Matched case-insensitively on the SQL
# with comments removed.
DIALECT_MARKERS: tuple[tuple[str, str, str], ...] = (
    # (dialect, label shown in the note, regular expression)
    ("postgresql", "CREATE TYPE ... AS ENUM", r"\bCREATE\s+TYPE\b[^;]*?\bAS\s+ENUM\b"),
    ("postgresql", "SERIAL", r"\b(?:SMALL|BIG)?SERIAL[248]?\b"),
    ("postgresql", "::casts", r"::\s*[A-Za-z\"_]"),
    ("postgresql", "JSONB", r"\bJSONB\b"),
    ("postgresql", "CREATE EXTENSION", r"\bCREATE\s+EXTENSION\b"),
    ("postgresql", "TIMESTAMPTZ", r"\bTIMESTAMPTZ\b|\bWITH\s+TIME\s+ZONE\b"),
    ("postgresql", "USING gin/gist/brin", r"\bUSING\s+(?:gin|gist|brin|spgist)\b"),
    ("postgresql", "GENERATED ... AS IDENTITY", r"\bGENERATED\s+(?:ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b"),
    ("postgresql", "CREATE SCHEMA", r"\bCREATE\s+SCHEMA\b"),
    ("sqlite", "AUTOINCREMENT", r"\bAUTOINCREMENT\b"),
    ("sqlite", "PRAGMA", r"\bPRAGMA\b"),
    ("sqlite", "WITHOUT ROWID", r"\bWITHOUT\s+ROWID\b"),
    ("sqlite", "STRICT tables", r"\)\s*STRICT\s*(?:,|;|$)"),
    ("sqlite", "datetime('now')", r"\bdatetime\s*\(\s*'now'"),
)
_MARKERS = tuple((d, label, re.compile(rx, re.IGNORECASE)) for d, label, rx in DIALECT_MARKERS)

DRIZZLE_BREAKPOINT = re.compile(r"^[ \t]*-->[ \t]*statement-breakpoint[ \t]*\r?$", re.MULTILINE)
# `drizzle-kit pull` (introspect) writes the database it read as migration 0000 with the SQL
# inside one `/* … */` after two `--` lines, so that `migrate` does not create the tables again;
# its breakpoints are inside the comment. As a schema source it is the schema it records.
DRIZZLE_PULL_BASELINE = re.compile(r"\A(?:[ \t]*--[^\n]*\n|[ \t]*\r?\n)*[ \t]*/\*(?P<body>.*)\*/\s*\Z", re.S)
ENGINES = ("auto", "live", "static")


@dataclasses.dataclass(frozen=True)
class MigrationSet:
    """The files of a SQL source in the order they apply, and what the folder says about them."""

    layout: str  # "file" | "plain" | "prisma" | "drizzle"
    files: tuple[ScriptFile, ...]
    declared_dialect: str | None = None  # from migration_lock.toml / _journal.json
    notes: tuple[str, ...] = ()


# ---------------------------------------------------------------------------
# Registration


class SqlSource:
    name = "sql"
    schemes = ("sql:",)
    description = (
        "a SQL file or migrations folder (plain *.sql, Prisma, Drizzle), applied to a scratch "
        "database (--dev-url, a throwaway PostgreSQL, or in-memory SQLite) and read back"
    )

    def claims_path(self, path: str) -> bool:
        p = Path(path)
        if p.is_file():
            return p.suffix.lower() == ".sql"
        if p.is_dir():
            return _layout(p) is not None
        return False

    def load(self, spec: str, options: InspectOptions) -> model.Schema:
        return load_sql(spec, options)


register(SqlSource())


def load_sql(spec: str, options: InspectOptions, engine: str = "auto") -> model.Schema:
    """Read a SQL file or migrations folder.

    engine: "auto" (a scratch database when one can be had, else the static reader),
    "live" (a scratch database or EngineUnavailable), "static" (the static reader only;
    tests use it to compare the two readings).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    path_text = strip_scheme(spec, SqlSource)
    if not path_text.strip():
        raise BadInput(f"{spec}: name a SQL file or migrations folder, e.g. sql:schema.sql or sql:prisma/migrations")
    label = spec if spec.startswith("sql:") else f"sql:{spec}"
    migrations = discover(path_text)
    dialect, dialect_note = choose_dialect(migrations, options)
    schema = read_sql(migrations.files, dialect, options, label, engine)
    schema = attach_origins(schema, migrations.files, dialect, label)
    notes = [*migrations.notes, *([dialect_note] if dialect_note else []), *schema.notes]
    return dataclasses.replace(schema, source=label, notes=tuple(notes))


# ---------------------------------------------------------------------------
# Finding the files


def discover(path_text: str) -> MigrationSet:
    """The files `path_text` names, in apply order, or BadInput."""
    path = Path(path_text)
    if path.is_file():
        return MigrationSet("file", (_script(path),))
    if not path.exists():
        raise BadInput(f"{path_text}: no such file or folder")
    if not path.is_dir():
        raise BadInput(f"{path_text}: not a regular file or folder")
    layout = _layout(path)
    if layout == "drizzle":
        return _drizzle(path)
    if layout == "prisma":
        return _prisma(path)
    if layout == "plain":
        return _plain(path)
    raise BadInput(
        f"{path_text}: not a migrations folder (expected *.sql files, <name>/migration.sql folders, "
        "or meta/_journal.json)"
    )


def _layout(folder: Path) -> str | None:
    try:
        if (folder / "meta" / "_journal.json").is_file():
            return "drizzle"
        if (folder / "migration_lock.toml").is_file() or any(
            (child / "migration.sql").is_file() for child in folder.iterdir() if child.is_dir()
        ):
            return "prisma"
        if any(child.is_file() and child.suffix.lower() == ".sql" for child in folder.iterdir()):
            return "plain"
    except OSError:
        return None
    return None


# Tools that keep each migration as an up and a down file (golang-migrate, dbmate's
# siblings, sqlx): only the up files build the schema.
DOWN_SUFFIXES = (".down.sql",)
UP_SUFFIXES = (".up.sql",)


def _plain(folder: Path) -> MigrationSet:
    names = sorted(
        child.name
        for child in folder.iterdir()
        if child.is_file() and child.suffix.lower() == ".sql" and not child.name.startswith(".")
    )
    notes = []
    if any(n.lower().endswith(UP_SUFFIXES) for n in names):
        down = [n for n in names if n.lower().endswith(DOWN_SUFFIXES)]
        names = [n for n in names if n not in down]
        if down:
            notes.append(f"{_display(folder)}: up/down migrations: the {len(down)} *.down.sql files are not applied")
    natural = sorted(names, key=_natural_key)
    if natural != names:
        first = next(i for i, (a, b) in enumerate(zip(names, natural)) if a != b)
        notes.append(
            f"{_display(folder)}: files are applied in plain name order, so {names[first]} runs before "
            f"{natural[first]}; zero-pad the numbers in the file names if that is not intended"
        )
    return MigrationSet("plain", tuple(_script(folder / n) for n in names), notes=tuple(notes))


def _natural_key(name: str) -> list:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)]


def _prisma(folder: Path) -> MigrationSet:
    dialect = None
    lock = folder / "migration_lock.toml"
    if lock.is_file():
        try:
            data = tomllib.loads(lock.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise BadInput(f"{_display(lock)}: cannot read: {_first_line(str(exc))}") from None
        provider = data.get("provider")
        if provider is not None:
            dialect = _dialect_name(str(provider), f"{_display(lock)}: provider")
    files, notes = [], []
    for child in sorted(c for c in folder.iterdir() if c.is_dir()):
        script = child / "migration.sql"
        if script.is_file():
            files.append(_script(script))
        elif not child.name.startswith("."):
            notes.append(f"{_display(child)}: no migration.sql in this folder; skipped")
    return MigrationSet("prisma", tuple(files), dialect, tuple(notes))


def _drizzle(folder: Path) -> MigrationSet:
    journal = folder / "meta" / "_journal.json"
    shown = _display(journal)
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{shown}: cannot read: {_first_line(str(exc))}") from None
    except json.JSONDecodeError as exc:
        raise BadInput(f"{shown}: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise BadInput(f"{shown}: not a Drizzle journal (no \"entries\" list)")
    dialect = None
    if data.get("dialect") is not None:
        dialect = _dialect_name(str(data["dialect"]), f"{shown}: dialect")
    files, listed = [], set()
    for i, entry in enumerate(data["entries"]):
        tag = entry.get("tag") if isinstance(entry, dict) else None
        if not isinstance(tag, str) or not tag:
            raise BadInput(f"{shown}: entries[{i}] has no \"tag\"")
        script = folder / f"{tag}.sql"
        if not script.is_file():
            raise BadInput(f"{shown}: entries[{i}] names {tag}.sql, which is not in {_display(folder)}")
        listed.add(script.name)
        files.append(_script(script, drizzle=True))
    notes = [
        f"{_display(folder / name)}: not listed in meta/_journal.json; not applied"
        for name in sorted(c.name for c in folder.iterdir() if c.is_file() and c.suffix.lower() == ".sql")
        if name not in listed
    ]
    return MigrationSet("drizzle", tuple(files), dialect, tuple(notes))


def _dialect_name(value: str, what: str) -> str:
    found = DIALECT_NAMES.get(value.strip().lower())
    if found is None:
        raise BadInput(f"{what} {value!r} is not supported (supported: postgresql, sqlite)")
    return found


def _script(path: Path, drizzle: bool = False) -> ScriptFile:
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{shown}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise BadInput(f"{shown}: cannot read: {exc.strerror or exc}") from None
    return ScriptFile(display=shown, statements=tuple(split_script(text, drizzle)))


def split_script(text: str, drizzle: bool = False) -> list[Statement]:
    """Statements of one file, numbered from 1, with the line each starts on.

    Drizzle writes `--> statement-breakpoint` between statements; splitting on it first
    keeps a statement whose body has no terminating `;` (or a trigger body) whole.
    A `drizzle-kit pull` baseline (its SQL commented out) gives the statements it records.
    """
    if not drizzle:
        return split_statements(text)
    baseline = DRIZZLE_PULL_BASELINE.match(text)
    if baseline:
        # Uncomment it in place (same length, so line numbers hold).
        start, end = baseline.start("body"), baseline.end("body")
        text = text[: start - 2] + "  " + text[start:end] + "  " + text[end + 2 :]
    out: list[Statement] = []
    offset_line, pos = 0, 0
    chunks = []
    for m in DRIZZLE_BREAKPOINT.finditer(text):
        chunks.append((text[pos : m.start()], offset_line))
        offset_line += text.count("\n", pos, m.end())
        pos = m.end()
    chunks.append((text[pos:], offset_line))
    for chunk, first_line in chunks:
        for st in split_statements(chunk):
            out.append(Statement(len(out) + 1, st.line + first_line, st.text))
    return out


def _display(path: Path) -> str:
    """A path as messages show it: relative to the working folder when inside it, else as given."""
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)
    return os.path.normpath(str(path))


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else text


# ---------------------------------------------------------------------------
# Dialect


def choose_dialect(migrations: MigrationSet, options: InspectOptions) -> tuple[str, str | None]:
    """(dialect, note): the note says when the dialect was guessed from the SQL."""
    if options.dialect:
        return _dialect_name(options.dialect, "dialect"), None
    if migrations.declared_dialect:
        return migrations.declared_dialect, None
    dialect, markers = sniff_dialect(st.text for f in migrations.files for st in f.statements)
    if markers:
        return dialect, f"dialect {dialect} guessed from the SQL ({', '.join(markers)}); give --dialect to choose"
    return dialect, None


_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


def sniff_dialect(texts) -> tuple[str, list[str]]:
    """The dialect the markers point to, and the markers of that dialect that were seen."""
    seen: dict[str, list[str]] = {d: [] for d in DIALECTS}
    for text in texts:
        bare = _COMMENTS.sub(" ", text)
        for dialect, label, rx in _MARKERS:
            if label not in seen[dialect] and rx.search(bare):
                seen[dialect].append(label)
    if len(seen["sqlite"]) > len(seen["postgresql"]):
        return "sqlite", seen["sqlite"]
    return "postgresql", seen["postgresql"]


# ---------------------------------------------------------------------------
# Origins: a light scan of the statements that name objects. Later statements win, so an
# ALTER COLUMN that redefines a column moves the column's origin to that statement.
#
# Keys: ("table", ns, t), ("column", ns, t, c), ("constraint", ns, t, name),
# ("unnamed", ns, t, kind, columns) for constraints written without a name (kind: pk,
# unique, fk, check; for a check, `columns` are the names its expression mentions, which is
# how PostgreSQL's generated name <table>_<column>_check is matched back),
# ("index", ns, name), ("enum" | "view" | "sequence", ns, name).

_IF_NOT_EXISTS = r"(?:IF\s+NOT\s+EXISTS\s+)?"
_RX = {
    "create_table": re.compile(
        rf"^CREATE\s+(?:(?:GLOBAL\s+|LOCAL\s+)?(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\s+{_IF_NOT_EXISTS}(?P<name>{_QNAME})\s*\(",
        re.IGNORECASE,
    ),
    "create_index": re.compile(
        rf"^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?{_IF_NOT_EXISTS}(?P<name>{_QNAME})\s+ON\s+(?:ONLY\s+)?(?P<table>{_QNAME})",
        re.IGNORECASE,
    ),
    "enum": re.compile(rf"^CREATE\s+TYPE\s+(?P<name>{_QNAME})", re.IGNORECASE),
    "view": re.compile(
        rf"^CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:TEMP|TEMPORARY)\s+)?(?:MATERIALIZED\s+)?VIEW\s+{_IF_NOT_EXISTS}(?P<name>{_QNAME})",
        re.IGNORECASE,
    ),
    "sequence": re.compile(
        rf"^CREATE\s+(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?SEQUENCE\s+{_IF_NOT_EXISTS}(?P<name>{_QNAME})", re.IGNORECASE
    ),
    "alter_table": re.compile(
        rf"^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<name>{_QNAME})\s*\*?\s+(?P<rest>.*)$",
        re.IGNORECASE | re.DOTALL,
    ),
    "set_search_path": re.compile(
        r"^SET\s+(?:SESSION\s+|LOCAL\s+)?search_path\s*(?:=|TO)\s*(?P<first>[^,;\s]+)", re.IGNORECASE
    ),
}
_CONSTRAINT_NAME = re.compile(rf"\bCONSTRAINT\s+(?P<name>{_IDENT})", re.IGNORECASE)
_TABLE_CONSTRAINT = re.compile(
    rf"^(?:CONSTRAINT\s+{_IDENT}\s+)?(?P<kind>PRIMARY\s+KEY|UNIQUE|FOREIGN\s+KEY|CHECK)\s*\((?P<cols>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_INLINE_KINDS = (("pk", r"\bPRIMARY\s+KEY\b"), ("unique", r"\bUNIQUE\b"), ("fk", r"\bREFERENCES\b"), ("check", r"\bCHECK\b"))
_TABLE_ELEMENT_KEYWORDS = frozenset({"constraint", "primary", "unique", "foreign", "check", "exclude", "like"})
_ADD_COLUMN = re.compile(rf"^ADD\s+(?:COLUMN\s+)?{_IF_NOT_EXISTS}(?P<name>{_IDENT})", re.IGNORECASE)
_ADD_CONSTRAINT = re.compile(r"^ADD\s+(?P<body>(?:CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK)\b.*)$", re.IGNORECASE | re.DOTALL)
_ALTER_COLUMN = re.compile(rf"^ALTER\s+(?:COLUMN\s+)?(?P<name>{_IDENT})\s+(?:SET|DROP|TYPE|ADD)\b", re.IGNORECASE)
_RENAME_TO = re.compile(rf"^RENAME\s+TO\s+(?P<name>{_IDENT})", re.IGNORECASE)
_RENAME_COLUMN = re.compile(rf"^RENAME\s+(?:COLUMN\s+)?(?P<old>{_IDENT})\s+TO\s+(?P<new>{_IDENT})", re.IGNORECASE)
_WORDS = re.compile(_IDENT)


def _top_level_elements(body: str) -> list[tuple[int, str]]:
    """(offset, text) of the comma-separated parts of `body` (a table body or ALTER actions)."""
    out, offset = [], 0
    for part in split_top_level(body):
        out.append((offset, part))
        offset += len(part) + 1
    return out


def _columns_in(text: str, dialect: str) -> tuple[str, ...]:
    """The identifiers of the first parenthesized list in `text` ("a, b) REFERENCES ...")."""
    depth, end = 1, len(text)
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            end = i
            break
    return tuple(unquote(w, dialect) for w in _WORDS.findall(re.sub(r"'(?:[^']|'')*'", " ", text[:end])))


def _scan_element(found: dict, ns: str, table: str, element: str, where: tuple[str, int], dialect: str, *, column_def: bool) -> None:
    """Record the column or constraint one table element (or ADD action) declares."""
    for named in _CONSTRAINT_NAME.finditer(element):
        found[("constraint", ns, table, unquote(named.group("name"), dialect))] = where
    tc = _TABLE_CONSTRAINT.match(element)
    if tc and not column_def:
        kind = {"primary": "pk", "unique": "unique", "foreign": "fk", "check": "check"}[tc.group("kind").split()[0].lower()]
        found[("unnamed", ns, table, kind, _columns_in(tc.group("cols"), dialect))] = where
        return
    word = _WORDS.match(element)
    if not word:
        return
    column = unquote(word.group(0), dialect)
    found[("column", ns, table, column)] = where
    for kind, rx in _INLINE_KINDS:
        if re.search(rx, element, re.IGNORECASE):
            found[("unnamed", ns, table, kind, (column,))] = where


def scan_origins(files: Sequence[ScriptFile], dialect: str) -> dict[tuple, tuple[str, int]]:
    """Where each object is declared: key -> (file, line); keys as described above."""
    found: dict[tuple, tuple[str, int]] = {}
    default_ns = "public" if dialect == "postgresql" else "main"
    for f in files:
        for st in f.statements:
            # Blank out comments (keeping line breaks) so offsets still count lines.
            text = _COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), st.text)
            where = (f.display, st.line)
            m = _RX["set_search_path"].match(text)
            if m:
                if dialect == "postgresql":
                    first = m.group("first").strip("'")
                    default_ns = "public" if first.lower() == "default" else unquote(first, dialect)
                continue
            m = _RX["create_table"].match(text)
            if m:
                ns, table = split_qname(m.group("name"), dialect, default_ns)
                found[("table", ns, table)] = where
                body_start = m.end()
                body = text[body_start:]
                for offset, element in _top_level_elements(body[: body.rfind(")")] if ")" in body else body):
                    stripped = element.lstrip()
                    if not stripped:
                        continue
                    at = body_start + offset + (len(element) - len(stripped))
                    line = (f.display, st.line + text.count("\n", 0, at))
                    first_word = (_WORDS.match(stripped) or re.match(r"\S*", stripped)).group(0).lower()
                    _scan_element(found, ns, table, stripped, line, dialect, column_def=first_word not in _TABLE_ELEMENT_KEYWORDS)
                continue
            m = _RX["create_index"].match(text)
            if m:
                ns, _table = split_qname(m.group("table"), dialect, default_ns)
                found[("index", ns, split_qname(m.group("name"), dialect, default_ns)[1])] = where
                continue
            for kind in ("enum", "view", "sequence"):
                m = _RX[kind].match(text)
                if m:
                    found[(kind, *split_qname(m.group("name"), dialect, default_ns))] = where
                    break
            else:
                m = _RX["alter_table"].match(text)
                if m:
                    _scan_alter(found, m, dialect, default_ns, where)
    return found


def _scan_alter(found: dict, m: re.Match, dialect: str, default_ns: str, where: tuple[str, int]) -> None:
    ns, table = split_qname(m.group("name"), dialect, default_ns)
    rest = m.group("rest").strip()
    renamed = _RENAME_TO.match(rest)
    if renamed:
        new = unquote(renamed.group("name"), dialect)
        for key in [k for k in found if k[0] in ("table", "column", "constraint", "unnamed") and k[1:3] == (ns, table)]:
            found[(key[0], ns, new, *key[3:])] = found.pop(key)
        return
    if re.match(r"^RENAME\s+CONSTRAINT\b", rest, re.IGNORECASE):
        parts = _WORDS.findall(rest)
        if len(parts) >= 5:
            old, new = unquote(parts[2], dialect), unquote(parts[4], dialect)
            if ("constraint", ns, table, old) in found:
                found[("constraint", ns, table, new)] = found.pop(("constraint", ns, table, old))
        return
    renamed = _RENAME_COLUMN.match(rest)
    if renamed:
        old, new = unquote(renamed.group("old"), dialect), unquote(renamed.group("new"), dialect)
        if ("column", ns, table, old) in found:
            found[("column", ns, table, new)] = found.pop(("column", ns, table, old))
        return
    for _offset, action in _top_level_elements(rest):
        text = action.strip()
        added = _ADD_CONSTRAINT.match(text)
        if added:
            _scan_element(found, ns, table, added.group("body"), where, dialect, column_def=False)
            continue
        added = _ADD_COLUMN.match(text)
        if added:
            _scan_element(found, ns, table, text[added.start("name") :], where, dialect, column_def=True)
            continue
        altered = _ALTER_COLUMN.match(text)
        if altered:
            found[("column", ns, table, unquote(altered.group("name"), dialect))] = where


def attach_origins(schema: model.Schema, files: Sequence[ScriptFile], dialect: str, label: str) -> model.Schema:
    """The schema with every object's origin set from the statements that name it.

    A constraint written without a name is matched by its kind and columns (a CHECK by
    PostgreSQL's generated name); if that fails it takes its table's origin. Objects no
    statement names at all (made by a DO block, say) name the source and, for a single
    file, that file.
    """
    found = scan_origins(files, dialect)
    fallback = model.Origin(source=label, file=files[0].display if len(files) == 1 else None)

    def origin(key: tuple, default: model.Origin | None = None) -> model.Origin:
        hit = found.get(key)
        if hit is None:
            return default or fallback
        return model.Origin(source=label, file=hit[0], line=hit[1])

    def constraint_origin(obj, kind: str, ns: str, table: str, t_origin: model.Origin) -> model.Origin:
        name = getattr(obj, "name", None)
        if name and ("constraint", ns, table, name) in found:
            return origin(("constraint", ns, table, name))
        if kind == "check":
            for key in found:
                if key[:4] == ("unnamed", ns, table, "check") and name in (
                    *(f"{table}_{c}_check" for c in key[4]),
                    f"{table}_check",
                ):
                    return origin(key)
            return t_origin
        return origin(("unnamed", ns, table, kind, tuple(obj.columns)), t_origin)

    namespaces = []
    for ns in schema.namespaces:
        tables = []
        for t in ns.tables:
            t_origin = origin(("table", ns.name, t.name))

            def con(obj, kind, _ns=ns.name, _t=t.name, _to=t_origin):
                return dataclasses.replace(obj, origin=constraint_origin(obj, kind, _ns, _t, _to))

            tables.append(
                dataclasses.replace(
                    t,
                    origin=t_origin,
                    columns=tuple(
                        dataclasses.replace(c, origin=origin(("column", ns.name, t.name, c.name), t_origin))
                        for c in t.columns
                    ),
                    primary_key=con(t.primary_key, "pk") if t.primary_key else None,
                    uniques=tuple(con(u, "unique") for u in t.uniques),
                    foreign_keys=tuple(con(fk, "fk") for fk in t.foreign_keys),
                    checks=tuple(con(c, "check") for c in t.checks),
                    indexes=tuple(
                        dataclasses.replace(i, origin=origin(("index", ns.name, i.name), t_origin)) for i in t.indexes
                    ),
                )
            )
        by_table = {t.name: t for t in tables}

        def seq_origin(s: model.Sequence, _ns=ns.name, _tables=by_table) -> model.Origin:
            # A serial's sequence is declared by its column.
            if s.owned_by and ("sequence", _ns, s.name) not in found:
                owner_table, _, owner_col = s.owned_by.partition(".")
                owner = _tables.get(owner_table)
                if owner is not None:
                    try:
                        return owner.column(owner_col).origin or fallback
                    except KeyError:
                        pass
            return origin(("sequence", _ns, s.name))

        namespaces.append(
            dataclasses.replace(
                ns,
                tables=tuple(tables),
                enums=tuple(dataclasses.replace(e, origin=origin(("enum", ns.name, e.name))) for e in ns.enums),
                views=tuple(dataclasses.replace(v, origin=origin(("view", ns.name, v.name))) for v in ns.views),
                sequences=tuple(dataclasses.replace(s, origin=seq_origin(s)) for s in ns.sequences),
            )
        )
    extensions = tuple(dataclasses.replace(e, origin=fallback) for e in schema.extensions)
    return dataclasses.replace(schema, namespaces=tuple(namespaces), extensions=extensions)


__all__ = [
    "DIALECT_MARKERS",
    "MigrationSet",
    "SqlSource",
    "attach_origins",
    "choose_dialect",
    "discover",
    "load_sql",
    "scan_origins",
    "sniff_dialect",
    "split_script",
]
