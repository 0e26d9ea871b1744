"""Hand-built Diffs for the renderer tests and their golden files (tests/fixtures/render/diff/).

Built by hand, not by compare(), so that a change in the comparison never changes what the
renderers are tested on. Origins carry files, lines and columns, as model files give them.
"""

from __future__ import annotations

from migrator.schema import Column, Default, ForeignKey, Index, IndexElement, Origin, SqlType, Table
from migrator.verify.changes import Change, Diff

PRISMA = "prisma:prisma/schema.prisma"
DB = "postgresql://app:***@db:5432/app"


def _at(line: int, column: int | None = 3, file: str = "prisma/schema.prisma") -> Origin:
    return Origin(PRISMA, file, line, column)


DB_ORIGIN = Origin(DB)

DRIFT = Diff(
    source_from=DB,
    source_to=PRISMA,
    changes=(
        Change("add_extension", "pgcrypto", new=None),
        Change(
            "alter_column_type", "public.users.email", "public", "users", "email",
            old=SqlType("varchar", length=200), new=SqlType("varchar", length=100),
            origin_old=DB_ORIGIN, origin_new=_at(12), hazards=("MG103", "MG301"),
        ),
        Change(
            "add_column", "public.users.nickname", "public", "users", "nickname",
            new=Column("nickname", SqlType("text"), nullable=False),
            origin_new=_at(14), hazards=("MG204", "MG406"),
        ),
        Change(
            "drop_column", "public.users.legacy_id", "public", "users", "legacy_id",
            old=Column("legacy_id", SqlType("integer")), origin_old=DB_ORIGIN, hazards=("MG102", "MG404"),
        ),
        Change(
            "rename_column", "public.users.full_name", "public", "users", "full_name",
            old="name", new="full_name", severity="info", possible=True, origin_new=_at(13),
        ),
        Change(
            "add_index", "public.posts.posts_author_idx", "public", "posts", "posts_author_idx",
            new=Index("posts_author_idx", (IndexElement("author_id"),)), origin_new=_at(40, None), hazards=("MG302",),
        ),
        Change(
            "add_foreign_key", "public.posts.posts_author_fkey", "public", "posts", "posts_author_fkey",
            new=ForeignKey("posts_author_fkey", ("author_id",), "users", ("id",), on_delete="CASCADE"),
            origin_new=_at(33, 5), hazards=("MG206", "MG303"),
        ),
        Change(
            "alter_column_default", "public.posts.status", "public", "posts", "status",
            old=Default("literal", "'draft'"), new=Default("literal", "'new'"), origin_new=_at(35, 3),
        ),
        Change("alter_table_comment", "public.posts", "public", "posts", old="Posts", new="Blog posts"),
        Change("add_table", "public.tags", "public", "tags", new=Table("tags", (Column("id", SqlType("integer"), False),)),
               origin_new=_at(50, 1)),
    ),
    not_modeled=("views: not modeled by prisma:prisma/schema.prisma", "views: not modeled by prisma:prisma/schema.prisma"),
    notes=("prisma/schema.prisma:70:3: unknown attribute @@fulltext",),
)

CLEAN = Diff(DB, PRISMA, not_modeled=("sequences: not modeled by prisma:prisma/schema.prisma",))

# A path with the characters GitHub's and Markdown's escaping must handle.
ODD = Diff(
    "sqlite:///a.db",
    "sqlite:///b.db",
    changes=(
        Change(
            "add_check", "main.t.ratio_ok", "main", "t", "ratio_ok",
            new=None, message="check main.t.ratio_ok: 50% of a|b, c:d\nsecond line <x>",
            origin_new=Origin("x", "/repo/app/models, v2.py", 7, 1), hazards=("MG205",),
        ),
    ),
)

CHECKS = [("prisma-vs-db", DRIFT), ("drizzle-vs-prisma", CLEAN)]
