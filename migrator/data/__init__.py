"""Moving and protecting data: the rows, where migrator.inspect and migrator.verify are about the schema.

copy.py moves the rows of one database into another (SQLite ↔ PostgreSQL) after creating
the transpiled schema (transpile.py, with the per-column type upgrades of upgrades.py);
verify.py proves two databases hold the same rows by hashing inside each engine over
canonical values (canonical.py); apply.py applies a plan with a backup first (backup.py),
a proof on a clone and a rollback.
"""
