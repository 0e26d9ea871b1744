"""Static reading of SQL DDL: the schema a script would create, without a database.

Used by the "sql" source when no PostgreSQL server can be had (or when asked with
engine="static"). It follows the statements in order and keeps a model of what exists,
imitating what PostgreSQL itself would record where the model needs it:

- names PostgreSQL generates for unnamed objects (users_pkey, users_email_key,
  posts_author_id_fkey, posts_score_check, users_id_seq, posts_title_idx), with its
  63-byte truncation and numbering on collision;
- serial columns: NOT NULL, Default("sequence", "<schema>.<table>_<col>_seq") and an
  owned sequence; identity columns: NOT NULL, Identity(...) with start/increment;
- primary key columns are NOT NULL; constraint-backing indexes are not listed;
- FOREIGN KEY without a column list references the referenced table's primary key.

Types go through migrator.types.parse_type and defaults through
migrator.defaults.classify_default, as in the live readers. Statements are parsed with
sqlglot (dialect "postgres" or "sqlite"); ALTER TABLE actions are split here and each
action parsed on its own, because sqlglot gives up on a whole ALTER when one action is
unfamiliar.

What it cannot do is stated, never hidden: every statement that may change the schema
but is not understood is listed in Schema.notes as
"statement <n> (<file>:<line>) not interpreted: <start of the statement>". Statements
that cannot change what the model describes (INSERT/UPDATE/DELETE/SELECT, GRANT,
transaction control, SET, PRAGMA, functions and triggers) are passed over silently.
Expressions (CHECK, index WHERE, view bodies, generated columns) are sqlglot's rendering
of what was written; PostgreSQL prints them with added casts and parentheses, so they
agree with a live reading only for simple expressions (`qty > 0`, `deleted_at IS NULL`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from migrator import defaults as defaults_mod
from migrator import schema as model
from migrator import types as types_mod
from migrator.inspect import InspectOptions, keep_namespace, keep_table
from migrator.sqltext import Statement, split_statements, strip_comments, unwrap_parens
from migrator.pgnames import NAMEDATALEN, choose_name, join_column_names, make_object_name  # noqa: F401 (re-exported)


# sqlglot's name for each dialect.
SQLGLOT_DIALECT = {"postgresql": "postgres", "sqlite": "sqlite"}

_IDENT = r'(?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)'
_QNAME = rf"(?:{_IDENT}\s*\.\s*)?{_IDENT}"

# Statements that cannot change anything the model describes.
_NO_SCHEMA_EFFECT = re.compile(
    r"""^(?:INSERT|UPDATE|DELETE|SELECT|WITH|VALUES|COPY|TRUNCATE|GRANT|REVOKE|BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE
         |SET|RESET|PRAGMA|ANALYZE|ANALYSE|VACUUM|REINDEX|CLUSTER|LOCK|NOTIFY|LISTEN|DISCARD|REFRESH\s+MATERIALIZED\s+VIEW
         |CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE|TRIGGER|CONSTRAINT\s+TRIGGER|RULE|AGGREGATE|OPERATOR|CAST|ROLE|USER|POLICY|PUBLICATION|SUBSCRIPTION|EVENT\s+TRIGGER)
         |DROP\s+(?:FUNCTION|PROCEDURE|TRIGGER|RULE|AGGREGATE|OPERATOR|CAST|ROLE|USER|POLICY|PUBLICATION|SUBSCRIPTION|EVENT\s+TRIGGER)
         |ALTER\s+(?:FUNCTION|PROCEDURE|ROLE|USER|DEFAULT\s+PRIVILEGES|POLICY)
         |ALTER\s+(?:TABLE|SEQUENCE|TYPE|VIEW|SCHEMA|INDEX)\s+.*\s+OWNER\s+TO\s+
         |ALTER\s+TABLE\s+.*\s+(?:ENABLE|DISABLE|FORCE|NO\s+FORCE)\s+(?:ROW\s+LEVEL\s+SECURITY|TRIGGER|RULE)
         |COMMENT\s+ON\s+(?!TABLE|COLUMN))\b""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)


_DUPLICATE_GUARD = re.compile(
    r"^DO\s+\$(?P<tag>\w*)\$\s*BEGIN\s+(?P<body>.*?)\s*EXCEPTION\s+WHEN\s+duplicate_object\s+THEN\s+null\s*;\s*END\s*;?\s*\$(?P=tag)\$$",
    re.IGNORECASE | re.DOTALL,
)


def unquote(ident: str, dialect: str) -> str:
    ident = ident.strip()
    if ident[0] == '"':
        return ident[1:-1].replace('""', '"')
    if ident[0] in "`[":
        return ident[1:-1]
    # PostgreSQL folds unquoted names to lower case; SQLite keeps them as written.
    return ident.lower() if dialect == "postgresql" else ident


