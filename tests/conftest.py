"""Shared fixtures: a real PostgreSQL server started once per test session, fresh databases per test."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from migrator import pgcluster
from migrator import schema as model
from migrator.defaults import strip_casts
from migrator.sqltext import unwrap_parens

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pgcluster.EphemeralCluster]:
    """A real PostgreSQL server for the whole session. In CI a missing server is a failure, not a skip."""
    if not pgcluster.available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are required in CI (.ci/run installs them)")
        pytest.skip("PostgreSQL server binaries not installed")
    cluster = pgcluster.EphemeralCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture()
def pg_database(pg_cluster: pgcluster.EphemeralCluster) -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty databases on the session server; all dropped after the test."""
    created: list[str] = []

    def create() -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(pg_cluster.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return pg_cluster.url_for(name)

    try:
        yield create
    finally:
        with psycopg.connect(pg_cluster.url, autocommit=True) as conn:
            for name in created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture()
def pg_url(pg_database: Callable[[], str]) -> str:
    """A fresh, empty database on the session server; its URL."""
    return pg_database()


def run_sql(url: str, sql: str) -> None:
    """Execute a script on a PostgreSQL database (test set-up only)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def cast_free_expression_defaults(schema: model.Schema) -> model.Schema:
    """The schema with its expression defaults' casts stripped, as comparison keys strip them.

    A database prints an expression default with the casts DDL needs (ARRAY[]::text[],
    lower('ABC'::text)) and the live reader keeps them; a Prisma schema, or a migration read
    without a database, says the same expression with other casts or none. Both are one
    default: tests that hold two readings equal compare them without those casts.
    """

    def column(c: model.Column) -> model.Column:
        if c.default is None or c.default.kind != "expression":
            return c
        return dataclasses.replace(c, default=dataclasses.replace(c.default, value=unwrap_parens(strip_casts(c.default.value))))

    return dataclasses.replace(
        schema,
        namespaces=tuple(
            dataclasses.replace(ns, tables=tuple(dataclasses.replace(t, columns=tuple(column(c) for c in t.columns)) for t in ns.tables))
            for ns in schema.namespaces
        ),
    )
