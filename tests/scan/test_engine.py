"""The scan engine on real trees: listing, pre-filter and entry-module expansion, cache, status, areas, owners."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from migrator.scan import engine
from migrator.scan.engine import Codeowners, ScanOptions, area_of, guess_roles, scan

from ..conftest import EXAMPLES, REPO
from .trees import FIXTURES

SCAN_SCHEMA = json.loads((REPO / "schemas" / "scan.v1.json").read_text())


def write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


TREE = {
    "tsconfig.json": '{ // comments are allowed\n "compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["./src/*"]},},\n}\n',
    "src/lib/db.ts": 'import { PrismaClient } from "@prisma/client";\nexport const db = new PrismaClient();\n',
    "src/lib/orm.ts": 'import { drizzle } from "drizzle-orm/node-postgres";\nexport const orm = drizzle(process.env.DATABASE_URL!);\n',
    # No layer marker in these two: found only through the entry modules' import paths.
    "app/api/users/route.ts": 'import { db } from "@/lib/db";\nexport const GET = () => db.user.findMany();\n',
    "app/api/posts/route.ts": 'import { db } from "@/lib/db";\nimport { orm } from "@/lib/orm";\nimport { posts } from "@/lib/schema";\n'
                              'export const GET = async () => { await db.post.count(); return orm.select().from(posts); };\n',
    "src/lib/schema.ts": 'import { pgTable, text } from "drizzle-orm/pg-core";\nexport const posts = pgTable("posts", { id: text("id") });\n',
    "src/components/Button.tsx": "export const Button = () => <button>prisma is mentioned only here</button>;\n",
    "tests/users.test.ts": 'import { db } from "../src/lib/db";\ntest("x", async () => { await db.user.deleteMany(); });\n',
    "CODEOWNERS": "*            @web\n/src/lib/    @data\n/app/api/**/route.ts @api\n",
}


def test_layers_status_areas_and_owners(tmp_path: Path) -> None:
    root = write(tmp_path, TREE)
    result = scan(root, ScanOptions(cache=False))
    files = {f.path: f for f in result.files}
    assert (result.legacy, result.target) == (("prisma",), ("drizzle",))
    assert files["app/api/users/route.ts"].status == "legacy"
    assert files["app/api/posts/route.ts"].status == "mixed"
    # Declaring a table is not a database call: the schema module is neither legacy nor target.
    assert (files["src/lib/schema.ts"].status, files["src/lib/schema.ts"].role) == ("none", "schema")
    assert files["src/lib/schema.ts"].imported == ("drizzle",)
    assert {files[p].role for p in ("app/api/users/route.ts", "app/api/posts/route.ts")} == {"calls"}
    assert (files["src/lib/db.ts"].status, files["src/lib/db.ts"].role) == ("none", "client")
    assert "src/components/Button.tsx" not in files  # a mention is not a use
    site = files["app/api/users/route.ts"].sites[0]
    assert (site.line, site.layer, site.model, site.operation, site.via) == (2, "prisma", "user", "findMany", "src/lib/db.ts")
    assert files["tests/users.test.ts"].area == "tests"
    assert files["app/api/users/route.ts"].area == "api routes"
    assert files["app/api/users/route.ts"].owners == ("@api",)
    assert files["src/lib/schema.ts"].owners == ("@data",)
    assert {e.path: e.layer for e in result.entry_modules} == {"src/lib/db.ts": "prisma", "src/lib/orm.ts": "drizzle"}
    assert result.entry_modules[1].env == ("DATABASE_URL",)
    jsonschema.validate(json.loads(json.dumps(result.to_dict())), SCAN_SCHEMA)


def test_gitignore_is_respected_and_dependencies_skipped(tmp_path: Path) -> None:
    root = write(tmp_path, {**TREE, "build/gen.ts": TREE["app/api/users/route.ts"],
                            "node_modules/x/index.ts": TREE["src/lib/db.ts"], ".gitignore": "build/\n"})
    git(root, "init", "-q")
    paths = engine.list_files(root, ScanOptions())
    assert "app/api/users/route.ts" in paths
    assert not any(p.startswith(("build/", "node_modules/")) for p in paths)


def test_broken_binary_and_minified_files_are_counted_not_fatal(tmp_path: Path) -> None:
    root = write(tmp_path, {**TREE, "src/bad.ts": '(((\nimport { db } from "@/lib/db";\nconst x = (;\n',
                            "src/bundle.js": "import '@prisma/client';" + "var a=1;" * 5000 + "\n"})
    (root / "src" / "blob.py").write_bytes(b"import sqlalchemy\x00\x01\x02")
    result = scan(root, ScanOptions(cache=False))
    reasons = dict(result.skipped)
    assert reasons["src/bad.ts"].startswith("syntax error at ")
    assert reasons["src/bundle.js"] == "minified"
    assert reasons["src/blob.py"] in ("binary", "null bytes")


def test_a_warm_rescan_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, TREE)
    first = scan(root, ScanOptions(jobs=1))
    parsed: list[str] = []
    original = engine._analyze_one

    def counting(args):
        parsed.append(args[0])
        return original(args)

    monkeypatch.setattr(engine, "_analyze_one", counting)
    second = scan(root, ScanOptions(jobs=1))
    assert parsed == []
    assert second.files == first.files
    (root / "app" / "api" / "users" / "route.ts").write_text(TREE["app/api/users/route.ts"] + "// edited\n")
    scan(root, ScanOptions(jobs=1))
    assert parsed == ["app/api/users/route.ts"]
    assert (root / ".migrator" / "cache" / ".gitignore").read_text().strip().endswith("*")


def test_a_warm_rescan_of_a_committed_tree_sees_every_kind_of_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a git work tree the stored result is keyed on git's word for the files it vouches
    unchanged (index blob ids) and on a stat of the rest: an edit, a staged edit, a new
    untracked file and a deleted one each invalidate it, and an unchanged tree reuses it."""
    root = write(tmp_path, TREE)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "tree")

    def users_sites() -> int:
        files = {f.path: f for f in scan(root, ScanOptions(jobs=1)).files}
        return len(files["app/api/users/route.ts"].sites) if "app/api/users/route.ts" in files else -1

    route = root / "app" / "api" / "users" / "route.ts"
    assert users_sites() == 1
    monkeypatch.setattr(engine, "_analyze", lambda *args: pytest.fail("an unchanged tree was analyzed"))
    assert users_sites() == 1
    monkeypatch.undo()
    route.write_text(TREE["app/api/users/route.ts"] + "export const POST = () => db.user.create({ data: {} });\n")
    assert users_sites() == 2  # edited in the work tree
    git(root, "add", str(route))
    assert users_sites() == 2  # the same edit, staged
    (root / "app" / "api" / "users" / "extra.ts").write_text('import { db } from "@/lib/db";\nexport const n = () => db.user.count();\n')
    assert "app/api/users/extra.ts" in {f.path for f in scan(root, ScanOptions(jobs=1)).files}  # untracked
    route.unlink()
    assert users_sites() == -1  # deleted, and not listed as unreadable
    assert not scan(root, ScanOptions(jobs=1)).skipped


