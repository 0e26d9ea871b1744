"""The golden outputs of the diff renderers: what each file in tests/fixtures/render/diff/ holds.

    .venv/bin/python tests/render/regen_golden.py      # rewrite them all (`make golden`)
    .venv/bin/python tests/render/regen_golden.py --check   # exit 1 if any is out of date

tests/render/test_diff_golden.py compares each renderer's output with its file; after an
intended change in a renderer, regenerate and review the diff of the files.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from migrator.render.diff_text import render_diff_text  # noqa: E402
from migrator.render.github import render_github_annotations  # noqa: E402
from migrator.render.diff_json import render_check_json, render_diff_json  # noqa: E402
from migrator.render.diff_markdown import render_check_markdown, render_diff_markdown  # noqa: E402
from migrator.render.sarif import render_sarif  # noqa: E402
from tests.render.diff_samples import CHECKS, CLEAN, DRIFT, ODD  # noqa: E402

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "render" / "diff"
ROOT = "/repo"  # the repository root the samples' absolute origin files lie under

GOLDEN: dict[str, Callable[[], str]] = {
    "drift.txt": lambda: render_diff_text(DRIFT, 120),
    "drift-80.txt": lambda: render_diff_text(DRIFT, 80),
    "clean.txt": lambda: render_diff_text(CLEAN),
    "drift.json": lambda: render_diff_json(DRIFT),
    "check.json": lambda: render_check_json(CHECKS + [("odd", ODD)], exit_code=1, root=ROOT),
    "drift.md": lambda: render_diff_markdown(DRIFT),
    "check.md": lambda: render_check_markdown(CHECKS + [("odd", ODD)], root=ROOT),
    "check.sarif": lambda: render_sarif(CHECKS + [("odd", ODD)], "0.1.0", root=ROOT),
    "check.github.txt": lambda: render_github_annotations(CHECKS + [("odd", ODD)], root=ROOT),
}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for name, render in GOLDEN.items():
        path = GOLDEN_DIR / name
        text = render()
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not check:
            path.write_text(text, encoding="utf-8")
    verb = "out of date" if check else "rewritten"
    print(f"{len(stale)} {verb}: {', '.join(stale)}" if stale else "golden files up to date")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
