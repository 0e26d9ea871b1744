"""Equivalence harness: legacy Query API snippets and the engine's rewrite of them return the same rows.

For each rule with executable snippets (tests/fixtures/rewrite_equivalence/<code>.py: a `BEFORE`
source using the 1.x Query API on the Author/Book/Review/Tag models), the real rewrite engine produces
the AFTER source; both are exec'd with the models and called with a fresh Session against a real
SQLite file and a real PostgreSQL database holding the same sample rows. Results are compared as
primary keys / tuples (order-insensitive unless the call is ordered). A snippet may name the rules
to run (RULES; default: its own code), ask for the models' project evidence (EVIDENCE: mapped
classes, collection or scalar relationships) and list the functions whose rewrite must call
`.unique()` (UNIQUE: and no other function may).

SQL is captured per side with `before_cursor_execute`. It must be identical where the rule
promises it (SAME_SQL = True): SA001 (`query.get` and `Session.get` share one loader) and SA005
(`select([a, b])` and `select(a, b)` build the same statement). The other rules change the
statement shape on purpose (e.g. SA004 counts over a subquery of a 2.0 select, SA003 `.one()` no
longer adds LIMIT) so only their results are compared.

The learnhub case converts a copy of examples/learnhub with the CLI and runs the original and the
converted legacy service modules (each in its own interpreter, both named `learnhub`) against the
same database built by build_db.py.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, Row
from sqlalchemy.orm import Session

from migrator.rewrite.engine import FileResult, Selection, rewrite_text
from migrator.rewrite.project import NO_EVIDENCE, FileEvidence

from ..cli.test_inspect_cli import invoke
from ..conftest import EXAMPLES, REPO

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.LegacyAPIWarning")

SNIPPETS = REPO / "tests" / "fixtures" / "rewrite_equivalence"
CODES = sorted(p.stem for p in SNIPPETS.glob("SA*.py"))


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


models = _load(SNIPPETS / "models.py", "rewrite_equivalence_models")

# Rule bugs the harness found: (code, function) -> reason. Marked xfail(strict=True).
KNOWN_BUGS: dict[tuple[str, str], str] = {}

# What a project run proves about the models (mapped classes, collection or scalar relationships),
# given to snippets that set EVIDENCE = True; the others run as a single file does (no evidence).
MODEL_EVIDENCE = FileEvidence(
    mapped_classes=frozenset(m.class_.__name__ for m in models.Base.registry.mappers),
    relationships=tuple(((m.class_.__name__, r.key), "collection" if r.uselist else "scalar")
                        for m in models.Base.registry.mappers for r in m.relationships),
)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'equivalence.db'}"
    else:
        pg_database: Callable[[], str] = request.getfixturevalue("pg_database")
        url = pg_database().replace("postgresql://", "postgresql+psycopg://", 1)
    engine = models.create(url)
    try:
        yield engine
    finally:
        engine.dispose()


_LEGACY_POSITIONAL = ("whereclause", "from_obj", "distinct", "having", "correlate", "prefixes", "suffixes")


def _legacy_select(*args: Any, **kw: Any) -> Any:
    """`select()` with 1.x semantics for the list form (2.x rejects it): 1.4's
    `Select.create_legacy_select`, which sets the statement's attributes one by one."""
    if not (args and isinstance(args[0], (list, tuple))):
        return sa.select(*args, **kw)
    from sqlalchemy.sql import coercions, roles
    from sqlalchemy.sql.selectable import ForUpdateArg

    kw.update(zip(_LEGACY_POSITIONAL, args[1:]))
    stmt = sa.select(*args[0])
    to_list = lambda v: list(v) if isinstance(v, (list, tuple)) else [v]  # noqa: E731
    if kw.get("whereclause") is not None:
        stmt._where_criteria = (coercions.expect(roles.WhereHavingRole, kw["whereclause"]),)
    if kw.get("from_obj") is not None:
        stmt._from_obj = tuple(coercions.expect(roles.FromClauseRole, f) for f in to_list(kw["from_obj"]))
    if kw.get("distinct", False) is not False:
        stmt._distinct = True
        if kw["distinct"] is not True:
            stmt._distinct_on = tuple(coercions.expect(roles.ByOfRole, e) for e in to_list(kw["distinct"]))
    if kw.get("having") is not None:
        stmt._having_criteria = (coercions.expect(roles.WhereHavingRole, kw["having"]),)
    stmt._auto_correlate = kw.get("correlate", True)
    if kw.get("prefixes"):
        stmt._setup_prefixes(kw["prefixes"])
    if kw.get("suffixes"):
        stmt._setup_suffixes(kw["suffixes"])
    if kw.get("use_labels"):
        stmt._label_style = sa.LABEL_STYLE_TABLENAME_PLUS_COL
    if kw.get("for_update"):
        stmt._for_update_arg = ForUpdateArg()
    if kw.get("limit") is not None:
        stmt._limit_clause = stmt._offset_or_limit_clause(kw["limit"])
    if kw.get("offset") is not None:
        stmt._offset_clause = stmt._offset_or_limit_clause(kw["offset"])
    if kw.get("order_by") is not None:
        stmt._order_by_clauses = tuple(coercions.expect(roles.OrderByRole, c) for c in to_list(kw["order_by"]))
    if kw.get("group_by") is not None:
        stmt._group_by_clauses = tuple(coercions.expect(roles.GroupByRole, c) for c in to_list(kw["group_by"]))
    return stmt


