"""Benchmarks of `migrator diff` (targets from the drift issue).

1. Two 1,000-table snapshots, the second with 100 tables changed (a column added, a type
   widened, an index dropped, a default changed): compare() in-process (target < 0.2 s),
   and `migrator diff snapshot:a snapshot:b` as a whole command.
2. A live 1,000-table PostgreSQL database against the migrations folder that built it
   (one file per 100 tables, applied to migrator's scratch cluster): `migrator diff LIVE
   FOLDER` against the two inspections run alone one after the other (target: within 2x).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import MIGRATOR, report, run_timed  # noqa: E402
from bench_inspect_postgres import generate  # noqa: E402

from migrator.pgcluster import EphemeralCluster  # noqa: E402
from migrator.schema import Column, Default, SqlType, from_json, to_json  # noqa: E402


def changed(schema):
    """The schema with every tenth table altered in four ways."""
    namespaces = []
    for ns in schema.namespaces:
        tables = []
        for i, t in enumerate(ns.tables):
            if i % 10 == 0:
                cols = tuple(
                    dataclasses.replace(c, type=SqlType("varchar", length=80)) if c.name == "code"
                    else dataclasses.replace(c, default=Default("literal", "1")) if c.name == "amount" else c
                    for c in t.columns
                ) + (Column("added", SqlType("integer")),)
                t = dataclasses.replace(t, columns=cols, indexes=t.indexes[1:])
            tables.append(t)
        namespaces.append(dataclasses.replace(ns, tables=tuple(tables)))
    return dataclasses.replace(schema, namespaces=tuple(namespaces), source="snapshot:b")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from migrator import inspect as sources
    from migrator.verify.diff import compare

    with EphemeralCluster() as cluster, tempfile.TemporaryDirectory() as tmp:
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        url = cluster.url_for("bench")
        scripts = generate(args.tables)
        folder = Path(tmp) / "migrations"
        folder.mkdir()
        with psycopg.connect(url, autocommit=True) as conn:
            for i, script in enumerate(scripts):
                conn.execute(script)
                (folder / f"{i:04d}_part.sql").write_text(script)

        live = sources.load(url)
        a_path, b_path = Path(tmp) / "a.json", Path(tmp) / "b.json"
        a_path.write_text(to_json(live))
        b_path.write_text(to_json(changed(live)))
        a, b = from_json(a_path.read_text()), from_json(b_path.read_text())
        best = float("inf")
        for _ in range(max(args.repeat, 5)):
            start = time.perf_counter()
            diff = compare(a, b)
            best = min(best, time.perf_counter() - start)
        report(f"diff two {args.tables}-table snapshots, compare() in-process ({len(diff.changes)} changes)", best,
               extra="target < 0.2 s")
        whole, _ = run_timed([MIGRATOR, "diff", f"snapshot:{a_path}", f"snapshot:{b_path}", "--format", "json",
                              "--fail-on", "info"], args.repeat, allowed_exit_codes=(1,))
        report(f"diff two {args.tables}-table snapshots, whole command", whole)

        dev = ["--dev-url", cluster.url]
        inspect_live, _ = run_timed([MIGRATOR, "inspect", url, "--format", "json"], args.repeat)
        inspect_folder, _ = run_timed([MIGRATOR, "inspect", str(folder), "--format", "json", *dev], args.repeat)
        both, _ = run_timed([MIGRATOR, "diff", url, str(folder), "--format", "json", *dev], args.repeat)
    alone = inspect_live + inspect_folder
    report(
        f"diff live PostgreSQL ({args.tables} tables) vs its migrations folder",
        both,
        "the two inspections alone",
        alone,
        f"inspect live {inspect_live:.3f} s + inspect folder {inspect_folder:.3f} s (target: ratio <= 2)",
    )


if __name__ == "__main__":
    main()
