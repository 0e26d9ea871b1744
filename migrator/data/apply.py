"""`migrator apply PLAN --to URL`: apply a plan safely — drift check, backup, proof on a clone, one transaction.

The order of the steps (docs/apply.md):

1. read the plan (migrator.data.plans) and, for a migrations folder, which of its
   migrations the target has already applied (`_prisma_migrations`, Drizzle's
   `__drizzle_migrations`);
2. drift refusal: the live schema must be the plan's FROM (the plan header, `--from`, or a
   folder's applied migrations replayed on a scratch database); else exit 1 with the diff,
   unless --force;
3. --dry-run: list the statements in order, the ones outside the transaction marked; stop;
4. --prove: the plan applied to a throwaway clone first, the clone re-diffed against TO,
   row counts compared, untouched tables verified (migrator.data.verify), and the altered
   tables that keep their rows checked to keep their values in the columns they keep; the clone is
   dropped whatever happens; a failed proof stops here (exit 1); --prove-only stops here;
5. backup (migrator.data.backup), its path printed;
6. apply: the `before` steps committed first, then one transaction, then the `after`
   steps one by one, each checked (an index built CONCURRENTLY must be valid);
   a failing statement rolls the transaction back: exit 2, the statement's number, first
   line and the server's message, and "the database is unchanged".

Bookkeeping: applying a Prisma folder records each migration in `_prisma_migrations` as
Prisma Migrate does; a Drizzle folder in `drizzle.__drizzle_migrations` (PostgreSQL) or
`__drizzle_migrations` (SQLite) as drizzle-orm's migrator does (hash = sha256 of the file,
created_at = the journal's `when`); both inside the same transaction as the migrations.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from migrator import schema as model
from migrator.data import backup as backups
from migrator.data.plans import Plan, Step, alembic_offline_sql, arrange, load_plan, load_revision, outside_reason, replay, script_statements
from migrator.errors import BadInput, EXIT_BAD_INPUT, EXIT_FINDINGS, MigratorError
from migrator.sqltext import mask_url, redact, url_secrets

PRISMA_TABLE = "_prisma_migrations"
DRIZZLE_TABLE = "__drizzle_migrations"
DRIZZLE_SCHEMA = "drizzle"
BOOKKEEPING = frozenset({PRISMA_TABLE, DRIZZLE_TABLE, "alembic_version", "schema_migrations"})


@dataclass
class ApplyOptions:
    to_url: str
    from_source: str | None = None
    force: bool = False
    backup: bool = True
    backup_dir: Path = backups.DEFAULT_BACKUP_DIR
    backup_mode: str = "dump"  # dump | clone (PostgreSQL, local server)
    prove: bool = False
    prove_only: bool = False
    dry_run: bool = False
    dialect: str | None = None
    dev_url: str | None = None
    # A folder's migrations up to this name are the live database already (a baseline made by
    # `drizzle-kit pull` or `prisma migrate diff` for a database that predates the tool): they
    # are checked against it (drift), recorded as applied, and not run.
    baseline: str | None = None


class PlanFailed(BadInput):
    """A statement of the plan failed; the transaction was rolled back (exit 2)."""

    def __init__(self, step: Step | None, number: int, first_line: str, reason: str, where: str = "") -> None:
        self.step = step
        self.number = number
        self.first_line = first_line
        self.reason = reason
        self.where = where
        at = f" ({where})" if where else ""
        super().__init__(f"statement {number}{at} failed: {first_line}: {reason}")


@dataclass
class Proof:
    how: str = ""  # how the clone was made
    diff_changes: int | None = None  # clone vs TO; None: no TO known
    diff_text: str = ""
    counts_before: dict[str, int] = field(default_factory=dict)
    counts_after: dict[str, int] = field(default_factory=dict)
    count_problems: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)
    verify_status: str = ""
    verify_ok: bool = True
    # Tables the plan touches whose rows stay: the values of the columns they keep, compared.
    values_status: str = ""
    values_ok: bool = True
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.diff_changes and not self.count_problems and self.verify_ok and self.values_ok


@dataclass
class Report:
    plan: str
    kind: str
    target: str
    dialect: str
    status: str = ""
    exit_code: int = 0
    drift: str = ""  # checked | forced | skipped: <why>
    drift_text: str = ""
    pending: list[str] = field(default_factory=list)
    applied_before: list[str] = field(default_factory=list)
    baselined: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    backup: str | None = None
    proof: Proof | None = None
    after_check: str = ""
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        proof = None
        if self.proof is not None:
            p = self.proof
            proof = {"ok": p.ok, "clone": p.how, "diff_changes": p.diff_changes, "diff": p.diff_text or None,
                     "counts_before": p.counts_before, "counts_after": p.counts_after,
                     "count_problems": p.count_problems, "dropped_tables": p.dropped,
                     "verified_tables": p.verified, "verify": p.verify_status, "values": p.values_status,
                     "values_ok": p.values_ok, "error": p.error}
        return {
            "plan": self.plan, "kind": self.kind, "target": self.target, "dialect": self.dialect,
            "status": self.status, "exit_code": self.exit_code, "drift": self.drift, "drift_diff": self.drift_text or None,
            "pending_migrations": self.pending, "applied_migrations": self.applied_before, "baselined_migrations": self.baselined,
            "steps": [{"number": s.number, "phase": s.phase, "where": s.where, "first_line": s.first_line,
                       "outside_transaction": s.phase != "transaction", "reason": s.reason, "migration": s.migration,
                       "sql": s.text} for s in self.steps],
            "backup": self.backup, "proof": proof, "after_check": self.after_check or None,
            "error": self.error, "notes": self.notes,
        }


# --------------------------------------------------------------------------- entry point


def target_dialect(url: str) -> str:
    if backups.is_postgres(url):
        return "postgresql"
    if backups.is_sqlite(url):
        return "sqlite"
    raise BadInput(f"--to {mask_url(url)}: expected a postgresql:// or sqlite:/// URL")


def run(plan_path: str, options: ApplyOptions, say: Callable[[str], None] = lambda line: None) -> Report:
    """Apply the plan at `plan_path` to options.to_url; the Report says what happened (see module docstring)."""
    url = options.to_url
    dialect = target_dialect(url)
    if dialect == "sqlite" and not Path(backups.sqlite_path(url)).is_file():
        raise BadInput(f"{mask_url(url)}: no such SQLite database")
    if options.backup and options.backup_mode == "clone" and dialect != "postgresql":
        raise BadInput("--backup clone is for PostgreSQL (a SQLite file is backed up as a copy: --backup dump)")
    plan = load_plan(plan_path, options.dialect)
    if plan.dialect and plan.dialect != dialect:
        raise BadInput(f"{plan.shown} is a {plan.dialect} plan; --to is {dialect}")
    report = Report(plan.shown, plan.kind, mask_url(url), dialect)
    report.notes += plan.notes

    applied, pending = _migration_state(plan, url, dialect)
    baselined = _baselined(plan, pending, options.baseline)
    pending = [m for m in pending if m not in baselined]
    applied = applied + [m.name for m in baselined]
    recorded = [m for m in plan.migrations if m in baselined or m in pending]
    report.pending = [m.name for m in pending]
    report.applied_before = applied
    report.baselined = [m.name for m in baselined]
    report.steps, notes = _steps(plan, pending, dialect)
    report.notes += notes

    from_schema, to_schema = _expected(plan, options, applied, dialect, report)
    if not _drift_check(from_schema, to_schema, plan, options, report, say):
        return report
    if options.dry_run:
        report.status = "dry run"
        return report
    if not report.steps and not recorded:
        report.status = "nothing to apply"
        return report

    if options.prove or options.prove_only:
        say("proving the plan on a throwaway clone")
        report.proof = prove(plan, url, dialect, report.steps, recorded, to_schema, options)
        if report.proof.error:  # a statement failed on the clone: a bad plan, the database untouched
            report.status, report.exit_code = "proof failed", EXIT_BAD_INPUT
            report.error = f"on the clone, {report.proof.error}; the database was not touched"
            return report
        if not report.proof.ok:
            report.status, report.exit_code = "proof failed", EXIT_FINDINGS
            return report
        if options.prove_only:
            report.status = "proved (not applied: --prove-only)"
            return report

    if options.backup:
        say("backing up")
        made = backups.backup(url, Path(options.backup_dir), mode=options.backup_mode,
                              schema_json=_live_json(url))
        report.backup = made.path if made.kind != "clone" else f"database {made.path}"
        say(f"backup: {report.backup}")
    else:
        report.notes.append("no backup (--no-backup)")

    try:
        report.notes += execute(plan, url, dialect, report.steps, recorded)
    except PlanFailed as failed:
        report.status, report.exit_code = "failed", EXIT_BAD_INPUT
        report.error = redact(str(failed), *url_secrets(url)) + "; " + _unchanged_note(report.steps, failed)
        return report
    report.status = "applied"
    if to_schema is not None:
        report.after_check = _after_check(url, to_schema, plan, options)
    return report


def _baselined(plan: Plan, pending: list, baseline: str | None) -> list:
    if baseline is None:
        return []
    if plan.kind not in ("prisma", "drizzle"):
        raise BadInput("--baseline applies to a Prisma or Drizzle migrations folder")
    names = [m.name for m in plan.migrations]
    if baseline not in names:
        raise BadInput(f"--baseline {baseline}: no such migration in {plan.shown} (it has {', '.join(names) or 'none'})")
    upto = names.index(baseline)
    return [m for m in pending if names.index(m.name) <= upto]


def _unchanged_note(steps: list[Step], failed: PlanFailed) -> str:
    before = [s for s in steps if s.phase == "before"]
    if failed.step is not None and failed.step.phase == "before":
        return "rolled back: the database is unchanged"
    if before:
        return (f"the transaction was rolled back; the {len(before)} statement(s) committed before it "
                f"(numbers {', '.join(str(s.number) for s in before)}) stay")
    return "rolled back: the database is unchanged"


# --------------------------------------------------------------------------- the plan's statements


def _steps(plan: Plan, pending: list, dialect: str) -> tuple[list[Step], list[str]]:
    if plan.kind == "sql":
        return arrange(script_statements(plan.text, plan.shown), dialect)
    if plan.kind == "alembic":
        # Alembic's offline SQL, listed for the reader; its BEGIN/COMMIT are Alembic's own (autocommit_block).
        statements = [(text, f"{plan.shown} upgrade()", None)
                      for text, _, _ in script_statements(alembic_offline_sql(plan, dialect), str(plan.shown))]
        steps, notes = arrange(statements, dialect)
        return steps, [n for n in notes if "BEGIN/COMMIT" not in n]
    statements = []
    for m in pending:
        statements += script_statements(m.text, str(m.path), drizzle=plan.kind == "drizzle", migration=m.name)
    return arrange(statements, dialect, honour_commits=False)


# --------------------------------------------------------------------------- migration folders: what is applied


def _migration_state(plan: Plan, url: str, dialect: str) -> tuple[list[str], list]:
    """(names already applied, pending Migration objects) for a folder plan; ([], []) otherwise."""
    if plan.kind not in ("prisma", "drizzle"):
        return [], []
    with _reader(url, dialect) as query:
        if plan.kind == "prisma":
            if not _table_exists(query, dialect, None, PRISMA_TABLE):
                done: set[str] = set()
            else:
                rows = query(f'SELECT migration_name, finished_at, rolled_back_at FROM "{PRISMA_TABLE}"')
                failed = [r[0] for r in rows if r[1] is None and r[2] is None]
                if failed:
                    raise BadInput(f"{mask_url(url)}: migration {failed[0]} failed earlier and is not rolled back "
                                   "(_prisma_migrations): resolve it first (prisma migrate resolve)")
                done = {r[0] for r in rows if r[1] is not None and r[2] is None}
            applied = [m.name for m in plan.migrations if m.name in done]
            pending = [m for m in plan.migrations if m.name not in done]
            return applied, pending
        schema = DRIZZLE_SCHEMA if dialect == "postgresql" else None
        last = None
        if _table_exists(query, dialect, schema, DRIZZLE_TABLE):
            table = f'"{DRIZZLE_SCHEMA}"."{DRIZZLE_TABLE}"' if schema else f'"{DRIZZLE_TABLE}"'
            rows = query(f"SELECT created_at FROM {table} ORDER BY created_at DESC LIMIT 1")
            last = int(float(rows[0][0])) if rows and rows[0][0] is not None else None
        # drizzle-orm: a migration is pending when its `when` is later than the last recorded created_at.
        pending = [m for m in plan.migrations if last is None or last < (m.when or 0)]
        applied = [m.name for m in plan.migrations if m not in pending]
        return applied, pending


@contextlib.contextmanager
def _reader(url: str, dialect: str):
    if dialect == "postgresql":
        from migrator.inspect.postgres import connect

        conn = connect(url)
        try:
            yield lambda q, params=None: conn.execute(q, params).fetchall()
        finally:
            conn.close()
    else:
        from migrator.inspect.sqlite import open_read_only

        conn = open_read_only(url)
        try:
            yield lambda q, params=None: conn.execute(q, params or ()).fetchall()
        finally:
            conn.close()


def _table_exists(query, dialect: str, schema: str | None, name: str) -> bool:
    if dialect == "postgresql":
        return bool(query("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE c.relname = %s AND (%s::text IS NULL AND pg_table_is_visible(c.oid) OR n.nspname = %s)",
                          (name, schema, schema)))
    return bool(query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)))


# --------------------------------------------------------------------------- drift


def _expected(plan: Plan, options: ApplyOptions, applied: list[str], dialect: str,
              report: Report) -> tuple[model.Schema | None, model.Schema | None]:
    """(FROM, TO) the plan expects and makes, where they can be known."""
    from migrator import inspect as sources

    from_schema = to_schema = None
    if plan.kind in ("sql", "alembic") and plan.header is not None and plan.header.from_schema is not None:
        from_schema, to_schema = plan.header.from_schema, plan.header.to_schema
        report.notes.append(f"plan made from {plan.header.from_source} to {plan.header.to_source}")
    if plan.kind in ("prisma", "drizzle"):
        if not options.force:
            from_schema = replay(plan, applied, dialect, options.dev_url)
        if options.prove or options.prove_only:
            to_schema = replay(plan, [m.name for m in plan.migrations], dialect, options.dev_url)
    if options.from_source:
        from_schema = sources.load(options.from_source, sources.InspectOptions(dev_url=options.dev_url))
    return from_schema, to_schema


def _compare_options(plan: Plan, *schemas: model.Schema | None):
    from migrator.verify.canonical import server_for
    from migrator.verify.diff import CompareOptions

    ignore: tuple[str, ...] = ()
    if plan.kind == "drizzle" and not any(s is not None and any(ns.name == DRIZZLE_SCHEMA for ns in s.namespaces)
                                          for s in schemas):
        ignore = (DRIZZLE_SCHEMA,)  # drizzle-orm's own schema, holding only its bookkeeping table
    return CompareOptions(ignore=ignore, server_url=server_for(None, False))


def _drift_check(from_schema, to_schema, plan: Plan, options: ApplyOptions, report: Report, say) -> bool:
    if options.force:
        report.drift = "skipped (--force): the live schema was not compared with the plan's FROM"
        return True
    if from_schema is None:
        report.drift = ("skipped: the plan carries no migrator header (FROM unknown); give --from SOURCE "
                        "to check the live schema first")
        return True
    from migrator import inspect as sources
    from migrator.render.diff_text import render_diff_text
    from migrator.verify.diff import compare

    import dataclasses

    say("comparing the live schema with the plan's FROM")
    live = sources.load(options.to_url)
    expected = dataclasses.replace(from_schema, source="the plan's FROM")
    diff = compare(expected, live, _compare_options(plan, from_schema, to_schema))
    drift = _drift(diff)
    if drift:
        already = to_schema is not None and not _drift(compare(to_schema, live, _compare_options(plan, to_schema)))
        report.drift = (f"refused: the live schema is not the plan's FROM ({len(drift)} change(s) since the plan was made"
                        + ("; it is already the plan's TO: was the plan applied?)" if already else ")"))
        report.drift_text = render_diff_text(diff)
        report.status, report.exit_code = "refused (drift)", EXIT_FINDINGS
        return False
    infos = len(diff.changes)
    report.drift = "checked: the live schema is the plan's FROM" + (
        f" ({infos} info difference(s), which migrator diff calls no drift: the proof and the transaction cover them)"
        if infos else "")
    return True


def _drift(diff) -> list:
    """The changes that are drift: not the info ones (a UNIQUE constraint against the unique index a
    model file declares refuses the same rows), as `migrator diff` exits 0 on them."""
    return [c for c in diff.changes if c.severity != "info" and not c.possible]


def _live_json(url: str) -> str | None:
    from migrator import inspect as sources

    try:
        return model.to_json(sources.load(url))
    except MigratorError:
        return None


def _after_check(url: str, to_schema: model.Schema, plan: Plan, options: ApplyOptions) -> str:
    from migrator import inspect as sources
    from migrator.verify.diff import compare

    drift = _drift(compare(sources.load(url), to_schema, _compare_options(plan, to_schema)))
    if drift:
        return f"the database differs from the plan's TO in {len(drift)} place(s): run migrator diff"
    return "the database is the plan's TO"


# --------------------------------------------------------------------------- executing


def execute(plan: Plan, url: str, dialect: str, steps: list[Step], pending: list) -> list[str]:
    """Run the steps on `url`: before, one transaction (with the bookkeeping), after. PlanFailed on a failure.
    Returns what the run has to say (an Alembic revision's stamp)."""
    if plan.kind == "alembic":
        return _execute_alembic(plan, url, dialect)
    if dialect == "postgresql":
        _execute_postgres(plan, url, steps, pending)
    else:
        _execute_sqlite(plan, url, steps, pending)
    return []


def _server_message(exc: BaseException, url: str) -> str:
    diag = getattr(exc, "diag", None)
    text = getattr(diag, "message_primary", None) if diag is not None else None
    if not text:
        lines = [ln for ln in str(exc).splitlines() if ln.strip()]
        text = lines[0] if lines else type(exc).__name__
    return redact(" ".join(text.split()), *url_secrets(url))


def _writer_postgres(url: str):
    from migrator.inspect.postgres import connect

    conn = connect(url)
    conn.read_only = False
    return conn


def _execute_postgres(plan: Plan, url: str, steps: list[Step], pending: list) -> None:
    import psycopg

    conn = _writer_postgres(url)
    try:
        current: Step | None = None
        try:
            before = [s for s in steps if s.phase == "before"]
            if before:
                with conn.transaction():
                    for current in before:
                        conn.execute(current.text)
            with conn.transaction():
                for current in (s for s in steps if s.phase == "transaction"):
                    conn.execute(current.text)
                current = None
                _record(plan, pending, lambda q, p=(): conn.execute(q, p), "postgresql")
        except psycopg.Error as exc:
            if conn.broken:
                raise MigratorError(f"lost the connection to {mask_url(url)}: {_server_message(exc, url)}") from None
            _raise_failed(current, exc, url)
        for current in (s for s in steps if s.phase == "after"):
            try:
                conn.execute(current.text)
                _check_after(conn, current)
            except psycopg.Error as exc:
                raise MigratorError(
                    f"the transaction committed, then statement {current.number} ({current.where}) run outside it failed: "
                    f"{current.first_line}: {_server_message(exc, url)}") from None
    finally:
        conn.close()


def _raise_failed(step: Step | None, exc: BaseException, url: str) -> None:
    if step is None:
        raise PlanFailed(None, 0, "recording the applied migrations", _server_message(exc, url))
    raise PlanFailed(step, step.number, step.first_line, _server_message(exc, url), step.where) from None


_CONCURRENT_INDEX = re.compile(
    r"^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)"
    r"\s+ON\s+(?:ONLY\s+)?(?P<table>(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)(?:\.(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*))?)",
    re.I)


def _ident(text: str) -> str:
    return text[1:-1].replace('""', '"') if text.startswith('"') else text.lower()


def _check_after(conn, step: Step) -> None:
    """An index built CONCURRENTLY can end up INVALID without an error: check pg_index.indisvalid."""
    from migrator.sqltext import strip_comments

    m = _CONCURRENT_INDEX.match(strip_comments(step.text))
    if not m:
        return
    table = m.group("table")
    schema = None
    parts = re.findall(r"\"(?:[^\"]|\"\")+\"|[^.]+", table)
    if len(parts) == 2:
        schema = _ident(parts[0])
    row = conn.execute(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relname = %s AND (%s::text IS NULL AND pg_table_is_visible(c.oid) OR n.nspname = %s)",
        (_ident(m.group("name")), schema, schema)).fetchone()
    if row is None or not row[0]:
        raise MigratorError(f"the transaction committed, then statement {step.number} ({step.where}) left the index "
                            f"{_ident(m.group('name'))} {'missing' if row is None else 'INVALID'}: drop it and build it again")


def _execute_sqlite(plan: Plan, url: str, steps: list[Step], pending: list) -> None:
    from migrator.sqltext import strip_comments

    path = backups.sqlite_path(url)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # A plan that turns foreign keys off for a table rebuild expects them off while it runs
        # (PRAGMA foreign_keys is a no-op inside a transaction, so it is set here, before it).
        off_pattern = re.compile(r"^\s*PRAGMA\s+foreign_keys\s*=\s*(OFF|0|false|no)\b", re.I | re.M)
        off = bool(off_pattern.search(strip_comments(plan.text))) or any(off_pattern.search(strip_comments(m.text)) for m in pending)
        if off:
            conn.execute("PRAGMA foreign_keys=OFF")
        current: Step | None = None
        try:
            before = [s for s in steps if s.phase == "before"]
            if before:
                conn.execute("BEGIN IMMEDIATE")
                for current in before:
                    conn.execute(current.text)
                conn.execute("COMMIT")
            conn.execute("BEGIN IMMEDIATE")
            for current in (s for s in steps if s.phase == "transaction"):
                misread = _string_read_as_column(conn, current.text)
                if misread:
                    raise sqlite3.OperationalError(misread)
                conn.execute(current.text)
            current = None
            _record(plan, pending, lambda q, p=(): conn.execute(q, p), "sqlite")
            _foreign_key_check(conn)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            _raise_failed(current, exc, url)
        except PlanFailed:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        for current in (s for s in steps if s.phase == "after"):
            try:
                conn.execute(current.text)
            except sqlite3.Error as exc:
                raise MigratorError(f"the transaction committed, then statement {current.number} ({current.where}) "
                                    f"run outside it failed: {current.first_line}: {exc}") from None
    finally:
        conn.close()


def _string_read_as_column(conn: sqlite3.Connection, statement: str) -> str | None:
    """A copy of rows (`INSERT … SELECT "a", "b" FROM t`) naming a column t does not have, in double quotes.

    SQLite reads a double-quoted name that resolves to no column as a string literal (a
    misfeature it keeps for compatibility): the copy then writes the column's own name into
    every row, with no error and every row count kept. drizzle-kit writes such a SELECT when
    one migration both rebuilds a table and adds columns to it. Checked against the tables as
    they are at that point of the plan.
    """
    if not re.search(r"\bINSERT\b", statement, re.I) or not re.search(r"\bSELECT\b", statement, re.I):
        return None
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(statement, read="sqlite")
    except Exception:  # noqa: BLE001 - SQLite itself will say what is wrong with it
        return None
    for select in tree.find_all(exp.Select):
        tables = [t.name for t in select.find_all(exp.Table)]
        known: set[str] = set()
        for table in tables:
            known |= {row[1].lower() for row in conn.execute(f'PRAGMA table_info("{table.replace(chr(34), chr(34) * 2)}")')}
        if not known:
            continue
        for expression in select.expressions:
            for column in expression.find_all(exp.Column):
                if column.this.args.get("quoted") and column.name.lower() not in known:
                    return (f'"{column.name}" is no column of {", ".join(tables)}: SQLite would read it as the string '
                            f"'{column.name}' and write that into every row")
    return None


def _foreign_key_check(conn: sqlite3.Connection) -> None:
    rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    if rows:
        table, rowid, parent, _ = rows[0]
        raise PlanFailed(None, 0, "PRAGMA foreign_key_check",
                         f"{len(rows)} row(s) break a foreign key, first: {table} rowid {rowid} references a missing {parent} row")


def _record(plan: Plan, pending: list, execute: Callable, dialect: str) -> None:
    """Record the applied migrations as the tool that owns the folder would (module docstring)."""
    if plan.kind == "prisma" and pending:
        if dialect == "postgresql":
            execute(f'''CREATE TABLE IF NOT EXISTS "{PRISMA_TABLE}" (
                "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
                "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
                "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)''')
            insert = (f'INSERT INTO "{PRISMA_TABLE}" (id, checksum, finished_at, migration_name, logs, rolled_back_at, '
                      "started_at, applied_steps_count) VALUES (%s, %s, clock_timestamp(), %s, NULL, NULL, now(), 1)")
        else:
            execute(f'''CREATE TABLE IF NOT EXISTS "{PRISMA_TABLE}" (
                "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
                "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
                "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)''')
            insert = (f'INSERT INTO "{PRISMA_TABLE}" (id, checksum, finished_at, migration_name, logs, rolled_back_at, '
                      "started_at, applied_steps_count) VALUES (?, ?, strftime('%Y-%m-%d %H:%M:%f', 'now'), ?, NULL, NULL, "
                      "strftime('%Y-%m-%d %H:%M:%f', 'now'), 1)")
        for m in pending:
            execute(insert, (str(uuid.uuid4()), m.checksum, m.name))
    elif plan.kind == "drizzle" and pending:
        if dialect == "postgresql":
            execute(f'CREATE SCHEMA IF NOT EXISTS "{DRIZZLE_SCHEMA}"')
            execute(f'CREATE TABLE IF NOT EXISTS "{DRIZZLE_SCHEMA}"."{DRIZZLE_TABLE}" '
                    "(id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)")
            insert = f'INSERT INTO "{DRIZZLE_SCHEMA}"."{DRIZZLE_TABLE}" ("hash", "created_at") VALUES (%s, %s)'
        else:
            execute(f'CREATE TABLE IF NOT EXISTS "{DRIZZLE_TABLE}" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)')
            insert = f'INSERT INTO "{DRIZZLE_TABLE}" ("hash", "created_at") VALUES (?, ?)'
        for m in pending:
            execute(insert, (m.checksum, m.when))


# --------------------------------------------------------------------------- Alembic, online


def _sa_engine(url: str, dialect: str):
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    if dialect == "postgresql":
        sa_url = backups._sa_url(url).set(drivername="postgresql+psycopg")
        return sa.create_engine(sa_url, poolclass=NullPool)
    engine = sa.create_engine(f"sqlite:///{backups.sqlite_path(url)}", poolclass=NullPool)

    # pysqlite opens no transaction before DDL: take over, so the revision runs in one (SQLAlchemy's recipe).
    @sa.event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection, record):
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _execute_alembic(plan: Plan, url: str, dialect: str) -> list[str]:
    """upgrade() through alembic.operations.Operations on the target, in one transaction.

    An `autocommit_block()` runs on a second, autocommit connection (the main transaction
    stays open); a statement PostgreSQL refuses in a transaction (CREATE INDEX CONCURRENTLY)
    is kept aside and run after the commit. A database Alembic manages (an `alembic_version`
    table) is stamped with the revision in the same transaction, as `alembic upgrade` would,
    when it is at the revision's down_revision.
    """
    notes: list[str] = []
    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    module = load_revision(plan.path)
    engine = _sa_engine(url, dialect)
    counter = {"n": 0, "text": ""}
    deferred: list[str] = []
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(connection=conn)
            impl = context.impl
            original_exec = impl._exec
            autocommit_conn: list = []

            def _exec(construct, *args, **kwargs):
                text = construct if isinstance(construct, str) else str(construct.compile(dialect=conn.dialect))
                if not autocommit_conn and outside_reason(text, dialect):
                    deferred.append(text)
                    return None
                counter["n"] += 1
                counter["text"] = text
                return original_exec(construct, *args, **kwargs)

            impl._exec = _exec

            @contextlib.contextmanager
            def _autocommit_block():
                with engine.connect() as side:
                    side = side.execution_options(isolation_level="AUTOCOMMIT")
                    saved = context.connection, impl.connection
                    context.connection = impl.connection = side
                    autocommit_conn.append(side)
                    try:
                        yield
                    finally:
                        autocommit_conn.clear()
                        context.connection, impl.connection = saved

            context.autocommit_block = _autocommit_block
            try:
                with conn.begin():
                    with Operations.context(context):
                        module.upgrade()
                    notes += _stamp_alembic(conn, module)
                    if dialect == "sqlite":
                        rows = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if rows:
                            raise PlanFailed(None, 0, "PRAGMA foreign_key_check",
                                             f"{len(rows)} row(s) break a foreign key, first in {rows[0][0]}")
            except sa.exc.DBAPIError as exc:
                first = next((ln.strip() for ln in counter["text"].splitlines() if ln.strip()), "")
                raise PlanFailed(None, counter["n"], first, _server_message(exc.orig or exc, url), f"{plan.shown} upgrade()") from None
            except PlanFailed:
                raise
            except Exception as exc:
                raise PlanFailed(None, counter["n"], "upgrade()", f"{type(exc).__name__}: {redact(str(exc), *url_secrets(url))}",
                                 str(plan.shown)) from None
            for text in deferred:
                with engine.connect() as side:
                    side = side.execution_options(isolation_level="AUTOCOMMIT")
                    try:
                        side.exec_driver_sql(text)
                    except sa.exc.DBAPIError as exc:
                        raise MigratorError(f"the transaction committed, then a statement run outside it failed: "
                                            f"{text.strip().splitlines()[0]}: {_server_message(exc.orig or exc, url)}") from None
                    if dialect == "postgresql":
                        _check_after(side.connection.dbapi_connection, Step(0, text, f"{plan.shown} upgrade()"))
    except sa.exc.OperationalError as exc:
        raise MigratorError(f"could not connect to {mask_url(url)}: {_server_message(exc.orig or exc, url)}") from None
    finally:
        engine.dispose()
    return notes


