"""drizzle-kit as the oracle of generated Drizzle schemas: its own `generate` turns the files into SQL.

The tool is pinned in tests/node/package-lock.json and installed by `make test` (npm ci) where
Node.js is. A test that needs it skips, saying why, only when Node.js is absent; with Node.js
present and the tools not installed it fails (CI must never skip it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

NODE_MODULES = Path(__file__).resolve().parent / "node" / "node_modules"
DRIZZLE_KIT = NODE_MODULES / ".bin" / "drizzle-kit"


def require_drizzle_kit() -> Path:
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: the drizzle-kit oracle needs it (the Python side is tested without it)")
    if not DRIZZLE_KIT.exists():
        pytest.fail("drizzle-kit is not installed: run `make tests/node/node_modules/.installed` (npm ci in tests/node)")
    return DRIZZLE_KIT


def drizzle_kit_sql(schema: Path, dialect: str, *more: Path) -> str:
    """The SQL `drizzle-kit generate` writes for the schema file or folder `schema` (and `more`:
    other files or folders of the same schema), its first migration from nothing, statements
    split on drizzle-kit's breakpoints and joined."""
    binary = require_drizzle_kit()
    with tempfile.TemporaryDirectory(prefix="migrator-drizzle-kit-") as tmp:
        config = Path(tmp) / "drizzle.config.json"
        targets = [str(p if p.is_file() else p / "*.ts") for p in (s.resolve() for s in (schema, *more))]
        config.write_text(json.dumps({"dialect": dialect, "schema": targets if more else targets[0], "out": str(Path(tmp) / "out")}))
        # The generated files import drizzle-orm: resolved from the pinned tools' folder.
        env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
        proc = subprocess.run([str(binary), "generate", "--config", str(config)], capture_output=True, text=True,
                              env=env, cwd=tmp, timeout=180)
        if proc.returncode != 0:
            raise AssertionError(f"drizzle-kit generate failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        files = sorted((Path(tmp) / "out").glob("*.sql"))
        if not files:
            raise AssertionError(f"drizzle-kit generate wrote no SQL:\n{proc.stdout}\n{proc.stderr}")
        return "\n".join(
            part.strip() for f in files for part in f.read_text(encoding="utf-8").split("--> statement-breakpoint") if part.strip())
