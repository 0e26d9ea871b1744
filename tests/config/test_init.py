"""`migrator init`: detection on the bundled examples and on made-up trees; the starter config loads and runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from migrator.config import load_config
from migrator.config_init import detect, render_starter_config, write_config
from migrator.errors import BadInput
from migrator.verify.checks import exit_code, run_checks
from tests.conftest import EXAMPLES


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_tutorme_prisma_schema_migrations_and_drizzle_are_detected() -> None:
    root = EXAMPLES / "tutorme"
    found = detect(root)
    assert found.prisma_schemas == (root / "prisma" / "schema.prisma",)
    assert found.prisma_migrations == (root / "prisma" / "migrations",)
    [drizzle] = found.drizzle
    assert drizzle.config == root / "drizzle.config.ts"
    assert drizzle.schema == root / "src/lib/db/schema/index.ts"
    assert drizzle.out is None and drizzle.dialect == "postgresql"  # ./drizzle is not there
    assert found.prisma_provider == "postgresql"
    assert found.env_vars[0] == "DATABASE_URL"
    assert {"DIRECT_URL", "DATABASE_POOL_URL"} <= set(found.env_vars)
    assert "REDIS_URL" not in found.env_vars
    assert not (found.alembic or found.models or found.sql_migrations)


def test_learnhub_models_and_alembic_are_detected() -> None:
    root = EXAMPLES / "learnhub"
    found = detect(root)
    [alembic] = found.alembic
    assert alembic.ini == root / "alembic.ini" and alembic.versions == root / "migrations" / "versions"
    [models] = found.models
    assert (models.spec, models.project_path, models.dialect) == ("sqlalchemy:learnhub.models:Base", root, "sqlite")
    assert not (found.prisma_schemas or found.drizzle or found.sql_migrations)


def test_tutorme_starter_config_loads_and_its_file_checks_run(tmp_path: Path) -> None:
    root = tmp_path / "tutorme"
    shutil.copytree(EXAMPLES / "tutorme", root, ignore=shutil.ignore_patterns(".migrator", "migrator.toml"))  # init writes it
    text = render_starter_config(detect(root))
    data = tomllib.loads(text)
    assert data["sources"]["live"] == {"env": "DATABASE_URL"}
    # Checks that run without a database; the live one is written commented out, naming its variable.
    assert [c["name"] for c in data["check"]] == ["prisma-migrations-vs-schema", "prisma-vs-drizzle"]
    assert ("# the live database is where the migrations lead (needs DATABASE_URL set to the database's URL; "
            "uncomment to run it)\n# [[check]]\n# name = \"live-vs-migrations\"\n# from = \"live\"\n"
            "# to = \"prisma-migrations\"\n") in text
    assert data["drift"] == {"live": "live", "legacy": "prisma", "target": "drizzle", "partial": "target"}
    write_config(root, text)
    config = load_config(root / "src")
    assert config is not None and config.root == root.resolve()
    results = {r.name: r for r in run_checks(config, names=["prisma-migrations-vs-schema", "prisma-vs-drizzle"])}
    assert results["prisma-migrations-vs-schema"].ok, results["prisma-migrations-vs-schema"].error
    assert results["prisma-migrations-vs-schema"].diff.clean
    # The Drizzle port's four deliberate drifts (examples/tutorme/README.md).
    drift = results["prisma-vs-drizzle"].diff
    assert len(drift.changes) == 4 and exit_code(results.values(), config.fail_on) == 1


def test_learnhub_starter_config_checks_the_models_against_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "learnhub"
    shutil.copytree(EXAMPLES / "learnhub", root, ignore=shutil.ignore_patterns("*.db", "__pycache__", "migrator.toml"))
    db = root / "learnhub.db"
    subprocess.run([sys.executable, str(root / "build_db.py"), "--output", str(db)], check=True, capture_output=True)
    text = render_starter_config(detect(root))  # the example's own migrator.toml left out: a fresh repo
    # Nothing here compares without a database, so the live check is all there is, commented out.
    assert "[[check]]" not in text.replace("# [[check]]", "") and "set DATABASE_URL" in text
    write_config(root, text.replace("# [[check]]\n# name", "[[check]]\nname").replace("# from = \"live\"\n# to",
                                                                                         "from = \"live\"\nto"))
    config = load_config(root)
    assert [c.name for c in config.checks] == ["live-vs-models"]
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    [result] = run_checks(config)
    assert result.ok, result.error
    # Client-side defaults aside, the models equal the Alembic-built database.
    assert exit_code([result], config.fail_on) == 0


def test_a_made_up_tree(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "prisma.config.ts": 'import path from "node:path";\nexport default { schema: path.join("db", "prisma") };\n',
        "db/prisma/base.prisma": 'datasource db {\n  provider = "sqlite"\n  url = env("APP_DB_URL")\n}\n',
        "db/prisma/models/user.prisma": "model User {\n  id Int @id\n}\n",
        "web/src/db/tables.ts": 'import { pgTable, text } from "drizzle-orm/pg-core";\nexport const t = pgTable("t", { a: text() });\n',
        "web/src/db/sub/more.ts": 'import { pgTable } from "drizzle-orm/pg-core";\nexport const u = pgTable("u", {});\n',
        "web/src/other.ts": 'import { eq } from "drizzle-orm";\n',
        "sql/migrations/001_init.sql": "CREATE TABLE a (id int);\n",
        "sql/migrations/002_more.sql": "CREATE TABLE b (id int);\n",
        "sql/seeds/users.sql": "INSERT INTO a VALUES (1);\n",
        "svc/app/__init__.py": "",
        "svc/app/orm/__init__.py": "",
        "svc/app/orm/base.py": "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Model(DeclarativeBase):\n    pass\n",
        "svc/legacy.py": "from sqlalchemy.ext.declarative import declarative_base\nOldBase = declarative_base()\n",
        "node_modules/pkg/schema.prisma": 'datasource db {\n  provider = "mysql"\n}\n',
        "node_modules/pkg/x.ts": 'import { pgTable } from "drizzle-orm/pg-core";\npgTable("x", {});\n',
        ".venv/lib/m.py": "from sqlalchemy.orm import DeclarativeBase\nclass B(DeclarativeBase): pass\n",
        "tests/fixtures/schema.prisma": 'datasource db {\n  provider = "postgresql"\n}\n',
        ".env.example": "APP_DB_URL=sqlite:///dev.db\nSECRET_KEY=abc\nANALYTICS_DATABASE_URL=\n",
        "docker-compose.yml": "services:\n  app:\n    environment:\n      - REPLICA_URL=postgresql://u:p@db/app\n"
                              "      CACHE_URL: redis://cache\n      PRIMARY_DB_URL: ${PRIMARY_DB_URL}\n",
    })
    found = detect(root)
    assert found.prisma_schemas == (root / "db" / "prisma",) and found.prisma_provider == "sqlite"
    assert found.prisma_config == root / "prisma.config.ts"
    assert found.drizzle == () and found.drizzle_schemas == (root / "web" / "src" / "db",)
    assert found.sql_migrations == (root / "sql" / "migrations",)
    assert [(m.spec, m.project_path) for m in found.models] == [
        ("sqlalchemy:app.orm.base:Model", root / "svc"),
        ("sqlalchemy:legacy:OldBase", root / "svc"),
    ]
    assert found.env_vars == ("APP_DB_URL", "ANALYTICS_DATABASE_URL", "REPLICA_URL", "PRIMARY_DB_URL")
    text = render_starter_config(found)
    config_sources = tomllib.loads(text)["sources"]
    assert config_sources["prisma"] == "prisma:db/prisma"
    assert config_sources["drizzle"] == "drizzle:web/src/db"
    assert config_sources["migrations"] == "sql:sql/migrations"
    assert config_sources["models"] == {"spec": "sqlalchemy:app.orm.base:Model", "project_path": "svc"}
    assert config_sources["models-2"]["spec"] == "sqlalchemy:legacy:OldBase"
    assert config_sources["live"] == {"env": "APP_DB_URL"}
    assert "postgresql://" not in text and "u:p@" not in text  # names only, never values


def test_an_empty_tree_still_gets_a_valid_starter_config(tmp_path: Path) -> None:
    found = detect(tmp_path)
    assert found.empty
    data = tomllib.loads(render_starter_config(found))
    assert data == {"fail_on": "error", "sources": {"live": {"env": "DATABASE_URL"}}}


def test_write_config_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    assert write_config(tmp_path, 'fail_on = "error"\n') == tmp_path / "migrator.toml"
    with pytest.raises(BadInput, match="already exists; pass --force"):
        write_config(tmp_path, 'fail_on = "info"\n')
    assert (tmp_path / "migrator.toml").read_text() == 'fail_on = "error"\n'
    write_config(tmp_path, 'fail_on = "info"\n', force=True)
    assert (tmp_path / "migrator.toml").read_text() == 'fail_on = "info"\n'
    assert [p.name for p in tmp_path.iterdir()] == ["migrator.toml"]  # no temporary file left behind


def test_detect_of_a_file_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("")
    with pytest.raises(BadInput, match="not a folder"):
        detect(tmp_path / "x")


def test_init_guesses_the_access_layer_roles_from_dependencies_and_code() -> None:
    from migrator.config_init import detect, guess_scan_roles

    assert guess_scan_roles(detect(EXAMPLES / "tutorme")) == (("prisma",), ("drizzle",))
    assert guess_scan_roles(detect(EXAMPLES / "learnhub")) == (("sqlalchemy-legacy",), ("sqlalchemy",))
