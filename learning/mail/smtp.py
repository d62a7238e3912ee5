"""Talking to the mail server: one message over SMTP, and what its answers mean.

Only the sending job (`learning.mail.sending`) calls this; requests never talk to SMTP.
"""

import smtplib
import ssl
from email.message import EmailMessage

from learning.mail.models import OutboxMessage

SMTP_TIMEOUT_SECONDS = 15
SMTPS_PORT = 465
# SMTP reply codes from 500 on are permanent: the same message will be refused again.
PERMANENT_FROM = 500

# What the mail server (or the way to it) may raise.
SMTP_ERRORS = (smtplib.SMTPException, OSError)


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email.set_content(message.body)
    return email


def deliver(message: OutboxMessage, config) -> None:
    """Send the message through the configured server.

    Raises one of SMTP_ERRORS when the server refuses it or cannot be reached.
    """
    context = ssl.create_default_context()
    port = config["MAIL_PORT"]
    if port == SMTPS_PORT:
        smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], port, timeout=SMTP_TIMEOUT_SECONDS,
                                context=context)
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], port, timeout=SMTP_TIMEOUT_SECONDS)
    with smtp:
        if port != SMTPS_PORT and config["MAIL_USE_TLS"]:
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(_email(message, config["MAIL_SENDER"]))


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def refused_for_good(error: BaseException) -> bool:
    """Whether the server refused the recipient or the message with a permanent (5xx) answer.

    Any other failure (a temporary 4xx answer, an unreachable server, a refused sign-in or
    sender, which are the installation's to fix) is worth another attempt.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= PERMANENT_FROM for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= PERMANENT_FROM
    return False


def server_answer(error: BaseException) -> str:
    """The server's answer (its code and text), or what went wrong on the way to it."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {_text(reply)}"
                         for address, (code, reply) in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"
