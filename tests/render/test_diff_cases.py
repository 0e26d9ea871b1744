"""Diff cases on real databases: compare() finds the changes, the DDL and Alembic renderers apply them.

One folder per case under tests/fixtures/diff/: a.sql (FROM), b.sql (TO) and
expected.txt, the changes that turn FROM into TO, one `kind path` line each (empty: the
two spell the same schema). The folder's prefix is its dialect (pg_, sqlite_). A file
`xfail` holds the reason a case is a known compare() bug; the case then runs with
pytest.mark.xfail(strict=True), so it fails loudly once the bug is fixed. A file
`remaining.txt` lists the changes a re-diff still reports after the fix (default: the
not-modeled object lines of expected.txt, for which no fix is emitted).

For every case:

- compare(FROM, TO) lists expected.txt;
- the SQL of render_changes_sql(diff) applied to the FROM database (PostgreSQL: with
  `psql --single-transaction`, as a user would) makes it compare clean against TO, and
  the SQL of diff.reverse() then makes it compare clean against FROM;
- on PostgreSQL, the Alembic revision of render_revision runs with `alembic upgrade head`
  on a database built from a.sql and compares clean against TO; `downgrade base` returns to FROM.

The renderers are also checked without compare(): the "oracle" diff is built from
expected.txt and the two readings, and its SQL must make the FROM database read back
exactly as TO (model equality, the strongest check there is).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

from migrator import schema as model
from migrator.inspect import InspectOptions
from migrator.inspect.postgres import inspect_url
from migrator.inspect.sqlite import inspect_connection
from migrator.pgcluster import find_bin
from migrator.render.alembic import render_revision
from migrator.render.ddl import render_changes_sql
from migrator.verify.changes import KINDS, Change, Diff
from migrator.verify.diff import compare

from ..conftest import FIXTURES, run_sql

CASES_DIR = FIXTURES / "diff"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())


def _params(names: list[str]) -> list[Any]:
    params = []
    for name in names:
        xfail = CASES_DIR / name / "xfail"
        marks = [pytest.mark.xfail(strict=True, reason=xfail.read_text().strip())] if xfail.exists() else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def dialect_of(case: str) -> str:
    return "postgresql" if case.startswith("pg_") else "sqlite"


def expected_lines(case: str) -> list[str]:
    return [line.strip() for line in (CASES_DIR / case / "expected.txt").read_text().splitlines() if line.strip()]


def diff_lines(diff: Diff) -> list[str]:
    # A possible rename is a hint beside the drop and the add it pairs, not a change.
    return sorted(f"{c.kind} {c.path}" for c in diff.changes if not c.possible)


# ---------------------------------------------------------------------------
# Databases: one per side, real, of the case's dialect.


class Database:
    """A database of one dialect: apply SQL statement by statement, read it back."""

    def __init__(self, dialect: str, url_or_path: str) -> None:
        self.dialect = dialect
        self.target = url_or_path

    def apply(self, sql: str) -> None:
        if self.dialect == "postgresql":
            # As a user (and the peer-suite runner) applies `--emit sql`: the whole script in
            # one psql transaction, stopping at the first error. The script's own COMMIT;
            # BEGIN; boundaries (after ALTER TYPE ... ADD VALUE) must make that work.
            psql = find_bin("psql")
            assert psql, "psql is required to apply the emitted SQL"
            argv = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", self.target, "-f", "-"]
            result = subprocess.run(argv, input=sql, text=True, capture_output=True, check=False)
            assert result.returncode == 0, f"psql rejected the SQL:\n{result.stderr}\n--- SQL ---\n{sql}"
        else:
            conn = sqlite3.connect(self.target)
            try:
                conn.executescript(sql)
            finally:
                conn.close()

    def read(self) -> model.Schema:
        if self.dialect == "postgresql":
            return inspect_url(self.target, InspectOptions()).canonical()
        conn = sqlite3.connect(self.target)
        try:
            return inspect_connection(conn, InspectOptions(), f"sqlite:///{self.target}").canonical()
        finally:
            conn.close()


@pytest.fixture()
def make_db(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str, str], Database]:
    counter = iter(range(1000))

    def make(dialect: str, sql: str) -> Database:
        if dialect == "postgresql":
            db = Database(dialect, request.getfixturevalue("pg_database")())
            if sql.strip():
                run_sql(db.target, sql)
        else:
            db = Database(dialect, str(tmp_path / f"db{next(counter)}.sqlite"))
            db.apply(sql)
        return db

    return make


def build(make_db: Callable[[str, str], Database], case: str, side: str) -> Database:
    return make_db(dialect_of(case), (CASES_DIR / case / f"{side}.sql").read_text())


# ---------------------------------------------------------------------------
# The oracle diff: expected.txt's lines with their objects looked up in the two readings.


def oracle_diff(a: model.Schema, b: model.Schema, lines: list[str]) -> Diff:
    return Diff("a.sql", "b.sql", tuple(_oracle_change(a, b, line) for line in lines))


def _oracle_change(a: model.Schema, b: model.Schema, line: str) -> Change:
    kind, path = line.split(" ", 1)
    obj = KINDS[kind].object
    if obj == "namespace":
        return Change(kind, path, namespace=path, new=_find(b.namespace, path), old=_find(a.namespace, path))
    if obj == "extension":
        return Change(kind, path, new=_ext(b, path), old=_ext(a, path))
    if obj == "object":
        return Change(kind, path, new=_object(b, path), old=_object(a, path))
    ns, rest = path.split(".", 1)
    if obj in ("table", "enum", "view", "sequence"):
        getter = {"table": "table", "enum": "enum", "view": "view", "sequence": "sequence"}[obj]
        old = _find(lambda n: getattr(a.namespace(ns), getter)(n), rest)
        new = _find(lambda n: getattr(b.namespace(ns), getter)(n), rest)
        if kind == "alter_table_comment":
            return Change(kind, path, ns, rest, old=old.comment, new=new.comment)
        if kind == "reorder_enum_values":
            return Change(kind, path, ns, rest, old=old.values, new=new.values)
        return Change(kind, path, ns, rest, old=old, new=new)
    table, name = rest.rsplit(".", 1)
    if obj == "enum_value":
        return Change(kind, path, ns, table, name, old=a.namespace(ns).enum(table).values, new=b.namespace(ns).enum(table).values)
    old_table = _find(a.namespace(ns).table, table)
    new_table = _find(b.namespace(ns).table, table)
    if obj == "index" and old_table is None and new_table is None:  # an index of a materialized view
        return Change(kind, path, ns, table, name, old=_view_index(a, ns, table, name), new=_view_index(b, ns, table, name))
    if obj == "column":
        old_col = _find(old_table.column, name) if old_table else None
        new_col = _find(new_table.column, name) if new_table else None
        attr = {
            "alter_column_type": "type",
            "alter_column_nullable": "nullable",
            "alter_column_default": "default",
            "alter_column_identity": "identity",
            "alter_column_generated": "generated",
            "alter_column_comment": "comment",
        }.get(kind)
        context = (("column_old", old_col), ("column_new", new_col))
        if attr is None:
            return Change(kind, path, ns, table, name, old=old_col, new=new_col, context=context)
        if attr == "identity":  # compare() reports a serial column (owned sequence) as Identity("serial")
            return Change(kind, path, ns, table, name, old=_identity(a, ns, old_table, old_col),
                          new=_identity(b, ns, new_table, new_col), context=context)
        return Change(kind, path, ns, table, name, old=getattr(old_col, attr), new=getattr(new_col, attr), context=context)
    return Change(kind, path, ns, table, name, old=_constraint(old_table, name), new=_constraint(new_table, name))


def columns_by_name(schema: model.Schema) -> model.Schema:
    """The schema with each table's columns in name order: PostgreSQL adds a column at the
    end only, so a dropped column restored by the reverse migration comes back last."""
    return dataclasses.replace(
        schema,
        namespaces=tuple(
            dataclasses.replace(
                ns,
                tables=tuple(dataclasses.replace(t, columns=tuple(sorted(t.columns, key=lambda c: c.name))) for t in ns.tables),
            )
            for ns in schema.namespaces
        ),
    )


def _identity(schema: model.Schema, ns: str, table: model.Table | None, col: model.Column | None) -> model.Identity | None:
    """The column's numbering as compare() reports it: a sequence default is serial only
    when the sequence is owned by this very column."""
    if col is None:
        return None
    if col.identity is None and col.default is not None and col.default.kind == "sequence" and table is not None:
        seq_ns, _, seq = col.default.value.rpartition(".")
        owner = next((s.owned_by for n in schema.namespaces if n.name == (seq_ns or ns) for s in n.sequences if s.name == seq), None)
        if owner == f"{table.name}.{col.name}":
            return model.Identity("serial")
    return col.identity


def _find(getter: Callable[[str], Any], name: str) -> Any:
    try:
        return getter(name)
    except KeyError:
        return None


def _ext(schema: model.Schema, name: str) -> model.Extension | None:
    return next((e for e in schema.extensions if e.name == name), None)


def _view_index(schema: model.Schema, ns: str, view: str, name: str) -> model.Index | None:
    found = _find(schema.namespace(ns).view, view)
    return next((i for i in found.indexes if i.name == name), None) if found is not None else None


def _constraint(table: model.Table | None, name: str) -> Any:
    if table is None:
        return None
    candidates = [table.primary_key, *table.uniques, *table.indexes, *table.foreign_keys, *table.checks, *table.exclusions]
    return next((c for c in candidates if c is not None and (c.name == name or f"({','.join(map(str, getattr(c, 'columns', ())))})" == name)), None)


# ---------------------------------------------------------------------------
# The tests


# ---------------------------------------------------------------------------
# Changes no fix is emitted for: fingerprinted objects (functions, triggers, policies,
# grants, ...; kinds of object type "object"). The SQL and the Alembic revision carry
# only a comment for them, so they are what remains after applying the fix, and the
# readings are compared without them.

NO_FIX_KINDS = frozenset(name for name, spec in KINDS.items() if spec.object == "object")


def remaining_after_fix(case: str) -> list[str]:
    # remaining.txt, when there: the fix does make some of those objects (a policy that
    # blocks a column change is dropped and recreated), so it lists what does remain.
    custom = CASES_DIR / case / "remaining.txt"
    if custom.exists():
        return sorted(line.strip() for line in custom.read_text().splitlines() if line.strip())
    return sorted(line for line in expected_lines(case) if line.split(" ", 1)[0] in NO_FIX_KINDS)


def without_unfixable(schema: model.Schema) -> model.Schema:
    return dataclasses.replace(
        schema, objects=(), namespaces=tuple(dataclasses.replace(ns, objects=()) for ns in schema.namespaces)
    )


def _object(schema: model.Schema, path: str) -> model.DatabaseObject | None:
    found = [o for o in schema.objects if o.name == path]
    found += [o for ns in schema.namespaces for o in ns.objects if f"{ns.name}.{o.name}" == path]
    return found[0] if found else None


# Normalization cases (empty expected.txt) have nothing to render: only compare() applies to them.
CHANGING_CASES = [c for c in CASES if expected_lines(c)]


@pytest.mark.parametrize("case", _params(CHANGING_CASES))
def test_rendered_sql_of_the_expected_changes_turns_a_into_b(make_db, case: str) -> None:
    """Independent of compare(): the renderers turn FROM into exactly TO and back."""
    dialect = dialect_of(case)
    db_a, db_b = build(make_db, case, "a"), build(make_db, case, "b")
    a, b = db_a.read(), db_b.read()
    diff = oracle_diff(a, b, expected_lines(case))
    db_a.apply(render_changes_sql(diff, dialect, to_schema=b, from_schema=a))
    assert without_unfixable(db_a.read()) == without_unfixable(b)
    db_a.apply(render_changes_sql(diff.reverse(), dialect, to_schema=a, from_schema=b))
    assert columns_by_name(db_a.read()) == columns_by_name(a)


@pytest.mark.parametrize("case", _params(CASES))
def test_compare_finds_the_expected_changes_and_the_sql_applies_them(make_db, case: str) -> None:
    dialect = dialect_of(case)
    db_a, db_b = build(make_db, case, "a"), build(make_db, case, "b")
    a, b = db_a.read(), db_b.read()
    diff = compare(a, b)
    assert diff_lines(diff) == sorted(expected_lines(case))
    db_a.apply(render_changes_sql(diff, dialect, to_schema=b, from_schema=a))
    assert diff_lines(compare(db_a.read(), b)) == remaining_after_fix(case)
    db_a.apply(render_changes_sql(diff.reverse(), dialect, to_schema=a, from_schema=b))
    assert diff_lines(compare(db_a.read(), a)) == []


ALEMBIC_ENV = '''
from alembic import context
from sqlalchemy import create_engine

url = context.config.get_main_option("sqlalchemy.url")
engine = create_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
'''


def run_alembic(tmp_path: Path, url: str, revision_text: str, direction: str) -> None:
    from alembic import command
    from alembic.config import Config

    scripts = tmp_path / "alembic"
    (scripts / "versions").mkdir(parents=True, exist_ok=True)
    (scripts / "env.py").write_text(ALEMBIC_ENV)
    (scripts / "script.py.mako").write_text("")
    (scripts / "versions" / "0001_migrator.py").write_text(revision_text)
    config = Config()
    config.set_main_option("script_location", str(scripts))
    config.set_main_option("sqlalchemy.url", url.replace("postgresql://", "postgresql+psycopg://", 1))
    if direction == "upgrade":
        command.upgrade(config, "head")
    else:
        command.downgrade(config, "base")


PG_CASES = [c for c in CASES if dialect_of(c) == "postgresql"]


@pytest.mark.parametrize("case", _params(PG_CASES))
def test_alembic_revision_upgrades_and_downgrades(make_db, tmp_path: Path, case: str) -> None:
    """The revision file runs on a real database: upgrade head gives TO, downgrade base gives FROM back."""
    db_a, db_b = build(make_db, case, "a"), build(make_db, case, "b")
    a, b = db_a.read(), db_b.read()
    diff = compare(a, b)
    text = render_revision(
        diff, message=f"case {case}", revision="0001", down_revision=None, dialect="postgresql", to_schema=b, from_schema=a
    )
    print(text)  # shown when the case fails
    compile(text, "0001_migrator.py", "exec")
    run_alembic(tmp_path, db_a.target, text, "upgrade")
    if expected_lines(case):
        assert without_unfixable(db_a.read()) == without_unfixable(b)
    else:  # a normalization case: the readings differ in spelling, compare() says they agree
        assert diff_lines(compare(db_a.read(), b)) == []
    run_alembic(tmp_path, db_a.target, text, "downgrade")
    assert columns_by_name(db_a.read()) == columns_by_name(a)
