"""What reports remember: the reminders sent to stalled participants and before due dates."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from learning.accounts.models import utcnow
from learning.database import db


class Reminder(db.Model):
    """One reminder email queued for a participant of a cohort, and who asked for it.

    Written in the request that queues the mail, before the mail goes: the stalls page shows
    when each participant was last reminded, and the same person is not reminded again within
    `REMINDER_INTERVAL_DAYS`. Written under a lock on the cohort's row
    (`reminding.send`), so confirmations racing on several workers write one per person.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_reminder_cohort_user_sent", "cohort_id", "user_id", "sent_at"),)


class DueReminder(db.Model):
    """A reminder that a module is due, queued once for a participant of a cohort.

    Written with its email in one transaction by the periodic job
    (`due_reminders.remind_due_modules`); the unique triple makes a second worker's attempt
    at the same reminder fail rather than send it twice.
    """

    __tablename__ = "due_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("cohort_id", "module_id", "user_id"),)
