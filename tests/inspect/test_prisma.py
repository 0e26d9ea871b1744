"""The prisma: source: every construct of the Prisma Schema Language, asserted on the model.

Agreement with real databases (the SQL Prisma Migrate writes, applied and inspected) is
in test_prisma_agreement.py; these tests pin down each mapping rule on its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator.errors import BadInput
from migrator.inspect import InspectOptions, load, resolve
from migrator.inspect._prisma_physical import opclass_name, prisma_name
from migrator.inspect._prisma_syntax import Call, Ident, parse
from migrator.schema import Default, Identity, Index, IndexElement, PrimaryKey, SqlType

from ..conftest import EXAMPLES, FIXTURES

PG = 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n'
SQLITE = 'datasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\n'


def read(tmp_path: Path, text: str, name: str = "schema.prisma", **options):
    path = tmp_path / name
    path.write_text(text)
    return load(f"prisma:{path}", InspectOptions(**options))


# -- syntax ----------------------------------------------------------------------


def test_parser_reads_blocks_fields_attributes_and_values() -> None:
    blocks = parse(
        PG
        + '/// The people\nmodel User {\n  id Int @id @default(autoincrement()) /// trailing\n'
        '  tags String[]\n  bio String? @db.VarChar(200)\n'
        '  @@index([id(sort: Desc), tags], type: Gin, map: "x")\n}\n',
        "s.prisma",
    )
    user = blocks[1]
    assert (user.kind, user.name, user.doc) == ("model", "User", "The people")
    assert [(f.name, f.type_name, f.is_list, f.optional) for f in user.fields] == [
        ("id", "Int", False, False),
        ("tags", "String", True, False),
        ("bio", "String", False, True),
    ]
    assert user.fields[2].attribute("db.VarChar").args[0].value.text == "200"
    index = user.attribute("index")
    fields = index.arg("fields", 0)
    assert isinstance(fields[0], Call) and fields[0].name == "id"
    assert fields[0].args[0].value == Ident("Desc")
    assert index.arg("map") == "x" and index.arg("type") == Ident("Gin")
    assert index.position.line == 10 and index.position.column == 3


def test_arguments_may_span_lines_and_end_with_a_comma() -> None:
    blocks = parse(PG + 'model A {\n  a Int\n  b Int\n  @@id([\n    a,\n    b,\n  ])\n}\n', "s.prisma")
    assert [v.name for v in blocks[1].attribute("id").arg("fields", 0)] == ["a", "b"]


def test_string_escapes_are_decoded() -> None:
    blocks = parse(PG + 'model A {\n  a String @id @default("say \\"hi\\"\\n")\n}\n', "s.prisma")
    assert blocks[1].fields[0].attribute("default").arg("value", 0) == 'say "hi"\n'


ERROR_CASES = sorted((FIXTURES / "prisma_errors").glob("*.prisma"))


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c.stem for c in ERROR_CASES])
def test_malformed_schemas_name_file_line_and_column(case: Path) -> None:
    """Each file's first line says `// expect: LINE:COL: message`."""
    expected = case.read_text().splitlines()[0].removeprefix("// expect: ")
    with pytest.raises(BadInput) as err:
        load(f"prisma:{case}")
    first, _, context = str(err.value).partition("\n")
    assert first == f"{case}:{expected}"
    line = int(expected.split(":")[0])
    if context:  # syntax errors show the offending line and a caret under the column
        source_line = case.read_text().splitlines()[line - 1]
        assert context.splitlines()[0] == "  " + source_line
        assert context.splitlines()[1].index("^") == 2 + int(expected.split(":")[1]) - 1


# -- tables, columns, types ----------------------------------------------------


def test_scalar_types_on_postgresql(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        PG
        + "model T {\n  id Int @id\n  s String\n  b Boolean\n  bi BigInt\n  f Float\n  d Decimal\n"
        "  dt DateTime\n  j Json\n  by Bytes\n  o String?\n  l Int[]\n}\n",
    )
    t = schema.table("public.T")
    types = {c.name: str(c.type) for c in t.columns}
    assert types == {
        "id": "integer", "s": "text", "b": "boolean", "bi": "bigint", "f": "double precision",
        "d": "numeric(65,30)", "dt": "timestamp(3)", "j": "jsonb", "by": "bytea", "o": "text", "l": "integer[]",
    }
    nullable = {c.name for c in t.columns if c.nullable}
    # Prisma creates scalar lists without NOT NULL.
    assert nullable == {"o", "l"}


