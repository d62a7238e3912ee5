"""Cohort reports as plain functions: who may see which cohort, and the figures they see.

Completion is never decided here: every figure about who has completed a module or the
course asks `learning.progress.completion`, which applies `learning.progress.rules`. The
number of queries each function makes does not depend on the size of the cohort.
"""

import statistics
from dataclasses import dataclass
from datetime import timedelta

from flask import abort
from sqlalchemy import ColumnElement, Select, func, or_, select, true

from learning.accounts.models import User
from learning.catalog.models import Course, CourseFacilitator, Item, Module
from learning.certificates.models import Certificate
from learning.cohorts.models import Cohort, CohortManager, Enrolment
from learning.database import db
from learning.progress import completion
from learning.progress.models import Progress


def cohort_scope(user: User) -> ColumnElement[bool] | None:
    """The scope rule, the one place it is written: which cohorts' reports the user may see.

    Admins see every cohort, managers the cohorts they are attached to, facilitators the
    cohorts of the courses they facilitate. Returned as a condition on `Cohort`, so lists
    and look-ups filter in SQL; None when the user may see no report at all.
    """
    if not user.is_authenticated:
        return None
    roles = user.role_names
    if "admin" in roles:
        return true()
    conditions = []
    if "manager" in roles:
        conditions.append(Cohort.id.in_(
            select(CohortManager.cohort_id).where(CohortManager.user_id == user.id)))
    if "facilitator" in roles:
        conditions.append(Cohort.course_id.in_(
            select(CourseFacilitator.course_id).where(CourseFacilitator.user_id == user.id)))
    if not conditions:
        return None
    return or_(*conditions)


def sees_reports(user: User) -> bool:
    """True if the user holds a role that has reports (their list may still be empty)."""
    return cohort_scope(user) is not None


@dataclass(frozen=True)
class CohortLine:
    """One line of the reports list: a cohort, its course and how many joined it."""

    id: int
    name: str
    course_title: str
    is_open: bool
    enrolled: int


def visible_cohorts(user: User) -> list[CohortLine]:
    """The cohorts whose reports the user may see, by course and name; one query."""
    scope = cohort_scope(user)
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


def get_cohort_or_404(cohort_id: int, user: User) -> Cohort:
    """The cohort, if the user may see its reports.

    403 for someone with no reports at all; 404 both for an unknown cohort and for one
    outside the user's scope, so that probing ids reveals nothing.
    """
    scope = cohort_scope(user)
    if scope is None:
        abort(403)
    cohort = db.session.scalar(select(Cohort).where(Cohort.id == cohort_id, scope))
    if cohort is None:
        abort(404)
    return cohort


def participant_ids(cohort: Cohort) -> Select:
    """The cohort's participants, as a query of user ids (never loaded into a list)."""
    return select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)


def published_modules(course_id: int) -> list[Module]:
    """The course's published modules in order: the columns and steps of every report."""
    return list(db.session.scalars(
        select(Module).where(Module.course_id == course_id, Module.is_published.is_(True))
        .order_by(Module.position)
    ))


def _course_items(course_id: int) -> Select:
    """Ids of every item in the course's published modules, required or optional."""
    return (select(Item.id).join(Module, Module.id == Item.module_id)
            .where(Module.course_id == course_id, Module.is_published.is_(True)))


@dataclass(frozen=True)
class ModuleFigure:
    """How many participants completed one module."""

    module: Module
    completed: int


@dataclass(frozen=True)
class FunnelStep:
    """One step of the funnel: a label, how many reached it and their share of the cohort."""

    label: str
    count: int
    percent: int
    is_module: bool = False


@dataclass(frozen=True)
class Overview:
    """The figures of a cohort's overview page."""

    enrolled: int
    started: int
    completed: int
    certificates: int
    median_days_to_complete: float | None
    modules: list[ModuleFigure]


def overview(cohort: Cohort) -> Overview:
    """A cohort's headline figures, in a fixed number of queries whatever its size.

    The median time to complete runs from a participant's joining the cohort to the issue of
    their (unrevoked) certificate for the course, which the platform issues the moment the
    completion rule is met; participants who completed without a certificate yet issued (a
    revoked one, say) are not in it.
    """
    participants = participant_ids(cohort)
    enrolled = db.session.scalar(
        select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == cohort.id))
    started = db.session.scalar(
        select(func.count(func.distinct(Progress.user_id)))
        .where(Progress.user_id.in_(participants),
               Progress.item_id.in_(_course_items(cohort.course_id))))
    completed = len(completion.completers(cohort.course_id, participants))
    per_module = completion.modules_completed(cohort.course_id, participants)
    modules = [ModuleFigure(module, per_module.get(module.id, 0))
               for module in published_modules(cohort.course_id)]
    durations = [
        issued_at - enrolled_at
        for enrolled_at, issued_at in db.session.execute(
            select(Enrolment.enrolled_at, Certificate.issued_at)
            .join(Certificate, Certificate.user_id == Enrolment.user_id)
            .where(Enrolment.cohort_id == cohort.id,
                   Certificate.course_id == cohort.course_id,
                   Certificate.revoked_at.is_(None))
        )
    ]
    return Overview(
        enrolled=enrolled,
        started=started,
        completed=completed,
        certificates=len(durations),
        median_days_to_complete=_median_days(durations),
        modules=modules,
    )


def _median_days(durations: list[timedelta]) -> float | None:
    if not durations:
        return None
    median = statistics.median(max(d, timedelta(0)).total_seconds() for d in durations)
    return round(median / 86_400, 1)


def _percent(count: int, of: int) -> int:
    return round(100 * count / of) if of else 0


def funnel(figures: Overview, labels: dict[str, str]) -> list[FunnelStep]:
    """The steps from joining to completing: enrolled, started, each module, the course.

    `labels` names the fixed steps ("enrolled", "started", "completed") in the reader's
    language; modules are named by their titles.
    """
    steps = [(labels["enrolled"], figures.enrolled, False),
             (labels["started"], figures.started, False)]
    steps += [(figure.module.title, figure.completed, True) for figure in figures.modules]
    steps.append((labels["completed"], figures.completed, False))
    return [FunnelStep(label, count, _percent(count, figures.enrolled), is_module)
            for label, count, is_module in steps]
