"""`migrator copy FROM TO`: FROM's schema created in TO with the right types, then its rows, proven complete.

The steps, each one a phase of `plan()` and `run()`:

1. **Plan.** FROM is inspected; each column's target type is decided (migrator.data.upgrades:
   the model file of `--schema-from`, `--type`, else the declared type and a sample of the
   values) and FROM's schema transpiled (migrator.data.transpile). `--dry-run` stops here
   and prints the DDL, the decisions and the row counts.
2. **Tables.** Created bare (columns only) in TO's schema, each in the transaction that
   loads it, so that COPY can write its rows frozen (no later rewrite for hint bits).
   Existing tables are never written over unless `--into-existing`, which first requires
   FROM (transpiled) and TO to have no difference.
3. **Rows.** Per table, in key order, as PostgreSQL COPY text (migrator.data.endpoints),
   one transaction per table or per `--chunk-rows` range; a checkpoint table in TO
   (`_migrator_copy`) is written in the same transaction as the rows it counts, so a killed
   copy resumes (`--resume`) exactly after the last committed range. A value TO refuses
   stops the copy with its table, key, column and value; with `--on-error report` the
   range is loaded again in savepoints, halving around each refused row, which goes to
   the rejects file (JSON lines) while the others are copied.
4. **After the rows.** Keys, uniques, indexes, checks and foreign keys (migrator's own diff
   from the bare tables to the full schema, rendered by migrator.render.ddl), then each
   identity's next value set past both max(id) and SQLite's AUTOINCREMENT counter. Rows
   whose parent is missing in FROM (SQLite does not check foreign keys by default) are
   found before anything is written: they stop the copy, or with `--on-error report` are
   listed in the rejects file and their foreign key is created NOT VALID.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from migrator import schema as model
from migrator.data import upgrades
from migrator.data.endpoints import is_postgres, is_sqlite, pg_writer, reader_for
from migrator.data.transpile import Transpiled, phases, transpile
from migrator.errors import BadInput, MigratorError
from migrator.sqltext import mask_url

CHECKPOINT_TABLE = "_migrator_copy"


@dataclass(frozen=True)
class CopyOptions:
    schema_from: str | None = None
    into_existing: bool = False
    namespace: str | None = None  # TO's schema; default public
    assume_tz: str = "UTC"
    chunk_rows: int | None = None
    resume: bool = False
    on_error: str = "stop"  # or "report"
    rejects: Path | None = None
    tables: tuple[str, ...] = ()
    types: tuple[tuple[str, str], ...] = ()  # ("table.column", "uuid") from --type
    keep_types: bool = False  # no upgrade from the data: declared types only
    sample_rows: int = upgrades.SAMPLE_ROWS
    jobs: int | None = None  # tables copied at a time; default min(4, CPUs)


@dataclass
class TablePlan:
    source: str  # FROM's table name
    target: str  # TO's table name
    key: list[str]  # FROM's key columns, the order of the rows (rowid when SQLite has no primary key)
    columns: list[tuple[str, model.SqlType]]  # FROM column -> TO type, in TO's order
    rows: int
    identity: list[str] = field(default_factory=list)  # TO identity columns, to set past max
    sequence_floor: int | None = None


@dataclass
class CopyPlan:
    source: str  # masked
    target: str  # masked
    namespace: str
    schema: model.Schema  # TO, complete
    bare: model.Schema  # TO's tables, columns only
    tables: list[TablePlan]
    decisions: list[upgrades.Decision]
    warnings: list[str]
    after_rows_sql: str
    orphans: list[dict[str, Any]]  # rows whose parent row FROM lacks
    dialect: str = "postgresql"  # TO's
    source_namespace: str = "public"  # FROM's schema, when FROM is PostgreSQL

    def table_sql(self, name: str) -> list[str]:
        from migrator.render.sql import statements

        ns = self.bare.namespaces[0]
        one = dataclasses.replace(self.bare, namespaces=(dataclasses.replace(ns, tables=(ns.table(name),), views=(),
                                                                              enums=(), sequences=()),))
        return statements(one, self.dialect)

    def prelude_sql(self) -> list[str]:
        """Schema-wide objects the tables use (enum types, sequences, extensions), created first."""
        from migrator.render.sql import statements

        ns = self.bare.namespaces[0]
        if not (ns.enums or ns.sequences or self.bare.extensions):
            return []
        only = dataclasses.replace(self.bare, namespaces=(dataclasses.replace(ns, tables=(), views=()),))
        return [s for s in statements(only, "postgresql") if not s.upper().startswith("CREATE SCHEMA")]

    def ddl_text(self) -> str:
        if self.dialect == "sqlite":
            from migrator.render.sql import statements

            return "\n\n".join(s + ";" for s in statements(self.schema, "sqlite")) + "\n"
        parts = [f"CREATE SCHEMA IF NOT EXISTS {_quote(self.namespace)};"]
        parts += [s + ";" for s in self.prelude_sql()]
        for t in self.tables:
            parts += [s + ";" for s in self.table_sql(t.target)]
        parts.append("-- rows are copied here")
        parts.append(self.after_rows_sql.strip())
        return "\n\n".join(p for p in parts if p) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source, "to": self.target, "schema": self.namespace,
            "tables": [{"from": t.source, "to": t.target, "rows": t.rows, "key": t.key} for t in self.tables],
            "decisions": [d.to_dict() for d in self.decisions],
            "warnings": list(self.warnings),
            "orphans": self.orphans,
            "ddl": self.ddl_text(),
        }


@dataclass
class TableResult:
    table: str
    rows: int
    seconds: float
    rejected: int = 0
    skipped: bool = False  # done by an earlier run (--resume)


@dataclass
class CopyResult:
    plan: CopyPlan
    tables: list[TableResult]
    rejects: list[dict[str, Any]]
    rejects_path: Path | None
    seconds: float

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan.to_dict(),
            "tables": [dataclasses.asdict(t) for t in self.tables],
            "rows": self.rows,
            "rejected": len(self.rejects),
            "rejects_file": str(self.rejects_path) if self.rejects_path else None,
            "seconds": round(self.seconds, 3),
        }


Progress = Callable[[str, int, int], None]


# ---------------------------------------------------------------------------
# Plan


def plan(from_url: str, to_url: str, options: CopyOptions) -> CopyPlan:
    """What a copy would do: TO's schema, the type decisions, the rows per table. Reads FROM only."""
    from migrator import inspect as sources

    if not (is_sqlite(from_url) or is_postgres(from_url)):
        raise BadInput(f"{mask_url(from_url)}: FROM must be a sqlite:/// or postgresql:// URL")
    if not (is_postgres(to_url) or is_sqlite(to_url)):
        raise BadInput(f"{mask_url(to_url)}: TO must be a postgresql:// or sqlite:/// URL")
    dialect = "postgresql" if is_postgres(to_url) else "sqlite"
    if dialect == "sqlite" and not is_postgres(from_url):
        raise BadInput(f"{mask_url(to_url)}: copying into SQLite reads from PostgreSQL; "
                       "a SQLite file is copied whole with sqlite3's .backup")
    if dialect == "sqlite" and (options.schema_from or options.into_existing or options.chunk_rows or options.on_error != "stop"):
        raise BadInput("copying into SQLite takes none of --schema-from, --into-existing, --chunk-rows, --on-error report")
    if options.on_error not in ("stop", "report"):
        raise BadInput(f"--on-error {options.on_error}: expected stop or report")
    inspect_options = sources.InspectOptions(include_bookkeeping=True)
    source = sources.load(from_url, inspect_options)
    source, left_out = _only_tables(source, options.tables)
    left_out += _not_copied(source, from_url)
    null_keys: list[str] = []
    if source.dialect == "sqlite":
        source, null_keys = _keys_holding_null(source, from_url)
    namespace = options.namespace or ("public" if dialect == "postgresql" else "main")
    with_tables = [ns.name for ns in source.namespaces if ns.tables]
    if len(with_tables) > 1:
        raise BadInput(f"{mask_url(from_url)}: tables in {len(with_tables)} schemas ({', '.join(with_tables)}); "
                       "copy one at a time: --tables names tables of one schema")
    source_namespace = with_tables[0] if with_tables else "public"
    reader = reader_for(from_url, source)
    try:
        decisions: list[upgrades.Decision] = []
        warnings: list[str] = list(null_keys) + left_out
        overrides = _type_overrides(options.types, source)
        if options.schema_from:
            target_schema, decisions = _from_model(source, options.schema_from, namespace, warnings)
        elif dialect == "sqlite":
            from migrator.data import into_sqlite

            transpiled = transpile(source, "sqlite", namespace, into_sqlite.sqlite_types(source))
            warnings += transpiled.warnings
            target_schema = into_sqlite.checked_defaults(transpiled.schema, warnings)
        else:
            types: dict[tuple[str, str], model.SqlType] = {}
            if source.dialect == "sqlite":
                for ns in source.namespaces:
                    for table in ns.tables:
                        sample = ({} if options.keep_types else
                                  upgrades.sample_columns(reader.conn, table.name, [c.name for c in table.columns if not c.generated],
                                                          rows=options.sample_rows))
                        for col in table.columns:
                            if (table.name, col.name) in overrides:
                                continue
                            if col.generated:
                                continue
                            declared = _declared(col)
                            seen = sample.get(col.name, upgrades.Sample((), frozenset()))
                            col, affinity, evidence = upgrades.by_affinity(col, seen)
                            chosen, decision, warning = upgrades.decide(
                                table.name, col, declared, seen, options.assume_tz) if not options.keep_types else (col.type, None, None)
                            types[(table.name, col.name)] = chosen
                            if affinity and decision is None:
                                decision = upgrades.Decision(table.name, col.name, declared, chosen, affinity, evidence)
                            if decision:
                                decisions.append(decision)
                            if warning:
                                warnings.append(warning)
            for (table_name, column), target in overrides.items():
                types[(table_name, column)] = target
                col = next(t for _, t in source.tables() if t.name == table_name).column(column)
                decisions.append(upgrades.Decision(table_name, column, _declared(col), target, "given by --type", "--type"))
            transpiled: Transpiled = transpile(source, "postgresql", namespace, types)
            warnings += transpiled.warnings
            target_schema = transpiled.schema
        orphans = _orphans(reader, source, from_url) if source.dialect == "sqlite" else []
        if orphans and options.on_error == "report":
            target_schema = _not_valid_foreign_keys(target_schema, {(o["table"], tuple(o["columns"])) for o in orphans})
        bare, full = phases(target_schema)
        after = _after_rows_sql(bare, full) if dialect == "postgresql" else ""
        target_ns = full.namespaces[0] if full.namespaces else model.Namespace(namespace)
        tables = []
        for ns in source.namespaces:
            for table in ns.tables:
                to_table = _target_table(target_ns, table.name)
                key = reader.key_of(table)
                columns = []
                for to_col in to_table.columns:
                    if to_col.generated:
                        continue
                    try:
                        table.column(to_col.name)
                    except KeyError:
                        continue  # a TO column FROM lacks: its default fills it (checked by _from_model)
                    columns.append((to_col.name, to_col.type))
                identity = [c.name for c in to_table.columns if c.identity is not None or (c.default and c.default.kind == "sequence")]
                tables.append(TablePlan(table.name, to_table.name, key, columns, reader.count(table.name), identity,
                                        reader.sequence_floor(table.name)))
    finally:
        reader.close()
    if options.into_existing:
        # TO's foreign keys are in place already: parents are loaded before their children.
        tables = _parents_first(tables, target_ns)
    return CopyPlan(mask_url(from_url), mask_url(to_url), namespace, full, bare, tables, decisions, warnings, after, orphans,
                    dialect, source_namespace)


