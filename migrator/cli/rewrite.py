"""`migrator rewrite`: a thin command over migrator.rewrite.engine.

Dry run by default (a unified diff); exit 1 when a dry run would change something,
like `black --check`, so CI can hold the line; 0 when nothing changes or --apply wrote
cleanly; 2 for bad input (unknown set or code, refused dirty files); 3 when a rule failed.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from migrator.cli.shared import Guard, app, comma_list, write_or_print
from migrator.errors import EXIT_FAILURE, EXIT_FINDINGS


class RewriteFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def rewrite(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="files or folders (default: the working folder)")] = None,
    rules: Annotated[str, typer.Option("--rules", help="the rule set")] = "sqlalchemy-2.0",
    apply: Annotated[bool, typer.Option("--apply", help="write the changes (atomically)")] = False,
    patch: Annotated[Optional[Path], typer.Option("--patch", help="write the unified diff to FILE")] = None,
    list_rules: Annotated[bool, typer.Option("--list-rules", help="list the rules of the set and exit")] = False,
    select: Annotated[Optional[list[str]], typer.Option("--select", help="only these rule codes (repeatable or comma-separated)")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="leave these rule codes out")] = None,
    unsafe: Annotated[bool, typer.Option("--unsafe", help="also apply rules that may change behaviour")] = False,
    force: Annotated[bool, typer.Option("--force", help="--apply even to files with uncommitted git changes")] = False,
    skip_unparsable: Annotated[bool, typer.Option("--skip-unparsable", help="list files that cannot be parsed as skipped and rewrite the rest (default: exit 2, nothing written)")] = False,
    report_only: Annotated[bool, typer.Option("--report-only", help="change nothing: list every legacy site, converted or not, as a finding")] = False,
    no_project: Annotated[bool, typer.Option("--no-project", help="do not index the project around PATH (only each file's own evidence)")] = False,
    session_name: Annotated[Optional[list[str]], typer.Option("--session-name", help="a name that is always a Session (repeatable), e.g. session, db.session")] = None,
    entity_name: Annotated[Optional[list[str]], typer.Option("--entity-name", help="an expression that always holds a mapped class (repeatable), e.g. self.model")] = None,
    format: Annotated[RewriteFormat, typer.Option("--format", "-f", help="text (diff, findings, summary) or json (schemas/rewrite.v1.json)")] = RewriteFormat.text,
    jobs: Annotated[Optional[int], typer.Option(help="worker processes (default: the machine's cores)")] = None,
    drizzle_schema: Annotated[Optional[str], typer.Option("--drizzle-schema", help="prisma-drizzle: the project's Drizzle schema, drizzle:PATH")] = None,
    drizzle_client: Annotated[Optional[str], typer.Option("--drizzle-client", help="prisma-drizzle: the Drizzle client to call, MODULE:NAME (e.g. @/lib/db/drizzle:drizzleDb)")] = None,
    prisma_schema: Annotated[Optional[Path], typer.Option("--prisma-schema", help="prisma-drizzle: the Prisma schema file or folder (default: where Prisma looks)")] = None,
    drizzle_queries: Annotated[Optional[str], typer.Option("--drizzle-queries", help="prisma-drizzle: the relational query API reads target: v1 (drizzle-orm 0.x callbacks), v2 (drizzle-orm 1.0 objects) or auto (from package.json; the default)")] = None,
    format_with: Annotated[Optional[str], typer.Option("--format-with", help="prisma-drizzle, sql-drizzle: format the changed files with the project's own prettier when it is installed (node_modules/.bin/prettier above the file); never required")] = None,
) -> None:
    """Rewrite legacy database access code (SQLAlchemy 1.x Query API -> 2.0)."""
    from migrator.rewrite.engine import (
        Selection, apply as apply_changes, rewrite_paths, selected_rules)

    def codes(values: Optional[list[str]]) -> tuple[str, ...]:
        return tuple(c.upper() for c in comma_list(values))

    with Guard():
        if format_with is not None:
            from migrator.rewrite.typescript.format import check_tool

            check_tool(format_with)
        if rules == "prisma-drizzle":  # the TypeScript codemod (migrator.rewrite.typescript): its own engine
            from migrator.rewrite.typescript import engine as typescript

            if list_rules:
                for rule in typescript.rules():
                    print(f"{rule.code}  {rule.safety:<6}  {rule.description()}")
                return
            from migrator.rewrite.drizzle_defaults import resolve as resolve_defaults

            # Options not given: migrator.toml [rewrite], else found in the project (drizzle.config.ts, the scan's client).
            found = resolve_defaults(list(paths or [Path(".")]), drizzle_schema, drizzle_client,
                                     str(prisma_schema) if prisma_schema else None, jobs=jobs)
            from migrator.rewrite.drizzle_defaults import relational

            options = typescript.Options(found.drizzle_schema, found.drizzle_client, found.prisma_schema,
                                         relational=relational(list(paths or [Path(".")]), drizzle_queries))
            typescript.check(options, codes(select), codes(ignore), tuple(flag for flag, given in (
                ("--unsafe", unsafe), ("--report-only", report_only), ("--no-project", no_project),
                ("--session-name", session_name), ("--entity-name", entity_name)) if given))
            results = typescript.rewrite_paths(list(paths or [Path(".")]), options, base=Path.cwd(), jobs=jobs)
            results = _formatted(results, format_with)
            _emit(results, typescript.rules(), apply=apply, force=force, patch=patch, format=format,
                  write=typescript.apply_results, sites_label="prisma site(s)")
            return
        if rules == "sql-drizzle":  # literal raw SQL (pg, postgres, libsql, better-sqlite3) -> Drizzle's query builder
            from migrator.rewrite.sql_drizzle import engine as sql_engine

            if list_rules:
                for rule in sql_engine.rules():
                    print(f"{rule.code}  {rule.safety:<6}  {rule.description()}")
                return
            from migrator.rewrite.drizzle_defaults import resolve as resolve_defaults

            # The same defaults as prisma-drizzle: migrator.toml [rewrite], drizzle.config.ts, the scan's client, db.ts.
            found = resolve_defaults(list(paths or [Path(".")]), drizzle_schema, drizzle_client, None, jobs=jobs,
                                     rule_set="sql-drizzle")
            sql_options = sql_engine.Options(found.drizzle_schema, found.drizzle_client)
            sql_engine.check(sql_options, codes(select), codes(ignore), tuple(flag for flag, given in (
                ("--unsafe", unsafe), ("--report-only", report_only), ("--no-project", no_project),
                ("--session-name", session_name), ("--entity-name", entity_name),
                ("--prisma-schema", prisma_schema), ("--drizzle-queries", drizzle_queries)) if given))
            results = sql_engine.rewrite_paths(list(paths or [Path(".")]), sql_options, base=Path.cwd(), jobs=jobs)
            results = _formatted(results, format_with)
            _emit(results, sql_engine.rules(), apply=apply, force=force, patch=patch, format=format,
                  write=sql_engine.apply_results, sites_label="sql site(s)")
            return
        from migrator.config import load_config
        from migrator.errors import BadInput

        # Names the team always uses for sessions can live in migrator.toml: [rewrite] session_names,
        # found from the rewritten project's folder upward (like `scan`), not only from the cwd.
        first = (paths or [Path(".")])[0]
        cfg = load_config(first if first.is_dir() else first.parent)

        def configured(key: str, given: Optional[list[str]]) -> tuple[str, ...]:
            listed = (cfg.rewrite or {}).get(key, []) if cfg is not None else []
            if not isinstance(listed, list) or not all(isinstance(n, str) for n in listed):
                raise BadInput(f"{cfg.where()}: [rewrite] {key} must be a list of names")
            return tuple(dict.fromkeys([*listed, *(given or ())]))

        if format_with is not None:
            raise BadInput(f"--format-with {format_with} formats TypeScript/JavaScript: the {rules} rule set rewrites Python")
        if report_only and apply:
            raise BadInput("--report-only and --apply cannot be used together")
        selection = Selection(rules, codes(select), codes(ignore), unsafe, configured("session_names", session_name),
                              configured("entity_names", entity_name), project=not no_project, report_only=report_only)
        chosen = selected_rules(selection)
        if list_rules:
            for rule in selected_rules(Selection(rules, unsafe=True)):
                print(f"{rule.code}  {rule.safety:<6}  {rule.description()}")
            return
        base = Path.cwd()
        from migrator.progress import progress as progress_bar

        with progress_bar() as bar:
            results = rewrite_paths(list(paths or [Path(".")]), selection, jobs=jobs, base=base, progress=bar)
        unparsable = [r for r in results if r.status == "skipped"]
        if unparsable and not skip_unparsable:
            raise BadInput(_unparsable(unparsable))
        _emit(results, chosen, apply=apply, force=force, patch=patch, format=format, write=apply_changes,
              sites_label="legacy site(s)", report_only=report_only)


def _formatted(results: list, tool: Optional[str]) -> list:
    """--format-with: the changed files formatted by the project's own formatter (its notes on stderr)."""
    if tool is None:
        return results
    from migrator.rewrite.typescript.format import format_results

    results, messages = format_results(results, Path.cwd(), tool)
    for line in messages:
        print(line, file=sys.stderr)
    return results


