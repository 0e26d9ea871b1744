"""Client-side defaults compared by the generator they name, only when asked (two code sources)."""

from __future__ import annotations

import pytest

from migrator.defaults import client_generator
from migrator.schema import Column, Default, Namespace, Schema, Table
from migrator.types import parse_type
from migrator.verify.diff import CompareOptions, compare


@pytest.mark.parametrize(("value", "generator"), [
    ("uuid()", "uuid v4"), ("uuid(7)", "uuid v7"), ("$defaultFn(() => crypto.randomUUID())", "uuid v4"),
    ("cuid()", "cuid"), ("cuid(2)", "cuid2"), ("$defaultFn(() => createId())", "cuid2"),
    ("nanoid()", "nanoid"), ("nanoid(10)", "nanoid(10)"), ("$defaultFn(() => nanoid(10))", "nanoid(10)"),
    ("ulid()", "ulid"), ("@updatedAt", "updated at"), ("$onUpdate(() => new Date())", "updated at"),
    ("onupdate=utc_now", "updated at"), ("app.models.utc_now", "now"), ("cuid", "cuid"), ("helpers.nanoid", "nanoid"),
    ("$defaultFn(() => makeSlug())", "$defaultFn(()=>makeSlug())"),
])
def test_client_generator(value: str, generator: str) -> None:
    assert client_generator(value) == generator


def schema(default: str | None) -> Schema:
    col = Column("id", parse_type("text", "postgresql"), False, Default("client", default) if default else None)
    return Schema("postgresql", (Namespace("public", (Table("t", (col,)),)),))


def test_compared_only_when_asked_and_by_generator() -> None:
    prisma, drizzle, other = schema("uuid()"), schema("$defaultFn(() => crypto.randomUUID())"), schema("cuid()")
    assert compare(prisma, other).changes == ()  # a database never holds one: left out by default
    asked = CompareOptions(client_defaults=True)
    assert compare(prisma, drizzle, asked).changes == ()
    [change] = compare(prisma, other, asked).changes
    assert (change.kind, change.path, change.severity) == ("alter_column_client_default", "public.t.id", "warning")
    assert change.message == "column public.t.id is filled by the application with uuid v4 in FROM, cuid in TO"
    [missing] = compare(prisma, schema(None), asked).changes
    assert "uuid v4 in FROM, none in TO" in missing.message
