"""Running a cohort: creating it, changing it, its managers and participants; finding them.

Those who may run a cohort are learning/cohorts/access.py's rule; the views ask it first.
Services add and flush; the view commits.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from learning.accounts.models import User
from learning.accounts.roles import grant_role
from learning.catalog.models import Course
from learning.cohorts.joining import new_join_code
from learning.cohorts.models import Cohort, Enrolment
from learning.database import db
from learning.time_zones import default_time_zone


def cohorts_of_course(course_id: int) -> list[Cohort]:
    """The course's cohorts, oldest first."""
    return list(db.session.scalars(
        select(Cohort).where(Cohort.course_id == course_id).order_by(Cohort.id)))


def course_cohorts(course: Course) -> list[Cohort]:
    """The course's cohorts, by name."""
    return list(db.session.scalars(
        select(Cohort).where(Cohort.course_id == course.id).order_by(Cohort.name, Cohort.id)
    ))


def all_cohorts() -> list[Cohort]:
    """Every cohort with its course, for choosing one."""
    return list(db.session.scalars(
        select(Cohort).options(joinedload(Cohort.course)).order_by(Cohort.name, Cohort.id)
    ))


def lock(cohort: Cohort) -> None:
    """Hold the cohort's row until the transaction ends: writers to it go one at a time.

    On SQLite `FOR UPDATE` is left out by SQLAlchemy; the write transaction's BEGIN
    IMMEDIATE has already made this transaction the only writer.
    """
    db.session.execute(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())


def create_cohort(course: Course, name: str, starts_on: date | None,
                  ends_on: date | None, time_zone: str | None = None) -> Cohort:
    """A new open cohort of the course with a freshly generated join code.

    `time_zone` is an IANA name (the installation's DEFAULT_TIME_ZONE when None).
    """
    cohort = Cohort(course_id=course.id, name=name, starts_on=starts_on, ends_on=ends_on,
                    time_zone=time_zone or default_time_zone(), join_code=new_join_code())
    db.session.add(cohort)
    db.session.flush()
    return cohort


def update_cohort(cohort: Cohort, name: str, starts_on: date | None, ends_on: date | None,
                  is_open: bool, time_zone: str) -> None:
    """Change the cohort's name, dates, time zone and whether it takes new participants.

    Certificates already issued keep the time zone they were dated in.
    """
    cohort.name = name
    cohort.starts_on = starts_on
    cohort.ends_on = ends_on
    cohort.is_open = is_open
    cohort.time_zone = time_zone
    db.session.flush()


def add_manager(cohort: Cohort, user: User) -> bool:
    """Attach the user to the cohort as a manager, granting the manager role if needed.

    Returns False when they already managed it.
    """
    if any(m.id == user.id for m in cohort.managers):
        return False
    cohort.managers.append(user)
    grant_role(user, "manager")
    db.session.flush()
    return True


def remove_manager(cohort: Cohort, user: User) -> bool:
    """Detach the user from managing the cohort. Returns False when they did not manage it."""
    if not any(m.id == user.id for m in cohort.managers):
        return False
    cohort.managers.remove(user)
    db.session.flush()
    return True


def remove_participant(cohort: Cohort, user_id: int) -> bool:
    """Take the participant out of the cohort; False if they were not in it.

    Only the enrolment goes: their progress is per item, not per cohort, and their
    certificate is per course, so both are kept (and count again if they rejoin).
    """
    enrolment = db.session.scalar(select(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.user_id == user_id))
    if enrolment is None:
        return False
    db.session.delete(enrolment)
    db.session.flush()
    return True
