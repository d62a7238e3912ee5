"""Reminder emails to stalled participants, sent after the request that asked for them.

One worker thread sends them one at a time through the existing mail setting
(`learning.accounts.mail`), so a slow or unreachable mail server never holds a request,
and a message that fails is logged and the rest still go.
"""

import smtplib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from flask import Flask

from learning.accounts.mail import send_mail

_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reminders")


@dataclass(frozen=True)
class Reminder:
    """One message, written (and translated) in the request that asked for it."""

    to: str
    subject: str
    body: str


def _send_all(app: Flask, reminders: list[Reminder]) -> int:
    sent = 0
    with app.app_context():
        for reminder in reminders:
            try:
                send_mail(reminder.to, reminder.subject, reminder.body)
            except (smtplib.SMTPException, OSError):
                app.logger.warning("A reminder to %s could not be sent.", reminder.to)
            else:
                sent += 1
        app.logger.info("Sent %d of %d reminders.", sent, len(reminders))
    return sent


def dispatch(app: Flask, reminders: list[Reminder]) -> Future:
    """Queue the reminders for the worker and return at once; the future says how many went."""
    return _worker.submit(_send_all, app, list(reminders))


def wait_until_idle() -> None:
    """Block until every reminder queued so far is sent (tests and shutdown)."""
    _worker.submit(lambda: None).result()
