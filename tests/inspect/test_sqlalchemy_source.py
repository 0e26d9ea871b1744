"""The `sqlalchemy:` source: fixture model packages read into the model, and checked against the database.

The model packages live in tests/fixtures/sqlalchemy/ (blog: SQLAlchemy 2.0 declarative
with a naming convention; shop: legacy declarative_base() without one; billing: a Base
with schema="billing"; broken: error cases). The real test of "what SQLAlchemy's DDL
creates" is agreement: `metadata.create_all()` on a real PostgreSQL and a real SQLite
file, read back by the live readers, equals what the source says (client-side defaults
aside: they never reach a database).
"""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from migrator import inspect as sources
from migrator.errors import BadInput
from migrator.inspect import InspectOptions
from migrator.inspect.postgres import inspect_url
from migrator.inspect.sqlalchemy_models import import_module, metadata_of
from migrator.inspect.sqlite import inspect_connection
from migrator.schema import (
    without_client_defaults,
    CheckConstraint,
    Default,
    EnumType,
    ForeignKey,
    Identity,
    Index,
    IndexElement,
    PrimaryKey,
    Schema,
    Sequence,
    SqlType,
    UniqueConstraint,
)

from ..conftest import FIXTURES, run_sql

MODELS = FIXTURES / "sqlalchemy"
PROJECT = str(MODELS)


def read(spec: str, dialect: str | None = None, **options) -> Schema:
    return sources.load(spec, InspectOptions(project_path=PROJECT, dialect=dialect, **options))


def line_of(path: Path, pattern: str) -> int:
    """1-based line of the first line matching `pattern` in a fixture file."""
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if re.search(pattern, text):
            return number
    raise AssertionError(f"{pattern!r} not in {path}")


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text and "Traceback" not in text, text
    return text



# ---------------------------------------------------------------------------
# The registry


def test_registered_with_its_scheme() -> None:
    source = sources.resolve("sqlalchemy:app.models:Base")
    assert source.name == "sqlalchemy"
    assert source.schemes == ("sqlalchemy:",)
    assert source.claims_path(str(MODELS / "blog" / "models.py")) is False


# ---------------------------------------------------------------------------
# blog: naming convention, Identity, Computed, Enum, server and client defaults


def test_blog_on_postgresql() -> None:
    schema = read("sqlalchemy:blog.models:Base")
    assert schema.dialect == "postgresql"
    assert schema.source == "sqlalchemy:blog.models:Base"
    assert [ns.name for ns in schema.namespaces] == ["public"]
    public = schema.namespace("public")
    assert [t.name for t in public.tables] == ["post_tags", "posts", "users"]
    assert public.enums == (EnumType("post_status", ("draft", "published", "archived")),)
    # Identity columns own their sequence; only the SERIAL of posts.id shows as a Sequence.
    assert public.sequences == (Sequence("posts_id_seq", data_type="integer", owned_by="posts.id"),)

    users = public.table("users")
    assert users.comment == "people who write"
    assert [c.name for c in users.columns] == [
        "id", "email", "email_lower", "display_name", "api_key", "is_admin", "created_at",
    ]
    assert users.column("id").identity == Identity("by_default", 1, 1)
    assert users.column("id").default is None and users.column("id").nullable is False
    assert users.column("email").type == SqlType("text")
    assert users.column("email").comment == "login name"
    assert users.column("email_lower").generated == "lower(email)"
    assert users.column("display_name").type == SqlType("varchar", length=80)
    assert users.column("display_name").nullable is True
    assert users.column("api_key").type == SqlType("uuid")
    assert users.column("api_key").default == Default("client", "uuid4")
    assert users.column("is_admin").default == Default("literal", "false")
    assert users.column("created_at").type == SqlType("timestamp", timezone=True)
    assert users.column("created_at").default == Default("current_timestamp", "CURRENT_TIMESTAMP")
    assert users.primary_key == PrimaryKey(("id",), "pk_users")
    assert users.uniques == (UniqueConstraint("uq_users_email", ("email",)),)

    posts = public.table("posts")
    assert posts.column("id").default == Default("sequence", "public.posts_id_seq")
    assert posts.column("id").type == SqlType("integer")
    assert posts.column("status").type == SqlType("enum", enum="public.post_status")
    assert posts.column("status").default == Default("literal", "'draft'")
    assert posts.column("score").default == Default("literal", "0")
    assert posts.column("meta").type == SqlType("jsonb")
    assert posts.column("meta").default == Default("client", "dict")
    assert posts.column("created_at").default == Default("current_timestamp", "CURRENT_TIMESTAMP")
    assert posts.column("updated_at").default == Default("client", "now()")
    assert posts.uniques == (UniqueConstraint("uq_posts_author_id_slug", ("author_id", "slug")),)
    assert posts.checks == (CheckConstraint("ck_posts_score_positive", "score >= 0"),)
    assert posts.foreign_keys == (
        ForeignKey("fk_posts_author_id_users", ("author_id",), "users", ("id",), "public", on_delete="CASCADE"),
    )
    assert posts.indexes == (
        Index("ix_posts_author_id", (IndexElement(column="author_id"),)),
        Index("ix_posts_meta", (IndexElement(column="meta", opclass="jsonb_path_ops"),), method="gin"),
        Index("ix_posts_published", (IndexElement(column="published_at"),), where="score > 10"),
        Index("ix_posts_recent", (IndexElement(column="created_at", descending=True),)),
        Index("ix_posts_title_lower", (IndexElement(expression="lower(title)"),)),
    )

    post_tags = public.table("post_tags")
    assert post_tags.primary_key == PrimaryKey(("post_id", "tag"), "pk_post_tags")
    assert post_tags.column("post_id").type == SqlType("integer")
    assert post_tags.foreign_keys[0].name == "fk_post_tags_post_id_posts"


