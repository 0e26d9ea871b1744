"""Core rules: SA103's --unsafe rewrite runs like the 1.x engine.execute() it replaces (SQLite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from migrator.rewrite.engine import Selection, rewrite_text

SOURCE = '''
import sqlalchemy as sa


def setup(engine):
    engine.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20))")
    engine.execute(
        "INSERT INTO t (id, name) VALUES (:id, :name)",  # executemany
        [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}, {"id": 3, "name": "c"}],
    )


def work(engine):
    engine.execute("DELETE FROM t WHERE id = :id", {"id": 3})
    n = engine.execute("SELECT count(*) FROM t").scalar()
    names = engine.execute(sa.text("SELECT name FROM t ORDER BY id")).fetchall()
    updated = engine.execute(sa.table("t", sa.column("name")).update().values(name="z")).rowcount
    return n, [row[0] for row in names], updated
'''


class LegacyEngine:
    """1.x connectionless execution: a connection per call, autocommit, strings to the driver as they are."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self._engine = engine

    def begin(self) -> Any:
        return self._engine.begin()

    def execute(self, statement: Any, *params: Any) -> Any:
        with self._engine.begin() as conn:
            if isinstance(statement, str):
                result = conn.exec_driver_sql(statement, *params)
            else:
                result = conn.execute(statement, *params)
            return result.freeze()() if result.returns_rows else result


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


def test_sa103_unsafe_rewrite_runs_like_the_original(tmp_path: Path) -> None:
    result = rewrite_text(SOURCE, "m.py", Selection(select=("SA103",), unsafe=True))
    after = result.new_text or ""
    assert result.findings == [] and "engine.execute(" not in after and after.count("with engine.begin() as conn:") == 6
    assert 'conn.execute(text("SELECT count(*) FROM t")).scalar()' in after
    before_out = _run(SOURCE, f"sqlite:///{tmp_path / 'before.db'}")
    after_out = _run(after, f"sqlite:///{tmp_path / 'after.db'}")
    assert before_out == ((2, ["a", "b"], 2), [(1, "z"), (2, "z")])
    assert after_out == before_out


def test_sa103_without_unsafe_reports_every_site_and_changes_nothing() -> None:
    result = rewrite_text(SOURCE, "m.py", Selection(select=("SA103",)))
    assert result.status == "unchanged"
    assert [(f.line, f.code) for f in result.findings] == [(6, "SA103"), (7, "SA103"), (14, "SA103"), (15, "SA103"),
                                                             (16, "SA103"), (17, "SA103")]
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
