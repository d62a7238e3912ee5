"""Sending an announcement: recipients recorded in the request, their emails written by a job.

A facilitator previews a message (its body rendered by the one sanitiser, the number of
recipients), then sends it. `send` resolves the recipients once (`audiences.recipients`: a
few queries whatever the cohort's size) and records them in the request's transaction, one
`AnnouncementRecipient` row each in a single INSERT: what was recorded is who received it,
the moment the facilitator pressed Send, and no later profile edit or progress changes it.
The emails, one outbox row each (`mail.queue_mail`: a row, a flush and a queued send per
person), are written by a job (`mail_announcement`) queued as that transaction commits, so a
cohort of thousands never holds the request; the job mails the recorded names and
addresses, so a late or repeated run mails the same people.

The same form sent twice (a double click, a reload of the answer) sends once: its token is
unique (`Announcement.token`). A second send with it finds the first, or, racing it on
another worker, fails on the unique index in a savepoint and then finds it.
"""

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from learning import jobs
from learning.accounts.emails import public_link
from learning.accounts.models import utcnow
from learning.announcements.audiences import Selection, recipients
from learning.announcements.models import Announcement, AnnouncementRecipient
from learning.cohorts.models import Cohort
from learning.content.sanitise import markdown_to_html
from learning.database import db
from learning.jobs.subjects import still_queued, take_queued
from learning.mail import services as mail

# How long an announcement may stay queued before it counts as lost and is queued again.
STALLED_AFTER = timedelta(minutes=10)
MINE_ON_MY_LEARNING = 3


class NoRecipients(ValueError):
    """The selection names no one who could receive the message: nothing is sent."""


def new_token() -> str:
    """A fresh token for a message's form: sending it twice sends once."""
    return secrets.token_urlsafe(24)


def render(body: str) -> str:
    """A message's body as pages show it: its Markdown through the one sanitiser."""
    return markdown_to_html(body)


def by_token(token: str) -> Announcement | None:
    """The announcement a form with this token has sent already, if any."""
    return db.session.scalar(select(Announcement).where(Announcement.token == token))


def send(cohort: Cohort, selection: Selection, subject: str, body: str, token: str, sent_by,
         stall_days: int) -> tuple[Announcement, bool]:
    """Record the announcement and its recipients; its emails go by a job after commit.

    Returns the announcement and True, or the one this token sent already and False.
    Raises NoRecipients when the selection names no one. The caller commits.
    """
    earlier = by_token(token)
    if earlier is not None:
        return earlier, False
    people = recipients(cohort, selection, stall_days)
    if not people:
        raise NoRecipients()
    announcement = Announcement(
        cohort_id=cohort.id, sent_by_id=sent_by.id, token=token, subject=subject, body=body,
        body_html=render(body), audience=selection.audience,
        audience_module_id=selection.module_id, audience_country=selection.country,
        recipient_count=len(people), status="queued", created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(announcement)
            db.session.flush()
    except IntegrityError:  # the same form, sent at the same moment, got there first
        return by_token(token), False
    db.session.execute(insert(AnnouncementRecipient), [
        {"announcement_id": announcement.id, "user_id": person.user_id,
         "name": person.name, "email": person.email} for person in people])
    jobs.after_commit(mail_announcement, announcement.id)
    return announcement, True


def email_body(announcement: Announcement, cohort: Cohort, name: str) -> str:
    """One person's email: a greeting by name, the message as written, where to read it."""
    return "\n\n".join([
        _("Dear %(name)s,", name=name),
        announcement.body.strip(),
        _("This message was sent to you by the people who run %(cohort)s, your cohort of "
          "%(course)s. You can read it again on My learning: %(link)s",
          cohort=cohort.name, course=cohort.course.title,
          link=public_link("announcements.mine")),
    ])


@jobs.job()
def mail_announcement(announcement_id: int) -> None:
    """Write the emails of a recorded announcement to the outbox, once.

    Taken with a conditional UPDATE (queued to done) in the transaction that writes the
    emails: a second run, or a second worker, finds it done and writes nothing.
    """
    if not take_queued(Announcement, announcement_id, mailed_at=utcnow()):
        current_app.logger.info("Announcement %s is gone or mailed already: nothing to do.",
                                announcement_id)
        return
    announcement = db.session.get(Announcement, announcement_id)
    cohort = db.session.get(Cohort, announcement.cohort_id)
    people = db.session.execute(
        select(AnnouncementRecipient.name, AnnouncementRecipient.email)
        .where(AnnouncementRecipient.announcement_id == announcement_id)
        .order_by(AnnouncementRecipient.user_id))
    for name, email in people:
        mail.queue_mail(email, announcement.subject, email_body(announcement, cohort, name),
                        "announcement")
    db.session.commit()


@jobs.periodic()
def requeue_stalled_announcements() -> None:
    """Queue again each announcement still queued STALLED_AFTER after it was sent."""
    for announcement_id in still_queued(Announcement, Announcement.created_at, STALLED_AFTER):
        current_app.logger.warning("Announcement %s is still queued: queued again.",
                                   announcement_id)
        mail_announcement.enqueue(announcement_id)


def sent_to_cohort(cohort: Cohort) -> list[Announcement]:
    """The cohort's announcements, newest first: the cohort page's messages."""
    return list(db.session.scalars(
        select(Announcement).where(Announcement.cohort_id == cohort.id)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())))


def of_cohort(cohort: Cohort, announcement_id: int) -> Announcement | None:
    """The cohort's announcement with this id, or None."""
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or announcement.cohort_id != cohort.id:
        return None
    return announcement


def recipients_of(announcement: Announcement) -> list[AnnouncementRecipient]:
    """Who an announcement went to, as recorded when it was sent, by name."""
    return list(db.session.scalars(
        select(AnnouncementRecipient)
        .where(AnnouncementRecipient.announcement_id == announcement.id)
        .order_by(func.lower(AnnouncementRecipient.name), AnnouncementRecipient.user_id)))


def received(user_id: int, limit: int | None = None) -> list[tuple[Announcement, str, str]]:
    """The announcements a person received, newest first, with their cohorts' names.

    And time zones: an announcement's time is shown as the clock said where its cohort is.
    """
    query = (select(Announcement, Cohort.name, Cohort.time_zone)
             .join(AnnouncementRecipient,
                   AnnouncementRecipient.announcement_id == Announcement.id)
             .join(Cohort, Cohort.id == Announcement.cohort_id)
             .where(AnnouncementRecipient.user_id == user_id)
             .order_by(Announcement.created_at.desc(), Announcement.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    return [(announcement, name, time_zone)
            for announcement, name, time_zone in db.session.execute(query)]


def received_count(user_id: int) -> int:
    """How many announcements a person received."""
    return db.session.scalar(select(func.count()).where(
        AnnouncementRecipient.user_id == user_id))
