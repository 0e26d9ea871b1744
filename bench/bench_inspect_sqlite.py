"""Benchmark: `migrator inspect --format json` on a generated 1,000-table SQLite database (target < 1 s)."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import MIGRATOR, report, run_timed  # noqa: E402


def generate(path: Path, tables: int) -> None:
    statements = []
    for t in range(tables):
        fk = f", parent_id INTEGER REFERENCES t{t - 1}(id) ON DELETE CASCADE" if t else ""
        statements.append(
            f"CREATE TABLE t{t} (id INTEGER PRIMARY KEY AUTOINCREMENT, code VARCHAR(40) NOT NULL UNIQUE, "
            f"status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','active')), amount NUMERIC(12,2) DEFAULT 0, "
            f"created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, attrs JSON, note TEXT{fk});"
        )
        statements.append(f"CREATE INDEX t{t}_created_idx ON t{t} (created_at DESC);")
        statements.append(f"CREATE INDEX t{t}_status_idx ON t{t} (status) WHERE status = 'active';")
    with sqlite3.connect(path) as conn:
        conn.executescript("\n".join(statements))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        generate(db, args.tables)
        ours, peak = run_timed([MIGRATOR, "inspect", f"sqlite:///{db}", "--format", "json"], args.repeat)
    report(f"inspect sqlite, {args.tables} tables", ours, extra=f"peak memory {peak:.0f} MB (target < 1 s)")


if __name__ == "__main__":
    main()
