"""The findings-grade parts of the report: connection topology, ranked recommendations with their
evidence and exact changes, and the concern -> location quick reference.

Real files: examples/tutorme (through tests/report/tutorme_report.py) and
tests/fixtures/report/topology (a Prisma datasource with shadowDatabaseUrl, a drizzle.config
reading `process.env['MIGRATE_URL']`, a .env whose pooler is a host name, a Compose pooler
publishing 5433), tests/fixtures/report/compose/bypass for corrected Compose lines.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from migrator.report.connections import connection_facts
from migrator.report.progress_html import render_progress_html
from migrator.report.infra import docker_compose_findings
from migrator.report.progress_json import render_progress_json
from migrator.report.progress_markdown import render_progress_markdown
from migrator.report.model import RECOMMENDATION_KINDS, build_report
from migrator.scan.result import EntryModule
from tests.report.scans import file, p, scan
from tests.report.tutorme_report import REPO, TUTORME, tutorme_report

FIXTURES = REPO / "tests" / "fixtures" / "report"
SCHEMA = json.loads((REPO / "schemas" / "progress.v1.json").read_text())


def test_tutorme_topology() -> None:
    topology = tutorme_report().topology
    clients = {c.client: c for c in topology.clients}
    assert clients["Prisma datasource db"].location == "prisma/schema.prisma:8"
    assert clients["Prisma datasource db"].env == ("DATABASE_URL (url)", "DIRECT_URL (directUrl)")
    assert clients["drizzle-kit"].location == "drizzle.config.ts:12"
    assert clients["drizzle-kit"].env == ("DIRECT_URL (dbCredentials.url)", "DATABASE_URL (dbCredentials.url)")
    assert clients["src/lib/db/drizzle.ts"].role == "target" and clients["src/lib/db/index.ts"].role == "legacy"
    assert "DIRECT_URL → direct localhost:5432/tutorme (.env.example)" in clients["src/lib/db/index.ts"].reaches
    rows = {v.var: (v.file, v.line, v.host, v.port, v.database, v.kind, v.service) for v in topology.variables}
    assert rows == {
        "DATABASE_URL": (".env.example", 4, "localhost", "6432", "tutorme", "pooler", "pgbouncer"),
        "DIRECT_URL": (".env.example", 6, "localhost", "5432", "tutorme", "direct", "db"),
        "DATABASE_POOL_URL": (".env.example", 8, "localhost", "6432", "tutorme", "pooler", "pgbouncer"),
        "TEST_DATABASE_URL": (".env.example", 10, "localhost", "5432", "tutorme_test", "direct", "db"),
    }  # REDIS_URL is not a database URL
    pooled = next(v for v in topology.variables if v.var == "DATABASE_URL")
    assert pooled.why == "port 6432, pgbouncer=true, published by pgbouncer"
    assert pooled.url == "postgresql://tutorme:***@localhost:6432/tutorme?pgbouncer=true&connection_limit=5"


def test_no_password_in_any_format() -> None:
    report = tutorme_report()
    for text in (render_progress_markdown(report), render_progress_json(report), render_progress_html(report)):
        assert "change-me" not in text  # the .env.example and Compose password
        assert "Connection topology" in text or '"topology"' in text


def test_fixture_topology_shadow_url_pooler_host_and_published_pooler() -> None:
    root = FIXTURES / "topology"
    report = build_report(scan(), connections=connection_facts(root, scan()))
    clients = {c.client: c for c in report.topology.clients}
    assert clients["Prisma datasource db"].env == (
        "DATABASE_URL (url)", "DIRECT_URL (directUrl)", "SHADOW_DATABASE_URL (shadowDatabaseUrl)")
    assert clients["drizzle-kit"].env == ("MIGRATE_URL (dbCredentials.url)",)
    kinds = {v.var: (v.kind, v.why) for v in report.topology.variables}
    assert kinds == {
        "DATABASE_URL": ("pooler", "host db-pooler.internal"),  # no port: a pooler by its name
        "DIRECT_URL": ("direct", "port 5432, published by postgres"),
        "SHADOW_DATABASE_URL": ("pooler", "published by bouncer"),  # 5433 is the pooler's published port
        "MIGRATE_URL": ("unknown", "port 15432"),
    }
    text = render_progress_markdown(report) + render_progress_json(report) + render_progress_html(report)
    assert "s3cret" not in text


def test_tutorme_recommendations_ranked_with_evidence() -> None:
    recs = tutorme_report().recommendations
    kinds = [r.kind for r in recs]
    assert kinds == sorted(kinds, key=RECOMMENDATION_KINDS.index)  # ranked by kind, strategic first
    assert [r.rank for r in recs] == list(range(1, len(recs) + 1))
    first = recs[0]
    assert (first.kind, first.subject, first.sites) == ("entry-module", "src/lib/db/index.ts", 19)
    assert "move 9 files at once" in first.reason and "src/lib/db/drizzle.ts exports drizzleDb on drizzle" in first.evidence
    assert first.action == "export { drizzleDb as db } from './drizzle';"  # the line index.ts would become
    infra = next(r for r in recs if r.kind == "infra-fix")
    assert infra.subject == "docker-compose.yml:15"
    assert infra.action == 'test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER} -d tutorme"]'  # the corrected line
    drift = next(r for r in recs if r.kind == "drift-fix")
    assert drift.subject == "prisma-vs-drizzle"
    assert drift.action == ("migrator diff prisma:examples/tutorme/prisma/schema.prisma "
                            "drizzle:examples/tutorme/src/lib/db/schema --partial to --emit sql")
    schema = next(r for r in recs if r.kind == "schema-source")
    assert schema.subject == "prisma/schema.prisma" and "bookings" in schema.evidence[0]
    assert schema.action == "migrator check prisma-vs-drizzle"
    last = recs[-1]
    assert (last.kind, last.subject) == ("retire-legacy", "src/lib/db/index.ts")
    # DATABASE_URL and DIRECT_URL are read by Drizzle too (drizzle.ts, drizzle.config.ts): they stay.
    assert last.reason == "retire the prisma client once the 49 call sites on prisma in 12 files are gone"


def test_drift_fix_command_names_sources_as_the_config_writes_them() -> None:
    """A check on a URL from the environment: the command keeps "$VAR" (never the URL, masked or
    not, which could not run), quotes a path with a space, and keeps the check's partial side."""
    from migrator.report.model import DriftInfo, _diff_command
    from migrator.verify.checks import CheckResult

    result = CheckResult("live", "postgresql://app:****@db/app", "drizzle:src/my schema", from_written="$DATABASE_URL",
                         to_written="drizzle:src/my schema", partial="to")
    info = DriftInfo("live", result.from_spec, result.to_spec, "drift", 1, 0, 0, 0, 0, "1 error")
    assert _diff_command(result, info) == "migrator diff \"$DATABASE_URL\" 'drizzle:src/my schema' --partial to --emit sql"


