"""`migrator inspect` and `migrator sources`: read a source into the schema model, list the sources."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from migrator.cli.shared import Dialect, Guard, OutputFormat, Progress, app, make_console, write_or_print


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
    project_path: Annotated[str, typer.Option(help="folder put on sys.path for sqlalchemy: sources (several: separated by ':', as PYTHONPATH)")] = ".",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here (atomically) instead of stdout")] = None,
) -> None:
    """Read a database or model files into migrator's schema model and print it."""
    from migrator import inspect as sources
    from migrator.schema import to_json

    progress = Progress()
    with Guard(source, dev_url):
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
            write_or_print(to_json(result), output)
        elif format is OutputFormat.sql:
            from migrator.render.sql import render_sql

            target = dialect.value if dialect else result.dialect
            if target not in ("postgresql", "sqlite"):
                from migrator.errors import BadInput

                raise BadInput(f"--format sql needs --dialect postgresql or sqlite (the source is {result.dialect})")
            write_or_print(render_sql(result, target), output)
        else:
            from migrator.render.text import render_text

            if output is None:
                render_text(result, make_console(highlight=False))
            else:
                console = make_console(record=True, file=open(os.devnull, "w"), width=120, highlight=False)
                render_text(result, console)
                write_or_print(console.export_text(), output)


@app.command("sources")
def list_sources() -> None:
    """List the sources migrator can read, with their URL schemes."""
    from migrator import inspect as sources

    from rich.table import Table
    from rich.text import Text

    # A borderless table: at 80 columns the descriptions wrap inside their column, never under the name.
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
    table.add_column("source", style="bold", no_wrap=True)
    table.add_column("schemes", overflow="fold")
    table.add_column("description", ratio=1, overflow="fold")
    for src in sources.sources():
        table.add_row(Text(src.name), Text(", ".join(src.schemes)), Text(src.description))
    make_console(highlight=False).print(table)
