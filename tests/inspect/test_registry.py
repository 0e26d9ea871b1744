"""The source registry: discovery, choice by scheme or path, and cheap start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from migrator import inspect as sources
from migrator.errors import BadInput


def test_every_source_is_discovered() -> None:
    names = {s.name for s in sources.sources()}
    assert {"postgresql", "sqlite", "sql", "sqlalchemy", "snapshot", "drizzle"} <= names


@pytest.mark.parametrize(
    ("spec", "name"),
    [
        ("postgresql://u@h/db", "postgresql"),
        ("postgres://u@h/db", "postgresql"),
        ("sqlite:///x.db", "sqlite"),
        ("sql:schema.sql", "sql"),
        ("sqlalchemy:app.models:Base", "sqlalchemy"),
        ("snapshot:s.json", "snapshot"),
        ("drizzle:src/db/schema", "drizzle"),
    ],
)
def test_scheme_picks_the_source(spec: str, name: str) -> None:
    assert sources.resolve(spec).name == name


def test_paths_are_claimed_by_what_they_are(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (id int);")
    (tmp_path / "snap.json").write_text("{}")
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_init.sql").write_text("CREATE TABLE t (id int);")
    assert sources.resolve(str(tmp_path / "schema.sql")).name == "sql"
    assert sources.resolve(str(tmp_path / "snap.json")).name == "snapshot"
    assert sources.resolve(str(folder)).name == "sql"


def test_unknown_scheme_lists_the_known_ones_and_masks_the_password() -> None:
    with pytest.raises(BadInput) as err:
        sources.resolve("mongodb://app:hunter2@db/app")
    message = str(err.value)
    assert "hunter2" not in message
    assert "unknown source scheme 'mongodb'" in message and "postgresql://" in message


def test_unrecognised_existing_path_asks_for_a_scheme(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("hello")
    with pytest.raises(BadInput, match="cannot tell what this is"):
        sources.resolve(str(odd))


def test_discovery_does_not_import_heavy_libraries() -> None:
    """Start-up time counts (a CLI is started for every command): sources import their
    heavy libraries when they are used, not when the registry discovers them."""
    code = (
        "import sys, migrator.inspect as s; s.sources(); "
        "heavy = [m for m in ('sqlalchemy', 'sqlglot', 'alembic', 'libcst', 'tree_sitter', 'tree_sitter_typescript') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_loading_leaves_the_garbage_collector_as_it_was(tmp_path: Path) -> None:
    import gc

    (tmp_path / "schema.sql").write_text("CREATE TABLE t (id int);")
    assert gc.isenabled()
    sources.load(str(tmp_path / "schema.sql"), sources.InspectOptions(dialect="sqlite"))
    assert gc.isenabled()
    with pytest.raises(BadInput):
        sources.load(str(tmp_path / "missing.prisma"))
    assert gc.isenabled()
    gc.disable()
    try:
        sources.load(str(tmp_path / "schema.sql"), sources.InspectOptions(dialect="sqlite"))
        assert not gc.isenabled()
    finally:
        gc.enable()
