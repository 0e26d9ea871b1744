"""`migrator rewrite --rules sql-drizzle` with no --drizzle-schema / --drizzle-client: the same defaults
as prisma-drizzle (migrator/rewrite/drizzle_defaults.py, tested for Prisma projects in
test_prisma_drizzle_defaults.py), here on a raw-SQL project with no Prisma at all, one test per
source of the default: migrator.toml [rewrite], drizzle.config.ts with the scan's client module, the
folder and db.ts `migrator generate drizzle --client` wrote, the options themselves; nothing found is
exit 2 naming what to run. Real files in tmp_path, the real CLI."""

from __future__ import annotations

from pathlib import Path

from migrator.rewrite.drizzle_defaults import resolve
from migrator.rewrite.sql_drizzle.engine import client_driver

from ..cli.test_inspect_cli import invoke, one_line_error

SCHEMA_SQL = """\
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text);
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL, author_id integer NOT NULL REFERENCES users (id));
"""

SERVICE = """\
import { Pool } from "pg";

const pool = new Pool();

export async function byEmail(email: string) {
  const { rows } = await pool.query("SELECT id FROM users WHERE email = $1", [email]);
  return rows;
}

export async function all() {
  const { rows } = await pool.query("SELECT * FROM users");
  return rows;
}
"""

CONVERTED = "const rows = await db.select({ id: users.id }).from(users).where(eq(users.email, email));"


def raw_sql_project(root: Path, alias: bool = False) -> Path:
    """A node-postgres project without Prisma: package.json, schema.sql, src/services/users.ts."""
    (root / "src" / "services").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "package.json").write_text('{"name": "app", "dependencies": {"pg": "8.16.3"}}\n')
    if alias:
        (root / "tsconfig.json").write_text('{"compilerOptions": {"strict": true, "paths": {"@/*": ["./src/*"]}}}\n')
    (root / "schema.sql").write_text(SCHEMA_SQL)
    (root / "src" / "services" / "users.ts").write_text(SERVICE)
    return root


def generate(out: str, client: bool = True) -> None:
    args = ["generate", "drizzle", "sql:schema.sql", "--dialect", "postgresql", "--out", out]
    done = invoke(*args, *(["--client"] if client else []))
    assert done.exit_code == 0, done.stderr


