"""One participant of a cohort, item by item: status and dates, never their answers."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import select

from learning.accounts.models import User
from learning.catalog.outline import ItemOutline, ModuleOutline
from learning.certificates import services as certificates
from learning.cohorts import members
from learning.database import db
from learning.progress import activity, rules
from learning.progress import services as progress_services
from learning.reports.course import published_modules


@dataclass(frozen=True)
class ItemLine:
    """One item of the course as one participant stands with it: status and dates only."""

    item: ItemOutline
    status: str
    started_at: object
    completed_at: object
    watched_percent: int | None


@dataclass(frozen=True)
class ModuleLines:
    """One module: its summary by the completion rule and its items."""

    module: ModuleOutline
    summary: progress_services.Summary
    items: list[ItemLine]


@dataclass(frozen=True)
class ParticipantDetail:
    """What a report shows of one participant: who, since when, and item by item.

    Never their self-assessment answers, scores or reflections: those are read nowhere here.
    """

    user: User
    enrolled_at: object
    overall: progress_services.Summary
    modules: list[ModuleLines]
    last_activity: object
    certificate: object  # their certificate for the course (`certificates`), or None


def participant_detail(cohort, user_id: int) -> ParticipantDetail:
    """One participant of the cohort item by item; 404 for anyone not enrolled in it.

    `user_id` comes from an `<int:...>` route, which refuses ids no column can hold.
    """
    joined = members.enrolments(cohort.id).subquery()
    enrolment = db.session.execute(
        select(User, joined.c.enrolled_at).join(joined, joined.c.user_id == User.id)
        .where(User.id == user_id)
    ).one_or_none()
    if enrolment is None:
        abort(404)
    user, enrolled_at = enrolment
    lines = course_lines(cohort.course, user_id)
    return ParticipantDetail(
        user=user,
        enrolled_at=enrolled_at,
        overall=lines.overall,
        modules=lines.modules,
        last_activity=lines.last_activity,
        certificate=certificates.certificates_by_user(cohort.course_id, [user_id]).get(user_id),
    )


@dataclass(frozen=True)
class CourseLines:
    """One person's progress through one course, module by module and item by item."""

    course: object
    overall: progress_services.Summary
    modules: list[ModuleLines]
    last_activity: object


def course_lines(course, user_id: int) -> CourseLines:
    """The person's progress through the course as participants see it, item by item.

    The published modules and their published items, as the completion rule counts them
    (the course's outline), each with its status, when it was started and completed, and
    the share watched of a recording. Status and dates only: self-assessment answers,
    scores and reflections are read nowhere here. One query besides the outline.
    """
    modules = published_modules(course)
    items = [item for module in modules for item in module.items]
    rows = activity.item_records(user_id, [item.id for item in items])
    statuses = {item_id: row.status for item_id, row in rows.items()}
    progress = progress_services.course_progress(user_id, modules, statuses)

    def line(item):
        row = rows.get(item.id)
        watched = None
        if row is not None and item.kind == "recording" and item.duration_seconds:
            watched = rules.watched_percent(row.detail.get("intervals", []),
                                            item.duration_seconds)
        return ItemLine(item, progress.status_of(item), row.started_at if row else None,
                        row.completed_at if row else None, watched)

    return CourseLines(
        course=course,
        overall=progress.overall,
        modules=[ModuleLines(module, progress.modules[module.id],
                             [line(item) for item in module.items]) for module in modules],
        last_activity=max((row.updated_at for row in rows.values()), default=None),
    )