def test_entry_module_recommendation_needs_a_target_client() -> None:
    from migrator.scan.facts import Site

    def via(path: str, line: int) -> object:
        f = file(path, p(line))
        return type(f)(**{**f.__dict__, "sites": (Site(path, line, 5, "prisma", "user", "findMany", "src/db.ts"),)})

    files = (via("a.ts", 1), via("b.ts", 2))
    legacy_only = scan(*files, entry_modules=(EntryModule("src/db.ts", "prisma", ("db",)),))
    assert "entry-module" not in [r.kind for r in build_report(legacy_only).recommendations]
    both = scan(*files, entry_modules=(EntryModule("src/db.ts", "prisma", ("db",)),
                                       EntryModule("src/dz.ts", "drizzle", ("dz",))))
    rec = build_report(both).recommendations[0]
    assert (rec.kind, rec.subject, rec.sites) == ("entry-module", "src/db.ts", 2)
    assert rec.evidence[2:] == ("calls through it: a.ts", "calls through it: b.ts")
    assert rec.action == "export { dz as db } from './dz';"


def test_corrected_compose_lines_mask_passwords() -> None:
    report = build_report(scan(), infra=docker_compose_findings(FIXTURES / "compose" / "bypass"))
    actions = {r.subject: r.action for r in report.recommendations if r.kind == "infra-fix"}
    assert actions["docker-compose.yml:17"] == "DATABASE_URL: postgresql://app:***@pgbouncer:6432/app"
    assert actions["docker-compose.yml:23"] == "- PGHOST=pgbouncer"
    # `"-d", "shop"` is not one piece of the line: the suggestion stands in for a corrected line.
    assert actions["docker-compose.yml:9"].startswith("use `pg_isready")
    assert all(":pw@" not in f.fix for f in report.infra)


