"""Expressions compared as PostgreSQL sees them: a model file against the database its migration built.

One folder per case under tests/fixtures/expressions/: schema.ts (a Drizzle schema, the
model: TO), migration.sql (applied to a real database: FROM), expected.txt (the changes
with a server to print expressions back, one `severity kind path` line each; empty: the
two agree) and, when the text rule alone says something else, expected_no_server.txt.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from migrator import inspect as sources
from migrator.inspect.postgres import inspect_url
from migrator.schema import (
    CheckConstraint, Column, Default, EnumType, Index, IndexElement, Namespace, Schema, SqlType, Table,
)
from migrator.verify import canonical
from migrator.verify.diff import CompareOptions, compare
from migrator.verify.normalize import expression_key
from migrator.verify.textkey import plausibly_same

from ..conftest import FIXTURES, run_sql

CASES_DIR = FIXTURES / "expressions"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())


def lines(path: Path) -> list[str]:
    return sorted(line.strip() for line in path.read_text().splitlines() if line.strip())


def diff_lines(diff) -> list[str]:
    return sorted(f"{c.severity} {c.kind} {c.path}" for c in diff.changes if not c.possible)


def read_case(case: str, pg_url: str) -> tuple[Schema, Schema]:
    run_sql(pg_url, (CASES_DIR / case / "migration.sql").read_text())
    live = inspect_url(pg_url, sources.InspectOptions())
    model = sources.load(f"drizzle:{CASES_DIR / case / 'schema.ts'}", sources.InspectOptions())
    return live, model


@pytest.mark.parametrize("case", CASES)
def test_a_server_prints_both_spellings_back(pg_cluster, pg_url, case: str) -> None:
    live, model = read_case(case, pg_url)
    diff = compare(live, model, CompareOptions(server_url=pg_cluster.url))
    assert diff_lines(diff) == lines(CASES_DIR / case / "expected.txt")


@pytest.mark.parametrize("case", CASES)
def test_without_a_server_the_text_rule_decides_or_says_it_cannot(pg_url, case: str) -> None:
    live, model = read_case(case, pg_url)
    diff = compare(live, model, CompareOptions(server_url=None))
    expected = CASES_DIR / case / "expected_no_server.txt"
    assert diff_lines(diff) == lines(expected if expected.exists() else CASES_DIR / case / "expected.txt")
    for change in diff.changes:
        if change.severity == "info":
            assert change.message.endswith(canonical.UNKNOWN_WITHOUT_SERVER)
    if any(c.severity == "info" for c in diff.changes):
        assert any("unknown without a server" in n for n in diff.notes)


def test_the_cli_diff_uses_a_server_unless_told_not_to(pg_cluster, pg_url) -> None:
    from typer.testing import CliRunner

    from migrator.cli import app

    run_sql(pg_url, (CASES_DIR / "undecided_without_server" / "migration.sql").read_text())
    model = f"drizzle:{CASES_DIR / 'undecided_without_server' / 'schema.ts'}"
    runner = CliRunner()
    settled = runner.invoke(app, ["diff", pg_url, model, "--dev-url", pg_cluster.url, "-f", "json"])
    assert settled.exit_code == 0, settled.output
    assert "lines_total_check" not in settled.output
    text_only = runner.invoke(app, ["diff", pg_url, model, "--no-server", "-f", "json"])
    assert text_only.exit_code == 0, text_only.output  # info changes are below --fail-on error
    assert "equal? unknown without a server" in text_only.output


# ---------------------------------------------------------------------------
# The batch: few round trips however many expressions


class CountingConnection(psycopg.Connection):
    """A real psycopg connection that counts the statements it sends (each is one round trip)."""

    executed = 0

    def execute(self, *args, **kwargs):  # type: ignore[override]
        type(self).executed += 1
        return super().execute(*args, **kwargs)


def wide_schema(n: int, spelling: str) -> Schema:
    """`n` tables with a check, a partial index, an expression index, a generated column and a default each."""
    tables = []
    for i in range(n):
        if spelling == "model":
            check, where, key, gen, default = (
                "(kind = 'a' AND n IS NOT NULL) OR (kind = 'b')", "kind = 'a'", f"CAST(n AS text) || 'x{i}'",
                "CAST(n AS bigint) * 2", "CAST(now() AS date) + 1")
        else:
            check, where, key, gen, default = (
                "kind = 'a'::text AND n IS NOT NULL OR kind = 'b'::text", "kind = 'a'::text",
                f"(n)::text || 'x{i}'::text", "n::bigint * 2", "now()::date + 1")
        tables.append(Table(
            f"t{i}",
            (Column("n", SqlType("integer")), Column("kind", SqlType("enum", enum="public.kind")),
             Column("g", SqlType("bigint"), generated=gen), Column("d", SqlType("date"), default=Default("expression", default))),
            indexes=(Index(f"t{i}_where", (IndexElement("n"),), where=where), Index(f"t{i}_key", (IndexElement(expression=key),))),
            checks=(CheckConstraint(f"t{i}_check", check),),
        ))
    ns = Namespace("public", tables=tuple(tables), enums=(EnumType("kind", ("a", "b")),))
    return Schema("postgresql", (ns,), source=spelling)


def test_five_hundred_expressions_cost_a_handful_of_round_trips(pg_cluster) -> None:
    a, b = wide_schema(100, "live"), wide_schema(100, "model")
    unsettled = compare(a, b)
    assert len([c for c in unsettled.changes if not c.possible]) >= 100
    CountingConnection.executed = 0
    a2, b2, settlement = canonical.settle(a, b, pg_cluster.url, connection_class=CountingConnection)
    assert CountingConnection.executed <= 5 and settlement.round_trips == CountingConnection.executed
    assert len(settlement.printed) >= 500
    assert compare(a2, b2).clean
    assert compare(a, b, CompareOptions(server_url=pg_cluster.url)).clean


def test_nothing_to_settle_asks_no_server() -> None:
    a = wide_schema(3, "live")
    asked = []
    diff = compare(a, a, CompareOptions(server_url=lambda: asked.append(1) or None))
    assert diff.clean and not asked


# ---------------------------------------------------------------------------
# What the server cannot parse stays a difference


def one_table(*checks: str, column_type: SqlType = SqlType("text")) -> Schema:
    table = Table("t", (Column("v", column_type),), checks=tuple(CheckConstraint(f"c{i}", c) for i, c in enumerate(checks)))
    return Schema("postgresql", (Namespace("public", tables=(table,)),), source="x")


def test_an_expression_the_server_cannot_parse_stays_unsettled_and_spoils_nothing_else(pg_cluster) -> None:
    a = one_table("no_such_function(CAST(v AS text))", "CAST(v AS text) = 'a'", "CAST(v AS varchar) = 'a'")
    b = one_table("no_such_function(v::text)", "v::text = 'a'", "v = 'a'")
    diff = compare(a, b, CompareOptions(server_url=pg_cluster.url))
    kinds = sorted((c.kind, c.path, c.severity) for c in diff.changes)
    # c0 could not be parsed there, so it is not "equal"; c1 the server settled equal; c2 it
    # printed differently (PostgreSQL keeps the varchar cast): a real difference.
    assert kinds == [("add_check", "public.t.c0", "info"), ("add_check", "public.t.c2", "warning"),
                     ("drop_check", "public.t.c0", "info"), ("drop_check", "public.t.c2", "warning")]
    assert all(c.message.endswith(canonical.UNKNOWN_SERVER_FAILED) for c in diff.changes if c.path.endswith("c0"))


def test_a_column_of_a_type_the_server_lacks_is_a_stand_in_only_for_what_does_not_name_it(pg_cluster) -> None:
    geometry = SqlType("geometry")
    table = lambda check, other: Table("t", (Column("shape", geometry), Column("n", SqlType("integer"))),  # noqa: E731
                                       checks=(CheckConstraint("c_shape", check), CheckConstraint("c_n", other)))
    a = Schema("postgresql", (Namespace("public", tables=(table("CAST(shape AS text) <> ''", "CAST(n AS bigint) > 0"),)),), source="a")
    b = Schema("postgresql", (Namespace("public", tables=(table("shape::text <> ''::text", "n::bigint > 0"),)),), source="b")
    diff = compare(a, b, CompareOptions(server_url=pg_cluster.url))
    assert sorted(c.path for c in diff.changes) == ["public.t.c_shape", "public.t.c_shape"]


def test_enum_columns_are_typed_on_the_server(pg_cluster) -> None:
    role = SqlType("enum", enum="public.role")
    enums = (EnumType("role", ("admin", "member")),)
    a = Schema("postgresql", (Namespace("public", tables=(Table("u", (Column("r", role),), checks=(CheckConstraint("c", "(r)::text = 'admin'::text"),)),), enums=enums),), source="a")
    b = Schema("postgresql", (Namespace("public", tables=(Table("u", (Column("r", role),), checks=(CheckConstraint("c", "CAST(r AS text) = 'admin'"),)),), enums=enums),), source="b")
    assert compare(a, b, CompareOptions(server_url=pg_cluster.url)).clean


# ---------------------------------------------------------------------------
# The text rule


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("((type = 'x') AND (id IS NOT NULL)) OR (b > 1)", "type = 'x'::text AND id IS NOT NULL OR b > 1"),
        ("status IN ('a', 'b')", "(status = ANY (ARRAY['a'::text, 'b'::text]))"),
        ("status NOT IN ('a', 'b')", "status <> ALL (ARRAY['a'::text, 'b'::text])"),
        ("a != b", "a <> b"),
        ("LOWER( Email )", "lower(email)"),
        ("lower('ABC')", "LOWER( 'ABC' )"),
        ("a AND (b AND c)", "(a AND b) AND c"),
        ("CAST('x' AS text) = k", "'x' = k"),
        ("(now() AT TIME ZONE 'utc')", "now() AT TIME ZONE 'utc'::text"),
    ],
)
def test_the_text_key_meets_postgresql_spellings(left: str, right: str) -> None:
    assert expression_key(left) == expression_key(right)


@pytest.mark.parametrize(
    ("left", "right", "plausible"),
    [
        ("(a OR b) AND c", "a OR b AND c", True),  # precedence differs: never equal by text, only plausible
        ('lower("Email")', "lower(email)", True),  # a quoted identifier keeps its case
        ("now()", "CURRENT_TIMESTAMP", False),  # sqlglot makes them one node; the names written differ
        ("char_length(name) > 0", "length(name) > 0", False),
        ("price * 2", "price * 3", False),
        ("'x' = k", "'X' = k", False),
        ("CAST(n AS numeric) * p", "n::numeric * p", True),
    ],
)
def test_the_text_key_is_conservative(left: str, right: str, plausible: bool) -> None:
    assert expression_key(left) != expression_key(right)
    assert plausibly_same(left, right) is plausible


def test_unparseable_text_keeps_its_text_key() -> None:
    assert expression_key("a @@@ (b") == "a @@@ (b"


def test_check_and_drift_use_a_server_unless_told_not_to(pg_cluster, pg_url, tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from migrator.cli import app

    run_sql(pg_url, (CASES_DIR / "undecided_without_server" / "migration.sql").read_text())
    model = f"drizzle:{CASES_DIR / 'undecided_without_server' / 'schema.ts'}"
    (tmp_path / "migrator.toml").write_text(
        f'[sources]\nlive = "{pg_url}"\nmodel = "{model}"\n\n[[check]]\nname = "live-model"\nfrom = "live"\nto = "model"\n'
    )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    settled = runner.invoke(app, ["check", "--dev-url", pg_cluster.url, "-f", "json"])
    assert settled.exit_code == 0, settled.output
    assert "lines_total_check" not in settled.output
    text_only = runner.invoke(app, ["check", "--dev-url", pg_cluster.url, "--no-server", "-f", "json", "--fail-on", "info"])
    assert text_only.exit_code == 1 and "equal? unknown without a server" in text_only.output
    drift = runner.invoke(app, ["drift", "--live", pg_url, "--legacy", model, "--target", model, "--no-server",
                                "-f", "json", "--fail-on", "info"])
    assert drift.exit_code == 1 and "lines_total_check" in drift.output
    drift = runner.invoke(app, ["drift", "--live", pg_url, "--legacy", model, "--target", model,
                                "--dev-url", pg_cluster.url, "-f", "json", "--fail-on", "info"])
    assert drift.exit_code == 0, drift.output
