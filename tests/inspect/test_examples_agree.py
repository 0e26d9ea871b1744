"""The bundled examples read the same through every source that describes them.

These are the foundation's promise on realistic input: a migrations folder equals the
live database built from it, and SQLAlchemy models equal the database Alembic built.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg

from migrator import inspect as sources
from migrator.inspect import InspectOptions
from migrator.schema import without_client_defaults

from ..conftest import EXAMPLES

TUTORME_MIGRATIONS = EXAMPLES / "tutorme" / "prisma" / "migrations"
LEARNHUB = EXAMPLES / "learnhub"



def test_tutorme_migrations_folder_equals_the_database_built_from_it(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for migration in sorted(TUTORME_MIGRATIONS.glob("*/migration.sql")):
            conn.execute(migration.read_text())
    live = sources.load(pg_url)
    folder = sources.load(str(TUTORME_MIGRATIONS), InspectOptions(dev_url=pg_url))
    assert folder == live
    assert len(folder.namespace("public").tables) == 17
    # origins point into the migration files
    booking = folder.table("public.bookings")
    assert booking.origin is not None and booking.origin.file.endswith("migration.sql") and booking.origin.line


def test_learnhub_models_equal_the_database_alembic_built(tmp_path: Path) -> None:
    db = tmp_path / "learnhub.db"
    subprocess.run([sys.executable, str(LEARNHUB / "build_db.py"), "--output", str(db)], check=True, capture_output=True)
    live = sources.load(f"sqlite:///{db}")
    models = sources.load(
        "sqlalchemy:learnhub.models:Base", InspectOptions(project_path=str(LEARNHUB), dialect="sqlite")
    )
    assert without_client_defaults(models) == live
    assert {t.name for _, t in live.tables()} >= {"users", "courses", "lessons", "enrollments"}
