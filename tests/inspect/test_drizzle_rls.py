"""Row level security is the one PostgreSQL table option a Drizzle schema can declare.

`pgTable.withRLS(...)` and `.enableRLS()` set Table.row_security; drizzle-kit's snapshot
says `isRLSEnabled`. compare() then checks it against a database (capability
"row_security"), while partitions, exclusion constraints, other table options and
collations stay "not modeled" for both Drizzle sources.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from migrator.inspect import InspectOptions
from migrator.inspect.drizzle import read_project
from migrator import inspect as sources
from migrator.verify.diff import compare


def test_with_rls_and_enable_rls_set_row_security(tmp_path: Path) -> None:
    (tmp_path / "schema.ts").write_text(
        'import { pgTable, integer } from "drizzle-orm/pg-core";\n'
        'export const a = pgTable.withRLS("a", { id: integer("id") });\n'
        'export const b = pgTable("b", { id: integer("id") }).enableRLS();\n'
        'export const c = pgTable("c", { id: integer("id") });\n'
    )
    schema = read_project(tmp_path).schema
    assert {t.name: t.row_security for _, t in schema.tables()} == {"a": True, "b": True, "c": False}


def test_drizzle_compares_row_security_and_not_the_other_table_options(tmp_path: Path) -> None:
    (tmp_path / "schema.ts").write_text(
        'import { pgTable, text } from "drizzle-orm/pg-core";\n'
        'export const a = pgTable("a", { id: text("id") });\n'
    )
    drizzle = read_project(tmp_path).schema
    live = dataclasses.replace(
        drizzle,
        source="postgresql://db",
        namespaces=tuple(
            dataclasses.replace(ns, tables=tuple(
                dataclasses.replace(t, row_security=True, unlogged=True, options=("fillfactor=70",),
                                    columns=tuple(dataclasses.replace(c, collation="C") for c in t.columns))
                for t in ns.tables))
            for ns in drizzle.namespaces
        ),
    )
    diff = compare(live, drizzle)
    assert [(c.kind, c.path, c.old, c.new) for c in diff.changes] == [
        ("alter_row_security", "public.a", "enabled", "disabled")]
    assert any(line.startswith("column collations: not modeled by drizzle:") for line in diff.not_modeled)


def test_drizzle_kit_snapshot_reads_is_rls_enabled(tmp_path: Path) -> None:
    snapshot = {
        "id": "x", "prevId": "y", "version": "7", "dialect": "postgresql",
        "tables": {"public.a": {"name": "a", "schema": "", "columns": {"id": {"name": "id", "type": "integer", "primaryKey": False, "notNull": False}},
                                "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {},
                                "policies": {}, "checkConstraints": {}, "isRLSEnabled": True}},
        "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
        "_meta": {"columns": {}, "schemas": {}, "tables": {}},
    }
    path = tmp_path / "0000_snapshot.json"
    path.write_text(json.dumps(snapshot))
    schema = sources.load(f"drizzle-snapshot:{path}", InspectOptions())
    assert schema.table("public.a").row_security is True
    assert not schema.notes