def test_blog_on_sqlite_mirrors_sqlites_ddl() -> None:
    schema = read("sqlalchemy:blog.models", dialect="sqlite")
    assert schema.dialect == "sqlite"
    assert [ns.name for ns in schema.namespaces] == ["main"]
    main = schema.namespace("main")
    assert main.enums == () and main.sequences == ()
    users = main.table("users")
    # SQLite has no identity columns: a lone INTEGER primary key is the rowid.
    assert users.column("id").identity == Identity("rowid")
    assert users.column("api_key").type == SqlType("char", length=32)  # sa.Uuid on SQLite
    assert users.column("is_admin").default == Default("literal", "0")
    assert users.comment is None and users.column("email").comment is None  # SQLite keeps no comments
    posts = main.table("posts")
    assert posts.column("status").type == SqlType("varchar", length=9)  # non-native enum: VARCHAR(longest)
    assert posts.column("meta").type == SqlType("json")
    assert posts.column("created_at").type == SqlType("timestamp")
    assert posts.foreign_keys == (
        ForeignKey("fk_posts_author_id_users", ("author_id",), "users", ("id",), None, on_delete="CASCADE"),
    )
    assert posts.index("ix_posts_meta") == Index("ix_posts_meta", (IndexElement(column="meta"),))


def test_origins_name_the_class_and_column_lines() -> None:
    schema = read("sqlalchemy:blog.models")
    path = MODELS / "blog" / "models.py"
    users = schema.table("public.users")
    assert users.origin.source == "sqlalchemy:blog.models"
    assert Path(users.origin.file).resolve() == path.resolve()
    assert users.origin.line == line_of(path, r"^class User\(Base\):")
    assert users.column("email").origin.line == line_of(path, r"^\s+email: Mapped")
    post_tags = schema.table("public.post_tags")
    assert post_tags.origin.line == line_of(path, r"^post_tags = sa.Table\(")  # the Table( call
    assert post_tags.column("tag").origin.line == line_of(path, r'sa.Column\("tag"')


# ---------------------------------------------------------------------------
# shop: no naming convention, declarative_base(), SERIAL, Sequence, client defaults


def test_shop_gets_postgresqls_default_names() -> None:
    public = read("sqlalchemy:shop.models").namespace("public")
    customers, products = public.table("customers"), public.table("products")
    orders, lines = public.table("orders"), public.table("order_lines")
    assert customers.primary_key == PrimaryKey(("id",), "customers_pkey")
    assert customers.uniques == (UniqueConstraint("customers_email_key", ("email",)),)
    assert products.uniques == (UniqueConstraint("products_vendor_sku_key", ("vendor", "sku")),)
    assert products.checks == (
        CheckConstraint("products_check", "stock < 100000 AND id > 0"),
        CheckConstraint("products_stock_check", "stock >= 0"),
    )
    assert orders.foreign_keys == (
        ForeignKey("orders_customer_id_fkey", ("customer_id",), "customers", ("id",), "public", on_delete="RESTRICT"),
    )
    assert lines.primary_key == PrimaryKey(("order_id", "product_id"), "order_lines_pkey")
    assert lines.checks == (CheckConstraint("order_lines_quantity_check", "quantity > 0"),)
    assert {fk.name: (fk.on_delete, fk.on_update) for fk in lines.foreign_keys} == {
        "order_lines_order_id_fkey": ("CASCADE", "CASCADE"),
        "order_lines_product_id_fkey": ("SET NULL", "NO ACTION"),
    }
    assert lines.indexes == (
        Index("order_lines_product_idx", (IndexElement(column="product_id"), IndexElement(column="quantity"))),
    )


