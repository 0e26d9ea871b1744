"""The `migrator` command: thin Typer commands over the library, one module per command group.

migrator/cli/shared.py holds what every command shares (the app, console, error guard, output
and progress helpers); inspect.py (inspect, sources), verify.py (diff, drift, check, init),
scan.py (scan, report) and rewrite.py register their commands on the shared app when imported.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated

import typer

import importlib

from migrator import __version__
from migrator.cli import shared
from migrator.cli.shared import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_INTERRUPTED, interrupted

# Importing a command module registers its commands on the shared app. A run imports only the
# module of the command it names (each costs a few milliseconds of start-up); `migrator.cli.app`
# (tests, docs) and every other run import them all.
COMMAND_MODULES = {
    "inspect": "inspect", "sources": "inspect", "scan": "scan", "report": "scan",
    "diff": "verify", "drift": "verify", "check": "verify", "init": "verify", "rewrite": "rewrite",
    "generate": "generate", "copy": "copy", "verify": "verify_data", "apply": "apply",
}


def _register(modules: set[str]) -> typer.Typer:
    for module in sorted(modules):
        importlib.import_module(f"migrator.cli.{module}")
    return shared.app


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return _register(set(COMMAND_MODULES.values()))
    raise AttributeError(name)


def _version(value: bool) -> None:
    if value:
        print(f"migrator {__version__}")
        raise typer.Exit()


@shared.app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="show the version")] = False,
) -> None:
    """migrator: inspect, diff, rewrite and report on a codebase moving between database access layers."""


def _only_the_invoked_command(argv: list[str]) -> tuple[typer.Typer, list]:
    """The app with only the command the first argument names exactly: its module is the one
    imported, and Typer, which builds a click command for every registered command on each run
    (reading each one's signature and annotations: 25 ms for nine), builds one. Anything else
    (`--help`, a typo that needs the did-you-mean, no argument) gets them all. Returns the app
    and its full command list, to put back."""
    name = argv[0] if argv and not argv[0].startswith("-") else None
    app = _register({COMMAND_MODULES[name]} if name in COMMAND_MODULES else set(COMMAND_MODULES.values()))
    registered = list(app.registered_commands)
    named = [c for c in registered if typer.main.get_command_name(c.name or c.callback.__name__) == name]
    if named:
        app.registered_commands[:] = named
    return app, registered


def main() -> None:
    shared.interrupt_reported = False
    app, registered = _only_the_invoked_command(sys.argv[1:])
    try:
        try:
            app()
        finally:
            app.registered_commands[:] = registered
            _stop_scratch_server()
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED and not shared.interrupt_reported:
            interrupted()  # Typer maps a Ctrl-C outside a command's guard to 130 without a word
        raise
    except KeyboardInterrupt:
        if not shared.interrupt_reported:
            interrupted()
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        raise SystemExit(shared.pipe_closed().exit_code) from None
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