@pytest.mark.parametrize(
    ("native", "prisma_type", "expected"),
    [
        ("@db.VarChar(120)", "String", SqlType("varchar", length=120)),
        ("@db.Char(3)", "String", SqlType("char", length=3)),
        ("@db.Text", "String", SqlType("text")),
        ("@db.Uuid", "String", SqlType("uuid")),
        ("@db.Xml", "String", SqlType("xml")),
        ("@db.Inet", "String", SqlType("inet")),
        ("@db.Citext", "String", SqlType("citext")),
        ("@db.Bit(8)", "String", SqlType("bit", length=8)),
        ("@db.VarBit(8)", "String", SqlType("varbit", length=8)),
        ("@db.SmallInt", "Int", SqlType("smallint")),
        ("@db.Integer", "Int", SqlType("integer")),
        ("@db.Oid", "Int", SqlType("oid")),
        ("@db.BigInt", "BigInt", SqlType("bigint")),
        ("@db.Real", "Float", SqlType("real")),
        ("@db.DoublePrecision", "Float", SqlType("double")),
        ("@db.Decimal(10, 2)", "Decimal", SqlType("numeric", precision=10, scale=2)),
        ("@db.Money", "Decimal", SqlType("money")),
        ("@db.Timestamp(6)", "DateTime", SqlType("timestamp", precision=6)),
        ("@db.Timestamptz(3)", "DateTime", SqlType("timestamp", precision=3, timezone=True)),
        ("@db.Timestamptz", "DateTime", SqlType("timestamp", timezone=True)),
        ("@db.Date", "DateTime", SqlType("date")),
        ("@db.Time(2)", "DateTime", SqlType("time", precision=2)),
        ("@db.Timetz(2)", "DateTime", SqlType("time", precision=2, timezone=True)),
        ("@db.Json", "Json", SqlType("json")),
        ("@db.JsonB", "Json", SqlType("jsonb")),
        ("@db.ByteA", "Bytes", SqlType("bytes")),
        ("@db.Boolean", "Boolean", SqlType("boolean")),
    ],
)
def test_native_types_on_postgresql(tmp_path: Path, native: str, prisma_type: str, expected: SqlType) -> None:
    schema = read(tmp_path, PG + f"model T {{\n  id Int @id\n  v {prisma_type} {native}\n}}\n")
    assert schema.table("public.T").column("v").type == expected


def test_scalar_types_and_keys_on_sqlite(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        SQLITE
        + "model T {\n  id Int @id @default(autoincrement())\n  s String\n  f Float\n  d Decimal\n"
        "  dt DateTime @default(now())\n  by Bytes\n  ok Boolean @default(true)\n}\n"
        "model U {\n  id Int @id\n  name String @unique\n}\n"
        "model V {\n  a String\n  b String\n  @@id([a, b])\n}\n",
    )
    assert schema.dialect == "sqlite"
    t = schema.table("main.T")
    assert str(t.column("f").type) == "double precision" and t.column("by").type.name == "bytes"
    assert t.column("id").identity == Identity("autoincrement")
    assert t.column("dt").default == Default("current_timestamp", "CURRENT_TIMESTAMP")
    assert t.column("ok").default == Default("literal", "true")
    # SQLite writes the primary key inline and unnamed; a lone INTEGER key is the rowid.
    assert t.primary_key == PrimaryKey(("id",), None)
    assert schema.table("main.U").column("id").identity == Identity("autoincrement")  # implicit on SQLite
    assert schema.table("main.U").indexes == (Index("U_name_key", (IndexElement("name"),), unique=True),)
    assert schema.table("main.V").primary_key == PrimaryKey(("a", "b"), None)
    assert schema.namespaces[0].sequences == ()


