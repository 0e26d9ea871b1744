"""`postgresql://...`: read a live PostgreSQL database into the schema model.

The catalog is read with one query per object kind (namespaces, tables, enums,
sequences, columns, constraints, operator classes, indexes, views, extensions), never one
query per table: ten round trips whatever the size of the database (1,000 tables read in
about 0.25 s). Everything runs in one READ ONLY transaction with a statement timeout; it
is always rolled back, so inspection can neither write nor leave settings behind on a
connection it was given.

Public entry points: `inspect_url` and `inspect_connection` (the SQL source applies
migrations to a scratch database and reads it back with them, under its own label),
`connect` and `masked` (a URL with its password removed, for messages and origins).

Choices this reader makes (the other sources follow the same model conventions):

- Namespaces: every schema except pg_catalog, information_schema, pg_toast* and pg_temp*,
  filtered by InspectOptions.schemas / exclude_schemas. Existing but empty schemas are
  listed (an empty "public" included). A schema other than "public" whose every table,
  enum, view and sequence was left out because it is migration bookkeeping or belongs to an
  extension (drizzle's "drizzle" schema, a hosted database's "extensions" schema) is left
  out with them, unless it was asked for by name. Schemas that are themselves extension
  members are left out unless include_extension_objects. A schema that holds only
  functions or other objects the model has no place for is listed empty.
- Tables: ordinary (relkind r) and partitioned (relkind p) tables. Partitions of a
  partitioned table are NOT listed (their columns, keys and indexes come from the parent);
  a note says how many were skipped. Foreign tables are not read.
- Types go through migrator.types.parse_type(format_type(...), "postgresql"); enum columns
  and arrays of enums are recognised from pg_type (enums of every schema, so a column may
  use an enum from a filtered-out schema) and become types.enum_type("schema.name").
- Defaults go through migrator.defaults.classify_default with the search path pinned to
  "public" for the transaction, so names render qualified unless they live in public.
  Identity columns have identity=Identity(...) with the real start/increment and no default;
  serial columns have Default("sequence", "schema.seq").
- Sequences: a sequence owned by a serial column (pg_depend 'a') is listed with
  owned_by="table.column" so a diff can ignore it; sequences that implement identity
  columns (pg_depend 'i') are NOT listed, their parameters are on Column.identity.
  Sequence.min_value/max_value are None when they are the defaults for the sequence's type
  and direction.
- Indexes that implement a primary key, unique or exclusion constraint are not listed;
  exclusion constraints themselves have no place in the model and are named in a note.
- Extensions: every row of pg_extension except plpgsql in pg_catalog, which initdb puts in
  every database. Objects that belong to extensions (pg_depend 'e') and the bookkeeping
  tables (_prisma_migrations, __drizzle_migrations, alembic_version, in any schema) are left
  out unless InspectOptions.include_extension_objects / include_bookkeeping.
- View definitions are pg_get_viewdef(oid, true) without surrounding blanks and trailing ';'.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from migrator import defaults as pgdefaults
from migrator import schema as model
from migrator import types as pgtypes
from migrator.errors import BadInput, ConnectionFailed, MigratorError
from migrator.inspect import InspectOptions, keep_namespace, keep_table, register
from migrator.sqltext import mask_url, redact, unwrap_parens, url_secrets

if TYPE_CHECKING:
    import psycopg

DIALECT = "postgresql"
CONNECT_TIMEOUT_SECONDS = 10
STATEMENT_TIMEOUT = "120s"
LOCK_TIMEOUT = "10s"
# Names in pg_get_expr/format_type output are qualified unless visible on this path.
SEARCH_PATH = "public"

SYSTEM_SCHEMA_PREFIXES = ("pg_toast", "pg_temp")
SYSTEM_SCHEMAS = frozenset({"pg_catalog", "information_schema"})

_REFERENTIAL_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
assert set(_REFERENTIAL_ACTIONS.values()) == set(model.REFERENTIAL_ACTIONS)

_IDENTITY = {"a": "always", "d": "by_default"}

# (min, max) PostgreSQL gives a sequence of each type when none is declared.
_SEQUENCE_BOUNDS = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}

# ---------------------------------------------------------------------------
# Catalog queries. Each reads one object kind for every table in scope at once.
# Extension members are flagged rather than filtered, so the reader can tell a schema
# that held only extension objects from one that was empty.


def _extension_member(catalog: str, oid: str) -> str:
    """SQL for "this object belongs to an extension" (a pg_depend row of type 'e')."""
    return (
        f"EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.{catalog}'::regclass"
        f" AND dep.objid = {oid} AND dep.deptype = 'e')"
    )


Q_SETUP = """
SELECT set_config('statement_timeout', %(statement_timeout)s, true),
       set_config('lock_timeout', %(lock_timeout)s, true),
       set_config('search_path', %(search_path)s, true)
