"""The prisma-compat.ts module converted call sites import: it type-checks under tsc --strict against
the pinned drizzle-orm, and behaves as Prisma did (run in Node)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from migrator.rewrite.compat import EXPORTS, FILE_NAME, prisma_compat_module

from ..drizzle_kit import NODE_MODULES, require_drizzle_kit

CHECK = """
declare const console: { log(text: string): void };  // no @types/node in the pinned tools
import { foundOrThrow, isForeignKeyViolation, isRecordNotFound, isUniqueViolation, oneOrThrow, orNull,
  RecordNotFoundError, whenDefined } from "./prisma-compat";
import { and, eq } from "drizzle-orm";
import { integer, pgTable, text } from "drizzle-orm/pg-core";

const users = pgTable("users", { id: integer("id").primaryKey(), email: text("email") });
const out: Record<string, unknown> = {};
out.one = oneOrThrow([{ id: 1 }], "user.update");
try { oneOrThrow([], "user.update"); } catch (e) { out.p2025 = isRecordNotFound(e) && (e as RecordNotFoundError).code; }
out.found = foundOrThrow({ id: 2 }, "user.findUniqueOrThrow");
out.nullish = orNull(undefined);
const maybe = (value?: string): string | undefined => value;
const email = maybe();
out.filter = and(eq(users.id, 1), whenDefined(email, (v) => eq(users.email, v))) !== undefined;
out.ignored = whenDefined(email, (v) => eq(users.email, v)) === undefined;
out.unique = isUniqueViolation({ message: "x", cause: { code: "23505" } });
out.sqliteUnique = isUniqueViolation({ code: "SQLITE_CONSTRAINT_UNIQUE" });
out.fk = isForeignKeyViolation(new Error("wrapped", { cause: { code: "23503" } }));
out.other = isUniqueViolation(new Error("plain"));
console.log(JSON.stringify(out));
"""


def test_the_module_exports_what_the_rules_import() -> None:
    text = prisma_compat_module()
    for name in EXPORTS:
        assert f"export function {name}" in text or f"export class {name}" in text or f"export const {name}" in text, name


def test_it_type_checks_and_behaves_as_prisma(tmp_path: Path) -> None:
    require_drizzle_kit()
    tsc = NODE_MODULES / ".bin" / "tsc"
    (tmp_path / FILE_NAME).write_text(prisma_compat_module())
    (tmp_path / "check.ts").write_text(CHECK)
    (tmp_path / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
        "strict": True, "target": "ES2022", "module": "commonjs", "moduleResolution": "node", "outDir": "out",
        "lib": ["ES2022"], "types": [], "skipLibCheck": True, "baseUrl": ".", "typeRoots": []}, "files": ["check.ts"]}))
    os.symlink(NODE_MODULES, tmp_path / "node_modules")
    compiled = subprocess.run([str(tsc), "-p", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    ran = subprocess.run([shutil.which("node") or "node", str(tmp_path / "out" / "check.js")], capture_output=True, text=True,
                         cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {"one": {"id": 1}, "p2025": "P2025", "found": {"id": 2}, "nullish": None, "filter": True,
                                      "ignored": True, "unique": True, "sqliteUnique": True, "fk": True, "other": False}


def test_no_node_types_are_needed() -> None:
    """It compiles without @types/node (the tsconfig above has no types): no require, no process."""
    assert "require(" not in prisma_compat_module() and "process." not in prisma_compat_module()
