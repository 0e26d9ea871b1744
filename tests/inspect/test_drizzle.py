"""The drizzle: source on its fixtures: what each construct becomes in the model, and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrator import inspect as sources
from migrator.cli import app
from migrator.errors import BadInput
from migrator.inspect.drizzle import read_project
from migrator.inspect._drizzle_reader import jsonb_text, pg_array_text, pg_object_name, pg_truncate, to_snake_case
from migrator.schema import Default, Identity, Index, IndexElement, SqlType, from_json

from ..conftest import EXAMPLES, FIXTURES

DRIZZLE = FIXTURES / "drizzle"
TUTORME_SCHEMA = EXAMPLES / "tutorme" / "src" / "lib" / "db" / "schema"


@pytest.fixture(scope="module")
def shop():
    return read_project(DRIZZLE / "pg_shop")


def test_tables_are_what_the_modules_export(shop) -> None:
    names = sorted(f"{ns}.{t.name}" for ns, t in shop.schema.tables())
    # `scratch` is declared but not exported: drizzle-kit does not create it.
    assert names == ["billing.invoices", "public.follows", "public.product_codes", "public.products", "public.users"]
    assert shop.schema.dialect == "postgresql"
    assert shop.warnings == ()


def test_a_barrel_file_reads_the_same_as_the_folder(shop) -> None:
    assert read_project(DRIZZLE / "pg_shop" / "index.ts").schema == shop.schema


def test_serial_is_an_integer_with_an_owned_sequence(shop) -> None:
    users = shop.schema.table("public.users")
    col = users.column("id")
    assert (col.type, col.nullable, col.default) == (SqlType("integer"), False, Default("sequence", "public.users_id_seq"))
    seqs = {s.name: s for s in shop.schema.namespace("public").sequences}
    assert seqs["users_id_seq"].owned_by == "users.id" and seqs["users_id_seq"].data_type == "integer"
    assert seqs["product_codes_seq_seq"].data_type == "bigint"
    assert seqs["product_codes_small_seq"].data_type == "smallint"
    assert users.primary_key.name == "users_pkey" and users.primary_key.columns == ("id",)


def test_identity_columns_carry_start_and_increment(shop) -> None:
    products = shop.schema.table("public.products")
    assert products.column("id").identity == Identity("always", 100, 5)
    invoice_id = shop.schema.table("billing.invoices").column("id")
    assert invoice_id.identity == Identity("by_default", 1, 1) and invoice_id.type == SqlType("bigint")
    assert invoice_id.default is None and not invoice_id.nullable


def test_types_of_every_builder(shop) -> None:
    p = shop.schema.table("public.products")
    expected = {
        "sku": SqlType("varchar", length=32),
        "price": SqlType("numeric", precision=10, scale=2),
        "cost": SqlType("numeric", precision=12, scale=0),
        "ratio": SqlType("numeric"),
        "weight": SqlType("real"),
        "score": SqlType("double"),
        "tags": SqlType("text", array=True),
        "specs": SqlType("json"),
        "released_on": SqlType("date"),
        "opens_at": SqlType("time", precision=0),
        "closes_at": SqlType("time", timezone=True),
        "warranty": SqlType("interval"),
        "image": SqlType("bytes"),
        "last_ip": SqlType("inet"),
        "network": SqlType("cidr"),
        "mac": SqlType("macaddr"),
        "created_at": SqlType("timestamp", timezone=True),
        "updated_at": SqlType("timestamp", precision=3),
    }
    assert {name: p.column(name).type for name in expected} == expected
    users = shop.schema.table("public.users")
    assert users.column("role").type == SqlType("enum", enum="public.role")
    assert users.column("roles").type == SqlType("enum", enum="public.role", array=True)
    assert users.column("country").type == SqlType("char", length=2)
    assert shop.schema.table("billing.invoices").column("state").type == SqlType("enum", enum="billing.invoice_state")


def test_enums_live_in_their_schema(shop) -> None:
    assert [(e.name, e.values) for e in shop.schema.namespace("public").enums] == [("role", ("customer", "staff", "admin"))]
    assert shop.schema.namespace("billing").enum("invoice_state").values == ("draft", "sent", "paid")


def test_defaults_as_postgresql_prints_them(shop) -> None:
    users = shop.schema.table("public.users")
    products = shop.schema.table("public.products")
    assert users.column("role").default == Default("literal", "'customer'")
    assert users.column("active").default == Default("literal", "true")
    assert users.column("karma").default == Default("literal", "-1")
    assert users.column("token").default == Default("expression", "gen_random_uuid()")
    assert users.column("created_at").default == Default("current_timestamp", "CURRENT_TIMESTAMP")
    assert users.column("settings").default == Default("literal", """'{"beta": false, "theme": "dark"}'""")
    assert products.column("description").default == Default("literal", "'it''s new'")
    assert products.column("price").default == Default("literal", "5")
    assert products.column("tags").default == Default("literal", "'{}'")
    assert products.column("labels").default == Default("literal", """'{"a b",c}'""")
    assert products.column("specs").default == Default("literal", """'{"b":1,"a":[1,2]}'""")
    assert products.column("released_on").default == Default("expression", "CURRENT_DATE")


def test_client_side_defaults_never_claim_a_database_default(shop) -> None:
    users = shop.schema.table("public.users")
    assert users.column("public_id").default == Default("client", "$defaultFn(() => crypto.randomUUID())")
    assert users.column("nickname").default == Default("client", "$default(() => \"anon\")")
    # updated_at has both a database default and $onUpdate: the database default wins.
    assert users.column("updated_at").default == Default("current_timestamp", "CURRENT_TIMESTAMP")


def test_generated_names_of_constraints(shop) -> None:
    users = shop.schema.table("public.users")
    assert sorted(u.name for u in users.uniques) == ["users_email_unique", "users_handle_key"]
    products = shop.schema.table("public.products")
    assert [(u.name, u.columns) for u in products.uniques] == [("products_sku_name_unique", ("sku", "name"))]
    assert {fk.name for fk in shop.schema.table("public.follows").foreign_keys} == {
        "follows_follower_id_users_id_fk",
        "follows_followee_id_users_id_fk",
    }
    codes = shop.schema.table("public.product_codes")
    assert codes.primary_key.name == "product_codes_product_id_code_pk"
    assert not codes.column("code").nullable  # primary key columns are NOT NULL


def test_foreign_keys_keep_actions_and_schemas(shop) -> None:
    fk = shop.schema.table("billing.invoices").foreign_keys[0]
    assert (fk.name, fk.ref_schema, fk.ref_table, fk.on_delete) == ("invoices_user_id_users_id_fk", "public", "users", "NO ACTION")
    follow = {f.columns: f for f in shop.schema.table("public.follows").foreign_keys}
    assert (follow[("followee_id",)].on_delete, follow[("followee_id",)].on_update) == ("CASCADE", "RESTRICT")
    codes = shop.schema.table("public.product_codes").foreign_keys[0]
    assert (codes.name, codes.on_update) == ("codes_product_fk", "CASCADE")


def test_indexes_of_the_extras_callback(shop) -> None:
    products = shop.schema.table("public.products")
    assert products.index("products_name_pattern_idx").elements == (IndexElement(column="name", opclass="text_pattern_ops"),)
    price = products.index("products_price_idx")
    assert price.elements == (IndexElement(column="price", descending=True, nulls_first=False),) and price.where == "sku IS NOT NULL"
    assert products.index("products_tags_idx").method == "gin"
    assert products.index("products_sku_hash_idx").method == "hash"
    assert products.index("products_released_idx").elements == (IndexElement(column="released_on", nulls_first=True),)
    users = shop.schema.table("public.users")
    assert users.index("users_handle_lower_idx") == Index("users_handle_lower_idx", (IndexElement(expression="lower(handle)"),), unique=True)
    # An unnamed index is named by drizzle-kit after its columns.
    assert users.index("users_created_at_role_index").columns == ("created_at", "role")
    assert [(c.name, c.expression) for c in users.checks] == [("users_karma_check", "karma >= 0")]
    assert products.column("doubled").generated == "id * 2"


def test_origins_point_at_the_declarations(shop) -> None:
    users = shop.schema.table("public.users")
    assert users.origin.file.endswith("pg_shop/users.ts") and users.origin.line == 22
    email = users.column("email")
    assert (email.origin.line, email.origin.column) == (27, 12)
    created = users.column("created_at")  # from the ...timestamps spread
    assert created.origin.file.endswith("_shared.ts") and created.origin.line == 6
    assert users.index("users_created_at_role_index").origin.line == 43
    assert shop.schema.namespace("public").enum("role").origin.source == f"drizzle:{DRIZZLE / 'pg_shop'}"


def test_relations_are_read_for_codemods(shop) -> None:
    by_name = {(r.table, r.name): r for r in shop.relations}
    owner = by_name[("public.products", "owner")]
    assert (owner.kind, owner.target, owner.fields, owner.references) == ("one", "public.users", ("owner_id",), ("id",))
    many = by_name[("public.users", "invoices")]
    assert (many.kind, many.target, many.fields) == ("many", "billing.invoices", ())
    assert by_name[("public.follows", "followee")].relation_name == "followee"
    assert len(shop.relations) == 6


def test_sqlite_mapping() -> None:
    schema = read_project(DRIZZLE / "sqlite_notes").schema
    assert schema.dialect == "sqlite" and [ns.name for ns in schema.namespaces] == ["main"]
    authors, notes, tags = schema.table("authors"), schema.table("notes"), schema.table("tags")
    assert authors.column("id").identity == Identity("rowid") and notes.column("id").identity == Identity("autoincrement")
    assert authors.primary_key.name is None
    assert authors.column("active").type == SqlType("integer") and authors.column("active").default == Default("literal", "true")
    assert authors.column("joined_at").default == Default("current_timestamp", "CURRENT_TIMESTAMP")
    assert authors.column("score").type == SqlType("double")  # SQLite's REAL is 8 bytes
    assert authors.column("prefs").default == Default("literal", """'{"lang":"en"}'""")
    assert authors.column("avatar").type == SqlType("bytes")
    # .unique() is a unique index on SQLite, not a constraint.
    assert authors.uniques == () and authors.index("authors_email_unique").unique
    assert notes.index("notes_author_id_slug_unique").columns == ("author_id", "slug")
    assert notes.index("notes_recent_idx").where == '"notes"."author_id" is not null'
    assert notes.index("notes_lower_title_idx").elements == (IndexElement(expression='lower("title")'),)
    assert notes.checks[0].expression == '"notes"."words" >= 0'
    assert notes.foreign_keys[0].name is None and notes.foreign_keys[0].on_delete == "CASCADE"
    assert tags.primary_key.columns == ("note_id", "tag") and tags.primary_key.name is None
    assert tags.column("weight").type == SqlType("integer")  # `s.integer` through a namespace import
    assert schema.table("settings").column("key").identity is None


def test_casing_from_drizzle_config() -> None:
    schema = read_project(DRIZZLE / "pg_casing").schema
    members = schema.table("acme_teamMembers")
    assert [c.name for c in members.columns] == ["team_id", "user_id", "display_name", "http_referrer", "joined_at", "Addr2Line"]
    assert [u.name for u in members.uniques] == ["acme_teamMembers_userId_unique"]  # drizzle keeps the key here
    assert members.primary_key.name == "acme_teamMembers_team_id_user_id_pk"
    fk = schema.table("acme_invites").foreign_keys[0]
    assert fk.name == "acme_invites_invited_user_id_acme_teamMembers_user_id_fk"


def test_postgresql_names_are_truncated_like_the_server_does() -> None:
    long = "a_table_with_a_really_long_name_that_goes_on_and_on_and_on_forever"
    assert pg_truncate(long) == long[:63]
    assert pg_object_name(long, "id", "seq") == long[:56] + "_id_seq"
    assert pg_object_name("t", None, "pkey") == "t_pkey"
    assert len(pg_truncate("é" * 40).encode()) == 62  # never inside a UTF-8 character


def test_literal_helpers() -> None:
    assert to_snake_case("HTTPServerURL2") == "http_server_url_2" and to_snake_case("addr2Line") == "addr2_line"
    assert jsonb_text({"zz": 1, "a": [True, None], "bb": {}}) == '{"a": [true, null], "bb": {}, "zz": 1}'
    assert pg_array_text(["x", "", "null", 'q"', [1, 2], True]) == '{x,"","null","q\\"",{1,2},t}'


def test_tutorme_schema_has_its_drizzle_side_of_the_drifts() -> None:
    project = read_project(TUTORME_SCHEMA)
    schema = project.schema
    assert len(schema.namespace("public").tables) == 8
    assert schema.table("tutor_profiles").column("headline").type == SqlType("varchar", length=140)
    assert schema.table("bookings").column("endsAt").nullable
    assert "Review_tutorId_createdAt_idx" not in {i.name for i in schema.table("Review").indexes}
    assert "NO_SHOW" not in schema.namespace("public").enum("BookingStatus").values
    assert schema.table("bookings").column("id").default == Default("client", "$defaultFn(() => crypto.randomUUID())")
    kinds = {(r.table, r.name): (r.kind, r.target) for r in project.relations}
    assert kinds[("public.User", "tutor")] == ("one", "public.tutor_profiles")
    assert kinds[("public.tutor_profiles", "bookings")] == ("many", "public.bookings")
    assert len(project.relations) == 22


def test_a_project_folder_reads_its_config_schema() -> None:
    # examples/tutorme/drizzle.config.ts names ./src/lib/db/schema/index.ts.
    assert read_project(EXAMPLES / "tutorme").schema == read_project(TUTORME_SCHEMA).schema


def test_imports_through_aliases_js_suffixes_and_tsx(tmp_path: Path) -> None:
    (tmp_path / "tsconfig.json").write_text('{ // comment\n "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"] } } }')
    (tmp_path / "src" / "db").mkdir(parents=True)
    (tmp_path / "src" / "db" / "columns.tsx").write_text(
        'import { text } from "drizzle-orm/pg-core";\nexport const audit = () => ({ by: text().notNull() });\n'
    )
    (tmp_path / "src" / "db" / "schema.ts").write_text(
        'import * as p from "drizzle-orm/pg-core";\nimport { audit } from "@/db/columns";\n'
        'import { other } from "./other.js";\n'
        'export const a = p.pgTable("a", { id: p.integer().primaryKey(), ...audit(), o: other });\n'
    )
    (tmp_path / "src" / "db" / "other.ts").write_text('import { uuid } from "drizzle-orm/pg-core";\nexport const other = uuid();\n')
    project = read_project(tmp_path / "src" / "db" / "schema.ts")
    assert [c.name for c in project.schema.table("a").columns] == ["id", "by", "o"]
    assert project.warnings == ()


def test_what_cannot_be_evaluated_is_a_warning_with_file_and_line() -> None:
    project = read_project(DRIZZLE / "unresolved")
    where = "tests/fixtures/drizzle/unresolved/schema.ts"
    warnings = "\n".join(project.warnings)
    assert f"{where}:7: table 'accounts': a column was left out: 'money' comes from the package 'some-drizzle-plugin'" in warnings
    assert f"{where}:10: table 'accounts': a column was left out: cannot spread 'audit'" in warnings
    assert f"{where}:8: default of 'accounts.label' left out: 'new Date()' is only known at run time" in warnings
    assert f"{where}:11: table 'accounts': unknown column method '.defaultNothing()'" in warnings
    assert f"{where}:13: table 'accounts': unknown column builder 'tsvector' for 'search'" in warnings
    assert set(project.warnings) <= set(project.schema.notes)
    accounts = project.schema.table("accounts")
    assert [c.name for c in accounts.columns] == ["id", "label", "extra", "owner", "reserved"]
    assert accounts.column("label").default is None


def test_a_syntax_error_in_a_table_is_a_note_and_the_rest_of_the_table_is_read() -> None:
    project = read_project(DRIZZLE / "broken")
    # `name: text("name".notNull(),` lacks a ')': that column is unknown, `id` is not.
    assert [c.name for c in project.schema.table("users").columns] == ["id"]
    notes = project.schema.notes
    assert notes[0] == (
        "tests/fixtures/drizzle/broken/schema.ts:5:31: syntax error: missing ')' (not valid TypeScript)"
        " in the definition of 'users'; what it spoils is left out"
    )
    assert "tests/fixtures/drizzle/broken/schema.ts:5: table 'users': a column was left out: not valid TypeScript (syntax error)" in notes


def test_syntax_errors_that_leave_nothing_to_read_are_bad_input_with_position_and_line() -> None:
    with pytest.raises(BadInput) as err:
        read_project(DRIZZLE / "unreadable")
    first, *context = str(err.value).splitlines()
    assert first.startswith("tests/fixtures/drizzle/unreadable/schema.ts:4:30: syntax error")
    assert context[0].strip() == 'export const users = pgTable("users" {' and context[1] == "  " + " " * 29 + "^"


def test_a_statement_tree_sitter_cannot_parse_is_a_note_and_other_statements_are_read(tmp_path: Path) -> None:
    (tmp_path / "schema.ts").write_text(
        'import { pgTable, text } from "drizzle-orm/pg-core";\n'
        'export const a = pgTable("a", { id: text("id") });\n'
        "let = = 3;\n"
        'export const b = pgTable("b", { id: text("id") });\n'
    )
    schema = read_project(tmp_path).schema
    assert sorted(t.name for _, t in schema.tables()) == ["a", "b"]
    assert len(schema.notes) == 1 and schema.notes[0].endswith("(not valid TypeScript); this statement is not read")
    assert schema.notes[0].startswith(f"{tmp_path / 'schema.ts'}:3:") or ":3:" in schema.notes[0]


def test_missing_path_is_bad_input() -> None:
    with pytest.raises(BadInput, match="no such file or folder"):
        sources.load("drizzle:does/not/exist")


runner = CliRunner()


@pytest.mark.parametrize("fmt", ["text", "json", "sql"])
def test_cli_reads_drizzle_in_every_format(fmt: str) -> None:
    result = runner.invoke(app, ["inspect", f"drizzle:{TUTORME_SCHEMA}", "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert len(from_json(result.stdout).namespace("public").tables) == 8
        assert json.loads(result.stdout)["schema"]["dialect"] == "postgresql"
    elif fmt == "sql":
        assert "CREATE TABLE public.tutor_profiles (" in result.stdout and 'CREATE TYPE public."Role" AS ENUM' in result.stdout
    else:
        assert "public.tutor_profiles" in result.stdout and "8 tables" in result.stdout


def test_cli_exits_2_when_syntax_errors_leave_nothing_to_read() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "migrator"), "inspect", f"drizzle:{DRIZZLE / 'unreadable'}"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and "unreadable/schema.ts:4:30:" in lines[0] and "Traceback" not in result.stderr
    assert lines[-1].strip() == "^"


def test_cli_reads_a_schema_with_a_syntax_error_in_one_table() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "migrator"), "inspect", f"drizzle:{DRIZZLE / 'broken'}"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "public.users" in result.stdout and "Traceback" not in result.stderr


def test_default_operator_classes_are_not_recorded(tmp_path: Path) -> None:
    # Regression from coding.global-bot (drizzle-kit introspect output): `.op("text_ops")` is
    # the default PostgreSQL never reports; a non-default opclass is kept.
    (tmp_path / "schema.ts").write_text(
        'import { index, integer, pgTable, text } from "drizzle-orm/pg-core";\n'
        'export const t = pgTable("t", { a: text("a"), n: integer("n"), tags: text("tags").array() }, (t) => [\n'
        '  index("t_a_idx").using("btree", t.a.asc().nullsLast().op("text_ops")),\n'
        '  index("t_n_idx").using("hash", t.n.op("int4_ops")),\n'
        '  index("t_tags_idx").using("gin", t.tags.op("array_ops")),\n'
        '  index("t_a_like_idx").on(t.a.op("text_pattern_ops")),\n'
        "]);\n"
    )
    table = read_project(tmp_path).schema.table("t")
    assert [i.elements[0].opclass for i in table.indexes] == [None, "text_pattern_ops", None, None]


def test_sql_index_keys_say_their_operator_class_order_and_nulls() -> None:
    """What .on() cannot say of a sql`` key follows the expression (drizzle's docs): read as the key's."""
    from migrator.inspect._drizzle_reader import split_key_suffix

    assert split_key_suffix('lower("email") text_pattern_ops') == ('lower("email")', "text_pattern_ops", False, None)
    assert split_key_suffix("lower(email) text_pattern_ops DESC NULLS LAST") == ("lower(email)", "text_pattern_ops", True, False)
    assert split_key_suffix('"createdAt" desc') == ('"createdAt"', None, True, None)
    assert split_key_suffix("coalesce(a, b) nulls first") == ("coalesce(a, b)", None, False, True)
    assert split_key_suffix("a + b") == ("a + b", None, False, None)  # the last word of an expression stays
    assert split_key_suffix("f(')') x") == ("f(')')", "x", False, None)
