"""The application's names for a schema: read from a Prisma schema as written, derived for any other source."""

from __future__ import annotations

from pathlib import Path

from migrator.appmodel import Relation, camel, derive
from migrator.inspect import load_app_model
from migrator.schema import Column, ForeignKey, Namespace, PrimaryKey, Schema, Table
from migrator.types import parse_type

PRISMA = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id         String  @id @default(uuid())
  fullName   String  @map("full_name")
  mentorId   String? @map("mentor_id")
  mentor     User?   @relation("Mentoring", fields: [mentorId], references: [id])
  mentees    User[]  @relation("Mentoring")
  posts      Post[]  @relation("Written")
  edited     Post[]  @relation("Edited")
  profile    Profile?
  @@map("users")
}

model Profile {
  id     Int    @id @default(autoincrement())
  userId String @unique
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
}

model Post {
  id         Int        @id @default(autoincrement())
  authorId   String
  editorId   String?
  author     User       @relation("Written", fields: [authorId], references: [id])
  editor     User?      @relation("Edited", fields: [editorId], references: [id])
  categories Category[]
}

model Category {
  id    Int    @id @default(autoincrement())
  posts Post[]
}
"""


def relations(app, model: str) -> dict[str, Relation]:
    return {r.name: r for r in app.by_name(model).relations}


def test_prisma_names_are_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "schema.prisma"
    path.write_text(PRISMA)
    schema, app = load_app_model(f"prisma:{path}")
    user = app.by_name("User")
    assert (user.namespace, user.table, user.file) == ("public", "users", str(path))
    assert user.fields == (("id", "id"), ("fullName", "full_name"), ("mentorId", "mentor_id"))
    assert user.field_of("full_name") == "fullName"
    rel = relations(app, "User")
    # A self-relation: both sides, paired by the relation's name; the side with the key holds fields.
    assert rel["mentor"] == Relation("mentor", "User", False, ("mentorId",), ("id",), "Mentoring", optional=True)
    assert rel["mentees"] == Relation("mentees", "User", True, relation_name="Mentoring")
    # Two relations to one model, told apart by name; a one-to-one without the key.
    assert (rel["posts"].relation_name, rel["edited"].relation_name) == ("Written", "Edited")
    assert rel["profile"] == Relation("profile", "Profile", False, optional=True)
    assert relations(app, "Profile")["user"].fields == ("userId",)
    # The implicit many-to-many: both sides name the join table Prisma creates.
    assert relations(app, "Post")["categories"].through == "_CategoryToPost"
    assert relations(app, "Category")["posts"].through == "_CategoryToPost"
    assert any(t.name == "_CategoryToPost" for t in schema.namespaces[0].tables)
    # A one-to-many's list side has no join table.
    assert rel["posts"].through is None


def test_names_derived_from_foreign_keys() -> None:
    text = parse_type("text", "postgresql")
    users = Table("users", (Column("id", text, False), Column("mentor_id", text)), PrimaryKey(("id",)),
                  foreign_keys=(ForeignKey(None, ("mentor_id",), "users", ("id",)),))
    posts = Table("blog_posts", (Column("id", text, False), Column("author_id", text, False), Column("editor_id", text)),
                  PrimaryKey(("id",)),
                  foreign_keys=(ForeignKey(None, ("author_id",), "users", ("id",)), ForeignKey(None, ("editor_id",), "users", ("id",))))
    app = derive(Schema("postgresql", (Namespace("public", (users, posts)),)))
    assert app.derived and [m.name for m in app.models] == ["users", "blogPosts"]
    assert app.by_table("public", "blog_posts").fields[1] == ("author_id", "author_id")
    post = relations(app, "blogPosts")
    # Two keys to one table: each relation is named after its column, and paired by a name.
    assert (post["author"].target, post["author"].fields, post["author"].optional) == ("users", ("author_id",), False)
    assert post["editor"].optional and post["author"].relation_name != post["editor"].relation_name
    user = relations(app, "users")
    assert user["mentor"].fields == ("mentor_id",)  # a self-reference
    many = {r.name: r for r in user.values() if r.many}
    assert {r.relation_name for r in many.values()} == {post["author"].relation_name, post["editor"].relation_name,
                                                        user["mentor"].relation_name}
    assert len(many) == 3  # each many side has a name of its own


def test_camel() -> None:
    assert [camel(n) for n in ("created_at", "User", "tutor_profiles", "2fa", "a-b c")] == [
        "createdAt", "user", "tutorProfiles", "_2fa", "aBC"]


def test_drizzle_names_are_read_from_exports_properties_and_relations() -> None:
    from tests.conftest import EXAMPLES

    _, app = load_app_model(f"drizzle:{EXAMPLES / 'tutorme' / 'src' / 'lib' / 'db' / 'schema'}")
    tutors = app.by_table("public", "tutor_profiles")
    assert tutors.name == "tutors" and tutors.file.endswith("tutors.ts")  # the export, not the table
    assert ("userId", "userId") in tutors.fields and tutors.updated_at == ("updatedAt",)
    rel = {r.name: r for r in tutors.relations}
    assert rel["user"] == Relation("user", "users", False, ("userId",), ("id",))
    assert (rel["subjects"].target, rel["subjects"].many) == ("subjectsToTutors", True)  # the join table's model
    join = relations(app, "subjectsToTutors")
    assert (join["subject"].target, join["subject"].fields) == ("subjects", ("A",))