def _stamp_alembic(conn, module) -> list[str]:
    """alembic_version moved to the revision, when the database is at its down_revision; else said why not."""
    import sqlalchemy as sa

    revision = getattr(module, "revision", None)
    down = getattr(module, "down_revision", None)
    if not revision or not sa.inspect(conn).has_table("alembic_version"):
        return []
    heads = [r[0] for r in conn.execute(sa.text("SELECT version_num FROM alembic_version"))]
    if heads == ([down] if down else []):
        if heads:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :new WHERE version_num = :old"),
                         {"new": revision, "old": down})
        else:
            conn.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:new)"), {"new": revision})
        return [f"alembic_version: {down or '(empty)'} -> {revision}, as alembic upgrade would record it"]
    return [f"alembic_version holds {', '.join(heads) or 'nothing'} and the revision follows {down or 'no revision'}: "
            f"not stamped (`alembic stamp {revision}` once it is where you want it; `--down-revision` of diff --emit "
            "alembic names the one it follows)"]


# --------------------------------------------------------------------------- proof


def table_counts(url: str, dialect: str) -> dict[str, int]:
    """Rows per table (bookkeeping tables left out), keyed by schema.table (PostgreSQL) or name (SQLite)."""
    out: dict[str, int] = {}
    if dialect == "postgresql":
        from psycopg import sql

        from migrator.inspect.postgres import connect

        conn = connect(url)
        try:
            tables = conn.execute(
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' "
                "AND NOT c.relispartition ORDER BY 1, 2").fetchall()
            for ns, name in tables:
                if name in BOOKKEEPING:
                    continue
                out[f"{ns}.{name}"] = conn.execute(
                    sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(ns), sql.Identifier(name))).fetchone()[0]
        finally:
            conn.close()
        return out
    from migrator.inspect.sqlite import open_read_only

    conn = open_read_only(url)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")]
        for name in names:
            if name in BOOKKEEPING:
                continue
            out[name] = conn.execute('SELECT count(*) FROM "' + name.replace('"', '""') + '"').fetchone()[0]
    finally:
        conn.close()
    return out


