"""Benchmark: `migrator inspect --format json` against `pg_dump --schema-only` on a 1,000-table database.

Generates a schema with enums, foreign keys, indexes, arrays and jsonb in a throwaway
PostgreSQL cluster, then times both tools on it in one run and prints the ratio
(target: <= 0.5) and migrator's peak memory (target: < 300 MB).
"""

from __future__ import annotations

import argparse
import sys

import psycopg

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from _common import MIGRATOR, report, run_timed  # noqa: E402

from migrator.pgcluster import EphemeralCluster, find_bin  # noqa: E402

ENUMS = 20


def generate(tables: int) -> list[str]:
    """Scripts of about 100 tables each: one script for all would exhaust the lock table."""
    parts = [f"CREATE TYPE status_{e} AS ENUM ('draft', 'active', 'archived', 'deleted');" for e in range(ENUMS)]
    parts.append("CREATE SCHEMA billing;")
    for t in range(tables):
        schema = "billing" if t % 10 == 9 else "public"
        ref = f"public.t{t - 1 if (t - 1) % 10 != 9 else t - 2}" if t > 1 else None
        cols = [
            "id bigserial PRIMARY KEY",
            "code varchar(40) NOT NULL",
            f"status status_{t % ENUMS} NOT NULL DEFAULT 'draft'",
            "tags text[] NOT NULL DEFAULT '{}'",
            "attrs jsonb",
            "amount numeric(12,2) DEFAULT 0",
            "created_at timestamptz NOT NULL DEFAULT now()",
            "note text",
        ]
        if ref:
            cols.append(f"parent_id bigint REFERENCES {ref}(id) ON DELETE CASCADE")
        parts.append(f"CREATE TABLE {schema}.t{t} ({', '.join(cols)}, CONSTRAINT t{t}_code_key UNIQUE (code));")
        parts.append(f"CREATE INDEX t{t}_created_idx ON {schema}.t{t} (created_at DESC);")
        parts.append(f"CREATE INDEX t{t}_attrs_idx ON {schema}.t{t} USING gin (attrs);")
        parts.append(f"COMMENT ON TABLE {schema}.t{t} IS 'table {t}';")
    chunk = 500
    return ["\n".join(parts[i : i + chunk]) for i in range(0, len(parts), chunk)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pg_dump = find_bin("pg_dump")
    if pg_dump is None:
        raise SystemExit("pg_dump not found")
    with EphemeralCluster() as cluster:
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        url = cluster.url_for("bench")
        with psycopg.connect(url, autocommit=True) as conn:
            for script in generate(args.tables):
                conn.execute(script)
        ours, peak = run_timed([MIGRATOR, "inspect", url, "--format", "json"], args.repeat)
        peer, _ = run_timed([pg_dump, "--schema-only", "--no-owner", "-d", url], args.repeat)
        in_process = _in_process(url, args.repeat)
    report(
        f"inspect postgresql, {args.tables} tables (whole command)",
        ours,
        "pg_dump --schema-only",
        peer,
        f"migrator peak memory {peak:.0f} MB (targets: ratio <= 0.5, memory < 300 MB)",
    )
    report(
        f"inspect postgresql, {args.tables} tables (library: connect, read, snapshot; no interpreter start-up)",
        in_process,
        "pg_dump --schema-only",
        peer,
    )


def _in_process(url: str, repeat: int) -> float:
    """The reading itself, as a long-running process (a diff, a CI job) pays for it."""
    import time

    from migrator import inspect as sources
    from migrator.schema import to_json

    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        to_json(sources.load(url))
        best = min(best, time.perf_counter() - start)
    return best


if __name__ == "__main__":
    main()