def _keys_holding_null(source: model.Schema, url: str) -> tuple[model.Schema, list[str]]:
    """FROM with each primary key that holds NULL made a UNIQUE constraint, and what was done.

    SQLite lets a primary key other than INTEGER PRIMARY KEY hold NULL unless its columns say
    NOT NULL (a documented quirk kept for compatibility): drizzle-orm's own
    `__drizzle_migrations (id SERIAL PRIMARY KEY)` has NULL in every row. PostgreSQL's primary
    key cannot; a UNIQUE constraint keeps every row and every other guarantee.
    """
    from migrator.data.endpoints import SQLiteReader

    reader = SQLiteReader(url)
    notes: list[str] = []
    try:
        namespaces = []
        for ns in source.namespaces:
            tables = []
            for table in ns.tables:
                pk = table.primary_key
                nullable = [c for c in (pk.columns if pk else ()) if table.column(c).nullable and table.column(c).identity is None]
                if nullable:
                    condition = " OR ".join(f"{upgrades.quote_sqlite(c)} IS NULL" for c in nullable)
                    held = reader.conn.execute(f"SELECT count(*) FROM {upgrades.quote_sqlite(table.name)} WHERE {condition}").fetchone()[0]
                    if held:
                        notes.append(f"{table.name}: primary key ({', '.join(pk.columns)}) holds NULL in {held} row(s), "
                                     "which SQLite allows and PostgreSQL does not: created as a UNIQUE constraint")
                        table = dataclasses.replace(table, primary_key=None, uniques=table.uniques + (
                            model.UniqueConstraint(pk.name, pk.columns),))
                tables.append(table)
            namespaces.append(dataclasses.replace(ns, tables=tuple(tables)))
    finally:
        reader.close()
    return dataclasses.replace(source, namespaces=tuple(namespaces)), notes


