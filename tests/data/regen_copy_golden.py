"""Regenerate tests/fixtures/data_copy/<case>/expected.txt: read the diff of each before committing it."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from migrator import pgcluster  # noqa: E402
from tests.data.copy_cases import CASES, case_names, run_case  # noqa: E402


def main() -> None:
    cluster = pgcluster.EphemeralCluster().start()
    try:
        for i, case in enumerate(sys.argv[1:] or case_names()):
            with tempfile.TemporaryDirectory() as tmp:
                text = run_case(case, Path(tmp), cluster.url_for(f"regen_{i}"))
            (CASES / case / "expected.txt").write_text(text.replace(tmp, "{tmp}"))
            print(f"{case}: written")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
