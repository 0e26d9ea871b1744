"""`migrator diff`, `drift`, `check` and `init` on the command line: formats, exit codes, bad input."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from ..conftest import EXAMPLES
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
    sarif = json.loads(invoke("diff", a, b, "--format", "sarif").stdout)
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
    shutil.copytree(TUTORME, root)
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
    # The live database's URL comes from the environment; unset, that check is bad input, not "no drift".
    live = invoke("check", "live-vs-migrations")
    assert live.exit_code == 2
    assert "DATABASE_URL" in live.output


def test_check_without_a_config_is_bad_input(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    result = invoke("check")
    assert result.exit_code == 2
    assert "migrator init" in one_line_error(result)
