"""The outbox as tests read it, and a real SMTP server on loopback to send it to.

`outbox` lists the messages written to the outbox table (in the current application
context's database), oldest first, as `Mail(to, subject, body)`; `outbox.clear()` hides
those written so far for the rest of the test. `SMTPServer` is aiosmtpd on a free port:
it keeps what it accepts, can refuse a recipient with a 550, and can hold a message in
DATA until the test lets it go.
"""

import asyncio
import socket
import threading
import weakref
from dataclasses import dataclass
from email import message_from_bytes

from aiosmtpd.controller import Controller
from flask.globals import app_ctx
from sqlalchemy import select

from learning.database import db
from learning.mail.models import OutboxMessage


@dataclass(frozen=True)
class Mail:
    """A message as written to the outbox."""

    to: str
    subject: str
    body: str


class Outbox:
    """The outbox table's messages, read afresh at each use."""

    def __init__(self):
        self._after = (None, 0)  # (the test's application context, the last hidden id)

    def _hidden_up_to(self) -> int:
        context, last = self._after
        return last if context is not None and context() is app_ctx._get_current_object() else 0

    def rows(self) -> list[OutboxMessage]:
        return list(db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id > self._hidden_up_to())
            .order_by(OutboxMessage.id)))

    def _mails(self) -> list[Mail]:
        return [Mail(row.recipient, row.subject, row.body) for row in self.rows()]

    def clear(self) -> None:
        rows = self.rows()
        last = rows[-1].id if rows else self._hidden_up_to()
        self._after = (weakref.ref(app_ctx._get_current_object()), last)

    def __iter__(self):
        return iter(self._mails())

    def __len__(self) -> int:
        return len(self._mails())

    def __getitem__(self, index):
        return self._mails()[index]

    def __eq__(self, other) -> bool:
        return self._mails() == list(other)

    __hash__ = None


outbox = Outbox()


class _Handler:
    def __init__(self, server: "SMTPServer"):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.server.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.server.entered.set()
        while self.server.hold.is_set():
            await asyncio.sleep(0.02)
        if self.server.drop_held:
            return "451 4.3.0 Dropped by the test"
        self.server.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"


class SMTPServer:
    """aiosmtpd on 127.0.0.1 and a free port, collecting what it accepts in `messages`."""

    def __init__(self):
        self.messages = []
        self.refused: set[str] = set()
        self.hold = threading.Event()  # set: DATA waits until it is cleared
        self.entered = threading.Event()  # set when a message reaches DATA
        self.drop_held = False
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self._controller = None

    def start(self) -> None:
        """Serve (again, after `stop`) on the same port."""
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def settings(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False,
                "MAIL_USERNAME": None, "MAIL_SENDER": "no-reply@learning.example.org"}
