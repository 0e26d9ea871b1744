"""`migrator verify data A B`: do two databases hold the same rows? (migrator.data.verify)

Registers the `verify` group on the shared app. Exit codes: 0 every table equal, 1 differences
(rows, keys, columns, a table on one side only), 2 bad input, 3 could not connect or failed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from migrator.cli.shared import Guard, Progress, TextOrJson, app, comma_list, write_or_print
from migrator.render.data_text import render_verify_text

verify_app = typer.Typer(
    name="verify",
    help="Verify what moved: `verify data A B` compares the rows of two databases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(verify_app, name="verify")


@verify_app.command("data")
def data(
    a: Annotated[str, typer.Argument(metavar="A", help="postgresql://… or sqlite:///file.db")],
    b: Annotated[str, typer.Argument(metavar="B", help="postgresql://… or sqlite:///file.db, compared with A")],
    tables: Annotated[Optional[list[str]], typer.Option("--tables", help="only these tables (repeatable, or a comma list)")] = None,
    where: Annotated[Optional[str], typer.Option("--where", help="an SQL predicate applied to every table on both sides")] = None,
    sample: Annotated[Optional[float], typer.Option("--sample", help="check this percentage of each table's key ranges (0 < P <= 100)")] = None,
    assume_tz: Annotated[str, typer.Option("--assume-tz", help="zone of SQLite timestamps written without an offset")] = "UTC",
    limit: Annotated[int, typer.Option("--limit", help="differing keys printed per table and kind in text output")] = 10,
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="text, or json (with every differing key)")] = TextOrJson.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here (atomically) instead of stdout")] = None,
) -> None:
    """Compare the rows of two databases, hashing inside each engine; exit 1 when they differ."""
    from migrator.errors import BadInput

    progress = Progress()
    with Guard(a, b):
        if limit < 0:
            raise BadInput("--limit must be 0 or more")
        from migrator.data.verify import verify

        try:
            result = verify(a, b, tables=list(comma_list(tables)) or None, where=where, sample=sample, assume_tz=assume_tz,
                            progress=progress)
        finally:
            progress.close()
        if format is TextOrJson.json:
            text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
        else:
            text = render_verify_text(result, limit)
        write_or_print(text, output)
        if not result.ok:
            raise typer.Exit(1)
