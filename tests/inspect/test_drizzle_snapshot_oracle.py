"""drizzle-kit's own snapshot is the oracle of the drizzle: source.

Each folder under tests/fixtures/drizzle_kit/ is a Drizzle project: TypeScript schema
modules, a drizzle.config.ts naming them, and drizzle/meta/NNNN_snapshot.json written by
drizzle-kit 0.31 itself (`generate` from the schema, or `pull` from database.sql's database,
which also wrote the schema). Reading the TypeScript (`drizzle:`) must give the schema
drizzle-kit recorded (`drizzle-snapshot:`) for PostgreSQL, SQLite and MySQL: tables, columns with types, nullability and
defaults, keys, indexes, foreign keys, unique constraints and checks. The client-side
defaults ($defaultFn, $onUpdate) are the only thing a snapshot cannot hold.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from migrator import inspect as sources
from migrator.errors import BadInput
from migrator.inspect.drizzle_snapshot import snapshot_file
from migrator.schema import Schema, to_dict, without_client_defaults
from migrator.verify import diff as verify_diff

from ._differences import differences
from ..conftest import FIXTURES

CASES = FIXTURES / "drizzle_kit"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "drizzle" / "meta").is_dir())


def assert_same(typescript: Schema, snapshot: Schema) -> None:
    ours = without_client_defaults(typescript)
    diff = differences(to_dict(ours)["schema"], to_dict(snapshot)["schema"], 
                       left="TypeScript", right="snapshot", in_left="the TypeScript", in_right="the snapshot")
    assert not diff, "drizzle: differs from drizzle-kit's snapshot:\n" + "\n".join(diff)
    assert ours == snapshot


@pytest.mark.parametrize("case", CASE_NAMES)
def test_the_typescript_reads_as_drizzle_kit_recorded_it(case: str) -> None:
    typescript = sources.load(f"drizzle:{CASES / case}")
    snapshot = sources.load(f"drizzle-snapshot:{CASES / case / 'drizzle'}")
    assert typescript.tables(), "the fixture declares tables"
    assert_same(typescript, snapshot)


def test_the_cases_cover_every_dialect_pull_and_generate() -> None:
    dialects = {json.loads(snapshot_file(CASES / c / "drizzle").read_text())["dialect"] for c in CASE_NAMES}
    assert dialects == {"postgresql", "sqlite", "mysql"}
    assert {"pg_pull", "pg_generate", "sqlite_barrel", "mysql_generate"} <= set(CASE_NAMES)


def test_the_comparison_fails_with_readable_lines_when_one_thing_differs(tmp_path: Path) -> None:
    # The oracle must be able to fail: change one column's nullability in a copy of the snapshot.
    shutil.copytree(CASES / "pg_generate", tmp_path / "case")
    meta = tmp_path / "case" / "drizzle" / "meta" / "0000_snapshot.json"
    data = json.loads(meta.read_text())
    data["tables"]["public.posts"]["columns"]["title"]["notNull"] = False
    meta.write_text(json.dumps(data))
    with pytest.raises(AssertionError) as err:
        assert_same(sources.load(f"drizzle:{tmp_path / 'case'}"), sources.load(f"drizzle-snapshot:{meta}"))
    assert "schema.namespaces[public].tables[posts].columns[title].nullable: TypeScript False, snapshot True" in str(err.value)


def test_a_pulled_schema_equals_the_database_it_was_pulled_from(pg_url: str) -> None:
    # `drizzle-kit pull` writes `.op(...)` on every index key, often another key's opclass
    # (`timestamptz_ops` on a uuid): PostgreSQL would refuse those, so the database has the
    # defaults, which the live reader does not report. `migrator diff` must find nothing.
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute((CASES / "pg_pull" / "database.sql").read_text())
    pulled = sources.load(f"drizzle:{CASES / 'pg_pull'}")
    live = sources.load(pg_url, sources.InspectOptions(schemas=("public", "auth")))
    changes = verify_diff.compare(without_client_defaults(pulled), live).changes
    # drizzle-kit pull drops NULLS NOT DISTINCT (its snapshot says "nullsNotDistinct": false
    # for auth.users_email_unique): a real difference, which Drizzle could have declared.
    assert sorted(f"{c.kind} {c.path}" for c in changes) == [
        "add_unique auth.users.users_email_unique", "drop_unique auth.users.users_email_unique"]
    mixed = [n for n in pulled.notes if "drizzle-kit pull mixes them up" in n]
    assert len(mixed) == 4 and mixed[0].startswith(f"{CASES / 'pg_pull' / 'schema.ts'}:16: index 'audit_log_ws_at_idx'".replace(str(Path.cwd()) + "/", ""))


def test_the_pulled_index_keys_keep_order_nulls_and_only_non_default_opclasses() -> None:
    table = sources.load(f"drizzle:{CASES / 'pg_pull'}").table("public.workspaces")
    labels = {i.name: [e.label() for e in i.elements] for i in table.indexes}
    assert labels["workspaces_active_idx"] == ["created_at DESC"]  # DESC NULLS FIRST is PostgreSQL's default
    assert labels["workspaces_slug_key"] == ["slug"]  # text_ops is varchar's default
    assert labels["workspaces_slug_pattern_idx"] == ["slug varchar_pattern_ops"]
    assert labels["workspaces_settings_idx"] == ["settings"]  # jsonb_ops is gin's default for jsonb
    assert labels["workspaces_name_lower_idx"] == ["(lower(name))"]
    assert table.index("workspaces_active_idx").where == "deleted_at IS NULL"


def test_a_type_only_re_export_in_the_barrel_is_no_syntax_error() -> None:
    schema = sources.load(f"drizzle:{CASES / 'sqlite_barrel'}")
    assert sorted(t.name for _, t in schema.tables()) == ["note_tags", "notes", "users"]
    assert not [n for n in schema.notes if "syntax" in n]


def test_a_snapshot_path_may_be_the_file_the_meta_folder_or_the_migrations_folder() -> None:
    folder = CASES / "sqlite_barrel" / "drizzle"
    expected = snapshot_file(folder)
    assert expected.name == "0000_snapshot.json"
    assert snapshot_file(folder / "meta") == expected == snapshot_file(expected)
    assert sources.load(f"drizzle-snapshot:{folder}") == sources.load(f"drizzle-snapshot:{expected}")


def test_the_newest_snapshot_of_a_meta_folder_is_read(tmp_path: Path) -> None:
    meta = tmp_path / "meta"
    meta.mkdir()
    shutil.copy(CASES / "sqlite_barrel" / "drizzle" / "meta" / "0000_snapshot.json", meta / "0000_snapshot.json")
    data = json.loads((meta / "0000_snapshot.json").read_text())
    del data["tables"]["note_tags"]
    (meta / "0010_snapshot.json").write_text(json.dumps(data))
    (meta / "0002_snapshot.json").write_text("{}")
    schema = sources.load(f"drizzle-snapshot:{tmp_path}")
    assert sorted(t.name for _, t in schema.tables()) == ["notes", "users"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{ not json", ":1:3: not JSON: Expecting property name enclosed in double quotes"),
        ('{"dialect": "postgresql"}', ':1:1: not a drizzle-kit snapshot (no "tables" object)'),
        ('{"dialect": "oracle", "tables": {}}', ":1:1: unknown snapshot dialect 'oracle'"),
        # A column without a type would read as "any" and hide drift: refused, with its JSON path.
        ('{"dialect": "postgresql", "tables": {"public.t": {"name": "t", "columns": {"a": {"name": "a"}}}}}',
         ": tables.t.columns.a: a column needs a name and a type"),
        ('{"dialect": "postgresql", "tables": {"public.t": {"name": "t", "columns": {}, "foreignKeys": {"f": {"name": "f"}}}}}',
         ": tables.t.foreignKeys.f: a foreign key needs tableTo, columnsFrom and columnsTo"),
    ],
)
def test_bad_snapshots_are_one_line_of_bad_input(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "0000_snapshot.json"
    path.write_text(content)
    with pytest.raises(BadInput) as err:
        sources.load(f"drizzle-snapshot:{path}")
    assert str(err.value).startswith(str(path) + message) and "\n" not in str(err.value)


def test_a_folder_without_snapshots_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no NNNN_snapshot.json here or in"):
        sources.load(f"drizzle-snapshot:{tmp_path}")


def test_cli_diffs_the_typescript_against_the_snapshot_without_changes() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "migrator"), "diff", f"drizzle:{CASES / 'pg_generate'}",
         f"drizzle-snapshot:{CASES / 'pg_generate' / 'drizzle'}", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    check = json.loads(result.stdout)["checks"][0]["diff"]
    assert check["changes"] == [] and check["summary"]["text"] == "no drift"
