"""Compose findings on examples/tutorme and on small fixture files; the PyYAML-based reader with lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.report._yaml import YamlError, YMap, load_all, loads
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
    finding = docker_compose_findings(tmp_path)[0]
    assert finding.message == ("not read as YAML at docker-compose.yml:4:4: expected <block end>, but found "
                               "'<block mapping start>' (while parsing a block mapping at line 2, column 3)")
    assert "\n" not in finding.message


def test_anchors_and_merge_keys() -> None:
    # db takes image, environment and healthcheck from *postgres (its environment wins over
    # *logging's, which comes later in the merge list); findings point at the anchor's lines.
    # replica overrides the merged user and its healthcheck; web's DATABASE_URL comes from
    # *app-env and DIRECT_URL (an alias of the same text) is meant to be direct.
    findings = docker_compose_findings(COMPOSE / "anchors")
    assert [(f.file, f.line, f.rule) for f in findings] == [
        ("compose.yaml", 7, "db-healthcheck-mismatch"),
        ("compose.yaml", 9, "app-bypasses-pooler"),
    ]
    assert "healthcheck of db runs `-U postgres` but POSTGRES_USER is app" in findings[0].message
    assert "(DATABASE_URL -> db:5432)" in findings[1].message


def test_multi_document_file_is_merged_like_an_override() -> None:
    # The second document sets POSTGRES_USER=shop (line 15) and adds api (DB_HOST=db, line 19).
    findings = docker_compose_findings(COMPOSE / "multidoc")
    assert [(f.line, f.rule) for f in findings] == [(7, "db-healthcheck-mismatch"), (19, "app-bypasses-pooler")]
    assert "`-U app` but POSTGRES_USER is shop" in findings[0].message
    assert "(DB_HOST -> db)" in findings[1].message


def test_flow_mappings_across_lines() -> None:
    # Every key of the flow collections keeps its own line (4: the healthcheck; 7: the list item).
    findings = docker_compose_findings(COMPOSE / "flow")
    assert [(f.line, f.rule) for f in findings] == [(4, "db-healthcheck-mismatch"), (7, "app-bypasses-pooler")]
    assert "`-d shop` but POSTGRES_DB is app" in findings[0].message
    assert "worker connects to db directly (DATABASE_URL -> db:5432) while pgcat" in findings[1].message


def test_block_and_multi_line_scalars() -> None:
    # A folded healthcheck (`>`), a `>-` user, a `|2` command, a double-quoted URL continued
    # with a backslash and a plain scalar over two lines.
    findings = docker_compose_findings(COMPOSE / "blockscalar")
    assert [(f.line, f.rule) for f in findings] == [(9, "db-healthcheck-mismatch"), (20, "app-bypasses-pooler")]
    assert "`-U postgres` but POSTGRES_USER is app" in findings[0].message
    assert "(DATABASE_URL -> db:5432)" in findings[1].message


def test_tags() -> None:
    # `!!str`, `!!seq`, Compose's `!override` and `!reset null` (the healthcheck is removed).
    assert _rows(COMPOSE / "tags") == [("compose.yaml", 2, "warning", "db-no-healthcheck")]


def test_duplicate_key_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "compose.yml").write_text("services:\n  db:\n    image: postgres\n  db:\n    image: mysql\n")
    [finding] = docker_compose_findings(tmp_path)
    assert (finding.line, finding.rule) == (4, "compose-unreadable")
    assert finding.message == ("not read as YAML at compose.yml:4:3: duplicate key 'db' (first at line 2); "
                               "docker compose refuses such a file")


YAML_CASES = [
    ("a: 1\nb:\n  - x\n  - 'y''s'\n", {"a": "1", "b": ["x", "y's"]}),
    ("k:\n- a\n- b\n", {"k": ["a", "b"]}),  # a list at its key's indentation
    ("k: [a, \"b, c\",\n  {d: e}]\n", {"k": ["a", "b, c", {"d": "e"}]}),
    ("- name: x\n  v: 1\n- y\n", [{"name": "x", "v": "1"}, "y"]),
    ("a: &x {p: 1}\nb:\n  <<: *x\n  q: 2\n", {"a": {"p": "1"}, "b": {"p": "1", "q": "2"}}),
    ("t: |\n  one\n  # kept\nu: >-\n  two\n  three\nv: ~\n", {"t": "one\n# kept\n", "u": "two three", "v": None}),
    ("url: http://x:1/#frag # comment\n\"q: k\": \"a\\tb\"\n", {"url": "http://x:1/#frag", "q: k": "a\tb"}),
    ("p: 22:22\nq: yes\nr: 0x1F\ns: !reset null\nt: !reset []\nu: ''\n",  # text, as written
     {"p": "22:22", "q": "yes", "r": "0x1F", "s": None, "t": [], "u": ""}),
    ("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  x: 3\n",
     {"a": {"x": "1", "y": "1"}, "b": {"y": "2", "z": "2"}, "c": {"x": "3", "y": "1", "z": "2"}}),
    ("? complex\n: value\n? \"multi\n  line\"\n: |+\n  kept\n\n", {"complex": "value", "multi line": "kept\n\n"}),
]


@pytest.mark.parametrize("text,expected", YAML_CASES)
def test_yaml_subset(text: str, expected: object) -> None:
    assert loads(text) == expected


def test_yaml_lines() -> None:
    data = loads("# c\nservices:\n\n  db:\n    environment:\n      - A=1\n      - B=2\n")
    assert data.lines["services"] == 2
    assert data["services"].lines["db"] == 4
    assert data["services"]["db"]["environment"].lines == [6, 7]


def test_merged_key_lines_and_shared_aliases() -> None:
    data = loads("base: &b\n  image: postgres\n  env: &e {A: 1}\nsvc:\n  <<: *b\n  other: *e\n")
    assert data["svc"].lines == {"other": 6, "image": 2, "env": 3}  # merged keys: the anchor's lines
    assert data["svc"]["other"] is data["base"]["env"]
    assert isinstance(data["svc"]["other"], YMap) and data["svc"]["other"].lines == {"A": 3}


def test_documents() -> None:
    assert load_all("") == [] and load_all("# nothing\n") == [] and loads("") is None
    assert load_all("a: 1\n---\nb: 2\n...\n--- c\n") == [{"a": "1"}, {"b": "2"}, "c"]
    assert [d.line for d in load_all("a: 1\n--- # two\n\nb: 2\n")] == [1, 4]
    assert load_all("a: 1\n---\n") == [{"a": "1"}, None]
    with pytest.raises(YamlError) as info:
        loads("a: 1\n# x\n---\nb: 2\n")
    assert info.value.line == 3


def test_recursive_alias_is_read() -> None:
    data = loads("a: &a\n  self: *a\n")
    assert data["a"]["self"] is data["a"]


@pytest.mark.parametrize("text,line,column,problem", [
    ("a: [1, 2\n", 1, 4, "expected ',' or ']', but got '<stream end>' (while parsing a flow sequence, which starts here)"),
    ("a: 1\n  b: 2\n", 2, 4, "mapping values are not allowed here"),
    ("a: *nope\n", 1, 4, "found undefined alias 'nope'"),
    ("a: 'x\n", 1, 4, "found unexpected end of stream (while scanning a quoted scalar, which starts here)"),
    ("a:\n\tb: 1\n", 2, 1, "found character '\\t' that cannot start any token"),
    ("a: 1\nb: \x07\n", 2, 4, "unacceptable character #x0007: special characters are not allowed"),
    ("a: 1\na: 2\n", 2, 1, "duplicate key 'a' (first at line 1); docker compose refuses such a file"),
    ("a: 1\n<<: [x]\n", 2, 6, "`<<` merges a mapping or a list of mappings"),
    ("a:\n  - x\n b: 1\n", 3, 2, "expected <block end>, but found '<block mapping start>'"),
])
def test_yaml_errors(text: str, line: int, column: int, problem: str) -> None:
    with pytest.raises(YamlError) as info:
        loads(text)
    assert (info.value.line, info.value.column) == (line, column)
    assert info.value.problem.startswith(problem) and "\n" not in str(info.value)