def test_nothing_found_is_exit_2_naming_the_generate_command(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(raw_sql_project(tmp_path / "app"))
    result = invoke("rewrite", "--rules", "sql-drizzle")
    assert result.exit_code == 2
    line = one_line_error(result)
    assert line.startswith("error: --rules sql-drizzle: no Drizzle schema found"), line
    # no Prisma schema to start from: the database is the source
    assert "`migrator generate drizzle $DATABASE_URL --out src/db --client`" in line


def test_drizzle_config_schema_and_the_scan_client_need_no_options(tmp_path: Path, monkeypatch) -> None:
    root = raw_sql_project(tmp_path / "app")
    monkeypatch.chdir(root)
    generate("src/db")
    found = resolve([Path(".")], None, None, None, rule_set="sql-drizzle")
    assert (found.drizzle_schema, found.drizzle_client) == ("drizzle:src/db/schema.ts", "./src/db/db:db")
    assert found.origin[:2] == ("drizzle.config.ts", "scan")
    result = invoke("rewrite", "--rules", "sql-drizzle")
    assert result.exit_code == 1, result.stderr  # a dry run that would change a file
    assert '+import { db } from "../db/db";' in result.stdout  # relative to each file
    assert '+import { users } from "../db/schema";' in result.stdout
    assert CONVERTED in result.stdout
    # `*`: the schema `migrator generate drizzle` wrote lists every column, in the database's order
    assert ".select({ id: users.id, email: users.email, name: users.name })\n+    .from(users);" in result.stdout
    assert "2 sql site(s): 2 would be converted, 0 reported" in result.stderr
    applied = invoke("rewrite", "--rules", "sql-drizzle", "--apply")
    assert applied.exit_code == 0, applied.stderr
    assert CONVERTED in (root / "src" / "services" / "users.ts").read_text()


def test_generated_folder_and_its_db_ts_without_a_drizzle_config(tmp_path: Path, monkeypatch) -> None:
    root = raw_sql_project(tmp_path / "app", alias=True)
    monkeypatch.chdir(root)
    generate("src/db")
    (root / "drizzle.config.ts").unlink()
    found = resolve([Path(".")], None, None, None, rule_set="sql-drizzle")
    assert (found.drizzle_schema, found.origin[0]) == ("drizzle:src/db", "generated")
    assert found.drizzle_client == "@/db/db:db"  # through the tsconfig alias
    # the client's driver (better-sqlite3 builders stay synchronous) is read from the module the alias names
    assert client_driver("@/db/db", root, root) == "node-postgres" == client_driver("./src/db/db", root, root)
    result = invoke("rewrite", "--rules", "sql-drizzle", "src/services")
    assert result.exit_code == 1, result.stderr
    assert '+import { db } from "@/db/db";' in result.stdout and CONVERTED in result.stdout


def test_a_hand_written_client_module_is_found_by_the_scan(tmp_path: Path, monkeypatch) -> None:
    """Not named db.ts, not exporting `db`: the scan's value flow proves it exports a drizzle() client
    (the same scan as the sql-drizzle engine's own, legacy layer sql-js)."""
    root = raw_sql_project(tmp_path / "app")
    monkeypatch.chdir(root)
    generate("src/schema", client=False)
    (root / "src" / "orm.ts").write_text('import { drizzle } from "drizzle-orm/node-postgres";\n'
                                         'import * as schema from "./schema/schema";\n\n'
                                         'export const orm = drizzle(process.env.DATABASE_URL!, { schema });\n')
    found = resolve([Path("src/services")], None, None, None, rule_set="sql-drizzle")
    assert (found.drizzle_client, found.origin[1]) == ("./src/orm:orm", "scan")
    result = invoke("rewrite", "--rules", "sql-drizzle", "src/services")
    assert result.exit_code == 1, result.stderr
    assert '+import { orm } from "../orm";' in result.stdout
    assert CONVERTED.replace("await db.", "await orm.") in result.stdout


def test_schema_without_a_client_is_exit_2_naming_the_option(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(raw_sql_project(tmp_path / "app"))
    generate("src/db", client=False)
    result = invoke("rewrite", "--rules", "sql-drizzle")
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "--rules sql-drizzle: no Drizzle client found" in line and "--drizzle-client MODULE:NAME" in line


def test_migrator_toml_keys_relative_to_its_folder_and_options_win(tmp_path: Path, monkeypatch) -> None:
    root = raw_sql_project(tmp_path / "app")
    monkeypatch.chdir(root)
    generate("gen")
    (root / "drizzle.config.ts").unlink()
    (root / "gen" / "client.ts").write_text((root / "gen" / "db.ts").read_text().replace("export const db", "export const orm"))
    (root / "migrator.toml").write_text('[rewrite]\ndrizzle_schema = "drizzle:gen/schema.ts"\n'
                                        'drizzle_client = "./gen/client:orm"\n')
    monkeypatch.chdir(root / "src")  # run from below: the config's paths stay relative to its folder
    found = resolve([Path("services")], None, None, None, rule_set="sql-drizzle")
    assert (found.drizzle_schema, found.drizzle_client) == ("drizzle:../gen/schema.ts", "../gen/client:orm")
    assert found.origin[:2] == ("migrator.toml", "migrator.toml")
    result = invoke("rewrite", "--rules", "sql-drizzle", "services")
    assert result.exit_code == 1, result.stderr
    assert '+import { orm } from "../../gen/client";' in result.stdout
    given = invoke("rewrite", "--rules", "sql-drizzle", "services", "--drizzle-client", "../gen/db:db")
    assert given.exit_code == 1, given.stderr
    assert '+import { db } from "../../gen/db";' in given.stdout and "import { orm }" not in given.stdout


def test_a_better_sqlite3_project_keeps_its_synchronous_calls(tmp_path: Path, monkeypatch) -> None:
    """The generated client is drizzle-orm/better-sqlite3 (package.json's driver): the engine reads that
    and converts `.get()` to the builder's own synchronous `.get()`, in a function that is not async."""
    root = tmp_path / "app"
    (root / "src").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "package.json").write_text('{"name": "app", "dependencies": {"better-sqlite3": "12.9.0"}}\n')
    (root / "schema.sql").write_text("CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);\n")
    (root / "src" / "users.ts").write_text(
        'import Database from "better-sqlite3";\n\nconst sqlite = new Database("app.db");\n\n'
        'export function byEmail(email: string) {\n'
        '  return sqlite.prepare("SELECT id FROM users WHERE email = ?").get(email);\n}\n')
    monkeypatch.chdir(root)
    done = invoke("generate", "drizzle", "sql:schema.sql", "--dialect", "sqlite", "--out", "src/db", "--client")
    assert done.exit_code == 0, done.stderr
    assert "drizzle-orm/better-sqlite3" in (root / "src" / "db" / "db.ts").read_text()
    result = invoke("rewrite", "--rules", "sql-drizzle")
    assert result.exit_code == 1, result.stderr
    assert "+  return db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();" in result.stdout
