"""Benchmark: start-up and the scan's targets, in one run (the issue's item 9).

1. `migrator --help`: whole command, target <= 0.15 s (a bare `python -c pass` shown beside it).
2. `migrator inspect --format json` of the 1,000-table PostgreSQL schema of
   bench_inspect_postgres.py against `pg_dump --schema-only`, whole commands: target ratio <= 0.5.
3. `migrator scan` of the 20,000-file tree of bench_scan.py against `rg -c`: cold (no cache)
   target ratio <= 5, warm (cached) <= 2.

Every figure is the best of --repeat fresh processes. The load average is printed first: on a
busy machine the ratios move (PostgreSQL's side of an inspect shares the CPUs with the test runs).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import MIGRATOR, report, run_timed  # noqa: E402


def _target(ours: float, peer: float | None, limit: float) -> str:
    value = ours / peer if peer else ours
    what = f"ratio <= {limit:g}" if peer else f"<= {limit:g} s"
    return f"target {what}: {'met' if value <= limit else 'NOT met'}"


def bench_help(repeat: int) -> None:
    ours, _ = run_timed([MIGRATOR, "--help"], repeat)
    bare, _ = run_timed([sys.executable, "-c", "pass"], repeat)
    report("migrator --help (whole command)", ours, "python -c pass", bare, _target(ours, None, 0.15))


def bench_inspect(repeat: int, tables: int) -> None:
    import psycopg

    from bench_inspect_postgres import generate

    from migrator.pgcluster import EphemeralCluster, find_bin

    pg_dump = find_bin("pg_dump")
    if pg_dump is None:
        print("inspect postgresql: skipped (pg_dump not found)")
        return
    with EphemeralCluster() as cluster:
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        url = cluster.url_for("bench")
        with psycopg.connect(url, autocommit=True) as conn:
            for script in generate(tables):
                conn.execute(script)
        ours, _ = run_timed([MIGRATOR, "inspect", url, "--format", "json"], repeat)
        peer, _ = run_timed([pg_dump, "--schema-only", "--no-owner", "-d", url], repeat)
    report(f"inspect postgresql, {tables} tables (whole command)", ours, "pg_dump --schema-only", peer, _target(ours, peer, 0.5))


def bench_scan(repeat: int, files: int) -> None:
    from bench_scan import make_repository

    rg = shutil.which("rg")
    if rg is None:
        print("scan: skipped (ripgrep not found)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        make_repository(root, files)
        patterns = ["@prisma/client", "drizzle-orm", "@/lib/db", "sqlalchemy", "from app.db"]
        peer, _ = run_timed([rg, "-c", *sum((["-e", p] for p in patterns), []), str(root)], repeat, allowed_exit_codes=(1,))
        cold, _ = run_timed([MIGRATOR, "scan", str(root), "--format", "json", "--no-cache"], repeat)
        run_timed([MIGRATOR, "scan", str(root), "--format", "json"], 1)  # fills the cache
        warm, _ = run_timed([MIGRATOR, "scan", str(root), "--format", "json"], repeat)
    report(f"scan {files} files, cold (no cache)", cold, "rg -c", peer, _target(cold, peer, 5))
    report(f"scan {files} files, warm (cached)", warm, "rg -c", peer, _target(warm, peer, 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--only", choices=("help", "inspect", "scan"), action="append", help="run only these (repeatable)")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs", flush=True)
    only = set(args.only or ("help", "inspect", "scan"))
    if "help" in only:
        bench_help(args.repeat)
    if "inspect" in only:
        bench_inspect(args.repeat, args.tables)
    if "scan" in only:
        bench_scan(args.repeat, args.files)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} after", flush=True)


if __name__ == "__main__":
    main()
