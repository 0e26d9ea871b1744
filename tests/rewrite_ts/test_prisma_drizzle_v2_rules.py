"""`migrator rewrite --rules prisma-drizzle` for drizzle-orm 1.0 (relational queries v2: object `where`,
object `orderBy`, relations from `defineRelations`): every case converted byte for byte, idempotent,
its findings as listed, and every after.ts accepted by `tsc --noEmit` (strict) against the pinned
drizzle-orm 1.0.0-beta.24 (tests/node_drizzle_v2).

A case is tests/fixtures/rewrite_ts/prisma_drizzle_v2/<case>/ (before.ts, after.ts, findings.txt); the
cases share _schema/ (schema.prisma, a drizzle.ts with defineRelations, the clients). The fixture
project's package.json depends on drizzle-orm ^1.0.0-beta.24, so the version is found the way a real
run finds it (`--drizzle-queries auto`). `MIGRATOR_UPDATE_FIXTURES=1` rewrites after.ts and findings.txt.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from migrator.rewrite.typescript.drizzle_version import detect, major_of
from migrator.rewrite.typescript.engine import Options, rewrite_paths

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "rewrite_ts" / "prisma_drizzle_v2"
SCHEMA = FIXTURES / "_schema"
COMPAT = ROOT / "migrator" / "rewrite" / "compat" / "prisma-compat.ts"
NODE_MODULES = ROOT / "tests" / "node_drizzle_v2" / "node_modules"
TSC = NODE_MODULES / "typescript" / "bin" / "tsc"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_"))
OPTIONS = Options(drizzle_schema=f"drizzle:{SCHEMA / 'drizzle.ts'}", drizzle_client="./db:drizzleDb",
                  prisma_schema=str(SCHEMA / "schema.prisma"), drizzle_schema_module="./drizzle")
PACKAGE = {"name": "fixture", "private": True, "dependencies": {"drizzle-orm": "^1.0.0-beta.24"}}
UPDATE = os.environ.get("MIGRATOR_UPDATE_FIXTURES") == "1"


@lru_cache(maxsize=1)
def names():
    from migrator.rewrite.typescript import mapping

    return mapping.load(OPTIONS.drizzle_schema, OPTIONS.prisma_schema, SCHEMA)


def project(tmp: Path, text: str) -> Path:
    for f in SCHEMA.iterdir():
        shutil.copy(f, tmp / f.name)
    shutil.copy(COMPAT, tmp / "prisma-compat.ts")
    (tmp / "package.json").write_text(json.dumps(PACKAGE) + "\n")
    target = tmp / "case.ts"
    target.write_text(text, encoding="utf-8")
    return target


def run(tmp: Path, text: str):
    target = project(tmp, text)
    [result] = [r for r in rewrite_paths([target], OPTIONS, base=tmp, names=names()) if r.path == "case.ts"]
    return result


def findings_text(result) -> str:
    return "".join(f"{f.line}:{f.column}: {f.code} {f.reason}\n" for f in result.findings)


@pytest.mark.parametrize("case", CASES)
def test_case_converts_byte_for_byte(case: str, tmp_path: Path) -> None:
    before = (FIXTURES / case / "before.ts").read_text(encoding="utf-8")
    result = run(tmp_path, before)
    assert result.status in ("changed", "unchanged"), result.reason
    after = result.new_text if result.status == "changed" else before
    if UPDATE:
        (FIXTURES / case / "after.ts").write_text(after, encoding="utf-8")
        (FIXTURES / case / "findings.txt").write_text(findings_text(result), encoding="utf-8")
    assert after == (FIXTURES / case / "after.ts").read_text(encoding="utf-8")
    assert findings_text(result) == (FIXTURES / case / "findings.txt").read_text(encoding="utf-8")
    assert result.sites == result.converted + len({(f.line, f.column) for f in result.findings if f.code != "PD101"
                                                   or "import" not in f.reason})


@pytest.mark.parametrize("case", CASES)
def test_second_run_changes_nothing(case: str, tmp_path: Path) -> None:
    after = (FIXTURES / case / "after.ts").read_text(encoding="utf-8")
    result = run(tmp_path, after)
    assert result.status == "unchanged", result.diff
    first = (FIXTURES / case / "findings.txt").read_text(encoding="utf-8").splitlines()
    assert [f.code for f in result.findings] == [line.split()[1] for line in first]


def test_tsc_accepts_every_after(tmp_path: Path) -> None:
    """Every after.ts type-checks (strict) against drizzle-orm 1.0.0-beta.24."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: the tsc check needs it")
    if not TSC.exists():
        pytest.fail("tests/node_drizzle_v2 is not installed: run `make tests/node_drizzle_v2/node_modules/.installed`")
    project(tmp_path, "")
    (tmp_path / "case.ts").unlink()
    (tmp_path / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    files = []
    for case in CASES:
        shutil.copy(FIXTURES / case / "after.ts", tmp_path / f"{case}.ts")
        files.append(f"{case}.ts")
    config = {"compilerOptions": {"strict": True, "noEmit": True, "module": "esnext", "moduleResolution": "bundler",
                                  "target": "es2022", "skipLibCheck": True, "types": [],
                                  "paths": {"@prisma/client": ["./prisma-client.d.ts"]}},
              "files": files}
    (tmp_path / "tsconfig.json").write_text(json.dumps(config, indent=2))
    proc = subprocess.run(["node", str(TSC), "-p", "tsconfig.json"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("spec, major", [
    ("1.0.0-beta.24", 1), ("^1.0.0-beta.20", 1), ("~1.0.0", 1), (">=1", 1), ("1.x", 1), ("npm:drizzle-orm@1.0.0-rc.1", 1),
    ("^0.45.4", 0), ("0.38.0", 0), (">=0.30.0 <1.0.0", 0), ("latest", None), ("workspace:*", None), ("*", None),
])
def test_version_of_a_spec(spec: str, major) -> None:
    assert major_of(spec) == major


def test_detect_reads_the_nearest_package_json_that_lists_drizzle(tmp_path: Path) -> None:
    """A monorepo: the app's own package.json decides; one without drizzle-orm defers upward; none: v1;
    a spec without a version: the installed drizzle-orm's version."""
    (tmp_path / "package.json").write_text('{"devDependencies": {"drizzle-orm": "^0.45.4"}}')
    app = tmp_path / "apps" / "web" / "src"
    app.mkdir(parents=True)
    (tmp_path / "apps" / "web" / "package.json").write_text('{"dependencies": {"drizzle-orm": "1.0.0-beta.24"}}')
    other = tmp_path / "apps" / "api"
    other.mkdir(parents=True)
    (other / "package.json").write_text('{"dependencies": {"pg": "8.0.0"}}')
    assert detect(app / "x.ts") == "v2"
    assert detect(other / "y.ts") == "v1"
    tagged = tmp_path / "tagged"
    (tagged / "node_modules" / "drizzle-orm").mkdir(parents=True)
    (tagged / "package.json").write_text('{"dependencies": {"drizzle-orm": "beta"}}')
    (tagged / "node_modules" / "drizzle-orm" / "package.json").write_text('{"version": "1.0.0-beta.24"}')
    assert detect(tagged) == "v2"
    bare = tmp_path / "bare"
    bare.mkdir()
    assert detect(bare) == "v1"  # the root package.json (drizzle-orm ^0.45.4)


def test_option_overrides_the_package_json(tmp_path: Path) -> None:
    from dataclasses import replace

    before = 'import { prisma } from "./prisma";\n\nexport const f = () => prisma.user.findMany({ where: { role: "ADMIN" } });\n'
    target = project(tmp_path, before)
    [v1] = [r for r in rewrite_paths([target], replace(OPTIONS, relational="v1"), base=tmp_path, names=names())
            if r.path == "case.ts"]
    assert "where: (t, { eq }) => eq(t.role, \"ADMIN\")" in v1.new_text
    [v2] = [r for r in rewrite_paths([target], OPTIONS, base=tmp_path, names=names()) if r.path == "case.ts"]
    assert "where: { role: \"ADMIN\" }" in v2.new_text


def test_command_flag_and_config_key(tmp_path: Path) -> None:
    """`--drizzle-queries v1|v2|auto` on the command line, else `[rewrite] drizzle_queries` in migrator.toml,
    else the package.json (here drizzle-orm ^1.0.0-beta.24: v2)."""
    import sys

    migrator = Path(sys.executable).parent / "migrator"
    before = 'import { prisma } from "./prisma";\n\nexport const f = () => prisma.user.findMany({ where: { role: "ADMIN" } });\n'
    target = project(tmp_path, before)
    args = [str(migrator), "rewrite", "--rules", "prisma-drizzle", str(target), "--drizzle-schema",
            f"drizzle:{tmp_path / 'drizzle.ts'}", "--drizzle-client", "./db:drizzleDb",
            "--prisma-schema", str(tmp_path / "schema.prisma")]

    def out(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([*args, *extra], capture_output=True, text=True, cwd=tmp_path)

    assert 'where: { role: "ADMIN" }' in out().stdout
    assert "where: (t, { eq })" in out("--drizzle-queries", "v1").stdout
    bad = out("--drizzle-queries", "v3")
    assert bad.returncode == 2 and "--drizzle-queries" in bad.stderr
    (tmp_path / "migrator.toml").write_text('[rewrite]\ndrizzle_queries = "v1"\n')
    assert "where: (t, { eq })" in out().stdout
    assert 'where: { role: "ADMIN" }' in out("--drizzle-queries", "auto").stdout
    (tmp_path / "migrator.toml").write_text('[rewrite]\ndrizzle_queries = "2"\n')
    wrong = out()
    assert wrong.returncode == 2 and "drizzle_queries" in wrong.stderr
