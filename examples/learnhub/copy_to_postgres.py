"""LearnHub's move from SQLite to PostgreSQL, as `make demo` shows it: plan, copy, verify.

    .venv/bin/python examples/learnhub/copy_to_postgres.py [--db examples/learnhub/learnhub.db]

A throwaway PostgreSQL server is started for the demo (migrator.pgcluster: initdb and pg_ctl
on 127.0.0.1, a free port) and removed at the end; without PostgreSQL's server binaries the
demo says so and exits 0. The commands it runs are the ones a team would run against its
own server:

1. `migrator copy … --schema-from examples/learnhub/postgres/schema.sql --dry-run`: the plan
   (type decisions from the target schema: jsonb, timestamptz, numeric, new uuid columns);
2. `migrator copy …`: the rows;
3. `migrator verify data …`: both databases hashed inside themselves, compared.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MIGRATOR = str(Path(sys.executable).parent / "migrator")


def run(argv: list[str], expected: tuple[int, ...] = (0,)) -> None:
    print("$ migrator " + " ".join(argv[1:]), flush=True)
    code = subprocess.run(argv).returncode
    if code not in expected:
        raise SystemExit(f"exit {code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(HERE / "learnhub.db"))
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from migrator import pgcluster

    if not pgcluster.available():
        print("copy demo skipped: PostgreSQL server binaries are not installed (the postgresql package)")
        return
    cluster = pgcluster.EphemeralCluster().start()
    try:
        source = f"sqlite:///{args.db}"
        target = cluster.url_for("learnhub")
        model = str(HERE / "postgres" / "schema.sql")
        run([MIGRATOR, "copy", source, target, "--schema-from", model, "--dry-run"])
        run([MIGRATOR, "copy", source, target, "--schema-from", model])
        run([MIGRATOR, "verify", "data", source, target])
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