def _parents_first(tables: list[TablePlan], ns: model.Namespace) -> list[TablePlan]:
    """The tables in an order where each comes after the tables its foreign keys reference (cycles keep FROM's order)."""
    by_name = {t.target: t for t in tables}
    parents = {t.target: {fk.ref_table for fk in _target_table(ns, t.target).foreign_keys if fk.ref_table in by_name
                          and fk.ref_table != t.target} for t in tables}
    ordered: list[TablePlan] = []
    placed: set[str] = set()
    while len(ordered) < len(tables):
        ready = [t for t in tables if t.target not in placed and parents[t.target] <= placed]
        if not ready:  # a cycle: the rest in FROM's order; TO's deferrable keys, if any, let it through
            ready = [t for t in tables if t.target not in placed]
        for t in ready:
            ordered.append(t)
            placed.add(t.target)
    return ordered


def _declared(col: model.Column) -> str:
    from migrator.types import render_type

    return render_type(col.type, "sqlite") if col.type.name != "enum" else "enum"


def _only_tables(schema: model.Schema, wanted: tuple[str, ...]) -> tuple[model.Schema, list[str]]:
    """FROM with only the `--tables`, and what that leaves out: a foreign key to a table not copied."""
    if not wanted:
        return schema, []
    names = {t.name for _, t in schema.tables()}
    unknown = [w for w in wanted if w not in names]
    if unknown:
        raise BadInput(f"--tables: no table {', '.join(unknown)} in FROM")
    keep = set(wanted)
    notes: list[str] = []
    namespaces = []
    for ns in schema.namespaces:
        tables = []
        for t in ns.tables:
            if t.name not in keep:
                continue
            outside = [fk for fk in t.foreign_keys if fk.ref_table not in keep]
            notes += [f"{t.name}: foreign key ({', '.join(fk.columns)}) -> {fk.ref_table} left out: {fk.ref_table} is not "
                      "among --tables" for fk in outside]
            tables.append(dataclasses.replace(t, foreign_keys=tuple(fk for fk in t.foreign_keys if fk.ref_table in keep)))
        namespaces.append(dataclasses.replace(ns, tables=tuple(tables), views=()))
    return dataclasses.replace(schema, namespaces=tuple(namespaces)), notes


def _not_copied(source: model.Schema, url: str) -> list[str]:
    """What FROM holds that no copy carries: objects migrator has no model of (functions, triggers, …)."""
    left = [f"{o.kind} {o.name}" for ns in source.namespaces for o in ns.objects] + [f"{o.kind} {o.name}" for o in source.objects]
    if source.dialect == "sqlite":
        from migrator.data.endpoints import SQLiteReader

        reader = SQLiteReader(url)
        try:
            left += [f"trigger {name}" for (name,) in reader.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]
        finally:
            reader.close()
    if not left:
        return []
    return [f"not copied ({len(left)}; migrator has no model of them, create them in TO yourself): " + ", ".join(left)]


def _type_overrides(given: tuple[tuple[str, str], ...], source: model.Schema) -> dict[tuple[str, str], model.SqlType]:
    out = {}
    for path, type_text in given:
        table, sep, column = path.rpartition(".")
        if not sep or not table or not column:
            raise BadInput(f"--type {path}={type_text}: expected TABLE.COLUMN=TYPE")
        found = [t for _, t in source.tables() if t.name == table]
        if not found:
            raise BadInput(f"--type {path}={type_text}: no table {table} in FROM")
        try:
            found[0].column(column)
        except KeyError:
            raise BadInput(f"--type {path}={type_text}: no column {column} in {table}") from None
        try:
            out[(table, column)] = upgrades.overridden(type_text)
        except Exception:
            raise BadInput(f"--type {path}={type_text}: not a type migrator reads") from None
    return out


