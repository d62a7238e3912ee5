"""Writing email to the outbox, and the admins' view of it.

Services add and flush; the caller commits, and the message goes once it has.
"""

from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import Select, func, select, update

from learning import jobs
from learning.database import db
from learning.mail import sending
from learning.mail.models import STATUSES, OutboxMessage

# What each message is about, for the admins' list.
KINDS = ("password_reset", "invitation", "details_changed", "reminder", "announcement")


def mail_is_on() -> bool:
    """Whether messages are sent (MAIL_SERVER is set) rather than only kept and logged."""
    return bool(current_app.config.get("MAIL_SERVER"))


def written_notice(sent: str, kept: str) -> tuple[str, str]:
    """The flash message and its category for email just written to the outbox.

    `sent` says it is on its way; `kept` says email is off on this installation, so that it
    stays in the outbox (admins see it there) and nobody receives it. A page must not say a
    link was sent when it was not.
    """
    return (sent, "success") if mail_is_on() else (kept, "info")


def _message_id() -> str:
    sender = current_app.config.get("MAIL_SENDER") or ""
    domain = sender.rpartition("@")[2] or urlsplit(current_app.config["BASE_URL"]).hostname
    return make_msgid(domain=domain or "localhost")


def queue_mail(recipient: str, subject: str, body: str, kind: str) -> OutboxMessage:
    """Write a plain-text email to the outbox; it is sent after the transaction commits."""
    now = sending.utcnow()
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, kind=kind,
                            status="pending", attempts=0, last_error="",
                            message_id=_message_id(), created_at=now, due_at=now)
    db.session.add(message)
    db.session.flush()
    jobs.after_commit(sending.send_message, message.id)
    return message


def messages(status: str | None = None) -> Select:
    """The outbox, newest first, with this status if one is given (for a paginated page)."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(),
                                           OutboxMessage.id.desc())
    if status:
        query = query.where(OutboxMessage.status == status)
    return query


def counts() -> dict[str, int]:
    """How many messages have each status."""
    found = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: found.get(status, 0) for status in STATUSES}


def retry(message: OutboxMessage) -> bool:
    """Send a failed message again from its first attempt, once the caller commits.

    False when it is no longer failed (retried already, by someone else too).
    """
    changed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == "failed")
        .values(status="pending", attempts=0, due_at=sending.utcnow())).rowcount
    if changed:
        jobs.after_commit(sending.send_message, message.id)
    return bool(changed)