def _namespace(source: str, legacy_select: bool = False) -> dict[str, Any]:
    ns: dict[str, Any] = {"Author": models.Author, "Book": models.Book, "Review": models.Review, "Tag": models.Tag,
                          "__name__": "snippet"}
    exec(compile(source, "snippet.py", "exec"), ns)
    if legacy_select:
        ns["select"] = _legacy_select
    return ns


def _norm(value: Any, ordered: bool = True) -> Any:
    """Comparable form: mapped objects by (class, primary key), rows as tuples."""
    if isinstance(value, models.Base):
        return (type(value).__name__, value.id)
    if isinstance(value, (Row, tuple)):
        return tuple(_norm(v) for v in value)
    if isinstance(value, list):
        items = [_norm(v) for v in value]
        return items if ordered else sorted(items, key=repr)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _run(engine: Engine, ns: dict[str, Any], fn: str, args: tuple, ordered: bool) -> tuple[Any, list[str]]:
    statements: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        statements.append(f"{statement} | {parameters!r}")

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with Session(engine) as session:
            result = _norm(ns[fn](session, *args), ordered)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return result, statements


def _cases() -> list[Any]:
    cases = []
    for code in CODES:
        snippet = _load(SNIPPETS / f"{code}.py", f"rewrite_equivalence_{code}")
        for index, (fn, args, ordered) in enumerate(snippet.CALLS):
            marks = []
            if (code, fn) in KNOWN_BUGS:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[(code, fn)]))
            cases.append(pytest.param(code, fn, args, ordered, id=f"{code}-{fn}-{index}", marks=marks))
    return cases


def _rewrite(code: str, snippet: ModuleType) -> FileResult:
    """The engine's rewrite of a snippet: the rules its RULES name (default: its own code), with
    the models' evidence when it sets EVIDENCE."""
    selection = Selection(select=tuple(getattr(snippet, "RULES", (code,))))
    return rewrite_text(snippet.BEFORE, f"{code}.py", selection,
                        MODEL_EVIDENCE if getattr(snippet, "EVIDENCE", False) else NO_EVIDENCE)


def _after_source(code: str) -> tuple[Any, str]:
    snippet = _load(SNIPPETS / f"{code}.py", f"rewrite_equivalence_{code}")
    result = _rewrite(code, snippet)
    assert result.status == "changed", f"{code}: the engine changed nothing ({result.reason})"
    return snippet, result.new_text or ""


@pytest.mark.parametrize("code", CODES)
def test_engine_converts_every_snippet_site(code: str) -> None:
    """No site in a snippet is left behind: nothing of the legacy API remains, and no findings."""
    snippet, after = _after_source(code)
    result = _rewrite(code, snippet)
    assert result.findings == []
    assert ".query(" not in after and "select([" not in after


UNIQUE_CODES = [code for code in CODES if hasattr(_load(SNIPPETS / f"{code}.py", f"rewrite_equivalence_{code}"), "UNIQUE")]


@pytest.mark.parametrize("code", UNIQUE_CODES)
def test_unique_exactly_where_the_query_deduplicated(code: str) -> None:
    """`.unique()` is in the converted functions a snippet's UNIQUE names, and in no other."""
    snippet, after = _after_source(code)
    tree = ast.parse(after)
    found = {f.name for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
             and any(isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "unique"
                     for c in ast.walk(f))}
    assert found == set(snippet.UNIQUE)


@pytest.mark.parametrize(("code", "fn", "args", "ordered"), _cases())
def test_before_and_after_agree(db_engine: Engine, code: str, fn: str, args: tuple, ordered: bool) -> None:
    snippet, after = _after_source(code)
    legacy = getattr(snippet, "LEGACY_SELECT", False)
    before_ns, after_ns = _namespace(snippet.BEFORE, legacy_select=legacy), _namespace(after)
    before_result, before_sql = _run(db_engine, before_ns, fn, args, ordered)
    after_result, after_sql = _run(db_engine, after_ns, fn, args, ordered)
    assert after_result == before_result
    assert before_sql, "the snippet must reach the database"
    if snippet.SAME_SQL:
        assert after_sql == before_sql


# --- examples/learnhub: original vs converted legacy services on one database -----------------