def test_parallel_and_serial_scans_agree(tmp_path: Path) -> None:
    files = dict(TREE)
    for i in range(80):
        files[f"app/api/r{i}/route.ts"] = TREE["app/api/users/route.ts"]
    root = write(tmp_path, files)
    serial = scan(root, ScanOptions(cache=False, jobs=1))
    parallel = scan(root, ScanOptions(cache=False, jobs=2))
    assert serial.files == parallel.files


def test_tutorme_matches_its_readme(tmp_path: Path) -> None:
    root = tmp_path / "tutorme"
    shutil.copytree(EXAMPLES / "tutorme", root, ignore=shutil.ignore_patterns(".migrator"))
    result = scan(root, ScanOptions(cache=False))
    status = {f.path: f.status for f in result.files}
    assert status["app/api/bookings/[id]/route.ts"] == "mixed"
    assert status["app/api/dashboard/route.ts"] == "mixed"
    assert status["app/api/tutors/route.ts"] == "target"
    assert status["src/lib/services/bookings.ts"] == "legacy"
    assert status["src/lib/services/reviews.ts"] == "target"
    assert "src/lib/logger.ts" not in status  # mentions Prisma only in strings and comments
    # Files without call sites are status none, whatever they import, and say what they are.
    roles = {f.path: f.role for f in result.files if not f.sites}
    assert roles == {
        "src/lib/db/index.ts": "client", "src/lib/db/drizzle.ts": "client",
        **{f"src/lib/db/schema/{name}.ts": "schema" for name in ("bookings", "enums", "relations", "reviews", "tutors", "users")},
    }
    assert {status[path] for path in roles} == {"none"}
    owners = {f.path: f.owners for f in result.files}
    assert owners["app/api/payments/webhook/route.ts"] == ("@tutorme/payments",)


