"""bench/realworld/run.py's rewrite_ts rows: sites the scan misses (scan_missed) measured as converted or
silent, and the tsc comparison's reading of `tsc --pretty false` (paths with parentheses, chained
messages, the generated files outside the copy) with the pinned TypeScript of tests/node."""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("realworld_run", ROOT / "bench" / "realworld" / "run.py")
run = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("realworld_run", run)  # its dataclasses look their module up
_spec.loader.exec_module(run)  # type: ignore[union-attr]

DIFF = """--- a/a.ts
+++ b/a.ts
@@ -3,1 +3,1 @@
-const x = await prisma.user.findMany()
+const x = await db.query.user.findMany()
"""


def test_scan_missed_sites_are_measured_silent_or_converted() -> None:
    report = {"files": [{"path": "a.ts", "status": "changed", "diff": DIFF}],
              "findings": [{"path": "b.ts", "line": 7, "code": "PD004", "reason": "r"}]}
    scan = {"files": [{"path": "a.ts", "sites": [{"layer": "prisma", "line": 3}]},
                      {"path": "b.ts", "sites": [{"layer": "prisma", "line": 7}]}]}
    m = run._measure_rewrite_ts(report, scan, "", ["a.ts:3", "b.ts:9", "c.ts:1"], 0.0)
    assert (m.prisma_sites, m.converted, m.findings) == (2, 1, 1)
    # b.ts:9 and c.ts:1 are neither rewritten nor reported; a.ts:3 is the scan's own site, counted once.
    assert m.silent == 2 and m.silent_at == ["b.ts:9", "c.ts:1"]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed: the tsc check needs it")
def test_tsc_diagnostics_reads_paths_with_parentheses_and_generated_files(tmp_path: Path) -> None:
    if not run.TSC.is_file():
        pytest.fail("TypeScript is not installed: run `make tests/node/node_modules/.installed` (npm ci in tests/node)")
    copy = tmp_path / "tree" / "app"
    (copy / "app" / "(ee)").mkdir(parents=True)
    (tmp_path / "drizzle").mkdir()
    (tmp_path / "drizzle" / "db.ts").write_text("export const db: number = 'one';\n")
    (copy / "app" / "(ee)" / "route.ts").write_text(
        "import { db } from '../../../../drizzle/db';\n"
        "const n: number = db;\n"
        "const o: { a: { b: string } } = { a: { b: 1 } };\n"
        "export { n, o };\n")
    (copy / "tsconfig.json").write_text('{"compilerOptions": {"strict": true, "noEmit": true}, "include": ["app"]}\n')
    diags, err = run._tsc_diagnostics("tsconfig.json", copy, tmp_path)
    assert err == ""
    by_file = {(f, line, code) for f, line, code, _ in diags}
    assert ("<tmp>/drizzle/db.ts", 1, "TS2322") in by_file
    assert ("app/(ee)/route.ts", 3, "TS2322") in by_file
    assert len(diags) == 2
