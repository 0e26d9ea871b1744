"""Benchmark of expression canonicalization on a server (migrator.verify.canonical).

A 100-table schema with five expressions per table (a CHECK, an index predicate, an index
expression key, a generated column, a default) spelled as a model file writes them,
against the same schema spelled as PostgreSQL prints it back: 500 expression pairs whose
text keys differ (CAST(…) against `::`), 1,000 expressions to print back. Timed:

- migrator: canonical.settle(), the whole batch (connect, one transaction, a handful of
  round trips, rewrite);
- peer: the naive way, as settle_defaults (before migrator.verify.canonical) did it for defaults — per
  expression a savepoint, a temporary table, the scratch object, a read, a rollback.

Both run on one ephemeral local cluster (so the round trips are cheap; over a network the
ratio grows with the latency).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import report  # noqa: E402

from migrator.pgcluster import EphemeralCluster  # noqa: E402
from migrator.schema import (  # noqa: E402
    CheckConstraint, Column, Default, EnumType, Index, IndexElement, Namespace, Schema, SqlType, Table,
)
from migrator.types import render_type  # noqa: E402
from migrator.verify import canonical  # noqa: E402
from migrator.verify.diff import compare  # noqa: E402


def generate(tables: int, spelling: str) -> Schema:
    out = []
    for i in range(tables):
        if spelling == "model":
            check, where, key, gen, default = (
                f"(kind = 'a' AND n IS NOT NULL) OR (CAST(n AS bigint) > {i})", f"CAST(n AS bigint) > {i}",
                f"CAST(n AS text) || 'x{i}'", f"CAST(n AS bigint) * {i + 2}", f"CAST(now() AS date) + {i}")
        else:
            check, where, key, gen, default = (
                f"kind = 'a'::kind AND n IS NOT NULL OR n::bigint > {i}", f"n::bigint > {i}",
                f"(n)::text || 'x{i}'::text", f"n::bigint * {i + 2}", f"now()::date + {i}")
        out.append(Table(
            f"t{i}",
            (Column("id", SqlType("integer"), nullable=False), Column("n", SqlType("integer")),
             Column("kind", SqlType("enum", enum="public.kind")), Column("label", SqlType("text")),
             Column("g", SqlType("bigint"), generated=gen), Column("d", SqlType("date"), default=Default("expression", default))),
            indexes=(Index(f"t{i}_where", (IndexElement("n"),), where=where), Index(f"t{i}_key", (IndexElement(expression=key),))),
            checks=(CheckConstraint(f"t{i}_check", check),),
        ))
    return Schema("postgresql", (Namespace("public", tables=tuple(out), enums=(EnumType("kind", ("a", "b")),)),), source=spelling)


class _Rollback(Exception):
    pass


def naive(url: str, a: Schema, b: Schema) -> int:
    """One expression at a time: the baseline. Returns how many pairs printed alike."""
    import psycopg

    asks = canonical.candidates(a, b)
    same = 0
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TYPE public.kind AS ENUM ('a', 'b')")
        prints: dict[int, str | None] = {}
        for i, ask in enumerate(asks):
            cols = ", ".join(f'"{c.name}" {render_type(c.type, "postgresql")}' for c in ask.table.columns)
            col_type = render_type(ask.column.type, "postgresql") if ask.column is not None else "text"
            statement = {
                "check": f"ALTER TABLE probe ADD CONSTRAINT x CHECK ({ask.text})",
                "where": f"ALTER TABLE probe ADD CONSTRAINT x CHECK ({ask.text})",
                "key": f"CREATE INDEX x ON probe (({ask.text}))",
                "generated": f"ALTER TABLE probe ADD COLUMN x {col_type} GENERATED ALWAYS AS ({ask.text}) STORED",
                "default": f"ALTER TABLE probe ADD COLUMN x {col_type} DEFAULT {ask.text}",
            }[ask.kind]
            read = (
                "SELECT pg_get_indexdef('x'::regclass, 1, false)" if ask.kind == "key"
                else "SELECT pg_get_expr(conbin, conrelid) FROM pg_constraint WHERE conname = 'x'" if ask.kind in ("check", "where")
                else "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid "
                     "AND a.attnum = d.adnum WHERE d.adrelid = 'probe'::regclass AND a.attname = 'x'"
            )
            try:
                with conn.transaction():
                    conn.execute(f"CREATE TEMP TABLE probe ({cols})")
                    conn.execute(statement)
                    prints[i] = conn.execute(read).fetchone()[0]
                    raise _Rollback
            except _Rollback:
                pass
            except psycopg.Error:
                prints[i] = None
        conn.rollback()
    for i in range(0, len(asks), 2):
        if prints.get(i) is not None and prints.get(i) == prints.get(i + 1):
            same += 1
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=100, help="tables (five expressions each)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    a, b = generate(args.tables, "live"), generate(args.tables, "model")
    pairs = len(canonical.candidates(a, b)) // 2
    with EphemeralCluster() as cluster:
        ours = peer = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            a2, b2, settlement = canonical.settle(a, b, cluster.url)
            ours = min(ours, time.perf_counter() - start)
        assert compare(a2, b2).clean, "the server should settle every pair"
        for _ in range(args.repeat):
            start = time.perf_counter()
            same = naive(cluster.url, a, b)
            peer = min(peer, time.perf_counter() - start)
    report(f"expressions ({pairs} pairs, {2 * pairs} printed back)", ours, "naive one-at-a-time", peer,
           f"{settlement.round_trips} round trips vs {4 * 2 * pairs}; naive settled {same} of {pairs}")


if __name__ == "__main__":
    main()
