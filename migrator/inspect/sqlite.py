"""`sqlite:///path.db`: read a live SQLite database into the schema model.

The file is opened read-only (`file:...?mode=ro`), so inspecting never creates, changes or
journals it. Everything is read in bulk: one query on sqlite_master, then one join of
each pragma table-valued function with it (table_xinfo, index_list + index_xinfo,
foreign_key_list), never one pragma per table. What the pragmas do not say -- constraint
names, CHECK expressions, AUTOINCREMENT, generated-column and index expressions, partial
index predicates, WITHOUT ROWID -- is read from the CREATE statements SQLite keeps
verbatim, with a small tokenizer that respects quotes, comments and parentheses.

`inspect_connection` is public: the SQL-migrations source applies scripts to an in-memory
SQLite and reads the result back with it.

Modelling choices (see the common conventions in migrator.schema):
- One namespace, "main". Internal sqlite_% tables and migration bookkeeping tables are left
  out (the latter kept with InspectOptions.include_bookkeeping).
- A column declared with no type has the canonical type "any": SQLite gives it BLOB
  affinity, which means it keeps values of every type (the same as a STRICT table's ANY).
  Calling it "bytes" would claim a restriction that does not exist.
- INTEGER PRIMARY KEY of a rowid table is the rowid: Identity("rowid") and not nullable;
  with AUTOINCREMENT, Identity("autoincrement"). Whether a primary key is the rowid is
  decided the way SQLite decides it: it is exactly when SQLite built no index for it (so
  `INTEGER PRIMARY KEY DESC`, which is not an alias, comes out right).
- Other primary-key columns of rowid tables are nullable unless declared NOT NULL: SQLite
  really accepts NULL there.
- VIRTUAL and STORED generated columns both carry their expression in Column.generated;
  the model has no flag for the difference, so a note names the virtual ones.
- Virtual tables (fts5, rtree, ...) and their shadow tables are not inspected (a note says
  so); neither are triggers, which the model does not describe.
- Foreign keys: ref_schema None; a REFERENCES naming no parent columns means the parent's
  primary key and is resolved to it; parent table and column names are given as the parent
  spells them (SQLite matches names case-insensitively).
"""

from __future__ import annotations

import os
import re
import sqlite3
import string
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from migrator import schema as model
from migrator.defaults import classify_default
from migrator.errors import BadInput, ConnectionFailed
from migrator.inspect import InspectOptions, keep_namespace, keep_table, register
from migrator.sqltext import mask_url
from migrator.types import parse_type

NAMESPACE = "main"
DIALECT = "sqlite"
SCHEMES = ("sqlite:///", "sqlite://", "sqlite:")
FILE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
MAGIC = b"SQLite format 3\x00"

# sqlite_% names are reserved for SQLite's own objects (sqlite_sequence, sqlite_stat1,
# sqlite_autoindex_*); user objects can never have them.
_USER_OBJECT = "m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
# Pragmas are only run on ordinary tables: on a virtual table whose module is not loaded
# (spatialite, a custom one) table_xinfo fails, and with it the whole bulk query. SQLite
# stores the statement with its leading keywords normalised, so the prefix test is exact.
_ORDINARY_TABLE = f"m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL %' AND {_USER_OBJECT}"

Q_OBJECTS = f"""
SELECT m.type, m.name, m.tbl_name, m.sql FROM sqlite_master m
WHERE m.type IN ('table', 'view', 'index', 'trigger') AND {_USER_OBJECT}"""
# The schema argument 'main' matters: without it a temp table of the same name would win.
Q_COLUMNS = f"""
SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden
FROM sqlite_master m JOIN pragma_table_xinfo(m.name, 'main') p
WHERE {_ORDINARY_TABLE}
ORDER BY m.name, p.cid"""
Q_INDEX_KEYS = f"""
SELECT m.name, il.name, il."unique", il.origin, il.partial, ix.cid, ix.name, ix."desc"
FROM sqlite_master m
JOIN pragma_index_list(m.name, 'main') il
JOIN pragma_index_xinfo(il.name, 'main') ix
WHERE {_ORDINARY_TABLE} AND ix.key = 1
ORDER BY m.name, il.name, ix.seqno"""
Q_FOREIGN_KEYS = f"""
SELECT m.name, p.id, p."table", p."from", p."to", p.on_update, p.on_delete
FROM sqlite_master m JOIN pragma_foreign_key_list(m.name, 'main') p
WHERE {_ORDINARY_TABLE}
ORDER BY m.name, p.id, p.seq"""
# SQLite >= 3.37 says which tables are shadow tables of a virtual table.
Q_TABLE_LIST = "SELECT name, type FROM pragma_table_list WHERE schema = 'main'"

