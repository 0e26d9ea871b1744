"""Core rules: SA103's --unsafe rewrite runs like the 1.x engine.execute() it replaces (SQLite, PostgreSQL); SA008 and SA103 reasons."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
import sqlalchemy as sa

from migrator.rewrite.engine import Selection, rewrite_text

SOURCE = '''
import sqlalchemy as sa

T = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20)))


def setup(engine):
    engine.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20))")
    engine.execute(
        "INSERT INTO t (name) VALUES (:name)",  # executemany
        [{"name": "a"}, {"name": "b"}, {"name": "c"}],
    )


def work(engine):
    engine.execute("DELETE FROM t WHERE id = :id", {"id": 3})
    n = engine.execute("SELECT count(*) FROM t").scalar()
    names = engine.execute(sa.text("SELECT name FROM t ORDER BY id")).fetchall()
    upper = [r.name.upper() for r in engine.execute(sa.text("SELECT name FROM t ORDER BY id"))]
    result = engine.execute(sa.select(T.c.id).order_by(T.c.id))
    first = result.fetchone()
    rest = [row.id for row in result]
    created = engine.execute(T.insert().values(name="n"))
    key = tuple(created.inserted_primary_key)
    removed = engine.execute("DELETE FROM t WHERE name = :name", name="n")
    updated = engine.execute(sa.table("t", sa.column("name")).update().values(name="z")).rowcount
    placeholders = engine.execute("SELECT name FROM t WHERE id = ?", 1).scalar()
    return n, [row[0] for row in names], upper, tuple(first), rest, key, removed.rowcount, updated, placeholders
'''


class LegacyEngine:
    """1.x connectionless execution: a connection per call, autocommit, strings to the driver as they are."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self._engine = engine

    def begin(self) -> Any:
        return self._engine.begin()

    def connect(self) -> Any:
        return self._engine.connect()

    def execute(self, statement: Any, *params: Any, **kw: Any) -> Any:
        if kw:
            params = (kw,)
        elif len(params) == 1 and not isinstance(params[0], (list, tuple, dict)):
            params = ((params[0],),)  # 1.x: execute(sql, value) ran with [[value]]
        with self._engine.begin() as conn:
            if isinstance(statement, str):
                result = conn.exec_driver_sql(statement, *params)
            else:
                result = conn.execute(statement, *params)
            # Rows are read now (the connection is gone after); an INSERT keeps its inserted_primary_key.
            return result.freeze()() if result.returns_rows and not result.context.isinsert else result


def _run(source: str, url: str) -> tuple[Any, list[tuple]]:
    ns: dict[str, Any] = {"__name__": "snippet"}
    exec(compile(source, "snippet.py", "exec"), ns)
    engine = sa.create_engine(url)
    try:
        legacy = LegacyEngine(engine)
        ns["setup"](legacy)
        out = ns["work"](legacy)
        with engine.connect() as conn:
            table = [tuple(r) for r in conn.exec_driver_sql("SELECT id, name FROM t ORDER BY id")]
    finally:
        engine.dispose()
    return out, table


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], tuple[str, str]]:
    """(source for this database, a fresh database URL): PostgreSQL needs SERIAL and %s placeholders."""
    def make(name: str) -> tuple[str, str]:
        if request.param == "sqlite":
            return SOURCE, f"sqlite:///{tmp_path / name}"
        url = request.getfixturevalue("pg_database")().replace("postgresql://", "postgresql+psycopg://", 1)
        # 1.x sent strings to the driver as they are: psycopg takes %s and %(name)s, not ? or :name.
        pg = SOURCE.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY").replace("id = ?", "id = %s")
        return pg.replace(":name", "%(name)s").replace(":id", "%(id)s"), url
    return make


def test_sa103_unsafe_rewrite_runs_like_the_original(database: Callable[[str], tuple[str, str]]) -> None:
    source, before_url = database("before.db")
    _, after_url = database("after.db")
    result = rewrite_text(source, "m.py", Selection(select=("SA103",), unsafe=True))
    after = result.new_text or ""
    assert result.findings == [] and "engine.execute(" not in after
    # 1.x autocommitted writes only: they get engine.begin(), reads engine.connect() (rolled back on close).
    assert after.count("with engine.begin() as conn:") == 6 and after.count("with engine.connect() as conn:") == 5
    assert 'conn.execute(text("SELECT count(*) FROM t")).scalar()' in after
    # The kept result: one block from the call through its last use.
    assert ("    with engine.connect() as conn:\n        result = conn.execute(sa.select(T.c.id).order_by(T.c.id))\n"
            "        first = result.fetchone()\n        rest = [row.id for row in result]\n") in after
    if ":name" in source:  # SQLite: text() with the keywords' dict
        assert 'conn.execute(text("DELETE FROM t WHERE name = :name"), {"name": "n"})' in after
    else:  # PostgreSQL: driver placeholders run as 1.x ran them
        assert 'conn.exec_driver_sql("DELETE FROM t WHERE name = %(name)s", {"name": "n"})' in after
    assert 'conn.exec_driver_sql("SELECT name FROM t WHERE id = ' in after
    before_out = _run(source, before_url)
    after_out = _run(after, after_url)
    out, table = before_out
    # The new row's key: SQLite reuses 3 after the DELETE, a PostgreSQL sequence does not.
    assert out[:5] == (2, ["a", "b"], ["A", "B"], (1,), [2]) and out[5] in ((3,), (4,)) and out[6:] == (1, 2, "z")
    assert table == [(1, "z"), (2, "z")]
    assert after_out == before_out


