"""The project's prisma-compat module already exists (an earlier run wrote it, maybe an older version):
the helpers the converted files import and it lacks are appended to it, with what they need, and the
result type-checks; a module that has them all is left alone."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from migrator.rewrite.compat import prisma_compat_module
from migrator.rewrite.typescript.engine import Options, rewrite_paths

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "fixtures" / "rewrite_ts" / "prisma_drizzle" / "_schema"
CASE = ROOT / "tests" / "fixtures" / "rewrite_ts" / "prisma_drizzle" / "pd004_undefined_guards" / "before.ts"
NODE_MODULES = ROOT / "tests" / "node" / "node_modules"
TSC = NODE_MODULES / "typescript" / "bin" / "tsc"

OLD_COMPAT = """import type { SQL } from "drizzle-orm";

// This project's own note: kept.
export function whenDefined<T>(value: T | undefined, filter: (value: T) => SQL): SQL | undefined {
  return value === undefined ? undefined : filter(value);
}
"""


def _project(tmp: Path, compat: str) -> Options:
    for f in SCHEMA.iterdir():
        shutil.copy(f, tmp / f.name)
    (tmp / "prisma-compat.ts").write_text(compat, encoding="utf-8")
    (tmp / "package.json").write_text('{"name": "compat-case", "private": true}\n')
    shutil.copy(CASE, tmp / "case.ts")
    return Options(drizzle_schema=f"drizzle:{tmp / 'drizzle.ts'}", drizzle_client="./db:drizzleDb",
                   prisma_schema=str(tmp / "schema.prisma"), drizzle_schema_module="./drizzle",
                   compat_module="./prisma-compat")


def test_missing_helpers_are_appended_and_type_check(tmp_path: Path) -> None:
    options = _project(tmp_path, OLD_COMPAT)
    results = {r.path: r for r in rewrite_paths([tmp_path / "case.ts"], options, base=tmp_path)}
    compat = results["prisma-compat.ts"]
    assert compat.status == "changed" and "equals" in compat.reason and "anyOf" in compat.reason
    kept = iter(compat.new_text.splitlines())
    assert all(line in kept for line in OLD_COMPAT.splitlines())  # the project's lines all kept, in order
    assert "export function notEquals(" in compat.new_text and "export function anyOf(" in compat.new_text
    assert compat.new_text.count("export function whenDefined") == 1
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: the tsc check needs it")
    if not TSC.exists():
        pytest.fail("TypeScript is not installed: npm ci in tests/node")
    (tmp_path / "prisma-compat.ts").write_text(compat.new_text, encoding="utf-8")
    (tmp_path / "case.ts").write_text(results["case.ts"].new_text, encoding="utf-8")
    (tmp_path / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    config = {"compilerOptions": {"strict": True, "noEmit": True, "module": "esnext", "moduleResolution": "bundler",
                                  "target": "es2022", "skipLibCheck": True, "types": [],
                                  "paths": {"@prisma/client": ["./prisma-client.d.ts"]}},
              "files": ["case.ts", "prisma-compat.ts", "prisma-client.d.ts"]}
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    proc = subprocess.run(["node", str(TSC), "-p", "tsconfig.json"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_complete_module_is_left_alone(tmp_path: Path) -> None:
    options = _project(tmp_path, prisma_compat_module())
    results = {r.path: r for r in rewrite_paths([tmp_path / "case.ts"], options, base=tmp_path)}
    assert results["case.ts"].status == "changed"
    assert "prisma-compat.ts" not in results
