"""The outbox: one row per email, from the moment it is written to when it is sent."""

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from learning.database import db

STATUSES = ("pending", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    """An email to one recipient, its sending state and the server's last answer.

    `due_at` is when the next attempt may go (its creation, or after a failure, later);
    `claimed_at` when a worker took it to send. `message_id` stays the same whatever the
    number of attempts.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    created_at: Mapped[datetime]
    due_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_outbox_message_status_due_at", "status", "due_at"),
        Index("ix_outbox_message_created_at", "created_at"),
    )
