"""`migrator copy postgresql://… sqlite:///…`: a PostgreSQL schema and its rows into a new SQLite file.

The way back of a move (a local copy of production for development, a test fixture, a
rollback path). SQLite has few types, so each PostgreSQL kind becomes the storage that
keeps its value exactly (STORAGE, a data table): uuid, JSON, enums, arrays and intervals
as TEXT (TEXT affinity: a JSON "123" stays text), timestamps as ISO-8601 text in UTC,
booleans as 0/1, bytea as BLOB. PostgreSQL computes each stored form itself (the SELECT
list), so Python only moves tuples.

SQLite cannot add a key or a check to an existing table, so tables are created whole,
the rows inserted one transaction per table (a checkpoint row in `_migrator_copy` in the
same transaction, for --resume), and indexes built after the rows. A value SQLite would
change (NaN, which it stores as NULL) is refused, never stored changed.
"""

from __future__ import annotations

import dataclasses
import math
import sqlite3
import time
from typing import Callable

from migrator import schema as model
from migrator.errors import BadInput

# PostgreSQL kind -> (SQLite canonical type, SELECT expression giving the stored value; a psycopg
# sql.SQL template: {c} is the column, {{}} a literal pair of braces).
STORAGE: dict[str, tuple[model.SqlType | None, str]] = {
    "boolean": (None, "{c}::int"),
    "uuid": (model.SqlType("text"), "{c}::text"),
    "json": (model.SqlType("text"), "{c}::text"),
    "jsonb": (model.SqlType("text"), "{c}::text"),
    "enum": (model.SqlType("text"), "{c}::text"),
    "interval": (model.SqlType("text"), "{c}::text"),
    "numeric": (None, "{c}::text"),
    "timestamp": (None, "to_json({c}) #>> '{{}}'"),  # ISO-8601; UTC for timestamptz (the session's zone)
    "date": (None, "{c}::text"),
    "time": (None, "{c}::text"),
}
TEXT_STORAGE = (model.SqlType("text"), "{c}::text")  # arrays and types SQLite has no name for
NATIVE = frozenset({"smallint", "integer", "bigint", "text", "varchar", "char", "double", "real", "bytes"})
BATCH_ROWS = 5000


def storage(column_type: model.SqlType) -> tuple[model.SqlType, str]:
    if column_type.array:
        return TEXT_STORAGE
    if column_type.name in NATIVE:
        return column_type, "{c}"
    target, expression = STORAGE.get(column_type.name, TEXT_STORAGE)
    return (target or column_type), expression


def sqlite_types(source: model.Schema) -> dict[tuple[str, str], model.SqlType]:
    return {(t.name, c.name): storage(c.type)[0] for _, t in source.tables() for c in t.columns}