def _from_model(source: model.Schema, spec: str, namespace: str, warnings: list[str]) -> tuple[model.Schema, list[upgrades.Decision]]:
    """TO's schema from a model file, checked against FROM: every FROM column has a place, every TO-only column a value."""
    from migrator import inspect as sources

    given = sources.load(spec, sources.InspectOptions(include_bookkeeping=True))
    if given.dialect != "postgresql":
        raise BadInput(f"--schema-from {spec}: describes a {given.dialect} database; copy writes to PostgreSQL")
    tables = {t.name: t for _, t in given.tables()}
    decisions: list[upgrades.Decision] = []
    problems: list[str] = []
    kept: list[model.Table] = []
    for _, table in source.tables():
        to = tables.get(table.name)
        if to is None:
            if table.name in sources.BOOKKEEPING_TABLES:
                # A migration tool's own table travels as FROM has it: TO's migrations stay known as applied.
                alone = dataclasses.replace(source, namespaces=tuple(
                    dataclasses.replace(ns, tables=tuple(t for t in ns.tables if t.name == table.name), views=())
                    for ns in source.namespaces))
                kept += transpile(alone, "postgresql", namespace, {}).schema.namespaces[0].tables
                continue
            problems.append(f"table {table.name} is not in {spec}")
            continue
        for col in table.columns:
            try:
                to_col = to.column(col.name)
            except KeyError:
                problems.append(f"column {table.name}.{col.name} is not in {spec}")
                continue
            if to_col.type != col.type:
                decisions.append(upgrades.Decision(table.name, col.name, _declared(col), to_col.type,
                                                   f"the model file declares {to_col.type}", spec))
        for to_col in to.columns:
            if any(c.name == to_col.name for c in table.columns):
                continue
            if not to_col.nullable and to_col.default is None and to_col.identity is None and to_col.generated is None:
                problems.append(f"column {table.name}.{to_col.name} of {spec} is NOT NULL without a default and FROM has no values for it")
                continue
            filled = (f"filled by its default {to_col.default.value}" if to_col.default is not None and to_col.default.reaches_database
                      else "generated" if to_col.generated else "NULL in every copied row")
            decisions.append(upgrades.Decision(table.name, to_col.name, "(new)", to_col.type,
                                               f"a column FROM lacks, {filled}", spec))
        kept.append(to)
    for name in sorted(set(tables) - {t.name for _, t in source.tables()}):
        warnings.append(f"table {name} of {spec} is not in FROM: created empty")
        kept.append(tables[name])
    if problems:
        raise BadInput(f"--schema-from {spec}: {problems[0]}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    enums = tuple(e for ns in given.namespaces for e in ns.enums)
    schema = model.Schema(dialect="postgresql", namespaces=(model.Namespace(namespace, tables=tuple(kept), enums=enums),),
                          extensions=given.extensions, source=given.source)
    schema = _renamespace(schema, namespace)
    return model.without_client_defaults(schema).canonical(), decisions


def _renamespace(schema: model.Schema, namespace: str) -> model.Schema:
    ns = schema.namespaces[0]
    tables = tuple(dataclasses.replace(t, foreign_keys=tuple(dataclasses.replace(fk, ref_schema=namespace) for fk in t.foreign_keys),
                                       columns=tuple(_enum_in(c, namespace) for c in t.columns))
                   for t in ns.tables)
    return dataclasses.replace(schema, namespaces=(dataclasses.replace(ns, tables=tables),))


def _enum_in(col: model.Column, namespace: str) -> model.Column:
    if col.type.name != "enum" or not col.type.enum:
        return col
    name = col.type.enum.rpartition(".")[2]
    return dataclasses.replace(col, type=dataclasses.replace(col.type, enum=f"{namespace}.{name}"))


def _target_table(ns: model.Namespace, name: str) -> model.Table:
    try:
        return ns.table(name)
    except KeyError:
        raise BadInput(f"table {name}: no place for it in TO's schema") from None


def _after_rows_sql(bare: model.Schema, full: model.Schema) -> str:
    from migrator.render.ddl import render_changes_sql
    from migrator.verify.diff import compare
    from migrator.verify.hazards import assess

    return render_changes_sql(assess(compare(bare, full), "postgresql"), "postgresql", from_schema=bare, to_schema=full)


def _orphans(reader, source: model.Schema, url: str) -> list[dict[str, Any]]:
    """Rows of FROM whose foreign key names a parent row FROM does not have (PRAGMA foreign_key_check).

    The check reads every child row and looks its parent up (0.6 s per million rows): the
    tables are checked two at a time, on connections of their own (SQLite runs without the GIL).
    """
    from concurrent.futures import ThreadPoolExecutor

    from migrator.data.endpoints import SQLiteReader

    children = [t for _, t in source.tables() if t.foreign_keys]

    def check(table: model.Table) -> list[tuple]:
        own = SQLiteReader(url)
        try:
            return own.foreign_key_violations(table.name)
        finally:
            own.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        found = list(pool.map(check, children))
    out = []
    for table, violations in zip(children, found):
        fks = list(reversed(table.foreign_keys))  # PRAGMA numbers a table's foreign keys from its last one
        for child, rowid, parent, fk_id in violations:
            fk = _fk_by_pragma_id(reader, table.name, fk_id, fks)
            values = {}
            if fk is not None and rowid is not None:
                cols = ", ".join(upgrades.quote_sqlite(c) for c in fk.columns)
                row = reader.conn.execute(f"SELECT {cols} FROM {upgrades.quote_sqlite(child)} WHERE rowid = ?", (rowid,)).fetchone()
                values = dict(zip(fk.columns, row)) if row else {}
            key = {"rowid": rowid}
            if table.primary_key and rowid is not None:
                cols = ", ".join(upgrades.quote_sqlite(c) for c in table.primary_key.columns)
                row = reader.conn.execute(f"SELECT {cols} FROM {upgrades.quote_sqlite(child)} WHERE rowid = ?", (rowid,)).fetchone()
                key = dict(zip(table.primary_key.columns, row)) if row else key
            out.append({"table": child, "key": key, "parent": parent, "columns": list(fk.columns) if fk else [],
                        "values": values})
    return out


def _fk_by_pragma_id(reader, table: str, fk_id: int, fks: list[model.ForeignKey]) -> model.ForeignKey | None:
    rows = reader.conn.execute(f"PRAGMA foreign_key_list({upgrades.quote_sqlite(table)})").fetchall()
    columns = tuple(r[3] for r in rows if r[0] == fk_id)
    for fk in fks:
        if fk.columns == columns:
            return fk
    return None


def _not_valid_foreign_keys(schema: model.Schema, failing: set[tuple[str, str | None]]) -> model.Schema:
    namespaces = []
    for ns in schema.namespaces:
        tables = tuple(dataclasses.replace(t, foreign_keys=tuple(dataclasses.replace(fk, not_valid=True)
                                                                 if (t.name, fk.columns) in failing else fk for fk in t.foreign_keys))
                       for t in ns.tables)
        namespaces.append(dataclasses.replace(ns, tables=tables))
    return dataclasses.replace(schema, namespaces=tuple(namespaces))


# ---------------------------------------------------------------------------
# Run


def run(from_url: str, to_url: str, options: CopyOptions, progress: Progress | None = None,
        copy_plan: CopyPlan | None = None, announce: Callable[[], None] | None = None) -> CopyResult:
    """Carry out the plan; returns what was copied. Raises BadInput at the first refused value (on_error stop).

    `announce` is called once TO is reached and its schema prepared, before the first row moves.
    """
    started = time.monotonic()
    the_plan = copy_plan or plan(from_url, to_url, options)
    if the_plan.dialect == "sqlite":
        from migrator import inspect as sources
        from migrator.data import into_sqlite

        source, _ = _only_tables(sources.load(from_url, sources.InspectOptions(include_bookkeeping=True)), options.tables)
        return into_sqlite.run(the_plan, from_url, to_url, options, source, progress, announce)
    if the_plan.orphans and options.on_error == "stop":
        o = the_plan.orphans[0]
        values = ", ".join(f"{k}={v!r}" for k, v in o["values"].items())
        where = ", ".join(f"{k}={v!r}" for k, v in o["key"].items())
        raise BadInput(f"{o['table']} ({where}): {values} has no parent row in {o['parent']} "
                       f"({len(the_plan.orphans)} such rows in FROM; --on-error report copies them and creates the "
                       "foreign key NOT VALID)")
    conn = _target_connection(to_url)
    reader = reader_for(from_url, the_plan.schema if is_postgres(from_url) else model.Schema("sqlite"))
    if is_postgres(from_url):
        reader.namespace = the_plan.source_namespace
    rejects: list[dict[str, Any]] = []
    results: list[TableResult] = []
    try:
        _session(conn, options)
        checkpoint = Checkpoint(conn, the_plan.namespace)
        state = _start(conn, checkpoint, the_plan, options, from_url)
        if announce:
            announce()
        try:
            results = _copy_tables(conn, reader, checkpoint, the_plan, options, state, rejects, progress, from_url, to_url)
        except MigratorError as exc:
            committed = [name for name, saved in checkpoint.read().items() if saved["rows"] or saved["done"]]
            if not committed:
                checkpoint.drop()  # nothing to resume: a new run starts afresh
                raise
            raise type(exc)(f"{exc}; the rows of {len(committed)} table(s) are committed: run again with --resume "
                            "to go on from there") from None
        if not options.into_existing and not checkpoint.phase_done("after rows"):
            with conn.transaction():
                if the_plan.after_rows_sql.strip():
                    _execute_after_rows(conn, the_plan.after_rows_sql)
                checkpoint.mark_phase("after rows")
        _set_identities(conn, the_plan)
        checkpoint.drop()
    finally:
        reader.close()
        conn.close()
    for o in the_plan.orphans:
        rejects.append({"table": o["table"], "key": o["key"], "column": ", ".join(o["columns"]), "value": o["values"],
                        "reason": f"no parent row in {o['parent']}: copied, and the foreign key ({', '.join(o['columns'])}) "
                                  "created NOT VALID"})
    rejects_path = None
    if rejects:
        from migrator.files import atomic_write

        rejects_path = options.rejects or Path("migrator-rejects.jsonl")
        atomic_write(rejects_path, "".join(json.dumps(r, default=str, ensure_ascii=False) + "\n" for r in rejects))
    return CopyResult(the_plan, results, rejects, rejects_path, time.monotonic() - started)


def _copy_tables(conn, reader, checkpoint: Checkpoint, the_plan: CopyPlan, options: CopyOptions, state: dict,
                 rejects: list, progress: Progress | None, from_url: str, to_url: str) -> list[TableResult]:
    """Every table's rows, `options.jobs` tables at a time (largest first), each worker on connections of its own.

    One process builds SQLite's lines while PostgreSQL parses the previous ones, so even two
    jobs on two CPUs overlap more. --into-existing loads one table at a time, parents first.
    """
    results: dict[str, TableResult] = {}
    todo = []
    for table in the_plan.tables:
        done = state.get(table.target)
        if done is not None and done["done"]:
            results[table.target] = TableResult(table.target, done["rows"], 0.0, skipped=True)
        else:
            todo.append(table)
    jobs = 1 if options.into_existing else max(1, min(options.jobs or min(4, os.cpu_count() or 1), len(todo)))
    tally = _Tally(progress, sum(t.rows for t in todo))
    if jobs == 1:
        for table in todo:
            results[table.target] = _copy_table(conn, reader, checkpoint, the_plan, table, options, state.get(table.target),
                                                rejects, tally.for_table(table.target))
        return [results[t.target] for t in the_plan.tables]
    queue = sorted(todo, key=lambda t: -t.rows)
    lock = threading.Lock()
    stop = threading.Event()
    errors: list[BaseException] = []
    connections: list[Any] = []

    def worker() -> None:
        own_conn = own_reader = None
        try:
            own_conn = _target_connection(to_url)
            with lock:
                connections.append(own_conn)
            _session(own_conn, options)
            own_reader = reader_for(from_url, the_plan.schema if is_postgres(from_url) else model.Schema("sqlite"))
            if is_postgres(from_url):
                own_reader.namespace = the_plan.source_namespace
            own_checkpoint = Checkpoint(own_conn, the_plan.namespace)
            while not stop.is_set():
                with lock:
                    if not queue:
                        return
                    table = queue.pop(0)
                results[table.target] = _copy_table(own_conn, own_reader, own_checkpoint, the_plan, table, options,
                                                    state.get(table.target), rejects, tally.for_table(table.target))
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which raises it
            if not stop.is_set():
                errors.append(exc)
            stop.set()
        finally:
            if own_reader is not None:
                own_reader.close()
            if own_conn is not None:
                own_conn.close()

    threads = [threading.Thread(target=worker, name=f"copy-{i}", daemon=True) for i in range(jobs)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except KeyboardInterrupt:
        stop.set()
        with lock:
            for c in connections:
                try:
                    c.cancel_safe()  # the COPY under way stops; its transaction rolls back
                except Exception:  # noqa: BLE001 - a connection already closed
                    pass
        for thread in threads:
            thread.join()
        raise
    if errors:
        raise errors[0]
    return [results[t.target] for t in the_plan.tables]


class _Tally:
    """One progress bar for tables copied side by side: rows done over rows to do, with the rate."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = max(total, 1)
        self.done: dict[str, int] = {}
        self.started = time.monotonic()
        self.lock = threading.Lock()

    def for_table(self, name: str) -> Progress | None:
        if self.progress is None:
            return None

        def report(label: str, done: int, total: int) -> None:
            with self.lock:
                self.done[name] = done
                rows = sum(self.done.values())
            elapsed = time.monotonic() - self.started
            rate = f" ({rows / elapsed:,.0f} rows/s)" if elapsed > 1 else ""
            self.progress(f"copy {name}{rate}", rows, max(self.total, rows))

        return report


def _target_connection(url: str):
    """A writing connection to TO, creating TO's database when the server has none of that name."""
    try:
        return pg_writer(url)
    except BadInput as exc:
        if "does not exist" not in str(exc):
            raise
    import psycopg
    from psycopg import sql

    from migrator.inspect.postgres import _driver_conninfo

    params = psycopg.conninfo.conninfo_to_dict(_driver_conninfo(url))
    name = params.get("dbname")
    admin = pg_writer(psycopg.conninfo.make_conninfo(_driver_conninfo(url), dbname="postgres"))
    try:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise BadInput(f"{mask_url(url)}: cannot create database {name}: {exc.diag.message_primary or exc}") from None
    finally:
        admin.close()
    return pg_writer(url)


def _session(conn, options: CopyOptions) -> None:
    import psycopg

    try:
        # Text timestamps without an offset are read in the assumed zone.
        conn.execute("SELECT set_config('TimeZone', %s, false)", (options.assume_tz,))
    except psycopg.Error:
        raise BadInput(f"--assume-tz {options.assume_tz}: not a time zone PostgreSQL knows") from None
    # A checkpoint commits with its rows: a crash can lose only work the next --resume redoes.
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET maintenance_work_mem = '256MB'")


class Checkpoint:
    """`_migrator_copy` in TO: per table, the rows committed and the last key; dropped when the copy ends."""

    def __init__(self, conn, namespace: str) -> None:
        from psycopg import sql

        self.conn = conn
        self.name = sql.Identifier(namespace, CHECKPOINT_TABLE)
        self.namespace = namespace

    def exists(self) -> bool:
        return self.conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                                 (f'{_quote(self.namespace)}.{_quote(CHECKPOINT_TABLE)}',)).fetchone()[0]

    def create(self, source: str) -> None:
        from psycopg import sql

        self.conn.execute(sql.SQL("CREATE TABLE {} (name text PRIMARY KEY, rows bigint NOT NULL DEFAULT 0, "
                                  "last_key jsonb, done boolean NOT NULL DEFAULT false, source text)").format(self.name))
        self.conn.execute(sql.SQL("INSERT INTO {} (name, source) VALUES ('', %s)").format(self.name), (source,))

    def source(self) -> str | None:
        from psycopg import sql

        row = self.conn.execute(sql.SQL("SELECT source FROM {} WHERE name = ''").format(self.name)).fetchone()
        return row[0] if row else None

    def read(self) -> dict[str, dict[str, Any]]:
        from psycopg import sql

        rows = self.conn.execute(sql.SQL("SELECT name, rows, last_key, done FROM {} WHERE name <> ''").format(self.name)).fetchall()
        return {name: {"rows": n, "last_key": key, "done": done} for name, n, key, done in rows}

    def save(self, table: str, rows: int, last_key: Any, done: bool) -> None:
        from psycopg import sql

        self.conn.execute(sql.SQL("INSERT INTO {} (name, rows, last_key, done) VALUES (%s, %s, %s, %s) "
                                  "ON CONFLICT (name) DO UPDATE SET rows = EXCLUDED.rows, last_key = EXCLUDED.last_key, "
                                  "done = EXCLUDED.done").format(self.name),
                          (table, rows, json.dumps(last_key, default=str) if last_key is not None else None, done))

    def phase_done(self, phase: str) -> bool:
        from psycopg import sql

        if not self.exists():
            return False
        row = self.conn.execute(sql.SQL("SELECT done FROM {} WHERE name = %s").format(self.name), ("phase:" + phase,)).fetchone()
        return bool(row and row[0])

    def mark_phase(self, phase: str) -> None:
        self.save("phase:" + phase, 0, None, True)

    def drop(self) -> None:
        from psycopg import sql

        self.conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(self.name))


