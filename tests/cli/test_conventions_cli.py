"""The CLI's conventions across commands: Ctrl-C, errors writing outputs, config keys, option values.

Exit codes: 0 clean, 1 findings, 2 bad input (one line naming what and where), 3 could not
connect or internal failure, 130 interrupted; never a traceback, a partial file, or a
temporary folder or server left behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from migrator import pgcluster
from migrator.errors import CannotWrite
from migrator.files import atomic_write

from ..conftest import REPO
from .test_inspect_cli import invoke, one_line_error

MAIN = [sys.executable, "-c", "from migrator.cli import main; main()"]


# ---------------------------------------------------------------------------
# Ctrl-C


def _processes_under(folder: Path) -> list[str]:
    """Processes whose command line or working folder is inside `folder` (the scratch server's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if str(folder) in cmdline or cwd.startswith(str(folder)):
            found.append(f"{entry.name}: {cmdline.strip()} (in {cwd})")
    return found


def _big_migrations(folder: Path, files: int = 40, tables: int = 40) -> Path:
    """A migrations folder that keeps the scratch server busy for a while (SIGINT lands while it runs)."""
    folder.mkdir()
    for f in range(files):
        body = "".join(f"CREATE TABLE t{f}_{t} (id serial PRIMARY KEY, name text NOT NULL DEFAULT 'x', n int CHECK (n > 0));\n"
                       f"CREATE INDEX t{f}_{t}_name ON t{f}_{t} (name);\n" for t in range(tables))
        (folder / f"{f:04d}_step.sql").write_text(body)
    return folder


@pytest.mark.skipif(not pgcluster.available(), reason="PostgreSQL server binaries not installed")
@pytest.mark.parametrize("when", ["starting", "running"])
def test_ctrl_c_exits_130_and_leaves_no_folder_or_server(tmp_path: Path, when: str) -> None:
    """Ctrl-C in the terminal (SIGINT to the whole process group) while the scratch cluster starts or runs."""
    # Not under tmp_path: as root the server runs as `postgres`, which cannot enter pytest's 0700 folders.
    private_tmp = Path(tempfile.mkdtemp(prefix="migrator-test-"))
    private_tmp.chmod(0o755)
    try:
        _interrupt(tmp_path, private_tmp, when)
    finally:
        for folder in private_tmp.glob("migrator-pg-*"):  # only when the test failed: stop what it left
            leftover = pgcluster.EphemeralCluster()
            leftover.dir, leftover._as_user = folder, (pgcluster._run_as_user() if os.geteuid() == 0 else None)
            leftover.stop()
        shutil.rmtree(private_tmp, ignore_errors=True)


def _interrupt(tmp_path: Path, private_tmp: Path, when: str) -> None:
    migrations = _big_migrations(tmp_path / "migrations") if when == "running" else REPO / "tests/fixtures/migrations/plain"
    process = subprocess.Popen([*MAIN, "inspect", str(migrations)], env={**os.environ, "TMPDIR": str(private_tmp)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            clusters = list(private_tmp.glob("migrator-pg-*"))
            if clusters and (when == "starting" or (clusters[0] / "data" / "postmaster.pid").exists()):
                break
            time.sleep(0.002)
        assert process.poll() is None, "the command ended before the scratch cluster was seen"
        if when == "running":
            time.sleep(0.3)  # into the applying of the migrations
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    text = stderr.decode()
    assert process.returncode == 130, (process.returncode, text)
    assert text.splitlines() == ["error: interrupted"], text
    assert list(private_tmp.iterdir()) == []
    assert _processes_under(private_tmp) == []


# ---------------------------------------------------------------------------
# File-system errors on any output: exit 2 naming the path, nothing left behind


def _sqlite_db(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)")
    conn.close()
    return path


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small repository: a SQLite database, a config with one check, legacy SQLAlchemy code."""
    root = tmp_path / "project"
    root.mkdir()
    (root / ".git").mkdir()  # the config search stops here
    _sqlite_db(root / "app.db")
    (root / "migrator.toml").write_text('[sources]\napp = "sqlite:app.db"\n\n[[check]]\nfrom = "app"\nto = "app"\n')
    shutil.copy(REPO / "tests/fixtures/rewrite/SA004_count/before.py", root / "legacy.py")
    monkeypatch.chdir(root)
    return root


def _output_commands(root: Path) -> dict[str, list[str]]:
    db = f"sqlite:///{root / 'app.db'}"
    return {
        "inspect": ["inspect", db, "-o"],
        "diff": ["diff", db, db, "-o"],
        "drift": ["drift", "--live", db, "--legacy", db, "--target", db, "-o"],
        "check": ["check", "-o"],
        "scan": ["scan", str(root), "-o"],
        "scan --update-baseline": ["scan", str(root), "--update-baseline", "--baseline"],
        "report": ["report", str(root), "--no-checks", "--out"],
        "rewrite --patch": ["rewrite", str(root / "legacy.py"), "--patch"],
    }


@pytest.mark.parametrize("command", list(_output_commands(Path("."))))
@pytest.mark.parametrize("obstacle", ["file in the way", "folder in the way"])
def test_an_output_that_cannot_be_written_is_bad_input_naming_it(project: Path, tmp_path: Path, command: str, obstacle: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("keep me\n")
    taken = tmp_path / "taken"
    (taken / "progress.md").mkdir(parents=True)  # a folder where report writes a file
    if obstacle == "file in the way":
        target = blocker if command == "report" else blocker / "out.txt"  # report --out names a folder
    else:
        target = taken if command == "report" else taken / "progress.md"
    result = invoke(*_output_commands(project)[command], str(target))
    assert result.exit_code == 2, (result.exit_code, result.output)
    line = one_line_error(result)
    assert str(target) in line and "cannot write" in line, line
    assert "internal error" not in line
    assert blocker.read_text() == "keep me\n"
    assert [p.name for p in taken.rglob("*")] == ["progress.md"]  # no temporary file left behind


def test_a_failed_write_is_bad_input_and_still_an_oserror_for_the_caches(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(CannotWrite) as caught:
        atomic_write(tmp_path / "file" / "cache.json", "{}")
    assert isinstance(caught.value, OSError) and caught.value.exit_code == 2
    assert str(caught.value) == f"{tmp_path / 'file' / 'cache.json'}: cannot write: {tmp_path / 'file'} is not a folder"


# ---------------------------------------------------------------------------
# Every key of every section of migrator.toml is checked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[scan]\nlegacy = ["sqlalchemy-legacy"]\ntaget = ["sqlalchemy"]\n',
         "migrator.toml:3: unknown key 'taget' in [scan]; did you mean 'target'?"),
        ('[report]\nout = "reports"\nformats = ["md"]\n', "migrator.toml:3: unknown key 'formats' in [report]"),
        ('[rewrite]\nsession_name = ["session"]\n',
         "migrator.toml:2: unknown key 'session_name' in [rewrite]; did you mean 'session_names'?"),
    ],
)
def test_unknown_keys_in_sections_are_bad_input_with_file_line_and_suggestion(project: Path, text: str, expected: str) -> None:
    (project / "migrator.toml").write_text(text)
    for args in (["scan", "."], ["rewrite", "legacy.py"]):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        assert one_line_error(result) == f"error: {expected}"


# ---------------------------------------------------------------------------
# Option values: --since and --every of report


def _git_repo(root: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    shutil.rmtree(root / ".git")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", "one"], check=True, env=env)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--since", "notadate"], "--since 'notadate': expected a date (2024-01-31, \"3 months ago\") or a revision of"),
        (["--since", "2024-13-45"], "--since '2024-13-45': expected a date"),
        (["--every", "soon"], "--every 'soon': expected a number of commits or a period such as 1d, 2w, 12h"),
        (["--every", "0"], "--every '0': expected at least 1 commit"),
    ],
)
def test_report_history_options_are_checked_before_scanning(project: Path, args: list[str], fragment: str) -> None:
    _git_repo(project)
    result = invoke("report", ".", "--history", "--no-checks", "--out", "out", *args)
    assert result.exit_code == 2, result.output
    assert fragment in one_line_error(result)
    assert not (project / "out").exists()


@pytest.mark.parametrize("since", ["2024-01-31", "2024-01-31T10:00:00Z", "3 months ago", "1.week.ago", "yesterday", "HEAD"])
def test_report_since_takes_dates_and_revisions(project: Path, since: str) -> None:
    _git_repo(project)
    result = invoke("report", ".", "--history", "--no-checks", "--out", "out", "--format", "json", "--since", since)
    assert result.exit_code == 0, result.output
    assert (project / "out" / "progress.json").exists()


# ---------------------------------------------------------------------------
# rewrite: a file that cannot be parsed


def test_rewrite_of_an_unparsable_file_exits_2_naming_it_and_writes_nothing(project: Path) -> None:
    subprocess.run(["git", "init", "-q"], check=True)
    (project / "broken.py").write_text("def f(:\n    session.query(M).all()\n")
    before = (project / "legacy.py").read_text()
    for args in (["rewrite", "."], ["rewrite", ".", "--apply", "--force"], ["rewrite", ".", "--format", "json"],
                 ["rewrite", ".", "--patch", "fix.patch"]):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        line = one_line_error(result)
        assert line.startswith("error: broken.py: syntax error at line 2") and "--skip-unparsable" in line, line
        assert result.stdout == ""
    assert (project / "legacy.py").read_text() == before
    assert not (project / "fix.patch").exists()

    (project / "broken2.py").write_text("def g(:\n    session.query(M).all()\n")
    line = one_line_error(invoke("rewrite", "."))
    assert line.startswith("error: 2 files cannot be parsed: broken.py (syntax error at line 2") and ", broken2.py;" in line


def test_rewrite_skip_unparsable_lists_them_as_skipped_and_rewrites_the_rest(project: Path) -> None:
    (project / "broken.py").write_text("def f(:\n    session.query(M).all()\n")
    dry = invoke("rewrite", ".", "--skip-unparsable")
    assert dry.exit_code == 1  # the other file would change
    assert "broken.py: skipped: syntax error at line 2" in dry.stdout
    assert "+++ b/legacy.py" in dry.stdout or "legacy.py" in dry.stdout
    applied = invoke("rewrite", ".", "--skip-unparsable", "--apply", "--force")
    assert applied.exit_code == 0, applied.output
    assert "func.count()" in (project / "legacy.py").read_text()


# ---------------------------------------------------------------------------
# Help and plain-text output


def test_no_option_is_a_double_negative() -> None:
    from typer.main import get_command

    from migrator.cli import app

    names = [opt for command in get_command(app).commands.values() for p in command.params
             for opt in (*p.opts, *getattr(p, "secondary_opts", ()))]
    assert "--no-cache" in names
    assert [n for n in names if n.startswith("--no-no-")] == []


def test_diff_usage_names_both_sides_alike_and_drift_examples_match_their_roles() -> None:
    usage = invoke("diff", "--help").stdout
    assert "{FROM} {TO}" in usage and "TO    the source as it should be" in usage
    drift = " ".join(invoke("drift", "--help").stdout.split())
    legacy = drift[drift.index("--legacy"):drift.index("--target")]
    target = drift[drift.index("--target"):drift.index("--partial")]
    assert "prisma:" in legacy and "drizzle:" not in legacy
    assert "drizzle:" in target and "prisma:" not in target


def test_errors_never_show_markup_and_keep_brackets(project: Path) -> None:
    (project / "migrator.toml").write_text(
        '[sources]\napp = "sqlite:app.db"\ngone = "snapshot:[red]gone[/red].json"\n\n[[check]]\nfrom = "app"\nto = "gone"\n')
    result = invoke("check")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: check app-vs-gone: {project}/[red]gone[/red].json: no such snapshot file"]
    missing = invoke("inspect", "sql:[bold]x[/].sql")
    assert one_line_error(missing) == "error: [bold]x[/].sql: no such file or folder"


def test_inspect_text_shows_brackets_in_names_defaults_and_views_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "brackets.db"
    with sqlite3.connect(path) as conn:
        conn.execute("""CREATE TABLE "t[/x]" (id INTEGER PRIMARY KEY, tags TEXT DEFAULT '[/b]', n TEXT DEFAULT '[i]')""")
        conn.execute("""CREATE VIEW v AS SELECT json_extract(tags, '$[i]') AS x, '[/b]' AS y FROM "t[/x]" """)
    conn.close()
    result = invoke("inspect", f"sqlite:///{path}")
    assert result.exit_code == 0, result.output
    assert "main.t[/x]" in result.stdout and "'[/b]'" in result.stdout and "'[i]'" in result.stdout
    assert """view main.v: SELECT json_extract(tags, '$[i]') AS x, '[/b]' AS y FROM "t[/x]\"""" in result.stdout
