"""LearnHub's behaviour checks: every service function against a freshly built database.

    .venv/bin/python examples/learnhub/check_behaviour.py [--json]

Builds a throwaway database with build_db.py, points DATABASE_URL at it, then calls the
services and compares what they return with the seed data's known answers. Mutating
checks (publish, archive) run last. A function written against an API that SQLAlchemy
2.x no longer has (`select([...])`, `engine.execute()`) is reported as `legacy`, not as a
failure: that is what the 2.0 rewrite is for. Exit 0 when no check fails.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _legacy_api_error(exc: Exception) -> bool:
    """True for the errors SQLAlchemy 2.x raises on the removed 1.x calls."""
    text = str(exc)
    return ("'Engine' object has no attribute 'execute'" in text
            or ("select()" in text and "construct is now" in text)
            or "Did you mean to say select(" in text)


def checks(ids: dict[str, int]):
    """(name, call, expected) in run order; call takes a Session. `ids`: course id by slug."""
    from learnhub.services import courses_legacy as c, reports as r

    intro, joins, draft = ids["intro-to-python"], ids["sql-joins"], ids["async-python"]

    def slugs(courses):
        return [course.slug for course in courses]

    return [
        ("get_course", lambda s: (c.get_course(intro).slug, c.get_course(999)), ("intro-to-python", None)),
        ("get_course_by_slug", lambda s: (c.get_course_by_slug(s, "sql-joins").id, c.get_course_by_slug(s, "nope")), (joins, None)),
        ("published_courses", lambda s: slugs(c.published_courses(s)), ["sql-joins", "intro-to-python"]),
        ("courses_with_lessons", lambda s: sorted((x.slug, len(x.lessons)) for x in c.courses_with_lessons(s, c.get_course(intro).instructor_id)),
         [("async-python", 0), ("intro-to-python", 3)]),
        ("search_courses", lambda s: [slugs(c.search_courses(s)), slugs(c.search_courses(s, text="join")),
                                      slugs(c.search_courses(s, tag="python")), slugs(c.search_courses(s, max_price=30))],
         [["intro-to-python", "sql-joins"], ["sql-joins"], ["intro-to-python"], ["sql-joins"]]),
        ("count_lessons", lambda s: (c.count_lessons(s, intro), c.count_lessons(s, draft)), (3, 0)),
        ("preview_lessons", lambda s: [x.title for x in c.preview_lessons(s, intro)], ["Hello, Python"]),
        ("instructor_for", lambda s: (c.instructor_for(s, joins).email, c.instructor_for(s, 999)), ("grace@learnhub.test", None)),
        ("enrollment_counts", lambda s: r.enrollment_counts(s), {"intro-to-python": 2, "sql-joins": 1, "async-python": 0}),
        ("revenue_by_course", lambda s: r.revenue_by_course(s), {"intro-to-python": Decimal("88.20"), "sql-joins": Decimal("29.50")}),
        ("instructor_count", lambda s: r.instructor_count(s), 2),
        ("active_students", lambda s: [u.display_name for u in r.active_students(s, intro)], ["Sam Lee"]),
        ("top_submission", lambda s: (r.top_submission(s, ids["lesson2"]).score, r.top_submission(s, ids["lesson1"])), (Decimal("92.50"), None)),
        ("average_score", lambda s: Decimal(str(r.average_score(s, intro))).quantize(Decimal("0.01")), Decimal("92.50")),
        ("table_sizes", lambda s: r.table_sizes(), {"users": 5, "courses": 3, "lessons": 5, "enrollments": 3, "submissions": 2}),
        ("signups_per_day", lambda s: [n for _, n in r.signups_per_day()], [5]),
        ("publish", lambda s: (c.publish(s, draft, datetime(2024, 6, 1)), c.publish(s, draft, datetime(2024, 6, 2)),
                               c.get_course_by_slug(s, "async-python").status.value), (True, False, "published")),
        # Query.count() after the commit re-runs the query: the archived course no longer matches.
        ("archive_stale", lambda s: (c.archive_stale(s, datetime(2024, 2, 1)), c.get_course(intro).status.value), (0, "archived")),
    ]


def run() -> dict[str, str]:
    from sqlalchemy import select

    from learnhub.db import SessionLocal
    from learnhub.models import Course, Lesson, Submission

    with SessionLocal() as session:
        ids = dict(session.execute(select(Course.slug, Course.id)).all())
        # Lesson 2 of the intro course holds the one graded submission, lesson 1 an ungraded one.
        lessons = session.scalars(select(Lesson.id).where(Lesson.course_id == ids["intro-to-python"]).order_by(Lesson.position)).all()
        assert session.scalar(select(Submission.lesson_id).where(Submission.score.is_not(None))) == lessons[1]
    ids["lesson1"], ids["lesson2"] = lessons[0], lessons[1]
    outcome: dict[str, str] = {}
    for name, call, expected in checks(ids):
        session = SessionLocal()
        try:
            got = call(session)
            outcome[name] = "ok" if got == expected else f"FAIL: expected {expected!r}, got {got!r}"
        except Exception as exc:  # noqa: BLE001 - each check reports its own failure
            outcome[name] = "legacy" if _legacy_api_error(exc) else f"FAIL: {type(exc).__name__}: {exc}"
        finally:
            session.close()
    return outcome


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "learnhub.db"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"  # read by learnhub.db at import
        sys.path.insert(0, str(HERE))
        import build_db

        build_db.build(db)
        outcome = run()
        from learnhub.db import engine

        engine.dispose()
    if "--json" in argv:
        print(json.dumps(outcome, indent=2, sort_keys=True))
    else:
        for name, result in outcome.items():
            print(f"{result:<7} {name}" if result in ("ok", "legacy") else f"{name}: {result}")
    return 1 if any(result.startswith("FAIL") for result in outcome.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
