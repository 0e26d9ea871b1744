"""What every `migrator` command shares: the Typer app, the console, the error guard that maps
exceptions to one line and an exit code, output writing and progress.

Exit codes: 0 clean, 1 findings, 2 bad input, 3 could not connect or internal failure,
130 interrupted (Ctrl-C, after the scratch server and its folder are removed). Every error is
one line on stderr with secrets removed; a traceback is shown only with MIGRATOR_DEBUG=1.
Command modules (migrator/cli/<group>.py) import from here only, never from each other.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from migrator import __version__
from migrator.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_INTERRUPTED, MigratorError
from migrator.sqltext import redact, url_secrets

app = typer.Typer(
    name="migrator",
    help="Inspect, diff, rewrite and report on a codebase moving between database access layers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: it wraps help text under whole option names at any width, where rich's
    # help panels cut long names ("--include-bookk…") on an 80-column terminal.
    rich_markup_mode=None,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sql = "sql"


class TextOrJson(str, Enum):
    """--format of the commands that print a report for people (text) or programs (json)."""

    text = "text"
    json = "json"


class Dialect(str, Enum):
    postgresql = "postgresql"
    sqlite = "sqlite"


def make_console(**kwargs):
    # rich is imported only when something is printed through it: start-up time counts.
    from rich.console import Console

    return Console(**kwargs)


def error(message: str) -> None:
    """`error: <message>` on stderr, "error:" in red on a terminal; the message is printed as it is,
    never read as rich markup (a path or SQL with [brackets] stays intact, and no tag ever shows)."""
    from rich.text import Text

    make_console(stderr=True, highlight=False, soft_wrap=True).print(Text.assemble(("error:", "red"), " ", message))


def fail(message: str, code: int, secrets: list[str]) -> typer.Exit:
    """Print `error: <first line>` and exit; later lines (a source line and its caret) follow as they are."""
    first, _, context = message.partition("\n")
    error(redact(" ".join(first.split()), *secrets))
    if context.strip():
        make_console(stderr=True, highlight=False, soft_wrap=True).print(redact(context.rstrip(), *secrets), markup=False)
    return typer.Exit(code)


def interrupted() -> typer.Exit:
    """Ctrl-C: one line and exit 130; the scratch server is stopped on the way out (main)."""
    global interrupt_reported
    interrupt_reported = True
    error("interrupted")
    return typer.Exit(EXIT_INTERRUPTED)


interrupt_reported = False  # main() says it once when Typer turned a Ctrl-C into exit 130 itself


EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE, as a shell reports a command whose reader went away


def pipe_closed() -> typer.Exit:
    """The reader of stdout went away (`migrator … | head`): stop without a word, as Unix tools do.
    stdout is pointed at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return typer.Exit(EXIT_PIPE_CLOSED)


class Guard:
    """Turn library errors into one-line messages and exit codes."""

    def __init__(self, *specs: str | None) -> None:
        self.secrets = [secret for spec in specs for secret in url_secrets(spec)]

    def __enter__(self) -> Guard:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None or isinstance(exc, (typer.Exit, typer.Abort, SystemExit)):
            return False
        if os.environ.get("MIGRATOR_DEBUG"):
            return False
        if isinstance(exc, MigratorError):
            raise fail(str(exc), exc.exit_code, self.secrets)
        if isinstance(exc, KeyboardInterrupt):
            raise interrupted()
        if isinstance(exc, BrokenPipeError):
            raise pipe_closed()
        raise fail(
            f"internal error: {type(exc).__name__}: {exc} (run with MIGRATOR_DEBUG=1 for details)",
            EXIT_FAILURE,
            self.secrets,
        )


# One progress helper for every command (stderr, terminals only): see migrator.progress.
from migrator.progress import Progress  # noqa: E402,F401


def comma_list(values: list[str] | None) -> tuple[str, ...]:
    """A repeatable option that also takes comma-separated items (`--tables a,b --tables c`)."""
    return tuple(item.strip() for value in values or () for item in value.split(",") if item.strip())


def write_or_print(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from migrator.files import atomic_write

    atomic_write(output, text)  # a failure is a CannotWrite naming the path: exit 2
