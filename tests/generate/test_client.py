"""`migrator generate drizzle --client`: db.ts with the project's driver and the source's URL variable,
and drizzle.config.ts where the project has none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..cli.test_inspect_cli import invoke
from ..conftest import EXAMPLES

PRISMA = EXAMPLES / "tutorme" / "prisma" / "schema.prisma"


def project(tmp_path: Path, deps: dict[str, str]) -> Path:
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": deps}))
    return tmp_path


@pytest.mark.parametrize(("deps", "entry", "note"), [
    ({"pg": "^8"}, 'from "drizzle-orm/node-postgres"', "package.json depends on pg"),
    ({"postgres": "^3"}, 'import postgres from "postgres";', "package.json depends on postgres"),
    ({}, 'from "drizzle-orm/node-postgres"', "none in package.json: npm i pg"),
])
def test_the_driver_is_the_project_s(tmp_path: Path, deps: dict, entry: str, note: str) -> None:
    root = project(tmp_path, deps)
    result = invoke("generate", "drizzle", f"prisma:{PRISMA}", "--out", str(root / "src" / "db"), "--client", "--verify")
    assert result.exit_code == 0, result.output
    db = (root / "src" / "db" / "db.ts").read_text()
    assert entry in db and note in db
    assert 'import * as schema from "./schema";' in db
    assert "process.env.DATABASE_URL!" in db  # the Prisma datasource's url = env("DATABASE_URL")
    config = (root / "drizzle.config.ts").read_text()
    assert 'schema: "./src/db/schema.ts"' in config and 'out: "./drizzle"' in config and 'dialect: "postgresql"' in config


def test_an_existing_config_is_kept_and_a_migrations_folder_found(tmp_path: Path) -> None:
    root = project(tmp_path, {"better-sqlite3": "^11"})
    (root / "db" / "migrations" / "meta").mkdir(parents=True)
    (root / "db" / "migrations" / "meta" / "_journal.json").write_text("{}")
    prisma = tmp_path / "schema.prisma"
    prisma.write_text('datasource db {\n  provider = "sqlite"\n  url = env("SQLITE_URL")\n}\n\n'
                      "model Note {\n  id Int @id @default(autoincrement())\n  body String\n}\n")
    first = invoke("generate", "drizzle", f"prisma:{prisma}", "--out", str(root / "gen"), "--client", "--layout", "per-table")
    assert first.exit_code == 0, first.output
    db = (root / "gen" / "db.ts").read_text()
    assert "new Database(process.env.SQLITE_URL!.replace(/^file:/, \"\").replace(/\\?.*$/, \"\"))" in db and 'import * as schema from "./index";' in db
    config = root / "drizzle.config.ts"
    assert 'out: "./db/migrations"' in config.read_text() and 'schema: "./gen/index.ts"' in config.read_text()
    config.write_text("// mine\n")
    again = invoke("generate", "drizzle", f"prisma:{prisma}", "--out", str(root / "gen"), "--client", "--layout", "per-table")
    assert again.exit_code == 0 and config.read_text() == "// mine\n"
    # Without --client a later run removes the db.ts it wrote: the folder holds only what was asked for.
    third = invoke("generate", "drizzle", f"prisma:{prisma}", "--out", str(root / "gen"), "--layout", "per-table")
    assert third.exit_code == 0 and not (root / "gen" / "db.ts").exists()
