"""Code that predates the ORM and talks to SQLite through the DB-API directly."""
