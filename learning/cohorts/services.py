"""Cohort rules: join codes, joining, who belongs to which cohort, who manages which."""

import re
import secrets
from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import ColumnElement, Select, bindparam, exists, false, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from learning.accounts.models import User
from learning.accounts.roles import grant_role
from learning.catalog.models import Course, CourseFacilitator
from learning.cohorts.models import Cohort, CohortManager, Enrolment
from learning.database import db
from learning.time_zones import default_time_zone

# Letters and digits that cannot be mistaken for one another when read aloud or copied
# from a slide: no 0/O, 1/I/L, and no U/V pair.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
JOIN_CODE_LENGTH = 10
_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")


def normalise_join_code(code: str) -> str:
    """The stored form of a typed join code: upper case, without spaces or hyphens."""
    return _CODE_SEPARATORS.sub("", code or "").upper()


def new_join_code() -> str:
    """A fresh join code: ten characters from an unambiguous alphabet, unused by any cohort."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if not db.session.scalar(select(exists().where(Cohort.join_code == code))):
            return code


def cohorts_of_course(course_id: int) -> list[Cohort]:
    """The course's cohorts, oldest first."""
    return list(db.session.scalars(
        select(Cohort).where(Cohort.course_id == course_id).order_by(Cohort.id)))


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


def lock(cohort: Cohort) -> None:
    """Hold the cohort's row until the transaction ends: writers to it go one at a time.

    On SQLite `FOR UPDATE` is left out by SQLAlchemy; the write transaction's BEGIN
    IMMEDIATE has already made this transaction the only writer.
    """
    db.session.execute(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())


def find_cohort_by_code(code: str) -> Cohort | None:
    """The cohort with this join code, however it was typed (open or not)."""
    normalised = normalise_join_code(code)
    if not normalised:
        return None
    return db.session.scalar(
        select(Cohort).options(joinedload(Cohort.course)).where(Cohort.join_code == normalised)
    )


def can_join(cohort: Cohort | None) -> bool:
    """A cohort can be joined while it is open and its course is published."""
    return cohort is not None and cohort.is_open and cohort.course.is_published


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


def join_cohort(user: User, cohort: Cohort) -> bool:
    """Enrol the user in the cohort, granting the participant role if they lack it.

    Returns False (and changes nothing) when the user was already enrolled. Two submits of
    the same form racing each other meet the unique constraint; the loser counts as
    already enrolled rather than failing.
    """
    if is_enrolled(user, cohort):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Enrolment(cohort_id=cohort.id, user_id=user.id))
    except IntegrityError:
        return False
    grant_role(user, "participant")
    db.session.flush()
    return True


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


def _managed_cohort_ids(user: User):
    return select(CohortManager.cohort_id).where(CohortManager.user_id == user.id)


def _enrolled_cohort_ids(user: User):
    return select(Enrolment.cohort_id).where(Enrolment.user_id == user.id)


def _member_cohort_ids(user: User):
    """Cohorts the user is in: enrolled, or managing them while holding the manager role."""
    if "manager" in user.role_names:
        return _enrolled_cohort_ids(user).union(_managed_cohort_ids(user))
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


@dataclass(frozen=True)
class CohortRow:
    """One line of the cohorts list: the cohort, how many joined, and whether to show its code."""

    cohort: Cohort
    participant_count: int
    shows_join_code: bool


def cohorts_for(user: User, facilitated_course_ids: set[int]) -> list[CohortRow]:
    """The cohorts the user may see, newest first, each with its participant count.

    Admins see all cohorts; facilitators those of their courses (`facilitated_course_ids`,
    with the join code); managers those they manage. One query, however many cohorts.
    """
    participant_count = (
        select(func.count(Enrolment.id))
        .where(Enrolment.cohort_id == Cohort.id)
        .correlate(Cohort)
        .scalar_subquery()
    )
    query = (
        select(Cohort, participant_count)
        .options(joinedload(Cohort.course))
        .order_by(Cohort.created_at.desc(), Cohort.id.desc())
    )
    is_admin = user.has_role("admin")
    if not is_admin:
        visible = [Cohort.course_id.in_(facilitated_course_ids)]
        if "manager" in user.role_names:
            visible.append(Cohort.id.in_(_managed_cohort_ids(user)))
        query = query.where(or_(*visible))
    return [
        CohortRow(cohort, count, is_admin or cohort.course_id in facilitated_course_ids)
        for cohort, count in db.session.execute(query)
    ]


# Who may see a cohort's progress and reports, and who may run it: one loader per rule. Ids
# come from `<int:...>` routes, which refuse any the id columns cannot hold
# (`core.routing.MAX_ID`), so none is checked again here.


