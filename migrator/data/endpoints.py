"""The two ends of a copy: where rows are read (SQLite, PostgreSQL) and where they are written.

A reader gives a table's rows as PostgreSQL COPY text lines in key order, a range of keys at
a time (`after` excluded, `upto` included), so that a copy can commit and checkpoint per
range and resume after the last committed key. It also answers the questions a plan and
an error message need: row counts, a range's end, and the key of the n-th row of a range
(PostgreSQL reports a refused value by its line in the COPY stream).

Identifiers are always quoted and keys always passed as parameters.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from migrator import schema as model
from migrator.data import rowtext
from migrator.data.upgrades import quote_sqlite
from migrator.errors import BadInput

BATCH_ROWS = 5000


def sqlite_path(url: str) -> str:
    from migrator.inspect.sqlite import database_path

    return database_path(url)


def is_sqlite(url: str) -> bool:
    return url.startswith(("sqlite:", "libsql:", "file:")) or url.endswith((".db", ".sqlite", ".sqlite3"))


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://", "postgresql+"))


def pg_writer(url: str):
    """An autocommit psycopg connection that may write (transactions are opened explicitly)."""
    from migrator.inspect.postgres import connect

    conn = connect(url)
    conn.read_only = False
    return conn


class SQLiteReader:
    """Rows of a SQLite file as COPY text, built by SQLite (migrator.data.rowtext)."""

    def __init__(self, url: str) -> None:
        from migrator.inspect.sqlite import open_read_only

        self.conn = open_read_only(url)
        rowtext.register_functions(self.conn)

    def close(self) -> None:
        self.conn.close()

    @staticmethod
    def key_of(table: model.Table) -> list[str]:
        """The columns rows are ordered and ranged by: the primary key, else the rowid."""
        return list(table.primary_key.columns) if table.primary_key else ["rowid"]

    def _key_sql(self, key: list[str]) -> str:
        return ", ".join(quote_sqlite(k) if k != "rowid" else "rowid" for k in key)

    def _range(self, key: list[str], after: Sequence[Any] | None, upto: Sequence[Any] | None) -> tuple[str, list[Any]]:
        cols = self._key_sql(key)
        lhs = f"({cols})" if len(key) > 1 else cols
        conditions, params = [], []
        if after is not None:
            conditions.append(f"{lhs} > ({', '.join('?' * len(key))})" if len(key) > 1 else f"{lhs} > ?")
            params += list(after)
        if upto is not None:
            conditions.append(f"{lhs} <= ({', '.join('?' * len(key))})" if len(key) > 1 else f"{lhs} <= ?")
            params += list(upto)
        return (" WHERE " + " AND ".join(conditions)) if conditions else "", params

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {quote_sqlite(table)}").fetchone()[0]

    def range_end(self, table: str, key: list[str], after: Sequence[Any] | None, rows: int) -> tuple | None:
        """The key of the `rows`-th row after `after`; None when fewer rows remain (the range is the rest)."""
        where, params = self._range(key, after, None)
        row = self.conn.execute(
            f"SELECT {self._key_sql(key)} FROM {quote_sqlite(table)}{where} ORDER BY {self._key_sql(key)} "
            f"LIMIT 1 OFFSET ?", [*params, rows - 1]).fetchone()
        return tuple(row) if row is not None else None

    def key_at(self, table: str, key: list[str], after: Sequence[Any] | None, offset: int) -> tuple | None:
        where, params = self._range(key, after, None)
        row = self.conn.execute(
            f"SELECT {self._key_sql(key)} FROM {quote_sqlite(table)}{where} ORDER BY {self._key_sql(key)} "
            f"LIMIT 1 OFFSET ?", [*params, offset]).fetchone()
        return tuple(row) if row is not None else None

    def lines(self, table: str, key: list[str], columns: list[tuple[str, model.SqlType]],
              after: Sequence[Any] | None, upto: Sequence[Any] | None) -> Iterator[list[bytes]]:
        """Batches of COPY lines (each ending in a newline) in key order."""
        where, params = self._range(key, after, upto)
        sql = f"SELECT {rowtext.line(columns)} || char(10) FROM {quote_sqlite(table)}{where} ORDER BY {self._key_sql(key)}"
        self.conn.text_factory = bytes  # lines go to PostgreSQL as the bytes SQLite holds: no decode, no encode
        try:
            cursor = self.conn.execute(sql, params)
            while True:
                rows = cursor.fetchmany(BATCH_ROWS)
                if not rows:
                    break
                yield [row[0] for row in rows]
        except sqlite3.Error as exc:
            raise BadInput(f"reading {table}: {exc}") from None
        finally:
            self.conn.text_factory = str

    def sequence_floor(self, table: str) -> int | None:
        """What AUTOINCREMENT promised never to reuse: sqlite_sequence's value for the table."""
        try:
            row = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        except sqlite3.OperationalError:
            return None
        return row[0] if row else None

    def foreign_key_violations(self, table: str) -> list[tuple[str, int, str, int]]:
        """PRAGMA foreign_key_check: (table, rowid, referenced table, fk id) of rows whose parent is missing."""
        try:
            return [tuple(r) for r in self.conn.execute(f"PRAGMA foreign_key_check({quote_sqlite(table)})").fetchall()]
        except sqlite3.Error:
            return []


