"""Project-wide evidence for `migrator rewrite`: whole fixture projects under
tests/fixtures/rewrite_project/<case>/, rewritten with no option given.

Each case holds a small application whose sessions and mapped classes are proven in other
modules than the call sites (a repository base class, a scoped session in a package, a
FastAPI dependency), and `expected.diff` / `findings.txt`: what a default run must print.
`make golden` (tests/rewrite/regen_golden.py) regenerates them after a deliberate change.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from migrator.rewrite.engine import Selection, project_index, rewrite_paths
from migrator.rewrite.project import build_index
from migrator.scan.engine import ScanOptions, scan

from ..conftest import EXAMPLES, REPO

PROJECTS = REPO / "tests" / "fixtures" / "rewrite_project"
CASES = sorted(p.name for p in PROJECTS.iterdir() if p.is_dir())
EXPECTED = ("expected.diff", "findings.txt")


def run_case(case: str, tmp_path: Path, selection: Selection = Selection()):
    root = tmp_path / case
    shutil.copytree(PROJECTS / case, root, ignore=shutil.ignore_patterns(*EXPECTED, ".migrator"))
    return root, rewrite_paths([root], selection, base=root)


def rendered(results) -> tuple[str, str]:
    diff = "".join(r.diff for r in results)
    findings = "".join(f"{r.path}:{f.line}:{f.column}: {f.code} {f.reason}\n" for r in results for f in r.findings)
    return diff, findings


@pytest.mark.parametrize("case", CASES)
def test_default_run_matches_golden(case: str, tmp_path: Path) -> None:
    _, results = run_case(case, tmp_path)
    diff, findings = rendered(results)
    assert diff == (PROJECTS / case / "expected.diff").read_text()
    assert findings == (PROJECTS / case / "findings.txt").read_text()
    assert all(r.status != "failed" for r in results)


@pytest.mark.parametrize("case", CASES)
def test_converted_project_compiles_and_a_second_run_changes_nothing(case: str, tmp_path: Path) -> None:
    root, results = run_case(case, tmp_path)
    for r in results:
        if r.new_text is not None:
            (root / r.path).write_text(r.new_text)
            compile(r.new_text, r.path, "exec")
    again = rewrite_paths([root], Selection(), base=root)
    assert [r.path for r in again if r.status == "changed"] == []
    # The findings left after --apply are those of the sites still there, with the same reasons
    # (lines may move by the imports a conversion added).
    def stable(results):
        # A reason naming another line ("assigned … at line 12") moves with it.
        return sorted((r.path, f.code, re.sub(r"line \d+|\.py:\d+", "#", f.reason)) for r in results for f in r.findings)
    assert stable(again) == stable(results)


@pytest.mark.parametrize("case", CASES)
def test_every_legacy_site_is_converted_or_reported(case: str, tmp_path: Path) -> None:
    """--report-only lists every site of the scan's sqlalchemy-legacy count, and nothing is left unaccounted."""
    root, _ = run_case(case, tmp_path)
    report = rewrite_paths([root], Selection(report_only=True), base=root)
    assert all(r.status == "unchanged" for r in report)
    lines = {(r.path, f.line) for r in report for f in r.findings}
    sites = {(s.file, s.line) for s in scan(root, ScanOptions(cache=False)).sites("sqlalchemy-legacy")}
    assert sites and sites <= lines
    assert not [f for r in report for f in r.findings if f.code == "SA100"]


# Rules whose sites are the scan's sqlalchemy-legacy sites (Query chains, Model.query, select lists,
# SQL strings); the others report legacy API uses the scan does not count as sites (Row as a dict,
# autocommit=True, lazy="dynamic", empty and_()…).
SITE_RULES = re.compile(r"SA00[1-8]|SA01[0-9]|SA02[01]|SA10[0-3]")


@pytest.mark.parametrize("example", ["learnhub", "tutorme"])
def test_examples_agree_with_the_scan(example: str, tmp_path: Path) -> None:
    """--report-only: one finding per legacy site of the scan, and no Query-rule finding anywhere else."""
    root = tmp_path / example
    shutil.copytree(EXAMPLES / example, root, ignore=shutil.ignore_patterns(".migrator", "*.db"))
    report = rewrite_paths([root], Selection(report_only=True), base=root)
    at = {(r.path, f.line): f.code for r in report for f in r.findings if SITE_RULES.fullmatch(f.code)}
    sites = {(s.file, s.line) for s in scan(root, ScanOptions(cache=False)).sites("sqlalchemy-legacy")}
    assert set(at) == sites
    assert sum(r.sites for r in report) == len(sites)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_mapped_classes_are_found_across_modules(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": "",
        "base.py": "from sqlalchemy.orm import DeclarativeBase, registry\nclass Base(DeclarativeBase):\n    pass\n"
                   "reg = registry()\n",
        "abstract.py": "from base import Base\nclass Stamped(Base):\n    __abstract__ = True\n",
        "models.py": "from abstract import Stamped\nfrom base import reg\nclass Order(Stamped):\n    __tablename__ = 'o'\n"
                     "@reg.mapped\nclass Line:\n    __tablename__ = 'l'\n",
        "flask_models.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\nclass Tag(db.Model):\n    pass\n",
        "sqlmodels.py": "from sqlmodel import SQLModel\nclass Hero(SQLModel, table=True):\n    pass\n"
                        "class HeroIn(SQLModel):\n    pass\n",
        "plain.py": "class Order2:\n    pass\nclass Widget(object):\n    pass\n",
    })
    index = build_index(root, sorted(root.glob("*.py")))
    assert index.mapped == {"Order", "Line", "Tag", "Hero"}


