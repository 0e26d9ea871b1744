"""`--server-defaults`: client-side defaults the database can run itself, moved into the database.

Prisma's `@default(uuid())` is made by Prisma Client, so a row inserted by anything else (a
Drizzle query without the `$defaultFn`, psql, another service) gets no id. With
`--server-defaults` the generated schema declares the database default instead
(`.defaultRandom()`, DEFAULT gen_random_uuid()), and the migration that adds it to the
existing database comes with it: the ALTER TABLE … SET DEFAULT statements from the diff of the
database as it is (no client defaults) against the schema with them moved.
migrator.generate.mapping.SERVER_DEFAULTS says which generators move, per dialect.
"""

from __future__ import annotations

import dataclasses

from migrator import schema as model
from migrator.defaults import client_generator
from migrator.generate import mapping


def moved(schema: model.Schema, dialect: str) -> tuple[model.Schema, list[str]]:
    """The schema with every client default the database can run turned into that database
    default, and the columns moved ("ns.table.column: uuid v4")."""
    done: list[str] = []

    def column(ns: str, table: str, c: model.Column) -> model.Column:
        if c.default is None or c.default.kind != "client":
            return c
        generator = client_generator(c.default.value)
        server = mapping.SERVER_DEFAULTS.get(generator, {}).get(dialect)
        if server is None:
            return c
        done.append(f"{ns}.{table}.{c.name}: {generator}")
        return dataclasses.replace(c, default=model.Default(server[0], server[1]))

    namespaces = tuple(
        dataclasses.replace(ns, tables=tuple(
            dataclasses.replace(t, columns=tuple(column(ns.name, t.name, c) for c in t.columns)) for t in ns.tables))
        for ns in schema.namespaces)
    return dataclasses.replace(schema, namespaces=namespaces), done


def migration_sql(source: model.Schema, target: model.Schema, dialect: str) -> str:
    """The statements that add the moved defaults to a database built from `source`."""
    from migrator.render.ddl import render_changes_sql
    from migrator.verify.diff import compare

    database = model.without_client_defaults(source)
    return render_changes_sql(compare(database, target), dialect, from_schema=database, to_schema=target)
