"""Benchmark: `migrator generate drizzle` of the generated 1,000-model Prisma schema (bench_inspect_prisma.py).

Targets: the whole command < 1.5 s, with `--verify` (reading the files back and comparing
schema and names) < 3 s. Beside it, when the pinned tools of tests/node are installed and
PostgreSQL's server binaries are here: `drizzle-kit pull` of the database that schema builds
(the tool teams use today to get a Drizzle schema, which loses Prisma's relation names and
client-side defaults), timed as a whole command on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import MIGRATOR, REPO, report, run_timed, user_environment  # noqa: E402
from bench_inspect_prisma import generate as write_prisma  # noqa: E402

NODE_MODULES = REPO / "tests" / "node" / "node_modules"


def drizzle_kit_pull(spec: str, repeat: int) -> float | None:
    """The best time of `drizzle-kit pull` against a database built from `spec`, or None."""
    kit = NODE_MODULES / ".bin" / "drizzle-kit"
    if not kit.exists() or shutil.which("node") is None or not (NODE_MODULES / "pg").is_dir():
        print("drizzle-kit pull: skipped (make tests/node/node_modules/.installed, with Node.js)")
        return None
    import psycopg

    from migrator.inspect import load
    from migrator.pgcluster import EphemeralCluster, available
    from migrator.render.sql import render_sql
    from migrator.schema import without_client_defaults

    if not available():
        print("drizzle-kit pull: skipped (no PostgreSQL server binaries)")
        return None
    with EphemeralCluster() as cluster, tempfile.TemporaryDirectory() as tmp:
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        url = cluster.url_for("bench")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(render_sql(without_client_defaults(load(spec)), "postgresql"))
        config = Path(tmp) / "drizzle.config.json"
        config.write_text(json.dumps({"dialect": "postgresql", "out": str(Path(tmp) / "pulled"), "dbCredentials": {"url": url}}))
        env = {**user_environment(), "NODE_PATH": str(NODE_MODULES)}
        best = None
        for _ in range(repeat):
            start = time.perf_counter()
            proc = subprocess.run([str(kit), "pull", "--config", str(config)], capture_output=True, text=True, env=env, cwd=tmp)
            took = time.perf_counter() - start
            if proc.returncode != 0:
                print(f"drizzle-kit pull failed: {proc.stderr.strip()[-300:]}")
                return None
            best = took if best is None else min(best, took)
        return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "schema"
        write_prisma(folder, args.models, args.files)
        spec = f"prisma:{folder}"
        out = Path(tmp) / "drizzle"
        run_timed([MIGRATOR, "generate", "drizzle", spec, "--out", str(out)], 1)  # the files exist: later runs compare
        shutil.rmtree(out)
        plain, peak = run_timed([MIGRATOR, "generate", "drizzle", spec, "--out", str(out), "--layout", "per-prisma-file"],
                                args.repeat, setup=lambda: shutil.rmtree(out, ignore_errors=True))
        verified, _ = run_timed([MIGRATOR, "generate", "drizzle", spec, "--out", str(out), "--layout", "per-prisma-file",
                                 "--verify"], args.repeat, setup=lambda: shutil.rmtree(out, ignore_errors=True))
        pull = drizzle_kit_pull(spec, args.repeat)
    label = f"generate drizzle, {args.models}-model Prisma schema in {args.files} files (whole command)"
    report(label, plain, "drizzle-kit pull of the same database" if pull else None, pull,
           f"peak memory {peak:.0f} MB (target < 1.5 s)")
    report(label + " with --verify", verified, "drizzle-kit pull" if pull else None, pull, "(target < 3 s)")


if __name__ == "__main__":
    main()