def test_sa103_without_unsafe_reports_every_site_and_changes_nothing() -> None:
    result = rewrite_text(SOURCE, "m.py", Selection(select=("SA103",)))
    assert result.status == "unchanged"
    assert [(f.line, f.code) for f in result.findings] == [(8, "SA103"), (9, "SA103"), *((line, "SA103") for line in (
        16, 17, 18, 19, 20, 23, 25, 26, 27))]
    # Every site of SOURCE is one --unsafe converts, and the finding says so.
    assert all(f.reason.endswith("`--unsafe` rewrites this site") for f in result.findings)


def test_connection_evidence_for_sa008_and_sa009() -> None:
    source = (
        "from sqlalchemy import create_engine\n\n"
        "db_engine = create_engine('sqlite://')\n\n\n"
        "def f():\n"
        "    conn = db_engine.connect()\n"
        "    row = conn.execute('SELECT 1 AS x').first()\n"
        "    other = db_engine.raw_connection()\n"
        "    other.execute('SELECT 1')\n"
        "    return row['x']\n"
    )
    after = rewrite_text(source, "m.py", Selection(select=("SA008", "SA009"))).new_text or ""
    assert "conn.execute(text('SELECT 1 AS x')).first()" in after and "row._mapping['x']" in after
    assert "other.execute('SELECT 1')" in after  # a DBAPI connection takes strings


def test_sa103_reasons_name_the_condition_that_failed() -> None:
    """A result consumed by its own comprehension is converted; every other site says exactly why not."""
    source = (
        "from sqlalchemy import create_engine, text\n\n"
        "engine = create_engine('sqlite://')\n\n\n"
        "def f(other):\n"
        "    names = [r.name for r in engine.execute(text('SELECT name FROM users'))]\n"  # 7
        "    lazy = (r.name for r in engine.execute(text('SELECT name FROM users')))\n"  # 8
        "    result = engine.execute(text('SELECT id FROM users'))\n"  # 9
        "    other.keep(result)\n"
        "    sql = f'SELECT * FROM {other}'\n"
        "    engine.execute(sql)\n"  # 12
        "    created = engine.execute(text('INSERT INTO users (name) VALUES (1) RETURNING id'))\n"  # 13
        "    return names, lazy, created.fetchall()\n"
    )
    result = rewrite_text(source, "m.py", Selection(select=("SA103",), unsafe=True))
    after = result.new_text or ""
    assert "    with engine.connect() as conn:\n        names = [r.name for r in conn.execute(" in after
    why = {f.line: f.reason.split("not converted, even with --unsafe: ")[1] for f in result.findings}
    assert sorted(why) == [8, 9, 12, 13]
    assert why[8].startswith("iterated lazily by a generator expression")
    assert why[9].startswith("the result `result` is passed on at line 10 (`other.keep(result)`)")
    assert why[12].startswith("SQL string `sql` built at run time (an f-string, line 11)")
    assert why[13].startswith("a write (1.x committed it at once) whose result `created` is used at line 14")


def test_sa008_string_variables_and_alembic() -> None:
    source = (
        "from alembic import op\n\n"
        "QUERY = 'SELECT 1'\n\n\n"
        "def upgrade():\n"
        "    op.execute('UPDATE t SET x = 1')\n"
        "    bind = op.get_bind()\n"
        "    sql = 'UPDATE t SET y = 2'\n"
        "    bind.execute(sql)\n"
        "    bind.execute(QUERY)\n"
        "    again = 'SELECT 2'\n"
        "    again = 'SELECT 3'\n"
        "    bind.execute(again)\n"
    )
    result = rewrite_text(source, "m.py", Selection(select=("SA008",)))
    after = result.new_text or ""
    assert "op.execute('UPDATE t SET x = 1')" in after  # Alembic wraps strings itself
    assert "bind.execute(text(sql))" in after and "bind.execute(text(QUERY))" in after
    assert [(f.line, f.reason.split(": ")[-1]) for f in result.findings] == [
        (14, "`again` is bound more than once in the function (also at line 13); wrap it in text() by hand")]