def test_shop_serials_sequences_and_client_defaults() -> None:
    public = read("sqlalchemy:shop.models").namespace("public")
    customers, products, orders = public.table("customers"), public.table("products"), public.table("orders")
    assert customers.column("id").default == Default("sequence", "public.customers_id_seq")
    assert products.column("id").type == SqlType("bigint")  # BIGSERIAL
    assert products.column("id").default == Default("sequence", "public.products_id_seq")
    assert orders.column("id").default == Default("sequence", "public.orders_id_seq")
    assert {s.name: s for s in public.sequences} == {
        "customers_id_seq": Sequence("customers_id_seq", "integer", owned_by="customers.id"),
        "order_number_seq": Sequence("order_number_seq", "bigint", start=1000, increment=10),
        "orders_id_seq": Sequence("orders_id_seq", "integer", owned_by="orders.id"),
        "products_id_seq": Sequence("products_id_seq", "bigint", owned_by="products.id"),
    }
    assert customers.column("tier").type == SqlType("smallint")
    assert customers.column("tier").default == Default("literal", "1")
    assert customers.column("created").default == Default("client", "datetime.utcnow")
    assert products.column("price").default == Default("literal", "0")  # '0' is coerced to numeric
    assert products.column("stock").default == Default("client", "0")
    assert products.column("currency").default == Default("client", "default_currency")
    assert products.column("discount").default == Default("client", "Decimal('0.000')")
    # SQLAlchemy fires the sequence itself; the column has no database default.
    assert orders.column("number").default == Default("client", "nextval('public.order_number_seq')")
    assert orders.column("placed_at").default == Default("current_timestamp", "CURRENT_TIMESTAMP")


def test_shop_on_sqlite() -> None:
    main = read("sqlalchemy:shop.models", dialect="sqlite").namespace("main")
    customers = main.table("customers")
    assert customers.column("id").identity == Identity("autoincrement")  # sqlite_autoincrement=True
    assert customers.primary_key == PrimaryKey(("id",), None)
    assert main.table("orders").column("id").identity == Identity("rowid")
    assert main.table("products").column("id").identity is None  # BIGINT is not the rowid
    assert main.table("orders").column("number").default is None  # no sequences on SQLite
    assert main.table("products").checks == (
        CheckConstraint(None, "stock < 100000 AND id > 0"),
        CheckConstraint(None, "stock >= 0"),
    )
    assert main.table("products").uniques == (UniqueConstraint(None, ("vendor", "sku")),)


# ---------------------------------------------------------------------------
# billing: a schema of its own


def test_billing_lives_in_its_schema() -> None:
    schema = read("sqlalchemy:billing.models:Base")
    assert [ns.name for ns in schema.namespaces] == ["billing", "public"]
    assert schema.namespace("public").tables == ()
    billing = schema.namespace("billing")
    # An Enum of a Python enum class stores the member names.
    assert billing.enums == (EnumType("invoice_state", ("open", "paid", "void")),)
    accounts, invoices = billing.table("accounts"), billing.table("invoices")
    assert accounts.column("id").identity == Identity("always", 100, 5)
    assert accounts.column("id").type == SqlType("bigint")
    assert accounts.column("tags").type == SqlType("text", array=True)
    assert accounts.column("tags").default == Default("literal", "'{}'")
    assert invoices.comment == "one row per invoice"
    assert invoices.column("state").type == SqlType("enum", enum="billing.invoice_state")
    assert invoices.column("past_states").type == SqlType("enum", enum="billing.invoice_state", array=True)
    assert invoices.column("total").default == Default("literal", "-1")
    assert invoices.column("due").comment == "payment due"
    assert invoices.foreign_keys == (
        ForeignKey("invoices_account_id_fkey", ("account_id",), "accounts", ("id",), "billing"),
    )
    assert invoices.indexes == (
        Index(
            "invoices_open_idx",
            (IndexElement(column="account_id"), IndexElement(column="due")),
            where="account_id > 0",
            include=("total",),
        ),
    )


def test_schema_filters_apply() -> None:
    schema = read("sqlalchemy:billing.models", exclude_schemas=("billing",))
    assert [ns.name for ns in schema.namespaces] == ["public"]


# ---------------------------------------------------------------------------
# Agreement with what create_all really creates


def _metadata(module: str) -> sa.MetaData:
    mod = import_module(module, PROJECT)
    candidates = {id(md): md for md in map(metadata_of, vars(mod).values()) if md is not None}
    assert len(candidates) == 1
    return next(iter(candidates.values()))