def _mentioned(table: str, steps: list[Step]) -> bool:
    name = table.rsplit(".", 1)[-1]
    pattern = re.compile(r'(?<![\w$])"?' + re.escape(name) + r'"?(?![\w$])', re.I)
    return any(pattern.search(s.text) for s in steps)


def _dropped_by_plan(table: str, steps: list[Step]) -> bool:
    name = re.escape(table.rsplit(".", 1)[-1])
    pattern = re.compile(r"\bDROP\s+TABLE\s+(IF\s+EXISTS\s+)?(\S+\.)?\"?" + name + r"\"?(?![\w$])", re.I)
    return any(pattern.search(s.text) for s in steps)


def prove(plan: Plan, url: str, dialect: str, steps: list[Step], pending: list, to_schema: model.Schema | None,
          options: ApplyOptions) -> Proof:
    from migrator import inspect as sources
    from migrator.render.diff_text import render_diff_text
    from migrator.verify.diff import compare

    proof = Proof()
    with backups.clone_of(url) as (clone_url, how):
        proof.how = how
        proof.counts_before = table_counts(clone_url, dialect)
        try:
            execute(plan, clone_url, dialect, steps, pending)
        except PlanFailed as failed:
            proof.error = redact(str(failed), *url_secrets(url), *url_secrets(clone_url))
            return proof
        if to_schema is not None:
            diff = compare(sources.load(clone_url), to_schema, _compare_options(plan, to_schema))
            proof.diff_changes = len(_drift(diff))
            if proof.diff_changes:
                proof.diff_text = render_diff_text(diff)
        proof.counts_after = table_counts(clone_url, dialect)
        untouched = []
        for table, before in proof.counts_before.items():
            after = proof.counts_after.get(table)
            if after is None:
                if _dropped_by_plan(table, steps) or (to_schema is not None and not _has_table(to_schema, table)):
                    proof.dropped.append(table)
                else:
                    proof.count_problems.append(f"{table}: {before} rows before, table gone after")
            elif after != before:
                proof.count_problems.append(f"{table}: {before} rows before, {after} after")
            elif not _mentioned(table, steps):
                untouched.append(table)
        proof.verified = untouched
        proof.verify_ok, proof.verify_status = _verify(url, clone_url, untouched)
        kept = [t for t, before in proof.counts_before.items() if proof.counts_after.get(t) == before and t not in untouched]
        proof.values_ok, proof.values_status = _verify_kept_values(url, clone_url, kept, steps)
    return proof


