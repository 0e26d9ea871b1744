"""Ask a PostgreSQL server whether two default expressions are the same: settle a Diff's default changes.

Text normalization cannot know that `now() + '1 day'::interval` and
`CURRENT_TIMESTAMP + interval '1 day'` are one default; PostgreSQL can: it parses both
and prints them back in one canonical spelling. This is the after-the-fact form of
migrator.verify.canonical (which compare() uses before comparing, for every kind of
expression): the alter_column_default changes of a Diff are printed back in one batch
(migrator.verify.canonical.deparse: one transaction, always rolled back) and those whose
prints agree are dropped. A default the server cannot parse (an unknown function or type
there) keeps its change: the question could not be settled.
"""

from __future__ import annotations

from dataclasses import replace

from migrator import schema as model
from migrator.verify.canonical import Probe, connect, deparse, same_print
from migrator.verify.changes import Diff

_SETTLED_KINDS = ("expression", "literal", "current_timestamp")


def settle_defaults(diff: Diff, url: str) -> Diff:
    """`diff` without the default changes the server says are one expression."""
    candidates = [
        c for c in diff.changes
        if c.kind == "alter_column_default" and c.old is not None and c.new is not None
        and c.old.kind in _SETTLED_KINDS and c.new.kind in _SETTLED_KINDS
        and "expression" in (c.old.kind, c.new.kind)
        and (c.get("column_new") or c.get("column_old")) is not None
    ]
    if not candidates:
        return diff
    probes = []
    for change in candidates:
        column = change.get("column_new") or change.get("column_old")
        # Defaults name no columns: a table of just this column gives the type.
        table = model.Table("probe", (model.Column(column.name, column.type),))
        probes.append(Probe("default", change.old.value, table, column))
        probes.append(Probe("default", change.new.value, table, column))
    conn = connect(url)
    try:
        printed = deparse(conn, probes)
    finally:
        conn.close()
    same = set()
    for i, change in enumerate(candidates):
        old, new = printed.texts[2 * i], printed.texts[2 * i + 1]
        if old is not None and new is not None and same_print(old, new):
            same.add(id(change))
    if not same:
        return diff
    return replace(diff, changes=tuple(c for c in diff.changes if id(c) not in same))
