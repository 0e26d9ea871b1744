"""Benchmark: `migrator rewrite --rules prisma-drizzle` (dry run) on a generated 5,000-file TypeScript tree.

A Next.js-shaped project: prisma/schema.prisma with 40 models, src/lib/db.ts exporting the
Prisma client, src/db/schema.ts (the Drizzle schema `migrator generate drizzle` writes for
it) and 5,000 modules under src/: a fifth are data-access modules with 20 Prisma calls each
(20,000 in all: findMany/findFirst/findUnique with literal where, select/include, orderBy,
take/skip; creates, updates, deletes, upserts; some `where` held in variables, which must
stay findings), the rest ordinary TypeScript of the same size (React components, utilities)
that mentions `find`, `select` and `where` in other senses.

Target: the dry run <= 30 s on 2 cores (the rule set converts reads so far; the other calls are
findings, which the run also has to produce). The floor beside it: a no-op ast-grep scan of the
same tree (ast-grep-py parsing every file and matching `$C.$M.findMany($$$)`, on the same
number of processes).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import MIGRATOR, report, run_timed  # noqa: E402

MODELS = [f"Thing{i}" for i in range(40)]


def prisma_schema() -> str:
    parts = ['datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
             'generator client {\n  provider = "prisma-client-js"\n}\n']
    for i, name in enumerate(MODELS):
        parent = MODELS[i - 1] if i else None
        lines = [f"model {name} {{", "  id        Int      @id @default(autoincrement())",
                 "  email     String   @unique", "  name      String?", "  score     Int      @default(0)",
                 "  createdAt DateTime @default(now())"]
        if parent:
            lines += ["  parentId  Int?", f"  parent    {parent}? @relation(fields: [parentId], references: [id])"]
        if i + 1 < len(MODELS):
            lines.append(f"  children  {MODELS[i + 1]}[]")
        lines.append("}\n")
        parts.append("\n".join(lines))
    return "\n".join(parts)


CALLS = [
    "await prisma.{m}.findMany({{ where: {{ score: {{ gte: {n} }} }}, orderBy: {{ createdAt: \"desc\" }}, take: 20 }})",
    "await prisma.{m}.findFirst({{ where: {{ email: input.email, name: {{ contains: \"x\" }} }} }})",
    "await prisma.{m}.findUnique({{ where: {{ id: {n} }}, select: {{ id: true, email: true }} }})",
    "await prisma.{m}.findMany({{ where: {{ OR: [{{ score: {n} }}, {{ name: null }}] }}, skip: 10, take: 5 }})",
    "await prisma.{m}.create({{ data: {{ email: `u{n}@x.io`, score: {n} }} }})",
    "await prisma.{m}.update({{ where: {{ id: {n} }}, data: {{ score: {{ increment: 1 }} }} }})",
    "await prisma.{m}.delete({{ where: {{ id: {n} }} }})",
    "await prisma.{m}.count({{ where: {{ score: {{ lt: {n} }} }} }})",
    "await prisma.{m}.findMany({{ where: filters }})",  # a where in a variable: a finding
    "await prisma.{m}.upsert({{ where: {{ email: input.email }}, create: {{ email: input.email }}, update: {{}} }})",
]

FILLER = """export function {fn}(items: Array<{{ name: string; score: number }}>, where: string) {{
  const found = items.find((item) => item.name === where);
  const selected = items.filter((item) => item.score > {n}).map((item) => item.name);
  return {{ found, selected, total: selected.length }};
}}
"""


def generate(root: Path, files: int, calls: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    (root / "prisma").mkdir(parents=True)
    (root / "prisma" / "schema.prisma").write_text(prisma_schema())
    (root / "src" / "lib").mkdir(parents=True)
    (root / "src" / "lib" / "db.ts").write_text('import { PrismaClient } from "@prisma/client";\n\nexport const prisma = new PrismaClient();\n')
    (root / "package.json").write_text('{"dependencies": {"@prisma/client": "6.16.0", "drizzle-orm": "0.45.4", "pg": "8.16.3"}}\n')
    (root / "tsconfig.json").write_text('{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["./src/*"]}}}\n')
    data_files = files // 5
    per_file = max(1, calls // data_files)
    written = 0
    for i in range(files):
        folder = root / "src" / f"area{i % 50}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 5 == 0 and written < calls:
            body = ['import { prisma } from "@/lib/db";', ""]
            for k in range(0, per_file, 5):
                fn = [f"export async function op{k}(input: {{ email: string }}, filters: any) {{"]
                for j in range(5):
                    template = CALLS[rng.randrange(len(CALLS))]
                    model = MODELS[rng.randrange(len(MODELS))]
                    fn.append(f"  const r{j} = " + template.format(m=model[0].lower() + model[1:], n=rng.randrange(100)) + ";")
                    written += 1
                fn.append("  return [r0, r1, r2, r3, r4];\n}\n")
                body.extend(fn)
            (folder / f"repo{i}.ts").write_text("\n".join(body))
        else:
            text = "\n".join(FILLER.format(fn=f"helper{i}_{k}", n=rng.randrange(100)) for k in range(8))
            (folder / f"util{i}.ts").write_text(text)
    return written


def _floor_one(path: str) -> int:
    from ast_grep_py import SgRoot

    source = Path(path).read_text()
    return len(SgRoot(source, "typescript").root().find_all(pattern="$C.$M.findMany($$$)"))


def floor(root: Path, jobs: int) -> tuple[float, int]:
    """ast-grep-py parsing every .ts file and matching one pattern: the no-op scan."""
    paths = [str(p) for p in root.rglob("*.ts")]
    start = time.perf_counter()
    with get_context("fork").Pool(jobs) as pool:
        found = sum(pool.map(_floor_one, paths, chunksize=64))
    return time.perf_counter() - start, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "app"
        root.mkdir()
        calls = generate(root, args.files, args.calls)
        subprocess.run([MIGRATOR, "generate", "drizzle", f"prisma:{root / 'prisma' / 'schema.prisma'}",
                        "--out", str(root / "src" / "db"), "--client"], check=True, capture_output=True)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        floor_time, found = floor(root, args.jobs)
        ours, peak = run_timed([MIGRATOR, "rewrite", "--rules", "prisma-drizzle", str(root), "--jobs", str(args.jobs),
                                "--drizzle-schema", f"drizzle:{root / 'src' / 'db' / 'schema.ts'}",
                                "--drizzle-client", "@/db/db:db", "--prisma-schema", str(root / "prisma" / "schema.prisma")],
                               args.repeat, allowed_exit_codes=(1,))
    report(f"rewrite --rules prisma-drizzle, {args.files} files, {calls} Prisma calls (dry run)", ours,
           f"ast-grep-py no-op scan ({found} findMany matches)", floor_time, f"peak memory {peak:.0f} MB (target <= 30 s)")


if __name__ == "__main__":
    main()
