"""`migrator rewrite --rules prisma-drizzle`: every fixture case converted byte for byte, idempotent,
its findings as listed, and every after.ts accepted by the pinned `tsc --noEmit` (strict) against
the pinned drizzle-orm.

A case is tests/fixtures/rewrite_ts/prisma_drizzle/<case>/: before.ts (what the project holds),
after.ts (what the rewrite makes of it), findings.txt (`line:col: CODE reason`, one a line). All
cases share _schema/: schema.prisma and drizzle.ts (the same tables, some names different), the
Prisma client module prisma.ts and the Drizzle client db.ts that the case files import.
`MIGRATOR_UPDATE_FIXTURES=1 pytest tests/rewrite_ts` rewrites after.ts and findings.txt (review the diff).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from migrator.rewrite.typescript.engine import Options, rewrite_paths, rules

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "rewrite_ts" / "prisma_drizzle"
SCHEMA = FIXTURES / "_schema"
NODE_MODULES = ROOT / "tests" / "node" / "node_modules"
TSC = NODE_MODULES / "typescript" / "bin" / "tsc"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_"))
OPTIONS = Options(drizzle_schema=f"drizzle:{SCHEMA / 'drizzle.ts'}", drizzle_client="./db:drizzleDb",
                  prisma_schema=str(SCHEMA / "schema.prisma"), drizzle_schema_module="./drizzle")
MIGRATOR = Path(sys.executable).parent / "migrator"  # the installed command
UPDATE = os.environ.get("MIGRATOR_UPDATE_FIXTURES") == "1"
NOTES = tuple(r.code for r in rules() if r.note)  # findings on a converted site, not on one left


@lru_cache(maxsize=1)
def names():
    from migrator.rewrite.typescript import mapping

    return mapping.load(OPTIONS.drizzle_schema, OPTIONS.prisma_schema, SCHEMA)


def project(tmp: Path, case: str, text: str) -> Path:
    """A small project: the shared schema and clients beside the case's file (case.ts)."""
    for f in SCHEMA.iterdir():
        shutil.copy(f, tmp / f.name)
    for f in extras(case):
        shutil.copy(f, tmp / f.name)
    (tmp / "package.json").write_text('{"name": "fixture", "private": true}\n')
    target = tmp / "case.ts"
    target.write_text(text, encoding="utf-8")
    return target


def extras(case: str) -> list[Path]:
    """A case's own modules beside its before.ts (an extended client, a PrismaClient subclass, a test that
    replaces a service): copied next to case.ts, under names no other case uses."""
    folder = FIXTURES / case
    if not folder.is_dir():
        return []
    return sorted(f for f in folder.iterdir() if f.name not in ("before.ts", "after.ts", "findings.txt"))


def run(tmp: Path, case: str, text: str):
    target = project(tmp, case, text)
    [result] = rewrite_paths([target], OPTIONS, base=tmp, names=names())
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
    # never silent: every Prisma site is converted or has a finding on its line
    # (a note — PD022, PD023 — is a remark on a site that was converted, not a site left as it is.)
    assert result.sites == result.converted + len({(f.line, f.column) for f in result.findings if f.code not in NOTES
                                                   and (f.code != "PD101" or "import" not in f.reason)})


@pytest.mark.parametrize("case", CASES)
def test_second_run_changes_nothing(case: str, tmp_path: Path) -> None:
    after = (FIXTURES / case / "after.ts").read_text(encoding="utf-8")
    result = run(tmp_path, case, after)
    assert result.status == "unchanged", result.diff
    first = (FIXTURES / case / "findings.txt").read_text(encoding="utf-8").splitlines()
    # A note goes with its site's conversion: the converted call is no Prisma site any more.
    assert [f.code for f in result.findings] == [line.split()[1] for line in first if line.split()[1] not in NOTES]


def test_edits_are_span_exact(tmp_path: Path) -> None:
    """Outside the replaced call expressions (and the import lines), every byte stays."""
    before = "import { prisma } from './prisma'\n\nconst a = 1 ;   // odd   spacing stays\nexport const q = () => prisma.post.findMany({ take: 1 })  ;\n"
    result = run(tmp_path, "span", before)
    assert result.new_text == ("import { drizzleDb } from './db'\n\nconst a = 1 ;   // odd   spacing stays\n"
                               "export const q = () => drizzleDb.query.posts.findMany({ limit: 1 })  ;\n")


