"""Admin reports. Mixes the 1.x Query API, legacy select([...]) and raw engine.execute()."""

from sqlalchemy import func, select

from learnhub.db import engine
from learnhub.models import Course, Enrollment, Submission, User, UserRole


def enrollment_counts(session):
    rows = (
        session.query(Course.slug, func.count(Enrollment.id))
        .outerjoin(Enrollment, Enrollment.course_id == Course.id)
        .group_by(Course.slug)
        .order_by(func.count(Enrollment.id).desc())
        .all()
    )
    return {slug: n for slug, n in rows}


def revenue_by_course(session):
    # Old-style select() with a list of columns.
    stmt = select([Course.slug, func.sum(Enrollment.price_paid)]).where(Enrollment.course_id == Course.id).group_by(
        Course.slug
    )
    return dict(session.execute(stmt).fetchall())


def instructor_count(session):
    return session.query(User).filter(User.role == UserRole.instructor).count()


def active_students(session, course_id):
    q = session.query(User).join(Enrollment, Enrollment.user_id == User.id)
    q = q.filter(Enrollment.course_id == course_id, Enrollment.completed_at.is_(None))
    return q.order_by(User.display_name).all()


def top_submission(session, lesson_id):
    return (
        session.query(Submission)
        .filter(Submission.lesson_id == lesson_id, Submission.score.isnot(None))
        .order_by(Submission.score.desc())
        .first()
    )


def average_score(session, course_id):
    return (
        session.query(func.avg(Submission.score))
        .join(Enrollment, Enrollment.id == Submission.enrollment_id)
        .filter(Enrollment.course_id == course_id)
        .scalar()
    )


def table_sizes():
    # Plain-string execute on the Engine: removed in SQLAlchemy 2.0.
    sizes = {}
    for table in ("users", "courses", "lessons", "enrollments", "submissions"):
        sizes[table] = engine.execute("SELECT count(*) FROM " + table).scalar()
    return sizes


def signups_per_day():
    result = engine.execute(
        "SELECT date(created_at) AS day, count(*) AS n FROM users GROUP BY date(created_at) ORDER BY day"
    )
    return [(row["day"], row["n"]) for row in result]
