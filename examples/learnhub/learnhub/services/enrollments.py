"""Enrollment workflow, already on the SQLAlchemy 2.0 API (select(), Session.scalars/get/execute)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from learnhub.models import AuditLog, Course, CourseStatus, Enrollment, Lesson


class EnrollmentError(Exception):
    pass


def enroll(session: Session, user_id: int, course_id: int, price_paid: Decimal | None = None) -> Enrollment:
    course = session.get(Course, course_id)
    if course is None or course.status is not CourseStatus.published:
        raise EnrollmentError(f"course {course_id} is not open for enrollment")
    enrollment = Enrollment(user_id=user_id, course_id=course_id, price_paid=price_paid if price_paid is not None else course.price)
    session.add(enrollment)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise EnrollmentError("already enrolled") from None
    session.add(AuditLog(actor_id=user_id, action="enrollment.create", entity="enrollments", entity_id=enrollment.id))
    return enrollment


def enrollments_for_user(session: Session, user_id: int) -> list[Enrollment]:
    stmt = (
        select(Enrollment)
        .where(Enrollment.user_id == user_id)
        .options(selectinload(Enrollment.course))
        .order_by(Enrollment.enrolled_at.desc())
    )
    return list(session.scalars(stmt))


def mark_lesson_done(session: Session, enrollment_id: int, lesson_id: int) -> Enrollment:
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise EnrollmentError(f"no enrollment {enrollment_id}")
    progress = dict(enrollment.progress or {})
    done = set(progress.get("lessons_done", []))
    done.add(lesson_id)
    progress["lessons_done"] = sorted(done)
    progress["last_lesson_id"] = lesson_id
    enrollment.progress = progress

    total = session.scalar(select(func.count()).select_from(Lesson).where(Lesson.course_id == enrollment.course_id))
    if total and len(done) >= total:
        enrollment.completed_at = datetime.now(timezone.utc).replace(tzinfo=None)
    return enrollment


def close_course(session: Session, course_id: int) -> int:
    """Archive a course; returns how many open enrollments it had."""
    session.execute(update(Course).where(Course.id == course_id).values(status=CourseStatus.archived))
    return session.scalar(
        select(func.count(Enrollment.id)).where(Enrollment.course_id == course_id, Enrollment.completed_at.is_(None))
    ) or 0
