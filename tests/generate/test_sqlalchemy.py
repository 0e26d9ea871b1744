"""`generate_sqlalchemy`: real round trips, source -> SQLAlchemy 2.0 models -> sqlalchemy: reader -> compare().

No mocks: every test writes the generated module into a temporary folder, imports it through
migrator's own `sqlalchemy:` reader and compares the result with the source the way
`migrator diff` does. Module names are unique per test (Python caches imports).
"""

from __future__ import annotations

import ast
import importlib
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from migrator import inspect as sources
from migrator.defaults import client_generator
from migrator.generate.mapping import SA_CLIENT_DEFAULTS, SA_PYTHON_TYPES, SA_TYPE_EXPRESSIONS
from migrator.generate.sqlalchemy import generate_sqlalchemy
from migrator.inspect import InspectOptions, load_app_model
from migrator.verify.diff import CompareOptions, compare

from ..conftest import EXAMPLES, run_sql

TUTORME_PRISMA = EXAMPLES / "tutorme" / "prisma" / "schema.prisma"
LEARNHUB = EXAMPLES / "learnhub"


def unique_module() -> str:
    return f"gen_models_{uuid.uuid4().hex[:12]}"


def write_module(code: str, folder: Path) -> str:
    """Write `code` as a uniquely named module in `folder`; its name."""
    name = unique_module()
    (folder / f"{name}.py").write_text(code, encoding="utf-8")
    return name


def read_back(code: str, folder: Path, dialect: str):
    name = write_module(code, folder)
    return sources.load(f"sqlalchemy:{name}", InspectOptions(project_path=str(folder), dialect=dialect)), name


def changes(a, b, **options) -> list[tuple[str, str]]:
    return [(c.kind, c.path) for c in compare(a, b, CompareOptions(**options)).changes]


def imported(folder: Path, name: str):
    """The generated module itself (for create_all and the mappers)."""
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(folder))


# --- the mapping is data ----------------------------------------------------------------------


def test_the_mapping_covers_every_canonical_kind_for_both_dialects() -> None:
    kinds = ("integer", "bigint", "smallint", "text", "varchar", "char", "boolean", "numeric", "real", "double",
             "date", "time", "timestamp", "interval", "uuid", "json", "jsonb", "bytes", "enum", "array")
    for dialect in ("postgresql", "sqlite"):
        assert set(kinds) <= set(SA_TYPE_EXPRESSIONS[dialect]), dialect
    assert set(kinds) - {"array"} <= set(SA_PYTHON_TYPES)
    # each client default names a generator compare() knows
    for generator in SA_CLIENT_DEFAULTS:
        assert client_generator({"uuid v4": "uuid()", "uuid v7": "uuid(7)", "cuid": "cuid()", "cuid2": "cuid(2)",
                                 "nanoid": "nanoid()", "ulid": "ulid()", "updated at": "@updatedAt",
                                 "now": "$defaultFn(() => new Date())"}[generator]) == generator


# --- Prisma (tutorme) ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tutorme():
    return load_app_model(f"prisma:{TUTORME_PRISMA}")


def test_tutorme_prisma_round_trips_with_no_changes(tmp_path: Path, tutorme) -> None:
    source, app = tutorme
    code = generate_sqlalchemy(source, app, "postgresql", f"prisma:{TUTORME_PRISMA}")
    back, name = read_back(code, tmp_path, "postgresql")
    assert changes(source, back) == []
    # the code is the application's: class and attribute names from the Prisma models
    assert "class TutorProfile(Base):" in code and '__tablename__ = "tutor_profiles"' in code
    assert 'metadata_: Mapped[Optional[Any]] = mapped_column("metadata", postgresql.JSONB()' in code
    assert 'subjects: Mapped[list[Subject]] = relationship("Subject", secondary="_SubjectToTutorProfile", back_populates="tutors")' in code
    assert 'Index("bookings_tutorId_startsAt_idx", "tutorId", column("startsAt").desc())' in code
    assert "default=uuid.uuid4" in code and "default=cuid" in code and "default=utc_now, onupdate=utc_now" in code
    assert code.startswith('"""SQLAlchemy 2.0 models of prisma:') and "generate_sqlalchemy" in code.split('"""')[1]
    # the relationships configure: every back_populates pairs, every join is found
    module = imported(tmp_path, name)
    orm.configure_mappers()
    user = sa.inspect(module.User)
    assert user.relationships["bookings"].back_populates == "student"
    assert sa.inspect(module.TutorProfile).relationships["subjects"].secondary.name == "_SubjectToTutorProfile"


