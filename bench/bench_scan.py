"""Benchmark: `migrator scan` on a generated 20,000-file TypeScript/Python repository against ripgrep.

About 10% of the files touch a database: TypeScript through a Prisma entry module
(`@/lib/db`), Drizzle or raw `pg`; Python through an `app.db` module (legacy
`session.query` and 2.0 `select`). The peer is `rg -c` for the layers' import strings on
the same tree (what a hand-made progress count does). Targets: cold scan <= 5x ripgrep,
warm re-scan <= 2x, peak memory < 500 MB. The tree is committed with ten files edited since,
as a developer's is; a warm re-scan of the same tree with nothing committed is printed beside it.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import MIGRATOR, report, run_timed  # noqa: E402

PLAIN_TS = """import {{ format }} from "./util";

export function helper{i}(value: string): string {{
  // formats the value for display
  const parts = value.split(",").map((p) => p.trim());
  return format(parts.join(" "), {i});
}}
"""
PRISMA_TS = """import {{ db }} from "@/lib/db";

export async function load{i}(id: string) {{
  const user = await db.user.findUnique({{ where: {{ id }} }});
  const posts = await db.post.findMany({{ where: {{ authorId: id }}, take: {i} }});
  return {{ user, posts }};
}}
"""
DRIZZLE_TS = """import {{ eq }} from "drizzle-orm";
import {{ drizzleDb }} from "@/lib/db/drizzle";
import {{ users }} from "@/lib/db/schema";

export async function find{i}(id: string) {{
  return drizzleDb.select().from(users).where(eq(users.id, id));
}}
"""
PLAIN_PY = '''"""Module {i}: pure helpers."""


def helper_{i}(values):
    # no database here
    return sorted(v * {i} for v in values)
'''
LEGACY_PY = '''from app.db import SessionLocal
from app.models import User


def load_{i}(user_id):
    session = SessionLocal()
    return session.query(User).filter(User.id == user_id).first()
'''
MODERN_PY = '''from sqlalchemy import select

from app.db import SessionLocal
from app.models import User


def load_{i}(user_id):
    with SessionLocal() as session:
        return session.scalars(select(User).where(User.id == user_id)).first()
'''


def generate(root: Path, files: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    (root / "src" / "lib" / "db").mkdir(parents=True)
    (root / "app").mkdir()
    (root / "tsconfig.json").write_text('{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["./src/*"]}}}\n')
    (root / "src" / "lib" / "db" / "index.ts").write_text(
        'import { PrismaClient } from "@prisma/client";\n\nexport const db = new PrismaClient();\n')
    (root / "src" / "lib" / "db" / "drizzle.ts").write_text(
        'import { drizzle } from "drizzle-orm/postgres-js";\nimport postgres from "postgres";\n\n'
        'export const drizzleDb = drizzle(postgres(process.env.DATABASE_URL!));\n')
    (root / "src" / "lib" / "db" / "schema.ts").write_text(
        'import { pgTable, text } from "drizzle-orm/pg-core";\n\nexport const users = pgTable("users", { id: text("id").primaryKey() });\n')
    (root / "src" / "util.ts").write_text("export const format = (s: string, n: number) => `${s}:${n}`;\n")
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "db.py").write_text(
        "import os\n\nfrom sqlalchemy import create_engine\nfrom sqlalchemy.orm import sessionmaker\n\n"
        "engine = create_engine(os.environ['DATABASE_URL'])\nSessionLocal = sessionmaker(bind=engine)\n")
    (root / "app" / "models.py").write_text(
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\n"
        "class User(Base):\n    __tablename__ = 'users'\n    id: Mapped[int] = mapped_column(primary_key=True)\n")
    for i in range(files):
        folder = f"pkg{i % 200}"
        db = rng.random() < 0.10
        if i % 5 < 3:  # TypeScript
            text = (PRISMA_TS if rng.random() < 0.6 else DRIZZLE_TS) if db else PLAIN_TS
            path = root / "src" / "features" / folder / f"mod{i}.ts"
            if not db:
                (path.parent / "util.ts").parent.mkdir(parents=True, exist_ok=True)
                if not (path.parent / "util.ts").exists():
                    (path.parent / "util.ts").write_text("export const format = (s: string, n: number) => `${s}:${n}`;\n")
        else:
            text = (LEGACY_PY if rng.random() < 0.6 else MODERN_PY) if db else PLAIN_PY
            path = root / "app" / folder / f"mod{i}.py"
            if not (path.parent / "__init__.py").exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                (path.parent / "__init__.py").write_text("")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(i=i))


def make_repository(root: Path, files: int, *, commit: bool = True) -> None:
    """The generated tree as a developer has it: committed, with a few files edited since
    (`commit=False`: a `git init` with nothing committed, every file untracked)."""
    generate(root, files)
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    if not commit:
        return
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "generated"], check=True)
    for path in sorted(root.glob("src/features/*/mod0.ts"))[:10]:
        path.write_text(path.read_text() + "// edited\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rg = shutil.which("rg")
    if rg is None:
        raise SystemExit("ripgrep (rg) not found: apt-get install ripgrep")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        make_repository(root, args.files)
        patterns = ["@prisma/client", "drizzle-orm", "@/lib/db", "sqlalchemy", "from app.db"]
        peer, _ = run_timed([rg, "-c", *sum((["-e", p] for p in patterns), []), str(root)], args.repeat,
                            allowed_exit_codes=(1,))
        cold, peak = run_timed([MIGRATOR, "scan", str(root), "--format", "json", "--no-cache"], args.repeat)
        run_timed([MIGRATOR, "scan", str(root), "--format", "json"], 1)  # fills the cache
        warm, warm_peak = run_timed([MIGRATOR, "scan", str(root), "--format", "json"], args.repeat)
        untracked = Path(tmp) / "untracked"
        untracked.mkdir()
        make_repository(untracked, args.files, commit=False)
        run_timed([MIGRATOR, "scan", str(untracked), "--format", "json"], 1)
        warm_untracked, _ = run_timed([MIGRATOR, "scan", str(untracked), "--format", "json"], args.repeat)
    report(f"scan {args.files} files, cold (no cache)", cold, "rg -c", peer, f"peak memory {peak:.0f} MB (target: ratio <= 5, < 500 MB)")
    report(f"scan {args.files} files, warm (cached)", warm, "rg -c", peer, f"peak memory {warm_peak:.0f} MB (target: ratio <= 2)")
    report(f"scan {args.files} files, warm, nothing committed (every file stat-ed)", warm_untracked, "rg -c", peer, "")


if __name__ == "__main__":
    main()
