"""Certificates that a change to a course makes due, issued exactly once and never in the way.

A change to a course's content (an item archived, unpublished or made optional, a module
unpublished) can leave participants complete without their doing anything. The commit that
makes the change finds them (`services.due_for_certificates`, one query): a few are issued
their certificates in the same transaction, so the change and its certificates commit together;
more than `CERTIFY_IN_REQUEST_MAX` are left to a job queued after the commit
(`certify_course`), so that a facilitator's request does not wait on a large cohort. Either
way each certificate is issued through `services.issue_if_due`, the code path of an item's
completion, so once.

A job can be lost with a killed worker; what it had to do stays in the database (complete
participants without a certificate), and `certify_due_courses`, a periodic job, issues what
any course has due.
"""

import logging

from flask import current_app
from sqlalchemy import event, select

from learning import jobs
from learning.catalog.models import Course, changed_courses
from learning.certificates import services
from learning.database import Session, db, write_transaction

logger = logging.getLogger(__name__)

_CHANGED_COURSES = "certificates.changed_courses"


@jobs.job()
def certify_course(course_id: int) -> None:
    """Issue the certificates the course has due (none twice: `issue_if_due`)."""
    with write_transaction():
        course = db.session.get(Course, course_id)
        if course is None:
            logger.info("Course %s is gone: no certificates to issue.", course_id)
            return
        issued = services.issue_due(course)
        db.session.commit()
    logger.info("Issued %d certificates due in course %s.", len(issued), course_id)


@jobs.periodic()
def certify_due_courses() -> None:
    """Queue `certify_course` for each course with participants complete and uncertified."""
    for course in db.session.scalars(select(Course).order_by(Course.id)):
        if services.due_for_certificates(course):
            certify_course.enqueue(course.id)


def _note_changed_courses(session, flush_context, instances) -> None:
    changed = {course.id for course in changed_courses(session) if course.id is not None}
    if changed:
        session.info.setdefault(_CHANGED_COURSES, set()).update(changed)


def _certify_before_commit(session) -> None:
    """Issue what the transaction's course changes made due: now if few, else by a job."""
    limit = current_app.config["CERTIFY_IN_REQUEST_MAX"]
    for course_id in sorted(session.info.pop(_CHANGED_COURSES, ())):
        course = session.get(Course, course_id)
        if course is None:
            continue
        due = services.due_for_certificates(course)
        if len(due) > limit:
            jobs.after_commit(certify_course, course_id)
        elif due:
            services.issue_due(course, due)
    session.info.pop(_CHANGED_COURSES, None)  # issuing changed no course: nothing more


def _forget_changed_courses(session, *args) -> None:
    session.info.pop(_CHANGED_COURSES, None)


def certify_on_course_changes() -> None:
    """Listen to the application's sessions for commits that change a course's content."""
    for name, listener in (("before_flush", _note_changed_courses),
                           ("before_commit", _certify_before_commit),
                           ("after_rollback", _forget_changed_courses)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