def _verify_kept_values(live_url: str, clone_url: str, tables: list[str], steps: list[Step]) -> tuple[bool, str]:
    """The tables the plan rebuilds or alters, keeping their rows: do the columns they keep hold the same values?

    A SQLite table rebuild (`INSERT INTO __new_t (a, b) SELECT b, a FROM t`), a lossy type
    change (numeric(10,2) to numeric(10,0) rounds) or a default written over existing values
    keeps every row count and every schema check: only the values tell. A value the plan
    changes on purpose (an UPDATE or DELETE of that table) is said, not held against it.
    """
    if not tables:
        return True, "no rebuilt or altered table keeps its rows"
    result, skipped, names = _verify_tables(live_url, clone_url, tables, "altered")
    if result is None:
        return True, skipped
    changed, meant = [], []
    for table in result.tables:
        if table.changed_count or table.missing_count or table.extra_count:
            first = table.changed[:1] or table.missing[:1] or table.extra[:1]
            where = ", ".join(f"{k}={v}" for k, v in first[0].items()) if first else ""
            text = f"{table.name} ({table.changed_count} changed, first {where})"
            (meant if _writes_rows(table.name, steps) else changed).append(text)
    if changed:
        return False, ("values the plan does not write changed in the columns the table keeps: " + "; ".join(changed)
                       + (f" (and as the plan's UPDATE/DELETE says: {'; '.join(meant)})" if meant else ""))
    status = f"{len(names)} altered table(s) keep their values in the columns they keep"
    return True, status + (f"; changed as the plan's UPDATE/DELETE says: {'; '.join(meant)}" if meant else "")


