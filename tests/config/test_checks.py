"""The check runner on real sources: SQLite files, SQL files and a real PostgreSQL."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Callable

import pytest

from migrator.config import read_config
from migrator.errors import BadInput, ConnectionFailed, MigratorError
from migrator.inspect import InspectOptions
from migrator.verify.checks import CheckResult, _Loader, exit_code, run_checks
from tests.conftest import run_sql

SCHEMA = """\
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), title TEXT NOT NULL);
"""


def sqlite_db(path: Path, script: str) -> Path:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.executescript(script)  # commits the open transaction first and runs in autocommit
    return path


@pytest.fixture()
def project(tmp_path: Path) -> Callable[[str], Path]:
    """A folder with schema.sql, a database built from it (same.db) and one with an extra column (drift.db)."""
    (tmp_path / "schema.sql").write_text(SCHEMA, encoding="utf-8")
    sqlite_db(tmp_path / "same.db", SCHEMA)
    sqlite_db(tmp_path / "drift.db", SCHEMA + "ALTER TABLE users ADD COLUMN nickname TEXT;\nCREATE INDEX posts_title ON posts (title);\n")

    def with_config(body: str, top: str = "") -> Path:
        path = tmp_path / "migrator.toml"
        path.write_text(
            top + '[sources]\nschema = { spec = "sql:schema.sql", dialect = "sqlite" }\nsame = "sqlite:///same.db"\n'
            'drift = "drift.db"\nmissing = "sqlite:///nope.db"\nlive = { env = "MIGRATOR_TEST_LIVE" }\n\n' + body,
            encoding="utf-8",
        )
        return path

    return with_config


def check(a: str, b: str, name: str | None = None, extra: str = "") -> str:
    return f'[[check]]\nname = "{name or a + "-" + b}"\nfrom = "{a}"\nto = "{b}"\n{extra}\n'


def test_identical_sources_are_clean(project: Callable[[str], Path]) -> None:
    config = read_config(project(check("same", "schema")))
    [result] = run_checks(config)
    assert result.ok and result.diff is not None and result.diff.clean
    assert (result.name, result.from_spec, result.to_spec) == ("same-schema", "sqlite:///same.db", "sql:schema.sql")
    assert exit_code([result], config.fail_on) == 0


def test_drift_is_exit_1_and_its_changes_carry_hazards(project: Callable[[str], Path]) -> None:
    config = read_config(project(check("drift", "schema")))
    [result] = run_checks(config)
    kinds = {(c.kind, c.path, c.severity) for c in result.diff.changes}
    assert ("drop_column", "main.users.nickname", "error") in kinds
    assert ("drop_index", "main.posts.posts_title", "warning") in kinds
    dropped = next(c for c in result.diff.changes if c.kind == "drop_column")
    assert "MG102" in dropped.hazards
    assert exit_code([result], "error") == 1
    assert [c.kind for c in result.findings("error")] == ["drop_column"]


def test_severity_overrides_by_kind_and_by_hazard_code_demote_below_fail_on(project: Callable[[str], Path]) -> None:
    by_kind = read_config(project(check("drift", "schema") + '[severity]\ndrop_column = "info"\n'))
    [result] = run_checks(by_kind)
    assert {c.kind: c.severity for c in result.diff.changes}["drop_column"] == "info"
    assert exit_code([result], by_kind.fail_on) == 0
    # A hazard code is more specific than a kind: it wins over the kind's override.
    by_hazard = read_config(project(check("drift", "schema") + '[severity]\ndrop_column = "error"\nMG102 = "info"\nMG404 = "info"\n'))
    [result] = run_checks(by_hazard)
    assert {c.kind: c.severity for c in result.diff.changes}["drop_column"] == "info"
    assert exit_code([result], "error") == 0
    assert exit_code([result], "warning") == 1  # the dropped index is still a warning


def test_ignore_globs_leave_objects_out(project: Callable[[str], Path]) -> None:
    config = read_config(project(check("drift", "schema"), 'ignore = ["main.users.nick*", "main.posts.posts_*"]\n'))
    [result] = run_checks(config)
    assert result.diff.clean and exit_code([result]) == 0


def test_a_check_fail_on_overrides_the_default(project: Callable[[str], Path]) -> None:
    config = read_config(project(
        check("drift", "schema", "strict", 'fail_on = "warning"') + check("drift", "schema", "lax"),
        'ignore = ["main.users.nickname"]\n',
    ))
    strict, lax = run_checks(config)
    assert strict.fail_on == "warning" and lax.fail_on is None
    assert exit_code([lax], "error") == 0
    assert exit_code([strict], "error") == 1  # the dropped index is a warning
    assert exit_code([strict, lax], "error") == 1


def test_a_missing_env_var_is_an_error_result_and_exit_2(project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIGRATOR_TEST_LIVE", raising=False)
    config = read_config(project(check("live", "schema") + check("same", "schema")))
    live, same = run_checks(config)
    assert live.diff is None and isinstance(live.error, BadInput)
    assert str(live.error).endswith("migrator.toml:6: source 'live' reads MIGRATOR_TEST_LIVE, which is not set")
    assert live.from_spec == "$MIGRATOR_TEST_LIVE"
    assert same.ok  # one broken check does not stop the others
    assert exit_code([live, same]) == 2


def test_a_missing_file_is_an_error_result_never_no_drift(project: Callable[[str], Path]) -> None:
    config = read_config(project(check("missing", "schema")))
    [result] = run_checks(config)
    assert result.diff is None and isinstance(result.error, BadInput)
    assert "nope.db: no such SQLite database" in str(result.error)
    assert exit_code([result]) == 2


def test_an_unreachable_database_is_exit_3_with_the_password_masked(
    project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Port 1 on localhost: nothing listens there, so the connection is refused at once.
    monkeypatch.setenv("MIGRATOR_TEST_LIVE", "postgresql://app:hunter2@127.0.0.1:1/app?connect_timeout=3")
    config = read_config(project(check("live", "schema") + check("missing", "schema")))
    live, missing = run_checks(config)
    assert isinstance(live.error, ConnectionFailed)
    assert live.from_spec == "postgresql://app:***@127.0.0.1:1/app?connect_timeout=3"
    assert "hunter2" not in str(live.error)
    assert exit_code([live, missing]) == 3  # a failure outranks bad input


def test_checks_are_selected_by_name_and_an_unknown_name_is_bad_input(project: Callable[[str], Path]) -> None:
    config = read_config(project(check("same", "schema", "one") + check("drift", "schema", "two")))
    assert [r.name for r in run_checks(config, names=["two"])] == ["two"]
    with pytest.raises(BadInput, match=r"no check named 'tow' \(defined: one, two\); did you mean 'two'\?"):
        run_checks(config, names=["tow"])


def test_a_source_used_by_two_checks_is_read_once(project: Callable[[str], Path]) -> None:
    config = read_config(project(check("same", "schema")))
    loader = _Loader(config, InspectOptions())
    first = loader.load("schema")
    assert loader.load("schema") is first
    assert len(loader.loaded) == 1


def test_exit_code_ranks_failure_over_bad_input_over_findings() -> None:
    failed = CheckResult("a", "x", "y", error=MigratorError("boom"))
    bad = CheckResult("b", "x", "y", error=BadInput("bad"))
    assert exit_code([bad, failed]) == 3
    assert exit_code([bad]) == 2
    assert exit_code([]) == 0


def test_a_live_postgresql_database_read_from_the_environment(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ddl = "CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL UNIQUE);\n"
    run_sql(pg_url, ddl)
    (tmp_path / "001_init.sql").write_text(ddl, encoding="utf-8")
    (tmp_path / "migrator.toml").write_text(
        '[sources]\nlive = { env = "MIGRATOR_TEST_LIVE", schemas = ["public"] }\nmigrations = "sql:001_init.sql"\n\n'
        + check("live", "migrations", "live-vs-migrations"),
        encoding="utf-8",
    )
    monkeypatch.setenv("MIGRATOR_TEST_LIVE", pg_url)
    config = read_config(tmp_path / "migrator.toml")
    [result] = run_checks(config, inspect_options=InspectOptions(dev_url=pg_url))
    assert result.ok, result.error
    assert result.diff.clean
    run_sql(pg_url, "ALTER TABLE accounts ADD COLUMN name text")
    [result] = run_checks(config, inspect_options=InspectOptions(dev_url=pg_url))
    assert [(c.kind, c.path) for c in result.diff.changes] == [("drop_column", "public.accounts.name")]
    assert exit_code([result], config.fail_on) == 1