class PostgresReader:
    """Rows of a PostgreSQL table as COPY text, straight from the server's COPY TO."""

    def __init__(self, url: str, namespace: str) -> None:
        from migrator.inspect.postgres import connect

        self.conn = connect(url)
        self.namespace = namespace

    def close(self) -> None:
        self.conn.close()

    @staticmethod
    def key_of(table: model.Table) -> list[str]:
        return list(table.primary_key.columns) if table.primary_key else []

    def _table(self, table: str):
        from psycopg import sql

        return sql.Identifier(self.namespace, table)

    def _range(self, key: list[str], after, upto, literal: bool = False):
        """The WHERE of a key range, with placeholders, or with the driver's literals (COPY takes no parameters)."""
        from psycopg import sql

        lhs = sql.SQL("({})").format(sql.SQL(", ").join(map(sql.Identifier, key)))
        conditions, params = [], []
        for bound, op in ((after, ">"), (upto, "<=")):
            if bound is not None:
                values = [sql.Literal(v) for v in bound] if literal else [sql.Placeholder()] * len(key)
                conditions.append(sql.SQL("{} {} ({})").format(lhs, sql.SQL(op), sql.SQL(", ").join(values)))
                params += [] if literal else list(bound)
        where = sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("")
        return where, params

    def _order(self, key: list[str]):
        from psycopg import sql

        return sql.SQL(" ORDER BY ") + sql.SQL(", ").join(map(sql.Identifier, key)) if key else sql.SQL("")

    def count(self, table: str) -> int:
        from psycopg import sql

        return self.conn.execute(sql.SQL("SELECT count(*) FROM {}").format(self._table(table))).fetchone()[0]

    def range_end(self, table: str, key: list[str], after, rows: int):
        return self.key_at(table, key, after, rows - 1)

    def key_at(self, table: str, key: list[str], after, offset: int):
        from psycopg import sql

        if not key:
            return None
        where, params = self._range(key, after, None)
        row = self.conn.execute(sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(map(sql.Identifier, key)), self._table(table))
                                + where + self._order(key) + sql.SQL(" LIMIT 1 OFFSET %s"), [*params, offset]).fetchone()
        return tuple(row) if row is not None else None

    def lines(self, table: str, key: list[str], columns: list[tuple[str, model.SqlType]], after, upto) -> Iterator[list[bytes]]:
        from psycopg import sql

        where, _ = self._range(key, after, upto, literal=True)
        query = (sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(sql.Identifier(c) for c, _ in columns), self._table(table))
                 + where + self._order(key))
        batch: list[bytes] = []
        with self.conn.cursor() as cur:
            with cur.copy(sql.SQL("COPY ({}) TO STDOUT").format(query)) as copy:
                for data in copy:
                    batch.append(bytes(data))
                    if len(batch) >= BATCH_ROWS:
                        yield batch
                        batch = []
        if batch:
            yield batch

    def sequence_floor(self, table: str) -> int | None:
        return None

    def foreign_key_violations(self, table: str) -> list:
        return []


def reader_for(url: str, schema: model.Schema):
    if is_sqlite(url):
        return SQLiteReader(url)
    if is_postgres(url):
        namespaces = [ns.name for ns in schema.namespaces if ns.tables]
        return PostgresReader(url, namespaces[0] if namespaces else "public")
    raise BadInput(f"{url}: copy reads sqlite:/// and postgresql:// URLs")


__all__ = ["SQLiteReader", "PostgresReader", "reader_for", "pg_writer", "is_sqlite", "is_postgres"]