def test_learnhub_roles_are_guessed() -> None:
    result = scan(EXAMPLES / "learnhub", ScanOptions(cache=False))
    assert (result.legacy, result.target) == (("sqlalchemy-legacy",), ("sqlalchemy",))
    assert any(f.status == "legacy" for f in result.files)


@pytest.mark.parametrize(
    ("path", "area"),
    [("app/api/x/route.ts", "api routes"), ("src/lib/db.ts", "libs and services"), ("scripts/seed.ts", "scripts"),
     ("prisma/seed.ts", "migrations"), ("src/app/page.tsx", "pages and components"), ("pkg/test_models.py", "tests"),
     ("app/(dashboard)/bookings/actions.ts", "server actions")],
)
def test_default_areas(path: str, area: str) -> None:
    assert area_of(path, engine.DEFAULT_AREAS) == area


def test_codeowners_last_match_wins() -> None:
    owners = Codeowners.parse("*.ts @ts\n/docs/ @docs\nsrc/**/db.ts @data @dba\n# comment\nREADME.md @docs\n")
    assert owners.of("src/lib/db.ts") == ("@data", "@dba")
    assert owners.of("src/a.ts") == ("@ts",)
    assert owners.of("docs/guide/x.md") == ("@docs",)
    assert owners.of("nested/README.md") == ("@docs",)
    assert owners.of("other.py") == ()


def test_role_guessing_pairs_each_target_once() -> None:
    assert guess_roles({"prisma", "drizzle", "sql-js"}) == (("prisma",), ("drizzle",))
    assert guess_roles({"sqlalchemy-legacy", "sqlalchemy", "dbapi"}) == (("sqlalchemy-legacy",), ("sqlalchemy",))
    assert guess_roles({"prisma"}) == ((), ())


def test_import_names_are_read_from_the_bytes() -> None:
    from migrator.scan.engine import import_stems, module_stem

    text = (b'import { db } from "@/lib/db";\nconst u = require("../util/index.js");\n'
            b"from app.db import SessionLocal, get_db\nfrom . import (models,\n  views)\nimport os.path, app.settings as s\n")
    assert import_stems(text) == {"db", "util", "SessionLocal", "get_db", "models", "views", "path", "settings"}
    assert [module_stem(p) for p in ("src/lib/db/index.ts", "app/db.py", "app/models/__init__.py")] == ["db", "db", "models"]


def test_workspace_packages_and_memoized_clients(tmp_path: Path) -> None:
    """Regression (documenso): the client lives in a workspace package (`@acme/prisma`) and is
    made inside a memoizing helper; 0 call sites were found before."""
    root = write(tmp_path, {
        "package.json": '{"name": "acme", "workspaces": ["packages/*", "apps/*"]}\n',
        "packages/prisma/package.json": '{"name": "@acme/prisma", "main": "./index.ts", "types": "./index.ts"}\n',
        "packages/prisma/index.ts": (
            'import { PrismaClient } from "@prisma/client";\n'
            'import { remember } from "./remember";\n'
            'const prisma = remember("prisma", () => new PrismaClient());\n'
            'export const withReplicas = remember("r", () => {\n  if (!process.env.REPLICAS) {\n    return prisma;\n  }\n'
            '  return prisma.$extends({});\n});\n'
            'export { withReplicas as prisma };\n'
        ),
        "packages/prisma/remember.ts": "export const remember = <T>(name: string, make: () => T): T => make();\n",
        "packages/lib/package.json": '{"name": "@acme/lib", "exports": {".": "./src/index.ts"}}\n',
        "packages/lib/src/index.ts": 'import { prisma } from "@acme/prisma";\nexport const users = () => prisma.user.findMany();\n',
        "apps/web/page.ts": 'import { users } from "@acme/lib";\nimport { prisma } from "@acme/prisma/index";\n'
                            'export const load = async () => [await users(), await prisma.team.count()];\n',
    })
    git(root, "init", "-q")
    result = scan(root, ScanOptions(cache=False, legacy=("prisma",)))
    sites = {(s.file, s.model, s.operation) for f in result.files for s in f.sites}
    assert ("packages/lib/src/index.ts", "user", "findMany") in sites
    assert ("apps/web/page.ts", "team", "count") in sites
    assert [e.path for e in result.entry_modules] == ["packages/prisma/index.ts"]