def test_tutorme_client_defaults(tmp_path: Path, tutorme) -> None:
    """cuid(), uuid() and @updatedAt come back as the same generators (the sqlalchemy: reader
    records an onupdate= callable as "onupdate=<name>": Prisma's @updatedAt)."""
    source, app = tutorme
    back, _ = read_back(generate_sqlalchemy(source, app, "postgresql", "tutorme"), tmp_path, "postgresql")
    assert changes(source, back, client_defaults=True) == []
    assert any(m.updated_at for m in app.models)  # the case is there


def test_generation_is_deterministic(tutorme) -> None:
    source, app = tutorme
    first = generate_sqlalchemy(source, app, "postgresql", "tutorme")
    second = generate_sqlalchemy(*load_app_model(f"prisma:{TUTORME_PRISMA}"), "postgresql", "tutorme")
    assert first == second
    ast.parse(first)


# --- SQLite ------------------------------------------------------------------------------------

SQLITE_DDL = """
CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    rating REAL DEFAULT 0,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT rating_range CHECK (rating >= 0 AND rating <= 5)
);
CREATE UNIQUE INDEX authors_email_key ON authors (email);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    editor_id INTEGER REFERENCES authors (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    body TEXT,
    score REAL NOT NULL DEFAULT 1.5,
    published INTEGER NOT NULL DEFAULT 0,
    CHECK (score >= 0)
);
CREATE INDEX posts_published_idx ON posts (author_id, id DESC) WHERE published = 1;
CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (post_id, tag)
);
"""


def test_sqlite_database_round_trips(tmp_path: Path) -> None:
    db = tmp_path / "blog.db"
    conn = sqlite3.connect(db)
    conn.executescript(SQLITE_DDL)
    conn.close()
    source, app = load_app_model(f"sqlite:///{db}")
    code = generate_sqlalchemy(source, app, "sqlite", f"sqlite:///{db}")
    back, name = read_back(code, tmp_path, "sqlite")
    assert changes(source, back) == []
    assert '"sqlite_autoincrement": True' in code and "sqlite_where=text(" in code
    # posts refers to authors twice: each side says which key it follows
    assert 'foreign_keys="[Posts.author_id]"' in code
    imported(tmp_path, name)
    orm.configure_mappers()


def test_sqlite_create_all_equals_the_source(tmp_path: Path) -> None:
    db = tmp_path / "blog.db"
    conn = sqlite3.connect(db)
    conn.executescript(SQLITE_DDL)
    conn.close()
    source, app = load_app_model(f"sqlite:///{db}")
    name = write_module(generate_sqlalchemy(source, app, "sqlite", "blog"), tmp_path)
    module = imported(tmp_path, name)
    fresh = tmp_path / "fresh.db"
    engine = sa.create_engine(f"sqlite:///{fresh}")
    try:
        module.Base.metadata.create_all(engine)
    finally:
        engine.dispose()
    assert changes(source, sources.load(f"sqlite:///{fresh}")) == []


def test_learnhub_database_round_trips(tmp_path: Path) -> None:
    db = LEARNHUB / "learnhub.db"
    if not db.exists():
        db = tmp_path / "learnhub.db"
        subprocess.run([sys.executable, str(LEARNHUB / "build_db.py"), "--output", str(db)], check=True, capture_output=True)
    source, app = load_app_model(f"sqlite:///{db}")
    code = generate_sqlalchemy(source, app, "sqlite", f"sqlite:///{db}")
    back, name = read_back(code, tmp_path, "sqlite")
    assert changes(source, back) == []
    imported(tmp_path, name)
    orm.configure_mappers()


# --- PostgreSQL --------------------------------------------------------------------------------