def test_mysql_types_and_names(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        'datasource db {\n  provider = "mysql"\n  url = env("U")\n}\n'
        "enum Kind {\n  A\n  B\n}\n"
        "model T {\n  id Int @id @default(autoincrement())\n  s String\n  k Kind\n  big Int @db.UnsignedInt\n"
        "  dt DateTime\n  body String @db.Text\n  @@fulltext([body])\n}\n",
    )
    t = schema.table("T")
    assert schema.dialect == "mysql"
    assert str(t.column("s").type) == "varchar(191)"
    assert t.column("dt").type == SqlType("timestamp", precision=3)
    assert t.column("k").type == SqlType("enum", enum="Kind")
    assert t.column("id").identity == Identity("autoincrement")
    assert t.primary_key.name == "PRIMARY"
    assert [(i.name, i.method) for i in t.indexes] == [("T_body_idx", "fulltext")]


def test_map_renames_tables_columns_enums_and_values(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        PG
        + 'enum Status {\n  ACTIVE @map("active")\n  GONE\n  @@map("status")\n}\n'
        'model Account {\n  id Int @id @map("account_id")\n  status Status @default(ACTIVE) @map("state")\n'
        '  @@map("accounts")\n}\n',
    )
    ns = schema.namespace("public")
    assert ns.enum("status").values == ("active", "GONE")
    t = ns.table("accounts")
    assert [c.name for c in t.columns] == ["account_id", "state"]
    assert t.column("state").type == SqlType("enum", enum="public.status")
    assert t.column("state").default == Default("literal", "'active'")
    assert t.primary_key == PrimaryKey(("account_id",), "accounts_pkey")


# -- defaults --------------------------------------------------------------------


def test_defaults_database_side_and_client_side(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        PG
        + "enum Role {\n  USER\n  ADMIN\n}\n"
        "model T {\n  id Int @id @default(autoincrement())\n"
        '  big BigInt @default(autoincrement()) @unique\n'
        '  s String @default("it\'s")\n  n Int @default(-1)\n  f Float @default(1.5)\n'
        '  d Decimal @default(0.10)\n  b Boolean @default(false)\n  at DateTime @default(now())\n'
        '  upd DateTime @updatedAt\n  both DateTime @default(now()) @updatedAt\n'
        '  c1 String @default(cuid())\n  c2 String @default(cuid(2))\n  u4 String @default(uuid())\n'
        '  u7 String @default(uuid(7))\n  ul String @default(ulid())\n  na String @default(nanoid(10))\n'
        '  g String @default(dbgenerated("gen_random_uuid()")) @db.Uuid\n'
        '  r Role @default(ADMIN)\n  rs Role[] @default([USER, ADMIN])\n  tags String[] @default([])\n'
        '  nums Int[] @default([1, 2])\n  j Json @default("{\\"b\\":1,\\"aa\\":[1,2]}")\n'
        '  stamp DateTime @default("2024-01-02T03:04:05.123Z")\n}\n',
    )
    t = schema.table("public.T")
    d = {c.name: c.default for c in t.columns}
    assert d["id"] == Default("sequence", "public.T_id_seq")
    assert d["big"] == Default("sequence", "public.T_big_seq")
    assert d["s"] == Default("literal", "'it''s'")
    assert d["n"] == Default("literal", "-1")
    assert d["f"] == Default("literal", "1.5")
    assert d["d"] == Default("literal", "0.10")
    assert d["b"] == Default("literal", "false")
    assert d["at"] == d["both"] == Default("current_timestamp", "CURRENT_TIMESTAMP")
    assert d["upd"] == Default("client", "@updatedAt")
    assert [d[k] for k in ("c1", "c2", "u4", "u7", "ul", "na")] == [
        Default("client", v) for v in ("cuid()", "cuid(2)", "uuid()", "uuid(7)", "ulid()", "nanoid(10)")
    ]
    assert d["g"] == Default("expression", "gen_random_uuid()")
    assert d["r"] == Default("literal", "'ADMIN'")
    assert d["rs"] == Default("expression", "ARRAY['USER', 'ADMIN']")
    assert d["tags"] == Default("expression", "ARRAY[]")
    assert d["nums"] == Default("expression", "ARRAY[1, 2]")
    # jsonb prints keys shortest first; timestamp without time zone drops the offset.
    assert d["j"] == Default("literal", "'{\"b\": 1, \"aa\": [1, 2]}'")
    assert d["stamp"] == Default("literal", "'2024-01-02 03:04:05.123'")
    seqs = {s.name: (s.data_type, s.owned_by) for s in schema.namespace("public").sequences}
    assert seqs == {"T_id_seq": ("integer", "T.id"), "T_big_seq": ("bigint", "T.big")}