def _writes_rows(table: str, steps: list[Step]) -> bool:
    """Whether the plan writes values of `table` on purpose: an UPDATE or DELETE of it, or a copy of its
    rows that computes some column (a rebuild's `SELECT id, coalesce(body, '') FROM t` filling a new NOT NULL)."""
    name = table.rsplit(".", 1)[-1]
    pattern = re.compile(r"\b(UPDATE|DELETE\s+FROM)\s+(\S+\.)?[\"`]?" + re.escape(name) + r"[\"`]?(?![\w$])", re.I)
    return any(pattern.search(s.text) or _computes_from(s.text, name) for s in steps)


def _computes_from(statement: str, table: str) -> bool:
    """An INSERT … SELECT reading `table` whose SELECT list holds anything but plain columns."""
    if not re.search(r"\bINSERT\b", statement, re.I) or not re.search(r"\bSELECT\b", statement, re.I):
        return False
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(statement, read="sqlite")
    except Exception:  # noqa: BLE001 - a statement sqlglot cannot read: assume it computes (said, not failed)
        return table.lower() in statement.lower()
    for select in tree.find_all(exp.Select):
        sources = {t.name for t in select.find_all(exp.Table)}
        if table in sources and any(not isinstance(e.unalias(), exp.Column) for e in select.expressions):
            return True
    return False