_STEPS = 4  # bulk queries, for progress reports
_PROGRESS_LABEL = "reading the SQLite schema"

# SQLite folds identifier case for ASCII letters only.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _fold(name: str) -> str:
    return name.translate(_ASCII_LOWER)


# --------------------------------------------------------------------------- tokenizer

_TOKEN = re.compile(
    r"""\s+|--[^\n]*|/\*.*?(?:\*/|\Z)
    |(?P<str>'(?:[^']|'')*')
    |(?P<qid>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
    |(?P<word>[^\W\d][\w$]*)
    |(?P<num>0[xX][0-9A-Fa-f]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
    |(?P<op>.)""",
    re.VERBOSE | re.DOTALL,
)


class _Tok:
    __slots__ = ("kind", "text", "start", "end", "upper")

    def __init__(self, kind: str, text: str, start: int, end: int) -> None:
        self.kind, self.text, self.start, self.end = kind, text, start, end
        # Keywords are only ever bare words: "primary" in quotes is a name.
        self.upper = text.upper() if kind == "word" else ""

    @property
    def ident(self) -> str:
        """The name this token spells, quotes removed."""
        if self.kind == "qid":
            q, body = self.text[0], self.text[1:-1]
            return body if q == "[" else body.replace(q + q, q)
        if self.kind == "str":  # SQLite accepts 'name' where a name is expected
            return self.text[1:-1].replace("''", "'")
        return self.text


def _tokens(sql: str) -> list[_Tok]:
    return [_Tok(m.lastgroup, m.group(), m.start(), m.end()) for m in _TOKEN.finditer(sql) if m.lastgroup]


def _close(toks: list[_Tok], i: int) -> int:
    """Index of the parenthesis closing the one at toks[i] (the last token if unbalanced)."""
    depth = 0
    for j in range(i, len(toks)):
        text = toks[j].text
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1


def _split_top(toks: list[_Tok]) -> list[list[_Tok]]:
    """`toks` split on commas outside parentheses."""
    parts: list[list[_Tok]] = [[]]
    depth = 0
    for tok in toks:
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        if tok.text == "," and depth == 0:
            parts.append([])
        else:
            parts[-1].append(tok)
    return [p for p in parts if p]


def _slice(sql: str, toks: list[_Tok]) -> str:
    """The source text from the first to the last token, as written."""
    return sql[toks[0].start : toks[-1].end].strip() if toks else ""


def _unwrap(expr: str) -> str:
    """`expr` without parentheses that enclose all of it."""
    while expr.startswith("(") and expr.endswith(")"):
        toks = _tokens(expr)
        if not toks or _close(toks, 0) != len(toks) - 1:
            break
        expr = expr[1:-1].strip()
    return expr


def _skip_group(toks: list[_Tok], i: int) -> int:
    """Past the parenthesised group at toks[i], or past toks[i] if it opens none."""
    return _close(toks, i) + 1 if i < len(toks) and toks[i].text == "(" else i + 1


def _at(toks: list[_Tok], i: int, *words: str) -> bool:
    return i < len(toks) and toks[i].upper in words


def _skip_conflict(toks: list[_Tok], i: int) -> int:
    """Past an `ON CONFLICT <resolution>` clause at toks[i], if there is one."""
    if _at(toks, i, "ON") and _at(toks, i + 1, "CONFLICT"):
        return i + 3
    return i