# -- keys, indexes, names -------------------------------------------------------


def test_ids_uniques_and_indexes_with_their_options(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        PG
        + "model T {\n  a String\n  b Int\n  c Json\n  d String @unique(map: \"d_uq\", sort: Desc)\n"
        '  @@id([a, b], name: "ab", map: "t_ab_pk")\n  @@unique([b, a(sort: Desc)], name: "ba")\n'
        '  @@index([c(ops: JsonbPathOps)], type: Gin)\n  @@index([c], type: Gin, map: "c_gin")\n'
        '  @@index([a(ops: raw("text_pattern_ops"))], name: "a_pattern")\n'
        '  @@index([b], type: Brin)\n  @@index([a], where: raw("b > 0"))\n}\n',
    )
    t = schema.table("public.T")
    assert t.primary_key == PrimaryKey(("a", "b"), "t_ab_pk")
    by_name = {i.name: i for i in t.indexes}
    assert by_name["d_uq"] == Index("d_uq", (IndexElement("d", descending=True),), unique=True)
    assert by_name["T_b_a_key"] == Index("T_b_a_key", (IndexElement("b"), IndexElement("a", descending=True)), unique=True)
    assert by_name["T_c_idx"] == Index("T_c_idx", (IndexElement("c", opclass="jsonb_path_ops"),), method="gin")
    assert by_name["c_gin"].elements == (IndexElement("c"),)  # jsonb_ops is the default: not recorded
    assert by_name["a_pattern"].elements == (IndexElement("a", opclass="text_pattern_ops"),)
    assert by_name["T_b_idx"].method == "brin"
    assert by_name["T_a_idx"].where == "b > 0"


@pytest.mark.parametrize(
    ("ops", "sql"),
    [
        ("JsonbPathOps", "jsonb_path_ops"),
        ("ArrayOps", "array_ops"),
        ("InetOps", "inet_ops"),
        ("Int4MinMaxOps", "int4_minmax_ops"),
        ("TimestampTzMinMaxMultiOps", "timestamptz_minmax_multi_ops"),
        ("UuidBloomOps", "uuid_bloom_ops"),
        ("InetInclusionOps", "inet_inclusion_ops"),
    ],
)
def test_prisma_operator_class_names(ops: str, sql: str) -> None:
    assert opclass_name(Ident(ops)) == sql


def test_names_are_cut_to_63_bytes_keeping_the_suffix() -> None:
    table = "organization_membership_invitations"
    name = prisma_name(table, ["invited_by_user_id", "organization_id"], "key", 63)
    assert name == "organization_membership_invitations_invited_by_user_id_orga_key"
    assert len(name.encode()) == 63
    assert prisma_name("User", ["email"], "key", 63) == "User_email_key"
    assert prisma_name("User", [], "pkey", 63) == "User_pkey"
    assert prisma_name("é" * 40, ["x"], "idx", 63).endswith("_idx")
    assert len(prisma_name("é" * 40, ["x"], "idx", 63).encode()) <= 63


def test_long_names_in_a_schema(tmp_path: Path) -> None:
    long_table = "a_really_long_table_name_that_goes_on_and_on_forever"
    schema = read(
        tmp_path,
        PG + f"model T {{\n  id Int @id @default(autoincrement())\n  another_long_column_name String @unique\n"
        f'  @@map("{long_table}")\n}}\n',
    )
    t = schema.namespace("public").table(long_table)
    assert t.indexes[0].name == "a_really_long_table_name_that_goes_on_and_on_forever_anothe_key"
    assert t.primary_key.name == f"{long_table}_pkey"
    # The serial sequence is named by PostgreSQL (makeObjectName), not by Prisma.
    assert t.column("id").default == Default("sequence", "public.a_really_long_table_name_that_goes_on_and_on_forever_id_seq")