"""

Q_NAMESPACES = f"""
SELECT n.oid, n.nspname, {_extension_member('pg_namespace', 'n.oid')}
FROM pg_catalog.pg_namespace n
"""

Q_TABLES = f"""
SELECT c.oid, c.relnamespace, c.relname, c.relispartition, d.description,
       {_extension_member('pg_class', 'c.oid')}
FROM pg_catalog.pg_class c
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p')
  AND c.relnamespace = ANY(%(namespaces)s::oid[])
"""

# Every enum of the database: columns may use an enum from a schema that is filtered out.
Q_ENUMS = f"""
SELECT t.oid, t.typnamespace, n.nspname, t.typname,
       ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e
             WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
       {_extension_member('pg_type', 't.oid')}
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e'
"""

# Owner names by index lookup per sequence: joining pg_attribute would hash all of it.
Q_SEQUENCES = f"""
SELECT c.relnamespace, c.relname, pg_catalog.format_type(s.seqtypid, NULL),
       s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcycle,
       own.deptype, own.refobjid, own.refobjsubid,
       (SELECT oc.relname FROM pg_catalog.pg_class oc WHERE oc.oid = own.refobjid),
       (SELECT oa.attname FROM pg_catalog.pg_attribute oa
        WHERE oa.attrelid = own.refobjid AND oa.attnum = own.refobjsubid),
       {_extension_member('pg_class', 'c.oid')}
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
LEFT JOIN pg_catalog.pg_depend own
       ON own.classid = 'pg_catalog.pg_class'::regclass AND own.objid = c.oid
      AND own.refclassid = 'pg_catalog.pg_class'::regclass AND own.deptype IN ('a', 'i')
WHERE c.relnamespace = ANY(%(namespaces)s::oid[])
"""

# A column default cannot refer to columns, so it is deparsed without opening its table
# (relation 0), which halves the cost of this query; generated columns need the table.
# The last column is the type oid when it may be an enum (itself, or an array's element);
# the reader looks it up among the enums it has read.
Q_COLUMNS = """
SELECT a.attrelid, a.attnum, a.attname,
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       a.attnotnull,
       CASE WHEN a.attgenerated = ''
            THEN pg_catalog.pg_get_expr(ad.adbin, 0)
            ELSE pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) END,
       a.attidentity, a.attgenerated,
       d.description,
       CASE WHEN t.typtype = 'e' THEN t.oid WHEN t.typcategory = 'A' THEN t.typelem END
FROM unnest(%(tables)s::oid[]) AS scope(oid)
JOIN pg_catalog.pg_attribute a ON a.attrelid = scope.oid
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

# conparentid <> 0 rows are copies the server makes on partitions (including, for a
# foreign key that references a partitioned table, one per referenced partition).
Q_CONSTRAINTS = """
SELECT con.conrelid, con.conname, con.contype, con.conkey,
       fn.nspname, fc.relname,
       ARRAY(SELECT fa.attname
             FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.attnum
             ORDER BY k.ord),
       con.confdeltype, con.confupdtype,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END
FROM unnest(%(tables)s::oid[]) AS scope(oid)
JOIN pg_catalog.pg_constraint con ON con.conrelid = scope.oid
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND con.conparentid = 0
"""