def _emit(results: list, chosen: list, *, apply: bool, force: bool, patch: Optional[Path], format: RewriteFormat,
          write, sites_label: str, report_only: bool = False) -> None:
    """The diff (dry run), the writes (--apply), the findings and the summary, and the exit code:
    one output for every rule set."""
    from migrator.rewrite.engine import PROJECT_NOTES, site_counts, to_json

    diff = "".join(r.diff for r in results)
    if patch is not None:
        write_or_print(diff, patch)
    if apply:
        write(results, Path.cwd(), force=force)
    if format is RewriteFormat.json:
        print(json.dumps(to_json(results, chosen), indent=2))
    else:
        if not apply and patch is None:
            sys.stdout.write(diff)
        for r in results:
            if r.status in ("skipped", "failed"):
                print(f"{r.path}: {r.status}: {r.reason}")
            for f in r.findings:
                print(f"{r.path}:{f.line}:{f.column}: {f.code} {f.reason}")
        counts = {s: sum(1 for r in results if r.status == s) for s in ("changed", "unchanged", "skipped", "failed")}
        verb = "changed" if apply else "would change"
        findings = sum(len(r.findings) for r in results)
        sites = site_counts(results)
        done = "would be converted" if not apply or report_only else "converted"
        print(f"{counts['changed']} file(s) {verb}, {counts['unchanged']} unchanged, {counts['skipped']} skipped, "
              f"{counts['failed']} failed; {findings} finding(s)", file=sys.stderr)
        if sites_label in ("legacy site(s)", "prisma site(s)") and any(r.status == "changed" for r in results):
            for note in PROJECT_NOTES:
                print(f"note: {note}", file=sys.stderr)
        if sites["legacy_sites"]:
            print(f"{sites['legacy_sites']} {sites_label}: {sites['converted_sites']} {done}, "
                  f"{sites['reported_sites']} reported with the reason", file=sys.stderr)
    if any(r.status == "failed" for r in results):
        raise typer.Exit(EXIT_FAILURE)
    if not apply and any(r.status == "changed" for r in results):
        raise typer.Exit(EXIT_FINDINGS)
    if report_only and any(r.findings for r in results):
        raise typer.Exit(EXIT_FINDINGS)


def _unparsable(results: list) -> str:
    """One line: the files that could not be parsed (or read), the first with its reason."""
    first = results[0]
    reason = first.reason.splitlines()[0] if first.reason else "cannot be parsed"
    if len(results) == 1:
        listed = f"{first.path}: {reason}"
    else:
        names = ", ".join(r.path for r in results[1:5]) + (" …" if len(results) > 5 else "")
        listed = f"{len(results)} files cannot be parsed: {first.path} ({reason}), {names}"
    return f"{listed}; {'fix it' if len(results) == 1 else 'fix them'}, or pass --skip-unparsable to rewrite the other files"