def test_a_local_syntax_error_is_read_around_and_named(tmp_path: Path) -> None:
    """The grammar lags TypeScript (`export type * from`): the barrel is still followed, and the
    unreadable statement is a note with file:line:col."""
    root = write(tmp_path, {**TREE,
                            "src/lib/index.ts": 'export type * from "./types";\nexport { db } from "./db";\n',
                            "src/lib/types.ts": "export type Id = string;\n",
                            "src/api/via_barrel.ts": 'import { db } from "../lib";\n\nexport const n = () => db.user.count();\n'})
    result = scan(root, ScanOptions(cache=False))
    assert "src/lib/index.ts" not in dict(result.skipped)
    assert any(n.startswith("src/lib/index.ts:1:") for n in result.notes), result.notes
    (via,) = [f for f in result.files if f.path == "src/api/via_barrel.ts"]
    assert [(s.line, s.layer, s.model, s.operation) for s in via.sites] == [(3, "prisma", "user", "count")]


def test_files_reaching_a_client_through_a_member_name_are_scanned(tmp_path: Path) -> None:
    """A tRPC router imports nothing that holds a client: `ctx.db` reaches it through the
    context factory's `{ db }`. The scan must still read the router (field-based flow)."""
    fixture = FIXTURES / "ts" / "trpc_context"
    root = tmp_path / "app"
    shutil.copytree(fixture, root)
    result = scan(root, ScanOptions(cache=False))
    (router,) = [f for f in result.files if f.path == "src/server/api/routers/post.ts"]
    assert [(s.line, s.model, s.operation) for s in router.sites] == [
        (5, "post", "findMany"), (7, "-", "$transaction"), (8, "post", "create"), (9, "auditLog", "create"), (16, "post", "count")]


def test_sveltekit_lib_alias_resolves_without_the_generated_tsconfig(tmp_path: Path) -> None:
    """SvelteKit's `$lib` is defined by the framework (its tsconfig is generated at build time)."""
    root = write(tmp_path, {
        "svelte.config.js": "export default { kit: {} };\n",
        "src/lib/server/db.ts": 'import { drizzle } from "drizzle-orm/libsql";\nexport const db = drizzle("file:x.db");\n',
        "src/routes/+page.server.ts": 'import { db } from "$lib/server/db";\nexport const load = () => db.select().from(t);\n',
    })
    result = scan(root, ScanOptions(cache=False))
    (page,) = [f for f in result.files if f.path == "src/routes/+page.server.ts"]
    assert [(s.line, s.layer, s.operation) for s in page.sites] == [(2, "drizzle", "select")]


SCHEMA_TREE = {
    # A Drizzle schema module (pg-core builders) and its relations module (drizzle-orm's `relations`).
    "src/db/schema.ts": ('import { pgEnum, pgTable, text } from "drizzle-orm/pg-core";\n'
                         'export const role = pgEnum("role", ["a", "b"]);\n'
                         'export const users = pgTable("users", { id: text("id"), role: role("role") });\n'),
    "src/db/relations.ts": ('import { relations } from "drizzle-orm";\nimport { users } from "./schema";\n'
                            'export const usersRelations = relations(users, () => ({}));\n'),
    "src/db/client.ts": 'import { drizzle } from "drizzle-orm/node-postgres";\nimport * as schema from "./schema";\n'
                        'export const db = drizzle(process.env.DATABASE_URL!, { schema });\n',
    "src/routes/users.ts": 'import { db } from "../db/client";\nimport { users } from "../db/schema";\n'
                           'export const list = () => db.select().from(users);\n',
    # A SQLAlchemy 2.0 models module, an Alembic migration, a session module and a service.
    "app/models.py": ("from sqlalchemy import String\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
                      "class Base(DeclarativeBase):\n    pass\n\n\nclass User(Base):\n    __tablename__ = 'users'\n"
                      "    id: Mapped[int] = mapped_column(primary_key=True)\n    name: Mapped[str] = mapped_column(String(80))\n"),
    "alembic/env.py": "from alembic import context\nfrom sqlalchemy import engine_from_config, pool\n",
    "alembic/versions/0001_init.py": "import sqlalchemy as sa\nfrom alembic import op\n\n\ndef upgrade():\n"
                                     "    op.create_table('users', sa.Column('id', sa.Integer))\n",
    "app/db.py": "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import sessionmaker\n\n"
                 "engine = create_engine('sqlite://')\nSessionLocal = sessionmaker(engine)\n",
    "app/service.py": "from sqlalchemy import select\nfrom app.db import SessionLocal\nfrom app.models import User\n\n\n"
                      "def names():\n    with SessionLocal() as session:\n        return session.scalars(select(User)).all()\n",
}