def _start(conn, checkpoint: Checkpoint, the_plan: CopyPlan, options: CopyOptions, from_url: str) -> dict[str, dict[str, Any]]:
    """Create TO's schema and checkpoint (or find them, with --resume); the tables already copied."""
    from psycopg import sql

    if options.resume:
        if not checkpoint.exists():
            raise BadInput(f"--resume: {the_plan.target} has no copy to resume (no {the_plan.namespace}.{CHECKPOINT_TABLE})")
        if checkpoint.source() != mask_url(from_url):
            raise BadInput(f"--resume: the copy in {the_plan.target} was from {checkpoint.source()}, not {mask_url(from_url)}")
        return {k: v for k, v in checkpoint.read().items() if not k.startswith("phase:")}
    existing = _existing_tables(conn, the_plan.namespace)
    if checkpoint.exists() or CHECKPOINT_TABLE in existing:
        raise BadInput(f"{the_plan.target}: an unfinished copy is there ({the_plan.namespace}.{CHECKPOINT_TABLE}); "
                       "--resume continues it")
    wanted = [t.target for t in the_plan.tables]
    clash = sorted(set(wanted) & existing)
    if clash and not options.into_existing:
        raise BadInput(f"{the_plan.target}: schema {the_plan.namespace} already has table {clash[0]}"
                       + (f" and {len(clash) - 1} more" if len(clash) > 1 else "")
                       + "; copy into a new database or --schema, or --into-existing")
    if options.into_existing:
        _require_no_difference(the_plan, conn)
    with conn.transaction():
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(the_plan.namespace)))
        if not options.into_existing:
            for statement in the_plan.prelude_sql():
                _create(conn, statement, "the types the tables use")
        checkpoint.create(mask_url(from_url))
    return {}