def test_tutorme_quick_reference() -> None:
    rows = [(q.concern, q.location) for q in tutorme_report().locations]
    assert rows == [
        ("legacy client (prisma: db)", "src/lib/db/index.ts"),
        ("target client (drizzle: drizzleDb)", "src/lib/db/drizzle.ts"),
        ("prisma schema", "prisma/schema.prisma"),
        ("drizzle schema", "src/lib/db/schema/*.ts"),
        ("migrations", "prisma/migrations/"),
        ("Prisma datasource (connection variables)", "prisma/schema.prisma:8"),
        ("drizzle-kit config (dbCredentials)", "drizzle.config.ts:12"),
        ("compose database service (db)", "docker-compose.yml:3"),
        ("compose pooler service (pgbouncer)", "docker-compose.yml:20"),
        ("env template", ".env.example"),
    ]
    assert (TUTORME / "docker-compose.yml").read_text().splitlines()[2].strip() == "db:"


def test_tutorme_json_matches_schema() -> None:
    data = json.loads(render_progress_json(tutorme_report()))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert {r["kind"] for r in data["recommendations"]} >= {"entry-module", "infra-fix", "drift-fix", "schema-source"}


def test_html_has_the_new_sections() -> None:
    html = render_progress_html(tutorme_report())
    for anchor in ('id="topology"', 'id="actions"', 'id="locations"', 'id="tbl-topology-variables"'):
        assert anchor in html
    assert "<h2>Files by area</h2>" in html and html.count("<h2>Quick reference</h2>") == 1


def test_without_connection_facts_the_entry_modules_are_the_clients(tmp_path: Path) -> None:
    s = scan(entry_modules=(EntryModule("src/db.ts", "prisma", ("db",), ("DATABASE_URL",)),))
    topology = build_report(s).topology
    assert [(c.client, c.env, c.reaches) for c in topology.clients] == [("src/db.ts", ("DATABASE_URL",), ())]
    empty = build_report(s, connections=connection_facts(tmp_path, s))  # a folder with nothing to read
    assert empty.topology.variables == () and empty.locations[0].location == "src/db.ts"
    assert "No .env file to say where the variables point." in render_progress_markdown(empty)


def test_hosts_named_after_compose_services() -> None:
    from migrator.report.connections import ComposeService, ConnectionFacts, EnvValue

    facts = ConnectionFacts(
        (), (EnvValue("A", ".env", 1, "postgres://u:pw1@pgbouncer:6432/x"), EnvValue("B", ".env", 2, "postgres://u:pw2@db/x")),
        (ComposeService("pgbouncer", "c.yml", 3, (), True, False), ComposeService("db", "c.yml", 9, (), False, True)),
        None, None, (".env",))
    rows = [(v.kind, v.why, v.service, v.url) for v in build_report(scan(), connections=facts).topology.variables]
    assert rows == [
        ("pooler", "port 6432, host pgbouncer, Compose service pgbouncer", "pgbouncer", "postgres://u:***@pgbouncer:6432/x"),
        ("direct", "port default, Compose service db", "db", "postgres://u:***@db/x"),
    ]