# Operator classes an index key names only when it does not use its type's default.
Q_OPCLASSES = """
SELECT opc.oid, opc.opcname FROM pg_catalog.pg_opclass opc WHERE NOT opc.opcdefault
"""

# Indexes that implement a constraint of their own table are left out; a foreign key's
# conindid names the referenced table's index, hence the conrelid condition.
Q_INDEXES = """
SELECT i.indrelid, ic.relname, i.indisunique, am.amname, i.indnkeyatts,
       i.indkey::int2[], i.indoption::int2[], i.indclass::oid[],
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true),
       CASE WHEN i.indexprs IS NOT NULL THEN
           ARRAY(SELECT CASE WHEN k.attnum = 0
                             THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) END
                 FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                 ORDER BY k.ord)
       END
FROM unnest(%(tables)s::oid[]) AS scope(oid)
JOIN pg_catalog.pg_index i ON i.indrelid = scope.oid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
LEFT JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_constraint con
    WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
"""

Q_VIEWS = f"""
SELECT c.relnamespace, c.relname, c.relkind = 'm', {_extension_member('pg_class', 'c.oid')},
       CASE WHEN %(ext)s OR NOT {_extension_member('pg_class', 'c.oid')}
            THEN pg_catalog.pg_get_viewdef(c.oid, true) END
FROM pg_catalog.pg_class c
WHERE c.relkind IN ('v', 'm')
  AND c.relnamespace = ANY(%(namespaces)s::oid[])
"""

Q_EXTENSIONS = """
SELECT e.extname, n.nspname, e.extversion
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
"""


# ---------------------------------------------------------------------------
# Connecting


def _driver_conninfo(url: str) -> str:
    """The URL libpq understands: `postgresql+psycopg://` loses its SQLAlchemy driver suffix."""
    return re.sub(r"^(postgres(?:ql)?)\+[A-Za-z0-9_]+://", r"\1://", url)


def masked(url: str) -> str:
    """The URL as it may appear in messages and origins (kept as a public name)."""
    return mask_url(url)


