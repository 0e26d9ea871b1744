"""Benchmark: `migrator copy` of a generated SQLite database into PostgreSQL, beside pgloader on the same input.

The database has 6 tables and 5 million rows by default (--rows) of the kinds a Prisma or
raw-SQL app keeps in SQLite: uuid text keys, JSON text, decimals as REAL and TEXT,
ISO-8601 timestamps, booleans as 0/1. (Timestamps as epoch milliseconds, Prisma's SQLite
DateTime, are checked apart on 10,000 rows: pgloader loads none of those tables.) Both
tools copy it into a
fresh database of one ephemeral PostgreSQL cluster, one after the other (2 runs each,
best time); the ratio migrator / pgloader is printed with the peak memory of each. The
types each one made are printed too (pgloader's fixed casting rules keep uuid and JSON
text as text, migrator upgrades them; target: ratio <= 1.0 with the upgrades), and what
each copy holds, compared with the SQLite file by `migrator verify data`.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import MIGRATOR, report, run_timed  # noqa: E402

from migrator import pgcluster  # noqa: E402

# Table -> share of the rows. Six tables, the widest with most rows, as in an app's database.
SHARES = {"users": 0.04, "courses": 0.01, "enrollments": 0.15, "events": 0.5, "payments": 0.1, "notes": 0.2}


def generate(path: Path, rows: int, epoch_ms: bool = False) -> None:
    """The database; timestamps as ISO-8601 text, or (`epoch_ms`) as Prisma's SQLite DateTime: epoch milliseconds."""
    rng = random.Random(7)
    conn = sqlite3.connect(path)
    conn.executescript("""
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
        CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT, is_admin BOOLEAN NOT NULL DEFAULT 0,
                            created_at DATETIME NOT NULL, settings TEXT);
        CREATE TABLE courses (id TEXT PRIMARY KEY, title TEXT NOT NULL, price DECIMAL(10, 2) NOT NULL, published BOOLEAN NOT NULL,
                              metadata JSON, created_at DATETIME NOT NULL);
        CREATE TABLE enrollments (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL REFERENCES users (id),
                                  course_id TEXT NOT NULL REFERENCES courses (id), progress REAL NOT NULL, enrolled_at DATETIME NOT NULL);
        CREATE TABLE events (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id), kind TEXT NOT NULL,
                             payload JSON, at DATETIME NOT NULL);
        CREATE TABLE payments (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id), amount DECIMAL(10, 2) NOT NULL,
                               currency TEXT NOT NULL, paid_at DATETIME);
        CREATE TABLE notes (id INTEGER PRIMARY KEY, course_id TEXT NOT NULL REFERENCES courses (id), body TEXT NOT NULL,
                            updated_at DATETIME NOT NULL);
    """)
    count = {t: max(1, int(rows * share)) for t, share in SHARES.items()}
    users = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count["users"])]
    courses = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count["courses"])]
    epoch = 1_700_000_000_000

    def iso(ms: int) -> str:
        from datetime import datetime, timezone

        return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]

    def at(ms: int):
        return ms if epoch_ms else iso(ms)

    conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)", (
        (u, f"user{i}@example.test", f"User {i}", i % 50 == 0, iso(epoch + i * 1000),
         json.dumps({"theme": "dark" if i % 2 else "light", "lang": "en"}) if i % 3 else None) for i, u in enumerate(users)))
    conn.executemany("INSERT INTO courses VALUES (?, ?, ?, ?, ?, ?)", (
        (c, f"Course {i}", round(rng.uniform(0, 500), 2), i % 4 != 0, json.dumps({"level": i % 3, "tags": ["a", "b"]}),
         at(epoch + i * 60_000)) for i, c in enumerate(courses)))
    conn.executemany("INSERT INTO enrollments (user_id, course_id, progress, enrolled_at) VALUES (?, ?, ?, ?)", (
        (users[i % len(users)], courses[i % len(courses)], rng.random(), at(epoch + i * 1000)) for i in range(count["enrollments"])))
    conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)", (
        (i, users[i % len(users)], ("view", "click", "submit")[i % 3], json.dumps({"n": i, "ok": True}) if i % 2 else None,
         iso(epoch + i * 10)) for i in range(1, count["events"] + 1)))
    conn.executemany("INSERT INTO payments VALUES (?, ?, ?, ?, ?)", (
        (str(uuid.UUID(int=rng.getrandbits(128), version=4)), users[i % len(users)], f"{rng.randint(1, 99999) / 100:.2f}", "EUR",
         at(epoch + i * 1000) if i % 5 else None) for i in range(count["payments"])))
    conn.executemany("INSERT INTO notes VALUES (?, ?, ?, ?)", (
        (i, courses[i % len(courses)], f"note {i} with some text in it, é and tabs\tto escape", at(epoch + i)) for i in range(1, count["notes"] + 1)))
    conn.commit()
    conn.close()


