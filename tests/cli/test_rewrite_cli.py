"""`migrator rewrite` reads the session names a team always uses from migrator.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..conftest import EXAMPLES
from .test_inspect_cli import invoke, one_line_error


def test_session_names_from_the_config(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "learnhub"
    shutil.copytree(EXAMPLES / "learnhub", root, ignore=shutil.ignore_patterns("*.db", ".migrator"))
    (root / ".git").mkdir()
    (root / "migrator.toml").unlink()  # the example ships one naming `session`; start without
    monkeypatch.chdir(root)
    # The project index proves the sessions (value flow from the module that creates them)…
    by_index = invoke("rewrite", "learnhub")
    # …without it (--no-project), unannotated `session` parameters are not evidence on their own;
    without = invoke("rewrite", "--no-project", "learnhub")
    (root / "migrator.toml").write_text('[rewrite]\nsession_names = ["session"]\n')
    # named in the config, they are.
    with_names = invoke("rewrite", "--no-project", "learnhub")
    assert with_names.stdout.count("\n+") > without.stdout.count("\n+")
    assert by_index.stdout.count("\n+") >= with_names.stdout.count("\n+")
    assert with_names.exit_code == 1  # a dry run that would change files
    (root / "migrator.toml").write_text('[rewrite]\nsession_names = "session"\n')
    bad = invoke("rewrite", "learnhub")
    assert bad.exit_code == 2
    assert "session_names must be a list" in one_line_error(bad)