LEARNHUB_PROBE = r"""
import json, sys
from decimal import Decimal
from learnhub.db import SessionLocal
from learnhub.models import Base, Course, Lesson, User
from learnhub.services import courses_legacy as c, reports as r

def norm(v):
    if isinstance(v, Base):
        return [type(v).__name__, v.id]
    if isinstance(v, dict):
        return sorted([norm(k), norm(x)] for k, x in v.items())
    if isinstance(v, (list, tuple)) or type(v).__name__ == "Row":
        return [norm(x) for x in v]
    if isinstance(v, Decimal):
        return str(v)
    if v is None or isinstance(v, (int, float, str, bool)):
        return v
    return str(v)

# The original reports.py uses select([...]), which SQLAlchemy 2.x rejects: give it 1.x semantics
# (a no-op for the converted module, which no longer passes a list).
_select = r.select
r.select = lambda *a, **k: _select(*a[0], **k) if len(a) == 1 and isinstance(a[0], list) else _select(*a, **k)

out = {}
s = SessionLocal()
course_ids = [x.id for x in s.query(Course).order_by(Course.id)]
slugs = [x.slug for x in s.query(Course).order_by(Course.id)]
instructors = sorted({x.instructor_id for x in s.query(Course)})
lessons = [x.id for x in s.query(Lesson).order_by(Lesson.id)]
out["get_course"] = [norm(c.get_course(i)) for i in course_ids + [999]]
out["get_course_by_slug"] = [norm(c.get_course_by_slug(s, x)) for x in slugs + ["nope"]]
out["published_courses"] = norm(c.published_courses(s)) + norm(c.published_courses(s, limit=1))
out["courses_with_lessons"] = [sorted(map(repr, norm(c.courses_with_lessons(s, i)))) for i in instructors]
out["search_courses"] = [norm(c.search_courses(s)), norm(c.search_courses(s, text="a")),
                         norm(c.search_courses(s, max_price=50))]
out["count_lessons"] = [c.count_lessons(s, i) for i in course_ids]
out["preview_lessons"] = [norm(c.preview_lessons(s, i)) for i in course_ids]
out["instructor_for"] = [norm(c.instructor_for(s, i)) for i in course_ids + [999]]
out["enrollment_counts"] = norm(r.enrollment_counts(s))
out["revenue_by_course"] = norm(r.revenue_by_course(s))
out["instructor_count"] = r.instructor_count(s)
out["active_students"] = [norm(r.active_students(s, i)) for i in course_ids]
out["top_submission"] = [norm(r.top_submission(s, i)) for i in lessons]
out["average_score"] = [norm(r.average_score(s, i)) for i in course_ids]
s.close()
json.dump(out, sys.stdout, sort_keys=True)
"""


def _probe(root: Path, db: Path) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", LEARNHUB_PROBE], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_learnhub_converted_services_return_the_same(tmp_path: Path) -> None:
    ignore = shutil.ignore_patterns("*.db", "__pycache__")
    original, converted = tmp_path / "original", tmp_path / "converted"
    shutil.copytree(EXAMPLES / "learnhub", original, ignore=ignore)
    shutil.copytree(EXAMPLES / "learnhub", converted, ignore=ignore)
    db = tmp_path / "learnhub.db"
    built = subprocess.run([sys.executable, str(original / "build_db.py"), "--output", str(db)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    # No --session-name: examples/learnhub/migrator.toml names `session` ([rewrite] session_names).
    result = invoke("rewrite", "--rules", "sqlalchemy-2.0", "--apply", "--force", str(converted))
    assert result.exit_code == 0, result.stdout
    services = converted / "learnhub" / "services"
    assert ".query(Course).get(" not in (services / "courses_legacy.py").read_text()
    assert "select([Course" not in (services / "reports.py").read_text()
    before, after = _probe(original, db), _probe(converted, db)
    assert before["count_lessons"] and any(before["get_course"]), "the probe must see seeded rows"
    assert after == before


def _behaviour(root: Path) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-W", "ignore", str(root / "check_behaviour.py"), "--json"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_learnhub_converted_passes_its_behaviour_checks(tmp_path: Path) -> None:
    """`migrator rewrite --rules sqlalchemy-2.0 examples/learnhub`, then the example's own checks."""
    converted = tmp_path / "learnhub"
    shutil.copytree(EXAMPLES / "learnhub", converted, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    original = _behaviour(EXAMPLES / "learnhub")
    legacy = sorted(name for name, result in original.items() if result == "legacy")
    assert legacy == ["revenue_by_course", "signups_per_day", "table_sizes"], original
    result = invoke("rewrite", "--rules", "sqlalchemy-2.0", "--apply", "--force", str(converted))
    assert result.exit_code == 0, result.stdout
    after = _behaviour(converted)
    # select([...]) is converted; engine.execute() stays for --unsafe, so it is still legacy.
    assert after == {**original, "revenue_by_course": "ok"}
    services = converted / "learnhub" / "services"
    assert "session.query(" not in (services / "courses_legacy.py").read_text()
    # Query.scalar() in average_score selects one aggregate (one row guaranteed): SA018 converts it.
    assert (services / "reports.py").read_text().count("session.query(") == 0
