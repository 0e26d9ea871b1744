"""The tutorme progress report the golden file holds: built from data, not from a scan.

The scan is tests/fixtures/report/tutorme_scan.json, written by hand from the known truth
in examples/tutorme/README.md (which file uses which layer, at which line); the baseline
(tutorme_baseline.json) is the same project a few weeks earlier: the tutors list still on
Prisma, no payout query in the dashboard, no bookings test, one more seed upsert. The
infrastructure findings, schema sources and drift check are computed from the example itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from migrator.inspect import load
from migrator.report.codemod import codemod_run
from migrator.report.connections import connection_facts
from migrator.report.infra import docker_compose_findings
from migrator.report.model import Report, build_report
from migrator.scan.result import ScanResult
from migrator.verify.changes import Diff
from migrator.verify.checks import CheckResult
from migrator.verify.diff import CompareOptions, compare

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "report"
TUTORME = REPO / "examples" / "tutorme"
PRISMA = "prisma:examples/tutorme/prisma/schema.prisma"
DRIZZLE = "drizzle:examples/tutorme/src/lib/db/schema"


def scan_fixture(name: str) -> ScanResult:
    return ScanResult.from_dict(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def tutorme_report() -> Report:
    prisma = load(f"prisma:{TUTORME / 'prisma' / 'schema.prisma'}")
    drizzle = load(f"drizzle:{TUTORME / 'src' / 'lib' / 'db' / 'schema'}")
    diff = compare(prisma, drizzle, CompareOptions(partial="to"))
    # Labelled with repository-relative specs so the golden file does not depend on where the clone is.
    drift = [CheckResult("prisma-vs-drizzle", PRISMA, DRIZZLE, diff=Diff(PRISMA, DRIZZLE, diff.changes, diff.not_modeled,
                                                                    diff.notes, diff.out_of_scope), partial="to")]
    scan = scan_fixture("tutorme_scan.json")
    return build_report(
        scan,
        baseline=scan_fixture("tutorme_baseline.json"),
        drift=drift,
        infra=docker_compose_findings(TUTORME),
        schema_sources=[("prisma", prisma), ("drizzle", drizzle)],
        connections=connection_facts(TUTORME, scan),
        # A real dry run of `migrator rewrite --rules prisma-drizzle` on the example ([rewrite] of its migrator.toml):
        # after a change in the rules, regenerate the golden file and read what moved.
        codemod=codemod_run(TUTORME, scan, shown_root="examples/tutorme"),
    )
