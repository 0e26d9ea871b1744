"""Engine and session factory for LearnHub.

DATABASE_URL picks the database; by default it is learnhub.db next to the package
(examples/learnhub/learnhub.db), the file build_db.py creates.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "learnhub.db"
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


def make_engine(url: str = DATABASE_URL) -> Engine:
    eng = create_engine(url)
    if eng.dialect.name == "sqlite":
        # SQLite ignores FOREIGN KEY clauses (and so ON DELETE) unless asked per connection.
        @event.listens_for(eng, "connect")
        def _enable_foreign_keys(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return eng


engine = make_engine()
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)
