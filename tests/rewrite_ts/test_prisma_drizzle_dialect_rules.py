"""`migrator rewrite --rules prisma-drizzle` where the Drizzle schema's dialect and the Drizzle client's driver
decide: `$transaction` on SQLite (converted for drizzle-orm/libsql, refused for better-sqlite3), and Json
field values on PostgreSQL and SQLite. Each case of tests/fixtures/rewrite_ts/prisma_drizzle_dialects/
<dialect>_<name>/ is before.ts, after.ts, findings.txt and db.ts (the Drizzle client module, whose
drizzle-orm/<driver> import the rewrite reads); _<dialect>/ holds the schema.prisma, drizzle.ts and prisma.ts
the case uses. Converted byte for byte, idempotent, and each changed after.ts accepted by the pinned tsc.
`MIGRATOR_UPDATE_FIXTURES=1` rewrites after.ts and findings.txt (review the diff).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from migrator.rewrite.typescript import mapping
from migrator.rewrite.typescript.engine import Options, rewrite_paths, rules

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "rewrite_ts" / "prisma_drizzle_dialects"
NODE_MODULES = ROOT / "tests" / "node" / "node_modules"
TSC = NODE_MODULES / "typescript" / "bin" / "tsc"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_"))
UPDATE = os.environ.get("MIGRATOR_UPDATE_FIXTURES") == "1"
NOTES = tuple(r.code for r in rules() if r.note)  # findings on a converted site (the call is gone from after.ts)


def dialect(case: str) -> str:
    return case.split("_", 1)[0]


def project(tmp: Path, case: str, text: str) -> Path:
    """The case's schema, clients and db.ts beside case.ts."""
    for f in (FIXTURES / f"_{dialect(case)}").iterdir():
        shutil.copy(f, tmp / f.name)
    shutil.copy(FIXTURES / case / "db.ts", tmp / "db.ts")
    (tmp / "package.json").write_text('{"name": "fixture", "private": true}\n')
    target = tmp / "case.ts"
    target.write_text(text, encoding="utf-8")
    return target


def run(tmp: Path, case: str, text: str):
    target = project(tmp, case, text)
    options = Options(drizzle_schema=f"drizzle:{tmp / 'drizzle.ts'}", drizzle_client="./db:db",
                      prisma_schema=str(tmp / "schema.prisma"), drizzle_schema_module="./drizzle",
                      compat_module="./prisma-compat")
    names = mapping.load(options.drizzle_schema, options.prisma_schema, tmp)
    [result] = [r for r in rewrite_paths([target], options, base=tmp, names=names) if r.path == "case.ts"]
    return result


def findings_text(result) -> str:
    return "".join(f"{f.line}:{f.column}: {f.code} {f.reason}\n" for f in result.findings)


@pytest.mark.parametrize("case", CASES)
def test_case_converts_byte_for_byte(case: str, tmp_path: Path) -> None:
    before = (FIXTURES / case / "before.ts").read_text(encoding="utf-8")
    result = run(tmp_path, case, before)
    assert result.status in ("changed", "unchanged"), result.reason
    after = result.new_text if result.status == "changed" else before
    if UPDATE:
        (FIXTURES / case / "after.ts").write_text(after, encoding="utf-8")
        (FIXTURES / case / "findings.txt").write_text(findings_text(result), encoding="utf-8")
    assert after == (FIXTURES / case / "after.ts").read_text(encoding="utf-8")
    assert findings_text(result) == (FIXTURES / case / "findings.txt").read_text(encoding="utf-8")
    # notes on converted sites (the rules marked `note`) are not refusals
    assert result.sites == result.converted + len({(f.line, f.column) for f in result.findings if f.code not in NOTES})


@pytest.mark.parametrize("case", CASES)
def test_second_run_changes_nothing(case: str, tmp_path: Path) -> None:
    after = (FIXTURES / case / "after.ts").read_text(encoding="utf-8")
    result = run(tmp_path, case, after)
    assert result.status == "unchanged", result.diff
    first = (FIXTURES / case / "findings.txt").read_text(encoding="utf-8").splitlines()
    assert [f.code for f in result.findings] == [line.split()[1] for line in first if line.split()[1] not in NOTES]


@pytest.mark.parametrize("case", [c for c in CASES if (FIXTURES / c / "after.ts").exists()
                                  and (FIXTURES / c / "after.ts").read_text() != (FIXTURES / c / "before.ts").read_text()])
def test_tsc_accepts_the_converted_calls(case: str, tmp_path: Path) -> None:
    """The converted calls type-check (strict) against the pinned drizzle-orm; the Prisma calls left are
    cut out first (no Prisma client is generated here): each refused call's statement stays a finding."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: the tsc check needs it")
    if not TSC.exists():
        pytest.fail("TypeScript is not installed: run `make tests/node/node_modules/.installed` (npm ci in tests/node)")
    project(tmp_path, case, "")
    text = (FIXTURES / case / "after.ts").read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if "prisma." not in line and "@prisma/client" not in line
            and './prisma"' not in line]
    (tmp_path / "case.ts").write_text("\n".join(kept) + "\n")
    from migrator.rewrite.compat import prisma_compat_module

    (tmp_path / "prisma-compat.ts").write_text(prisma_compat_module())
    (tmp_path / "prisma.ts").unlink()
    (tmp_path / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    config = {"compilerOptions": {"strict": True, "noEmit": True, "module": "esnext", "moduleResolution": "bundler",
                                  "target": "es2022", "skipLibCheck": True, "types": []},
              "files": ["case.ts"]}
    (tmp_path / "tsconfig.json").write_text(json.dumps(config, indent=2))
    proc = subprocess.run(["node", str(TSC), "-p", "tsconfig.json"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