def _existing_tables(conn, namespace: str) -> set[str]:
    rows = conn.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')", (namespace,)).fetchall()
    return {r[0] for r in rows}


def _require_no_difference(the_plan: CopyPlan, conn) -> None:
    from migrator.inspect import InspectOptions
    from migrator.inspect.postgres import inspect_connection
    from migrator.verify.diff import CompareOptions, compare

    live = inspect_connection(conn, InspectOptions(schemas=(the_plan.namespace,)), the_plan.target)
    live_tables = {t.name for _, t in live.tables()}
    wanted = dataclasses.replace(the_plan.schema, namespaces=tuple(
        dataclasses.replace(ns, tables=tuple(t for t in ns.tables if t.name in live_tables) + tuple(
            t for t in ns.tables if t.name not in live_tables)) for ns in the_plan.schema.namespaces))
    diff = compare(wanted, live, CompareOptions())
    if diff.changes:
        from migrator.render.diff_text import render_diff_text

        first = diff.changes[0]
        raise BadInput(f"--into-existing: TO differs from FROM's schema as copy would create it "
                       f"({len(diff.changes)} changes, first: {first.path}: {first.kind}); "
                       f"run `migrator diff` on them\n{render_diff_text(diff, 100)}")


def _copy_table(conn, reader, checkpoint: Checkpoint, the_plan: CopyPlan, table: TablePlan, options: CopyOptions,
                state: dict[str, Any] | None, rejects: list[dict[str, Any]], progress: Progress | None) -> TableResult:
    from psycopg import sql

    started = time.monotonic()
    rows = state["rows"] if state else 0
    after = tuple(state["last_key"]) if state and state.get("last_key") is not None else None
    created = state is not None  # a saved range means the table was created with it
    rejected = 0
    chunk = options.chunk_rows if options.chunk_rows and table.key else None
    while True:
        upto = reader.range_end(table.source, table.key, after, chunk) if chunk else None
        with conn.transaction():
            new = not created and not options.into_existing
            if new:
                for statement in the_plan.table_sql(table.target):
                    _create(conn, statement, table.target)
                created = True
            copied, refused = _load_range(conn, reader, the_plan, table, after, upto, options, freeze=new,
                                          rejects=rejects, progress=progress, done_before=rows)
            rows += copied
            rejected += refused
            last = _jsonable(upto) if upto is not None else None
            checkpoint.save(table.target, rows, last, done=upto is None)
        if upto is None:
            break
        after = upto
    return TableResult(table.target, rows, time.monotonic() - started, rejected)