@pytest.mark.parametrize(
    ("module", "setup"),
    [
        ("blog.models", ""),
        ("shop.models", ""),
        ("billing.models", "CREATE SCHEMA billing"),
        ("broken.plain_tables", ""),
    ],
)
def test_agrees_with_create_all_on_postgresql(pg_url: str, module: str, setup: str) -> None:
    if setup:
        run_sql(pg_url, setup)
    engine = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        _metadata(module).create_all(engine)
    finally:
        engine.dispose()
    live = inspect_url(pg_url, InspectOptions()).canonical()
    models = read(f"sqlalchemy:{module}")
    assert without_client_defaults(models) == live


@pytest.mark.parametrize("module", ["blog.models", "shop.models", "broken.plain_tables"])
def test_agrees_with_create_all_on_sqlite(tmp_path: Path, module: str) -> None:
    path = tmp_path / "models.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        _metadata(module).create_all(engine)
    finally:
        engine.dispose()
    conn = sqlite3.connect(path)
    try:
        live = inspect_connection(conn, InspectOptions(), f"sqlite:///{path}").canonical()
    finally:
        conn.close()
    models = read(f"sqlalchemy:{module}", dialect="sqlite")
    assert without_client_defaults(models) == live


# ---------------------------------------------------------------------------
# Spec forms


@pytest.mark.parametrize(
    "spec",
    [
        "sqlalchemy:shop.models",
        "sqlalchemy:shop.models:Base",
        "sqlalchemy:shop.models:Base.metadata",
    ],
)
def test_spec_forms_agree(spec: str) -> None:
    assert read(spec) == read("sqlalchemy:shop.models:Base")


def test_a_bare_metadata_and_one_of_several_bases() -> None:
    assert [t.name for _, t in read("sqlalchemy:broken.plain_tables").tables()] == ["notes"]
    assert read("sqlalchemy:broken.plain_tables:metadata") == read("sqlalchemy:broken.plain_tables")
    schema = read("sqlalchemy:broken.two_bases:ReportingBase")
    assert schema.tables() == []
    assert [ns.name for ns in schema.namespaces] == ["public"]


def test_sys_path_is_restored() -> None:
    before = list(sys.path)
    read("sqlalchemy:blog.models")
    assert sys.path == before
    with pytest.raises(BadInput):
        read("sqlalchemy:broken.raises")
    assert sys.path == before


# ---------------------------------------------------------------------------
# Errors: one line, no traceback


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "sqlalchemy:no_such_pkg.models",
            "sqlalchemy:no_such_pkg.models: could not import: ModuleNotFoundError: No module named 'no_such_pkg'",
        ),
        (
            "sqlalchemy:broken.raises:metadata",
            "sqlalchemy:broken.raises: could not import: RuntimeError: settings are missing: DATABASE_URL is not set",
        ),
        (
            "sqlalchemy:blog.models:Nope",
            "sqlalchemy:blog.models:Nope: module blog.models has no attribute 'Nope'",
        ),
        (
            "sqlalchemy:broken.notbase:Base",
            "sqlalchemy:broken.notbase:Base: is a int, not a SQLAlchemy declarative base, registry or MetaData",
        ),
        (
            "sqlalchemy:broken.notbase",
            "sqlalchemy:broken.notbase: no SQLAlchemy declarative base or MetaData found; "
            "name one as sqlalchemy:broken.notbase:<attribute>",
        ),
        (
            "sqlalchemy:broken.two_bases",
            "sqlalchemy:broken.two_bases: several declarative bases or MetaData objects (MainBase, ReportingBase); "
            "name one as sqlalchemy:broken.two_bases:<attribute>",
        ),
    ],
)
def test_bad_specs_are_one_line_bad_input(spec: str, expected: str) -> None:
    with pytest.raises(BadInput) as caught:
        read(spec)
    assert one_line(caught.value) == expected
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("spec", ["sqlalchemy:", "sqlalchemy:not a module", "sqlalchemy:pkg/models.py"])
def test_malformed_specs(spec: str) -> None:
    with pytest.raises(BadInput) as caught:
        read(spec)
    assert "expected sqlalchemy:package.module[:attribute]" in one_line(caught.value)


def test_unsupported_dialect() -> None:
    with pytest.raises(BadInput) as caught:
        read("sqlalchemy:blog.models", dialect="oracle")
    assert "unsupported dialect 'oracle'" in one_line(caught.value)


def test_a_type_the_dialect_cannot_write_is_bad_input() -> None:
    # ARRAY has no SQLite spelling: create_all would fail the same way.
    with pytest.raises(BadInput) as caught:
        read("sqlalchemy:billing.models", dialect="sqlite")
    text = one_line(caught.value)
    assert text.startswith("sqlalchemy:billing.models: billing.accounts.tags: SQLAlchemy cannot write this for sqlite")
