"""The `migrator` command: thin Typer commands over the library.

Commands parse options, call the library and map errors to exit codes: 0 clean,
1 findings, 2 bad input, 3 could not connect or internal failure, 130 interrupted (Ctrl-C,
after the scratch server and its folder are removed). Every error is one
line on stderr with secrets removed; a traceback is shown only with MIGRATOR_DEBUG=1.
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


class Dialect(str, Enum):
    postgresql = "postgresql"
    sqlite = "sqlite"


def _console(**kwargs):
    # rich is imported only when something is printed through it: start-up time counts.
    from rich.console import Console

    return Console(**kwargs)


def _error(message: str) -> None:
    """`error: <message>` on stderr, "error:" in red on a terminal; the message is printed as it is,
    never read as rich markup (a path or SQL with [brackets] stays intact, and no tag ever shows)."""
    from rich.text import Text

    _console(stderr=True, highlight=False, soft_wrap=True).print(Text.assemble(("error:", "red"), " ", message))


def _fail(message: str, code: int, secrets: list[str]) -> typer.Exit:
    """Print `error: <first line>` and exit; later lines (a source line and its caret) follow as they are."""
    first, _, context = message.partition("\n")
    _error(redact(" ".join(first.split()), *secrets))
    if context.strip():
        _console(stderr=True, highlight=False, soft_wrap=True).print(redact(context.rstrip(), *secrets), markup=False)
    return typer.Exit(code)


def _interrupted() -> typer.Exit:
    """Ctrl-C: one line and exit 130; the scratch server is stopped on the way out (main)."""
    global _interrupt_reported
    _interrupt_reported = True
    _error("interrupted")
    return typer.Exit(EXIT_INTERRUPTED)


_interrupt_reported = False  # main() says it once when Typer turned a Ctrl-C into exit 130 itself


class _Guard:
    """Turn library errors into one-line messages and exit codes."""

    def __init__(self, *specs: str | None) -> None:
        self.secrets = [secret for spec in specs for secret in url_secrets(spec)]

    def __enter__(self) -> _Guard:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None or isinstance(exc, (typer.Exit, typer.Abort, SystemExit)):
            return False
        if os.environ.get("MIGRATOR_DEBUG"):
            return False
        if isinstance(exc, MigratorError):
            raise _fail(str(exc), exc.exit_code, self.secrets)
        if isinstance(exc, KeyboardInterrupt):
            raise _interrupted()
        raise _fail(
            f"internal error: {type(exc).__name__}: {exc} (run with MIGRATOR_DEBUG=1 for details)",
            EXIT_FAILURE,
            self.secrets,
        )


# One progress helper for every command (stderr, terminals only): see migrator.progress.
from migrator.progress import Progress as _Progress  # noqa: E402


def _write_or_print(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from migrator.files import atomic_write

    atomic_write(output, text)  # a failure is a CannotWrite naming the path: exit 2


@app.command()
def inspect(
    source: Annotated[str, typer.Argument(help="postgresql://…, sqlite:///file.db, sql:file.sql or a migrations folder, sqlalchemy:pkg.module:Base, snapshot:file.json")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="text (tables), json (snapshot) or sql (CREATE statements)")] = OutputFormat.text,
    dialect: Annotated[Optional[Dialect], typer.Option(help="dialect of --format sql output (default: the source's)")] = None,
    schema: Annotated[Optional[list[str]], typer.Option("--schema", "-s", help="only this namespace (repeatable)")] = None,
    exclude_schema: Annotated[Optional[list[str]], typer.Option("--exclude-schema", help="leave out this namespace (repeatable)")] = None,
    include_bookkeeping: Annotated[bool, typer.Option(help="keep _prisma_migrations, __drizzle_migrations and alembic_version")] = False,
    include_extension_objects: Annotated[bool, typer.Option(help="keep objects that belong to extensions")] = False,
    dev_url: Annotated[Optional[str], typer.Option(help="PostgreSQL server on which SQL sources are applied in a temporary database")] = None,
    input_dialect: Annotated[Optional[Dialect], typer.Option(help="dialect of SQL sources when it cannot be detected")] = None,
    project_path: Annotated[str, typer.Option(help="folder put on sys.path for sqlalchemy: sources")] = ".",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here (atomically) instead of stdout")] = None,
) -> None:
    """Read a database or model files into migrator's schema model and print it."""
    from migrator import inspect as sources
    from migrator.schema import to_json

    progress = _Progress()
    with _Guard(source, dev_url):
        options = sources.InspectOptions(
            schemas=tuple(schema or ()),
            exclude_schemas=tuple(exclude_schema or ()),
            include_bookkeeping=include_bookkeeping,
            include_extension_objects=include_extension_objects,
            dev_url=dev_url,
            dialect=input_dialect.value if input_dialect else None,
            project_path=project_path,
            progress=progress,
        )
        try:
            result = sources.load(source, options)
        finally:
            progress.close()
        if format is OutputFormat.json:
            _write_or_print(to_json(result), output)
        elif format is OutputFormat.sql:
            from migrator.render.sql import render_sql

            target = dialect.value if dialect else result.dialect
            if target not in ("postgresql", "sqlite"):
                from migrator.errors import BadInput

                raise BadInput(f"--format sql needs --dialect postgresql or sqlite (the source is {result.dialect})")
            _write_or_print(render_sql(result, target), output)
        else:
            from migrator.render.text import render_text

            if output is None:
                render_text(result, _console(highlight=False))
            else:
                console = _console(record=True, file=open(os.devnull, "w"), width=120, highlight=False)
                render_text(result, console)
                _write_or_print(console.export_text(), output)


@app.command("sources")
def list_sources() -> None:
    """List the sources migrator can read, with their URL schemes."""
    from migrator import inspect as sources

    from rich.text import Text

    console = _console(highlight=False)
    for src in sources.sources():
        console.print(Text.assemble((f"{src.name:<12}", "bold"), f" {', '.join(src.schemes):<40} {src.description}"))


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
    global _interrupt_reported
    _interrupt_reported = False
    try:
        try:
            app()
        finally:
            _stop_scratch_server()
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED and not _interrupt_reported:
            _interrupted()  # Typer maps a Ctrl-C outside a command's guard to 130 without a word
        raise
    except KeyboardInterrupt:
        if not _interrupt_reported:
            _interrupted()
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


# The comparison commands live in their own module; importing it registers them on `app`.
from migrator import cli_rewrite, cli_scan, cli_verify  # noqa: E402,F401

__all__ = ["app", "main", "EXIT_BAD_INPUT"]
