"""Progress bars: on stderr only when it is a terminal; stdout is the same either way.

The commands run in a subprocess, once with stderr a pipe (as in CI: nothing but today's
output) and once with stderr a real pseudo-terminal (a bar is drawn, then removed).
MIGRATOR_PROGRESS_DELAY=0 draws the bar at once instead of after 0.4 s of work.
"""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.progress import Progress, progress

from ..conftest import EXAMPLES

MIGRATOR = str(Path(sys.executable).with_name("migrator"))
LEGACY = "from models import User\n\n\ndef users(session):\n    return session.query(User).filter_by(id={n}).all()\n"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR")}
    return {**env, "TERM": "xterm", "COLUMNS": "100", **extra}


def _piped(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([MIGRATOR, *args], cwd=cwd, capture_output=True, env=_env(**env), timeout=300)


def _with_terminal_stderr(args: list[str], cwd: Path, **env: str) -> tuple[int, bytes, bytes]:
    """(exit code, stdout, what the terminal on stderr received)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([MIGRATOR, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL,
                            env=_env(**env))
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    stdout, _ = proc.communicate(timeout=300)
    return proc.returncode, stdout, seen


@pytest.fixture()
def legacy_code(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "models.py").write_text("class User:\n    pass\n")
    for n in range(4):
        (root / f"views_{n}.py").write_text(LEGACY.format(n=n))
    return root


def test_progress_rewrite_pipe_gets_no_bar_and_terminal_gets_one(legacy_code: Path) -> None:
    args = ["rewrite", "--no-project", "--jobs", "1", "."]
    quiet = _piped(args, legacy_code)
    also_quiet = _piped(args, legacy_code, MIGRATOR_PROGRESS_DELAY="0")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (also_quiet.returncode, also_quiet.stdout, also_quiet.stderr)
    assert b"\x1b[" not in quiet.stderr and b"rewriting" not in quiet.stderr
    code, stdout, terminal = _with_terminal_stderr(args, legacy_code, MIGRATOR_PROGRESS_DELAY="0")
    assert code == quiet.returncode
    assert stdout == quiet.stdout  # the diff is untouched by the bar
    assert b"rewriting" in terminal  # the bar, on the terminal
    assert b"file(s) would change" in terminal  # and the summary after it


def test_progress_scan_pipe_gets_no_bar_and_terminal_gets_one(tmp_path: Path) -> None:
    root = tmp_path / "tutorme"
    shutil.copytree(EXAMPLES / "tutorme", root, ignore=shutil.ignore_patterns(".migrator", "reports"))
    args = ["scan", "--no-cache", "--jobs", "1", str(root)]
    quiet = _piped(args, tmp_path, MIGRATOR_PROGRESS_DELAY="0")
    assert quiet.returncode == 0 and quiet.stderr == b""
    code, stdout, terminal = _with_terminal_stderr(args, tmp_path, MIGRATOR_PROGRESS_DELAY="0")
    assert code == 0 and stdout == quiet.stdout
    assert b"reading" in terminal or b"analyzing" in terminal


def test_progress_callback_is_silent_without_a_terminal(capsys) -> None:
    with progress(delay=0) as bar:
        for n in range(3):
            bar("working", n, 3)
    assert capsys.readouterr() == ("", "")


def test_progress_a_closed_callback_draws_nothing_more(monkeypatch) -> None:
    import io

    bar = Progress(delay=0)
    bar._wanted = True  # as if on a terminal
    bar.close()
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    bar("late", 1, 2)
    assert bar._progress is None


def test_progress_inspect_of_a_migrations_folder(tmp_path: Path) -> None:
    folder = Path(__file__).resolve().parents[1] / "fixtures" / "migrations" / "prisma_sqlite"
    args = ["inspect", str(folder)]
    quiet = _piped(args, tmp_path, MIGRATOR_PROGRESS_DELAY="0")
    assert quiet.returncode == 0, quiet.stderr
    assert b"\x1b[" not in quiet.stderr and b"applying" not in quiet.stderr and b"reading" not in quiet.stderr
    code, stdout, terminal = _with_terminal_stderr(args, tmp_path, MIGRATOR_PROGRESS_DELAY="0")
    assert code == 0 and stdout == quiet.stdout
    assert b"applying" in terminal or b"reading" in terminal  # one step per migration
