"""Ask a PostgreSQL server whether two default expressions are the same.

Text normalization cannot know that `now() + '1 day'::interval` and
`CURRENT_TIMESTAMP + interval '1 day'` are one default; PostgreSQL can: it parses both
and prints them back in one canonical spelling. For each remaining default difference
the server gets a temporary table with both defaults on a column of the right type,
inside a transaction that is always rolled back, and the two printed expressions are
compared. A default the server cannot parse (an unknown function or type there) keeps
its change: the question could not be settled.
"""

from __future__ import annotations

import re
from dataclasses import replace

from migrator.errors import ConnectionFailed
from migrator.sqltext import mask_url
from migrator.types import render_type
from migrator.verify.changes import Diff

_QUERY = (
    "SELECT a.attnum, pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
    "WHERE d.adrelid = 'pg_temp.migrator_default_probe'::regclass ORDER BY a.attnum"
)


def settle_defaults(diff: Diff, url: str) -> Diff:
    """`diff` without the default changes the server says are one expression."""
    candidates = [
        c for c in diff.changes
        if c.kind == "alter_column_default" and c.old is not None and c.new is not None
        and c.old.kind in ("expression", "literal", "current_timestamp") and c.new.kind in ("expression", "literal", "current_timestamp")
        and "expression" in (c.old.kind, c.new.kind)
    ]
    if not candidates:
        return diff
    import psycopg

    try:
        conn = psycopg.connect(url, connect_timeout=10)
    except psycopg.Error as exc:
        raise ConnectionFailed(f"could not connect to {mask_url(url)}: {str(exc).strip().splitlines()[0]}") from None
    same: set[int] = set()
    try:
        if True:  # one transaction, rolled back in `finally`: nothing is ever committed
            for change in candidates:
                column = change.get("column_new") or change.get("column_old")
                if column is None:
                    continue
                sql_type = render_type(column.type, "postgresql")
                try:
                    with conn.transaction():
                        # The expressions are the schema's own defaults, the type comes from the
                        # model; both go into DDL text because DEFAULT takes no parameters. The
                        # savepoint is rolled back whatever happens.
                        conn.execute(
                            f"CREATE TEMP TABLE migrator_default_probe (a {sql_type} DEFAULT {change.old.value}, "
                            f"b {sql_type} DEFAULT {change.new.value})"
                        )
                        rows = conn.execute(_QUERY).fetchall()
                        if len(rows) == 2 and _same(rows[0][1], rows[1][1]):
                            same.add(id(change))
                        raise _Rollback
                except _Rollback:
                    pass
                except psycopg.Error:
                    continue
    finally:
        conn.rollback()
        conn.close()
    if not same:
        return diff
    return replace(diff, changes=tuple(c for c in diff.changes if id(c) not in same))


_NOW = re.compile(r"\bnow\(\)|\bCURRENT_TIMESTAMP\b|\btransaction_timestamp\(\)", re.IGNORECASE)


def _same(a: str, b: str) -> bool:
    # PostgreSQL keeps CURRENT_TIMESTAMP and now() apart in print, though both are the
    # transaction's start time.
    return _NOW.sub("now()", a) == _NOW.sub("now()", b)


class _Rollback(Exception):
    """Leaves the savepoint so nothing the probe created survives."""
