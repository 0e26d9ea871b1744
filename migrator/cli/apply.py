"""`migrator apply`: a thin command over migrator.data.apply (and migrator.data.backup for --restore).

Exit codes: 0 applied (or dry run, proof only, nothing to apply, restored), 1 refused
(drift since the plan was made) or a failed proof, 2 bad input or a failing statement
(rolled back), 3 could not connect or failed, 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from migrator.cli.shared import Dialect, Guard, TextOrJson, app, error, make_console



class BackupMode(str, Enum):
    dump = "dump"
    clone = "clone"


@app.command()
def apply(
    plan: Annotated[Optional[str], typer.Argument(metavar="PLAN", help="a SQL script (migrator diff --emit sql, or any .sql file), an Alembic revision (.py), or a Prisma or Drizzle migrations folder")] = None,
    to: Annotated[str, typer.Option("--to", help="the database to apply it to (postgresql://… or sqlite:///…)")] = "",
    from_source: Annotated[Optional[str], typer.Option("--from", help="the schema the plan expects (any source spec): checked against the live schema first; default: the plan's header, or a folder's applied migrations")] = None,
    force: Annotated[bool, typer.Option("--force", help="apply even when the live schema is not the plan's FROM (drift)")] = False,
    no_backup: Annotated[bool, typer.Option("--no-backup", help="do not back the database up first")] = False,
    backup_dir: Annotated[Path, typer.Option("--backup-dir", help="where backups are written")] = Path(".migrator/backups"),
    backup: Annotated[BackupMode, typer.Option("--backup", help="dump (pg_dump -Fc; SQLite: a copy of the file) or clone (PostgreSQL on a local server: CREATE DATABASE … TEMPLATE)")] = BackupMode.dump,
    prove: Annotated[bool, typer.Option("--prove", help="apply to a throwaway clone first and check it (re-diff against TO, row counts, verify data) before the real database")] = False,
    prove_only: Annotated[bool, typer.Option("--prove-only", help="the proof on a clone only; the database is not changed")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print the statements in the order they would run, the ones outside the transaction marked")] = False,
    restore: Annotated[Optional[Path], typer.Option("--restore", help="restore --to from this backup (written by an earlier apply) instead of applying a plan")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="confirm --restore without asking (required when stdin is not a terminal)")] = False,
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="text or json")] = TextOrJson.text,
    dialect: Annotated[Optional[Dialect], typer.Option(help="dialect of the plan when it cannot be detected")] = None,
    baseline: Annotated[Optional[str], typer.Option("--baseline", help="a folder's migrations up to this one are the database already (a baseline): checked, recorded as applied, not run")] = None,
    dev_url: Annotated[Optional[str], typer.Option(help="PostgreSQL server on which migration folders are replayed (default: a scratch server)")] = None,
) -> None:
    """Apply a plan (the fix migrator diff emits, an Alembic revision, a Prisma or Drizzle migrations folder) safely: drift check, backup, proof on a clone, one transaction."""
    from migrator.errors import BadInput

    with Guard(to, from_source, dev_url):
        if not to:
            raise BadInput("--to URL is required (the database to apply the plan to)")
        if restore is not None:
            if plan is not None:
                raise BadInput("--restore takes no PLAN")
            _restore(restore, to, yes, format)
            return
        if plan is None:
            raise BadInput("name the PLAN to apply (or --restore BACKUP)")
        from migrator.data.apply import ApplyOptions, run

        options = ApplyOptions(
            to_url=to, from_source=from_source, force=force, backup=not no_backup, backup_dir=backup_dir,
            backup_mode=backup.value, prove=prove, prove_only=prove_only, dry_run=dry_run,
            dialect=dialect.value if dialect else None, dev_url=dev_url, baseline=baseline,
        )
        progress = make_console(stderr=True, highlight=False, soft_wrap=True)
        say = (lambda line: progress.print(line, markup=False, style="dim")) if sys.stderr.isatty() else (lambda line: None)
        report = run(plan, options, say)
        if format is TextOrJson.json:
            sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
        else:
            sys.stdout.write(render_text(report))
        if report.error:
            error(report.error)
        if report.exit_code:
            raise typer.Exit(report.exit_code)


def _restore(backup_path: Path, to: str, yes: bool, format: TextOrJson) -> None:
    from migrator.data.backup import restore
    from migrator.errors import BadInput
    from migrator.sqltext import mask_url

    if not yes:
        if not sys.stdin.isatty():
            raise BadInput("--restore replaces the database's contents: add --yes (stdin is not a terminal to ask on)")
        answer = input(f"restore {mask_url(to)} from {backup_path}? Objects in the backup are replaced. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            raise BadInput("restore not confirmed")
    done = restore(str(backup_path), to)
    if format is TextOrJson.json:
        sys.stdout.write(json.dumps({"restored": str(backup_path), "target": mask_url(to), "status": "restored",
                                     "remaining_changes": done.changes, "remaining_diff": done.remaining}, indent=2) + "\n")
    else:
        sys.stdout.write(f"restored {mask_url(to)} from {backup_path}\n")
        if done.remaining:
            sys.stdout.write(f"the database still differs from the schema recorded with the backup ({done.changes} change(s)): "
                             "objects created after the backup are not in it and stay\n")
            sys.stdout.write(done.remaining)
    if done.changes:
        raise typer.Exit(1)


def render_text(report) -> str:
    """The summary: what was (or would be) applied, the backup, the proof."""
    out = [f"apply {report.plan} ({report.kind}) to {report.target}"]
    if report.kind in ("prisma", "drizzle"):
        out.append(f"  migrations: {len(report.applied_before) - len(report.baselined)} applied before, "
                   + (f"{len(report.baselined)} baselined ({', '.join(report.baselined)}: recorded, not run), " if report.baselined else "")
                   + f"{len(report.pending)} pending" + (f": {', '.join(report.pending)}" if report.pending else ""))
    out.append(f"  drift: {report.drift}")
    if report.drift_text:
        out.append(report.drift_text.rstrip("\n"))
    for note in report.notes:
        out.append(f"  note: {note}")
    outside = [s for s in report.steps if s.phase != "transaction"]
    if report.status == "dry run":
        out.append(f"  statements, in the order they would run ({len(report.steps)}):")
        for s in report.steps:
            mark = {"before": "[before the transaction, committed first]", "after": "[outside the transaction, after it commits]"}.get(s.phase, "")
            out.append(f"  -- {s.number}. {s.where}{' ' + mark if mark else ''}{': ' + s.reason if s.reason else ''}")
            out.append("  " + s.text.strip().replace("\n", "\n  ") + ("" if s.text.rstrip().endswith(";") else ";"))
    elif outside:
        out.append("  outside the transaction:")
        for s in outside:
            when = "before it" if s.phase == "before" else "after it commits"
            out.append(f"    {s.number}. {s.first_line} ({when}: {s.reason})")
    if report.proof is not None:
        p = report.proof
        out.append(f"  proof on a clone ({p.how or 'not made'}): {'passed' if p.ok else 'FAILED'}")
        if p.error:
            out.append(f"    the plan failed on the clone: {p.error}")
        else:
            if p.diff_changes is None:
                out.append("    re-diff against TO: skipped (the plan's TO is unknown)")
            else:
                out.append(f"    re-diff against TO: {p.diff_changes} change(s)")
                if p.diff_text:
                    out.append(p.diff_text.rstrip("\n"))
            kept = sum(1 for t in p.counts_before if t in p.counts_after and p.counts_after[t] == p.counts_before[t])
            out.append(f"    row counts: {kept} of {len(p.counts_before)} table(s) unchanged"
                       + (f"; dropped by the plan: {', '.join(p.dropped)}" if p.dropped else "")
                       + (f"; new: {', '.join(f'{t} ({n})' for t, n in p.counts_after.items() if t not in p.counts_before)}"
                          if any(t not in p.counts_before for t in p.counts_after) else ""))
            for problem in p.count_problems:
                out.append(f"    row count changed: {problem}")
            out.append(f"    verify data: {p.verify_status}")
            if p.values_status:
                out.append(f"    kept values: {p.values_status}")
    if report.backup:
        out.append(f"  backup: {report.backup}")
        out.append(f"  restore with: migrator apply --restore {report.backup} --to {report.target}" if not report.backup.startswith("database ") else
                   f"  the backup is the database {report.backup.split(' ', 1)[1]} on the same server")
    if report.status == "applied":
        n = len(report.steps)
        recorded = len(report.pending) + len(report.baselined)
        out.append(f"  applied: {n} statement(s)" + (f", {recorded} migration(s) recorded" if recorded else "")
                   + (f"; {report.after_check}" if report.after_check else ""))
    out.append(f"  status: {report.status}")
    return "\n".join(out) + "\n"