# -- relations -------------------------------------------------------------------


RELATIONS = (
    PG
    + "model User {\n  id Int @id\n  posts Post[]\n  profile Profile?\n  manager User? @relation(\"mgr\", fields: [managerId], references: [id])\n"
    "  managerId Int?\n  reports User[] @relation(\"mgr\")\n  tags Tag[]\n  followers User[] @relation(\"follows\")\n"
    "  following User[] @relation(\"follows\")\n  groups Group[] @relation(\"Membership\")\n}\n"
    "model Post {\n  id String @id\n  authorId Int\n  author User @relation(fields: [authorId], references: [id])\n"
    "  editorId Int?\n  editor Post? @relation(\"ed\", fields: [editorId], references: [authorId], onDelete: Cascade, onUpdate: NoAction, map: \"post_editor\")\n"
    "  edited Post[] @relation(\"ed\")\n  tags Tag[]\n  @@unique([authorId])\n}\n"
    "model Profile {\n  id Int @id\n  userId Int @unique\n  user User @relation(fields: [userId], references: [id], onDelete: SetDefault)\n}\n"
    "model Tag {\n  id String @id @db.Uuid\n  users User[]\n  posts Post[]\n}\n"
    "model Group {\n  id BigInt @id\n  members User[] @relation(\"Membership\")\n}\n"
)


def test_foreign_keys_and_default_referential_actions(tmp_path: Path) -> None:
    schema = read(tmp_path, RELATIONS)
    fks = {fk.name: fk for t in schema.namespace("public").tables for fk in t.foreign_keys}
    author = fks["Post_authorId_fkey"]
    assert (author.columns, author.ref_table, author.ref_columns, author.ref_schema) == (("authorId",), "User", ("id",), "public")
    assert (author.on_delete, author.on_update) == ("RESTRICT", "CASCADE")  # required relation
    assert (fks["User_managerId_fkey"].on_delete, fks["User_managerId_fkey"].on_update) == ("SET NULL", "CASCADE")  # optional
    assert (fks["post_editor"].on_delete, fks["post_editor"].on_update) == ("CASCADE", "NO ACTION")
    assert fks["Profile_userId_fkey"].on_delete == "SET DEFAULT"


def test_implicit_many_to_many_join_tables(tmp_path: Path) -> None:
    schema = read(tmp_path, RELATIONS)
    ns = schema.namespace("public")
    assert {t.name for t in ns.tables if t.name.startswith("_")} == {"_PostToTag", "_TagToUser", "_follows", "_Membership"}
    tags = ns.table("_TagToUser")  # A is the model first in alphabetical order
    assert [(c.name, str(c.type), c.nullable) for c in tags.columns] == [("A", "uuid", False), ("B", "integer", False)]
    assert tags.primary_key == PrimaryKey(("A", "B"), "_TagToUser_AB_pkey")
    assert tags.indexes == (Index("_TagToUser_B_index", (IndexElement("B"),)),)
    assert {(fk.name, fk.ref_table, fk.on_delete, fk.on_update) for fk in tags.foreign_keys} == {
        ("_TagToUser_A_fkey", "Tag", "CASCADE", "CASCADE"),
        ("_TagToUser_B_fkey", "User", "CASCADE", "CASCADE"),
    }
    membership = ns.table("_Membership")
    assert [str(c.type) for c in membership.columns] == ["bigint", "integer"]
    follows = ns.table("_follows")  # a self-relation: both columns refer to User
    assert {fk.ref_table for fk in follows.foreign_keys} == {"User"}


def test_join_tables_before_prisma_6_have_a_unique_index(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"devDependencies": {"prisma": "^5.22.0"}}))
    schema = read(tmp_path, RELATIONS)
    tags = schema.table("public._TagToUser")
    assert tags.primary_key is None
    assert Index("_TagToUser_AB_unique", (IndexElement("A"), IndexElement("B")), unique=True) in tags.indexes


