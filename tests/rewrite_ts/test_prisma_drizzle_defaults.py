"""`migrator rewrite --rules prisma-drizzle` with no --drizzle-schema / --drizzle-client: the settings
come from migrator.toml [rewrite], else from the project (drizzle.config.ts, a folder `migrator generate
drizzle` wrote, the scan's Drizzle entry module, the generated db.ts); nothing found is exit 2 with
one line saying what to run (migrator/rewrite/drizzle_defaults.py). Real files in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrator.rewrite.drizzle_defaults import resolve

from ..cli.test_inspect_cli import invoke, one_line_error
from ..conftest import EXAMPLES

PRISMA = """\
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}

model User {
  id    String  @id @default(cuid())
  email String  @unique
  name  String?
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId String
  author   User   @relation(fields: [authorId], references: [id])
}
"""

CLIENT = 'import { PrismaClient } from "@prisma/client";\n\nexport const prisma = new PrismaClient();\n'

SERVICE = """\
import { prisma } from "../prisma";

export async function userByEmail(email: string) {
  return prisma.user.findUnique({ where: { email } });
}

export async function search(filter: { name: string }) {
  return prisma.user.findMany({ where: filter });
}
"""


def prisma_only(root: Path, alias: bool = True) -> Path:
    """A Prisma-only project: package.json, prisma/schema.prisma, a client module and a service."""
    (root / "prisma").mkdir(parents=True)
    (root / "src" / "services").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "package.json").write_text('{"name": "app", "dependencies": {"@prisma/client": "5.22.0", "postgres": "3.4.5"}}\n')
    if alias:
        (root / "tsconfig.json").write_text('{"compilerOptions": {"strict": true, "paths": {"@/*": ["./src/*"]}}}\n')
    (root / "prisma" / "schema.prisma").write_text(PRISMA)
    (root / "src" / "prisma.ts").write_text(CLIENT)
    (root / "src" / "services" / "users.ts").write_text(SERVICE)
    return root


def test_prisma_only_project_after_generate_client_needs_no_options(tmp_path: Path, monkeypatch) -> None:
    root = prisma_only(tmp_path / "app")
    monkeypatch.chdir(root)
    # Before any Drizzle schema exists: exit 2, one line saying what to run.
    missing = invoke("rewrite", "--rules", "prisma-drizzle")
    assert missing.exit_code == 2
    line = one_line_error(missing)
    assert "no Drizzle schema found" in line
    assert "`migrator generate drizzle prisma:prisma/schema.prisma --out src/db --client`" in line

    generated = invoke("generate", "drizzle", "prisma:prisma/schema.prisma", "--out", "src/db", "--client")
    assert generated.exit_code == 0, generated.stderr
    assert (root / "src" / "db" / "db.ts").is_file() and (root / "drizzle.config.ts").is_file()

    result = invoke("rewrite", "--rules", "prisma-drizzle")
    assert result.exit_code == 1, result.stderr  # a dry run that would change a file
    assert "+import { db } from \"@/db/db\";" in result.stdout  # the generated client, through the alias
    assert "db.query.user.findFirst({ where: (t, { eq }) => eq(t.email, email) })" in result.stdout
    assert "`prisma.user.findMany()` not converted" in result.stdout  # the rest is a finding, never silent
    assert "2 prisma site(s): 1 would be converted, 1 reported" in result.stderr

    applied = invoke("rewrite", "--rules", "prisma-drizzle", "--apply")
    assert applied.exit_code == 0, applied.stderr
    assert 'from "@/db/db"' in (root / "src" / "services" / "users.ts").read_text()


def test_without_an_alias_the_client_is_imported_relative_to_each_file(tmp_path: Path, monkeypatch) -> None:
    root = prisma_only(tmp_path / "app", alias=False)
    monkeypatch.chdir(root)
    assert invoke("generate", "drizzle", "prisma:prisma/schema.prisma", "--out", "src/db", "--client").exit_code == 0
    found = resolve([Path(".")], None, None, None)
    assert found.drizzle_schema == "drizzle:src/db/schema.ts"  # drizzle.config.ts's schema:
    assert found.drizzle_client == "./src/db/db:db"
    assert found.origin[:2] == ("drizzle.config.ts", "scan")
    result = invoke("rewrite", "--rules", "prisma-drizzle", "src/services")
    assert result.exit_code == 1, result.stderr
    assert '+import { db } from "../db/db";' in result.stdout


def test_generated_folder_and_db_ts_found_without_a_drizzle_config(tmp_path: Path, monkeypatch) -> None:
    """No drizzle.config.ts (the project had one elsewhere, or it was deleted): the folder holding the
    file `migrator generate drizzle` wrote, and its db.ts."""
    root = prisma_only(tmp_path / "app")
    monkeypatch.chdir(root)
    assert invoke("generate", "drizzle", "prisma:prisma/schema.prisma", "--out", "src/db", "--client").exit_code == 0
    (root / "drizzle.config.ts").unlink()
    found = resolve([Path(".")], None, None, None)
    assert (found.drizzle_schema, found.origin[0]) == ("drizzle:src/db", "generated")
    assert found.drizzle_client == "@/db/db:db"


def test_the_scan_entry_module_is_the_client(tmp_path: Path, monkeypatch) -> None:
    """A hand-written Drizzle client module (not named db.ts, not exporting `db`) is found by the scan."""
    root = prisma_only(tmp_path / "app")
    monkeypatch.chdir(root)
    assert invoke("generate", "drizzle", "prisma:prisma/schema.prisma", "--out", "src/lib/schema").exit_code == 0
    (root / "drizzle.config.ts").write_text('import { defineConfig } from "drizzle-kit";\n'
                                            'export default defineConfig({ dialect: "postgresql", schema: "./src/lib/schema/schema.ts" });\n')
    (root / "src" / "lib" / "drizzle.ts").write_text(
        'import { drizzle } from "drizzle-orm/postgres-js";\nimport postgres from "postgres";\n'
        'import * as schema from "./schema/schema";\n\n'
        'export const drizzleDb = drizzle(postgres(process.env.DATABASE_URL!), { schema });\n')
    found = resolve([Path("src/services")], None, None, None)
    assert found.drizzle_schema == "drizzle:src/lib/schema/schema.ts"
    assert (found.drizzle_client, found.origin[1]) == ("@/lib/drizzle:drizzleDb", "scan")


def test_schema_found_but_no_client_is_exit_2_naming_the_option(tmp_path: Path, monkeypatch) -> None:
    root = prisma_only(tmp_path / "app")
    monkeypatch.chdir(root)
    assert invoke("generate", "drizzle", "prisma:prisma/schema.prisma", "--out", "src/db").exit_code == 0
    result = invoke("rewrite", "--rules", "prisma-drizzle")
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "no Drizzle client found" in line and "--drizzle-client MODULE:NAME" in line
    assert "`migrator generate drizzle prisma:prisma/schema.prisma --out src/db --client`" in line


def test_rewrite_keys_in_migrator_toml_relative_to_its_folder(tmp_path: Path, monkeypatch) -> None:
    root = prisma_only(tmp_path / "app", alias=False)
    monkeypatch.chdir(root)
    assert invoke("generate", "drizzle", "prisma:prisma/schema.prisma", "--out", "gen", "--client").exit_code == 0
    (root / "drizzle.config.ts").unlink()
    (root / "gen" / "client.ts").write_text((root / "gen" / "db.ts").read_text().replace("export const db", "export const orm"))
    (root / "migrator.toml").write_text('[rewrite]\ndrizzle_schema = "drizzle:gen"\ndrizzle_client = "./gen/client:orm"\n'
                                        'prisma_schema = "prisma/schema.prisma"\n')
    monkeypatch.chdir(root / "src")  # run from below: the config's paths stay relative to its folder
    found = resolve([Path("services")], None, None, None)
    assert found.drizzle_schema == "drizzle:../gen"
    assert found.drizzle_client == "../gen/client:orm"
    assert found.prisma_schema == "../prisma/schema.prisma"
    assert found.origin == ("migrator.toml",) * 3
    result = invoke("rewrite", "--rules", "prisma-drizzle", "services")
    assert result.exit_code == 1, result.stderr
    assert '+import { orm } from "../../gen/client";' in result.stdout
    # The options still win over the file.
    given = resolve([Path("services")], "drizzle:../gen/schema.ts", "@/x:y", None)
    assert (given.drizzle_schema, given.drizzle_client) == ("drizzle:../gen/schema.ts", "@/x:y")


@pytest.mark.parametrize(("table", "message"), [
    ('drizzle_shema = "drizzle:src/db"', "unknown key 'drizzle_shema' in [rewrite]; did you mean 'drizzle_schema'?"),
    ('drizzle_schema = "src/db"', 'drizzle_schema must be "drizzle:PATH"'),
    ('drizzle_schema = "drizle:src/db"', "did you mean 'drizzle:'?"),
    ('drizzle_client = "@/db"', 'drizzle_client must be "MODULE:NAME"'),
    ('drizzle_client = ["@/db:db"]', 'drizzle_client must be "MODULE:NAME"'),
    ('prisma_schema = 3', "prisma_schema must be a path"),
])
def test_bad_rewrite_keys_are_exit_2_with_file_and_line(tmp_path: Path, monkeypatch, table: str, message: str) -> None:
    root = prisma_only(tmp_path / "app")
    (root / "migrator.toml").write_text(f'fail_on = "error"\n\n[rewrite]\n{table}\n')
    monkeypatch.chdir(root)
    result = invoke("rewrite", "--rules", "prisma-drizzle")
    assert result.exit_code == 2
    line = one_line_error(result)
    assert line.startswith("error: migrator.toml:4: "), line
    assert message in line, line


def test_tutorme_defaults_find_its_own_port_and_client(tmp_path: Path, monkeypatch) -> None:
    """examples/tutorme: from its migrator.toml (what `migrator init` writes), and the same found without it."""
    with_config = resolve([EXAMPLES / "tutorme"], None, None, None, cwd=EXAMPLES.parent)
    assert with_config.drizzle_schema == "drizzle:examples/tutorme/src/lib/db/schema/index.ts"
    assert with_config.drizzle_client == "@/lib/db/drizzle:drizzleDb"
    assert with_config.origin[:2] == ("migrator.toml", "migrator.toml")
    root = tmp_path / "tutorme"
    shutil.copytree(EXAMPLES / "tutorme", root, ignore=shutil.ignore_patterns(".migrator", "migrator.toml", "node_modules"))
    (root / ".git").mkdir()
    found = resolve([root], None, None, None, cwd=tmp_path)
    assert found.drizzle_schema == "drizzle:tutorme/src/lib/db/schema/index.ts"
    assert found.drizzle_client == "@/lib/db/drizzle:drizzleDb"
    assert found.origin[:2] == ("drizzle.config.ts", "scan")
