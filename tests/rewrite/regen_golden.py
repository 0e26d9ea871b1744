"""The golden outputs of tests/rewrite/test_project.py: expected.diff and findings.txt per project case.

    .venv/bin/python tests/rewrite/regen_golden.py      # rewrite them all (`make golden`)

After an intended change in a rule or in the project index, regenerate and review the diff of the files.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.rewrite.test_project import CASES, PROJECTS, rendered, run_case  # noqa: E402


def main() -> None:
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            _, results = run_case(case, Path(tmp))
            diff, findings = rendered(results)
        (PROJECTS / case / "expected.diff").write_text(diff)
        (PROJECTS / case / "findings.txt").write_text(findings)
        print(f"{case}: {diff.count(chr(10))} diff lines, {findings.count(chr(10))} findings")


if __name__ == "__main__":
    main()