def column_types(url: str) -> dict[str, str]:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_name <> '_migrator_copy' ORDER BY 1").fetchall()
    return dict(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    pgloader = shutil.which("pgloader")
    cluster = pgcluster.EphemeralCluster().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.db"
            generate(db, args.rows)
            runs = {"n": 0}

            def fresh() -> str:
                import psycopg

                runs["n"] += 1
                name = f"copy_{runs['n']}"
                with psycopg.connect(cluster.url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                    conn.execute(f'CREATE DATABASE "{name}"')
                return cluster.url_for(name)

            target = {}

            def ours_setup() -> None:
                target["ours"] = fresh()

            ours, ours_peak = _timed(lambda: [MIGRATOR, "copy", f"sqlite:///{db}", target["ours"]], ours_setup, args.repeat)
            ours_types = column_types(target["ours"])
            peer = peer_peak = None
            if pgloader:
                def peer_setup() -> None:
                    target["peer"] = fresh()

                peer, peer_peak = _timed(lambda: [pgloader, "--quiet", f"sqlite://{db}", target["peer"]], peer_setup, args.repeat)
                peer_types = column_types(target["peer"])
            report(f"copy sqlite -> postgresql, {args.rows:,} rows in 6 tables", ours, "pgloader" if peer else None, peer,
                   extra=f"peak memory {ours_peak:.0f} MB" + (f" vs {peer_peak:.0f} MB" if peer_peak else "")
                   + " (target: ratio <= 1.0)")
            # What each copy holds, checked by verify data against the SQLite file (not timed).
            from migrator.data.verify import verify

            for who, url in (("migrator", target["ours"]), *((("pgloader", target["peer"]),) if peer else ())):
                proof = verify(f"sqlite:///{db}", url)
                wrong = [f"{t.name} ({t.status}: {t.changed_count} changed)" for t in proof.tables if not t.ok]
                print(f"  verify data, {who}'s copy: {sum(t.ok for t in proof.tables)} of {len(proof.tables)} tables equal"
                      + (f"; {', '.join(wrong)}" if wrong else ""))
            if peer:
                _epoch_ms_check(tmp, pgloader, fresh)
            for column in ("users.id", "users.settings", "users.is_admin", "users.created_at", "courses.price",
                           "courses.metadata", "enrollments.enrolled_at", "payments.amount"):
                theirs = f", pgloader {peer_types.get(column)}" if peer else ""
                print(f"  {column}: migrator {ours_types.get(column)}{theirs}")
    finally:
        cluster.stop()


def _epoch_ms_check(tmp: str, pgloader: str, fresh) -> None:
    """The same tables with Prisma's SQLite DateTime (epoch milliseconds): how many rows each tool loads."""
    import psycopg

    db = Path(tmp) / "epoch.db"
    generate(db, 10_000, epoch_ms=True)
    source = sqlite3.connect(db)
    wanted = sum(source.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in SHARES)
    source.close()
    loaded = {}
    for who, argv_of in (("migrator", lambda url: [MIGRATOR, "copy", f"sqlite:///{db}", url]),
                         ("pgloader", lambda url: [pgloader, "--quiet", f"sqlite://{db}", url])):
        url = fresh()
        code = subprocess.run(argv_of(url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        with psycopg.connect(url) as conn:
            present = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
            loaded[who] = (sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in SHARES if t in present), code)
    print(f"  epoch-millisecond timestamps (Prisma's SQLite DateTime), {wanted:,} rows: "
          + ", ".join(f"{who} loaded {n:,} (exit {code})" for who, (n, code) in loaded.items()))


def _timed(argv_of, setup, repeat: int) -> tuple[float, float]:
    best, peak = float("inf"), 0.0
    for _ in range(repeat):
        setup()
        elapsed, used = run_timed(argv_of(), repeat=1)
        best, peak = min(best, elapsed), max(peak, used)
    return best, peak


if __name__ == "__main__":
    main()
