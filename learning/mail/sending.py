"""The jobs that send the outbox: one message at a time, and the sweep that finds the rest.

See `learning/mail/__init__.py` for the life of a row and `learning/jobs` for the rules
jobs keep. Every step re-reads the row and changes it only on condition of its status.
"""

import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from learning import jobs
from learning.database import db, write_transaction
from learning.mail import smtp
from learning.mail.models import OutboxMessage

logger = logging.getLogger(__name__)

MAIL_OFF = ("Email is off (MAIL_SERVER is not set): the message was kept here, not sent.")
SWEEP_BATCH = 500


def utcnow() -> datetime:
    return datetime.now(UTC)


def _commit(statement) -> int:
    """Run one UPDATE in a write transaction of its own; how many rows it changed."""
    with write_transaction():
        changed = db.session.execute(statement).rowcount
        db.session.commit()
    return changed


def claim(message_id: int) -> OutboxMessage | None:
    """Take a pending message to send it (pending → sending), or None if it is not pending.

    The condition on the status makes the UPDATE the lock: of two workers, one changes the
    row and the other changes nothing.
    """
    now = utcnow()
    taken = _commit(update(OutboxMessage)
                    .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
                    .values(status="sending", attempts=OutboxMessage.attempts + 1,
                            claimed_at=now))
    if not taken:
        return None
    return db.session.get(OutboxMessage, message_id)


def _finish(message: OutboxMessage, **values) -> None:
    _commit(update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.status == "sending")
            .values(**values))


def _log_unsent(message: OutboxMessage) -> None:
    if current_app.config.get("ENV_NAME") == "development":
        # A warning, not info: `flask run` without --debug shows warnings, and the
        # developer needs the links in the message.
        logger.warning("MAIL_SERVER is not set; this message was logged, not sent.\n"
                       "To: %s\nSubject: %s\n\n%s", message.recipient, message.subject,
                       message.body)
    else:
        # Elsewhere the body and the address stay out of the logs: the body may hold a
        # password reset link; the outbox page shows the rest to admins.
        logger.error("MAIL_SERVER is not set; outbox message %s (%s) was not sent.",
                     message.id, message.kind)


def _failed_attempt(message: OutboxMessage, error: BaseException) -> None:
    answer = smtp.server_answer(error)[:4000]
    if smtp.refused_for_good(error) or message.attempts >= current_app.config[
            "MAIL_MAX_ATTEMPTS"]:
        logger.warning("Message %s to %s failed for good: %s", message.id, message.recipient,
                       answer)
        _finish(message, status="failed", last_error=answer)
        return
    delay = jobs.backoff_seconds(message.attempts)
    logger.warning("Message %s to %s not sent (attempt %d), tried again in %d s: %s",
                   message.id, message.recipient, message.attempts, delay, answer)
    _finish(message, status="pending", last_error=answer,
            due_at=utcnow() + timedelta(seconds=delay))
    send_message.enqueue(message.id, delay=delay)


@jobs.job()
def send_message(message_id: int) -> None:
    """Send one outbox message, unless it is sent, failed, being sent, or gone."""
    message = claim(message_id)
    if message is None:
        logger.info("Message %s is not pending (sent, failed, taken or deleted): "
                    "nothing to do.", message_id)
        return
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        _log_unsent(message)
        _finish(message, status="failed", last_error=MAIL_OFF)
        return
    try:
        smtp.deliver(message, config)
    except smtp.SMTP_ERRORS as error:
        _failed_attempt(message, error)
        return
    _finish(message, status="sent", sent_at=utcnow(), last_error="")
    logger.info("Message %s sent to %s.", message.id, message.recipient)


@jobs.periodic()
def sweep_outbox() -> None:
    """Queue what was left undone: stale claims back to pending, then overdue pending rows."""
    config = current_app.config
    now = utcnow()
    stale = now - timedelta(seconds=config["MAIL_CLAIM_TIMEOUT_SECONDS"])
    returned = _commit(update(OutboxMessage)
                       .where(OutboxMessage.status == "sending",
                              OutboxMessage.claimed_at <= stale)
                       .values(status="pending", due_at=now))
    if returned:
        logger.warning("%d messages taken by a worker that never finished are pending again.",
                       returned)
    overdue = now - timedelta(seconds=config["MAIL_SWEEP_AFTER_SECONDS"])
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.due_at <= overdue)
        .order_by(OutboxMessage.due_at).limit(SWEEP_BATCH)).all()
    db.session.commit()
    for message_id in ids:
        send_message.enqueue(message_id)