def usable_default(expression: str) -> bool:
    """Whether SQLite can evaluate a carried default (sqlglot may name a function SQLite lacks)."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute(f"SELECT {expression}")
        return True
    except sqlite3.Error:
        return False
    finally:
        probe.close()


def checked_defaults(schema: model.Schema, warnings: list[str]) -> model.Schema:
    namespaces = []
    for ns in schema.namespaces:
        tables = []
        for t in ns.tables:
            columns = []
            for c in t.columns:
                if c.default is not None and c.default.kind == "expression" and not usable_default(c.default.value):
                    warnings.append(f"{t.name}.{c.name}: default ({c.default.value}) is not something SQLite can "
                                    "evaluate; left out")
                    c = dataclasses.replace(c, default=None)
                columns.append(c)
            tables.append(dataclasses.replace(t, columns=tuple(columns)))
        namespaces.append(dataclasses.replace(ns, tables=tuple(tables)))
    return dataclasses.replace(schema, namespaces=tuple(namespaces))


def run(the_plan, from_url: str, to_url: str, options, source: model.Schema, progress: Callable | None,
        announce: Callable | None):
    """Carry out a PostgreSQL -> SQLite plan (migrator.data.copy.plan built it); returns copy.CopyResult."""
    from psycopg import sql

    from migrator.data.copy import CHECKPOINT_TABLE, CopyResult, TableResult
    from migrator.data.endpoints import sqlite_path
    from migrator.inspect.postgres import connect
    from migrator.render.sql import statements

    started = time.monotonic()
    path = sqlite_path(to_url)
    try:
        target = sqlite3.connect(path, isolation_level=None)
        target.execute("SELECT 1 FROM sqlite_master LIMIT 1")
    except sqlite3.Error as exc:
        raise BadInput(f"{the_plan.target}: cannot open it as a SQLite database: {exc}") from None
    target.execute("PRAGMA foreign_keys = OFF")  # rows arrive table by table, parents not always first
    existing = {r[0] for r in target.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    ddl = statements(the_plan.schema, "sqlite")
    tables_sql = [s for s in ddl if not s.lstrip().upper().startswith(("CREATE INDEX", "CREATE UNIQUE INDEX"))]
    index_sql = [s for s in ddl if s not in tables_sql]
    state: dict[str, bool] = {}
    if options.resume:
        if CHECKPOINT_TABLE not in existing:
            raise BadInput(f"--resume: {the_plan.target} has no copy to resume (no {CHECKPOINT_TABLE})")
        state = {name: bool(done) for name, done in target.execute(f'SELECT name, done FROM "{CHECKPOINT_TABLE}"')}
    else:
        if CHECKPOINT_TABLE in existing:
            raise BadInput(f"{the_plan.target}: an unfinished copy is there ({CHECKPOINT_TABLE}); --resume continues it")
        clash = sorted({t.target for t in the_plan.tables} & existing)
        if clash:
            raise BadInput(f"{the_plan.target}: already has table {clash[0]}; copy into a new file")
        target.execute("BEGIN")
        for statement in tables_sql:
            target.execute(statement)
        target.execute(f'CREATE TABLE "{CHECKPOINT_TABLE}" (name TEXT PRIMARY KEY, rows INTEGER, done INTEGER)')
        target.execute("COMMIT")
    if announce:
        announce()
    pg = connect(from_url)
    pg.execute("SET TimeZone = 'UTC'")
    results = []
    try:
        for table in the_plan.tables:
            if state.get(table.target):
                results.append(TableResult(table.target, 0, 0.0, skipped=True))
                continue
            begun = time.monotonic()
            columns = [c for c, _ in table.columns]
            from_table = next(t for _, t in source.tables() if t.name == table.source)
            select = sql.SQL(", ").join(
                sql.SQL(storage(from_table.column(c).type)[1]).format(c=sql.Identifier(c)) for c in columns)
            order = sql.SQL(", ").join(map(sql.Identifier, table.key)) if table.key else sql.SQL("1")
            query = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(select, sql.Identifier(the_plan.source_namespace, table.source), order)
            placeholders = ", ".join("?" * len(columns))
            quoted = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
            insert = f'INSERT INTO "{table.target}" ({quoted}) VALUES ({placeholders})'
            floats = [i for i, c in enumerate(columns) if from_table.column(c).type.name in ("double", "real")]
            count = 0
            target.execute("BEGIN")
            try:
                target.execute(f'DELETE FROM "{table.target}"')  # a table an interrupted run began
                with pg.transaction(), pg.cursor(name="migrator_copy") as cur:
                    cur.itersize = BATCH_ROWS
                    cur.execute(query)
                    while True:
                        rows = cur.fetchmany(BATCH_ROWS)
                        if not rows:
                            break
                        if floats:
                            _refuse_nan(rows, floats, columns, table)
                        target.executemany(insert, rows)
                        count += len(rows)
                        if progress:
                            progress(f"copy {table.target}", count, max(count, table.rows))
                target.execute(f'INSERT OR REPLACE INTO "{CHECKPOINT_TABLE}" VALUES (?, ?, 1)', (table.target, count))
                target.execute("COMMIT")
            except sqlite3.Error as exc:
                target.execute("ROLLBACK")
                raise BadInput(f"copy stopped at {table.target}: SQLite refused a row: {exc}") from None
            except BaseException:
                target.execute("ROLLBACK")
                raise
            results.append(TableResult(table.target, count, time.monotonic() - begun))
        for statement in index_sql:
            target.execute(f"{statement.replace('CREATE INDEX', 'CREATE INDEX IF NOT EXISTS', 1).replace('CREATE UNIQUE INDEX', 'CREATE UNIQUE INDEX IF NOT EXISTS', 1)}")
        target.execute(f'DROP TABLE "{CHECKPOINT_TABLE}"')
    finally:
        pg.close()
        target.close()
    return CopyResult(the_plan, results, [], None, time.monotonic() - started)


def _refuse_nan(rows: list[tuple], floats: list[int], columns: list[str], table) -> None:
    for row in rows:
        for i in floats:
            value = row[i]
            if isinstance(value, float) and math.isnan(value):
                key = ", ".join(f"{k}={row[columns.index(k)]!r}" for k in table.key if k in columns)
                raise BadInput(f"copy stopped at {table.target} ({key}), column {columns[i]}: NaN, which SQLite "
                               "would store as NULL")


__all__ = ["run", "storage", "sqlite_types", "checked_defaults"]