PG_DDL = """
CREATE TYPE mood AS ENUM ('happy', 'sad', 'meh');
CREATE SCHEMA billing;
CREATE TABLE teams (
    id serial PRIMARY KEY,
    name text NOT NULL,
    region text NOT NULL,
    CONSTRAINT teams_id_region_key UNIQUE (id, region)
);
CREATE TABLE members (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id integer NOT NULL,
    team_region text NOT NULL,
    public_id uuid NOT NULL DEFAULT gen_random_uuid(),
    salary numeric(10, 2) NOT NULL DEFAULT 0,
    joined_at timestamptz NOT NULL DEFAULT now(),
    profile jsonb NOT NULL DEFAULT '{}'::jsonb,
    tags text[] NOT NULL DEFAULT '{}',
    mood mood DEFAULT 'meh',
    email varchar(200),
    active boolean NOT NULL DEFAULT true,
    CONSTRAINT members_team_fk FOREIGN KEY (team_id, team_region) REFERENCES teams (id, region)
        ON DELETE CASCADE ON UPDATE RESTRICT,
    CONSTRAINT salary_positive CHECK (salary >= 0)
);
CREATE UNIQUE INDEX members_active_email_key ON members (lower(email)) WHERE active;
CREATE INDEX members_joined_idx ON members (team_id, joined_at DESC NULLS LAST);
CREATE INDEX members_tags_idx ON members USING gin (tags);
CREATE TABLE billing.invoices (
    id integer GENERATED BY DEFAULT AS IDENTITY (START WITH 100 INCREMENT BY 5) PRIMARY KEY,
    member_id bigint NOT NULL REFERENCES members (id),
    total numeric(12, 2) NOT NULL
);
COMMENT ON TABLE members IS 'people in teams';
COMMENT ON COLUMN members.salary IS 'yearly';
"""


