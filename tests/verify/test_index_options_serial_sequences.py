"""Index storage parameters and key collations, and serial columns' own sequences (issue 12).

The end-to-end cases are data (tests/fixtures/diff/pg_index_options_collate,
pg_serial_sequence_type, pg_same_serial_names, pg_partition_columns, pg_view_trigger);
these tests hold what the fixtures cannot: a source that cannot describe the options, and
a serial sequence whose name differs between the sides while its type changes.
"""

from __future__ import annotations

from migrator import schema as model
from migrator.inspect import InspectOptions
from migrator.inspect.postgres import inspect_url
from migrator.render.ddl import render_changes_sql
from migrator.verify.diff import compare

from ..conftest import run_sql


def _schema(source: str, index: model.Index) -> model.Schema:
    table = model.Table("docs", columns=(model.Column("name", model.SqlType("text")),), indexes=(index,))
    return model.Schema("postgresql", (model.Namespace("public", tables=(table,)),), source=source)


def test_index_options_and_collations_are_not_modeled_against_a_model_source() -> None:
    plain = model.Index("docs_name_idx", (model.IndexElement(column="name"),))
    stored = model.Index("docs_name_idx", (model.IndexElement(column="name", collation="C"),), options=("fillfactor=70",))
    diff = compare(_schema("prisma:schema.prisma", plain), _schema("postgresql://db/app", stored))
    assert diff.changes == ()
    assert any(line.startswith("table options") for line in diff.not_modeled)
    assert any(line.startswith("column collations") for line in diff.not_modeled)


def test_index_options_and_collations_differ_between_databases() -> None:
    plain = model.Index("docs_name_idx", (model.IndexElement(column="name"),))
    for other in (model.Index("docs_name_idx", plain.elements, options=("fillfactor=70",)),
                  model.Index("docs_name_idx", (model.IndexElement(column="name", collation="C"),))):
        diff = compare(_schema("postgresql://db/a", plain), _schema("postgresql://db/b", other))
        assert sorted(c.kind for c in diff.changes) == ["add_index", "drop_index"]


def _read(url: str) -> model.Schema:
    return inspect_url(url, InspectOptions())


def test_serial_sequence_is_matched_through_its_column_and_altered_under_its_own_name(pg_database) -> None:
    a, b = pg_database(), pg_database()
    run_sql(a, "CREATE TABLE logs (id bigserial PRIMARY KEY)")
    run_sql(b, "CREATE TABLE logs (id serial PRIMARY KEY); ALTER SEQUENCE logs_id_seq RENAME TO logs_ids")
    diff = compare(_read(a), _read(b))
    assert sorted((c.kind, c.path) for c in diff.changes) == [
        ("alter_column_type", "public.logs.id"), ("alter_serial_sequence", "public.logs_ids")]
    change = next(c for c in diff.changes if c.kind == "alter_serial_sequence")
    assert change.message == "sequence public.logs_ids of serial column logs.id is AS bigint in FROM, AS integer in TO"
    sql = render_changes_sql(diff, "postgresql", to_schema=_read(b), from_schema=_read(a))
    assert "ALTER SEQUENCE public.logs_id_seq AS INTEGER" in sql  # FROM's name: the database being changed
    run_sql(a, sql)
    assert compare(_read(a), _read(b)).changes == ()