def _reason(exc: BaseException, secrets: list[str]) -> str:
    """The driver's message as one line, without libpq's connection preamble or secrets."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    # libpq repeats "connection to server at ... failed:" per address; the cause is last.
    text = lines[0] if lines else type(exc).__name__
    for line in lines:
        if "failed:" in line or line.startswith("FATAL"):
            text = line
    text = re.sub(r"^(connection failed|connection is bad):\s*", "", text)
    text = re.sub(r"^.*?\bfailed:\s*(?=\S)", "", text) if re.search(r"^connection to server", text) else text
    text = re.sub(r"^(FATAL|ERROR):\s+", "", text)
    return redact(" ".join(text.split()), *secrets) or type(exc).__name__


def _connect_error(exc: BaseException, url: str, secrets: list[str]) -> MigratorError:
    where = masked(url)
    reason = _reason(exc, secrets)
    lowered = reason.lower()
    db = re.search(r'database "([^"]*)" does not exist', reason)
    if db:
        return BadInput(f'database "{db.group(1)}" does not exist on {where}')
    if "invalid" in lowered and ("uri" in lowered or "connection option" in lowered or "conninfo" in lowered):
        return BadInput(f"invalid connection URL {where}: {reason}")
    if (
        "authentication failed" in lowered
        or "no password supplied" in lowered
        or "pg_hba.conf" in lowered
        or re.search(r'role "[^"]*" does not exist', reason)
    ):
        return ConnectionFailed(f"authentication failed for {where}: {reason}")
    return ConnectionFailed(f"could not connect to {where}: {reason}")


def connect(url: str) -> psycopg.Connection:
    """A psycopg connection for `url`, or a one-line BadInput/ConnectionFailed naming it."""
    import psycopg

    conninfo = _driver_conninfo(url)
    secrets = url_secrets(url)
    kwargs: dict[str, Any] = {"autocommit": True, "application_name": "migrator"}
    try:
        given = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.Error as exc:
        raise _connect_error(exc, url, secrets) from None
    if "connect_timeout" not in given:
        kwargs["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    try:
        conn = psycopg.connect(conninfo, **kwargs)
    except psycopg.Error as exc:
        raise _connect_error(exc, url, secrets) from None
    conn.read_only = True
    return conn


# ---------------------------------------------------------------------------
# Public entry points


def inspect_url(url: str, options: InspectOptions, source_label: str | None = None) -> model.Schema:
    """Connect to `url` and read its schema; origins name `source_label` (default: the masked URL)."""
    label = source_label if source_label is not None else masked(url)
    conn = connect(url)
    try:
        return _inspect(conn, options, label, url_secrets(url))
    finally:
        conn.close()


def inspect_connection(conn: psycopg.Connection, options: InspectOptions, source_label: str) -> model.Schema:
    """Read the schema through an open connection, which is left as it was found.

    The reading runs in its own read-only transaction (a savepoint if the caller has one
    open, so the caller sees its own uncommitted objects) and is rolled back at the end.
    """
    return _inspect(conn, options, source_label, url_secrets(source_label))


def _inspect(conn: psycopg.Connection, options: InspectOptions, label: str, secrets: list[str]) -> model.Schema:
    import psycopg

    try:
        with conn.transaction(force_rollback=True):
            return _Reader(conn, options, label).read()
    except psycopg.Error as exc:
        if conn.broken or conn.closed:
            raise ConnectionFailed(f"lost the connection to {label}: {_reason(exc, secrets)}") from None
        raise MigratorError(f"could not read the catalog of {label}: {_reason(exc, secrets)}") from None


# ---------------------------------------------------------------------------
# The reader


class _Table:
    """A table being assembled from several catalog queries."""

    __slots__ = ("ns", "name", "comment", "columns", "attnames", "pk", "uniques", "fks", "checks", "indexes")

    def __init__(self, ns: int, name: str, comment: str | None) -> None:
        self.ns = ns
        self.name = name
        self.comment = comment
        self.columns: list[model.Column] = []
        self.attnames: dict[int, str] = {}
        self.pk: model.PrimaryKey | None = None
        self.uniques: list[model.UniqueConstraint] = []
        self.fks: list[model.ForeignKey] = []
        self.checks: list[model.CheckConstraint] = []
        self.indexes: list[model.Index] = []


class _Reader:
    STEPS = 10  # catalog queries, for progress reports

    def __init__(self, conn: psycopg.Connection, options: InspectOptions, label: str) -> None:
        self.conn = conn
        self.options = options
        self.label = label
        self.origin = model.Origin(source=label)
        self.notes: list[str] = []
        self.steps = 0
        self.ext = bool(options.include_extension_objects)
        self.dropped: dict[int, int] = defaultdict(int)  # namespace oid -> objects left out

    def _rows(self, sql: str, **params: Any) -> list[tuple]:
        rows = self.conn.execute(sql, params).fetchall()
        self.steps += 1
        if self.options.progress is not None:
            self.options.progress("reading the PostgreSQL catalog", self.steps, self.STEPS)
        return rows

    def read(self) -> model.Schema:
        conn = self.conn
        # First statement of our transaction (or savepoint): nothing below can write.
        conn.execute("SET TRANSACTION READ ONLY")
        conn.execute(
            Q_SETUP,
            {"statement_timeout": STATEMENT_TIMEOUT, "lock_timeout": LOCK_TIMEOUT, "search_path": SEARCH_PATH},
        )
        namespaces = self._namespaces(self._rows(Q_NAMESPACES))
        ns_oids = list(namespaces)
        tables = self._tables(self._rows(Q_TABLES, namespaces=ns_oids))
        table_oids = list(tables)
        enum_names, enums = self._enums(namespaces, self._rows(Q_ENUMS))
        sequences, identities = self._sequences(tables, self._rows(Q_SEQUENCES, namespaces=ns_oids))
        self._columns(tables, enum_names, identities, self._rows(Q_COLUMNS, tables=table_oids))
        self._constraints(tables, self._rows(Q_CONSTRAINTS, tables=table_oids))
        opclasses = dict(self._rows(Q_OPCLASSES))
        self._indexes(tables, opclasses, self._rows(Q_INDEXES, tables=table_oids))
        views = self._views(self._rows(Q_VIEWS, namespaces=ns_oids, ext=self.ext))
        extensions = self._extensions(self._rows(Q_EXTENSIONS))

        by_ns: dict[int, list[model.Table]] = defaultdict(list)
        for t in tables.values():
            by_ns[t.ns].append(
                model.Table(
                    name=t.name,
                    columns=tuple(t.columns),
                    primary_key=t.pk,
                    uniques=tuple(t.uniques),
                    indexes=tuple(t.indexes),
                    foreign_keys=tuple(t.fks),
                    checks=tuple(t.checks),
                    comment=t.comment,
                    origin=self.origin,
                )
            )
        out = []
        for oid, name in namespaces.items():
            ns = model.Namespace(
                name=name,
                tables=tuple(by_ns[oid]),
                enums=tuple(enums[oid]),
                views=tuple(views[oid]),
                sequences=tuple(sequences[oid]),
            )
            emptied = self.dropped[oid] and not (ns.tables or ns.enums or ns.views or ns.sequences)
            # "public" is in every database, so it is always listed, like an empty database's.
            if emptied and name not in self.options.schemas and name != "public":
                continue
            out.append(ns)
        return model.Schema(
            dialect=DIALECT,
            namespaces=tuple(out),
            extensions=tuple(extensions),
            source=self.label,
            notes=tuple(self.notes),
        )

    # -- namespaces and tables ----------------------------------------------

    def _namespaces(self, rows: list[tuple]) -> dict[int, str]:
        opts = self.options
        existing = {name for _oid, name, _member in rows}
        for wanted in opts.schemas:
            if wanted not in existing:
                raise BadInput(f"unknown schema '{wanted}' in {self.label}")
        kept: dict[int, str] = {}
        for oid, name, member in sorted(rows, key=lambda r: r[1]):
            if opts.schemas:
                if name not in opts.schemas:
                    continue
            elif _is_system_schema(name) or (member and not self.ext):
                continue
            if keep_namespace(name, opts):
                kept[oid] = name
        return kept

    def _tables(self, rows: list[tuple]) -> dict[int, _Table]:
        tables: dict[int, _Table] = {}
        partitions = 0
        for oid, nsp, name, is_partition, comment, member in rows:
            if is_partition:
                partitions += 1
            elif (member and not self.ext) or not keep_table(name, self.options):
                self.dropped[nsp] += 1
            else:
                tables[oid] = _Table(nsp, name, comment)
        if partitions:
            self.notes.append(
                f"{partitions} partition(s) of partitioned tables are not listed; their parent tables are"
            )
        return tables

    # -- enums and sequences ------------------------------------------------

    def _enums(
        self, namespaces: dict[int, str], rows: list[tuple]
    ) -> tuple[dict[int, str], dict[int, list[model.EnumType]]]:
        names: dict[int, str] = {}
        enums: dict[int, list[model.EnumType]] = defaultdict(list)
        for oid, nsp, nspname, name, labels, member in rows:
            names[oid] = f"{nspname}.{name}"
            if nsp not in namespaces:
                continue
            if member and not self.ext:
                self.dropped[nsp] += 1
                continue
            enums[nsp].append(model.EnumType(name=name, values=tuple(labels), origin=self.origin))
        return names, enums

    def _sequences(
        self, tables: dict[int, _Table], rows: list[tuple]
    ) -> tuple[dict[int, list[model.Sequence]], dict[tuple[int, int], tuple[int, int]]]:
        identities: dict[tuple[int, int], tuple[int, int]] = {}
        out: dict[int, list[model.Sequence]] = defaultdict(list)
        for (nsp, name, data_type, start, increment, minv, maxv, cycle,
             deptype, owner, owner_attnum, owner_table, owner_column, member) in rows:
            if deptype == "i":
                identities[(owner, owner_attnum)] = (start, increment)
                continue
            if (member and not self.ext) or (deptype == "a" and owner not in tables):
                # An extension member, or owned by a table we left out (bookkeeping, extension member).
                self.dropped[nsp] += 1
                continue
            low, high = _SEQUENCE_BOUNDS.get(data_type, (None, None))
            default_min, default_max = (1, high) if increment > 0 else (low, -1)
            out[nsp].append(
                model.Sequence(
                    name=name,
                    data_type=data_type,
                    start=start,
                    increment=increment,
                    min_value=None if minv == default_min else minv,
                    max_value=None if maxv == default_max else maxv,
                    cycle=bool(cycle),
                    owned_by=f"{owner_table}.{owner_column}" if deptype == "a" and owner_column else None,
                    origin=self.origin,
                )
            )
        return out, identities

    # -- columns ------------------------------------------------------------

    def _columns(
        self,
        tables: dict[int, _Table],
        enum_names: dict[int, str],
        identities: dict[tuple[int, int], tuple[int, int]],
        rows: list[tuple],
    ) -> None:
        # A big schema repeats a few dozen type and default spellings thousands of times.
        parsed_types: dict[str, model.SqlType] = {}
        classified: dict[str, model.Default | None] = {}
        origin = self.origin
        for relid, attnum, name, type_text, notnull, default_text, identity, generated, comment, enum_oid in rows:
            t = tables[relid]
            t.attnames[attnum] = name
            enum_name = enum_names.get(enum_oid) if enum_oid else None
            if enum_name is not None:
                sql_type = pgtypes.enum_type(enum_name, array=type_text.endswith("]"))
            else:
                sql_type = parsed_types.get(type_text)
                if sql_type is None:
                    sql_type = parsed_types[type_text] = pgtypes.parse_type(type_text, DIALECT)
            default = None
            generated_expr = None
            identity_value = None
            if generated == "s":
                generated_expr = default_text
            elif identity:
                start, increment = identities.get((relid, attnum), (None, None))
                identity_value = model.Identity(_IDENTITY[identity], start, increment)
            elif default_text is not None:
                default = classified.get(default_text)
                if default is None:
                    default = classified[default_text] = pgdefaults.classify_default(
                        default_text, DIALECT, SEARCH_PATH
                    )
            t.columns.append(
                model.Column(
                    name=name,
                    type=sql_type,
                    nullable=not notnull,
                    default=default,
                    identity=identity_value,
                    generated=generated_expr,
                    comment=comment,
                    origin=origin,
                )
            )

    # -- constraints and indexes --------------------------------------------

    def _constraints(self, tables: dict[int, _Table], rows: list[tuple]) -> None:
        exclusion = []
        for (relid, name, kind, conkey, ref_schema, ref_table, ref_columns, on_delete, on_update, checkdef) in rows:
            t = tables[relid]
            columns = tuple(t.attnames[n] for n in (conkey or ()))
            if kind == "p":
                t.pk = model.PrimaryKey(columns=columns, name=name, origin=self.origin)
            elif kind == "u":
                t.uniques.append(model.UniqueConstraint(name=name, columns=columns, origin=self.origin))
            elif kind == "f":
                t.fks.append(
                    model.ForeignKey(
                        name=name,
                        columns=columns,
                        ref_table=ref_table,
                        ref_columns=tuple(ref_columns),
                        ref_schema=ref_schema,
                        on_delete=_REFERENTIAL_ACTIONS.get(on_delete, "NO ACTION"),
                        on_update=_REFERENTIAL_ACTIONS.get(on_update, "NO ACTION"),
                        origin=self.origin,
                    )
                )
            elif kind == "c":
                t.checks.append(
                    model.CheckConstraint(name=name, expression=_check_expression(checkdef), origin=self.origin)
                )
            else:
                exclusion.append(name)
        if exclusion:
            self.notes.append(f"exclusion constraint(s) not represented in the model: {', '.join(sorted(exclusion))}")

    def _indexes(self, tables: dict[int, _Table], opclasses: dict[int, str], rows: list[tuple]) -> None:
        for (relid, name, unique, method, nkey, indkey, indoption, indclass, where, exprs) in rows:
            t = tables[relid]
            attnames = t.attnames
            elements = []
            for pos in range(nkey):
                attnum = indkey[pos]
                option = indoption[pos] if pos < len(indoption) else 0
                descending = bool(option & 1)
                nulls_first = bool(option & 2)
                elements.append(
                    model.IndexElement(
                        column=attnames.get(attnum) if attnum else None,
                        expression=unwrap_parens(exprs[pos]) if not attnum and exprs else None,
                        descending=descending,
                        # Only a non-default placement is recorded: NULLS LAST for ASC, FIRST for DESC.
                        nulls_first=None if nulls_first == descending else nulls_first,
                        opclass=opclasses.get(indclass[pos]) if pos < len(indclass) else None,
                    )
                )
            t.indexes.append(
                model.Index(
                    name=name,
                    elements=tuple(elements),
                    unique=bool(unique),
                    method=method or "btree",
                    where=where,
                    include=tuple(attnames.get(n, "") for n in indkey[nkey:]),
                    origin=self.origin,
                )
            )

    # -- views and extensions -----------------------------------------------

    def _views(self, rows: list[tuple]) -> dict[int, list[model.View]]:
        views: dict[int, list[model.View]] = defaultdict(list)
        for nsp, name, materialized, member, definition in rows:
            if member and not self.ext:
                self.dropped[nsp] += 1
                continue
            views[nsp].append(
                model.View(name=name, definition=_view_text(definition), materialized=materialized, origin=self.origin)
            )
        return views

    def _extensions(self, rows: list[tuple]) -> list[model.Extension]:
        return [
            model.Extension(name=name, schema=schema, version=version, origin=self.origin)
            for name, schema, version in rows
            # initdb installs plpgsql in every database; listing it would be noise everywhere.
            if not (name == "plpgsql" and schema == "pg_catalog")
        ]


def _is_system_schema(name: str) -> bool:
    return name in SYSTEM_SCHEMAS or name.startswith(SYSTEM_SCHEMA_PREFIXES)


def _check_expression(definition: str) -> str:
    """`CHECK ((a > 0)) NOT VALID` -> `a > 0`: the expression without its wrapper."""
    text = definition.strip()
    text = re.sub(r"\s+NOT\s+VALID$", "", text)
    text = re.sub(r"\s+NO\s+INHERIT$", "", text)
    if text.upper().startswith("CHECK"):
        text = text[5:].strip()
    return unwrap_parens(text)




def _view_text(definition: str) -> str:
    text = definition.strip()
    return text[:-1].rstrip() if text.endswith(";") else text


# ---------------------------------------------------------------------------
# Registration


class PostgresSource:
    name = "postgresql"
    schemes = ("postgresql://", "postgres://", "postgresql+psycopg://")
    description = "a live PostgreSQL database (psycopg 3; read-only, one catalog query per object kind)"

    def claims_path(self, path: str) -> bool:
        return False

    def load(self, spec: str, options: InspectOptions) -> model.Schema:
        return inspect_url(spec, options)


register(PostgresSource())

__all__ = ["PostgresSource", "connect", "inspect_connection", "inspect_url", "masked"]
