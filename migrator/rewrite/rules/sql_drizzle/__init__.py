"""The `sql-drizzle` rule set: literal raw SQL through pg, postgres.js, @libsql/client and
better-sqlite3 → Drizzle's query builder (migrator/rewrite/sql_drizzle/engine.py).

One rule per module, discovered (migrator.rewrite.sql_drizzle.rule.rules): SD001–SD002 convert,
SD100–SD103 name what is left with the reason. `--list-rules` prints them.
"""