def test_relationship_kinds(tmp_path: Path) -> None:
    root = write(tmp_path, {"m.py": '''
from typing import List, Optional
from sqlalchemy.orm import DeclarativeBase, Mapped, relationship
class Base(DeclarativeBase):
    pass
class Parent(Base):
    children: Mapped[List["Child"]] = relationship(back_populates="parent")
    favourite: Mapped[Optional["Child"]] = relationship()
    legacy = relationship("Child")
    single = relationship("Child", uselist=False)
    dyn = relationship("Child", lazy="dynamic")
    name: Mapped[str]
class Child(Base):
    parent: Mapped["Parent"] = relationship(back_populates="children")
'''})
    evidence = build_index(root, [root / "m.py"]).evidence("m.py")
    kinds = {key: evidence.relationship_kind(*key) for key in [
        ("Parent", "children"), ("Parent", "favourite"), ("Parent", "legacy"), ("Parent", "single"),
        ("Parent", "dyn"), ("Parent", "name"), ("Child", "parent")]}
    assert kinds == {("Parent", "children"): "collection", ("Parent", "favourite"): "scalar", ("Parent", "legacy"): None,
                     ("Parent", "single"): "scalar", ("Parent", "dyn"): "collection", ("Parent", "name"): None,
                     ("Child", "parent"): "scalar"}


def test_entity_attributes_follow_constructor_arguments(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "models.py": "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n"
                     "class User(Base):\n    pass\nclass Team(Base):\n    pass\n",
        "repo.py": "class Repo:\n    def __init__(self, session, model):\n        self.session = session\n"
                   "        self.model = model\n",
        "typed.py": "from typing import Type\nclass Typed:\n    def __init__(self, model: Type['X']):\n"
                    "        self.model = model\n",
        "users.py": "from repo import Repo\nfrom models import User, Team\nclass UserRepo(Repo):\n"
                    "    def __init__(self, s):\n        super().__init__(s, User)\nclass TeamRepo(Repo):\n    pass\n"
                    "def make(s):\n    return TeamRepo(s, model=Team)\n",
        "mixed.py": "class Mixed:\n    def __init__(self, model):\n        self.model = model\n"
                    "def f():\n    return Mixed('not a class'), Mixed(1)\n",
    })
    index = build_index(root, sorted(root.glob("*.py")))
    assert ("Repo", "self.model") in index.evidence("repo.py").entity_exprs
    assert ("UserRepo", "self.model") in index.evidence("users.py").entity_exprs
    assert ("Typed", "self.model") in index.evidence("typed.py").entity_exprs
    assert not index.evidence("mixed.py").entity_exprs
    assert not any(expr == "self.session" for _, expr in index.evidence("repo.py").entity_exprs)


def test_the_index_covers_the_project_around_the_paths(tmp_path: Path) -> None:
    """Rewriting one folder still uses the sessions proven in the rest of the project."""
    root, _ = run_case("repository_layer", tmp_path)
    results = rewrite_paths([root / "app" / "repositories" / "owners.py"], Selection(), base=root)
    assert [r.status for r in results] == ["changed"]
    assert project_index([root / "app" / "api"]).root == root.resolve()
    # --no-project: the file alone proves nothing (no SQLAlchemy import, an untyped session).
    alone = rewrite_paths([root / "app" / "repositories" / "owners.py"], Selection(project=False), base=root)
    assert alone[0].status == "unchanged"


def test_a_placeholder_model_in_a_base_is_filled_by_its_subclasses(tmp_path: Path) -> None:
    """`model = None` (or `self.model = None`) in a generic base, a mapped class in every subclass."""
    root = write(tmp_path, {
        "models.py": "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n"
                     "class User(Base):\n    pass\nclass Swipe(Base):\n    pass\n",
        "base.py": "class BaseRepository:\n    model = None\n    def __init__(self, session):\n"
                   "        self.session = session\n",
        "users.py": "from base import BaseRepository\nclass UserRepository(BaseRepository):\n"
                    "    def __init__(self, session):\n        super().__init__(session)\n        self.model = User\n",
        "swipes.py": "from base import BaseRepository\nclass SwipeRepository(BaseRepository):\n    model = Swipe\n",
        "odd.py": "class Odd:\n    model = None\nclass Odder(Odd):\n    model = 'users'\n",
    })
    index = build_index(root, sorted(root.glob("*.py")))
    assert ("BaseRepository", "self.model") in index.evidence("base.py").entity_exprs
    assert ("UserRepository", "self.model") in index.evidence("users.py").entity_exprs
    assert ("SwipeRepository", "self.model") in index.evidence("swipes.py").entity_exprs
    assert not index.evidence("odd.py").entity_exprs  # a string in a subclass: not a class


def test_pins_older_than_the_converted_code_needs_are_noted(tmp_path: Path) -> None:
    from migrator.rewrite.project import pins_below_target

    write(tmp_path, {
        "requirements/common.txt": "Flask==2.0\nFlask-SQLAlchemy==2.2\nSQLAlchemy==1.4.49\n",
        "requirements.txt": "sqlalchemy<1.4\nflask_sqlalchemy>=3.1\n",
        "pyproject.toml": '[project]\ndependencies = ["SQLAlchemy~=1.3.24", "sqlalchemy-utils==0.38"]\n',
    })
    notes = pins_below_target(tmp_path)
    assert [n.split(";")[0] for n in notes] == [
        "requirements.txt:1: pins sqlalchemy<1.4",
        "requirements/common.txt:2: pins Flask-SQLAlchemy==2.2",
        "pyproject.toml:2: pins SQLAlchemy~=1.3.24",
    ]
