"""Compose findings on examples/tutorme and on small fixture files; the YAML subset reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.report._yaml import YamlError, loads
from migrator.report.infra import docker_compose_findings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "tests" / "fixtures" / "report" / "compose"


def _rows(root: Path) -> list[tuple[str, int, str, str]]:
    return [(f.file, f.line, f.severity, f.rule) for f in docker_compose_findings(root)]


def test_tutorme_healthcheck_user_mismatch() -> None:
    findings = docker_compose_findings(REPO / "examples" / "tutorme")
    assert [(f.file, f.line, f.severity, f.rule) for f in findings] == [
        ("docker-compose.yml", 15, "warning", "db-healthcheck-mismatch")]
    assert "`-U postgres` but POSTGRES_USER is tutorme" in findings[0].message
    assert "$${POSTGRES_USER}" in findings[0].suggestion


def test_app_bypasses_pooler_and_database_mismatch() -> None:
    findings = docker_compose_findings(COMPOSE / "bypass")
    assert [(f.line, f.rule) for f in findings] == [
        (9, "db-healthcheck-mismatch"),  # -d shop, POSTGRES_DB=app; --username=app is right
        (17, "app-bypasses-pooler"),  # DATABASE_URL; DIRECT_URL is meant to be direct, POOL_URL is the pooler
        (23, "app-bypasses-pooler"),  # PGHOST=postgres
        (24, "app-bypasses-pooler"),  # localhost:5433 is the port postgres publishes
    ]
    assert "-d shop" in findings[0].message and "POSTGRES_DB is app" in findings[0].message
    assert findings[1].message == ("service web connects to postgres directly (DATABASE_URL -> postgres:5432) "
                                   "while pgbouncer pools connections")
    assert findings[1].suggestion.startswith("point DATABASE_URL at pgbouncer:6432")


def test_healthy_file_with_anchors_and_variables() -> None:
    assert _rows(COMPOSE / "healthy") == []


def test_databases_without_healthcheck() -> None:
    # mariadb: nobody depends on it (info); postgres: app and the backup tool wait on it (warning);
    # the backup image names postgres but is not a database.
    assert _rows(COMPOSE / "nohealth") == [
        ("docker-compose.dev.yml", 2, "info", "db-no-healthcheck"),
        ("docker-compose.dev.yml", 4, "warning", "db-no-healthcheck"),
    ]


def test_default_user_is_postgres() -> None:
    findings = docker_compose_findings(COMPOSE / "vars")
    assert [(f.line, f.rule) for f in findings] == [(5, "db-healthcheck-mismatch")]
    assert "POSTGRES_USER is not set, so the user is postgres" in findings[0].message


def test_unreadable_file_is_an_info_finding(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("services:\n  db:\n    image: postgres\n   bad: indent\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "compose.yml").write_text("services: {db: {image: postgres}}\n")
    assert _rows(tmp_path) == [("docker-compose.yml", 4, "info", "compose-unreadable")]


YAML_CASES = [
    ("a: 1\nb:\n  - x\n  - 'y''s'\n", {"a": "1", "b": ["x", "y's"]}),
    ("k:\n- a\n- b\n", {"k": ["a", "b"]}),  # a list at its key's indentation
    ("k: [a, \"b, c\",\n  {d: e}]\n", {"k": ["a", "b, c", {"d": "e"}]}),
    ("- name: x\n  v: 1\n- y\n", [{"name": "x", "v": "1"}, "y"]),
    ("a: &x {p: 1}\nb:\n  <<: *x\n  q: 2\n", {"a": {"p": "1"}, "b": {"p": "1", "q": "2"}}),
    ("t: |\n  one\n  # kept\nu: >-\n  two\n  three\nv: ~\n", {"t": "one\n# kept\n", "u": "two three", "v": None}),
    ("url: http://x:1/#frag # comment\n\"q: k\": \"a\\tb\"\n", {"url": "http://x:1/#frag", "q: k": "a\tb"}),
    ("a: 1\n---\nb: 2\n", {"a": "1"}),
]


@pytest.mark.parametrize("text,expected", YAML_CASES)
def test_yaml_subset(text: str, expected: object) -> None:
    assert loads(text) == expected


def test_yaml_lines() -> None:
    data = loads("# c\nservices:\n\n  db:\n    environment:\n      - A=1\n      - B=2\n")
    assert data.lines["services"] == 2
    assert data["services"].lines["db"] == 4
    assert data["services"]["db"]["environment"].lines == [6, 7]


@pytest.mark.parametrize("text,line", [("a: [1, 2\n", 1), ("a: 1\n  b: 2\n", 2), ("a: *nope\n", 1), ("a: 'x\n", 1)])
def test_yaml_errors(text: str, line: int) -> None:
    with pytest.raises(YamlError) as info:
        loads(text)
    assert info.value.line == line
