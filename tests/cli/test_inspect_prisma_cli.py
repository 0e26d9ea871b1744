"""`migrator inspect prisma:…` in every output format, and its syntax errors on the command line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import jsonschema

from migrator.schema import from_json

from ..conftest import EXAMPLES, REPO
from .test_inspect_cli import SNAPSHOT_SCHEMA, invoke

TUTORME = EXAMPLES / "tutorme" / "prisma" / "schema.prisma"


def test_text_lists_the_tables_and_a_summary() -> None:
    result = invoke("inspect", f"prisma:{TUTORME}")
    assert result.exit_code == 0, result.stderr
    assert "public.bookings" in result.stdout
    assert "bookings_tutorId_startsAt_idx" in result.stdout  # named after the @@map-ed table
    assert "17 tables" in result.stdout


def test_json_is_a_valid_snapshot_that_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "tutorme.json"
    result = invoke("inspect", f"prisma:{TUTORME}", "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text())
    jsonschema.validate(data, SNAPSHOT_SCHEMA)
    schema = from_json(out.read_text())
    assert schema.table("public.User").column("id").default.kind == "client"
    assert schema.table("public.User").column("email").origin.line is not None


def test_sql_for_sqlite_creates_the_tables(tmp_path: Path) -> None:
    prisma = tmp_path / "schema.prisma"
    prisma.write_text(
        'datasource db {\n  provider = "sqlite"\n}\n'
        "model User {\n  id Int @id @default(autoincrement())\n  email String @unique\n  posts Post[]\n}\n"
        "model Post {\n  id Int @id @default(autoincrement())\n  authorId Int\n"
        "  author User @relation(fields: [authorId], references: [id])\n}\n"
    )
    result = invoke("inspect", f"prisma:{prisma}", "--format", "sql", "--dialect", "sqlite")
    assert result.exit_code == 0, result.stderr
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(result.stdout)
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert {"User", "Post", "User_email_key"} <= names


def test_a_syntax_error_is_exit_2_with_the_line_and_a_caret(tmp_path: Path) -> None:
    prisma = tmp_path / "schema.prisma"
    prisma.write_text("model A {\n  id Int @id @default(\n}\n")
    result = invoke("inspect", f"prisma:{prisma}")
    assert result.exit_code == 2
    lines = result.stderr.rstrip("\n").splitlines()
    assert lines[0] == f"error: {prisma}:3:1: expected a value, found '}}'"
    assert lines[1:] == ["  }", "  ^"]
    assert "Traceback" not in result.output


def test_brackets_in_messages_are_printed_not_taken_as_markup(tmp_path: Path) -> None:
    prisma = tmp_path / "schema.prisma"
    prisma.write_text('datasource db {\n  provider = "sqlite"\n}\nmodel A {\n  id Int @id\n  tags String[]?\n}\n')
    result = invoke("inspect", f"prisma:{prisma}")
    assert result.exit_code == 2
    assert "  tags String[]?" in result.stderr


def test_the_bundled_demo_command_matches_the_readme() -> None:
    assert "migrator inspect prisma:examples/tutorme/prisma/schema.prisma" in (REPO / "Makefile").read_text().replace("$(BIN)/", "")
