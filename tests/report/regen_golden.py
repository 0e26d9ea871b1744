"""The golden progress report of examples/tutorme: tests/fixtures/report/tutorme_progress.md.

    .venv/bin/python tests/report/regen_golden.py          # rewrite it
    .venv/bin/python tests/report/regen_golden.py --check  # exit 1 if it is out of date

tests/report/test_golden.py compares the Markdown renderer's output with the file; after an
intended change in the report, regenerate and review the diff of the file.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from migrator.report.progress_markdown import render_progress_markdown  # noqa: E402
from tests.report.tutorme_report import FIXTURES, tutorme_report  # noqa: E402

GOLDEN = FIXTURES / "tutorme_progress.md"


def main(argv: list[str]) -> int:
    text = render_progress_markdown(tutorme_report())
    if GOLDEN.exists() and GOLDEN.read_text(encoding="utf-8") == text:
        print("golden file up to date")
        return 0
    if "--check" in argv:
        print(f"out of date: {GOLDEN.name}")
        return 1
    GOLDEN.write_text(text, encoding="utf-8")
    print(f"rewritten: {GOLDEN.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
