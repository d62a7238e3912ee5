"""Reminders before a module's due date: one email to each participant not done, once.

A cohort's schedule may give a module a due date (`learning.cohorts.schedules`). Every
minute a periodic job looks for modules due within DUE_REMINDER_DAYS days, counted in
each cohort's time zone, and open there; for each, every participant of the cohort who has
not completed the module (by the one completion rule, `progress.completion`: a completion
of the course that stands counts) and has not been reminded of it is written a
`DueReminder` row and its email, in one transaction, through the outbox.

At most once per participant, cohort and module, however many workers run the job at
once: the row is unique on that triple and each is written in a savepoint, so a second
worker's attempt meets the constraint (on PostgreSQL, once the first commits; SQLite runs
writers one at a time) and queues nothing.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from learning import jobs
from learning.accounts.emails import public_link
from learning.accounts.models import User
from learning.cohorts import schedules
from learning.cohorts.members import member_ids
from learning.database import db
from learning.mail import services as mail
from learning.progress import completion, rules
from learning.reports.models import DueReminder

logger = logging.getLogger(__name__)


def in_reminder_window(due_on: date, opens_on: date | None, today: date, days: int) -> bool:
    """Whether a module due on `due_on` is reminded of `today`: due within `days`, and open.

    From `days` days before the due date up to the day itself; never for a module that is
    not open yet, or past its date.
    """
    return (today <= due_on <= today + timedelta(days=days)
            and (opens_on is None or opens_on <= today))


@dataclass(frozen=True)
class Due:
    """A cohort's module in its reminder window (`schedule_id`: its row of the schedule)."""

    schedule_id: int
    cohort_id: int
    module_id: int
    due_on: date


def due_now(days: int, now: datetime | None = None) -> list[Due]:
    """The cohorts' modules whose reminders are due now, each in its cohort's time zone."""
    now = now or datetime.now(UTC)
    utc_today = now.date()
    # Every time zone's date is within a day of UTC's: narrow in SQL, decide per cohort.
    found = []
    for row in schedules.due_between(utc_today - timedelta(days=1),
                                     utc_today + timedelta(days=days + 1)):
        today = schedules.today_in(row.cohort.time_zone, now)
        if in_reminder_window(row.due_on, row.opens_on, today, days):
            found.append(Due(row.id, row.cohort_id, row.module_id, row.due_on))
    return found


def _completers(course_id: int, module_id: int, participants) -> set[int]:
    """Those of the participants who have completed the module, by the completion rule."""
    total = completion.module_totals(course_id).get(module_id)
    done = {row.user_id for row in db.session.execute(
                completion.module_done_counts(course_id, participants))
            if row.module_id == module_id and rules.is_complete(row.done, total or 0)}
    earned = completion.earned(course_id, participants).subquery()
    return done | set(db.session.scalars(select(earned.c.user_id)))


def to_remind(cohort, module) -> list[User]:
    """The cohort's participants to remind of the module now.

    Those who can sign in, have not completed it and have not been reminded of it; none for
    a module or course participants cannot see, or a module without work to complete.
    """
    course = cohort.course
    if (not course.is_published or not module.is_published or module.is_archived
            or completion.module_totals(course.id).get(module.id) is None):
        return []
    participants = member_ids(cohort.id)
    reminded = set(db.session.scalars(select(DueReminder.user_id).where(
        DueReminder.cohort_id == cohort.id, DueReminder.module_id == module.id)))
    left_out = reminded | _completers(course.id, module.id, participants)
    return [user for user in db.session.scalars(
                select(User).where(User.id.in_(participants), User.is_active.is_(True))
                .order_by(User.id))
            if user.id not in left_out]


def subject(module) -> str:
    return _("“%(module)s” is due soon", module=module.title)


def body(user: User, cohort, module, due_on: date) -> str:
    """One participant's reminder: the module, its due date, and the link to it."""
    link = public_link("catalog.module", slug=cohort.course.slug, module_slug=module.slug)
    return _(
        "Dear %(name)s,\n\n"
        "The module “%(module)s” of %(course)s is due on %(date)s for your cohort, "
        "%(cohort)s, and you have not completed it yet. Your progress is saved: you can "
        "continue where you left off at the link below.\n\n%(link)s",
        name=user.name, module=module.title, course=cohort.course.title, cohort=cohort.name,
        date=format_date(due_on, "long"), link=link)


def remind(cohort, module, due_on: date) -> int:
    """Write the reminders due for this cohort's module, with their emails; how many.

    `cohort` and `module` are a schedule's (`schedules.get_schedule`): this module asks the
    cohorts' rules (`members.member_ids`), never the other domains' tables.

    Each row is written in a savepoint: one that another worker wrote first is skipped, and
    its email not queued. The caller commits.
    """
    written = 0
    for user in to_remind(cohort, module):
        try:
            with db.session.begin_nested():
                db.session.add(DueReminder(cohort_id=cohort.id, module_id=module.id,
                                           user_id=user.id))
        except IntegrityError:
            continue  # reminded by another worker just now
        mail.queue_mail(user.email, subject(module), body(user, cohort, module, due_on),
                        "reminder")
        written += 1
    return written


@jobs.periodic()
def remind_due_modules() -> None:
    """Remind participants of every module due within DUE_REMINDER_DAYS days: each once."""
    for found in due_now(current_app.config["DUE_REMINDER_DAYS"]):
        schedule = schedules.get_schedule(found.schedule_id)
        if schedule is None or schedule.due_on != found.due_on:
            continue  # changed since it was read: the next minute reads it again
        written = remind(schedule.cohort, schedule.module, found.due_on)
        db.session.commit()
        if written:
            logger.info("Reminded %d participants of cohort %s that module %s is due.",
                        written, found.cohort_id, found.module_id)