def split_qname(text: str, dialect: str, default_ns: str) -> tuple[str, str]:
    names = [unquote(p, dialect) for p in re.findall(_IDENT, text)]
    if len(names) >= 2:
        return (names[-2] if dialect == "postgresql" else "main"), names[-1]
    return default_ns, names[-1]


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Parts of `text` separated by `sep` outside parentheses, quotes and comments."""
    out, depth, start, i, n = [], 0, 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"`":
            j = text.find(ch, i + 1)
            while j != -1 and j + 1 < n and text[j + 1] == ch:
                j = text.find(ch, j + 2)
            i = n if j == -1 else j + 1
            continue
        if text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j == -1 else j
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == sep and depth == 0:
            out.append(text[start:i])
            start = i + 1
        i += 1
    out.append(text[start:])
    return out


# ---------------------------------------------------------------------------
# PostgreSQL's names for unnamed objects (makeObjectName / ChooseRelationName).


# (migrator.pgnames: make_object_name, choose_name, join_column_names)


# ---------------------------------------------------------------------------
# The model under construction


@dataclass
class _Col:
    name: str
    type: model.SqlType
    nullable: bool = True
    default: model.Default | None = None
    identity: model.Identity | None = None
    generated: str | None = None
    comment: str | None = None


@dataclass
class _Table:
    ns: str
    name: str
    columns: dict[str, _Col] = field(default_factory=dict)
    pk: model.PrimaryKey | None = None
    uniques: list[model.UniqueConstraint] = field(default_factory=list)
    fks: list[model.ForeignKey] = field(default_factory=list)
    checks: list[model.CheckConstraint] = field(default_factory=list)
    indexes: dict[str, model.Index] = field(default_factory=dict)
    comment: str | None = None
    without_rowid: bool = False


@dataclass
class _Namespace:
    tables: dict[str, _Table] = field(default_factory=dict)
    enums: dict[str, list[str]] = field(default_factory=dict)
    views: dict[str, model.View] = field(default_factory=dict)
    sequences: dict[str, model.Sequence] = field(default_factory=dict)
    relnames: set[str] = field(default_factory=set)  # pg_class names: tables, indexes, sequences, views
    connames: set[str] = field(default_factory=set)


class NotInterpreted(Exception):
    """A statement (or part of one) the static reader does not understand."""


@contextlib.contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    # sqlglot logs a warning whenever it falls back to a Command; we report those ourselves.
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_static(
    statements: Sequence[tuple[str, Statement]], dialect: str, options: InspectOptions, label: str
) -> model.Schema:
    """The schema `statements` (file, statement) create, read without a database."""
    reader = StaticReader(dialect, label)
    files = list(dict.fromkeys(file for file, _ in statements))
    done: set[str] = set()
    with _quiet_sqlglot():
        for file, st in statements:
            if options.progress is not None and file not in done:
                done.add(file)  # reported as each migration file is started
                options.progress(f"reading {file}", len(done) - 1, len(files))
            reader.apply(file, st)
    return reader.schema(options)


class StaticReader:
    def __init__(self, dialect: str, label: str) -> None:
        self.dialect = dialect
        self.sg = SQLGLOT_DIALECT[dialect]
        self.origin = model.Origin(source=label)
        self.default_ns = "public" if dialect == "postgresql" else "main"
        self.namespaces: dict[str, _Namespace] = {self.default_ns: _Namespace()}
        self.extensions: dict[str, model.Extension] = {}
        self.notes: list[str] = []
        self.views_read = False

    # -- driving ------------------------------------------------------------

    def apply(self, file: str, st: Statement) -> None:
        # Comments may sit between the actions of one ALTER TABLE (Prisma writes them there).
        text = strip_comments(st.text).strip()
        guarded = _DUPLICATE_GUARD.match(text)
        if guarded:
            # Drizzle wraps ADD CONSTRAINT in a block that only ignores "already exists";
            # on a script read from the start nothing exists yet, so the body is what runs.
            for inner in split_statements(guarded.group("body")):
                self.apply(file, Statement(st.number, st.line, inner.text))
            return
        try:
            if not self._dispatch(text):
                raise NotInterpreted("")
        except NotInterpreted as exc:
            head = " ".join(text.split())
            head = head if len(head) <= 60 else head[:57] + "..."
            why = f" ({exc})" if str(exc) else ""
            self.notes.append(f"statement {st.number} ({file}:{st.line}) not interpreted: {head}{why}")

    def _dispatch(self, text: str) -> bool:
        """True when the statement was understood (including: it has no schema effect)."""
        m = re.match(r"^SET\s+(?:SESSION\s+|LOCAL\s+)?search_path\s*(?:=|TO)\s*(?P<v>.+)$", text, re.I | re.S)
        if m and self.dialect == "postgresql":
            first = split_top_level(m.group("v"))[0].strip().strip("'")
            self.default_ns = "public" if first.lower() == "default" else unquote(first, self.dialect)
            self._ns(self.default_ns)
            return True
        if _NO_SCHEMA_EFFECT.match(text):
            return True
        for rx, handler in self._regex_handlers():
            m = rx.match(text)
            if m:
                handler(m)
                return True
        import sqlglot
        from sqlglot import exp

        body = text
        without_rowid = False
        if self.dialect == "sqlite":
            # sqlglot does not know SQLite's table options; they change nothing it reads but the rowid.
            opts = re.search(r"\)\s*((?:WITHOUT\s+ROWID|STRICT)(?:\s*,\s*(?:WITHOUT\s+ROWID|STRICT))*)\s*$", body, re.I)
            if opts and re.match(r"^CREATE\s+(?:TEMP\w*\s+)?TABLE\b", body, re.I):
                without_rowid = "ROWID" in opts.group(1).upper()
                body = body[: opts.start(1)]
        try:
            tree = sqlglot.parse_one(body, read=self.sg)
        except sqlglot.errors.SqlglotError as exc:
            raise NotInterpreted(_first_line(str(exc))) from None
        if isinstance(tree, exp.Create):
            return self._create(tree, text, without_rowid)
        if isinstance(tree, exp.Drop):
            return self._drop(tree)
        return False

    def _regex_handlers(self):
        return (
            (re.compile(rf"^CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>{_IDENT})", re.I), self._create_schema),
            (
                re.compile(
                    rf"^CREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>{_IDENT})(?:\s+WITH)?(?:\s+SCHEMA\s+(?P<schema>{_IDENT}))?(?:\s+VERSION\s+(?P<version>\S+))?",
                    re.I,
                ),
                self._create_extension,
            ),
            (re.compile(r"^DROP\s+EXTENSION\s+(?:IF\s+EXISTS\s+)?(?P<names>.+?)(?:\s+(?:CASCADE|RESTRICT))?$", re.I | re.S), self._drop_extension),
            (re.compile(r"^DROP\s+SCHEMA\s+(?:IF\s+EXISTS\s+)?(?P<names>.+?)(?:\s+(?P<cascade>CASCADE|RESTRICT))?$", re.I | re.S), self._drop_schema),
            (re.compile(rf"^ALTER\s+TYPE\s+(?P<name>{_QNAME})\s+(?P<rest>.+)$", re.I | re.S), self._alter_type),
            (re.compile(rf"^ALTER\s+TABLE\s+(?P<ie>IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<name>{_QNAME})\s*\*?\s+(?P<rest>.+)$", re.I | re.S), self._alter_table),
            (re.compile(rf"^ALTER\s+INDEX\s+(?:IF\s+EXISTS\s+)?(?P<name>{_QNAME})\s+RENAME\s+TO\s+(?P<new>{_IDENT})$", re.I), self._rename_index),
            (re.compile(rf"^ALTER\s+SEQUENCE\s+(?:IF\s+EXISTS\s+)?(?P<name>{_QNAME})\s+OWNED\s+BY\s+(?P<owner>NONE|{_QNAME}(?:\s*\.\s*{_IDENT})?)$", re.I), self._sequence_owned_by),
            (
                re.compile(
                    rf"^COMMENT\s+ON\s+(?P<kind>TABLE|COLUMN)\s+(?P<name>{_QNAME}(?:\s*\.\s*{_IDENT})?)\s+IS\s+(?P<value>NULL|E?'(?:[^']|'')*')$",
                    re.I | re.S,
                ),
                self._comment,
            ),
        )

    # -- helpers ------------------------------------------------------------

    def _ns(self, name: str) -> _Namespace:
        return self.namespaces.setdefault(name, _Namespace())

    def _name(self, node) -> str:
        """The name an sqlglot Identifier (or a node with one) stands for."""
        from sqlglot import exp

        if isinstance(node, exp.Identifier):
            return node.this if node.quoted or self.dialect == "sqlite" else node.this.lower()
        if isinstance(node, exp.Column | exp.Table):
            return self._name(node.this)
        if isinstance(node, str):
            return node if self.dialect == "sqlite" else node.lower()
        raise NotInterpreted(f"unexpected name {node.sql() if hasattr(node, 'sql') else node!r}")

    def _table_ref(self, table) -> tuple[str, str]:
        from sqlglot import exp

        ns = self.default_ns
        if isinstance(table, exp.Table) and table.args.get("db") is not None and self.dialect == "postgresql":
            ns = self._name(table.args["db"])
        return ns, self._name(table.this)

    def _table(self, ns: str, name: str, *, must: bool = True) -> _Table | None:
        t = self.namespaces.get(ns, _Namespace()).tables.get(name)
        if t is None and must:
            raise NotInterpreted(f"table {ns}.{name} is not known at this point")
        return t

    def _sql(self, node) -> str:
        return node.sql(dialect=self.sg, normalize_functions="lower")

    def _type(self, dt, ns: str) -> tuple[model.SqlType, str | None]:
        """(type, serial kind or None) of an sqlglot DataType."""
        from sqlglot import exp

        if dt is None:
            return types_mod.parse_type("", self.dialect), None
        kind = dt.this
        serial = {
            exp.DataType.Type.SERIAL: "integer",
            exp.DataType.Type.BIGSERIAL: "bigint",
            exp.DataType.Type.SMALLSERIAL: "smallint",
        }.get(kind)
        if serial:
            return model.SqlType(serial), serial
        array = False
        element = dt
        if kind == exp.DataType.Type.ARRAY and dt.expressions:
            element, array = dt.expressions[0], True
        if element.this == exp.DataType.Type.USERDEFINED:
            enum = self._enum_named(element.args.get("kind"), ns)
            if enum:
                return types_mod.enum_type(enum, array=array), None
        # PostgreSQL spelling of the type: sqlglot's SQLite rendering collapses types to affinities.
        text = dt.sql(dialect="postgres")
        return types_mod.parse_type(text, self.dialect), None

    def _enum_named(self, kind, ns: str) -> str | None:
        if kind is None:
            return None
        text = kind.sql(dialect="postgres") if hasattr(kind, "sql") else str(kind)
        enum_ns, name = split_qname(text, self.dialect, "")
        candidates = [enum_ns] if enum_ns else [self.default_ns, "public"]
        for candidate in candidates:
            if name in self.namespaces.get(candidate, _Namespace()).enums:
                return f"{candidate}.{name}"
        return None

    def _default(self, node) -> model.Default | None:
        from sqlglot import exp

        inner = node
        while isinstance(inner, exp.Paren):
            inner = inner.this
        # 'draft'::text is the literal 'draft' to every reader (casts are stripped when classifying).
        while isinstance(inner, exp.Cast) and isinstance(inner.this, exp.Literal | exp.Neg | exp.Cast):
            inner = inner.this
        return defaults_mod.classify_default(self._sql(inner), self.dialect, "public")

    # -- CREATE -------------------------------------------------------------

    def _create(self, tree, text: str, without_rowid: bool) -> bool:
        kind = (tree.args.get("kind") or "").upper()
        if kind == "TABLE":
            return self._create_table(tree, text, without_rowid)
        if kind == "INDEX":
            return self._create_index(tree)
        if kind == "TYPE":
            return self._create_type(tree)
        if kind == "VIEW":
            return self._create_view(tree)
        if kind == "SEQUENCE":
            return self._create_sequence(tree)
        return False

    def _create_table(self, tree, text: str, without_rowid: bool) -> bool:
        from sqlglot import exp

        schema_node = tree.this
        if not isinstance(schema_node, exp.Schema) or tree.args.get("expression") is not None:
            raise NotInterpreted("CREATE TABLE ... AS")
        ns, name = self._table_ref(schema_node.this)
        space = self._ns(ns)
        if name in space.tables:
            if tree.args.get("exists"):
                return True
            raise NotInterpreted(f"table {ns}.{name} already exists")
        t = _Table(ns=ns, name=name, without_rowid=without_rowid)
        space.tables[name] = t
        space.relnames.add(name)
        pending: list = []  # table constraints are applied after every column exists
        for element in schema_node.expressions:
            if isinstance(element, exp.ColumnDef):
                pending += self._add_column(t, element, text)
            else:
                pending.append((None, element))
        for column, constraint in pending:
            self._add_constraint(t, constraint, column)
        self._sqlite_rowid(t, text)
        return True

    def _add_column(self, t: _Table, coldef, text: str) -> list:
        from sqlglot import exp

        name = self._name(coldef.this)
        if name in t.columns:
            raise NotInterpreted(f"column {name} of {t.name} already exists")
        sql_type, serial = self._type(coldef.args.get("kind"), t.ns)
        col = _Col(name=name, type=sql_type)
        t.columns[name] = col
        constraints = []
        for cc in coldef.args.get("constraints") or []:
            kind = cc.args.get("kind")
            if isinstance(kind, exp.NotNullColumnConstraint):
                col.nullable = bool(kind.args.get("allow_null"))
            elif isinstance(kind, exp.DefaultColumnConstraint):
                col.default = self._default(kind.this)
            elif isinstance(kind, exp.GeneratedAsIdentityColumnConstraint) and kind.args.get("expression") is None:
                col.identity = self._identity(kind)
                col.nullable = False
            elif isinstance(kind, exp.ComputedColumnConstraint | exp.GeneratedAsIdentityColumnConstraint):
                expr = kind.this if isinstance(kind, exp.ComputedColumnConstraint) else kind.args.get("expression")
                col.generated = unwrap_parens(self._sql(expr))
            elif isinstance(kind, exp.AutoIncrementColumnConstraint):
                col.identity = model.Identity("autoincrement")
            elif isinstance(kind, exp.CollateColumnConstraint | exp.CommentColumnConstraint):
                if isinstance(kind, exp.CommentColumnConstraint):
                    col.comment = kind.this.name
            elif isinstance(
                kind,
                exp.PrimaryKeyColumnConstraint | exp.UniqueColumnConstraint | exp.Reference | exp.CheckColumnConstraint,
            ):
                constraints.append((name, cc))
            else:
                raise NotInterpreted(f"column option {cc.sql(dialect=self.sg)}")
        if serial:
            self._serial(t, col, serial)
        return constraints

    def _identity(self, kind) -> model.Identity:
        generation = "always" if kind.this else "by_default"
        increment = _int(kind.args.get("increment"), 1)
        start = _int(kind.args.get("start"), 1 if increment > 0 else -1)
        return model.Identity(generation, start, increment)

    def _serial(self, t: _Table, col: _Col, data_type: str) -> None:
        space = self._ns(t.ns)
        seq = choose_name(t.name, col.name, "seq", space.relnames)
        space.relnames.add(seq)
        space.sequences[seq] = model.Sequence(name=seq, data_type=data_type, owned_by=f"{t.name}.{col.name}", origin=self.origin)
        col.default = model.Default("sequence", f"{t.ns}.{seq}")
        col.nullable = False

    def _sqlite_rowid(self, t: _Table, text: str) -> None:
        # SQLite: a column declared exactly INTEGER PRIMARY KEY (one column, rowid table) is the
        # rowid, which is never NULL; WITHOUT ROWID tables enforce NOT NULL on their key.
        if self.dialect != "sqlite" or t.pk is None:
            return
        if t.without_rowid:
            for c in t.pk.columns:
                t.columns[c].nullable = False
            return
        if len(t.pk.columns) != 1:
            return
        col = t.columns[t.pk.columns[0]]
        declared = re.search(
            rf"(?:^|[(,])\s*(?:\"{re.escape(col.name)}\"|`{re.escape(col.name)}`|\[{re.escape(col.name)}\]|{re.escape(col.name)})\s+INTEGER\b",
            text,
            re.I,
        )
        if declared:
            col.nullable = False
            if col.identity is None:
                col.identity = model.Identity("rowid")
        elif col.identity is not None and col.identity.generation == "autoincrement":
            raise NotInterpreted("AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY")

    def _constraint_parts(self, constraint):
        """(name, kind node) of a table or column constraint."""
        from sqlglot import exp

        if isinstance(constraint, exp.ColumnConstraint):
            return (self._name(constraint.this) if constraint.this else None), constraint.args.get("kind")
        if isinstance(constraint, exp.Constraint):
            if len(constraint.expressions) != 1:
                raise NotInterpreted("constraint with several parts")
            return self._name(constraint.this), constraint.expressions[0]
        return None, constraint

    def _add_constraint(self, t: _Table, constraint, column: str | None) -> None:
        from sqlglot import exp

        name, kind = self._constraint_parts(constraint)
        space = self._ns(t.ns)
        if isinstance(kind, exp.PrimaryKey | exp.PrimaryKeyColumnConstraint):
            cols = (column,) if column else tuple(self._name(e.this if isinstance(e, exp.Ordered) else e) for e in kind.expressions)
            self._check_columns(t, cols)
            if t.pk is not None:
                raise NotInterpreted(f"a second primary key on {t.name}")
            if self.dialect == "postgresql":
                name = name or choose_name(t.name, None, "pkey", space.relnames | space.connames)
                space.relnames.add(name)
                space.connames.add(name)
                for c in cols:
                    t.columns[c].nullable = False
            t.pk = model.PrimaryKey(columns=cols, name=name, origin=self.origin)
        elif isinstance(kind, exp.UniqueColumnConstraint):
            schema_node = kind.this
            cols = (column,) if column else tuple(self._name(e) for e in schema_node.expressions)
            self._check_columns(t, cols)
            if self.dialect == "postgresql":
                name = name or choose_name(t.name, join_column_names(cols), "key", space.relnames | space.connames)
                space.relnames.add(name)
                space.connames.add(name)
            t.uniques.append(model.UniqueConstraint(name=name, columns=cols, origin=self.origin))
        elif isinstance(kind, exp.ForeignKey | exp.Reference):
            self._add_foreign_key(t, name, kind, column)
        elif isinstance(kind, exp.CheckColumnConstraint):
            expr = kind.this
            if self.dialect == "postgresql" and name is None:
                first = column
                if first is None:
                    refs = [self._name(c.this) for c in expr.find_all(exp.Column)]
                    first = next((r for r in refs if r in t.columns), None)
                name = choose_name(t.name, first, "check", space.connames)
            if name:
                space.connames.add(name)
            t.checks.append(model.CheckConstraint(name=name, expression=unwrap_parens(self._sql(expr)), origin=self.origin))
        else:
            raise NotInterpreted(f"constraint {constraint.sql(dialect=self.sg)}")

    def _check_columns(self, t: _Table, cols: Sequence[str]) -> None:
        for c in cols:
            if c not in t.columns:
                raise NotInterpreted(f"column {c} of {t.name} is not known")

    def _add_foreign_key(self, t: _Table, name: str | None, kind, column: str | None) -> None:
        from sqlglot import exp

        if isinstance(kind, exp.ForeignKey):
            cols = tuple(self._name(e) for e in kind.expressions)
            ref = kind.args.get("reference")
        else:
            cols, ref = (column,), kind
        self._check_columns(t, cols)
        target = ref.this
        if isinstance(target, exp.Schema):
            ref_ns, ref_table = self._table_ref(target.this)
            ref_cols = tuple(self._name(e) for e in target.expressions)
        else:
            ref_ns, ref_table = self._table_ref(target)
            ref_cols = ()
        if not ref_cols:
            referenced = self._table(ref_ns, ref_table, must=False)
            if referenced is None or referenced.pk is None:
                raise NotInterpreted(f"REFERENCES {ref_table} without columns, and its primary key is not known")
            ref_cols = referenced.pk.columns
        on_delete, on_update = "NO ACTION", "NO ACTION"
        for option in ref.args.get("options") or []:
            text = " ".join(str(option).upper().split())
            m = re.match(r"^ON (DELETE|UPDATE) (NO ACTION|RESTRICT|CASCADE|SET NULL|SET DEFAULT)$", text)
            if not m:
                continue  # MATCH FULL, DEFERRABLE: not in the model
            if m.group(1) == "DELETE":
                on_delete = m.group(2)
            else:
                on_update = m.group(2)
        space = self._ns(t.ns)
        if self.dialect == "postgresql":
            name = name or choose_name(t.name, join_column_names(cols), "fkey", space.connames)
            space.connames.add(name)
        t.fks.append(
            model.ForeignKey(
                name=name,
                columns=cols,
                ref_table=ref_table,
                ref_columns=ref_cols,
                ref_schema=ref_ns if self.dialect == "postgresql" else None,
                on_delete=on_delete,
                on_update=on_update,
                origin=self.origin,
            )
        )

    def _create_index(self, tree) -> bool:
        from sqlglot import exp

        index = tree.this
        ns, table_name = self._table_ref(index.args["table"])
        t = self._table(ns, table_name)
        params = index.args.get("params")
        elements, names = [], []
        for ordered in params.args.get("columns") or []:
            node = ordered.this if isinstance(ordered, exp.Ordered) else ordered
            descending = bool(ordered.args.get("desc")) if isinstance(ordered, exp.Ordered) else False
            nulls = ordered.args.get("nulls_first") if isinstance(ordered, exp.Ordered) else None
            opclass = None
            if isinstance(node, exp.Opclass):
                opclass = self._name(node.expression)
                node = node.this
            if isinstance(node, exp.Column) and not node.args.get("table"):
                column, expression = self._name(node), None
                self._check_columns(t, (column,))
                names.append(column)
            else:
                column, expression = None, unwrap_parens(self._sql(node))
                names.append("expr")
            if self.dialect == "postgresql":
                # Only a placement other than the default for the direction is recorded.
                nulls_first = None if nulls is None or bool(nulls) == descending else bool(nulls)
            else:
                nulls_first = None
            elements.append(
                model.IndexElement(column=column, expression=expression, descending=descending, nulls_first=nulls_first, opclass=opclass)
            )
        space = self._ns(ns)
        name = self._name(index.this) if index.this is not None else None
        if name is None:
            if self.dialect != "postgresql":
                raise NotInterpreted("CREATE INDEX without a name")
            name = choose_name(table_name, join_column_names(names), "idx", space.relnames)
        if name in space.relnames:
            if tree.args.get("exists"):
                return True
            raise NotInterpreted(f"relation {name} already exists")
        using = params.args.get("using")
        where = params.args.get("where")
        include = tuple(self._name(e) for e in params.args.get("include") or [])
        space.relnames.add(name)
        t.indexes[name] = model.Index(
            name=name,
            elements=tuple(elements),
            unique=bool(tree.args.get("unique")),
            method=(using.name.lower() if using is not None else "btree"),
            where=unwrap_parens(self._sql(where.this)) if where is not None else None,
            include=include,
            origin=self.origin,
        )
        return True

    def _create_type(self, tree) -> bool:
        from sqlglot import exp

        body = tree.args.get("expression")
        if not isinstance(body, exp.DataType) or body.this != exp.DataType.Type.ENUM:
            raise NotInterpreted("only CREATE TYPE ... AS ENUM is read")
        ns, name = self._table_ref(tree.this)
        space = self._ns(ns)
        if name in space.enums:
            raise NotInterpreted(f"type {ns}.{name} already exists")
        space.enums[name] = [v.this for v in body.expressions]
        return True

    def _create_view(self, tree) -> bool:
        from sqlglot import exp

        ns, name = self._table_ref(tree.this)
        props = tree.args.get("properties")
        materialized = bool(props and any(isinstance(p, exp.MaterializedProperty) for p in props.expressions))
        space = self._ns(ns)
        if name in space.views and not tree.args.get("replace"):
            if tree.args.get("exists"):
                return True
            raise NotInterpreted(f"view {ns}.{name} already exists")
        definition = self._sql(tree.args["expression"])
        space.views[name] = model.View(name=name, definition=definition, materialized=materialized, origin=self.origin)
        space.relnames.add(name)
        self.views_read = True
        return True

    def _create_sequence(self, tree) -> bool:
        from sqlglot import exp

        ns, name = self._table_ref(tree.this)
        space = self._ns(ns)
        if name in space.sequences:
            if tree.args.get("exists"):
                return True
            raise NotInterpreted(f"sequence {ns}.{name} already exists")
        data_type = "bigint"
        if isinstance(tree.args.get("expression"), exp.DataType):
            data_type = types_mod.parse_type(tree.args["expression"].sql(dialect="postgres"), "postgresql").name
        props = [p for p in (tree.args.get("properties").expressions if tree.args.get("properties") else [])
                 if isinstance(p, exp.SequenceProperties)]
        args = props[0].args if props else {}
        increment = _int(args.get("increment"), 1)
        low, high = _SEQUENCE_BOUNDS.get(data_type, (None, None))
        default_min, default_max = (1, high) if increment > 0 else (low, -1)
        min_value = _int(args.get("minvalue"), default_min)
        max_value = _int(args.get("maxvalue"), default_max)
        start = _int(args.get("start"), min_value if increment > 0 else max_value)
        options = {str(o).upper() for o in args.get("options") or []}
        space.sequences[name] = model.Sequence(
            name=name,
            data_type=data_type,
            start=start,
            increment=increment,
            min_value=None if min_value == default_min else min_value,
            max_value=None if max_value == default_max else max_value,
            cycle="CYCLE" in options,
            origin=self.origin,
        )
        space.relnames.add(name)
        return True

    # -- schema, extension, comment -----------------------------------------

    def _create_schema(self, m: re.Match) -> None:
        self._ns(unquote(m.group("name"), self.dialect))

    def _create_extension(self, m: re.Match) -> None:
        name = unquote(m.group("name"), self.dialect)
        schema = unquote(m.group("schema"), self.dialect) if m.group("schema") else self.default_ns
        version = m.group("version").strip("'\"") if m.group("version") else None
        self.extensions.setdefault(name, model.Extension(name=name, schema=schema, version=version, origin=self.origin))

    def _drop_extension(self, m: re.Match) -> None:
        for part in split_top_level(m.group("names")):
            self.extensions.pop(unquote(part.strip(), self.dialect), None)

    def _drop_schema(self, m: re.Match) -> None:
        for part in split_top_level(m.group("names")):
            name = unquote(part.strip(), self.dialect)
            space = self.namespaces.get(name)
            if space and (space.tables or space.enums or space.views or space.sequences) and not m.group("cascade"):
                raise NotInterpreted(f"schema {name} is not empty")
            self.namespaces.pop(name, None)

    def _comment(self, m: re.Match) -> None:
        value = m.group("value")
        text = None if value.upper() == "NULL" else value.lstrip("Ee")[1:-1].replace("''", "'")
        parts = [unquote(p, self.dialect) for p in re.findall(_IDENT, m.group("name"))]
        if m.group("kind").upper() == "TABLE":
            ns, name = (parts[-2], parts[-1]) if len(parts) > 1 else (self.default_ns, parts[-1])
            self._table(ns, name).comment = text
        else:
            if len(parts) < 2:
                raise NotInterpreted("COMMENT ON COLUMN needs table.column")
            ns = parts[-3] if len(parts) > 2 else self.default_ns
            t = self._table(ns, parts[-2])
            self._check_columns(t, (parts[-1],))
            t.columns[parts[-1]].comment = text

    # -- ALTER TYPE / INDEX / SEQUENCE ---------------------------------------

    def _alter_type(self, m: re.Match) -> None:
        ns, name = split_qname(m.group("name"), self.dialect, self.default_ns)
        space = self._ns(ns)
        if name not in space.enums:
            raise NotInterpreted(f"type {ns}.{name} is not a known enum")
        values = space.enums[name]
        rest = m.group("rest").strip()
        lit = r"'((?:[^']|'')*)'"
        add = re.match(rf"^ADD\s+VALUE\s+(IF\s+NOT\s+EXISTS\s+)?{lit}(?:\s+(BEFORE|AFTER)\s+{lit})?$", rest, re.I)
        if add:
            value = add.group(2).replace("''", "'")
            if value in values:
                if add.group(1):
                    return
                raise NotInterpreted(f"enum label {value!r} already exists")
            if add.group(3):
                anchor = add.group(4).replace("''", "'")
                if anchor not in values:
                    raise NotInterpreted(f"enum label {anchor!r} does not exist")
                at = values.index(anchor) + (1 if add.group(3).upper() == "AFTER" else 0)
                values.insert(at, value)
            else:
                values.append(value)
            return
        ren = re.match(rf"^RENAME\s+VALUE\s+{lit}\s+TO\s+{lit}$", rest, re.I)
        if ren:
            old, new = ren.group(1).replace("''", "'"), ren.group(2).replace("''", "'")
            if old not in values:
                raise NotInterpreted(f"enum label {old!r} does not exist")
            values[values.index(old)] = new
            return
        ren = re.match(rf"^RENAME\s+TO\s+(?P<new>{_IDENT})$", rest, re.I)
        if ren:
            new = unquote(ren.group("new"), self.dialect)
            space.enums[new] = space.enums.pop(name)
            self._retype_enum(f"{ns}.{name}", f"{ns}.{new}")
            return
        raise NotInterpreted("")

    def _retype_enum(self, old: str, new: str) -> None:
        for space in self.namespaces.values():
            for t in space.tables.values():
                for col in t.columns.values():
                    if col.type.name == "enum" and col.type.enum == old:
                        col.type = dataclasses.replace(col.type, enum=new)

    def _rename_index(self, m: re.Match) -> None:
        ns, name = split_qname(m.group("name"), self.dialect, self.default_ns)
        new = unquote(m.group("new"), self.dialect)
        space = self._ns(ns)
        for t in space.tables.values():
            if name in t.indexes:
                t.indexes[new] = dataclasses.replace(t.indexes.pop(name), name=new)
                break
            # A constraint's index shares the constraint's name; renaming one renames both.
            if t.pk is not None and t.pk.name == name:
                t.pk = dataclasses.replace(t.pk, name=new)
                break
            hit = next((u for u in t.uniques if u.name == name), None)
            if hit:
                t.uniques[t.uniques.index(hit)] = dataclasses.replace(hit, name=new)
                break
        else:
            raise NotInterpreted(f"index {ns}.{name} is not known")
        space.relnames.discard(name)
        space.relnames.add(new)
        if name in space.connames:
            space.connames.discard(name)
            space.connames.add(new)

    def _sequence_owned_by(self, m: re.Match) -> None:
        ns, name = split_qname(m.group("name"), self.dialect, self.default_ns)
        space = self._ns(ns)
        if name not in space.sequences:
            raise NotInterpreted(f"sequence {ns}.{name} is not known")
        owner = m.group("owner")
        owned_by = None
        if owner.upper() != "NONE":
            parts = [unquote(p, self.dialect) for p in re.findall(_IDENT, owner)]
            owned_by = f"{parts[-2]}.{parts[-1]}"
        space.sequences[name] = dataclasses.replace(space.sequences[name], owned_by=owned_by)

    # -- ALTER TABLE --------------------------------------------------------

    def _alter_table(self, m: re.Match) -> None:
        ns, name = split_qname(m.group("name"), self.dialect, self.default_ns)
        rest = m.group("rest").strip()
        t = self._table(ns, name, must=not m.group("ie"))
        if t is None:
            return  # ALTER TABLE IF EXISTS on a table that does not exist: a no-op
        ren = re.match(rf"^RENAME\s+TO\s+(?P<new>{_IDENT})$", rest, re.I)
        if ren:
            self._rename_table(t, unquote(ren.group("new"), self.dialect))
            return
        ren = re.match(rf"^RENAME\s+CONSTRAINT\s+(?P<old>{_IDENT})\s+TO\s+(?P<new>{_IDENT})$", rest, re.I)
        if ren:
            self._rename_constraint(t, unquote(ren.group("old"), self.dialect), unquote(ren.group("new"), self.dialect))
            return
        ren = re.match(rf"^RENAME\s+(?:COLUMN\s+)?(?P<old>{_IDENT})\s+TO\s+(?P<new>{_IDENT})$", rest, re.I)
        if ren:
            self._rename_column(t, unquote(ren.group("old"), self.dialect), unquote(ren.group("new"), self.dialect))
            return
        for action in split_top_level(rest):
            self._alter_action(t, action.strip())

    def _alter_action(self, t: _Table, action: str) -> None:
        import sqlglot
        from sqlglot import exp

        def wrapped(body: str):
            try:
                tree = sqlglot.parse_one(f"CREATE TABLE _x ({body})", read=self.sg)
            except sqlglot.errors.SqlglotError as exc:
                raise NotInterpreted(_first_line(str(exc))) from None
            if not isinstance(tree, exp.Create) or not isinstance(tree.this, exp.Schema):
                raise NotInterpreted(action)
            return tree.this.expressions[0]

        m = re.match(r"^ADD\s+(?=CONSTRAINT\b|PRIMARY\b|UNIQUE\b|FOREIGN\b|CHECK\b)(?P<body>.+)$", action, re.I | re.S)
        if m:
            body = re.sub(r"\s+NOT\s+VALID\s*$", "", m.group("body"), flags=re.I)
            if re.search(r"\bUSING\s+INDEX\b", body, re.I):
                raise NotInterpreted("ADD CONSTRAINT ... USING INDEX")
            self._add_constraint(t, wrapped(body), None)
            return
        m = re.match(r"^ADD\s+(?:COLUMN\s+)?(?P<ine>IF\s+NOT\s+EXISTS\s+)?(?P<body>.+)$", action, re.I | re.S)
        if m:
            coldef = wrapped(m.group("body"))
            if not isinstance(coldef, exp.ColumnDef):
                raise NotInterpreted(action)
            if m.group("ine") and self._name(coldef.this) in t.columns:
                return
            for column, constraint in self._add_column(t, coldef, m.group("body")):
                self._add_constraint(t, constraint, column)
            return
        m = re.match(rf"^DROP\s+(?:COLUMN\s+)?(?P<ie>IF\s+EXISTS\s+)?(?P<name>{_IDENT})(?:\s+(?:CASCADE|RESTRICT))?$", action, re.I)
        if m and m.group("name").upper() != "CONSTRAINT":
            self._drop_column(t, unquote(m.group("name"), self.dialect), bool(m.group("ie")))
            return
        m = re.match(rf"^DROP\s+CONSTRAINT\s+(?P<ie>IF\s+EXISTS\s+)?(?P<name>{_IDENT})(?:\s+(?:CASCADE|RESTRICT))?$", action, re.I)
        if m:
            self._drop_constraint(t, unquote(m.group("name"), self.dialect), bool(m.group("ie")))
            return
        m = re.match(rf"^ALTER\s+(?:COLUMN\s+)?(?P<name>{_IDENT})\s+(?P<change>.+)$", action, re.I | re.S)
        if m:
            name = unquote(m.group("name"), self.dialect)
            self._check_columns(t, (name,))
            self._alter_column(t, t.columns[name], m.group("change").strip(), wrapped)
            return
        raise NotInterpreted(f"ALTER TABLE action {' '.join(action.split())[:40]}")

    def _alter_column(self, t: _Table, col: _Col, change: str, wrapped) -> None:
        from sqlglot import exp

        upper = " ".join(change.upper().split())
        if upper == "SET NOT NULL":
            col.nullable = False
        elif upper == "DROP NOT NULL":
            if t.pk is not None and col.name in t.pk.columns:
                raise NotInterpreted(f"column {col.name} is in the primary key")
            col.nullable = True
        elif upper == "DROP DEFAULT":
            col.default = None
        elif upper.startswith("SET DEFAULT"):
            coldef = wrapped(f"c int DEFAULT {change[len('SET DEFAULT'):].strip()}")
            kinds = [cc.args.get("kind") for cc in coldef.args.get("constraints") or []]
            default = next((k for k in kinds if isinstance(k, exp.DefaultColumnConstraint)), None)
            if default is None:
                raise NotInterpreted("SET DEFAULT")
            col.default = self._default(default.this)
        elif upper.startswith(("TYPE ", "SET DATA TYPE ")):
            body = re.sub(r"^(?:SET\s+DATA\s+)?TYPE\s+", "", change, flags=re.I)
            body = re.split(r"\s+USING\s+", body, maxsplit=1, flags=re.I)[0]
            body = re.split(r"\s+COLLATE\s+", body, maxsplit=1, flags=re.I)[0]
            coldef = wrapped(f"c {body}")
            col.type, serial = self._type(coldef.args.get("kind"), t.ns)
            if serial:
                raise NotInterpreted("type serial is only allowed in CREATE TABLE / ADD COLUMN")
        elif upper.startswith("ADD GENERATED"):
            coldef = wrapped(f"c int {change[len('ADD'):].strip()}")
            kind = next(iter(coldef.args.get("constraints") or []), None)
            if kind is None or not isinstance(kind.args.get("kind"), exp.GeneratedAsIdentityColumnConstraint):
                raise NotInterpreted(change)
            col.identity = self._identity(kind.args["kind"])
            col.nullable = False
        elif upper.startswith("DROP IDENTITY"):
            col.identity = None
        else:
            raise NotInterpreted(f"ALTER COLUMN {' '.join(change.split())[:40]}")

    def _drop_column(self, t: _Table, name: str, if_exists: bool) -> None:
        if name not in t.columns:
            if if_exists:
                return
            raise NotInterpreted(f"column {name} of {t.name} is not known")
        del t.columns[name]
        space = self._ns(t.ns)
        # Constraints and indexes that use the column go with it, as in PostgreSQL.
        if t.pk is not None and name in t.pk.columns:
            space.relnames.discard(t.pk.name or "")
            t.pk = None
        t.uniques = [u for u in t.uniques if name not in u.columns]
        t.fks = [fk for fk in t.fks if name not in fk.columns]
        t.indexes = {k: i for k, i in t.indexes.items() if name not in i.columns}
        for seq_name, seq in list(space.sequences.items()):
            if seq.owned_by == f"{t.name}.{name}":
                del space.sequences[seq_name]

    def _drop_constraint(self, t: _Table, name: str, if_exists: bool) -> None:
        space = self._ns(t.ns)
        found = False
        if t.pk is not None and t.pk.name == name:
            t.pk, found = None, True
        for attr in ("uniques", "fks", "checks"):
            kept = [c for c in getattr(t, attr) if c.name != name]
            found = found or len(kept) != len(getattr(t, attr))
            setattr(t, attr, kept)
        if not found and not if_exists:
            raise NotInterpreted(f"constraint {name} of {t.name} is not known")
        space.connames.discard(name)
        space.relnames.discard(name)

    def _rename_table(self, t: _Table, new: str) -> None:
        space = self._ns(t.ns)
        old = t.name
        del space.tables[old]
        t.name = new
        space.tables[new] = t
        space.relnames.discard(old)
        space.relnames.add(new)
        for other in space.tables.values():
            other.fks = [dataclasses.replace(fk, ref_table=new) if fk.ref_table == old and (fk.ref_schema in (None, t.ns)) else fk for fk in other.fks]
        for seq_name, seq in space.sequences.items():
            if seq.owned_by and seq.owned_by.split(".")[0] == old:
                space.sequences[seq_name] = dataclasses.replace(seq, owned_by=f"{new}.{seq.owned_by.split('.', 1)[1]}")

    def _rename_column(self, t: _Table, old: str, new: str) -> None:
        self._check_columns(t, (old,))
        if new in t.columns:
            raise NotInterpreted(f"column {new} of {t.name} already exists")
        t.columns = {(new if k == old else k): c for k, c in t.columns.items()}
        t.columns[new].name = new

        def swap(cols):
            return tuple(new if c == old else c for c in cols)

        if t.pk is not None:
            t.pk = dataclasses.replace(t.pk, columns=swap(t.pk.columns))
        t.uniques = [dataclasses.replace(u, columns=swap(u.columns)) for u in t.uniques]
        t.fks = [dataclasses.replace(fk, columns=swap(fk.columns)) for fk in t.fks]
        t.indexes = {
            k: dataclasses.replace(
                i,
                elements=tuple(
                    dataclasses.replace(e, column=new) if e.column == old
                    else dataclasses.replace(e, expression=self._rename_in(e.expression, old, new)) if e.expression
                    else e
                    for e in i.elements
                ),
                where=self._rename_in(i.where, old, new),
            )
            for k, i in t.indexes.items()
        }
        t.checks = [dataclasses.replace(c, expression=self._rename_in(c.expression, old, new)) for c in t.checks]
        for col in t.columns.values():
            col.generated = self._rename_in(col.generated, old, new)
        for space in self.namespaces.values():
            for other in space.tables.values():
                other.fks = [
                    dataclasses.replace(fk, ref_columns=swap(fk.ref_columns))
                    if fk.ref_table == t.name and fk.ref_schema in (None, t.ns)
                    else fk
                    for fk in other.fks
                ]
        space = self._ns(t.ns)
        for seq_name, seq in space.sequences.items():
            if seq.owned_by == f"{t.name}.{old}":
                space.sequences[seq_name] = dataclasses.replace(seq, owned_by=f"{t.name}.{new}")

    def _rename_in(self, text: str | None, old: str, new: str) -> str | None:
        """An expression of the table with column `old` renamed (PostgreSQL stores them parsed)."""
        if text is None:
            return None
        import sqlglot
        from sqlglot import exp

        try:
            tree = sqlglot.parse_one(text, read=self.sg)
        except sqlglot.errors.SqlglotError:
            raise NotInterpreted(f"cannot rename {old} inside {text}") from None
        changed = False
        for column in tree.find_all(exp.Column):
            if not column.args.get("table") and self._name(column.this) == old:
                column.set("this", exp.to_identifier(new, quoted=new != new.lower() or not re.match(r"^[a-z_][a-z0-9_$]*$", new)))
                changed = True
        return unwrap_parens(self._sql(tree)) if changed else text

    def _rename_constraint(self, t: _Table, old: str, new: str) -> None:
        if t.pk is not None and t.pk.name == old:
            t.pk = dataclasses.replace(t.pk, name=new)
        else:
            for attr in ("uniques", "fks", "checks"):
                items = getattr(t, attr)
                hit = next((c for c in items if c.name == old), None)
                if hit is not None:
                    items[items.index(hit)] = dataclasses.replace(hit, name=new)
                    break
            else:
                raise NotInterpreted(f"constraint {old} of {t.name} is not known")
        space = self._ns(t.ns)
        space.connames.discard(old)
        space.connames.add(new)
        if old in space.relnames:
            space.relnames.discard(old)
            space.relnames.add(new)

    # -- DROP ---------------------------------------------------------------

    def _drop(self, tree) -> bool:
        kind = (tree.args.get("kind") or "").upper()
        if_exists = bool(tree.args.get("exists"))
        for target in tree.args.get("tables") or []:
            ns, name = self._table_ref(target)
            space = self._ns(ns)
            if kind == "TABLE":
                t = space.tables.pop(name, None)
                if t is None:
                    if if_exists:
                        continue
                    raise NotInterpreted(f"table {ns}.{name} is not known")
                space.relnames.discard(name)
                for idx in t.indexes:
                    space.relnames.discard(idx)
                for c in (t.pk, *t.uniques):
                    if c is not None and c.name:
                        space.relnames.discard(c.name)
                        space.connames.discard(c.name)
                for c in (*t.fks, *t.checks):
                    space.connames.discard(c.name or "")
                for seq_name, seq in list(space.sequences.items()):
                    if seq.owned_by and seq.owned_by.split(".")[0] == name:
                        del space.sequences[seq_name]
                        space.relnames.discard(seq_name)
            elif kind == "INDEX":
                owner = next((t for t in space.tables.values() if name in t.indexes), None)
                if owner is None:
                    if if_exists:
                        continue
                    raise NotInterpreted(f"index {ns}.{name} is not known")
                del owner.indexes[name]
                space.relnames.discard(name)
            elif kind in ("TYPE", "VIEW", "SEQUENCE", "MATERIALIZED VIEW"):
                store = {"TYPE": space.enums, "SEQUENCE": space.sequences}.get(kind, space.views)
                if name not in store:
                    if if_exists:
                        continue
                    raise NotInterpreted(f"{kind.lower()} {ns}.{name} is not known")
                del store[name]
                space.relnames.discard(name)
            else:
                return False
        return True

    # -- result -------------------------------------------------------------

    def schema(self, options: InspectOptions) -> model.Schema:
        namespaces = []
        for ns_name, space in self.namespaces.items():
            if not keep_namespace(ns_name, options):
                continue
            tables = tuple(self._table_model(t) for t in space.tables.values() if keep_table(t.name, options))
            namespaces.append(
                model.Namespace(
                    name=ns_name,
                    tables=tables,
                    enums=tuple(model.EnumType(name=n, values=tuple(v), origin=self.origin) for n, v in space.enums.items()),
                    views=tuple(space.views.values()),
                    sequences=tuple(space.sequences.values()),
                )
            )
        notes = list(self.notes)
        if self.views_read:
            notes.append("static reading: view definitions are the SQL as written, not as the database would print it")
        if self.extensions and self.dialect == "postgresql":
            notes.append("static reading: extension versions are unknown without a database")
        return model.Schema(
            dialect=self.dialect,
            namespaces=tuple(namespaces),
            extensions=tuple(self.extensions.values()),
            source=self.origin.source,
            notes=tuple(notes),
        )

    def _table_model(self, t: _Table) -> model.Table:
        return model.Table(
            name=t.name,
            columns=tuple(
                model.Column(
                    name=c.name,
                    type=c.type,
                    nullable=c.nullable,
                    default=c.default,
                    identity=c.identity,
                    generated=c.generated,
                    comment=c.comment,
                    origin=self.origin,
                )
                for c in t.columns.values()
            ),
            primary_key=t.pk,
            uniques=tuple(t.uniques),
            indexes=tuple(t.indexes.values()),
            foreign_keys=tuple(t.fks),
            checks=tuple(t.checks),
            comment=t.comment,
            origin=self.origin,
        )


_SEQUENCE_BOUNDS = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}


def _int(node, default: int) -> int:
    if node is None:
        return default
    try:
        return int(node.sql() if hasattr(node, "sql") else node)
    except ValueError:
        raise NotInterpreted(f"not an integer: {node}") from None




def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else text


__all__ = ["NotInterpreted", "StaticReader", "choose_name", "make_object_name", "read_static", "split_qname", "unquote"]
