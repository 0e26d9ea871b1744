"""drizzle-orm 1.0's `defineRelations(schema, (r) => ({ … }))` read by the Drizzle reader: the relation
names the prisma-drizzle codemod's NameMap takes (migrator.rewrite.typescript.mapping), beside the
0.x `relations()` calls (tests/inspect/test_drizzle.py)."""

from __future__ import annotations

from pathlib import Path

from migrator.inspect._drizzle_reader import read_project

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "drizzle" / "pg_define_relations"


def test_define_relations_are_read() -> None:
    project = read_project(FIXTURE)
    found = {(r.table, r.name): (r.kind, r.target, r.fields, r.references, r.relation_name) for r in project.relations}
    assert found == {
        ("public.users", "posts"): ("many", "public.posts", (), (), "written"),
        ("public.users", "reviewed"): ("many", "public.posts", ("id",), ("reviewer_id",), None),
        ("public.posts", "writer"): ("one", "public.users", ("author_id",), ("id",), "written"),
        ("public.posts", "reviewer"): ("one", "public.users", ("reviewer_id",), ("id",), None),
    }
    assert project.warnings == ()


def test_define_relations_give_the_app_model_its_relations() -> None:
    """Property names (not column names) and the target export, as for relations()."""
    models = {m.name: m for m in read_project(FIXTURE).app_model.models}
    posts = {r.name: r for r in models["posts"].relations}
    assert (posts["writer"].target, posts["writer"].many, posts["writer"].fields, posts["writer"].references) == (
        "users", False, ("authorId",), ("id",))
    assert {r.name for r in models["users"].relations} == {"posts", "reviewed"}


def test_define_relations_with_an_object_and_a_junction(tmp_path: Path) -> None:
    """The tables passed as an object literal; a many-to-many `through` junction column stands for its own column."""
    (tmp_path / "schema.ts").write_text(
        'import { defineRelations } from "drizzle-orm";\n'
        'import { integer, pgTable, primaryKey, serial } from "drizzle-orm/pg-core";\n\n'
        'export const users = pgTable("users", { id: serial("id").primaryKey() });\n'
        'export const groups = pgTable("groups", { id: serial("id").primaryKey() });\n'
        'export const members = pgTable("members", {\n'
        '  userId: integer("user_id").notNull(),\n  groupId: integer("group_id").notNull(),\n'
        '}, (t) => [primaryKey({ columns: [t.userId, t.groupId] })]);\n\n'
        'export const relations = defineRelations({ users, groups, members }, (r) => ({\n'
        '  users: {\n'
        '    groups: r.many.groups({ from: r.users.id.through(r.members.userId), to: r.groups.id.through(r.members.groupId) }),\n'
        '  },\n}));\n')
    project = read_project(tmp_path)
    [rel] = project.relations
    assert (rel.table, rel.name, rel.kind, rel.target, rel.fields, rel.references) == (
        "public.users", "groups", "many", "public.groups", ("id",), ("id",))


def test_a_filtered_relation_is_left_out(tmp_path: Path) -> None:
    """`r.many.posts({ where })` loads only some related rows: no Prisma relation field is it."""
    (tmp_path / "schema.ts").write_text(
        'import { defineRelations } from "drizzle-orm";\n'
        'import { boolean, integer, pgTable, serial } from "drizzle-orm/pg-core";\n\n'
        'export const users = pgTable("users", { id: serial("id").primaryKey() });\n'
        'export const posts = pgTable("posts", { id: serial("id").primaryKey(), authorId: integer("author_id"),'
        ' published: boolean("published") });\n\n'
        'export const relations = defineRelations({ users, posts }, (r) => ({\n'
        '  users: {\n    posts: r.many.posts(),\n'
        '    published: r.many.posts({ from: r.users.id, to: r.posts.authorId, where: { published: true } }),\n  },\n'
        '  posts: { author: r.one.users({ from: r.posts.authorId, to: r.users.id }) },\n}));\n')
    assert sorted(r.name for r in read_project(tmp_path).relations) == ["author", "posts"]
