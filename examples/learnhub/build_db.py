"""Build examples/learnhub/learnhub.db from scratch: Alembic migrations, then seed data.

    .venv/bin/python examples/learnhub/build_db.py [--output PATH]

The database is built in a temporary file beside the target and renamed over it only
when everything succeeded, so a failure never leaves a half-built database behind.
Running it again rebuilds the file from nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from learnhub.db import make_engine  # noqa: E402
from learnhub.models import (  # noqa: E402
    AuditLog,
    Course,
    CourseStatus,
    Enrollment,
    Lesson,
    Submission,
    Tag,
    User,
    UserRole,
)

DEFAULT_OUTPUT = HERE / "learnhub.db"


def alembic_config(db_path: Path) -> Config:
    cfg = Config(str(HERE / "alembic.ini"))
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{db_path}")
    # Keep our output to one line: env.py must not install alembic.ini's log handlers.
    cfg.attributes["configure_logger"] = False
    return cfg


def seed(db_path: Path) -> None:
    engine = make_engine(f"sqlite:///{db_path}")
    try:
        with Session(engine) as session, session.begin():
            ada = User(email="ada@learnhub.test", display_name="Ada Byron", role=UserRole.instructor)
            grace = User(email="grace@learnhub.test", display_name="Grace Hopper", role=UserRole.instructor)
            sam = User(email="sam@learnhub.test", display_name="Sam Lee")
            kim = User(email="kim@learnhub.test", display_name="Kim Park")
            admin = User(email="admin@learnhub.test", display_name="Admin", role=UserRole.admin)
            session.add_all([ada, grace, sam, kim, admin])

            python, sql, beginner = Tag(name="python"), Tag(name="sql"), Tag(name="beginner")
            intro = Course(
                slug="intro-to-python",
                title="Introduction to Python",
                description="Variables, functions and files, one small program at a time.",
                instructor=ada,
                status=CourseStatus.published,
                published_at=datetime(2024, 1, 15, 9, 0),
                price=Decimal("49.00"),
                tags=[python, beginner],
                lessons=[
                    Lesson(position=1, title="Hello, Python", body="print() and the REPL", duration_minutes=12, is_preview=True),
                    Lesson(position=2, title="Functions", body="def, return, arguments", duration_minutes=25),
                    Lesson(position=3, title="Files", body="open(), with, pathlib", duration_minutes=30),
                ],
            )
            joins = Course(
                slug="sql-joins",
                title="SQL joins in practice",
                instructor=grace,
                status=CourseStatus.published,
                published_at=datetime(2024, 3, 1, 9, 0),
                price=Decimal("29.50"),
                tags=[sql],
                lessons=[
                    Lesson(position=1, title="INNER and LEFT", body="Two tables, four rows", duration_minutes=20, is_preview=True),
                    Lesson(position=2, title="Many-to-many", body="Association tables", duration_minutes=35),
                ],
            )
            draft = Course(slug="async-python", title="Async Python", instructor=ada, tags=[python])
            session.add_all([intro, joins, draft])
            session.flush()

            e1 = Enrollment(user=sam, course=intro, price_paid=Decimal("49.00"), progress={"lessons_done": [intro.lessons[0].id]})
            e2 = Enrollment(user=kim, course=intro, price_paid=Decimal("39.20"), completed_at=datetime(2024, 2, 10, 18, 30))
            e3 = Enrollment(user=kim, course=joins, price_paid=Decimal("29.50"))
            session.add_all([e1, e2, e3])
            session.flush()

            session.add_all(
                [
                    Submission(enrollment=e1, lesson=intro.lessons[0], content="print('hi')"),
                    Submission(enrollment=e2, lesson=intro.lessons[1], content="def add(a, b): return a + b",
                               score=Decimal("92.50"), graded_by=ada),
                    AuditLog(actor_id=admin.id, action="course.publish", entity="courses", entity_id=intro.id,
                             payload={"status": "published"}),
                    AuditLog(actor_id=None, action="user.signup", entity="users", entity_id=kim.id, payload=None),
                ]
            )
    finally:
        engine.dispose()


def build(output: Path) -> tuple[Path, str]:
    """Build the database at output; returns (path, alembic head revision)."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        cfg = alembic_config(tmp)
        command.upgrade(cfg, "head")
        seed(tmp)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    return output, head or ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", "-o", type=Path, default=DEFAULT_OUTPUT, help=f"database file (default {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)
    path, head = build(args.output)
    try:
        shown = path.relative_to(Path.cwd())
    except ValueError:
        shown = path
    print(f"built {shown} (alembic head {head}, with seed data)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
