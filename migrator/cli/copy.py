"""`migrator copy FROM TO`: a database's schema and rows into another engine (migrator.data.copy)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from migrator.cli.shared import Guard, Progress, TextOrJson, app, comma_list, make_console, write_or_print


class OnError(str, Enum):
    stop = "stop"
    report = "report"



@app.command("copy")
def copy_command(
    from_: Annotated[str, typer.Argument(metavar="FROM", help="sqlite:///file.db or postgresql://… to read")],
    to: Annotated[str, typer.Argument(metavar="TO", help="postgresql://… to write (the database is created when missing)")],
    schema_from: Annotated[Optional[str], typer.Option("--schema-from", help="take TO's schema from this model file (prisma:…, drizzle:…, sqlalchemy:…, .sql) instead of transpiling FROM's")] = None,
    into_existing: Annotated[bool, typer.Option("--into-existing", help="copy into tables TO already has (FROM's schema as copy would create it must equal TO's)")] = False,
    schema: Annotated[Optional[str], typer.Option("--schema", "-s", help="TO's schema (namespace) to create the tables in (default public)")] = None,
    assume_tz: Annotated[str, typer.Option("--assume-tz", help="time zone of SQLite timestamps written without an offset")] = "UTC",
    chunk_rows: Annotated[Optional[int], typer.Option("--chunk-rows", min=1, help="commit every N rows of a table, with a checkpoint --resume continues from")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="continue a copy that stopped, after its last committed rows")] = False,
    on_error: Annotated[OnError, typer.Option("--on-error", help="stop at the first value TO refuses, or report: write refused rows to the rejects file and go on")] = OnError.stop,
    rejects: Annotated[Optional[Path], typer.Option("--rejects", help="rejects file of --on-error report (JSON lines; default migrator-rejects.jsonl)")] = None,
    tables: Annotated[Optional[list[str]], typer.Option("--tables", help="only these tables (repeatable, or comma-separated)")] = None,
    type_: Annotated[Optional[list[str]], typer.Option("--type", help="TABLE.COLUMN=TYPE: this PostgreSQL type for a column, whatever the data says (repeatable)")] = None,
    keep_types: Annotated[bool, typer.Option("--keep-types", help="no upgrade from the data: each column keeps its declared type")] = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="tables copied at a time, each on connections of its own (default: CPUs, at most 4)")] = None,
    verify: Annotated[bool, typer.Option("--verify", help="then compare every copied table's rows in both databases (migrator verify data); exit 1 on a difference")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print the plan (DDL, type decisions, row counts) and write nothing")] = False,
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="text or json")] = TextOrJson.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write the plan or summary here (atomically) instead of stdout")] = None,
) -> None:
    """Copy a database into another engine: the schema transpiled (with type upgrades), the rows by COPY, keys and indexes after.

    Exit 0 when every row was copied, 1 when rows were refused and written to the rejects
    file (--on-error report), 2 for bad input or a refused value, 3 when a database cannot
    be reached.
    """
    from migrator.data.copy import CopyOptions, plan, run

    with Guard(from_, to, schema_from):
        types = []
        for item in type_ or ():
            path, sep, value = item.partition("=")
            if not sep:
                from migrator.errors import BadInput

                raise BadInput(f"--type {item}: expected TABLE.COLUMN=TYPE")
            types.append((path.strip(), value.strip()))
        options = CopyOptions(
            schema_from=schema_from, into_existing=into_existing, namespace=schema, assume_tz=assume_tz,
            chunk_rows=chunk_rows, resume=resume, on_error=on_error.value, rejects=rejects,
            tables=comma_list(tables),
            types=tuple(types), keep_types=keep_types, jobs=jobs,
        )
        the_plan = plan(from_, to, options)
        if dry_run:
            if format is TextOrJson.json:
                write_or_print(json.dumps(the_plan.to_dict(), indent=2, default=str) + "\n", output)
            else:
                write_or_print(_plan_text(the_plan), output)
            return
        announce = (lambda: _print_plan_summary(the_plan)) if format is TextOrJson.text and output is None else None
        progress = Progress()
        try:
            result = run(from_, to, options, progress=progress, copy_plan=the_plan, announce=announce)
        finally:
            progress.close()
        proof = None
        if verify:
            from migrator.data.verify import verify as verify_rows

            progress = Progress()
            try:
                proof = verify_rows(from_, to, tables=[t.table for t in result.tables], assume_tz=assume_tz, progress=progress)
            finally:
                progress.close()
        if format is TextOrJson.json:
            data = result.to_dict()
            if proof is not None:
                data["verify"] = proof.to_dict()
            write_or_print(json.dumps(data, indent=2, default=str) + "\n", output)
        else:
            text = _result_text(result, verified=proof is not None)
            if proof is not None:
                from migrator.render.data_text import render_verify_text

                text += render_verify_text(proof, 10)
            write_or_print(text, output)
        if result.rejects or (proof is not None and not proof.ok):
            raise typer.Exit(1)


def _decision_lines(the_plan) -> list[str]:
    lines = []
    width = max((len(f"{d.table}.{d.column}") for d in the_plan.decisions), default=0)
    for d in the_plan.decisions:
        lines.append(f"  {f'{d.table}.{d.column}':<{width}}  {d.declared} -> {d.target}: {d.reason} ({d.evidence})")
    return lines


def _plan_text(the_plan) -> str:
    out = [f"copy {the_plan.source} -> {the_plan.target} (schema {the_plan.namespace})", ""]
    out.append(f"type decisions ({len(the_plan.decisions)}):" if the_plan.decisions else "type decisions: none (every column keeps its declared type)")
    out += _decision_lines(the_plan)
    if the_plan.warnings:
        out += ["", f"warnings ({len(the_plan.warnings)}):"] + [f"  {w}" for w in the_plan.warnings]
    if the_plan.orphans:
        out += ["", f"rows whose parent row FROM lacks ({len(the_plan.orphans)}): the copy stops on them unless --on-error report"]
        out += [f"  {o['table']} {o['key']}: {o['values']} -> {o['parent']}" for o in the_plan.orphans[:10]]
    total = sum(t.rows for t in the_plan.tables)
    out += ["", f"rows ({len(the_plan.tables)} tables, {total:,} rows):"]
    width = max((len(t.target) for t in the_plan.tables), default=0)
    out += [f"  {t.target:<{width}}  {t.rows:>12,}" for t in the_plan.tables]
    out += ["", "DDL (tables are created bare, the rest after the rows):", "", the_plan.ddl_text()]
    return "\n".join(out)


def _print_plan_summary(the_plan) -> None:
    console = make_console(stderr=True, highlight=False, soft_wrap=True)
    console.print(f"copy {the_plan.source} -> {the_plan.target} (schema {the_plan.namespace})", markup=False)
    if the_plan.decisions:
        console.print(f"type decisions ({len(the_plan.decisions)}):", markup=False)
        for line in _decision_lines(the_plan):
            console.print(line, markup=False)
    for w in the_plan.warnings:
        console.print(f"warning: {w}", markup=False)


def _result_text(result, verified: bool = False) -> str:
    out = []
    width = max((len(t.table) for t in result.tables), default=0)
    for t in result.tables:
        if t.skipped:
            out.append(f"  {t.table:<{width}}  {t.rows:>12,} {'row' if t.rows == 1 else 'rows'}  (copied by an earlier run)")
            continue
        rate = f"  {t.rows / t.seconds:,.0f} rows/s" if t.seconds >= 0.5 and t.rows else ""  # a rate of a blink says nothing
        refused = f", {t.rejected:,} refused" if t.rejected else ""
        out.append(f"  {t.table:<{width}}  {t.rows:>12,} {'row' if t.rows == 1 else 'rows'}{rate}{refused}")
    head = f"copied {result.rows:,} rows in {len(result.tables)} tables in {result.seconds:.1f} s"
    lines = [head] + out
    if result.rejects:
        lines.append(f"{len(result.rejects)} rows refused: {result.rejects_path}")
    if not verified:
        lines.append(f"check it: migrator verify data {result.plan.source} {result.plan.target} (or copy --verify)")
    return "\n".join(lines) + "\n"
