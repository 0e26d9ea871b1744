"""migrator.files.atomic_write: whole files only, and permission bits that match a plain write."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from migrator.files import atomic_write


def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    script = tmp_path / "manage.py"
    script.write_text("print('old')\n")
    script.chmod(0o755)
    atomic_write(script, "print('new')\n")
    assert script.read_text() == "print('new')\n"
    assert stat.S_IMODE(script.stat().st_mode) == 0o755


def test_new_file_gets_umask_mode_not_0600(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        atomic_write(tmp_path / "out" / "report.patch", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "out" / "report.patch").stat().st_mode) == 0o644


def test_failed_write_leaves_no_temp_file_and_the_old_content(tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write(target, "\udcff")  # a lone surrogate cannot be encoded
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