def _indexed_names(toks: list[_Tok]) -> tuple[list[str], bool]:
    """Column names of a constraint's list `a COLLATE x DESC, b` and whether AUTOINCREMENT appears."""
    names, autoincrement = [], False
    for part in _split_top(toks):
        names.append(part[0].ident)
        autoincrement = autoincrement or any(t.upper == "AUTOINCREMENT" for t in part[1:])
    return names, autoincrement


# --------------------------------------------------------------------------- CREATE TABLE

_COLUMN_CONSTRAINT_START = frozenset(
    {"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "AS"}
)
_TABLE_CONSTRAINT_START = frozenset({"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"})


@dataclass
class _TableText:
    """What a CREATE TABLE statement says beyond the pragmas. Column keys are case-folded."""

    without_rowid: bool = False
    strict: bool = False
    pk_name: str | None = None
    autoincrement: str | None = None  # the folded name of the AUTOINCREMENT column
    generated: dict[str, tuple[str, bool]] = field(default_factory=dict)  # column -> (expression, stored)
    checks: list[tuple[str | None, str]] = field(default_factory=list)
    # Folded column tuple -> names in declaration order (None for unnamed constraints).
    unique_names: dict[tuple[str, ...], list[str | None]] = field(default_factory=lambda: defaultdict(list))
    # (folded columns, folded parent table) -> names in declaration order.
    fk_names: dict[tuple[tuple[str, ...], str], list[str | None]] = field(default_factory=lambda: defaultdict(list))


# Every fact parse_create_table extracts needs one of these words; most tables of real
# databases have none, and skipping their tokenization halves the time on large schemas.
_TABLE_TEXT_WORDS = re.compile(r"\b(?:CONSTRAINT|CHECK|AUTOINCREMENT|AS|GENERATED|WITHOUT|STRICT)\b", re.IGNORECASE)


def parse_create_table(sql: str) -> _TableText:
    """Names, checks, generated expressions and table options of a stored CREATE TABLE."""
    out = _TableText()
    if not _TABLE_TEXT_WORDS.search(sql):
        return out
    toks = _tokens(sql)
    open_at = next((i for i, t in enumerate(toks) if t.text == "("), None)
    if open_at is None:
        return out
    close_at = _close(toks, open_at)
    for option in _split_top(toks[close_at + 1 :]):
        words = [t.upper for t in option]
        if words == ["WITHOUT", "ROWID"]:
            out.without_rowid = True
        elif words == ["STRICT"]:
            out.strict = True
    in_constraints = False
    for part in _split_top(toks[open_at + 1 : close_at]):
        # Table constraints follow all column definitions.
        in_constraints = in_constraints or part[0].upper in _TABLE_CONSTRAINT_START
        if in_constraints:
            _table_constraints(sql, part, out)
        else:
            _column_definition(sql, part, out)
    return out


def _column_definition(sql: str, part: list[_Tok], out: _TableText) -> None:
    column = _fold(part[0].ident)
    i = 1
    while i < len(part) and part[i].upper not in _COLUMN_CONSTRAINT_START:
        i = _skip_group(part, i)  # the declared type, e.g. NUMERIC(10, 2)
    toks = part[i:]
    n = len(toks)
    i, name = 0, None
    while i < n:
        word = toks[i].upper
        if word == "CONSTRAINT":
            name = toks[i + 1].ident if i + 1 < n else None
            i += 2
            continue
        if word == "PRIMARY":
            i += 2 if _at(toks, i + 1, "KEY") else 1
            if _at(toks, i, "ASC", "DESC"):
                i += 1
            i = _skip_conflict(toks, i)
            if _at(toks, i, "AUTOINCREMENT"):
                out.autoincrement = column
                i += 1
            out.pk_name = name
        elif word == "NOT":  # NOT NULL
            i = _skip_conflict(toks, i + 2)
        elif word == "NULL":
            i = _skip_conflict(toks, i + 1)
        elif word == "UNIQUE":
            i = _skip_conflict(toks, i + 1)
            out.unique_names[(column,)].append(name)
        elif word == "CHECK" and i + 1 < n and toks[i + 1].text == "(":
            end = _close(toks, i + 1)
            out.checks.append((name, _slice(sql, toks[i + 2 : end])))
            i = end + 1
        elif word == "DEFAULT":
            i = _skip_default(toks, i + 1)
        elif word == "COLLATE":
            i += 2
        elif word == "REFERENCES":
            i, parent = _references(toks, i)
            out.fk_names[((column,), parent)].append(name)
        elif word in ("GENERATED", "AS"):
            while i < n and toks[i].text != "(":
                i += 1  # GENERATED ALWAYS AS
            end = _close(toks, i)
            expression = _slice(sql, toks[i + 1 : end])
            i = end + 1
            stored = _at(toks, i, "STORED")
            if _at(toks, i, "STORED", "VIRTUAL"):
                i += 1
            out.generated[column] = (expression, stored)
        else:
            i = _skip_group(toks, i)  # nothing we read; a name given before it still applies
            continue
        name = None


def _skip_default(toks: list[_Tok], i: int) -> int:
    """Past the value of DEFAULT: (expr), a signed number, a literal or a keyword such as CURRENT_TIME."""
    if i < len(toks) and toks[i].text in ("+", "-"):
        i += 1
    if i < len(toks) and toks[i].kind == "word" and i + 1 < len(toks) and toks[i + 1].kind == "str" and toks[i + 1].start == toks[i].end:
        return i + 2  # a blob literal X'00ff'
    return _skip_group(toks, i)


def _references(toks: list[_Tok], i: int) -> tuple[int, str]:
    """Past a `REFERENCES parent (cols) ON DELETE ... DEFERRABLE ...` clause at toks[i]; the folded parent."""
    n = len(toks)
    i += 1
    parent = _fold(toks[i].ident) if i < n else ""
    i += 1
    if i < n and toks[i].text == "(":
        i = _close(toks, i) + 1
    while i < n:
        if _at(toks, i, "ON") and _at(toks, i + 1, "DELETE", "UPDATE"):
            i += 2
            i += 2 if _at(toks, i, "SET", "NO") else 1  # SET NULL, SET DEFAULT, NO ACTION, CASCADE, RESTRICT
        elif _at(toks, i, "MATCH"):
            i += 2
        elif _at(toks, i, "NOT") and _at(toks, i + 1, "DEFERRABLE"):
            i += 1
        elif _at(toks, i, "DEFERRABLE"):
            i += 1
            if _at(toks, i, "INITIALLY"):
                i += 2
        else:
            break
    return i, parent


def _table_constraints(sql: str, toks: list[_Tok], out: _TableText) -> None:
    # SQLite lets table constraints follow each other without a comma, so one part may hold several.
    n = len(toks)
    i, name = 0, None
    while i < n:
        word = toks[i].upper
        if word == "CONSTRAINT":
            name = toks[i + 1].ident if i + 1 < n else None
            i += 2
            continue
        group = next((j for j in range(i, n) if toks[j].text == "("), None)
        if word in ("PRIMARY", "UNIQUE", "CHECK", "FOREIGN") and group is not None:
            end = _close(toks, group)
            inner = toks[group + 1 : end]
            i = end + 1
            if word == "PRIMARY":
                columns, autoincrement = _indexed_names(inner)
                out.pk_name = name
                if autoincrement and len(columns) == 1:
                    out.autoincrement = _fold(columns[0])
                i = _skip_conflict(toks, i)
            elif word == "UNIQUE":
                columns, _ = _indexed_names(inner)
                out.unique_names[tuple(_fold(c) for c in columns)].append(name)
                i = _skip_conflict(toks, i)
            elif word == "CHECK":
                out.checks.append((name, _slice(sql, inner)))
            else:  # FOREIGN KEY (cols) REFERENCES ...
                columns, _ = _indexed_names(inner)
                if _at(toks, i, "REFERENCES"):
                    i, parent = _references(toks, i)
                    out.fk_names[(tuple(_fold(c) for c in columns), parent)].append(name)
        else:
            i = _skip_group(toks, i)
            continue
        name = None


# --------------------------------------------------------------------------- other statements


def parse_create_index(sql: str | None) -> tuple[list[str], str | None]:
    """The key texts of a CREATE INDEX (sort order and collation removed) and its WHERE predicate."""
    if not sql:
        return [], None
    toks = _tokens(sql)
    on_at = next((i for i, t in enumerate(toks) if t.upper == "ON"), None)
    open_at = next((i for i in range(on_at or 0, len(toks)) if toks[i].text == "("), None)
    if open_at is None:
        return [], None
    close_at = _close(toks, open_at)
    keys = []
    for part in _split_top(toks[open_at + 1 : close_at]):
        if part and part[-1].upper in ("ASC", "DESC"):
            part = part[:-1]
        if len(part) >= 3 and part[-2].upper == "COLLATE":
            part = part[:-2]
        keys.append(_unwrap(_slice(sql, part)))
    rest = toks[close_at + 1 :]
    where = None
    if rest and rest[0].upper == "WHERE" and len(rest) > 1:
        where = _slice(sql, rest[1:])
    return keys, where


def parse_create_view(sql: str) -> str:
    """The SELECT of a CREATE VIEW, as written."""
    toks = _tokens(sql)
    depth = 0
    for i, tok in enumerate(toks):
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        elif tok.upper == "AS" and depth == 0 and i + 1 < len(toks):
            return sql[toks[i + 1].start :].strip().rstrip(";").strip()
    return sql.strip()


def _virtual_module(sql: str) -> str:
    toks = _tokens(sql)
    for i, tok in enumerate(toks[:-1]):
        if tok.upper == "USING":
            return toks[i + 1].ident
    return "?"


# --------------------------------------------------------------------------- reading


def inspect_connection(conn: sqlite3.Connection, options: InspectOptions, source_label: str) -> model.Schema:
    """Every table, index, constraint and view of the main database of `conn`.

    sqlite3 errors become BadInput / ConnectionFailed naming `source_label`.
    """
    try:
        return _Reader(conn, options, source_label).read()
    except sqlite3.Error as exc:
        raise _error(source_label, exc) from None


def _error(label: str, exc: sqlite3.Error) -> BadInput | ConnectionFailed:
    code = getattr(exc, "sqlite_errorname", "") or ""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if code == "SQLITE_NOTADB" or message == "file is not a database":
        return BadInput(f"{label}: file is not a SQLite database")
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in message:
        return ConnectionFailed(f"{label}: the database is locked by another connection ({message})")
    return BadInput(f"{label}: cannot read the SQLite schema: {message}")


class _Reader:
    def __init__(self, conn: sqlite3.Connection, options: InspectOptions, label: str) -> None:
        self.conn = conn
        self.options = options
        self.label = label
        self.origin = model.Origin(source=label)
        self.notes: list[str] = []
        self.step = 0
        # Large schemas repeat a handful of declared types and defaults thousands of times.
        self._types: dict[str, model.SqlType] = {}
        self._defaults: dict[str | None, model.Default | None] = {None: None}
        self._parent_columns: dict[str, dict[str, str]] = {}

    def _query(self, sql: str) -> list[tuple]:
        rows = self.conn.execute(sql).fetchall()
        self.step += 1
        if self.options.progress is not None:
            self.options.progress(_PROGRESS_LABEL, self.step, _STEPS)
        return rows

    def read(self) -> model.Schema:
        objects = self._query(Q_OBJECTS)
        table_sql = {name: sql or "" for kind, name, _t, sql in objects if kind == "table"}
        index_sql = {name: sql for kind, name, _t, sql in objects if kind == "index"}
        views = [(name, sql or "") for kind, name, _t, sql in objects if kind == "view"]
        triggers = sorted(name for kind, name, _t, _s in objects if kind == "trigger")

        left_out = self._virtual_and_shadow(table_sql)
        self.wanted = {n for n in table_sql if n not in left_out and keep_table(n, self.options)}
        # Names as the tables spell them, for resolving foreign keys written in another case.
        self.table_names = {_fold(n): n for n in table_sql if n not in left_out}

        self.columns: dict[str, list[tuple]] = defaultdict(list)
        for table, *row in self._query(Q_COLUMNS):
            self.columns[table].append(tuple(row))
        self.indexes: dict[str, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
        for table, index, *row in self._query(Q_INDEX_KEYS):
            if table in self.wanted:
                self.indexes[table][index].append(tuple(row))
        self.fks: dict[str, dict[int, list[tuple]]] = defaultdict(lambda: defaultdict(list))
        for table, fk_id, *row in self._query(Q_FOREIGN_KEYS):
            if table in self.wanted:
                self.fks[table][fk_id].append(tuple(row))
        # table_info.pk is each column's 1-based position in the primary key: the declared order.
        self.pk_columns = {
            table: tuple(c[0] for c in sorted((c for c in cols if c[4]), key=lambda c: c[4]))
            for table, cols in self.columns.items()
        }

        self.index_sql = index_sql
        self.virtual_generated: list[str] = []
        tables = tuple(self._table(name, parse_create_table(table_sql[name])) for name in sorted(self.wanted))
        view_models = tuple(
            model.View(name=name, definition=parse_create_view(sql), origin=self.origin) for name, sql in sorted(views)
        )
        if self.virtual_generated:
            self.notes.append(
                "VIRTUAL generated columns are recorded like STORED ones (the model has no flag for it): "
                + ", ".join(self.virtual_generated)
            )
        if triggers:
            self.notes.append(f"triggers are not part of the schema model and were not read: {', '.join(triggers)}")
        namespaces = ()
        if keep_namespace(NAMESPACE, self.options):
            namespaces = (model.Namespace(NAMESPACE, tables=tables, views=view_models),)
        return model.Schema(DIALECT, namespaces=namespaces, source=self.label, notes=tuple(self.notes))

    def _virtual_and_shadow(self, table_sql: dict[str, str]) -> set[str]:
        """Virtual tables and their shadow tables (with a note), which are not inspected."""
        virtual = sorted(n for n, sql in table_sql.items() if _fold(sql).startswith("create virtual "))
        if not virtual:
            return set()
        try:
            kinds = dict(self.conn.execute(Q_TABLE_LIST).fetchall())
            shadow = {n for n in table_sql if kinds.get(n) == "shadow"}
        except sqlite3.OperationalError:
            # Before SQLite 3.37 there is no table_list: shadow tables are named <virtual>_<suffix>.
            prefixes = tuple(_fold(v) + "_" for v in virtual)
            shadow = {n for n in table_sql if n not in virtual and _fold(n).startswith(prefixes)}
        described = ", ".join(f"{v} (USING {_virtual_module(table_sql[v])})" for v in virtual)
        note = f"virtual tables are not inspected: {described}"
        if shadow:
            note += f"; their shadow tables are left out too: {', '.join(sorted(shadow))}"
        self.notes.append(note)
        return set(virtual) | shadow

    def _table(self, name: str, text: _TableText) -> model.Table:
        cols = self.columns.get(name, [])
        pk = self.pk_columns.get(name, ())
        indexes = self.indexes.get(name, {})
        # SQLite builds an index for every primary key except the rowid alias.
        has_pk_index = any(rows[0][1] == "pk" for rows in indexes.values())
        rowid_alias = pk[0] if len(pk) == 1 and not text.without_rowid and not has_pk_index else None

        columns = []
        for col, decl, notnull, default, _pk, hidden in cols:
            identity = None
            nullable = not notnull
            if col == rowid_alias:
                autoincrement = text.autoincrement == _fold(col)
                identity = model.Identity("autoincrement" if autoincrement else "rowid")
                nullable = False
            elif text.without_rowid and col in pk:
                nullable = False  # enforced NOT NULL in WITHOUT ROWID tables
            generated = None
            if hidden in (2, 3):  # 2: VIRTUAL, 3: STORED
                expression, _stored = text.generated.get(_fold(col), ("", False))
                generated = expression or None
                if hidden == 2:
                    self.virtual_generated.append(f"{name}.{col}")
            columns.append(
                model.Column(
                    name=col,
                    type=self._type(decl or ""),
                    nullable=nullable,
                    default=self._default(default),
                    identity=identity,
                    generated=generated,
                    origin=self.origin,
                )
            )

        uniques, index_models = self._indexes(name, indexes, text)
        return model.Table(
            name=name,
            columns=tuple(columns),
            primary_key=model.PrimaryKey(pk, text.pk_name, origin=self.origin) if pk else None,
            uniques=tuple(uniques),
            indexes=tuple(index_models),
            foreign_keys=tuple(self._foreign_keys(name, text)),
            checks=tuple(model.CheckConstraint(n, e, origin=self.origin) for n, e in text.checks),
            origin=self.origin,
        )

    def _type(self, declared: str) -> model.SqlType:
        found = self._types.get(declared)
        if found is None:
            found = self._types[declared] = parse_type(declared, DIALECT)
        return found

    def _default(self, text: str | None) -> model.Default | None:
        if text not in self._defaults:
            self._defaults[text] = classify_default(text, DIALECT)
        return self._defaults[text]

    def _column_of(self, table: str, written: str) -> str:
        """`written` as `table` spells the column (SQLite matches names case-insensitively)."""
        names = self._parent_columns.get(table)
        if names is None:
            names = self._parent_columns[table] = {_fold(c[0]): c[0] for c in self.columns.get(table, [])}
        return names.get(_fold(written), written)

    def _indexes(
        self, table: str, indexes: dict[str, list[tuple]], text: _TableText
    ) -> tuple[list[model.UniqueConstraint], list[model.Index]]:
        uniques, result = [], []
        unique_names = {key: list(names) for key, names in text.unique_names.items()}
        # Autoindexes are numbered in declaration order, which is the order of the names in the text.
        for index in sorted(indexes, key=_autoindex_number):
            rows = indexes[index]
            unique, origin_kind, partial = rows[0][0], rows[0][1], rows[0][2]
            if origin_kind == "pk":
                continue
            if origin_kind == "u":
                columns = tuple(r[4] for r in rows)
                names = unique_names.get(tuple(_fold(c) for c in columns))
                uniques.append(model.UniqueConstraint(names.pop(0) if names else None, columns, origin=self.origin))
                continue
            # Only expressions and predicates need the statement's text.
            needs_text = partial or any(r[3] == -2 for r in rows)
            keys, where = parse_create_index(self.index_sql.get(index)) if needs_text else ([], None)
            elements = []
            for position, (_u, _o, _p, cid, column, desc) in enumerate(rows):
                key = keys[position] if position < len(keys) else None
                if cid == -2:  # an expression
                    elements.append(model.IndexElement(expression=key, descending=bool(desc)))
                else:  # cid -1 is the rowid itself, which pragmas leave unnamed
                    elements.append(model.IndexElement(column=column or key or "rowid", descending=bool(desc)))
            result.append(
                model.Index(
                    index,
                    tuple(elements),
                    unique=bool(unique),
                    where=where if partial else None,
                    origin=self.origin,
                )
            )
        return uniques, result

    def _foreign_keys(self, table: str, text: _TableText) -> list[model.ForeignKey]:
        result = []
        fk_names = {key: list(names) for key, names in text.fk_names.items()}
        # Pragma ids count down from the last declared key; names are matched in declaration order.
        for fk_id in sorted(self.fks.get(table, {}), reverse=True):
            rows = self.fks[table][fk_id]
            written_parent, _src, _dst, on_update, on_delete = rows[0]
            parent = self.table_names.get(_fold(written_parent), written_parent)
            columns = tuple(r[1] for r in rows)
            if all(r[2] is None for r in rows):
                ref_columns = self.pk_columns.get(parent, ())
                if not ref_columns:
                    self.notes.append(
                        f"{table}({', '.join(columns)}) references {written_parent} without naming columns, "
                        f"and {written_parent} has no primary key: its referenced columns are unknown"
                    )
            else:
                ref_columns = tuple(self._column_of(parent, r[2]) for r in rows)
            names = fk_names.get((tuple(_fold(c) for c in columns), _fold(written_parent)))
            result.append(
                model.ForeignKey(
                    name=names.pop(0) if names else None,
                    columns=columns,
                    ref_table=parent,
                    ref_columns=ref_columns,
                    ref_schema=None,
                    on_delete=_action(on_delete),
                    on_update=_action(on_update),
                    origin=self.origin,
                )
            )
        return result


def _autoindex_number(index: str) -> tuple[int, str]:
    if index.startswith("sqlite_autoindex_"):
        number = index.rpartition("_")[2]
        if number.isdigit():
            return (int(number), index)
    return (0, index)


def _action(text: str | None) -> str:
    value = " ".join((text or "NO ACTION").upper().split())
    return value if value in model.REFERENTIAL_ACTIONS else "NO ACTION"


# --------------------------------------------------------------------------- the source


def database_path(spec: str) -> str:
    """The file a spec names: `sqlite:///rel.db` -> rel.db, `sqlite:////abs.db` -> /abs.db (SQLAlchemy's rule)."""
    for prefix in SCHEMES:
        if spec.startswith(prefix):
            # A URL's query (SQLAlchemy's ?mode=..., ?check_same_thread=...) is not part of
            # the path; the file is opened read-only whatever it says.
            return spec[len(prefix) :].split("?", 1)[0]
    return spec  # a bare path, taken as it is


def _claims(path: str) -> bool:
    p = Path(path)
    if not p.is_file():
        return False
    if p.suffix.lower() in FILE_SUFFIXES:
        return True
    try:
        with open(p, "rb") as handle:
            return handle.read(16) == MAGIC
    except OSError:
        return False


def _wal_without_log(path: str) -> bool:
    """Whether `path` is a WAL-mode database with no -wal file beside it."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    # Bytes 18 and 19 of the header are the write and read format versions: 2 means WAL.
    wal = len(header) == 20 and header.startswith(MAGIC) and header[18] == 2
    return wal and not os.path.exists(path + "-wal")


class SQLiteSource:
    name = "sqlite"
    schemes = SCHEMES
    description = "a live SQLite database file (sqlite:///relative.db, sqlite:////absolute.db), opened read-only"

    def claims_path(self, path: str) -> bool:
        return _claims(path)

    def load(self, spec: str, options: InspectOptions) -> model.Schema:
        conn = open_read_only(spec)
        try:
            return inspect_connection(conn, options, mask_url(spec))
        finally:
            conn.close()


def open_read_only(spec: str) -> sqlite3.Connection:
    """A read-only connection to the database file `spec` names (a sqlite: URL or a path).

    Raises BadInput naming the spec for a missing file, a folder or an unreadable file;
    a file that is not a database is reported by the first query (inspect_connection).
    """
    label = mask_url(spec)
    path = database_path(spec)
    if not path or path == ":memory:" or path.startswith("file::memory:"):
        raise BadInput(f"{label}: an in-memory database has nothing to inspect; give the path of a SQLite file")
    # Checked first because even a read-only open of a missing file would be reported
    # only as "unable to open database file".
    if not os.path.exists(path):
        raise BadInput(f"{label}: no such SQLite database")
    if os.path.isdir(path):
        raise BadInput(f"{label}: is a folder, not a SQLite database")
    if not os.access(path, os.R_OK):
        raise BadInput(f"{label}: cannot read the file (permission denied)")
    # mode=ro: never create, write or journal the file, whatever the URL's own query says.
    uri = f"file:{quote(os.path.abspath(path))}?mode=ro"
    if _wal_without_log(path):
        # Even a read-only reader of a WAL database creates -wal and -shm files and cannot
        # remove them. With no -wal file nobody has the database open and the file alone is
        # the whole database, so it is read as immutable, which creates nothing.
        uri += "&immutable=1"
    try:
        return sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise _error(label, exc) from None


register(SQLiteSource())
