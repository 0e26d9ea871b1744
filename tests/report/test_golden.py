"""progress.md of examples/tutorme equals its golden file (regenerate with tests/report/regen_golden.py)."""

from __future__ import annotations

from migrator.report.markdown import render_progress_markdown
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
