"""Sending email: SMTP when MAIL_SERVER is set; in development, the application log.

Under TESTING, messages are appended to `outbox` instead, so that tests can read them.
"""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app

SMTP_TIMEOUT_SECONDS = 15
SMTPS_PORT = 465


@dataclass(frozen=True)
class Mail:
    """A message as sent: kept in `outbox` during tests."""

    to: str
    subject: str
    body: str


outbox: list[Mail] = []


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message to one recipient.

    Raises smtplib.SMTPException or OSError when the mail server refuses or is unreachable.
    """
    config = current_app.config
    if config.get("TESTING"):
        outbox.append(Mail(to=to, subject=subject, body=body))
        return
    if not config.get("MAIL_SERVER"):
        if config.get("ENV_NAME") == "development":
            # Logged as a warning, not info: `flask run` without --debug shows warnings only,
            # and the developer needs the links in the message.
            current_app.logger.warning(
                "MAIL_SERVER is not set; this message was logged, not sent.\n"
                "To: %s\nSubject: %s\n\n%s", to, subject, body,
            )
        else:
            # Elsewhere the body stays out of the logs: it may hold a password reset link.
            current_app.logger.error(
                "MAIL_SERVER is not set; the message to %s (%s) was not sent.", to, subject
            )
        return

    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)

    context = ssl.create_default_context()
    port = config["MAIL_PORT"]
    if port == SMTPS_PORT:
        smtp = smtplib.SMTP_SSL(
            config["MAIL_SERVER"], port, timeout=SMTP_TIMEOUT_SECONDS, context=context
        )
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], port, timeout=SMTP_TIMEOUT_SECONDS)
    with smtp:
        if port != SMTPS_PORT and config["MAIL_USE_TLS"]:
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