def _create(conn, statement: str, what: str) -> None:
    """A CREATE of TO's schema; PostgreSQL refusing it (a --type it has no such type for) is bad input."""
    import psycopg

    try:
        conn.execute(statement)
    except psycopg.Error as exc:
        diag = getattr(exc, "diag", None)
        reason = (diag.message_primary if diag and diag.message_primary else str(exc).splitlines()[0]).strip()
        first = " ".join(statement.split())[:120]
        raise BadInput(f"creating {what} in TO failed: {reason} (`{first}`)") from None


def _jsonable(key: tuple) -> list:
    return [v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else v for v in key]


def _load_range(conn, reader, the_plan: CopyPlan, table: TablePlan, after, upto, options: CopyOptions, *, freeze: bool,
                rejects: list, progress: Progress | None, done_before: int) -> tuple[int, int]:
    """COPY one key range; on a refused value, stop with it or (report) load the range again around it."""
    import psycopg

    careful = options.on_error == "report"
    # FREEZE needs the COPY in the very (sub)transaction that created the table: not inside the
    # savepoint that --on-error report needs to load a refused range again.
    copy_sql = _copy_statement(the_plan.namespace, table, freeze and not careful)
    count = 0
    try:
        with conn.transaction() if careful else contextlib.nullcontext():
            with conn.cursor() as cur, cur.copy(copy_sql) as copy:
                for batch in reader.lines(table.source, table.key, table.columns, after, upto):
                    copy.write(b"".join(batch))
                    count += len(batch)
                    if progress:
                        progress(f"copy {table.target}", done_before + count, max(table.rows, done_before + count))
        return count, 0
    except psycopg.Error as exc:
        if options.on_error == "stop" or not isinstance(exc, (psycopg.errors.DataError, psycopg.errors.IntegrityError)):
            raise _refused(exc, reader, table, after) from None
    return _load_carefully(conn, reader, the_plan, table, after, upto, rejects)


