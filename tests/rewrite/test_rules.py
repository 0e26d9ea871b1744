"""`migrator rewrite`: rule fixtures (before/after/findings, run twice), the engine and the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from migrator.rewrite.engine import Selection, rewrite_paths, rewrite_text

from ..cli.test_inspect_cli import invoke, one_line_error
from ..conftest import EXAMPLES, REPO

FIXTURES = REPO / "tests" / "fixtures" / "rewrite"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
SCHEMA = json.loads((REPO / "schemas" / "rewrite.v1.json").read_text())


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: str) -> None:
    before = (FIXTURES / case / "before.py").read_text()
    after = (FIXTURES / case / "after.py").read_text()
    # A marker file `unsafe` in the case folder: the case runs with --unsafe.
    selection = Selection(unsafe=(FIXTURES / case / "unsafe").exists())
    result = rewrite_text(before, "before.py", selection)
    assert (result.new_text or before) == after
    expected = FIXTURES / case / "findings.txt"
    got = [f"{f.line}:{f.column} {f.code}" for f in result.findings]
    assert got == (expected.read_text().split("\n")[:-1] if expected.exists() else [])
    again = rewrite_text(after, "after.py", selection)
    assert again.status == "unchanged", "a second run must change nothing"


def test_session_names_are_configurable() -> None:
    text = "from sqlalchemy.orm import Session\n\ndef f(session):\n    return session.query(M).all()\n"
    assert rewrite_text(text, "x.py", Selection()).status == "unchanged"
    converted = rewrite_text(text, "x.py", Selection(session_names=("session",)))
    assert "session.scalars(select(M)).all()" in (converted.new_text or "")


def test_syntax_errors_are_skipped_and_prefilter_skips_parsing(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("def f(:\n    s.query(M).all()\n")
    (tmp_path / "plain.py").write_text("def f(:\n")  # never parsed: no needle
    results = rewrite_paths([tmp_path], Selection(), base=tmp_path)
    assert [(r.path, r.status) for r in results] == [("bad.py", "skipped"), ("plain.py", "unchanged")]


def test_select_and_ignore() -> None:
    text = (FIXTURES / "SA001_query_get" / "before.py").read_text()
    assert rewrite_text(text, "x.py", Selection(ignore=("SA001",))).status == "unchanged"
    assert rewrite_text(text, "x.py", Selection(select=("sa001",))).status == "changed"


def test_parallel_results_are_sorted(tmp_path: Path) -> None:
    source = (FIXTURES / "SA004_count" / "before.py").read_text()
    for i in range(40):
        (tmp_path / f"m{i:02}.py").write_text(source)
    results = rewrite_paths([tmp_path], Selection(), jobs=2, base=tmp_path)
    assert [r.path for r in results] == sorted(r.path for r in results)
    assert {r.status for r in results} == {"changed"}


@pytest.fixture()
def learnhub(tmp_path: Path) -> Path:
    root = tmp_path / "learnhub"
    shutil.copytree(EXAMPLES / "learnhub", root, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    return root


def test_cli_dry_run_on_learnhub_diffs_and_lists_findings(learnhub: Path) -> None:
    result = invoke("rewrite", "--rules", "sqlalchemy-2.0", str(learnhub))
    assert result.exit_code == 1  # a dry run with changes, like black --check
    assert "-    stmt = select([Course.slug" in result.stdout and "+    stmt = select(Course.slug" in result.stdout
    assert "SA103" in result.stdout and "SA102" not in result.stdout  # average_score: an aggregate, SA018 converts it
    assert "services/courses_legacy.py" in result.stdout
    doc = json.loads(invoke("rewrite", str(learnhub), "--session-name", "session", "--format", "json").stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["summary"]["changed"] == 2


def test_cli_apply_then_second_run_is_clean_and_code_compiles(learnhub: Path, tmp_path: Path) -> None:
    patch = tmp_path / "out.patch"
    assert invoke("rewrite", str(learnhub), "--session-name", "session", "--patch", str(patch)).exit_code == 1
    assert patch.read_text().startswith("--- a/")
    assert invoke("rewrite", str(learnhub), "--session-name", "session", "--apply").exit_code == 0
    again = invoke("rewrite", str(learnhub), "--session-name", "session")
    assert again.exit_code == 0 and "+" not in "".join(l[:1] for l in again.stdout.splitlines() if not l.startswith("examples"))
    check = subprocess.run([sys.executable, "-c", "import learnhub.services.courses_legacy, learnhub.services.reports"],
                           cwd=learnhub, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_cli_apply_refuses_uncommitted_files(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    source = FIXTURES / "SA004_count" / "before.py"
    shutil.copy(source, tmp_path / "m.py")
    result = invoke("rewrite", str(tmp_path), "--apply")
    assert result.exit_code == 2 and "uncommitted" in one_line_error(result)
    assert (tmp_path / "m.py").read_text() == source.read_text()
    assert invoke("rewrite", str(tmp_path), "--apply", "--force").exit_code == 0
    assert "func.count()" in (tmp_path / "m.py").read_text()


def test_cli_bad_input() -> None:
    assert invoke("rewrite", "--rules", "nope", ".").exit_code == 2
    assert invoke("rewrite", "--select", "SA999", ".").exit_code == 2
    listed = invoke("rewrite", "--list-rules")
    assert listed.exit_code == 0 and "SA001  safe" in listed.stdout


def test_entity_names_resolve_query_of_an_attribute() -> None:
    """`query(self.model)` is ambiguous (objects or rows) until the team says it holds a class."""
    text = ("from sqlalchemy.orm import Session\n\nclass CRUD:\n    def all(self, db: Session):\n"
            "        return db.query(self.model).all()\n")
    unknown = rewrite_text(text, "x.py", Selection())
    assert unknown.status == "unchanged" and [f.code for f in unknown.findings] == ["SA002"]
    assert "--entity-name 'self.model'" in unknown.findings[0].reason
    named = rewrite_text(text, "x.py", Selection(entity_names=("self.model",)))
    assert "db.scalars(select(self.model)).all()" in (named.new_text or "")


def test_entity_names_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "crud.py").write_text("from sqlalchemy.orm import Session\n\ndef f(db: Session, model):\n"
                                      "    return db.query(model).all()\n")
    assert invoke("rewrite", str(tmp_path)).exit_code == 0  # ambiguous: a finding, no change
    (tmp_path / "migrator.toml").write_text('[rewrite]\nentity_names = ["model"]\n')
    result = invoke("rewrite", str(tmp_path))
    assert result.exit_code == 1 and "+    return db.scalars(select(model)).all()" in result.stdout
    (tmp_path / "migrator.toml").write_text('[rewrite]\nentity_names = "model"\n')
    assert "entity_names must be a list" in one_line_error(invoke("rewrite", str(tmp_path)))


def test_definitions_without_a_site_are_not_walked_but_evidence_is() -> None:
    """quiet_definitions skips defs/classes no rule can match in; imports under `if` still count."""
    import libcst as cst

    from migrator.rewrite.batch import quiet_definitions
    from migrator.rewrite.engine import selected_rules

    text = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sqlalchemy.orm import Session\n\n"
            "def plain(d):\n    return d.get('x')\n\n"
            "class Repo:\n    def idle(self):\n        return 1\n\n"
            "    def users(self, s: 'Session'):\n        return s.query(User).all()\n\n"
            "def users(s: Session):\n    return s.query(User).all()\n")
    module = cst.parse_module(text)
    quiet = quiet_definitions(module, text, selected_rules(Selection()))
    names = {stmt.name.value for stmt in module.body if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) and id(stmt) in quiet}
    assert names == {"plain"}
    repo = next(s for s in module.body if isinstance(s, cst.ClassDef))
    assert [m.name.value for m in repo.body.body if id(m) in quiet] == ["idle"]
    result = rewrite_text(text, "x.py", Selection())
    assert "return s.scalars(select(User)).all()" in (result.new_text or "")  # evidence from the `if` block
    # `a; b` is one libcst line and two ast statements: matched, not a reason to give up.
    assert quiet_definitions(cst.parse_module("x = 1; y = 2\ndef f():\n    pass\n"), "x = 1; y = 2\ndef f():\n    pass\n",
                             selected_rules(Selection()))