def test_schema_modules_and_models_make_no_calls(tmp_path: Path) -> None:
    """A Drizzle schema module and a SQLAlchemy models module declare tables: they get role
    "schema" and status "none" (they used to count as target files by their imports)."""
    root = write(tmp_path, SCHEMA_TREE)
    result = scan(root, ScanOptions(cache=False, legacy=("prisma", "sqlalchemy-legacy"), target=("drizzle", "sqlalchemy")))
    files = {f.path: (f.status, f.role) for f in result.files}
    assert files == {
        "src/db/schema.ts": ("none", "schema"),
        "src/db/relations.ts": ("none", "schema"),
        "src/db/client.ts": ("none", "client"),
        "src/routes/users.ts": ("target", "calls"),
        "app/models.py": ("none", "schema"),
        "alembic/env.py": ("none", "migration"),
        "alembic/versions/0001_init.py": ("none", "migration"),
        "app/db.py": ("none", "client"),
        "app/service.py": ("target", "calls"),
    }
    by_path = {f.path: f for f in result.files}
    assert by_path["app/models.py"].imported == ("sqlalchemy",) and by_path["app/models.py"].sites == ()
    assert by_path["src/db/schema.ts"].imported == ("drizzle",)
    data = json.loads(json.dumps(result.to_dict()))
    jsonschema.validate(data, SCAN_SCHEMA)
    assert {f["path"]: f["role"] for f in data["files"]}["app/models.py"] == "schema"


def test_model_classes_are_schema_not_clients(tmp_path: Path) -> None:
    """Flask-SQLAlchemy model classes are clients to the analyzer (User.query), so their module is an
    entry module; without a call site it is still a models module, and the app's `db` module a client."""
    root = write(tmp_path, {
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/models.py": "from app import db\n\n\nclass User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n",
        "app/views.py": "from app.models import User\n\n\ndef index():\n    return User.query.all()\n",
    })
    result = scan(root, ScanOptions(cache=False))
    files = {f.path: (f.status, f.role) for f in result.files}
    assert files["app/models.py"] == ("none", "schema")
    assert files["app/__init__.py"][1] == "client"
    assert files["app/views.py"] == ("legacy", "calls")


def test_a_cached_result_of_the_old_classification_is_not_reused(tmp_path: Path) -> None:
    root = write(tmp_path, TREE)
    first = scan(root, ScanOptions())
    assert {f.path: f.role for f in first.files}["src/lib/schema.ts"] == "schema"
    key = engine._tree_key(root, engine.list_files(root, ScanOptions()), engine.discover_project(
        root, engine.list_files(root, ScanOptions()), ScanOptions()), ScanOptions())
    assert key is not None and engine._cached_result(root, key) is not None
    original = engine.CLASSIFY_VERSION
    try:
        engine.CLASSIFY_VERSION = original - 1
        older = engine._tree_key(root, engine.list_files(root, ScanOptions()), engine.discover_project(
            root, engine.list_files(root, ScanOptions()), ScanOptions()), ScanOptions())
    finally:
        engine.CLASSIFY_VERSION = original
    assert older != key


def test_package_json_subpath_imports_resolve_like_tsconfig_paths(tmp_path: Path) -> None:
    """Node's subpath imports (`"imports": {"#app/*": "./app/*"}`, epic-stack's `#app/utils/db.server.ts`)
    lead to the client's module as a tsconfig alias would: the calls through them are sites."""
    root = write(tmp_path, {
        "package.json": '{"name": "x", "imports": {"#app/*": "./app/*", "#cond": {"node": "./app/cond.ts"}}}\n',
        "app/utils/db.server.ts": 'import { PrismaClient } from "@prisma/client";\nexport const prisma = new PrismaClient();\n',
        "app/routes/users.ts": 'import { prisma } from "#app/utils/db.server.ts";\nexport const list = () => prisma.user.findMany();\n',
    })
    files = {f.path: f for f in scan(root, ScanOptions(cache=False)).files}
    assert [(s.line, s.layer, s.model, s.operation) for s in files["app/routes/users.ts"].sites] == [(2, "prisma", "user", "findMany")]
    assert engine._subpath_imports(root) == (("#app/*", ("app/*",)), ("#cond", ("app/cond.ts",)))
