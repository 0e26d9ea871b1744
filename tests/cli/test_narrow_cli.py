"""Text reports on stdout are laid out for COLUMNS (the terminal); files and pipes keep 120."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from migrator.render.narrow import DETAILS_HINT

from .test_diff_cli import DRIZZLE, PRISMA

MIGRATOR = str(Path(sys.executable).with_name("migrator"))


def _run(*args: str, columns: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "GITHUB_ACTIONS")}
    if columns is not None:
        env["COLUMNS"] = columns
    done = subprocess.run([MIGRATOR, *args], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def test_diff_at_80_columns_fits_and_points_to_json() -> None:
    narrow = _run("diff", "--no-server", PRISMA, DRIZZLE, columns="80")
    assert max(len(line) for line in narrow.splitlines()) <= 80
    wide = _run("diff", "--no-server", PRISMA, DRIZZLE, columns=None)  # a pipe without COLUMNS: 120 as before
    assert max(len(line) for line in wide.splitlines()) > 80
    assert DETAILS_HINT not in wide
    if DETAILS_HINT in narrow:
        assert narrow.rstrip().splitlines()[-1] == DETAILS_HINT


def test_scan_at_80_columns_fits() -> None:
    tutorme = Path(PRISMA.removeprefix("prisma:")).parents[1]
    text = _run("scan", "--no-cache", str(tutorme), columns="80")
    assert max(len(line) for line in text.splitlines()) <= 80


def test_check_says_the_hint_once_after_every_check() -> None:
    from migrator.cli.verify import ReportFormat, _render

    from ..render.diff_samples import DRIFT

    text = _render([("first", DRIFT), ("second", DRIFT)], ReportFormat.text, "0", width=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert text.count(DETAILS_HINT) == 1 and text.rstrip().splitlines()[-1] == DETAILS_HINT
    assert DETAILS_HINT not in _render([("first", DRIFT)], ReportFormat.text, "0", width=120)
