"""Who belongs to which cohort and course: participants enrolled, managers attached.

Reports and announcements join their people to `member_ids` and `enrolments`, queries
rather than lists, so a cohort of any size costs the same round trip. A manager attached to
a cohort counts as one of its course's members only while holding the manager role
(`Membership`); who may see which course is learning/cohorts/visibility.py.
"""

from dataclasses import dataclass

from sqlalchemy import Select, bindparam, exists, func, select
from sqlalchemy.orm import joinedload

from learning.accounts.models import User
from learning.catalog.models import Course
from learning.cohorts.models import Cohort, CohortManager, Enrolment
from learning.database import db


def member_ids(cohort_id: int):
    """The cohort's participants, as a query of user ids (never loaded into a list)."""
    return select(Enrolment.user_id).where(Enrolment.cohort_id == cohort_id)


def enrolments(cohort_id: int) -> Select:
    """(user_id, enrolled_at) of the cohort's participants, as a query to join on.

    What reports join their people to: a query, never a list, so a cohort of any size costs
    the same round trip.
    """
    return select(Enrolment.user_id, Enrolment.enrolled_at).where(Enrolment.cohort_id == cohort_id)


def enrolled_count(cohort_id: int) -> int:
    """How many participants joined the cohort; one query."""
    return db.session.scalar(
        select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == cohort_id))


def is_enrolled(user: User, cohort: Cohort) -> bool:
    """True if the user is a participant in the cohort."""
    return bool(db.session.scalar(select(exists().where(
        Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id
    ))))


def enrolled_user_ids(cohort: Cohort, user_ids) -> set[int]:
    """Those of these users who are participants in the cohort."""
    ids = list(user_ids)
    found = set()
    for start in range(0, len(ids), 500):
        found.update(db.session.scalars(select(Enrolment.user_id).where(
            Enrolment.cohort_id == cohort.id, Enrolment.user_id.in_(ids[start:start + 500]))))
    return found


def _enrolled_cohort_ids(user: User):
    return select(Enrolment.cohort_id).where(Enrolment.user_id == user.id)


def enrolled_course_ids(user: User) -> set[int]:
    """Ids of the courses the user takes as a participant (enrolled in one of its cohorts)."""
    return set(db.session.scalars(
        select(Cohort.course_id).where(Cohort.id.in_(_enrolled_cohort_ids(user))).distinct()
    ))


@dataclass(frozen=True)
class Membership:
    """How a user belongs to a course through its cohorts."""

    enrolled: bool  # a participant in one of its cohorts: keeps progress in the course
    manages: bool  # attached to one of its cohorts as a manager (counts with the role only)

    @property
    def is_member(self) -> bool:
        """Enrolled, or managing a cohort while holding the manager role."""
        return self.enrolled or self.manages


def membership_columns(course_id) -> tuple:
    """Two SQL columns, enrolled and manages, for the user in the `user_id` parameter.

    `course_id` is a column or parameter naming the course: a query that finds a course can
    answer how the user belongs to it in the same round trip (learning/catalog/outline.py).
    """
    cohort = Cohort.__table__.c
    enrolment = Enrolment.__table__.c
    manager = CohortManager.__table__.c
    return (
        exists().where(enrolment.user_id == bindparam("user_id"),
                       enrolment.cohort_id == cohort.id, cohort.course_id == course_id)
        .label("enrolled"),
        exists().where(manager.user_id == bindparam("user_id"),
                       manager.cohort_id == cohort.id, cohort.course_id == course_id)
        .label("manages"),
    )


_MEMBERSHIP = select(*membership_columns(bindparam("course_id")))
NOT_A_MEMBER = Membership(enrolled=False, manages=False)


def membership_of(user: User, enrolled: bool, manages: bool) -> Membership:
    """The membership that `membership_columns` found: managing counts with the role only."""
    if not user.is_authenticated:
        return NOT_A_MEMBER
    return Membership(enrolled=bool(enrolled),
                      manages=bool(manages) and "manager" in user.role_names)


def membership(user: User, course_id: int) -> Membership:
    """Whether the user takes or manages the course: one query, asked on most course pages."""
    if not user.is_authenticated:
        return NOT_A_MEMBER
    row = db.session.execute(_MEMBERSHIP, {"user_id": user.id, "course_id": course_id}).one()
    return membership_of(user, row.enrolled, row.manages)


def is_enrolled_in_course(user: User, course: Course) -> bool:
    """True if the user is a participant in any cohort of the course."""
    return membership(user, course.id).enrolled


def managed_cohort_ids(user: User):
    """The cohorts the user is attached to as a manager, as a query of ids."""
    return select(CohortManager.cohort_id).where(CohortManager.user_id == user.id)


def _member_cohort_ids(user: User):
    """Cohorts the user is in: enrolled, or managing them while holding the manager role."""
    if "manager" in user.role_names:
        return _enrolled_cohort_ids(user).union(managed_cohort_ids(user))
    return _enrolled_cohort_ids(user)


def member_course_ids(user: User) -> set[int]:
    """Ids of the courses of the cohorts the user is enrolled in or manages."""
    if not user.is_authenticated:
        return set()
    return set(db.session.scalars(
        select(Cohort.course_id).where(Cohort.id.in_(_member_cohort_ids(user))).distinct()
    ))


def is_course_member(user: User, course: Course) -> bool:
    """True if the user is enrolled in, or manages, a cohort of the course."""
    return membership(user, course.id).is_member


def cohort_names_by_course(user: User) -> dict[int, list[str]]:
    """The names of the user's cohorts (enrolled or managed), grouped by course id."""
    names: dict[int, list[str]] = {}
    rows = db.session.execute(
        select(Cohort.course_id, Cohort.name)
        .where(Cohort.id.in_(_member_cohort_ids(user)))
        .order_by(Cohort.name)
    )
    for course_id, name in rows:
        names.setdefault(course_id, []).append(name)
    return names


def participants(cohort: Cohort) -> list[Enrolment]:
    """The cohort's enrolments with their users, by name."""
    return list(db.session.scalars(
        select(Enrolment)
        .join(Enrolment.user)
        .options(joinedload(Enrolment.user))
        .where(Enrolment.cohort_id == cohort.id)
        .order_by(func.lower(User.name), User.id)
    ))


def participant(cohort: Cohort, user_id: int) -> User | None:
    """The user with this id if they are a participant of the cohort, else None."""
    return db.session.scalar(
        select(User).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id, User.id == user_id)
    )


def managed_cohorts(user: User) -> list[Cohort]:
    """The cohorts the user is attached to as a manager, with their courses."""
    return list(db.session.scalars(
        select(Cohort)
        .options(joinedload(Cohort.course))
        .where(Cohort.id.in_(managed_cohort_ids(user)))
        .order_by(Cohort.name)
    ))
