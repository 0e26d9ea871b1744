"""Benchmark: `migrator inspect prisma:` on a generated 1,000-model schema split over 10 files (target < 1 s).

The peer is Prisma's own schema engine: `get_dmmf` of @prisma/prisma-schema-wasm (the
parser and validator `prisma validate` and `prisma generate` run), driven by
bench/peers/prisma_dmmf.js in Node.js. It runs when that package can be found: pass
--node-modules DIR (a folder holding node_modules/@prisma/prisma-schema-wasm, e.g. after
`npm i @prisma/prisma-schema-wasm` there); otherwise only migrator is timed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import MIGRATOR, REPO, report, run_timed, user_environment  # noqa: E402

HEADER = """datasource db {
  provider = "postgresql"
}

generator client {
  provider = "prisma-client-js"
}
"""


def model_text(i: int, models: int) -> str:
    parent = f"M{i - 1}" if i else None
    lines = [
        f"/// Model number {i}",
        f"model M{i} {{",
        "  id          Int       @id @default(autoincrement())",
        "  code        String    @unique @db.VarChar(40)",
        f"  status      Status{i % 10}   @default(DRAFT)",
        "  amount      Decimal   @default(0) @db.Decimal(12, 2)",
        "  tags        String[]  @default([])",
        "  attrs       Json?",
        "  createdAt   DateTime  @default(now()) @map(\"created_at\")",
        "  updatedAt   DateTime  @updatedAt @map(\"updated_at\")",
        "  publicId    String    @default(cuid())",
    ]
    if parent:
        lines += [
            "  parentId    Int?      @map(\"parent_id\")",
            f"  parent      {parent}?  @relation(fields: [parentId], references: [id], onDelete: Cascade)",
        ]
    if i + 1 < models:
        lines.append(f"  children    M{i + 1}[]")
    if i % 50 == 0 and i + 1 < models:
        lines.append(f"  peers       M{i + 1}[]  @relation(\"peers{i}\")")
    if i % 50 == 1:
        lines.append(f"  peerOf      M{i - 1}[]  @relation(\"peers{i - 1}\")")
    lines += [
        "",
        "  @@index([status, createdAt(sort: Desc)])",
        "  @@index([attrs(ops: JsonbPathOps)], type: Gin)",
        f"  @@map(\"m{i}\")",
        "}",
        "",
    ]
    return "\n".join(lines)


def generate(folder: Path, models: int, files: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    enums = "\n".join(f"enum Status{k} {{\n  DRAFT\n  ACTIVE\n  ARCHIVED @map(\"archived\")\n}}\n" for k in range(10))
    (folder / "main.prisma").write_text(HEADER + "\n" + enums)
    per_file = -(-models // files)
    for f in range(files):
        chunk = range(f * per_file, min(models, (f + 1) * per_file))
        (folder / f"part{f:02d}.prisma").write_text("\n".join(model_text(i, models) for i in chunk))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--node-modules", type=Path, help="folder whose node_modules holds @prisma/prisma-schema-wasm")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "schema"
        generate(folder, args.models, args.files)
        spec = f"prisma:{folder}"
        ours, peak = run_timed([MIGRATOR, "inspect", spec, "--format", "json"], args.repeat)

        from migrator.inspect import load

        start = time.perf_counter()
        schema = load(spec)
        in_process = time.perf_counter() - start
        tables = sum(len(ns.tables) for ns in schema.namespaces)

        peer = None
        node = shutil.which("node")
        wasm = args.node_modules / "node_modules" / "@prisma" / "prisma-schema-wasm" if args.node_modules else None
        if node and wasm and wasm.is_dir():
            env = user_environment()
            env["NODE_PATH"] = str(args.node_modules / "node_modules")
            peer, _ = run_timed([node, str(REPO / "bench" / "peers" / "prisma_dmmf.js"), str(folder)], args.repeat, env)
    label = f"inspect prisma, {args.models} models in {args.files} files ({tables} tables)"
    extra = f"in-process {in_process:.3f} s, peak memory {peak:.0f} MB (target < 1 s)"
    report(label, ours, "prisma-schema-wasm get_dmmf (node)" if peer else None, peer, extra)


if __name__ == "__main__":
    main()
