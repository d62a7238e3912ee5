"""A cohort's overview: its headline figures, the funnel and completions per week.

Completion is never decided here: every figure about who has completed a module or the
course asks `learning.progress.completion`, which applies `learning.progress.rules`. The
number of queries each function makes does not depend on the size of the cohort.
"""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from learning.catalog.outline import ModuleOutline
from learning.certificates import services as certificates
from learning.cohorts import members
from learning.database import db
from learning.progress import completion, rules
from learning.reports.course import published_modules


@dataclass(frozen=True)
class ModuleFigure:
    """How many participants completed one module."""

    module: ModuleOutline
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
    completed_at: dict[int, datetime]  # who completed the course, and when


def overview(cohort) -> Overview:
    """A cohort's headline figures, in a fixed number of queries whatever its size.

    Started and completed come from one scan (`completion.standings`), the rule deciding
    who is complete. The median time to complete runs from a participant's joining the
    cohort to the issue of their (unrevoked) certificate for the course, which the platform
    issues the moment the completion rule is met; participants who completed without a
    certificate standing (a revoked one, say) are not in it.
    """
    participants = members.member_ids(cohort.id)
    started, completed_at = standings(cohort)
    per_module = completion.modules_completed(cohort.course_id, participants)
    modules = [ModuleFigure(module, per_module.get(module.id, 0))
               for module in published_modules(cohort.course)]
    joined = members.enrolments(cohort.id).subquery()
    issued = certificates.standing_certificates(cohort.course_id).subquery()
    durations = [
        issued_at - enrolled_at
        for enrolled_at, issued_at in db.session.execute(
            select(joined.c.enrolled_at, issued.c.issued_at).select_from(joined)
            .join(issued, issued.c.user_id == joined.c.user_id))
    ]
    return Overview(
        enrolled=members.enrolled_count(cohort.id),
        started=started,
        completed=len(completed_at),
        certificates=len(durations),
        median_days_to_complete=_median_days(durations),
        modules=modules,
        completed_at=completed_at,
    )


def standings(cohort) -> tuple[int, dict[int, datetime]]:
    """How many of the cohort started, and when each who completed did so; one query.

    Completion decided by `rules.counts_as_complete` on `completion.standings`' data: a
    completion earned stands, whatever the course asks now.
    """
    db.session.flush()
    rows = db.session.execute(completion.standings(cohort.course_id,
                                                   members.member_ids(cohort.id)))
    started, completed_at = 0, {}
    for row in rows:
        started += 1
        if rules.counts_as_complete(row.done, row.total, row.earned_at):
            completed_at[row.user_id] = row.earned_at or row.completed_at
    return started, completed_at


def course_statuses(cohort) -> dict[int, str]:
    """Each participant's status in the course (`rules.status`) by user id; one query.

    Those who have not started have no progress row and are missing from the answer: the
    caller reads them as not started. The same scan and rule as `standings`, so a roster
    says what the overview and the participants' status filter say.
    """
    db.session.flush()
    rows = db.session.execute(completion.standings(cohort.course_id,
                                                   members.member_ids(cohort.id)))
    return {row.user_id: rules.status(row.done, row.total, True, row.earned_at is not None)
            for row in rows}


def _median_days(durations: list[timedelta]) -> float | None:
    if not durations:
        return None
    median = statistics.median(max(d, timedelta(0)).total_seconds() for d in durations)
    return round(median / 86_400, 1)


def percent(count: int, of: int) -> int:
    """`count` as a whole percentage of `of` (0 of nobody)."""
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
    return [FunnelStep(label, count, percent(count, figures.enrolled), is_module)
            for label, count, is_module in steps]


@dataclass(frozen=True)
class Week:
    """Completions of the course in one week (Monday to Sunday, UTC), and all so far."""

    starts_on: date
    completed: int
    cumulative: int


def completions_by_week(completed_at: dict[int, datetime]) -> list[Week]:
    """Course completions per week, from the first week anyone completed to the latest.

    `completed_at` is the overview's: a completion is dated by its last required item.
    Weeks in between with none are listed with 0, so the chart's gaps are real gaps.
    """
    per_week: dict[date, int] = {}
    for at in completed_at.values():
        day = at.date()
        monday = day - timedelta(days=day.weekday())
        per_week[monday] = per_week.get(monday, 0) + 1
    if not per_week:
        return []
    weeks, cumulative = [], 0
    monday, last = min(per_week), max(per_week)
    while monday <= last:
        cumulative += per_week.get(monday, 0)
        weeks.append(Week(monday, per_week.get(monday, 0), cumulative))
        monday += timedelta(weeks=1)
    return weeks
