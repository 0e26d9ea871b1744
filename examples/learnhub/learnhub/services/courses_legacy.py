"""Course catalogue queries, still written against the SQLAlchemy 1.x Query API.

Scheduled for the 2.0 rewrite (see README); do not add new code here.
"""

from sqlalchemy import desc, or_
from sqlalchemy.orm import joinedload

from learnhub.db import SessionLocal
from learnhub.models import Course, CourseStatus, Lesson, Tag, User


def get_course(course_id):
    session = SessionLocal()
    try:
        return session.query(Course).get(course_id)
    finally:
        session.close()


def get_course_by_slug(session, slug):
    return session.query(Course).filter_by(slug=slug).first()


def published_courses(session, limit=20):
    return (
        session.query(Course)
        .filter(Course.status == CourseStatus.published)
        .order_by(desc(Course.published_at))
        .limit(limit)
        .all()
    )


def courses_with_lessons(session, instructor_id):
    # joinedload: the catalogue page renders every lesson title.
    return (
        session.query(Course)
        .options(joinedload(Course.lessons), joinedload(Course.instructor))
        .filter(Course.instructor_id == instructor_id)
        .all()
    )


def search_courses(session, text=None, tag=None, max_price=None):
    query = session.query(Course).filter(Course.status == CourseStatus.published)
    if text:
        pattern = f"%{text}%"
        query = query.filter(or_(Course.title.ilike(pattern), Course.description.ilike(pattern)))
    if tag:
        query = query.join(Course.tags).filter(Tag.name == tag)
    if max_price is not None:
        query = query.filter(Course.price <= max_price)
    query = query.order_by(Course.title)
    return query.all()


def count_lessons(session, course_id):
    return session.query(Lesson).filter(Lesson.course_id == course_id).count()


def preview_lessons(session, course_id):
    return session.query(Lesson).filter_by(course_id=course_id, is_preview=True).order_by(Lesson.position).all()


def instructor_for(session, course_id):
    course = session.query(Course).get(course_id)
    if course is None:
        return None
    return session.query(User).get(course.instructor_id)


def publish(session, course_id, when):
    updated = (
        session.query(Course)
        .filter(Course.id == course_id, Course.status == CourseStatus.draft)
        .update({Course.status: CourseStatus.published, Course.published_at: when}, synchronize_session=False)
    )
    session.commit()
    return updated == 1


def archive_stale(session, before):
    stale = session.query(Course).filter(Course.published_at < before).filter(Course.status != CourseStatus.archived)
    for course in stale.all():
        course.status = CourseStatus.archived
    session.commit()
    return stale.count()