def test_relation_mode_prisma_creates_no_foreign_keys(tmp_path: Path) -> None:
    text = RELATIONS.replace('url = env("DATABASE_URL")', 'url = env("DATABASE_URL")\n  relationMode = "prisma"')
    schema = read(tmp_path, text)
    assert all(not t.foreign_keys for ns in schema.namespaces for t in ns.tables)
    assert "_TagToUser" in {t.name for t in schema.namespace("public").tables}
    assert any("relationMode" in n for n in schema.notes)


# -- multi-schema, extensions, ignored and unsupported ----------------------------


def test_multi_schema_and_extensions(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        'datasource db {\n  provider = "postgresql"\n  url = env("U")\n  schemas = ["auth", "public", "billing"]\n'
        '  extensions = [pgcrypto, postgis(version: "3.4"), uuid_ossp(map: "uuid-ossp", schema: "ext")]\n}\n'
        'enum Plan {\n  FREE\n  PRO\n  @@schema("billing")\n}\n'
        'model User {\n  id Int @id\n  @@schema("auth")\n}\n'
        'model Sub {\n  id Int @id\n  plan Plan\n  userId Int\n  user User @relation(fields: [userId], references: [id])\n  @@schema("billing")\n}\n',
    )
    assert [ns.name for ns in schema.namespaces] == ["auth", "billing", "public"]
    sub = schema.table("billing.Sub")
    assert sub.column("plan").type == SqlType("enum", enum="billing.Plan")
    assert sub.foreign_keys[0].ref_schema == "auth"
    assert {(e.name, e.schema, e.version) for e in schema.extensions} == {
        ("pgcrypto", None, None), ("postgis", None, "3.4"), ("uuid-ossp", "ext", None)
    }
    assert [t.name for t in load(f"prisma:{tmp_path / 'schema.prisma'}", InspectOptions(schemas=("auth",))).namespaces[0].tables] == ["User"]


def test_ignored_models_and_fields_still_exist_in_the_database(tmp_path: Path) -> None:
    schema = read(tmp_path, PG + "model Legacy {\n  id Int @id\n  junk String @ignore\n  @@ignore\n}\n")
    assert [c.name for c in schema.table("public.Legacy").columns] == ["id", "junk"]


def test_unsupported_views_and_composite_types(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        PG + 'model Doc {\n  id Int @id\n  search Unsupported("tsvector")?\n  geo Unsupported("geometry(Point, 4326)")\n}\n'
        "view Summary {\n  id Int @unique\n}\ntype Address {\n  street String\n}\n",
    )
    doc = schema.table("public.Doc")
    assert doc.column("search").type == SqlType("tsvector") and doc.column("search").nullable
    assert doc.column("geo").type.name.startswith("geometry")
    assert schema.namespace("public").views == ()
    notes = "\n".join(schema.notes)
    assert "view 'Summary'" in notes and "composite type 'Address'" in notes
    assert f"{tmp_path / 'schema.prisma'}:10:1: view" in notes


def test_unknown_attributes_types_and_native_types_are_warnings(tmp_path: Path) -> None:
    schema = read(
        tmp_path,
        PG + "model T {\n  id Int @id @shiny\n  x Strng\n  y String @db.Varchar(3)\n  @@sparkle\n}\n",
    )
    t = schema.table("public.T")
    assert [c.name for c in t.columns] == ["id", "y"]
    assert t.column("y").type == SqlType("text")
    path = tmp_path / "schema.prisma"
    assert list(schema.notes) == [
        f"{path}:6:14: unknown field attribute @shiny; ignored",
        f"{path}:7:3: field T.x: unknown type 'Strng'; not modeled",
        f"{path}:8:12: unknown native type @db.Varchar for postgresql; using the default for String",
        f"{path}:9:3: unknown model attribute @@sparkle; ignored",
    ]


