"""Reminding a cohort's stalled participants: the preview, the text, and sending once.

A facilitator first sees a preview (who, the subject, the text, editable) and confirms it.
The text they confirm is the message: each email is the greeting with the person's name,
that text, and the link to the course, in that order (`body`), so no placeholder can be
mistyped and the link cannot be lost.

Exactly one reminder per person per interval, however many confirmations arrive at once on
however many workers: `send` takes a lock on the cohort's row before it reads who is due
(`SELECT ... FOR UPDATE` on PostgreSQL; on SQLite the request's BEGIN IMMEDIATE already
runs writers one at a time), and writes the reminders and their outbox rows in that same
transaction. A second confirmation waits for the first to commit, then finds everyone
reminded. The caller commits.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from learning.accounts.models import User
from learning.cohorts.models import Cohort
from learning.database import db
from learning.mail import services as mail
from learning.reports import services

TEXT_MAX = 2000
PREVIEW_NAMES = 50


@dataclass(frozen=True)
class Due:
    """Who a press of "Send reminders" would remind now, and who it leaves out."""

    stalled: int
    reminded_lately: int  # stalled, left out: reminded within the interval
    recipients: list[tuple[int, str, str]]  # (id, name, email), longest idle first


def due(cohort: Cohort, stall_days: int, interval_days: int) -> Due:
    """The stalled participants not reminded within the interval who can still sign in."""
    stalled = services.stalled_ids(cohort, services.stall_cutoff(stall_days))
    ids = services.due_for_reminder(cohort, stalled, services.stall_cutoff(interval_days))
    found = {row[0]: row for row in services.reminder_recipients(ids)}
    return Due(len(stalled), len(stalled) - len(ids),
               [found[user_id] for user_id in ids if user_id in found])


def subject(cohort: Cohort) -> str:
    return _("Your course %(course)s is waiting for you", course=cohort.course.title)


def default_text(cohort: Cohort, stall_days: int) -> str:
    """Today's text, which the facilitator may edit before confirming."""
    return _("You have not been back to %(course)s for %(days)d days or more. Your progress "
             "is saved, and you can continue where you left off at the link below.\n\n"
             "This reminder was sent by the people who follow your cohort, %(cohort)s.",
             course=cohort.course.title, days=stall_days, cohort=cohort.name)


def body(name: str, text: str, link: str) -> str:
    """One person's email: the greeting with their name, the text, the course link."""
    return "\n\n".join([_("Dear %(name)s,", name=name), text.strip(), link])


def lock(cohort: Cohort) -> None:
    """Hold the cohort's row until the transaction ends: reminders to it go one at a time.

    On SQLite `FOR UPDATE` is left out by SQLAlchemy; the write transaction's BEGIN
    IMMEDIATE has already made this transaction the only writer.
    """
    db.session.execute(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())


def send(cohort: Cohort, text: str, sent_by: User, *, stall_days: int, interval_days: int,
         link: str) -> Due:
    """Remind everyone due, with this text, once: what was due under the lock.

    Locks the cohort, then reads who is due, so a confirmation racing this one waits and
    then finds them reminded. The reminders and their outbox rows are written in the
    caller's transaction; the emails go once it commits.
    """
    lock(cohort)
    now_due = due(cohort, stall_days, interval_days)
    title = subject(cohort)
    for _id, name, email in now_due.recipients:
        mail.queue_mail(email, title, body(name, text, link), "reminder")
    services.record_reminders(cohort, [user_id for user_id, _n, _e in now_due.recipients],
                              sent_by)
    return now_due
