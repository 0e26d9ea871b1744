"""Apply the drizzle-kit migrations to throwaway copies of certbank.db by hand, without migrator.

    .venv/bin/python examples/certbank/check_migrations.py [--db PATH]

Each pending migration (0001 onwards; 0000 is drizzle-kit pull's baseline, commented out)
is split on `--> statement-breakpoint` and run with Python's sqlite3 in three ways:

- ``transaction``: one transaction, foreign keys off, `PRAGMA foreign_keys` statements
  skipped, `PRAGMA foreign_key_check` before COMMIT (what `migrator apply` does);
- ``autocommit``: each statement on its own, PRAGMAs obeyed (the sqlite3 shell, or
  `turso db shell < file`);
- ``foreign-keys-on``: one transaction on a connection with foreign keys on, where the
  file's `PRAGMA foreign_keys=OFF` is a no-op (drizzle-orm's migrator on a driver that
  enables foreign keys by default, such as better-sqlite3).

Prints one line per run with the row counts and exits 1 unless drizzle/migrations keeps
every row in ``transaction`` mode and broken/migrations fails there with the database
unchanged. The copies live in a temporary folder removed on exit.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BREAKPOINT = "--> statement-breakpoint"
MODES = ("transaction", "autocommit", "foreign-keys-on")


def pending_files(folder: Path) -> list[Path]:
    journal = json.loads((folder / "meta" / "_journal.json").read_text(encoding="utf-8"))
    return [folder / f"{entry['tag']}.sql" for entry in journal["entries"][1:]]


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def run(db: Path, files: list[Path], mode: str) -> tuple[dict[str, int], dict[str, int], str | None]:
    """(row counts before, after, the failure or None)."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if mode == 'foreign-keys-on' else 'OFF'}")
        before = row_counts(conn)
        if mode != "autocommit":
            conn.execute("BEGIN")
        for path in files:
            pieces = [p for p in path.read_text(encoding="utf-8").split(BREAKPOINT) if p.strip()]
            for number, statement in enumerate(pieces, start=1):
                if mode != "autocommit" and statement.strip().upper().startswith("PRAGMA FOREIGN_KEYS"):
                    continue  # a no-op inside a transaction
                try:
                    conn.execute(statement) if mode != "autocommit" else conn.executescript(statement)
                except sqlite3.Error as exc:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    first = statement.strip().splitlines()[0][:60]
                    return before, row_counts(conn), f"{path.name} statement {number} ({first}): {exc}"
        if mode != "autocommit":
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                conn.execute("ROLLBACK")
                return before, row_counts(conn), f"foreign_key_check: {len(broken)} row(s)"
            conn.execute("COMMIT")
        return before, row_counts(conn), None
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=HERE / "certbank.db", help="the database to copy (default: certbank.db here)")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"error: {args.db} not found: run build_db.py first", file=sys.stderr)
        return 2
    ok = True
    with tempfile.TemporaryDirectory(prefix="certbank-check-") as tmp:
        for folder in ("drizzle/migrations", "broken/migrations"):
            files = pending_files(HERE / folder)
            for mode in MODES:
                copy = Path(tmp) / f"{folder.split('/')[0]}-{mode}.db"
                shutil.copyfile(args.db, copy)
                before, after, failure = run(copy, files, mode)
                counts = ", ".join(f"{t} {n}" for t, n in after.items() if t in before)
                verdict = f"FAILED at {failure}" if failure else "applied"
                kept = "rows kept" if all(after.get(t) == n for t, n in before.items()) else "ROWS LOST"
                leftover = sorted(set(after) - set(before) - {"__drizzle_migrations"})
                left = f"; left behind: {', '.join(leftover)}" if leftover else ""
                print(f"{folder} [{mode}]: {verdict}; {kept}: {counts}{left}")
                if mode == "transaction":
                    if folder.startswith("drizzle"):
                        ok &= failure is None and before == after
                    else:
                        ok &= failure is not None and before == after
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