def _copy_statement(namespace: str, table: TablePlan, freeze: bool):
    from psycopg import sql

    columns = sql.SQL(", ").join(sql.Identifier(c) for c, _ in table.columns)
    # FREEZE: the table was created in this transaction, so its rows may be written already frozen.
    options = sql.SQL(" (FREEZE)") if freeze else sql.SQL("")
    return sql.SQL("COPY {} ({}) FROM STDIN{}").format(sql.Identifier(namespace, table.target), columns, options)


_LINE_RE = re.compile(r"COPY [^,]+, line (\d+)(?:, column ([^:]+))?")


def _refused(exc, reader, table: TablePlan, after) -> MigratorError:
    """The first refused value as one line: table, key, column and PostgreSQL's reason (which quotes the value)."""
    diag = getattr(exc, "diag", None)
    message = (diag.message_primary if diag and diag.message_primary else str(exc)).strip()
    context = (diag.context or "") if diag else ""
    match = _LINE_RE.search(context)
    where = table.source
    if match:
        line = int(match.group(1))
        key = reader.key_at(table.source, table.key, after, line - 1) if table.key else None
        if key is not None:
            where += " (" + ", ".join(f"{k}={_show(v)}" for k, v in zip(table.key, key)) + ")"
        else:
            where += f" (row {line} of the range)"
        if match.group(2):
            where += f", column {match.group(2).strip()}"
    if diag and diag.message_detail:
        message += f" ({diag.message_detail.strip()})"
    return BadInput(f"copy stopped at {where}: {message}; nothing of {table.target} was kept "
                    "(--on-error report writes refused rows to a rejects file and goes on)")


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return repr(value) if isinstance(value, str) else str(value)


def _load_carefully(conn, reader, the_plan: CopyPlan, table: TablePlan, after, upto, rejects: list) -> tuple[int, int]:
    """The range again, batch by batch in savepoints, halving a refused batch down to its refused rows."""
    import psycopg

    copy_sql = _copy_statement(the_plan.namespace, table, False)
    loaded = refused = 0
    position = 0  # rows of the range read so far: a refused row's key is found by its position

    def load(lines: list[bytes], first: int) -> None:
        nonlocal loaded, refused
        try:
            with conn.transaction():
                with conn.cursor() as cur, cur.copy(copy_sql) as copy:
                    copy.write(b"".join(lines))
            loaded += len(lines)
        except psycopg.Error as exc:
            if len(lines) > 1:
                half = len(lines) // 2
                load(lines[:half], first)
                load(lines[half:], first + half)
                return
            refused += 1
            key = reader.key_at(table.source, table.key, after, first) if table.key else None
            diag = getattr(exc, "diag", None)
            match = _LINE_RE.search((diag.context or "") if diag else "")
            rejects.append({
                "table": table.source,
                "key": dict(zip(table.key, _jsonable(key))) if key is not None else {"position": first},
                "column": match.group(2).strip() if match and match.group(2) else None,
                "value": _fields(lines[0], table),
                "reason": (diag.message_primary if diag and diag.message_primary else str(exc)).strip(),
            })

    for batch in reader.lines(table.source, table.key, table.columns, after, upto):
        load(batch, position)
        position += len(batch)
    return loaded, refused


def _fields(line: bytes, table: TablePlan) -> dict[str, Any]:
    """A COPY line back to column -> text (None for NULL), for the rejects file."""
    values = line.rstrip(b"\n").split(b"\t")
    out = {}
    for (name, _), raw in zip(table.columns, values):
        text = raw.decode("utf-8", "replace")
        out[name] = None if text == r"\N" else (text.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r")
                                                .replace("\\\\", "\\"))
    return out


def _execute_after_rows(conn, script: str) -> None:
    import psycopg

    from migrator.sqltext import split_statements, strip_comments

    for item in split_statements(script):
        statement = item.text
        if statement.strip().rstrip(";").upper() in ("BEGIN", "COMMIT"):
            continue
        try:
            conn.execute(statement)
        except psycopg.Error as exc:
            diag = getattr(exc, "diag", None)
            detail = f" ({diag.message_detail})" if diag and diag.message_detail else ""
            first = strip_comments(statement).strip().splitlines()[0]
            raise BadInput(f"after the rows, `{first}` failed: {(diag.message_primary if diag else str(exc))}{detail}; "
                           "the rows are copied: fix FROM's data or the schema and run again with --resume") from None


def _set_identities(conn, the_plan: CopyPlan) -> None:
    """Each identity's next value past max(id) and past what SQLite's AUTOINCREMENT already handed out."""
    from psycopg import sql

    for table in the_plan.tables:
        for column in table.identity:
            qualified = f"{_quote(the_plan.namespace)}.{_quote(table.target)}"
            top = conn.execute(sql.SQL("SELECT max({}) FROM {}").format(sql.Identifier(column),
                                                                         sql.Identifier(the_plan.namespace, table.target))).fetchone()[0]
            floor = max(v for v in (top, table.sequence_floor) if v is not None) if (top is not None or table.sequence_floor) else None
            if floor is None:
                continue
            conn.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s, true)", (qualified, column, int(floor)))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
