"""progress.md of examples/tutorme equals its golden file (regenerate with tests/report/regen_golden.py)."""

from __future__ import annotations

from migrator.report.progress_markdown import render_progress_markdown
from migrator.report.model import build_report
from migrator.scan.engine import ScanOptions, scan
from tests.conftest import EXAMPLES
from tests.report.regen_golden import GOLDEN
from tests.report.tutorme_report import tutorme_report


def test_tutorme_progress_markdown_golden() -> None:
    text = render_progress_markdown(tutorme_report())
    assert text == GOLDEN.read_text(encoding="utf-8"), "run tests/report/regen_golden.py and review the diff"


def test_tutorme_report_reflects_known_truth() -> None:
    report = tutorme_report()
    mixed = [f.path for a in report.legacy_areas for f in a.files if f.status == "mixed"]
    assert sorted(mixed) == ["app/api/bookings/[id]/route.ts", "app/api/dashboard/route.ts"]
    assert [f.rule for f in report.infra] == ["db-healthcheck-mismatch"]
    assert report.drift[0].status == "drift"
    assert len(report.schema_sources[1].tables) == 8  # Drizzle re-declares 8 of the Prisma tables
    # The Drizzle schema modules and both client modules import a layer and make no call.
    groups = {g.role: g.files for g in report.without_calls}
    assert groups["schema"] == tuple(f"src/lib/db/schema/{n}.ts" for n in ("bookings", "enums", "relations", "reviews",
                                                                            "tutors", "users"))
    assert groups["client"] == ("src/lib/db/drizzle.ts", "src/lib/db/index.ts")


def _headline(summary: str) -> str:
    """The summary's file part (its call-site and model counts are the analyzers' business, not the classification's)."""
    return summary.split("files making database calls: ", 1)[1]


def test_tutorme_headline_counts_only_files_with_call_sites() -> None:
    """The real scan of examples/tutorme. Its README's table: 10 files on Prisma only, 2 using both,
    3 on Drizzle only, plus src/lib/db/schema/_shared.ts, whose sql`CURRENT_TIMESTAMP` column default
    is a Drizzle call site (tests/fixtures/scan/tutorme_truth.json). The other six schema modules and
    the two client modules make no call: they used to make it "11 on drizzle only (46% of 24 files)"."""
    result = scan(EXAMPLES / "tutorme", ScanOptions(cache=False))
    report = build_report(result)
    assert _headline(report.summary) == (
        "10 on prisma only, 2 mixed, 4 on drizzle only (25% moved)")
    calling = [f for f in result.files if f.status in ("legacy", "mixed", "target")]
    assert all(f.sites and f.role == "calls" for f in calling)
    assert sorted(f.path for f in result.files if f.role == "schema") == [
        f"src/lib/db/schema/{n}.ts" for n in ("bookings", "enums", "relations", "reviews", "tutors", "users")]
    assert {f.status for f in result.files if not f.sites} == {"none"}


def test_learnhub_headline_counts_only_files_with_call_sites() -> None:
    """examples/learnhub: two services on the legacy Query API, one service and check_behaviour.py on
    2.0 style; db.py and legacy/export.py call only dbapi (named, not counted). models.py (schema),
    the Alembic env.py and three revisions (migrations) and build_db.py (imports) make no call: they
    used to make it "7 on sqlalchemy only (58% of 12 files)"."""
    report = build_report(scan(EXAMPLES / "learnhub", ScanOptions(cache=False)))
    assert _headline(report.summary) == (
        "2 on sqlalchemy-legacy only, 0 mixed, 2 on sqlalchemy only (50% moved; 2 more call only dbapi)")
    groups = {g.role: g.files for g in report.without_calls}
    assert groups["schema"] == ("learnhub/models.py",)
    assert groups["migration"] == ("migrations/env.py", *(f"migrations/versions/{n}.py" for n in (
        "3b8d0c2a91f4_initial_schema", "9e41f7a6c3d0_submissions_and_audit_log", "c57a2e9b0f18_course_price_and_price_paid")))
    assert groups["imports"] == ("build_db.py",)
