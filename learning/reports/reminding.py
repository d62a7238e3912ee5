"""Reminding a cohort's stalled participants: the preview, the text, and sending once.

A facilitator first sees a preview (who, the subject, the text, editable) and confirms it.
The text they confirm is the message: each email is the greeting with the person's name,
that text, and the link to the course, in that order (`body`), so no placeholder can be
mistyped and the link cannot be lost.

Exactly one reminder per person per interval, however many confirmations arrive at once on
however many workers: `send` takes a lock on the cohort's row (`cohorts.running.lock`)
before it reads who is due
(`SELECT ... FOR UPDATE` on PostgreSQL; on SQLite the request's BEGIN IMMEDIATE already
runs writers one at a time), and writes the reminders and their outbox rows in that same
transaction. A second confirmation waits for the first to commit, then finds everyone
reminded. The caller commits.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from learning.accounts.models import User, utcnow
from learning.cohorts import running
from learning.database import db
from learning.mail import services as mail
from learning.reports import stalling
from learning.reports.models import Reminder

TEXT_MAX = 2000
PREVIEW_NAMES = 50
# Ids asked at once of the database (an IN list of any size would hit its limits).
CHUNK = 500


@dataclass(frozen=True)
class Due:
    """Who a press of "Send reminders" would remind now, and who it leaves out."""

    stalled: int
    reminded_lately: int  # stalled, left out: reminded within the interval
    recipients: list[tuple[int, str, str]]  # (id, name, email), longest idle first


def due(cohort, stall_days: int, interval_days: int) -> Due:
    """The stalled participants not reminded within the interval who can still sign in."""
    stalled = stalling.stalled_ids(cohort, stalling.stall_cutoff(stall_days))
    ids = due_for_reminder(cohort, stalled, stalling.stall_cutoff(interval_days))
    found = {row[0]: row for row in reminder_recipients(ids)}
    return Due(len(stalled), len(stalled) - len(ids),
               [found[user_id] for user_id in ids if user_id in found])


def subject(cohort) -> str:
    return _("Your course %(course)s is waiting for you", course=cohort.course.title)


def default_text(cohort, stall_days: int) -> str:
    """Today's text, which the facilitator may edit before confirming."""
    return _("You have not been back to %(course)s for %(days)d days or more. Your progress "
             "is saved, and you can continue where you left off at the link below.\n\n"
             "This reminder was sent by the people who follow your cohort, %(cohort)s.",
             course=cohort.course.title, days=stall_days, cohort=cohort.name)


def body(name: str, text: str, link: str) -> str:
    """One person's email: the greeting with their name, the text, the course link."""
    return "\n\n".join([_("Dear %(name)s,", name=name), text.strip(), link])


def send(cohort, text: str, sent_by: User, *, stall_days: int, interval_days: int,
         link: str) -> Due:
    """Remind everyone due, with this text, once: what was due under the lock.

    Locks the cohort, then reads who is due, so a confirmation racing this one waits and
    then finds them reminded. The reminders and their outbox rows are written in the
    caller's transaction; the emails go once it commits.
    """
    running.lock(cohort)
    now_due = due(cohort, stall_days, interval_days)
    title = subject(cohort)
    for _id, name, email in now_due.recipients:
        mail.queue_mail(email, title, body(name, text, link), "reminder")
    record_reminders(cohort, [user_id for user_id, _n, _e in now_due.recipients],
                              sent_by)
    return now_due


def reminder_recipients(user_ids: list[int]) -> list[tuple[int, str, str]]:
    """(id, name, email) of these participants who can still sign in; one query per 500."""
    recipients = []
    for start in range(0, len(user_ids), CHUNK):
        recipients += db.session.execute(
            select(User.id, User.name, User.email)
            .where(User.id.in_(user_ids[start:start + CHUNK]), User.is_active.is_(True))
            .order_by(User.id)).all()
    return [(user_id, name, email) for user_id, name, email in recipients]


def last_reminded(cohort, user_ids: list[int]) -> dict[int, datetime]:
    """When each of these participants (a page of them) was last reminded; one query."""
    return dict(db.session.execute(
        select(Reminder.user_id, func.max(Reminder.sent_at))
        .where(Reminder.cohort_id == cohort.id, Reminder.user_id.in_(user_ids))
        .group_by(Reminder.user_id)).all()) if user_ids else {}


def due_for_reminder(cohort, user_ids: list[int], since: datetime) -> list[int]:
    """Of these participants (in order), those not reminded about the cohort since `since`.

    One query, whatever the number: the cohort's participants reminded since then.
    """
    recent = set(db.session.scalars(
        select(Reminder.user_id).distinct()
        .where(Reminder.cohort_id == cohort.id, Reminder.sent_at >= since)))
    return [user_id for user_id in user_ids if user_id not in recent]


def record_reminders(cohort, user_ids: list[int], sent_by: User) -> None:
    """Remember that these participants are being reminded now, by `sent_by`."""
    if user_ids:
        now = utcnow()
        db.session.execute(insert(Reminder), [
            {"cohort_id": cohort.id, "user_id": user_id, "sent_by_id": sent_by.id,
             "sent_at": now} for user_id in user_ids])