def test_postgresql_database_round_trips_and_create_all_agrees(tmp_path: Path, pg_url: str, pg_database) -> None:
    run_sql(pg_url, PG_DDL)
    source, app = load_app_model(pg_url)
    code = generate_sqlalchemy(source, app, "postgresql", "postgresql://.../test")
    back, name = read_back(code, tmp_path, "postgresql")
    assert changes(source, back, server_url=pg_url) == []
    assert "Identity(always=True)" in code and "Identity(start=100, increment=5)" in code
    assert 'Enum("happy", "sad", "meh", name="mood")' in code
    assert '{"schema": "billing"}' in code
    # SQLAlchemy's own create_all of the generated models makes the same database
    module = imported(tmp_path, name)
    orm.configure_mappers()
    fresh = pg_database()
    run_sql(fresh, "CREATE SCHEMA billing;")
    engine = sa.create_engine(fresh.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        module.Base.metadata.create_all(engine)
    finally:
        engine.dispose()
    created = sources.load(fresh)
    assert changes(source, created, server_url=fresh) == []
    # and the models work: identity, serial and server defaults fill in, relationships load
    engine = sa.create_engine(fresh.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with orm.Session(engine) as session:
            team = module.Teams(name="core", region="eu")
            session.add(team)
            session.flush()
            member = module.Members(team_id=team.id, team_region="eu", email="A@x.io")
            session.add(member)
            session.flush()
            session.refresh(member)
            assert member.id == 1 and member.mood == "meh" and member.tags == [] and member.active is True
            assert team.members == [member]
            session.rollback()
    finally:
        engine.dispose()


def test_tutorme_create_all_equals_the_prisma_schema(tmp_path: Path, pg_url: str, tutorme) -> None:
    source, app = tutorme
    module = imported(tmp_path, write_module(generate_sqlalchemy(source, app, "postgresql", "tutorme"), tmp_path))
    engine = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        module.Base.metadata.create_all(engine)
    finally:
        engine.dispose()
    assert changes(source, sources.load(pg_url), server_url=pg_url) == []


def test_generated_modules_import_for_both_dialects_with_no_unused_imports(tmp_path: Path, tutorme) -> None:
    source, app = tutorme
    for dialect in ("postgresql", "sqlite"):
        code = generate_sqlalchemy(source, app, dialect, "tutorme")
        module = imported(tmp_path, write_module(code, tmp_path))
        assert isinstance(module.Base.metadata, sa.MetaData)
        tree = ast.parse(code)
        imported_names = {alias.asname or alias.name for node in ast.walk(tree)
                          if isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "module", None) != "__future__"
                          for alias in node.names}
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        assert imported_names <= used, (dialect, imported_names - used)


# --- Prisma names: mapped fields, self and repeated relations, client generators ------------

PRISMA_NAMES = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

enum Role {
  MEMBER
  ADMIN
  @@schema("auth")
}

model Person {
  id        String   @id @default(uuid(7)) @db.Uuid
  fullName  String   @map("full_name")
  handle    String   @default(nanoid())
  ticket    String   @default(ulid())
  token     String   @default(cuid(2))
  role      Role     @default(MEMBER)
  mentorId  String?  @map("mentor_id") @db.Uuid
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(6)
  updatedAt DateTime @updatedAt @map("updated_at")

  mentor    Person?  @relation("Mentor", fields: [mentorId], references: [id], onDelete: SetNull)
  mentees   Person[] @relation("Mentor")
  sent      Transfer[] @relation("Sender")
  received  Transfer[] @relation("Receiver")

  @@unique([handle], map: "person_handle_key")
  @@map("people")
  @@schema("auth")
}

model Transfer {
  id         Int     @id @default(autoincrement())
  senderId   String  @map("sender_id") @db.Uuid
  receiverId String  @map("receiver_id") @db.Uuid
  amount     Decimal @db.Decimal(12, 2)

  sender   Person @relation("Sender", fields: [senderId], references: [id])
  receiver Person @relation("Receiver", fields: [receiverId], references: [id])

  @@index([senderId, amount(sort: Desc)], map: "transfers_sender_amount_idx")
  @@map("transfers")
  @@schema("public")
}
"""


def test_prisma_field_names_self_and_repeated_relations(tmp_path: Path) -> None:
    schema_file = tmp_path / "schema.prisma"
    schema_file.write_text(PRISMA_NAMES.replace('url      = env("DATABASE_URL")',
                                                'url      = env("DATABASE_URL")\n  schemas  = ["auth", "public"]'))
    source, app = load_app_model(f"prisma:{schema_file}")
    code = generate_sqlalchemy(source, app, "postgresql", "names.prisma")
    back, name = read_back(code, tmp_path, "postgresql")
    assert changes(source, back) == []
    assert 'fullName: Mapped[str] = mapped_column("full_name", Text())' in code
    assert 'Enum("MEMBER", "ADMIN", name="Role", schema="auth")' in code
    assert 'mentor: Mapped[Optional[Person]] = relationship("Person", back_populates="mentees", foreign_keys="[Person.mentorId]", remote_side="[Person.id]")' in code
    assert 'sent: Mapped[list[Transfer]] = relationship("Transfer", back_populates="sender", foreign_keys="[Transfer.senderId]")' in code
    module = imported(tmp_path, name)
    orm.configure_mappers()
    person = sa.inspect(module.Person)
    assert person.relationships["mentor"].direction.name == "MANYTOONE"
    assert person.relationships["mentees"].direction.name == "ONETOMANY"
    # client generators: uuid(7), nanoid(), ulid(), cuid(2) and @updatedAt come back as themselves
    assert changes(source, back, client_defaults=True) == []


def test_relations_without_foreign_keys_say_their_join(tmp_path: Path) -> None:
    """Prisma's relationMode = "prisma" keeps no FOREIGN KEY: the relationship says primaryjoin itself."""
    schema_file = tmp_path / "schema.prisma"
    schema_file.write_text("""
datasource db {
  provider     = "postgresql"
  url          = env("DATABASE_URL")
  relationMode = "prisma"
}

model Index {
  id    Int    @id @default(autoincrement())
  posts Post[]
}

model Post {
  id      Int   @id @default(autoincrement())
  indexId Int   @map("index_id")
  index   Index @relation(fields: [indexId], references: [id])

  @@index([indexId])
}
""")
    source, app = load_app_model(f"prisma:{schema_file}")
    code = generate_sqlalchemy(source, app, "postgresql", "keyless.prisma")
    back, name = read_back(code, tmp_path, "postgresql")
    assert changes(source, back) == []
    assert "class IndexModel(Base):" in code  # a model named like an imported SQLAlchemy name is renamed
    assert 'primaryjoin="foreign(Post.indexId) == IndexModel.id"' in code
    module = imported(tmp_path, name)
    orm.configure_mappers()
    assert sa.inspect(module.Post).relationships["index"].direction.name == "MANYTOONE"


def test_updated_at_beside_a_database_default_keeps_onupdate(tmp_path: Path) -> None:
    schema_file = tmp_path / "schema.prisma"
    schema_file.write_text("""
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Note {
  id        Int      @id @default(autoincrement())
  updatedAt DateTime @default(now()) @updatedAt @map("updated_at")
}
""")
    source, app = load_app_model(f"prisma:{schema_file}")
    code = generate_sqlalchemy(source, app, "postgresql", "note.prisma")
    assert 'updatedAt: Mapped[datetime.datetime] = mapped_column("updated_at", postgresql.TIMESTAMP(precision=3), server_default=func.now(), onupdate=utc_now)' in code
    back, _ = read_back(code, tmp_path, "postgresql")
    assert changes(source, back, client_defaults=True) == []
