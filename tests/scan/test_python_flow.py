"""Value flow in the Python analyzer: the Bindings pass 1 reports and the Uses on them
(the fixture cases caches, members, params, contexts and getters check the resolved sites)."""

from __future__ import annotations

from migrator.scan import Project
from migrator.scan.analyzers.python import PythonAnalyzer
from migrator.scan.facts import Binding, FileFacts
from migrator.scan.resolve import resolve

SA = (("@@sqlalchemy", "()"), ("@@sqlalchemy-legacy", "()"))


def analyze(text: str, path: str = "m.py", files: frozenset[str] = frozenset()) -> FileFacts:
    return PythonAnalyzer().analyze(path, text, Project(root="/nowhere", files=files))


def bindings(facts: FileFacts) -> dict[str, Binding]:
    return {b.name: b for b in facts.bindings}


def test_a_cache_assigned_inside_a_function_is_the_module_name() -> None:
    facts = analyze("from sqlalchemy import create_engine\n_engine = None\n"
                    "def get_engine():\n    global _engine\n    if _engine is None:\n"
                    "        _engine = create_engine('x')\n    return _engine\n")
    found = bindings(facts)
    assert found["_engine"] == Binding("_engine", "value", SA)
    assert found["get_engine"] == Binding("get_engine", "function", (("_engine",),))


def test_self_is_an_instance_and_members_are_class_bindings() -> None:
    facts = analyze("from sqlalchemy.orm import Session\nclass Repo:\n    kind = 'repo'\n"
                    "    def __init__(self, session: Session):\n        self.session = session\n"
                    "    def all(self, m):\n        return self.session.query(m).all()\n")
    found = bindings(facts)
    assert found["Repo"] == Binding("Repo", "class", ())
    assert found["Repo#session"].sources == (("session@Repo.__init__",),)
    assert found["session@Repo.__init__"].sources == (("@@sqlalchemy", "#"), ("@@sqlalchemy-legacy", "#"))
    assert "Repo.kind" not in found  # nothing flows from a string
    # `self.session.query(m)` is proven here (sqlalchemy is imported): a site, not also a Use.
    assert [(s.line, s.layer) for s in facts.sites] == [(7, "sqlalchemy-legacy")]
    assert not [u for u in facts.uses if u.line == 7]


def test_nothing_is_reported_for_values_that_cannot_hold_a_client() -> None:
    facts = analyze("import json\nclass Box:\n    def __init__(self, v):\n        self.v = json.loads(v)\n"
                    "    def get(self):\n        return self.v.get('x')\n"
                    "def helper(x):\n    y = x.strip()\n    return y.execute()\n")
    assert (facts.bindings, facts.uses, facts.sites) == ((), (), ())


def test_contexts_and_loops_bind_the_same_client() -> None:
    facts = analyze("from app.db import engine, get_db\n"
                    "def f():\n    with engine.begin() as conn:\n        return conn\n"
                    "def g():\n    for s in get_db():\n        return s\n",
                    files=frozenset({"app/__init__.py", "app/db.py"}))
    found = bindings(facts)
    assert found["conn@f"].sources == (("engine",),)
    assert found["s@g"].sources == (("get_db", "()"),)


def test_sql_text_on_an_unknown_receiver_stays_a_dbapi_site() -> None:
    facts = analyze("class Store:\n    def __init__(self, connection):\n        self.connection = connection\n"
                    "    def rows(self):\n        return self.connection.execute('SELECT * FROM t')\n"
                    "def count(conn):\n    return conn.execute('SELECT count(*) FROM t')\n")
    assert [(s.line, s.layer, s.model, s.operation) for s in facts.sites] == [
        (5, "dbapi", "t", "select"), (7, "dbapi", "t", "select")]
    assert facts.uses == ()


def test_each_site_is_counted_once_across_the_passes() -> None:
    db = analyze("from sqlalchemy.orm import sessionmaker\nSessionLocal = sessionmaker()\n"
                 "class Repo:\n    session = SessionLocal()\n", path="app/db.py")
    files = frozenset({"app/__init__.py", "app/db.py", "app/users.py"})
    users = analyze("from app.db import Repo\nclass Users(Repo):\n    def one(self, User):\n"
                    "        return self.session.query(User).first()\n", path="app/users.py", files=files)
    resolved = resolve({"app/db.py": db, "app/users.py": users, "app/__init__.py": analyze("", "app/__init__.py")})
    assert [(s.line, s.layer, s.operation, s.via) for s in resolved["app/users.py"].sites] == [
        (4, "sqlalchemy-legacy", "first", "app/db.py")]
