"""`COLUMNS=80 migrator <command> --help` shows every option name whole, in lines of at most 80."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from migrator.cli import app

COMMAND = typer.main.get_command(app)
MIGRATOR = str(Path(sys.executable).with_name("migrator"))
NAMES = sorted(COMMAND.commands)


def _help(*args: str, columns: int = 80) -> str:
    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("TERMINAL_WIDTH", None)
    done = subprocess.run([MIGRATOR, *args, "--help"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_command_is_listed_whole() -> None:
    text = _help()
    assert all(len(line) <= 80 for line in text.splitlines())
    for name in NAMES:
        assert f"  {name}" in text, name


@pytest.mark.parametrize("name", NAMES)
def test_help_at_80_columns_shows_every_option_name_whole(name: str) -> None:
    text = _help(name)
    too_long = [line for line in text.splitlines() if len(line) > 80]
    assert not too_long, too_long
    for param in COMMAND.commands[name].params:
        for opt in (*param.opts, *param.secondary_opts):
            if opt.startswith("-"):
                # whole: followed by a blank, a comma, a slash or the end of the line, never "…"
                assert any(word.strip(",") == opt for line in text.splitlines() for word in line.split()), (name, opt)
    assert "…-" not in text
