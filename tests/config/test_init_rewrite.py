"""`migrator init` writes [rewrite] drizzle_schema / drizzle_client / prisma_schema when the project has
a Prisma schema and a Drizzle schema (the client found as `migrator rewrite --rules prisma-drizzle` finds it)."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from migrator.config import load_config
from migrator.config_init import detect, render_starter_config

from ..cli.test_inspect_cli import invoke
from ..conftest import EXAMPLES
from ..rewrite_ts.test_prisma_drizzle_defaults import prisma_only


def test_tutorme_gets_its_port_and_client(tmp_path: Path) -> None:
    root = tmp_path / "tutorme"
    shutil.copytree(EXAMPLES / "tutorme", root, ignore=shutil.ignore_patterns(".migrator", "migrator.toml", "node_modules"))
    data = tomllib.loads(render_starter_config(detect(root)))
    assert data["rewrite"] == {"drizzle_schema": "drizzle:src/lib/db/schema/index.ts",
                               "drizzle_client": "@/lib/db/drizzle:drizzleDb",
                               "prisma_schema": "prisma/schema.prisma"}


def test_prisma_only_has_no_rewrite_table_until_generate_client(tmp_path: Path, monkeypatch) -> None:
    root = prisma_only(tmp_path / "app", alias=False)
    assert "rewrite" not in tomllib.loads(render_starter_config(detect(root)))
    monkeypatch.chdir(root)
    assert invoke("generate", "drizzle", "prisma:prisma/schema.prisma", "--out", "src/db", "--client").exit_code == 0
    assert invoke("init").exit_code == 0
    config = load_config(root)
    assert config is not None and dict(config.rewrite) == {
        "drizzle_schema": "drizzle:src/db/schema.ts", "drizzle_client": "./src/db/db:db", "prisma_schema": "prisma/schema.prisma"}
    monkeypatch.chdir(root / "src")
    result = invoke("rewrite", "--rules", "prisma-drizzle", "services")
    assert result.exit_code == 1, result.stderr
    assert '+import { db } from "../db/db";' in result.stdout


def test_a_drizzle_schema_without_a_client_writes_the_key_commented(tmp_path: Path, monkeypatch) -> None:
    root = prisma_only(tmp_path / "app")
    monkeypatch.chdir(root)
    assert invoke("generate", "drizzle", "prisma:prisma/schema.prisma", "--out", "src/db").exit_code == 0
    text = render_starter_config(detect(root))
    assert '\n[rewrite]\ndrizzle_schema = "drizzle:src/db"\n# drizzle_client = ' in text
    assert tomllib.loads(text)["rewrite"] == {"drizzle_schema": "drizzle:src/db", "prisma_schema": "prisma/schema.prisma"}
