"""Benchmark: `migrator inspect drizzle:...` on a generated 300-table Drizzle schema (target < 3 s).

The schema is spread over several files the way projects write it: enums in one module,
a shared `timestamps` spread, tables split across files that import each other, and a
barrel index.ts. Each table has an enum column, references to the previous table, a
unique column, two indexes and a check. Timed as a whole command (interpreter start-up
included) and in-process (parse, evaluate, map, snapshot).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import MIGRATOR, report, run_timed  # noqa: E402

FILES = 6


def generate(folder: Path, tables: int) -> None:
    (folder / "enums.ts").write_text(
        'import { pgEnum } from "drizzle-orm/pg-core";\n'
        + "".join(f'export const status{e} = pgEnum("status_{e}", ["draft", "active", "archived"]);\n' for e in range(10))
    )
    (folder / "_shared.ts").write_text(
        'import { sql } from "drizzle-orm";\nimport { timestamp } from "drizzle-orm/pg-core";\n'
        "export const timestamps = {\n"
        '  createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),\n'
        '  updatedAt: timestamp("updated_at", { precision: 3 }).default(sql`CURRENT_TIMESTAMP`).$onUpdate(() => new Date()),\n'
        "};\n"
    )
    per_file = (tables + FILES - 1) // FILES
    for f in range(FILES):
        lines = [
            'import { sql } from "drizzle-orm";',
            'import { check, index, integer, jsonb, numeric, pgTable, serial, text, uniqueIndex, varchar } from "drizzle-orm/pg-core";',
            'import { timestamps } from "./_shared";',
            "import * as enums from \"./enums\";",
        ]
        if f:
            lines.append(f'import {{ t{f * per_file - 1} }} from "./tables{f - 1}";')
        for t in range(f * per_file, min(tables, (f + 1) * per_file)):
            parent = f"  parentId: integer(\"parent_id\").references(() => t{t - 1}.id, {{ onDelete: \"cascade\" }}),\n" if t else ""
            lines.append(
                f'export const t{t} = pgTable("t{t}", {{\n'
                '  id: serial("id").primaryKey(),\n'
                '  code: varchar("code", { length: 40 }).notNull().unique(),\n'
                f'  status: enums.status{t % 10}("status").default("draft").notNull(),\n'
                '  amount: numeric("amount", { precision: 12, scale: 2 }).default("0"),\n'
                '  attrs: jsonb("attrs").default({}),\n'
                '  note: text("note"),\n'
                f"{parent}"
                "  ...timestamps,\n"
                "}, (t) => [\n"
                f'  index("t{t}_created_idx").on(t.createdAt.desc()),\n'
                f'  uniqueIndex("t{t}_status_code_idx").on(t.status, t.code).where(sql`${{t.note}} is not null`),\n'
                f'  check("t{t}_amount_check", sql`${{t.amount}} >= 0`),\n'
                "]);"
            )
        (folder / f"tables{f}.ts").write_text("\n".join(lines) + "\n")
    (folder / "index.ts").write_text(
        'export * from "./enums";\n' + "".join(f'export * from "./tables{f}";\n' for f in range(FILES))
    )


def in_process(spec: str, repeat: int) -> float:
    from migrator import inspect as sources
    from migrator.schema import to_json

    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        schema = sources.load(spec)
        to_json(schema)
        best = min(best, time.perf_counter() - start)
        # A fresh reading each time: nothing is cached between loads.
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "schema"
        folder.mkdir()
        generate(folder, args.tables)
        spec = f"drizzle:{folder / 'index.ts'}"
        ours, peak = run_timed([MIGRATOR, "inspect", spec, "--format", "json"], args.repeat)
        report(f"inspect drizzle, {args.tables} tables in {FILES} files", ours, extra=f"peak memory {peak:.0f} MB (target < 3 s)")
        report(f"inspect drizzle, {args.tables} tables, in-process", in_process(spec, args.repeat))


if __name__ == "__main__":
    main()
