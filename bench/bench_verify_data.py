"""Benchmark of `migrator verify data` (target from issue 17: at most 1.3x a bare in-database scan).

Two identical PostgreSQL tables of --rows rows (default 10 million: bigint key, text, numeric(12,2),
timestamptz, uuid), in two databases of an ephemeral cluster. Timed:

1. the bare scan: `SELECT md5(string_agg(<row text>, E'\\n' ORDER BY id)) FROM t` on each database,
   one after the other (as a tool must hash both; string_agg's 1 GB limit is why the rows are narrow),
   <row text> being the same canonical row text
   migrator hashes (and, for reference, the record's own text `t::text`);
   and the same hash over an index-ordered subquery (no sort in the aggregate: one pass, the
   cheapest way to hash a table in key order, and what verify does per chunk);
2. migrator.data.verify.verify() in-process (its peak memory from getrusage), again with one
   worker (no parallel queries: the work itself, against the sequential bare scan), and the
   `migrator verify data A B` command (best of two runs; its peak memory from wait4);
3. reladiff, when it installs from PyPI into /tmp/reladiff-venv (never a project dependency):
   `python -m venv /tmp/reladiff-venv && /tmp/reladiff-venv/bin/pip install reladiff psycopg2-binary`.

    .venv/bin/python bench/bench_verify_data.py              # 10 million rows
    .venv/bin/python bench/bench_verify_data.py --rows 100000 # a quick smoke run
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import MIGRATOR, report, run_timed  # noqa: E402

from migrator.data import canonical  # noqa: E402
from migrator.data.verify import FIELD_SEPARATOR, NULL_MARK, verify  # noqa: E402
from migrator.pgcluster import EphemeralCluster  # noqa: E402
from migrator.types import parse_type  # noqa: E402

RELADIFF = Path("/tmp/reladiff-venv/bin/reladiff")
COLUMNS = [("id", "bigint"), ("name", "text"), ("amount", "numeric(12,2)"), ("at", "timestamptz"), ("code", "uuid")]
assert (FIELD_SEPARATOR, NULL_MARK) == ("\x1f", "\x1e")  # the row text below spells them


def row_text() -> sql.Composable:
    """The canonical row text migrator builds for this table compared with itself."""
    parts = []
    for name, pg_type in COLUMNS:
        t = parse_type(pg_type, "postgresql")
        kind = canonical.comparison_kind(t, t)
        parts.append(sql.SQL("coalesce({}, E'\\x1e')").format(canonical.pg_expression(kind, sql.Identifier(name), t)))
    return sql.SQL(" || E'\\x1f' || ").join(parts)


# The rows of the table, from generate_series(…) g.
ROWS = ("SELECT g, 'n' || g, (g %% 100000) * 1.25, timestamptz '2020-01-01' + g * interval '1 second', md5(g::text)::uuid")


def create(url: str, rows: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id bigint PRIMARY KEY, name text, amount numeric(12,2), at timestamptz, code uuid)")
        conn.execute(f"INSERT INTO t {ROWS} FROM generate_series(1, %s) g", (rows,))
        conn.execute("VACUUM ANALYZE t")


BARE_SCAN = "SELECT md5(string_agg({}, E'\\n' ORDER BY id)) FROM t"
# The same hash without the aggregate's own sort: the rows come in key order from the primary key's
# index (the formulation verify uses per chunk), so this is one pass over the table with no sort.
ORDERED_SCAN = "SELECT md5(string_agg(r, E'\\n')) FROM (SELECT {} AS r FROM t ORDER BY id) s"


def bare_scan(urls: list[str], text: sql.Composable, template: str = BARE_SCAN) -> float:
    start = time.perf_counter()
    for url in urls:
        with psycopg.connect(url, autocommit=True) as conn:
            for name, value in {**canonical.SESSION_SETTINGS, "work_mem": "64MB"}.items():
                conn.execute("SELECT set_config(%s, %s, false)", (name, value))
            conn.execute(sql.SQL(template).format(text)).fetchone()
    return time.perf_counter() - start


def reladiff_version() -> str:
    done = subprocess.run([str(RELADIFF), "--version"], capture_output=True, text=True)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    with EphemeralCluster() as cluster:
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench_a")
        a, b = cluster.url_for("bench_a"), cluster.url_for("bench_b")
        start = time.perf_counter()
        create(a, args.rows)
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench_b TEMPLATE bench_a")
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE t")
        print(f"setup: two tables of {args.rows:,} rows in {time.perf_counter() - start:.1f} s", flush=True)

        bare = bare_scan([a, b], row_text())
        print(f"bare scan md5(string_agg(canonical row, ORDER BY id)), both databases, {args.rows:,} rows: {bare:.3f} s", flush=True)
        ordered = bare_scan([a, b], row_text(), ORDERED_SCAN)
        print(f"bare scan md5(string_agg(canonical row)) over an index-ordered subquery (no sort), both databases: {ordered:.3f} s",
              flush=True)
        try:
            record = bare_scan([a, b], sql.SQL("t::text"))
            print(f"bare scan md5(string_agg(t::text, ORDER BY id)), both databases (reference): {record:.3f} s", flush=True)
        except psycopg.Error as exc:
            print(f"bare scan of t::text failed: {str(exc).splitlines()[0]}", flush=True)

        start = time.perf_counter()
        result = verify(a, b, workers=args.workers)
        library = time.perf_counter() - start
        assert result.ok, result.to_dict()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report(f"verify() in-process, {args.rows:,} rows x 2", library, "the bare scan of both", bare,
               f"peak RSS of this process {peak:.0f} MB (target: ratio <= 1.3)")
        report(f"verify() in-process against the no-sort scan", library, "the index-ordered scan of both", ordered)
        start = time.perf_counter()
        assert verify(a, b, workers=1).ok
        single = time.perf_counter() - start
        report(f"verify(workers=1): one query at a time, no parallelism", single, "the bare scan of both", bare)

        whole, cli_peak = run_timed([MIGRATOR, "verify", "data", a, b], repeat=2)
        report(f"`migrator verify data A B`, {args.rows:,} rows x 2", whole, "the bare scan of both", bare,
               f"peak RSS {cli_peak:.0f} MB")

        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute("UPDATE t SET name = 'changed' WHERE id = %s", (args.rows // 3,))
            conn.execute("DELETE FROM t WHERE id = %s", (args.rows // 2,))
        start = time.perf_counter()
        found = verify(a, b, workers=args.workers).tables[0]
        elapsed = time.perf_counter() - start
        assert (found.changed_count, found.missing_count) == (1, 1), found.to_dict()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report(f"verify() finding 1 changed and 1 missing row (bisection), {args.rows:,} rows x 2", elapsed,
               extra=f"peak RSS of this process {peak:.0f} MB")
        with psycopg.connect(b, autocommit=True) as conn:  # reladiff below compares identical tables
            conn.execute("UPDATE t SET name = 'n' || id WHERE id = %s", (args.rows // 3,))
            conn.execute(f"INSERT INTO t {ROWS} FROM generate_series(%s::bigint, %s) g", (args.rows // 2, args.rows // 2))
        if RELADIFF.exists():
            argv = [str(RELADIFF), a, "t", b, "t", "-k", "id", "-c", "name", "-c", "amount", "-c", "at", "-c", "code", "-j", str(args.workers or os.cpu_count() or 2)]
            start = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, text=True)
            elapsed = time.perf_counter() - start
            if done.returncode == 0:
                report(f"`migrator verify data` beside reladiff {reladiff_version()}, {args.rows:,} rows x 2", whole, "reladiff", elapsed)
            else:
                print(f"reladiff failed (exit {done.returncode}): {done.stderr.strip()[-300:]}", flush=True)
        else:
            print(f"reladiff: not installed at {RELADIFF} (see the module docstring)", flush=True)


if __name__ == "__main__":
    main()