def follow_scope(user: User) -> ColumnElement[bool] | None:
    """Which cohorts the user may follow (progress and reports), the one place it is written.

    Admins follow every cohort, managers the cohorts they are attached to, facilitators the
    cohorts of the courses they facilitate. Returned as a condition on `Cohort`, so lists
    and look-ups filter in SQL; None when the user may follow no cohort at all.
    """
    if not user.is_authenticated:
        return None
    roles = user.role_names
    if "admin" in roles:
        return true()
    conditions = []
    if "manager" in roles:
        conditions.append(Cohort.id.in_(_managed_cohort_ids(user)))
    if "facilitator" in roles:
        conditions.append(Cohort.course_id.in_(
            select(CourseFacilitator.course_id).where(CourseFacilitator.user_id == user.id)))
    if not conditions:
        return None
    return or_(*conditions)


def may_follow(cohort_id: int, user: User) -> bool:
    """Whether the user may follow the cohort (False for an unknown one)."""
    scope = follow_scope(user)
    return scope is not None and bool(db.session.scalar(
        select(exists().where(Cohort.id == cohort_id, scope))))


def get_cohort_for_reports_or_404(cohort_id: int, user: User) -> Cohort:
    """The cohort, if the user may see its reports (`follow_scope`).

    403 for someone who follows no cohort at all; 404 both for an unknown cohort and for
    one outside the user's scope, so that probing ids reveals nothing.
    """
    scope = follow_scope(user)
    if scope is None:
        abort(403)
    cohort = db.session.scalar(select(Cohort).where(Cohort.id == cohort_id, scope))
    if cohort is None:
        abort(404)
    return cohort


def get_cohort_for_progress_or_404(cohort_id: int, user: User) -> Cohort:
    """The cohort, if the user may see its participants (404 unknown, 403 not allowed).

    The rule is `follow_scope`'s, asked in the query that loads the cohort.
    """
    scope = follow_scope(user)
    row = db.session.execute(
        select(Cohort, false() if scope is None else scope)
        .options(joinedload(Cohort.course).selectinload(Course.facilitators),
                 selectinload(Cohort.managers))
        .where(Cohort.id == cohort_id)
    ).one_or_none()
    if row is None:
        abort(404)
    cohort, follows = row
    if not follows:
        abort(403)
    return cohort


@dataclass(frozen=True)
class CohortLine:
    """One line of the reports list: a cohort, its course and how many joined it."""

    id: int
    name: str
    course_title: str
    is_open: bool
    enrolled: int


def cohorts_followed(user: User) -> list[CohortLine]:
    """The cohorts whose reports the user may see, by course and name; one query."""
    scope = follow_scope(user)
    if scope is None:
        return []
    enrolled = (select(func.count(Enrolment.id)).where(Enrolment.cohort_id == Cohort.id)
                .correlate(Cohort).scalar_subquery())
    rows = db.session.execute(
        select(Cohort.id, Cohort.name, Course.title, Cohort.is_open, enrolled)
        .join(Course, Course.id == Cohort.course_id)
        .where(scope)
        .order_by(Course.title, Cohort.name, Cohort.id)
    )
    return [CohortLine(*row) for row in rows]


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
        .where(Cohort.id.in_(_managed_cohort_ids(user)))
        .order_by(Cohort.name)
    ))


def all_cohorts() -> list[Cohort]:
    """Every cohort with its course, for choosing one."""
    return list(db.session.scalars(
        select(Cohort).options(joinedload(Cohort.course)).order_by(Cohort.name, Cohort.id)
    ))


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


def may_run_cohort(cohort_id: int, user) -> bool:
    """Whether the user may run the cohort (False for an unknown one).

    The rule of `get_cohort_for_edit_or_404`, without its 404 and 403: asked before a
    participants' file is read (`core.limits`).
    """
    if not user.is_authenticated or not user.has_role("facilitator"):
        return False
    cohort = db.session.scalar(
        select(Cohort).options(joinedload(Cohort.course).selectinload(Course.facilitators))
        .where(Cohort.id == cohort_id))
    return cohort is not None and cohort.course.can_edit(user)


def get_cohort_for_edit_or_404(cohort_id: int, user: User) -> Cohort:
    """The cohort, if the user may run it: its course's facilitators and admins.

    404 for an unknown cohort, 403 for anyone else (its managers see it but do not run it).
    """
    cohort = db.session.scalar(
        select(Cohort)
        .options(joinedload(Cohort.course).selectinload(Course.facilitators),
                 selectinload(Cohort.managers))
        .where(Cohort.id == cohort_id)
    )
    if cohort is None:
        abort(404)
    if not cohort.course.can_edit(user):
        abort(403)
    return cohort


def course_cohorts(course: Course) -> list[Cohort]:
    """The course's cohorts, by name."""
    return list(db.session.scalars(
        select(Cohort).where(Cohort.course_id == course.id).order_by(Cohort.name, Cohort.id)
    ))


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


def regenerate_join_code(cohort: Cohort) -> str:
    """Give the cohort a fresh join code: the old one stops working at once. Returns it."""
    cohort.join_code = new_join_code()
    db.session.flush()
    return cohort.join_code


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

