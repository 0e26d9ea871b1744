"""`sqlite:///path.db`: read a live SQLite database into the schema model.

The database is opened read-only (`mode=ro`). Everything is read in bulk: one query on
sqlite_master and one join of each pragma table-valued function with it, never one
pragma per table. What pragmas do not say (constraint names, CHECK expressions,
AUTOINCREMENT, generated-column and index expressions, partial-index predicates) is taken
from the CREATE statements SQLite keeps, with a small tokenizer that respects quotes and
parentheses.

Choices:
- One namespace, "main". Internal sqlite_% tables and migration bookkeeping tables are left out.
- A column declared with no type has the canonical type "any" (SQLite gives it BLOB affinity
  but it holds values of every type).
- INTEGER PRIMARY KEY in a rowid table is the rowid: Identity("rowid"), not nullable;
  with AUTOINCREMENT, Identity("autoincrement").
- Virtual and stored generated columns both carry their expression in Column.generated.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

from migrator import schema as model
from migrator.defaults import classify_default
from migrator.errors import BadInput
from migrator.inspect import InspectOptions, keep_table, register
from migrator.types import parse_type

NAMESPACE = "main"
DIALECT = "sqlite"

_ACTIONS = {"NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"}

Q_OBJECTS = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
Q_COLUMNS = """
SELECT m.name, p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden
FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, p.cid"""
Q_FOREIGN_KEYS = """
SELECT m.name, p.id, p.seq, p."table", p."from", p."to", p.on_update, p.on_delete
FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, p.id, p.seq"""
Q_INDEX_COLUMNS = """
SELECT m.name, il.name, il."unique", il.origin, il.partial, ix.seqno, ix.cid, ix.name, ix."desc"
FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) ix
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND ix.key = 1
ORDER BY m.name, il.name, ix.seqno"""


# --------------------------------------------------------------------------- tokenizer

_TOKEN = re.compile(
    r"""\s+|--[^\n]*|/\*.*?\*/
    |(?P<str>'(?:[^']|'')*')
    |(?P<qid>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
    |(?P<word>[A-Za-z_][A-Za-z0-9_$]*)
    |(?P<num>[0-9][0-9.eE+-]*)
    |(?P<op>[(),;]|[^\s(),;'"`\[A-Za-z0-9_])""",
    re.VERBOSE | re.DOTALL,
)


class _Tok:
    __slots__ = ("kind", "text", "start", "end")

    def __init__(self, kind: str, text: str, start: int, end: int) -> None:
        self.kind, self.text, self.start, self.end = kind, text, start, end

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""

    @property
    def ident(self) -> str:
        if self.kind == "qid":
            body = self.text[1:-1]
            return body.replace('""', '"') if self.text[0] == '"' else body.replace("``", "`")
        return self.text


def _tokens(sql: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(sql):
        kind = m.lastgroup
        if kind:
            out.append(_Tok(kind, m.group(0), m.start(), m.end()))
    return out


def _close(tokens: list[_Tok], i: int) -> int:
    """Index of the parenthesis closing the one at tokens[i]."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].text == "(":
            depth += 1
        elif tokens[j].text == ")":
            depth -= 1
            if depth == 0:
                return j
    return len(tokens) - 1


def _split_top(tokens: list[_Tok]) -> list[list[_Tok]]:
    parts: list[list[_Tok]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        if tok.text == "," and depth == 0:
            parts.append([])
        else:
            parts[-1].append(tok)
    return [p for p in parts if p]


def _idents_in(tokens: list[_Tok]) -> tuple[str, ...]:
    """Column names of a parenthesised list like ("a", b COLLATE x DESC)."""
    return tuple(part[0].ident for part in _split_top(tokens) if part)


class _TableText:
    """What a CREATE TABLE statement says beyond the pragmas."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self.autoincrement = False
        self.without_rowid = False
        self.checks: list[tuple[str | None, str]] = []
        self.generated: dict[str, str] = {}
        self.pk_name: str | None = None
        self.unique_names: dict[tuple[str, ...], str] = {}
        self.fk_names: dict[tuple[str, ...], str] = {}
        self._parse()

    def _parse(self) -> None:
        toks = _tokens(self.sql)
        try:
            open_at = next(i for i, t in enumerate(toks) if t.text == "(")
        except StopIteration:
            return
        close_at = _close(toks, open_at)
        tail = " ".join(t.upper for t in toks[close_at + 1 :])
        self.without_rowid = "WITHOUT ROWID" in " ".join(tail.split())
        for part in _split_top(toks[open_at + 1 : close_at]):
            first = part[0].upper
            if first in ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"):
                self._constraint(part, column=None)
            else:
                self._column(part)

    def _text(self, toks: list[_Tok]) -> str:
        return self.sql[toks[0].start : toks[-1].end] if toks else ""

    def _column(self, part: list[_Tok]) -> None:
        name = part[0].ident
        i = 1
        constraint_at = None
        while i < len(part):
            word = part[i].upper
            if word in ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES", "NOT", "NULL", "DEFAULT", "COLLATE", "GENERATED", "AS"):
                constraint_at = i
                break
            i += 1
        if constraint_at is None:
            return
        self._column_constraints(name, part[constraint_at:])

    def _column_constraints(self, column: str, toks: list[_Tok]) -> None:
        i = 0
        name: str | None = None
        while i < len(toks):
            word = toks[i].upper
            if word == "CONSTRAINT" and i + 1 < len(toks):
                name = toks[i + 1].ident
                i += 2
                continue
            if word == "PRIMARY":
                self.pk_name = name or self.pk_name
                j = i + 1
                while j < len(toks) and toks[j].upper in ("KEY", "ASC", "DESC", "AUTOINCREMENT", "ON", "CONFLICT", "ROLLBACK", "ABORT", "FAIL", "IGNORE", "REPLACE"):
                    if toks[j].upper == "AUTOINCREMENT":
                        self.autoincrement = True
                    j += 1
                i, name = j, None
                continue
            if word == "UNIQUE":
                if name:
                    self.unique_names[(column,)] = name
                i, name = i + 1, None
                continue
            if word == "CHECK" and i + 1 < len(toks) and toks[i + 1].text == "(":
                end = _close(toks, i + 1)
                self.checks.append((name, self._text(toks[i + 2 : end])))
                i, name = end + 1, None
                continue
            if word == "REFERENCES":
                if name:
                    self.fk_names[(column,)] = name
                i, name = i + 1, None
                continue
            if word in ("GENERATED", "AS"):
                j = i
                while j < len(toks) and toks[j].text != "(":
                    j += 1
                if j < len(toks):
                    end = _close(toks, j)
                    self.generated[column] = self._text(toks[j + 1 : end])
                    i = end + 1
                    continue
            if toks[i].text == "(":
                i = _close(toks, i) + 1
                continue
            i += 1

    def _constraint(self, part: list[_Tok], column: str | None) -> None:
        name = None
        i = 0
        if part[0].upper == "CONSTRAINT" and len(part) > 1:
            name = part[1].ident
            i = 2
        if i >= len(part):
            return
        word = part[i].upper
        paren = next((j for j in range(i, len(part)) if part[j].text == "("), None)
        if paren is None:
            return
        end = _close(part, paren)
        inner = part[paren + 1 : end]
        if word == "PRIMARY":
            self.pk_name = name
        elif word == "UNIQUE" and name:
            self.unique_names[_idents_in(inner)] = name
        elif word == "CHECK":
            self.checks.append((name, self._text(inner)))
        elif word == "FOREIGN" and name:
            self.fk_names[_idents_in(inner)] = name


def _index_text(sql: str | None) -> tuple[list[str], str | None]:
    """Key texts of a CREATE INDEX statement (without sort words) and its WHERE predicate."""
    if not sql:
        return [], None
    toks = _tokens(sql)
    open_at = next((i for i, t in enumerate(toks) if t.text == "("), None)
    if open_at is None:
        return [], None
    close_at = _close(toks, open_at)
    keys = []
    for part in _split_top(toks[open_at + 1 : close_at]):
        while part and part[-1].upper in ("ASC", "DESC"):
            part = part[:-1]
        if len(part) >= 2 and part[-2].upper == "COLLATE":
            part = part[:-2]
        keys.append(sql[part[0].start : part[-1].end] if part else "")
    where = None
    rest = toks[close_at + 1 :]
    for i, tok in enumerate(rest):
        if tok.upper == "WHERE" and i + 1 < len(rest):
            where = sql[rest[i + 1].start : rest[-1].end].rstrip(";").strip()
            break
    return keys, where


def _view_definition(sql: str) -> str:
    toks = _tokens(sql)
    for i, tok in enumerate(toks):
        if tok.upper == "AS" and i + 1 < len(toks):
            return sql[toks[i + 1].start :].strip().rstrip(";").strip()
    return sql


# --------------------------------------------------------------------------- reading


def inspect_connection(conn: sqlite3.Connection, options: InspectOptions, source_label: str) -> model.Schema:
    """Read every table, index, foreign key and view of `conn`'s main database."""
    origin = model.Origin(source=source_label)
    objects = conn.execute(Q_OBJECTS).fetchall()
    table_sql = {name: sql for kind, name, _t, sql in objects if kind == "table"}
    index_sql = {name: sql for kind, name, _t, sql in objects if kind == "index"}
    wanted = {name for name in table_sql if keep_table(name, options)}

    columns: dict[str, list[tuple]] = defaultdict(list)
    for row in conn.execute(Q_COLUMNS):
        if row[0] in wanted:
            columns[row[0]].append(row[1:])
    fks: dict[str, dict[int, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for table, fk_id, _seq, parent, src, dst, on_update, on_delete in conn.execute(Q_FOREIGN_KEYS):
        if table in wanted:
            fks[table][fk_id].append((parent, src, dst, on_update, on_delete))
    index_rows: dict[str, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for table, index, unique, origin_kind, partial, _seqno, cid, colname, desc in conn.execute(Q_INDEX_COLUMNS):
        if table in wanted:
            index_rows[table][index].append((unique, origin_kind, partial, cid, colname, desc))

    parsed = {name: _TableText(table_sql[name] or "") for name in wanted}
    pk_columns: dict[str, tuple[str, ...]] = {}
    for name in wanted:
        pks = sorted((c[5], c[1]) for c in columns[name] if c[5])
        pk_columns[name] = tuple(col for _, col in pks)

    tables = []
    for name in sorted(wanted):
        tables.append(_table(name, columns[name], fks[name], index_rows[name], index_sql, parsed[name], pk_columns, origin))
    views = tuple(
        model.View(name=name, definition=_view_definition(sql or ""), origin=origin)
        for kind, name, _t, sql in objects
        if kind == "view"
    )
    ns = model.Namespace(NAMESPACE, tables=tuple(tables), views=views)
    return model.Schema(DIALECT, namespaces=(ns,), source=source_label)


def _table(name, cols, fk_groups, index_groups, index_sql, text: _TableText, pk_columns, origin) -> model.Table:
    pk = pk_columns[name]
    rowid_alias = None
    if len(pk) == 1 and not text.without_rowid:
        decl = next(c[2] for c in cols if c[1] == pk[0])
        if decl.strip().upper() == "INTEGER":
            rowid_alias = pk[0]
    columns = []
    for _cid, col, decl, notnull, default, _pk, hidden in cols:
        identity = None
        nullable = not notnull
        if col == rowid_alias:
            identity = model.Identity("autoincrement" if text.autoincrement else "rowid")
            nullable = False
        elif col in pk and text.without_rowid:
            nullable = False
        generated = text.generated.get(col) if hidden in (2, 3) else None
        columns.append(
            model.Column(
                name=col,
                type=parse_type(decl, DIALECT) if decl.strip() else model.SqlType("any"),
                nullable=nullable,
                default=classify_default(default, DIALECT),
                identity=identity,
                generated=generated,
                origin=origin,
            )
        )
    primary_key = model.PrimaryKey(pk, text.pk_name, origin=origin) if pk else None

    uniques, indexes = [], []
    for index, rows in index_groups.items():
        unique, kind, partial = rows[0][0], rows[0][1], rows[0][2]
        names = tuple(r[4] for r in rows)
        if kind == "pk":
            continue
        if kind == "u":
            uniques.append(model.UniqueConstraint(text.unique_names.get(names), names, origin=origin))
            continue
        keys, where = _index_text(index_sql.get(index))
        elements = []
        for pos, (_u, _k, _p, cid, colname, desc) in enumerate(rows):
            if cid == -2:
                expr = keys[pos] if pos < len(keys) else "?"
                elements.append(model.IndexElement(expression=_unwrap(expr), descending=bool(desc)))
            else:
                elements.append(model.IndexElement(column=colname if cid != -1 else "rowid", descending=bool(desc)))
        indexes.append(
            model.Index(index, tuple(elements), unique=bool(unique), where=where if partial else None, origin=origin)
        )

    foreign_keys = []
    for _fk_id, rows in sorted(fk_groups.items()):
        parent = rows[0][0]
        src = tuple(r[1] for r in rows)
        dst = tuple(r[2] for r in rows)
        if any(d is None for d in dst):
            dst = pk_columns.get(parent) or _parent_pk(parent, pk_columns)
        foreign_keys.append(
            model.ForeignKey(
                name=text.fk_names.get(src),
                columns=src,
                ref_table=parent,
                ref_columns=tuple(dst),
                ref_schema=None,
                on_delete=_action(rows[0][4]),
                on_update=_action(rows[0][3]),
                origin=origin,
            )
        )
    checks = tuple(model.CheckConstraint(n, e, origin=origin) for n, e in text.checks)
    return model.Table(
        name=name,
        columns=tuple(columns),
        primary_key=primary_key,
        uniques=tuple(uniques),
        indexes=tuple(indexes),
        foreign_keys=tuple(foreign_keys),
        checks=checks,
        origin=origin,
    )


def _parent_pk(parent: str, pk_columns: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return pk_columns.get(parent, ("rowid",))


def _unwrap(expr: str) -> str:
    expr = expr.strip()
    if expr.startswith("(") and expr.endswith(")"):
        toks = _tokens(expr)
        if toks and _close(toks, 0) == len(toks) - 1:
            return expr[1:-1].strip()
    return expr


def _action(text: str | None) -> str:
    value = (text or "NO ACTION").upper()
    return value if value in _ACTIONS else "NO ACTION"


# --------------------------------------------------------------------------- the source


def _path_of(spec: str) -> str:
    for prefix in ("sqlite:///", "sqlite://", "sqlite:"):
        if spec.startswith(prefix):
            rest = spec[len(prefix) :]
            return rest.split("?", 1)[0]
    return spec


class SQLiteSource:
    name = "sqlite"
    schemes = ("sqlite:///", "sqlite://", "sqlite:")
    description = "a live SQLite database file, opened read-only"

    def claims_path(self, path: str) -> bool:
        p = Path(path)
        if not p.is_file():
            return False
        if p.suffix.lower() in (".db", ".sqlite", ".sqlite3"):
            return True
        try:
            with open(p, "rb") as handle:
                return handle.read(16) == b"SQLite format 3\x00"
        except OSError:
            return False

    def load(self, spec: str, options: InspectOptions) -> model.Schema:
        path = _path_of(spec)
        if not path or path == ":memory:":
            raise BadInput(f"{spec}: give the path of a SQLite database file")
        if not os.path.exists(path):
            raise BadInput(f"{spec}: no such SQLite database")
        if os.path.isdir(path):
            raise BadInput(f"{spec}: is a folder, not a SQLite database")
        try:
            conn = sqlite3.connect(f"file:{quote(os.path.abspath(path))}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise BadInput(f"{spec}: cannot open: {exc}") from None
        try:
            return inspect_connection(conn, options, spec)
        except sqlite3.DatabaseError as exc:
            raise BadInput(f"{spec}: {exc}") from None
        finally:
            conn.close()


register(SQLiteSource())
