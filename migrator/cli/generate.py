"""`migrator generate drizzle|sqlalchemy`: write the target layer's schema code from any source, and prove it by reading it back.

Registered on the app of migrator.cli. Exit codes: 0 written (or up to date, or verified),
1 `--check` found stale files or `--verify` found changes, 2 bad input, 3 could not connect or failed.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from migrator.cli.shared import Dialect, Guard, Progress, TextOrJson, app, make_console


class Target(str, Enum):
    drizzle = "drizzle"
    sqlalchemy = "sqlalchemy"


class Layout(str, Enum):
    single = "single"
    per_table = "per-table"
    per_prisma_file = "per-prisma-file"


class Casing(str, Enum):
    preserve = "preserve"
    camel = "camel"





@app.command()
def generate(
    target: Annotated[Target, typer.Argument(metavar="TARGET", help="what to generate: drizzle (drizzle-orm schema modules) or sqlalchemy (SQLAlchemy 2.0 models)")],
    source: Annotated[Optional[str], typer.Argument(metavar="[SOURCE]", help="the schema to generate from (any source spec: prisma:…, drizzle:…, a database URL, sql:…, a migrations folder, snapshot:…)")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="the folder the files are written to (sqlalchemy: a .py file, or a folder for models.py)")] = None,
    dialect: Annotated[Optional[Dialect], typer.Option(help="postgresql (pg-core) or sqlite (sqlite-core); default: the source's")] = None,
    layout: Annotated[Layout, typer.Option(help="single (schema.ts), per-table (a file per table) or per-prisma-file (a file per .prisma file); both with an index.ts barrel")] = Layout.single,
    check: Annotated[bool, typer.Option("--check", help="write nothing; exit 1 when regenerating would change files in --out")] = False,
    verify: Annotated[bool, typer.Option("--verify", help="read --out back (drizzle:DIR) and exit 1 unless it compares equal to SOURCE")] = False,
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="text, or json (the mapping table, and what was done)")] = TextOrJson.text,
    dev_url: Annotated[Optional[str], typer.Option(help="PostgreSQL server on which SQL sources are applied in a temporary database")] = None,
    casing: Annotated[Casing, typer.Option(help="property names: preserve (the source's field names) or camel")] = Casing.preserve,
    server_defaults: Annotated[bool, typer.Option("--server-defaults", help="make the database run the client-side defaults it can (uuid(), new Date()) and write the migration that adds them (server-defaults.sql)")] = False,
    missing_from: Annotated[Optional[str], typer.Option("--missing-from", metavar="SPEC", help="a Drizzle schema already ported (drizzle:…): generate only the tables it lacks, importing its tables and enums")] = None,
    client: Annotated[bool, typer.Option("--client", help="also write db.ts (the client, with the project's driver) and, where the project has none, drizzle.config.ts")] = False,
) -> None:
    """Write the target layer's schema code (drizzle-orm or SQLAlchemy) from any source; --verify reads it back and compares."""
    from migrator.errors import BadInput
    from migrator.generate import run
    from migrator.generate.mapping import mapping_as_json

    with Guard(source, dev_url, missing_from):
        if source is None:
            if format is TextOrJson.json:
                print(json.dumps(mapping_as_json(), indent=2, sort_keys=False))
                return
            raise BadInput(f"generate {target.value} needs SOURCE and --out (or --format json alone for the mapping table)")
        if out is None:
            raise BadInput(f"generate {target.value} needs --out")
        progress = Progress()
        try:
            output = run.plan(run.Request(
                target.value, source, out, dialect.value if dialect else None, layout.value, casing.value,
                server_defaults, client, missing_from, dev_url, progress))
        finally:
            progress.close()
        stale = output.stale
        report: dict = {"target": target.value, "source": output.schema.source, "dialect": output.dialect,
                        "layout": layout.value, "out": str(output.out), "files": output.status}
        console = make_console(highlight=False, soft_wrap=True)
        text = format is TextOrJson.text
        if check:
            report["check"] = "stale" if stale else "up to date"
            if text:
                for name in stale:
                    console.print(f"{output.status[name]}: {output.out / name}", markup=False)
                console.print(f"{output.out}: {'stale: ' + str(len(stale)) + ' file(s) would change' if stale else 'up to date'}",
                              markup=False)
        else:
            run.write(output)
            for path, _, what in output.extra:
                report.setdefault("also_written", []).append(str(path))
                if text:
                    console.print(f"wrote {path}: {what}", markup=False)
            if text:
                removed = [n for n in stale if output.status[n] == "removed"]
                line = f"wrote {len(stale) - len(removed)} file(s) to {output.out}, {len(output.status) - len(stale)} unchanged"
                console.print(line + (f", removed {len(removed)} stale generated file(s)" if removed else ""), markup=False)
        failed = bool(check and stale)
        if verify and not failed:
            spec, changes, rendered = run.verify(output)
            # Info changes (a SQLite UNIQUE constraint read back as the unique index drizzle-kit
            # makes of `unique()`) are equal for drift: `migrator diff` exits 0 on them.
            differing = [c for c in changes if getattr(c, "severity", "error") != "info"]
            report["verify"] = {"changes": len(differing), "report": rendered if changes else ""}
            if text:
                if changes:
                    print(rendered, end="" if rendered.endswith("\n") else "\n")
                verdict = ("reads back as the source (0 changes" + (f", {len(changes)} info)" if changes else ")")
                           if not differing else f"differs from the source: {len(differing)} change(s)")
                console.print(f"verify: {spec} {verdict}", markup=False)
            failed = bool(differing)
        if format is TextOrJson.json:
            written = output.written_names()
            if written is not None:
                report["names"] = run.names_as_json(output.names, written)
            report["mapping"] = mapping_as_json()
            print(json.dumps(report, indent=2))
        if failed:
            raise typer.Exit(1)
