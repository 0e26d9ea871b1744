"""The bundled example projects build and mean what their READMEs say.

learnhub: build_db.py runs the Alembic migrations into a real SQLite file whose schema is
exactly Base.metadata's. tutorme: the Prisma migrations apply in order to a real
PostgreSQL and produce the tables, columns and enums that schema.prisma declares.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from .conftest import EXAMPLES, REPO, run_sql

LEARNHUB = EXAMPLES / "learnhub"
TUTORME = EXAMPLES / "tutorme"


# ---------------------------------------------------------------- learnhub


@pytest.fixture(scope="module")
def learnhub_models():
    """learnhub.models imported from the example folder (sys.path restored afterwards)."""
    sys.path.insert(0, str(LEARNHUB))
    try:
        from learnhub import models

        yield models
    finally:
        sys.path.remove(str(LEARNHUB))
        for name in [m for m in sys.modules if m == "learnhub" or m.startswith("learnhub.")]:
            del sys.modules[name]


def _build(output: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(LEARNHUB / "build_db.py"), "--output", str(output)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def built_db(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("learnhub") / "learnhub.db"
    proc = _build(out)
    assert proc.returncode == 0, proc.stderr
    return out


def _alembic_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(LEARNHUB / "migrations"))
    return ScriptDirectory.from_config(cfg).get_current_head()


def test_build_db_prints_one_line_and_leaves_no_temp_file(tmp_path):
    out = tmp_path / "sub" / "lh.db"
    proc = _build(out)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1 and "lh.db" in lines[0] and _alembic_head() in lines[0]
    assert proc.stderr.strip() == ""
    assert sorted(p.name for p in out.parent.iterdir()) == ["lh.db"]


def test_build_db_tables_are_the_models_tables_at_head(built_db, learnhub_models):
    with sqlite3.connect(built_db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    tables.discard("sqlite_sequence")  # created by audit_log's AUTOINCREMENT
    assert tables == set(learnhub_models.Base.metadata.tables) | {"alembic_version"}
    assert len(learnhub_models.Base.metadata.tables) == 8
    assert version == [(_alembic_head(),)]


def test_build_db_is_idempotent_and_seeded(tmp_path):
    out = tmp_path / "again.db"
    for _ in range(2):
        proc = _build(out)
        assert proc.returncode == 0, proc.stderr
    with sqlite3.connect(out) as conn:
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ("users", "courses", "enrollments")}
        fk_problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    assert counts == {"users": 5, "courses": 3, "enrollments": 3}
    assert fk_problems == []


def _describe(url: str) -> dict:
    """Everything the SQLite reflection reports, per table, in comparable form."""
    engine = sa.create_engine(url)
    try:
        insp = sa.inspect(engine)
        out = {}
        for table in insp.get_table_names():
            if table in ("alembic_version", "sqlite_sequence"):
                continue
            out[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], c["default"]) for c in insp.get_columns(table)
                ],
                "pk": insp.get_pk_constraint(table),
                "fks": sorted(
                    (fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"], fk["options"].get("ondelete"))
                    for fk in insp.get_foreign_keys(table)
                ),
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(table)),
                "uniques": sorted((u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(table)),
                "checks": sorted((c["name"], c["sqltext"]) for c in insp.get_check_constraints(table)),
            }
        with engine.connect() as conn:
            autoinc = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'"
            ).scalars().all()
        out["__autoincrement__"] = sorted(autoinc)
        return out
    finally:
        engine.dispose()


def test_migrations_end_state_equals_models(built_db, learnhub_models, tmp_path):
    ref = tmp_path / "create_all.db"
    engine = sa.create_engine(f"sqlite:///{ref}")
    learnhub_models.Base.metadata.create_all(engine)
    engine.dispose()

    migrated, expected = _describe(f"sqlite:///{built_db}"), _describe(f"sqlite:///{ref}")
    assert migrated.keys() == expected.keys()
    for table in expected:
        assert migrated[table] == expected[table], table
    # The facts the README promises, so a model change cannot silently drop them.
    assert expected["__autoincrement__"] == ["audit_log"]
    assert ("ck_users_user_role", "role IN ('student', 'instructor', 'admin')") in expected["users"]["checks"]
    assert ("ix_tags_name", ("name",), True) in expected["tags"]["indexes"]
    assert ("uq_enrollments_user_id_course_id", ("user_id", "course_id")) in expected["enrollments"]["uniques"]


def test_learnhub_2_0_service_and_raw_export_run(built_db, learnhub_models):
    from learnhub.legacy import export
    from learnhub.services import enrollments

    engine = sa.create_engine(f"sqlite:///{built_db}")
    try:
        with sa.orm.Session(engine) as session:
            sam = session.scalar(sa.select(learnhub_models.User).filter_by(email="sam@learnhub.test"))
            joins = session.scalar(sa.select(learnhub_models.Course).filter_by(slug="sql-joins"))
            enrollment = enrollments.enroll(session, sam.id, joins.id)
            assert enrollment.price_paid == joins.price
            assert [e.course.slug for e in enrollments.enrollments_for_user(session, sam.id)].count("sql-joins") == 1
            with pytest.raises(enrollments.EnrollmentError):
                enrollments.enroll(session, sam.id, joins.id)
            session.rollback()
    finally:
        engine.dispose()

    with export.connect(built_db) as conn:
        rows = export.enrollments_since(conn, "1970-01-01")
        assert len(rows) == 3
        assert export.course_revenue(conn, "intro-to-python") == pytest.approx(88.20)


# ---------------------------------------------------------------- tutorme

_BLOCK = re.compile(r"^(model|enum)\s+(\w+)\s*\{(.*?)^\}", re.S | re.M)
_SCALARS = {"String", "Int", "BigInt", "Float", "Decimal", "DateTime", "Boolean", "Json", "Bytes"}


def _prisma_schema() -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    """{table: {columns}} and {enum type: [labels]} from schema.prisma, by regex."""
    text = re.sub(r"//[^\n]*", "", (TUTORME / "prisma" / "schema.prisma").read_text())
    blocks = _BLOCK.findall(text)
    enum_names = {name for kind, name, _ in blocks if kind == "enum"}
    tables: dict[str, set[str]] = {}
    enums: dict[str, list[str]] = {}
    for kind, name, body in blocks:
        mapped = re.search(r'@@map\("([^"]+)"\)', body)
        db_name = mapped.group(1) if mapped else name
        lines = [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("@@")]
        if kind == "enum":
            enums[db_name] = [
                (re.search(r'@map\("([^"]+)"\)', ln) or re.match(r"(\w+)", ln)).group(1) for ln in lines
            ]
            continue
        cols = set()
        for ln in lines:
            field, ftype = ln.split()[:2]
            if ftype.rstrip("?[]") in _SCALARS | enum_names:
                col = re.search(r'@map\("([^"]+)"\)', ln)
                cols.add(col.group(1) if col else field)
        tables[db_name] = cols
    return tables, enums


def _migrations() -> list[Path]:
    return sorted((TUTORME / "prisma" / "migrations").glob("*/migration.sql"))


def test_tutorme_migrations_are_prisma_postgresql():
    lock = (TUTORME / "prisma" / "migrations" / "migration_lock.toml").read_text()
    assert re.search(r'^provider = "postgresql"$', lock, re.M)
    assert [p.parent.name for p in _migrations()] == [
        "20240105120000_init",
        "20240312093000_add_reviews",
        "20240601101500_payments_currency",
    ]


def test_tutorme_migrations_build_the_prisma_schema(pg_url):
    for path in _migrations():
        run_sql(pg_url, path.read_text())

    tables, enums = _prisma_schema()
    assert len(tables) == 16
    with psycopg.connect(pg_url) as conn:
        db_columns: dict[str, set[str]] = {}
        for table, column in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
        ):
            db_columns.setdefault(table, set()).add(column)
        db_enums: dict[str, list[str]] = {}
        for typname, label in conn.execute(
            "SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
            "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder"
        ):
            db_enums.setdefault(typname, []).append(label)
        mn_indexes = {
            name: definition
            for name, definition in conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '_SubjectToTutorProfile'"
            )
        }
        mn_constraints = {
            r[0]
            for r in conn.execute(
                "SELECT contype FROM pg_constraint WHERE conrelid = '\"_SubjectToTutorProfile\"'::regclass"
            )
        }

    # Every model's table with exactly its scalar fields, plus the implicit m-n table.
    assert db_columns == {**tables, "_SubjectToTutorProfile": {"A", "B"}}
    assert db_enums == enums
    assert enums["payment_status"] == ["PENDING", "requires_action", "SUCCEEDED", "FAILED", "REFUNDED"]
    assert "NO_SHOW" in enums["BookingStatus"]
    # Prisma 5 style implicit many-to-many: unique index, no primary key.
    assert set(mn_indexes) == {"_SubjectToTutorProfile_AB_unique", "_SubjectToTutorProfile_B_index"}
    assert "UNIQUE" in mn_indexes["_SubjectToTutorProfile_AB_unique"]
    assert mn_constraints == {"f"}


def test_tutorme_documented_drifts_and_compose_mistake_are_in_place():
    """The README's known truth: later drift/compose checks depend on these staying put."""
    prisma = (TUTORME / "prisma" / "schema.prisma").read_text()
    schema = TUTORME / "src" / "lib" / "db" / "schema"
    assert re.search(r"headline\s+String\s+@db\.VarChar\(120\)", prisma)
    assert "varchar('headline', { length: 140 })" in (schema / "tutors.ts").read_text()
    assert re.search(r"endsAt\s+DateTime\s+@db\.Timestamptz\(3\)", prisma)
    ends_at = re.search(r"endsAt: timestamp\([^\n]*", (schema / "bookings.ts").read_text()).group(0)
    assert ".notNull()" not in ends_at
    assert "@@index([tutorId, createdAt(sort: Desc)])" in prisma
    assert "index(" not in (schema / "reviews.ts").read_text()
    enums_ts = (schema / "enums.ts").read_text()
    assert "pgEnum('BookingStatus'" in enums_ts and "NO_SHOW" not in enums_ts

    compose = (TUTORME / "docker-compose.yml").read_text()
    assert "POSTGRES_USER: tutorme" in compose
    assert "pg_isready -U postgres" in compose
