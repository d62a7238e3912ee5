"""Who may follow a cohort (its progress and reports) and who may run it: one loader per rule.

Admins follow every cohort, managers the cohorts they are attached to, facilitators the
cohorts of the courses they facilitate (`follow_scope`, the one place it is written). Those
who run a cohort are its course's facilitators and admins (`get_cohort_for_edit_or_404`);
its managers follow it but do not run it.

Ids come from `<int:...>` routes, which refuse any the id columns cannot hold
(`core.routing.MAX_ID`), so none is checked again here.
"""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import ColumnElement, exists, false, func, or_, select, true
from sqlalchemy.orm import joinedload, selectinload

from learning.accounts.models import User
from learning.catalog.models import Course, CourseFacilitator
from learning.cohorts.members import managed_cohort_ids
from learning.cohorts.models import Cohort, Enrolment
from learning.database import db


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
        conditions.append(Cohort.id.in_(managed_cohort_ids(user)))
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
            visible.append(Cohort.id.in_(managed_cohort_ids(user)))
        query = query.where(or_(*visible))
    return [
        CohortRow(cohort, count, is_admin or cohort.course_id in facilitated_course_ids)
        for cohort, count in db.session.execute(query)
    ]
