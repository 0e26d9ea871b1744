"""`migrator diff`, `drift`, `check` and `init` on the command line: formats, exit codes, bad input."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from ..conftest import EXAMPLES
from ..render.sarif_check import validate_sarif
from ..render.test_diff_json import validate_check
from .test_inspect_cli import invoke, one_line_error

TUTORME = EXAMPLES / "tutorme"
PRISMA = f"prisma:{TUTORME / 'prisma' / 'schema.prisma'}"
DRIZZLE = f"drizzle:{TUTORME / 'src' / 'lib' / 'db' / 'schema'}"


def sqlite_db(path: Path, sql: str) -> str:
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()
    return f"sqlite:///{path}"


@pytest.fixture()
def two_dbs(tmp_path: Path) -> tuple[str, str]:
    a = sqlite_db(tmp_path / "a.db", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, note TEXT);")
    b = sqlite_db(tmp_path / "b.db", "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name TEXT, note TEXT NOT NULL DEFAULT '');")
    return a, b


def test_equal_sources_exit_0_with_no_drift(tmp_path: Path) -> None:
    a = sqlite_db(tmp_path / "a.db", "CREATE TABLE t (id INTEGER PRIMARY KEY);")
    result = invoke("diff", a, a)
    assert result.exit_code == 0, result.stderr
    assert "no drift" in result.stdout


def test_drift_exits_1_and_names_every_change(two_dbs) -> None:
    a, b = two_dbs
    result = invoke("diff", a, b)
    assert result.exit_code == 1
    out = result.stdout
    for text in ("drop_column", "main.users.name", "add_column", "main.users.full_name", "possible rename",
                 "alter_column_nullable", "MG201"):
        assert text in out, text


def test_fail_on_sets_the_threshold(tmp_path: Path) -> None:
    a = sqlite_db(tmp_path / "a.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, v INT DEFAULT 1);")
    b = sqlite_db(tmp_path / "b.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, v INT DEFAULT 2);")
    assert invoke("diff", a, b).exit_code == 0  # a default is a warning
    assert invoke("diff", a, b, "--fail-on", "warning").exit_code == 1


def test_a_confirmed_rename_is_one_change(two_dbs) -> None:
    a, b = two_dbs
    result = invoke("diff", a, b, "--format", "json", "--rename", "main.users.name=main.users.full_name")
    doc = json.loads(result.stdout)
    validate_check(doc)
    kinds = [c["kind"] for c in doc["checks"][0]["diff"]["changes"]]
    assert "rename_column" in kinds and "drop_column" not in kinds
    assert invoke("diff", a, b, "--rename", "nonsense").exit_code == 2


def test_sarif_and_markdown_and_github_annotations(two_dbs, monkeypatch) -> None:
    a, b = two_dbs
    sarif = validate_sarif(json.loads(invoke("diff", a, b, "--format", "sarif").stdout))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    markdown = invoke("diff", a, b, "--format", "markdown").stdout
    assert markdown.lstrip().startswith("#") and "| " in markdown
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = invoke("diff", PRISMA, DRIZZLE, "--partial", "to")
    assert result.exit_code == 1
    assert "::error file=" in result.stdout and "src/lib/db/schema" in result.stdout


def test_tutorme_prisma_vs_drizzle_shows_its_four_drifts() -> None:
    result = invoke("diff", PRISMA, DRIZZLE, "--partial", "to", "--format", "json")
    changes = json.loads(result.stdout)["checks"][0]["diff"]["changes"]
    assert [(c["kind"], c["path"]) for c in changes] == [
        ("remove_enum_value", "public.BookingStatus.NO_SHOW"),
        ("drop_index", "public.Review.Review_tutorId_createdAt_idx"),
        ("alter_column_nullable", "public.bookings.endsAt"),
        ("alter_column_type", "public.tutor_profiles.headline"),
    ]


def test_bad_input_and_unreachable_servers() -> None:
    result = invoke("diff", "nope.sql", "also-nope.sql")
    assert result.exit_code == 2
    assert one_line_error(result).startswith("error: nope.sql")
    result = invoke("diff", "postgresql://app:s3cret@127.0.0.1:1/app", PRISMA)
    assert result.exit_code == 3
    assert "s3cret" not in result.output and "***" in one_line_error(result)


def test_drift_command_with_three_sources() -> None:
    result = invoke("drift", "--live", str(TUTORME / "prisma" / "migrations"), "--legacy", PRISMA,
                    "--target", DRIZZLE, "--partial", "target", "--format", "json")
    assert result.exit_code == 1, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert [(r["path"], r["aspect"], r["target"], r["live"], r["legacy"]) for r in rows][-1] == (
        "public.tutor_profiles.headline", "type", "varchar(140)", "varchar(120)", "varchar(120)"
    )
    missing = invoke("drift", "--live", "x")
    assert missing.exit_code == 2 and "--legacy" in missing.stderr


@pytest.fixture()
def project(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "tutorme"
    shutil.copytree(TUTORME, root, ignore=shutil.ignore_patterns(".migrator", "reports", "migrator.toml"))  # init writes it
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return root


def test_init_then_check_is_the_ci_gate(project: Path) -> None:
    result = invoke("init")
    assert result.exit_code == 0, result.stderr
    assert (project / "migrator.toml").exists()
    assert invoke("init").exit_code == 2  # never overwrites without --force
    clean = invoke("check", "prisma-migrations-vs-schema")
    assert clean.exit_code == 0, clean.stdout + clean.stderr
    drift = invoke("check", "prisma-vs-drizzle", "--format", "json")
    assert drift.exit_code == 1
    doc = json.loads(drift.stdout)
    validate_check(doc)
    # The live check is written commented out: every check init enables runs without DATABASE_URL.
    every = invoke("check")
    assert every.exit_code == 1, every.stdout + every.stderr  # the Drizzle port's drifts, not bad input
    assert "DATABASE_URL" not in every.output
    assert "needs DATABASE_URL set" in (project / "migrator.toml").read_text()
    # Uncommented, the live check reads the URL from the environment; unset, it is bad input, not "no drift".
    config = project / "migrator.toml"
    config.write_text(config.read_text().replace('# [[check]]\n# name = "live-vs-migrations"\n# from = "live"\n# to',
                                                 '[[check]]\nname = "live-vs-migrations"\nfrom = "live"\nto'))
    live = invoke("check", "live-vs-migrations")
    assert live.exit_code == 2
    assert "DATABASE_URL" in live.output


def test_check_without_a_config_is_bad_input(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    result = invoke("check")
    assert result.exit_code == 2
    assert "migrator init" in one_line_error(result)


def git_project(tmp_path: Path, monkeypatch) -> Path:
    """tutorme as the sub-project services/web of a real git repository; the working folder is the sub-project."""
    import subprocess

    repo = tmp_path / "mono"
    root = repo / "services" / "web"
    shutil.copytree(TUTORME, root, ignore=shutil.ignore_patterns(".migrator", "reports", "migrator.toml"))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(root)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert invoke("init").exit_code == 0
    return repo.resolve()


def test_check_paths_are_relative_to_the_repository_root(tmp_path: Path, monkeypatch) -> None:
    repo = git_project(tmp_path, monkeypatch)
    outputs = {f: invoke("check", "prisma-vs-drizzle", "-f", f) for f in ("github", "sarif", "json", "markdown")}
    for name, result in outputs.items():
        assert result.exit_code == 1, (name, result.stderr)
        assert str(repo) not in result.stdout.replace(f"file://{repo}/", ""), name  # only SARIF's %SRCROOT% base
    github = outputs["github"].stdout
    assert "::warning file=services/web/prisma/schema.prisma,line=" in github
    assert "::error file=services/web/src/lib/db/schema/tutors.ts,line=" in github
    sarif = validate_sarif(json.loads(outputs["sarif"].stdout))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert "services/web/prisma/schema.prisma" in uris and all(u.startswith("services/web/") for u in uris)
    assert sarif["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": f"file://{repo}/"}}
    doc = json.loads(outputs["json"].stdout)
    validate_check(doc)
    assert doc["checks"][0]["diff"]["from"] == "prisma:services/web/prisma/schema.prisma"
    assert "`prisma:services/web/prisma/schema.prisma`" in outputs["markdown"].stdout
    prefixed = invoke("check", "prisma-vs-drizzle", "-f", "github", "--path-prefix", "monorepo/")
    assert "::warning file=monorepo/services/web/prisma/schema.prisma,line=" in prefixed.stdout


def test_init_then_check_never_needs_the_database_url(tmp_path: Path, monkeypatch) -> None:
    git_project(tmp_path, monkeypatch)
    result = invoke("check", "-f", "json")
    assert result.exit_code == 1, result.stderr  # drift reported (the Drizzle port), never 2
    doc = json.loads(result.stdout)
    assert [c["name"] for c in doc["checks"]] == ["prisma-migrations-vs-schema", "prisma-vs-drizzle"]
    assert all(c["error"] is None for c in doc["checks"])


def test_the_tutorme_config_is_what_init_writes(tmp_path: Path, monkeypatch) -> None:
    """examples/tutorme/migrator.toml (whose checks make demo's report shows) stays init's output."""
    repo = git_project(tmp_path, monkeypatch)
    written = (repo / "services" / "web" / "migrator.toml").read_text(encoding="utf-8")
    assert written == (TUTORME / "migrator.toml").read_text(encoding="utf-8")


def test_drift_as_github_annotations_and_sarif(tmp_path: Path, monkeypatch) -> None:
    repo = git_project(tmp_path, monkeypatch)
    args = ["drift", "--live", "prisma/migrations", "--legacy", "prisma:prisma/schema.prisma",
            "--target", "drizzle:src/lib/db/schema", "--partial", "target"]
    github = invoke(*args, "-f", "github")
    assert github.exit_code == 1, github.stderr
    lines = github.stdout.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any(line.startswith("::error file=services/web/src/lib/db/schema/tutors.ts,line=") and "type" in line
               for line in lines)
    sarif = invoke(*args, "-f", "sarif", "--path-prefix", "x")
    assert sarif.exit_code == 1
    data = validate_sarif(json.loads(sarif.stdout))
    results = data["runs"][0]["results"]
    assert len(results) == len(lines)
    assert {r["ruleId"] for r in results} <= {"drift-live", "drift-legacy", "drift-live-legacy"}
    assert str(repo) not in sarif.stdout
    assert any(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "x/services/web/src/lib/db/schema/tutors.ts"
               for r in results)
