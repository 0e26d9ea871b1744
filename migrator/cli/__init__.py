"""The `migrator` command: thin Typer commands over the library, one module per command group.

migrator/cli/shared.py holds what every command shares (the app, console, error guard, output
and progress helpers); inspect.py (inspect, sources), verify.py (diff, drift, check, init),
scan.py (scan, report) and rewrite.py register their commands on the shared app when imported.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from migrator import __version__
from migrator.cli import shared
from migrator.cli.shared import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_INTERRUPTED, app, interrupted

# Importing a command module registers its commands on `app`.
from migrator.cli import inspect, rewrite, scan, verify  # noqa: E402,F401


def _version(value: bool) -> None:
    if value:
        print(f"migrator {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="show the version")] = False,
) -> None:
    """migrator: inspect, diff, rewrite and report on a codebase moving between database access layers."""


def main() -> None:
    shared.interrupt_reported = False
    try:
        try:
            app()
        finally:
            _stop_scratch_server()
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED and not shared.interrupt_reported:
            interrupted()  # Typer maps a Ctrl-C outside a command's guard to 130 without a word
        raise
    except KeyboardInterrupt:
        if not shared.interrupt_reported:
            interrupted()
        sys.exit(EXIT_INTERRUPTED)
    except BaseException as exc:  # last line of defence: never a traceback
        if os.environ.get("MIGRATOR_DEBUG"):
            raise
        print(f"error: internal error: {type(exc).__name__}", file=sys.stderr)
        sys.exit(EXIT_FAILURE)


def _stop_scratch_server() -> None:
    """Stop the scratch PostgreSQL server, if this run started one, before the process ends.

    (An atexit hook would do it too, but a Ctrl-C during an atexit hook is a traceback.)
    A Ctrl-C while it stops is raised once the server and its folder are gone.
    """
    scratch = sys.modules.get("migrator.inspect._scratch")
    if scratch is not None:
        scratch.stop_shared_cluster()


__all__ = ["app", "main", "EXIT_BAD_INPUT"]
