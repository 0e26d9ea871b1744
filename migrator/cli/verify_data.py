"""`migrator verify data A B`: do two databases hold the same rows? (migrator.data.verify)

Registers the `verify` group on the shared app. Exit codes: 0 every table equal, 1 differences
(rows, keys, columns, a table on one side only), 2 bad input, 3 could not connect or failed.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from migrator.cli.shared import Guard, Progress, app, write_or_print

verify_app = typer.Typer(
    name="verify",
    help="Verify what moved: `verify data A B` compares the rows of two databases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(verify_app, name="verify")


class DataFormat(str, Enum):
    text = "text"
    json = "json"


def _table_names(values: Optional[list[str]]) -> Optional[list[str]]:
    if not values:
        return None
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    return names or None


def _key_text(key: dict) -> str:
    parts = [f"{name}={'NULL' if value is None else value}" for name, value in key.items()]
    text = ", ".join(parts)
    return text if len(text) <= 200 else text[:197] + "..."


def render_text(result, limit: int) -> str:
    """The report a person reads: one line per table, then its first `limit` differing keys per kind."""
    lines = [f"A {result.a}", f"B {result.b}"]
    if result.sample is not None and result.sample < 100:
        lines.append(f"sample: {result.sample:g}% of the key ranges checked")
    for table in result.tables:
        rows = ""
        if table.rows_a is not None or table.rows_b is not None:
            rows = f"  rows A {table.rows_a if table.rows_a is not None else '-'}, B {table.rows_b if table.rows_b is not None else '-'}"
        counts = ""
        if table.missing_count or table.extra_count or table.changed_count:
            counts = f"  missing {table.missing_count}, extra {table.extra_count}, changed {table.changed_count}"
        lines.append(f"{table.name}: {table.status}{rows}{counts}")
        if table.columns_only_a:
            lines.append(f"  columns only in A: {', '.join(table.columns_only_a)}")
        if table.columns_only_b:
            lines.append(f"  columns only in B (not compared): {', '.join(table.columns_only_b)}")
        for which, label in (("missing", "missing in B"), ("extra", "extra in B"), ("changed", "changed")):
            keys = getattr(table, which)
            total = getattr(table, f"{which}_count")
            for key in keys[:limit]:
                lines.append(f"  {label}: {_key_text(key)}")
            if total > min(limit, len(keys)):
                lines.append(f"  … {total - min(limit, len(keys))} more {label} (--limit, or --format json for all)")
    equal = sum(1 for t in result.tables if t.ok)
    lines.append(f"{equal} of {len(result.tables)} tables equal" if result.tables else "no tables")
    return "\n".join(lines) + "\n"


@verify_app.command("data")
def data(
    a: Annotated[str, typer.Argument(metavar="A", help="postgresql://… or sqlite:///file.db")],
    b: Annotated[str, typer.Argument(metavar="B", help="postgresql://… or sqlite:///file.db, compared with A")],
    tables: Annotated[Optional[list[str]], typer.Option("--tables", help="only these tables (repeatable, or a comma list)")] = None,
    where: Annotated[Optional[str], typer.Option("--where", help="an SQL predicate applied to every table on both sides")] = None,
    sample: Annotated[Optional[float], typer.Option("--sample", help="check this percentage of each table's key ranges (0 < P <= 100)")] = None,
    assume_tz: Annotated[str, typer.Option("--assume-tz", help="zone of SQLite timestamps written without an offset")] = "UTC",
    limit: Annotated[int, typer.Option("--limit", help="differing keys printed per table and kind in text output")] = 10,
    format: Annotated[DataFormat, typer.Option("--format", "-f", help="text, or json (with every differing key)")] = DataFormat.text,
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
            result = verify(a, b, tables=_table_names(tables), where=where, sample=sample, assume_tz=assume_tz,
                            progress=progress)
        finally:
            progress.close()
        if format is DataFormat.json:
            text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
        else:
            text = render_text(result, limit)
        write_or_print(text, output)
        if not result.ok:
            raise typer.Exit(1)
