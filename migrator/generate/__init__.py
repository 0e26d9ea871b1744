"""Code generation: write another access layer's schema code from migrator's one schema model.

Whatever migrator can read (a Prisma schema, a Drizzle schema, a live PostgreSQL or SQLite
database, SQL files, a migrations folder, a snapshot) becomes a migrator.schema.Schema; a
generator turns that Schema into source files of the target layer, deterministically, so
that reading the files back gives the same Schema (`migrator generate drizzle --verify`).

- migrator.generate.mapping: the mapping table, as data: each canonical column type and
  each default kind, per dialect, and the Drizzle code it becomes (`mapping_as_json()`).
- migrator.generate.drizzle: `generate_drizzle(schema, dialect, layout)` -> {file name: text},
  drizzle-orm schema modules (pg-core or sqlite-core) in drizzle-kit's style.
"""