def test_apply_writes_atomically_and_summary_counts(tmp_path: Path) -> None:
    """The command: dry run prints the diff and exits 1; --apply writes; the summary counts sites."""
    before = (FIXTURES / "pd101_receiver" / "before.ts").read_text(encoding="utf-8")
    target = project(tmp_path, "cli", before)
    args = [str(MIGRATOR), "rewrite", "--rules", "prisma-drizzle", str(target),
            "--drizzle-schema", f"drizzle:{tmp_path / 'drizzle.ts'}", "--drizzle-client", "./db:drizzleDb",
            "--prisma-schema", str(tmp_path / "schema.prisma")]
    dry = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path)
    assert dry.returncode == 1, dry.stderr
    assert "+  return drizzleDb.query.users.findMany(" in dry.stdout
    assert "3 prisma site(s): 1 would be converted, 2 reported with the reason" in dry.stderr
    assert "case.ts:5:25: PD101" in dry.stdout
    assert target.read_text(encoding="utf-8") == before
    done = subprocess.run([*args, "--apply", "--force"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == (FIXTURES / "pd101_receiver" / "after.ts").read_text(encoding="utf-8")
    listed = subprocess.run([str(MIGRATOR), "rewrite", "--rules", "prisma-drizzle", "--list-rules"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert listed.returncode == 0 and listed.stdout.startswith("PD001  safe")


def test_tsc_accepts_every_after(tmp_path: Path) -> None:
    """Every after.ts type-checks (strict) against the pinned drizzle-orm and TypeScript."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: the tsc check needs it")
    if not TSC.exists():
        pytest.fail("TypeScript is not installed: run `make tests/node/node_modules/.installed` (npm ci in tests/node)")
    for f in SCHEMA.iterdir():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    files = []
    for case in CASES:
        name = f"{case}.ts"
        shutil.copy(FIXTURES / case / "after.ts", tmp_path / name)
        files.append(name)
        for f in extras(case):  # the modules after.ts imports; declarations of stand-in packages compiled too
            shutil.copy(f, tmp_path / f.name)
            if f.name.endswith(".d.ts"):
                files.append(f.name)
    config = {"compilerOptions": {"strict": True, "noEmit": True, "module": "esnext", "moduleResolution": "bundler",
                                  "target": "es2022", "skipLibCheck": True, "types": [],
                                  "paths": {"@prisma/client": ["./prisma-client.d.ts"]}},
              "files": files}
    (tmp_path / "tsconfig.json").write_text(json.dumps(config, indent=2))
    proc = subprocess.run(["node", str(TSC), "-p", "tsconfig.json"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _run_file(tmp: Path, name: str, text: str, extra: dict[str, str] | None = None):
    project(tmp, "inline", "")
    (tmp / "case.ts").unlink()
    for file, content in (extra or {}).items():
        (tmp / file).write_text(content, encoding="utf-8")
    target = tmp / name
    target.write_text(text, encoding="utf-8")
    [result] = [r for r in rewrite_paths([target], OPTIONS, base=tmp, names=names())]
    return result


def test_tsx_file_keeps_its_jsx(tmp_path: Path) -> None:
    before = ('import { prisma } from "./prisma";\n\nexport async function List() {\n'
              '  const posts = await prisma.post.findMany({ where: { published: true } });\n'
              '  return <ul>{posts.map((p) => <li key={p.id}>{p.title}</li>)}</ul>;\n}\n')
    result = _run_file(tmp_path, "list.tsx", before)
    assert result.new_text == ('import { drizzleDb } from "./db";\n\nexport async function List() {\n'
                               '  const posts = await drizzleDb.query.posts.findMany({\n'
                               '    where: (t, { eq }) => eq(t.published, true),\n'
                               '  });\n'
                               '  return <ul>{posts.map((p) => <li key={p.id}>{p.title}</li>)}</ul>;\n}\n')


def test_extended_client_is_refused(tmp_path: Path) -> None:
    """A client whose extension overrides operations (soft deletes) is never replaced by the Drizzle one, also
    when the extended client is re-exported under another name; an empty extension changes nothing."""
    client = ('import { PrismaClient } from "@prisma/client";\n\nconst base = new PrismaClient();\n'
              'const soft = base.$extends({ query: { $allModels: { async findMany({ args, query }: any) '
              '{ return query(args); } } } });\nexport { soft as xprisma };\n'
              'export const plain = new PrismaClient().$extends({});\n')
    before = ('import { plain, xprisma } from "./xprisma";\n\nexport const all = () => xprisma.user.findMany();\n'
              'export const any = () => plain.comment.findMany();\n')
    result = _run_file(tmp_path, "case.ts", before, {"xprisma.ts": client})
    assert [(f.line, f.code) for f in result.findings] == [(3, "PD101")]
    assert "`query` component at xprisma.ts:4" in result.findings[0].reason
    assert "export const any = () => drizzleDb.query.comments.findMany();" in result.new_text


def test_extended_client_is_followed_through_barrels(tmp_path: Path) -> None:
    """The value is followed from the import through `export *` and `export { a as b } from` to the module
    that extends the client: the finding names that module's line, not the one the scan saw the client made in."""
    made = ('import { PrismaClient } from "@prisma/client";\n\nexport const base = new PrismaClient();\n')
    extended = ('import { base } from "./made";\n\n'
                'const computed = base.$extends({\n  result: { user: { tag: { needs: {}, compute: () => 1 } } },\n});\n'
                'export { computed as prisma };\n')
    barrel = 'export * from "./other";\nexport * from "./inner";\n'
    other = 'export const unrelated = 1;\n'
    before = 'import { prisma } from "./lib";\n\nexport const all = () => prisma.user.findMany();\n'
    (tmp_path / "lib").mkdir()
    result = _run_file(tmp_path, "case.ts", before, {"made.ts": made, "extended.ts": extended, "lib/index.ts": barrel,
                                                       "lib/inner.ts": 'export { prisma } from "../extended";\n',
                                                       "lib/other.ts": other})
    assert [(f.line, f.code) for f in result.findings] == [(3, "PD101")], result.findings
    assert "`result` component at extended.ts:4" in result.findings[0].reason


def test_extension_notes_are_said_once_per_run(tmp_path: Path) -> None:
    """Converted sites on a client with read replicas or Accelerate: one note each for the run, not one per site."""
    from migrator.rewrite.engine import PROJECT_NOTES

    case = FIXTURES / "pd101_extends"
    result = run(tmp_path, "pd101_extends", (case / "before.ts").read_text(encoding="utf-8"))
    assert result.converted == 5 and len(result.notes) == 2
    assert "read-replicas" in result.notes[0] and "accelerate" in result.notes[1]
    assert PROJECT_NOTES == result.notes


def test_default_import_left_with_a_finding(tmp_path: Path) -> None:
    client = 'import { PrismaClient } from "@prisma/client";\n\nconst prisma = new PrismaClient();\nexport default prisma;\nexport const other = 1;\n'
    before = 'import prisma, { other } from "./client";\n\nexport const all = () => [other, prisma.comment.findMany()];\n'
    result = _run_file(tmp_path, "case.ts", before, {"client.ts": client})
    assert result.new_text == ('import prisma, { other } from "./client";\nimport { drizzleDb } from "./db";\n\n'
                               'export const all = () => [other, drizzleDb.query.comments.findMany()];\n')
    assert [(f.line, f.code) for f in result.findings] == [(1, "PD101")]
    assert result.sites == 1 and result.converted == 1


def test_crlf_file_stays_crlf(tmp_path: Path) -> None:
    before = ('import { prisma } from "./prisma";\r\n\r\nexport async function f(body: string) {\r\n'
              '  return prisma.comment.findMany({\r\n    where: { body },\r\n  });\r\n}\r\n')
    result = _run_file(tmp_path, "case.ts", before)
    assert result.new_text == ('import { drizzleDb } from "./db";\r\n\r\nexport async function f(body: string) {\r\n'
                               '  return drizzleDb.query.comments.findMany({\r\n'
                               '    where: (t, { eq }) => eq(t.body, body),\r\n  });\r\n}\r\n')


def test_file_with_a_syntax_error_is_skipped_with_its_sites_reported(tmp_path: Path) -> None:
    before = 'import { prisma } from "./prisma";\nexport const f = () => prisma.user.findMany({ take: 1 }) +++ );\n'
    result = _run_file(tmp_path, "case.ts", before)
    assert result.status == "skipped" and result.new_text is None
    assert "syntax error" in result.reason
    assert [(f.line, f.column, f.code) for f in result.findings] == [(2, 24, "PD103")]


def test_added_lines_follow_the_file_s_indentation(tmp_path: Path) -> None:
    """A tab-indented file gets tabs in the lines a conversion adds (tsedit.indent_step), not two spaces."""
    from migrator.rewrite.typescript.tsedit import indent_step

    case = FIXTURES / "pd008_create"
    before = (case / "before.ts").read_text(encoding="utf-8")
    assert indent_step(before) != "\t"
    tabbed = "\n".join(("\t" * ((len(line) - len(line.lstrip(" "))) // 2)) + line.lstrip(" ") for line in before.splitlines()) + "\n"
    result = run(tmp_path, "pd008_create", tabbed)
    added = [line[1:] for line in result.diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    continued = [line for line in added if line[:1] in (" ", "\t")]
    assert continued and all(set(line[:len(line) - len(line.lstrip())]) == {"\t"} for line in continued), added
