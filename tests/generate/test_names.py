"""The application's names survive generation: Prisma's model, field and relation names become the
Drizzle code's table variables, property keys and relations(), and read back the same."""

from __future__ import annotations

import json
import re
from pathlib import Path

from migrator.appmodel import differences
from migrator.files import atomic_write
from migrator.generate.drizzle import drizzle_names, generate_drizzle
from migrator.inspect import load_app_model

from ..cli.test_inspect_cli import invoke
from ..test_appmodel import PRISMA


def generated(tmp_path: Path, layout: str = "single", casing: str = "preserve") -> tuple[dict[str, str], object, object]:
    path = tmp_path / "schema.prisma"
    path.write_text(PRISMA)
    schema, app = load_app_model(f"prisma:{path}")
    files = generate_drizzle(schema, "postgresql", layout, app, casing)
    for name, text in files.items():
        atomic_write(tmp_path / "out" / name, text)
    return files, drizzle_names(schema, "postgresql", layout, app, casing), load_app_model(f"drizzle:{tmp_path / 'out'}")[1]


def test_relations_keep_prisma_names_both_sides(tmp_path: Path) -> None:
    files, expected, found = generated(tmp_path)
    text = files["schema.ts"]
    assert re.search(r'export const user = pgTable\(\s*"users",', text)  # Prisma Client's prisma.user
    assert 'fullName: text("full_name")' in text
    # A self-relation, paired by its name; two relations to one model told apart the same way.
    assert 'mentor: one(user, { fields: [user.mentorId], references: [user.id], relationName: "Mentoring" }),' in text
    assert 'mentees: many(user, { relationName: "Mentoring" }),' in text
    assert 'editor: one(user, { fields: [post.editorId], references: [user.id], relationName: "Edited" }),' in text
    # The implicit many-to-many through Prisma's join table, whose two sides are one() each.
    assert "categories: many(categoryToPost)," in text
    assert "category: one(category, { fields: [categoryToPost.A], references: [category.id] })," in text
    assert differences(expected, found) == []


def test_per_table_layout_and_camel_casing_read_back_the_same(tmp_path: Path) -> None:
    _, expected, found = generated(tmp_path, "per-table", "camel")
    assert differences(expected, found) == []
    assert ("fullName", "full_name") in expected.by_table("public", "users").fields


def test_differences_names_what_is_wrong(tmp_path: Path) -> None:
    files, expected, _ = generated(tmp_path)
    edited = files["schema.ts"].replace('mentees: many(user, { relationName: "Mentoring" }),', "")
    atomic_write(tmp_path / "out" / "schema.ts", edited)
    found = load_app_model(f"drizzle:{tmp_path / 'out'}")[1]
    assert differences(expected, found) == ["public.users: relation mentees missing"]


def test_verify_checks_names_and_json_maps_them(tmp_path: Path) -> None:
    path = tmp_path / "schema.prisma"
    path.write_text(PRISMA)
    out = tmp_path / "drizzle"
    result = invoke("generate", "drizzle", f"prisma:{path}", "--out", str(out), "--verify", "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    users = next(n for n in doc["names"] if n["table"] == "public.users")
    assert (users["model"], users["variable"], users["fields"]["fullName"]) == ("User", "user", "fullName")
    assert users["relations"]["mentees"] == "mentees"
    assert doc["verify"]["changes"] == 0
    # A relation removed by hand: --verify fails and names it.
    schema_ts = out / "schema.ts"
    schema_ts.write_text(schema_ts.read_text().replace('mentees: many(user, { relationName: "Mentoring" }),', ""))
    again = invoke("generate", "drizzle", f"prisma:{path}", "--out", str(out), "--verify", "--check")
    assert again.exit_code == 1


def test_missing_from_on_the_command_line(tmp_path: Path) -> None:
    from ..conftest import FIXTURES

    case = FIXTURES / "generate" / "partial_port"
    out = tmp_path / "rest"
    result = invoke("generate", "drizzle", f"prisma:{case / 'schema.prisma'}", "--missing-from", f"drizzle:{case / 'port'}",
                    "--out", str(out), "--verify")
    assert result.exit_code == 0, result.output
    assert "1 table(s) and 1 enum(s) are already ported" in (out / "schema.ts").read_text()
    bad = invoke("generate", "drizzle", f"prisma:{case / 'schema.prisma'}", "--missing-from", str(case / "port"), "--out", str(out))
    assert bad.exit_code == 2 and "a Drizzle schema (drizzle:…)" in bad.stderr
    python = invoke("generate", "sqlalchemy", f"prisma:{case / 'schema.prisma'}", "--missing-from", f"drizzle:{case / 'port'}",
                    "--out", str(tmp_path / "m.py"))
    assert python.exit_code == 2 and "--missing-from applies to generate drizzle only" in python.stderr