def test_origins_point_at_the_declaring_line(tmp_path: Path) -> None:
    schema = read(tmp_path, PG + "model T {\n  id Int @id\n  name String @unique\n}\n")
    t = schema.table("public.T")
    path = str(tmp_path / "schema.prisma")
    assert (t.origin.file, t.origin.line) == (path, 5)
    assert (t.column("name").origin.line, t.indexes[0].origin.line, t.indexes[0].origin.column) == (7, 7, 15)


# -- files and folders -------------------------------------------------------------


def test_a_folder_of_prisma_files_is_one_schema(tmp_path: Path) -> None:
    folder = tmp_path / "prisma" / "schema"
    (folder / "models").mkdir(parents=True)
    (folder / "main.prisma").write_text(PG)
    (folder / "models" / "user.prisma").write_text("model User {\n  id Int @id\n  posts Post[]\n}\n")
    (folder / "models" / "post.prisma").write_text(
        "model Post {\n  id Int @id\n  userId Int\n  user User @relation(fields: [userId], references: [id])\n}\n"
    )
    (folder / "migrations").mkdir()
    (folder / "migrations" / "junk.prisma").write_text("this is not prisma")
    for spec in (f"prisma:{folder}", f"prisma:{tmp_path}"):
        schema = load(spec)
        assert {t.name for t in schema.namespace("public").tables} == {"User", "Post"}
    post = load(f"prisma:{folder}").table("public.Post")
    assert post.origin.file == str(folder / "models" / "post.prisma")


def test_prisma_config_names_the_schema(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "app.prisma").write_text(PG + "model A {\n  id Int @id\n}\n")
    (tmp_path / "prisma.config.ts").write_text(
        'import { defineConfig } from "prisma/config";\nexport default defineConfig({\n  schema: "db/app.prisma",\n});\n'
    )
    assert [t.name for t in load(f"prisma:{tmp_path}").namespace("public").tables] == ["A"]


def test_a_bare_prisma_path_is_claimed(tmp_path: Path) -> None:
    assert resolve(str(tmp_path / "schema.prisma")).name == "prisma"


def test_missing_paths_and_empty_folders_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no such file"):
        load(f"prisma:{tmp_path / 'nope.prisma'}")
    with pytest.raises(BadInput, match="no .prisma files"):
        load(f"prisma:{tmp_path}")


def test_provider_must_be_supported(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"schema.prisma:2:3: provider 'mongodb' is not supported"):
        read(tmp_path, 'datasource db {\n  provider = "mongodb"\n  url = env("U")\n}\n')


def test_the_example_schema(tmp_path: Path) -> None:
    schema = load(f"prisma:{EXAMPLES / 'tutorme' / 'prisma' / 'schema.prisma'}")
    ns = schema.namespace("public")
    assert len(ns.tables) == 17  # 16 models and the implicit _SubjectToTutorProfile
    assert ns.enum("payment_status").values == ("PENDING", "requires_action", "SUCCEEDED", "FAILED", "REFUNDED")
    bookings = ns.table("bookings")
    assert bookings.column("startsAt").type == SqlType("timestamp", precision=3, timezone=True)
    assert bookings.column("id").default == Default("client", "uuid()")
    # tutorme depends on Prisma 5: its join table has the unique index, not a primary key.
    assert ns.table("_SubjectToTutorProfile").primary_key is None


def test_block_comments_are_skipped(tmp_path: Path) -> None:
    """Regression (trigger.dev's schema): Prisma accepts /* … */ comments between blocks."""
    schema = read(tmp_path, PG + "/**\n * Error groups.\n */\nmodel T {\n  id Int @id /* inline */\n}\n")
    assert schema.table("public.T").origin.line == 8


def test_a_quoted_number_on_a_numeric_field_is_a_number(tmp_path: Path) -> None:
    """Regression (trigger.dev): @default("2.00") on a Decimal is written DEFAULT 2.00."""
    schema = read(tmp_path, PG + 'model T {\n  id Int @id\n  burst Decimal @default("2.00") @db.Decimal(4, 2)\n  n Int @default("7")\n}\n')
    t = schema.table("public.T")
    assert t.column("burst").default == Default("literal", "2.00")
    assert t.column("n").default == Default("literal", "7")