def _has_table(schema: model.Schema, qualified: str) -> bool:
    name = qualified.rsplit(".", 1)[-1]
    return any(t.name == name for _, t in schema.tables())


def _verify_tables(live_url: str, clone_url: str, tables: list[str], which: str):
    """(verify's result, "", names) for the tables verify can name (public or SQLite ones), or (None, why not, names)."""
    from migrator.data.verify import verify

    names = [t.split(".", 1)[1] if t.startswith("public.") else t for t in tables if "." not in t or t.startswith("public.")]
    if not names:
        return None, f"skipped: the {which} tables are outside the public schema (row counts only)", names
    try:
        return verify(live_url, clone_url, tables=names), "", names
    except MigratorError as exc:
        return None, f"skipped: {redact(str(exc), *url_secrets(live_url), *url_secrets(clone_url))}", names


def _verify(live_url: str, clone_url: str, tables: list[str]) -> tuple[bool, str]:
    """`migrator verify data` of the untouched tables, live against clone (migrator.data.verify).

    verify names tables without their schema and reads one namespace (public, or the only
    one with tables): PostgreSQL tables elsewhere are left to the row counts.
    """
    if not tables:
        return True, "no untouched tables to verify"
    result, skipped, names = _verify_tables(live_url, clone_url, tables, "untouched")
    if result is None:
        return True, skipped
    if result.ok:
        return True, f"{len(names)} untouched table(s) hold the same rows: {', '.join(names)}"
    bad = [t.name for t in result.tables if not t.ok]
    return False, f"untouched tables differ between the database and the clone: {', '.join(bad)}"
